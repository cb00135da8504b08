import { useStore } from '../support/harness.js'
import { onlyInstalled, useOnlySdk } from '../support/only-sdk.js'

// The packaged build, installed in a function that has only @aws-sdk/client-ssm (npm test builds dist/ first): a map
// that names a secret, an AppConfig profile or a DynamoDB item needs a package the function lacks. Each such key
// fails with sdk_missing and advice to add that package — not to check the network path — while the parameters of
// the same map are served.
const s = useStore()

const advice = (sdk: string, title: string) =>
  `sdk_missing: add ${sdk} to the function's dependencies (it is an optional peer of middy-secrets, needed because the map names ${title} entries)`

describe('a map naming stores whose SDK is not installed', () => {
  const only = useOnlySdk(['@aws-sdk/client-ssm'])

  test('each key of those stores: UNAVAILABLE, sdk_missing, advice naming its package; the parameter served', async () => {
    expect(await only.importable()).toEqual(onlyInstalled(['@aws-sdk/client-ssm']))
    s.store.put('/sdk/token', 'fake-token')
    const result = await only.run(
      `
const awsClientOptions = { ...JSON.parse(process.env.STORE_CONFIG), maxAttempts: 1 }
const mw = secrets({
  fetchData: {
    TOKEN: '/sdk/token',
    DB: { name: 'secretsmanager:prod/db', required: false },
    FLAGS: { name: 'appconfig:shop/prod/flags', required: false },
    APP: { name: 'dynamodb:config/app', required: false },
  },
  awsClientOptions,
  fallbackToEnv: false,
})
const handler = middy(async (_event, context) => context.TOKEN).use(mw)
console.log('ssm gave:', await handler({}, context))
console.log('stats:', JSON.stringify(Object.fromEntries(Object.entries(mw.stats().keys).map(([k, v]) => [k, v.reason ?? null]))))
const strict = middy(async () => 'no error').use(
  secrets({
    fetchData: { DB: 'secretsmanager:prod/db', FLAGS: 'appconfig:shop/prod/flags', APP: 'dynamodb:config/app' },
    awsClientOptions,
    fallbackToEnv: false,
  }),
)
try {
  await strict({}, context)
} catch (error) {
  console.log('code:', error.code)
  console.log('reasons:', JSON.stringify(error.reasons))
  console.log('failures:', JSON.stringify(error.failures))
  console.log('message:', error.message)
}
`,
      { STORE_CONFIG: JSON.stringify(s.store.clientConfig) },
    )
    expect(result.err).not.toMatch(/Unhandled/)
    expect(result.code).toBe(0)
    const lines = result.out.split('\n')
    expect(lines).toContain('ssm gave: fake-token')
    expect(lines).toContain('stats: {"TOKEN":null,"DB":"sdk_missing","FLAGS":"sdk_missing","APP":"sdk_missing"}')
    expect(lines).toContain('code: UNAVAILABLE')
    expect(lines).toContain('reasons: {"DB":"sdk_missing","FLAGS":"sdk_missing","APP":"sdk_missing"}')
    const failures = JSON.parse(lines.find((line) => line.startsWith('failures: '))?.slice(10) ?? '{}')
    expect(failures).toEqual({
      DB: {
        reason: 'sdk_missing',
        detail: '@aws-sdk/client-secrets-manager could not be loaded',
        errorCode: 'ERR_MODULE_NOT_FOUND',
      },
      FLAGS: {
        reason: 'sdk_missing',
        detail: '@aws-sdk/client-appconfigdata could not be loaded',
        errorCode: 'ERR_MODULE_NOT_FOUND',
      },
      APP: {
        reason: 'sdk_missing',
        detail: '@aws-sdk/client-dynamodb could not be loaded',
        errorCode: 'ERR_MODULE_NOT_FOUND',
      },
    })
    expect(lines).toContain(
      'message: middy-secrets: no value for ' +
        'DB (secretsmanager:prod/db: sdk_missing) [@aws-sdk/client-secrets-manager could not be loaded, ERR_MODULE_NOT_FOUND], ' +
        'FLAGS (appconfig:shop/prod/flags: sdk_missing) [@aws-sdk/client-appconfigdata could not be loaded, ERR_MODULE_NOT_FOUND], ' +
        'APP (dynamodb:config/app: sdk_missing) [@aws-sdk/client-dynamodb could not be loaded, ERR_MODULE_NOT_FOUND]. ' +
        `${advice('@aws-sdk/client-secrets-manager', 'Secrets Manager')}. ` +
        `${advice('@aws-sdk/client-appconfigdata', 'AppConfig')}. ` +
        `${advice('@aws-sdk/client-dynamodb', 'DynamoDB')}.`,
    )
    expect(result.out).not.toMatch(/network path|VPC endpoint/)
    // Nothing was sent for the keys whose SDK is missing.
    expect(s.store.calls).toMatchObject({ GetSecretValue: 0, StartConfigurationSession: 0 })
  })
})
