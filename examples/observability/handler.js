/**
 * Observability and another account's parameters:
 * - the Powertools Logger as the `logger` (structured warnings, never values);
 * - X-Ray's captureAWSv3Client as `awsClientCapture`, so store calls show up as subsegments;
 * - credentials from fromTemporaryCredentials, to read parameters shared from another account.
 */
import { Logger } from '@aws-lambda-powertools/logger'
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers'
import middy from '@middy/core'
import AWSXRay from 'aws-xray-sdk-core'
import { secrets } from 'middy-secrets'

export const logger = new Logger({ serviceName: 'superman' })

/** The role in the account that owns the parameters; a fake id, obviously. */
const SHARED_CONFIG_ROLE = 'arn:aws:iam::111111111111:role/shared-config-reader'

/** @param {Record<string, unknown>} [overrides] options merged over the defaults (the demo and tests use it) */
export const createHandler = (overrides = {}) => {
  const store = secrets({
    fetchData: {
      TWITTER_ACCESS_TOKEN: '/bots/superman/twitter-token',
      // A parameter shared from another account is read by its ARN.
      SHARED_FLAGS: 'arn:aws:ssm:us-east-1:111111111111:parameter/shared/flags',
    },
    logger,
    awsClientCapture: AWSXRay.captureAWSv3Client,
    awsClientOptions: {
      credentials: fromTemporaryCredentials({ params: { RoleArn: SHARED_CONFIG_ROLE, RoleSessionName: 'superman' } }),
    },
    ...overrides,
  })
  const handler = middy()
    .use(store)
    .handler(async (_event, context) => ({
      flags: context.SHARED_FLAGS,
      tokenLength: context.TWITTER_ACCESS_TOKEN.length,
    }))
  return { handler, secrets: store }
}
