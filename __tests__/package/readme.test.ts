import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// The README is also the package's page on npm, where relative links and images resolve to nothing: every link
// is absolute, and every link into this repository names a file or folder that exists.
const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(`${root}README.md`, 'utf8')
const REPO =
  /^https:\/\/(?:github\.com\/middy-secrets\/middy-secrets\/(?:blob|tree)\/main|raw\.githubusercontent\.com\/middy-secrets\/middy-secrets\/main)\/(.+)$/
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))

describe('README on the npm page', () => {
  const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string)

  test('every link and image is absolute or an anchor', () => {
    expect(targets.length).toBeGreaterThan(10)
    expect(targets.filter((target) => !/^(https:\/\/|#)/.test(target))).toEqual([])
  })

  test('every link into the repository names something that exists', () => {
    const missing = targets
      .map((target) => REPO.exec(target)?.[1])
      .filter((path): path is string => path !== undefined && !existsSync(`${root}${path.split('#')[0]}`))
    expect(missing).toEqual([])
    expect(targets.filter((target) => REPO.test(target)).length).toBeGreaterThanOrEqual(10)
  })

  test('the links use the repository package.json names', () => {
    expect(pkg.repository.url).toBe('git+https://github.com/middy-secrets/middy-secrets.git')
    expect(pkg.homepage).toBe('https://github.com/middy-secrets/middy-secrets#readme')
    expect(pkg.bugs.url).toBe('https://github.com/middy-secrets/middy-secrets/issues')
  })
})
