// A handler module that starts fetching when it is imported (Lambda's init phase), as most do: its clients read
// their endpoint, region and credentials from the environment at that moment. To test it against the local
// store, set `store.env` first, then `await import()` it — see the three recipes next to this file.
import middy from '@middy/core'
import { secrets } from 'middy-secrets'

const config = secrets({
  fetchData: {
    DB_URL: '/app/db-url',
    API_KEY: 'secretsmanager:prod/api-key',
  },
})

export const handler = middy()
  .use(config)
  .handler(async (_event, context) => ({ dbHost: new URL(context.DB_URL).host, apiKeyLength: context.API_KEY.length }))
