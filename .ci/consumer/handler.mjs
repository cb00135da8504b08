// Runs as a user's function would: middy 5, 6 and 7 on Node 22, the packed middy-secrets, the embedded store.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import middy7 from '@middy/core'
import middy5 from 'middy-core-5'
import middy6 from 'middy-core-6'
import { SecretsError, secrets } from 'middy-secrets'
import { startLocalStore } from 'middy-secrets-local'

const fail = (message) => {
  console.error(`consumer check failed: ${message}`)
  process.exitCode = 1
}

const store = await startLocalStore({
  parameters: {
    '/consumer/token': { value: 'fake-consumer-token', type: 'SecureString' },
    '/consumer/db/host': 'db.local',
  },
})
try {
  for (const [version, middy] of [
    ['middy 5', middy5],
    ['middy 6', middy6],
    ['middy 7', middy7],
  ]) {
    const handler = middy()
      .use(
        secrets({
          fetchData: { TOKEN: '/consumer/token', DB: '/consumer/db/' },
          awsClientOptions: store.clientConfig,
        }),
      )
      .handler(async (_event, context) => ({ tokenLength: context.TOKEN.length, host: context.DB.host }))
    const context = { getRemainingTimeInMillis: () => 3_000 }
    const result = await handler({}, context)
    if (result.tokenLength !== 'fake-consumer-token'.length || result.host !== 'db.local')
      fail(`${version}: ${JSON.stringify(result)}`)

    if (typeof store.putSecret === 'function') {
      store.putSecret(`consumer/${version.replace(' ', '-')}`, '{"user":"fake"}')
      const sm = middy()
        .use(
          secrets({
            fetchData: { CREDS: { name: `secretsmanager:consumer/${version.replace(' ', '-')}`, transform: 'json' } },
            awsClientOptions: store.clientConfig,
            secretsManager: { AwsClient: SecretsManagerClient },
          }),
        )
        .handler(async (_event, context) => context.CREDS.user)
      const user = await sm({}, context)
      if (user !== 'fake') fail(`${version}: secrets manager gave ${user}`)
    }

    const broken = middy()
      .use(
        secrets({ fetchData: { GONE: '/consumer/never' }, awsClientOptions: store.clientConfig, fallbackToEnv: false }),
      )
      .handler(async () => 'unreachable')
    try {
      await broken({}, context)
      fail(`${version}: a missing parameter did not fail the invocation`)
    } catch (error) {
      if (!(error instanceof SecretsError) || error.code !== 'UNAVAILABLE')
        fail(`${version}: unexpected error ${error?.name}`)
    }
  }
  console.log(`consumer check: middy 5, 6 and 7 on node ${process.version}, ${store.calls.total} store calls, ok`)
} finally {
  await store.close()
}
