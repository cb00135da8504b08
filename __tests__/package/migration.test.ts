import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { SecretsError, secrets } from '../../src/index.js'
import { runNode, useStore } from '../support/harness.js'

// docs/migration.md, proven: a @middy/ssm 7 handler and its port run side by side against one local store and
// hand the same values to the handler. @middy/ssm 7 requires Node 22: .ci/middy7 has it, with Node 22 from the
// npm package `node` (CI installs it before the tests; a fresh clone gets it here on first run).
const root = fileURLToPath(new URL('../..', import.meta.url))
const project = join(root, '.ci', 'middy7')
const node22 = join(project, 'node_modules', '.bin', 'node')
const s = useStore()

beforeAll(() => {
  if (!existsSync(join(project, 'node_modules', '@middy', 'ssm'))) {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: project, stdio: 'ignore' })
  }
}, 180_000)

describe('migrating from @middy/ssm 7', () => {
  let report: Record<string, any>
  beforeAll(async () => {
    s.store.put('/mig/token', 'fake-token', { type: 'SecureString' })
    s.store.put('/mig/db/db-name', 'orders')
    s.store.put('/mig/db/nested/port', '5432')
    s.store.put('/mig/db/host', 'db.local')
    s.store.put('/mig/tags', 'blue,green', { type: 'StringList' })
    s.store.put('/mig/limits', '{"max":3}')
    s.store.put('/mig/greeting', '"hello"')
    // The child runs node22 directly, not through the harness's process.execPath.
    const result = await runNode(
      [
        '-e',
        `require('node:child_process').execFileSync(${JSON.stringify(node22)}, [${JSON.stringify(join(project, 'side-by-side.mjs'))}], { stdio: 'inherit' })`,
      ],
      {
        STORE_CONFIG: JSON.stringify(s.store.clientConfig),
        MIDDY_SECRETS: pathToFileURL(join(root, 'dist', 'index.js')).href,
      },
      60_000,
    )
    expect({ code: result.code, err: result.code === 0 ? '' : result.err }).toEqual({ code: 0, err: '' })
    report = JSON.parse(result.out.trim().split('\n').at(-1) as string)
  }, 90_000)

  test('@middy/ssm 7 (on Node 22) makes a path one object with sanitized keys, splits a StringList, parses JSON', () => {
    expect(report.node).toMatch(/^v22\./)
    expect(report.before).toEqual({
      token: 'fake-token',
      dbName: 'orders',
      port: '5432',
      host: 'db.local',
      tags: ['blue', 'green'],
      max: 3,
      greeting: 'hello',
    })
  })

  test('the port by the guide hands the handler the same values', () => {
    expect(report.after).toEqual(report.before)
  })

  test('renaming the import alone does not: the keys and parsing differ (what the guide warns about)', () => {
    expect(report.renamedOnly).toEqual({
      token: 'fake-token',
      dbName: undefined,
      port: undefined,
      host: 'db.local',
      tags: 'blue,green',
      max: undefined,
      greeting: '"hello"',
    })
  })

  test('the error shape changes: a plain Error with a cause becomes a SecretsError with code, keys and reasons', () => {
    expect(report.errors.before).toEqual({
      name: 'Error',
      message: 'Failed to resolve internal values',
      causePackage: '@middy/util',
    })
    expect(report.errors.after).toMatchObject({
      name: 'SecretsError',
      code: 'UNAVAILABLE',
      keys: ['GONE'],
      reasons: { GONE: 'not_found' },
    })
  })
})

describe("@middy/ssm's options that middy-secrets does not have", () => {
  test.each([
    ['cacheKey', 'ssm'],
    ['cacheKeyExpiry', { ssm: 60_000 }],
    ['awsClientAssumeRole', 'ssm-role'],
    ['awsRequestLimit', 5],
  ])('%s is refused at construction with INVALID_OPTIONS, naming it', (option, value) => {
    const options = { fetchData: { TOKEN: '/mig/token' }, disablePrefetch: true, [option]: value }
    let thrown: unknown
    try {
      secrets(options as never)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(SecretsError)
    expect((thrown as SecretsError).code).toBe('INVALID_OPTIONS')
    expect((thrown as SecretsError).message).toContain(`'${option}'`)
  })
})
