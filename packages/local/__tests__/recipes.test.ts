// The README's recipe for a handler that fetches at import runs under each test runner it names: jest runs
// examples/testing/handler.jest.test.js itself (jest.config.js); this runs the vitest and node:test ones.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const env = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', NODE_OPTIONS: '' }

test('node:test runs the recipe and it passes', () => {
  const run = spawnSync(process.execPath, ['--test', 'examples/testing/handler.node.test.js'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  })
  expect(run.stdout).toMatch(/^# pass 1$/m)
  expect(run.stdout).toMatch(/^# fail 0$/m)
  expect(run.status).toBe(0)
})

test('vitest runs the recipe and it passes', () => {
  const vitest = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url))
  const run = spawnSync(process.execPath, [vitest, 'run', 'examples/testing/handler.vitest.test.js'], {
    cwd: root,
    env: { ...env, CI: 'true', NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  expect(run.stdout).toMatch(/Tests\s+1 passed \(1\)/)
  expect(run.status).toBe(0)
})
