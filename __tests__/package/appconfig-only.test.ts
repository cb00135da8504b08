import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type LocalParameterStore, startLocalStore } from 'middy-secrets-local'
import { onlyInstalled, useOnlySdk } from '../support/only-sdk.js'

// An AppConfig-only map loads neither the SSM nor the Secrets Manager SDK (npm test builds dist/ first).
const root = fileURLToPath(new URL('../..', import.meta.url))

describe('an AppConfig-only map', () => {
  // The package as installed in a function that has AppConfig's SDK and no other.
  const only = useOnlySdk(['@aws-sdk/client-appconfigdata'])
  let store: LocalParameterStore
  beforeAll(async () => {
    store = await startLocalStore({
      appconfig: { 'shop/prod/flags': '{"beta":{"enabled":true}}' },
      parameters: { '/lazy/token': 'fake-token' },
    })
  })
  afterAll(async () => {
    await store.close()
  })

  test('runs where @aws-sdk/client-ssm and @aws-sdk/client-secrets-manager are not installed', async () => {
    expect(await only.importable()).toEqual(onlyInstalled(['@aws-sdk/client-appconfigdata']))
    store.resetCalls()
    const result = await only.run(
      `
const awsClientOptions = JSON.parse(process.env.STORE_CONFIG)
const flags = middy(async (_event, context) => context.FLAGS.beta.enabled)
  .use(secrets({ fetchData: { FLAGS: { name: 'appconfig:shop/prod/flags', transform: 'json' } }, awsClientOptions }))
console.log('appconfig gave:', await flags({}, context))
console.log('ssm:', await parameterMap(awsClientOptions))
`,
      { STORE_CONFIG: JSON.stringify(store.clientConfig) },
    )
    expect(result.err).not.toMatch(/Cannot find package|Unhandled| {4}at /)
    expect(result.out).toContain('appconfig gave: true')
    expect(result.out).toContain('ssm: UNAVAILABLE sdk_missing true')
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
