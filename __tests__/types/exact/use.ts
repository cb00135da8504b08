// Strict presets turn on exactOptionalPropertyTypes: the middleware must still fit middy's .use() there, with
// every store's options, and createSecrets' instance too.
import middy from '@middy/core'
import { createSecrets, secrets } from 'middy-secrets'

export const handler = middy()
  .use(
    secrets({
      fetchData: { TOKEN: '/bots/token', DB: 'secretsmanager:prod/db', FLAGS: 'appconfig:shop/prod/flags' },
      awsClientOptions: { region: 'eu-west-1' },
      // A store's own field set to undefined unsets the top-level one: writable under exactOptionalPropertyTypes.
      secretsManager: { batch: true, awsClientOptions: { maxAttempts: 1, endpoint: undefined } },
      appConfig: { awsClientOptions: { region: 'eu-central-1' } },
    }),
  )
  .handler(async (_event, context) => context.TOKEN.length)

const shared = createSecrets({ fetchData: { A: '/a' } })
export const second = middy()
  .use(secrets(shared))
  .handler(async (_event, context) => context.A)
