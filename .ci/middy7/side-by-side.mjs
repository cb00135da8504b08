// A @middy/ssm 7 handler and its port to middy-secrets by docs/migration.md, against one local store. Run by
// __tests__/package/migration.test.ts on Node 22 (@middy/ssm 7 requires it), which asserts what each prints.
// Env: STORE_CONFIG (the store's client config, JSON), MIDDY_SECRETS (a file URL of middy-secrets' dist/index.js).
import middy from '@middy/core'
import ssm from '@middy/ssm'

const { secrets } = await import(process.env.MIDDY_SECRETS)
const awsClientOptions = { ...JSON.parse(process.env.STORE_CONFIG), maxAttempts: 1 }
const context = () => ({ getRemainingTimeInMillis: () => 3000 })

// Before: @middy/ssm 7, as its docs show it.
const before = middy()
  .use(
    ssm({
      fetchData: {
        TOKEN: '/mig/token',
        DB: '/mig/db/',
        TAGS: '/mig/tags',
        LIMITS: '/mig/limits',
        GREETING: '/mig/greeting',
      },
      setToContext: true,
      awsClientOptions,
    }),
  )
  .handler(async (_event, context) => ({
    token: context.TOKEN,
    dbName: context.DB.db_name,
    port: context.DB.nested_port,
    host: context.DB.host,
    tags: context.TAGS,
    max: context.LIMITS.max,
    greeting: context.GREETING,
  }))

// After, by the guide: transforms where @middy/ssm parsed on its own, the path's keys as the parameters' names.
const after = middy()
  .use(
    secrets({
      fetchData: {
        TOKEN: '/mig/token',
        DB: '/mig/db/',
        TAGS: { name: '/mig/tags', transform: 'stringList' },
        LIMITS: { name: '/mig/limits', transform: 'json' },
        GREETING: { name: '/mig/greeting', transform: 'json' },
      },
      cacheExpiry: -1,
      awsClientOptions,
    }),
  )
  .handler(async (_event, context) => ({
    token: context.TOKEN,
    dbName: context.DB['db-name'],
    port: context.DB['nested/port'],
    host: context.DB.host,
    tags: context.TAGS,
    max: context.LIMITS.max,
    greeting: context.GREETING,
  }))

// What the old guide led to: the import renamed, the handler unchanged.
const renamedOnly = middy()
  .use(
    secrets({
      fetchData: {
        TOKEN: '/mig/token',
        DB: '/mig/db/',
        TAGS: '/mig/tags',
        LIMITS: '/mig/limits',
        GREETING: '/mig/greeting',
      },
      awsClientOptions,
    }),
  )
  .handler(async (_event, context) => ({
    token: context.TOKEN,
    dbName: context.DB.db_name,
    port: context.DB.nested_port,
    host: context.DB.host,
    tags: context.TAGS,
    max: context.LIMITS.max,
    greeting: context.GREETING,
  }))

// A parameter that does not exist: the error each throws.
const shape = async (handler) => {
  try {
    await handler({}, context())
    return 'no error'
  } catch (error) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      keys: error.keys,
      reasons: error.reasons,
      causePackage: error.cause?.package,
    }
  }
}
const missingBefore = middy()
  .use(ssm({ fetchData: { GONE: '/mig/never' }, setToContext: true, awsClientOptions, cacheKey: 'gone' }))
  .handler(async () => 'served')
const missingAfter = middy()
  .use(secrets({ fetchData: { GONE: '/mig/never' }, awsClientOptions, fallbackToEnv: false }))
  .handler(async () => 'served')

console.log(
  JSON.stringify({
    node: process.version,
    before: await before({}, context()),
    after: await after({}, context()),
    renamedOnly: await renamedOnly({}, context()),
    errors: { before: await shape(missingBefore), after: await shape(missingAfter) },
  }),
)
