import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type LocalParameterStore, startLocalStore } from 'middy-secrets-local'
import { runNode } from '../support/harness.js'

// An AppConfig-only map loads neither the SSM nor the Secrets Manager SDK (npm test builds dist/ first).
const root = fileURLToPath(new URL('../..', import.meta.url))

describe('an AppConfig-only map', () => {
  let dir: string
  let store: LocalParameterStore
  beforeAll(async () => {
    store = await startLocalStore({
      appconfig: { 'shop/prod/flags': '{"beta":{"enabled":true}}' },
      parameters: { '/lazy/token': 'fake-token' },
    })
    // The package as installed in a function that has AppConfig's SDK and neither of the others: a copy of the
    // package (a symlink would resolve the SDKs from this repository's node_modules, where they are installed).
    dir = mkdtempSync(join(tmpdir(), 'middy-secrets-appconfig-only-'))
    const pkg = join(dir, 'node_modules', 'middy-secrets')
    mkdirSync(join(dir, 'node_modules', '@aws-sdk'), { recursive: true })
    cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true })
    cpSync(join(root, 'package.json'), join(pkg, 'package.json'))
    const link = (name: string) => symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir')
    link('@aws-sdk/client-appconfigdata')
    link('@middy')
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await store.close()
  })

  test('runs where @aws-sdk/client-ssm and @aws-sdk/client-secrets-manager are not installed', async () => {
    const script = join(dir, 'handler.mjs')
    writeFileSync(
      script,
      `
import middy from '@middy/core'
import { secrets } from 'middy-secrets'
const resolvable = (name) => { try { import.meta.resolve(name); return true } catch { return false } }
console.log('client-ssm resolvable:', resolvable('@aws-sdk/client-ssm'))
console.log('client-secrets-manager resolvable:', resolvable('@aws-sdk/client-secrets-manager'))
const awsClientOptions = JSON.parse(process.env.STORE_CONFIG)
const context = { getRemainingTimeInMillis: () => 3000 }
const flags = middy(async (_event, context) => context.FLAGS.beta.enabled)
  .use(secrets({ fetchData: { FLAGS: { name: 'appconfig:shop/prod/flags', transform: 'json' } }, awsClientOptions }))
console.log('appconfig gave:', await flags({}, context))
const ssm = middy(async (_event, context) => context.TOKEN)
  .use(secrets({ fetchData: { TOKEN: '/lazy/token' }, awsClientOptions, fallbackToEnv: false }))
try {
  await ssm({}, context)
  console.log('ssm: no error')
} catch (error) {
  console.log('ssm:', error.code, error.reasons.TOKEN, error.message.includes('@aws-sdk/client-ssm'))
}
`,
    )
    store.resetCalls()
    const result = await runNode([script], { STORE_CONFIG: JSON.stringify(store.clientConfig) })
    expect(result.err).not.toMatch(/ERR_MODULE_NOT_FOUND|Unhandled/)
    expect(result.out).toContain('client-ssm resolvable: false')
    expect(result.out).toContain('client-secrets-manager resolvable: false')
    expect(result.out).toContain('appconfig gave: true')
    expect(result.out).toContain('ssm: UNAVAILABLE unreachable true')
    expect(result.code).toBe(0)
    expect(store.calls).toMatchObject({ StartConfigurationSession: 1, GetLatestConfiguration: 1, total: 2 })
  })

  test('the entry holds no AppConfig source and neither file imports the AppConfig SDK statically', () => {
    const entry = readFileSync(join(root, 'dist/index.js'), 'utf8')
    expect(entry).toMatch(/import\(["']\.\/stores\/appconfig\.js["']\)/)
    expect(entry).not.toMatch(/GetLatestConfigurationCommand|AppConfigSource = class|class AppConfigSource/)
    expect(entry).not.toMatch(/from\s*["']@aws-sdk\//)
    const module = readFileSync(join(root, 'dist/stores/appconfig.js'), 'utf8')
    expect(module).toMatch(/class AppConfigSource|AppConfigSource = class/)
    expect(module).not.toMatch(/from\s*["']@aws-sdk\//)
  })
})
