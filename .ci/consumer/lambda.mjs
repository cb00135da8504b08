// A handler as a user writes it: no test configuration; the SDK finds the store through AWS_ENDPOINT_URL_*.
// checks.mjs bundles it with esbuild the way CDK's NodejsFunction, SAM and serverless-esbuild do, CommonJS
// output included, and runs the bundle with Lambda's own Node flags.
import middy from '@middy/core'
import { secrets } from 'middy-secrets'

export const handler = middy()
  .use(
    secrets({
      fetchData: {
        TOKEN: '/consumer/token',
        DB: '/consumer/db/',
        CREDS: { name: 'secretsmanager:consumer/bundled', transform: 'json' },
      },
    }),
  )
  .handler(async (_event, context) => ({ token: context.TOKEN, host: context.DB.host, user: context.CREDS.user }))
