// Type tests against the built package's rolled-up .d.ts (middy-secrets resolves to this repository's dist/):
// each @ts-expect-error must meet an error, or tsc fails with "Unused '@ts-expect-error' directive".
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import type { SSMClient } from '@aws-sdk/client-ssm'
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers'
import AWSXRay from 'aws-xray-sdk-core'
import { type AppConfigOptions, type KeyStats, type Reason, type SecretsOptions, secrets } from 'middy-secrets'

// awsClientOptions is the SSM client's own config: completion, and typos refused.
secrets({ fetchData: { A: '/a' }, awsClientOptions: { region: 'eu-west-1', maxAttempts: 2 } })
secrets({
  fetchData: { A: '/a' },
  awsClientOptions: {
    credentials: fromTemporaryCredentials({ params: { RoleArn: 'arn:aws:iam::123456789012:role/r' } }),
  },
})
// @ts-expect-error a typo of region
secrets({ fetchData: { A: '/a' }, awsClientOptions: { regoin: 'eu-west-1' } })
// @ts-expect-error maxAttempts is a number
secrets({ fetchData: { A: '/a' }, awsClientOptions: { maxAttempts: '2' } })
// @ts-expect-error the Secrets Manager client's config too
secrets({ fetchData: { A: 'secretsmanager:a' }, secretsManager: { awsClientOptions: { regoin: 'eu-west-1' } } })
// appConfig.awsClientOptions is the AppConfig Data client's own config, apart from the top-level SSM one.
secrets({
  fetchData: { A: '/a', F: 'appconfig:shop/prod/flags' },
  awsClientOptions: { region: 'eu-west-1' },
  appConfig: {
    awsClientOptions: {
      region: 'eu-central-1',
      credentials: fromTemporaryCredentials({ params: { RoleArn: 'arn:aws:iam::123456789012:role/r' } }),
    },
  },
})
// @ts-expect-error a typo of region in the AppConfig Data client's config
secrets({ fetchData: { F: 'appconfig:shop/prod/flags' }, appConfig: { awsClientOptions: { regoin: 'eu-west-1' } } })
// @ts-expect-error a client field belongs in appConfig.awsClientOptions, not in appConfig
secrets({ fetchData: { F: 'appconfig:shop/prod/flags' }, appConfig: { region: 'eu-west-1' } })
// @ts-expect-error appConfig.AwsClient must be constructible with the client config
secrets({ fetchData: { F: 'appconfig:shop/prod/flags' }, appConfig: { AwsClient: (config: unknown) => config } })
export const appConfig: AppConfigOptions = { awsClientOptions: { maxAttempts: 1 } }

// X-Ray's capture fits awsClientCapture as it is; a capture that expects something else does not.
secrets({ fetchData: { A: '/a' }, awsClientCapture: AWSXRay.captureAWSv3Client })
// @ts-expect-error the client is not a string
secrets({ fetchData: { A: '/a' }, awsClientCapture: (client: string) => client })
// The capture is applied to the AppConfig client too: a capture that does not take it is refused.
// @ts-expect-error an AppConfigDataClient is not one of these
secrets({
  fetchData: { A: 'appconfig:app/env/profile' },
  awsClientCapture: (client: SSMClient | SecretsManagerClient | DynamoDBClient) => client,
})
// @ts-expect-error AwsClient must be constructible with the client config
secrets({ fetchData: { A: '/a' }, AwsClient: (config: unknown) => config })

// Durations are numbers of milliseconds.
// @ts-expect-error not a string
secrets({ fetchData: { A: '/a' }, cacheExpiry: '5m' })

// A reason is one of the known reasons, not any string.
const reason: Reason | undefined = ({} as KeyStats).reason
// @ts-expect-error not a reason
const wrongReason: KeyStats['reason'] = 'because'
export const options: SecretsOptions = { fetchData: { A: '/a' } }
export { reason, wrongReason }
