export type { BudgetContext, SecretsInstance } from './core/secrets.js'
export { createSecrets } from './core/secrets.js'
export type { FailureInfo, Reason, SecretsErrorCode, SecretsErrorDetails } from './errors.js'
export { SecretsError } from './errors.js'
export type { ContextOf, SecretsMiddleware } from './middleware.js'
export { secrets } from './middleware.js'
export type { Outcome, RawValue, Source, SourceRef } from './sources/source.js'
export type {
  AppConfigOptions,
  AwsClientLike,
  ClientOverrides,
  Clock,
  DynamoDbOptions,
  FetchData,
  JsonValue,
  KeyStats,
  LogEvent,
  Logger,
  Milliseconds,
  ParameterSpec,
  Rung,
  SecretsContext,
  SecretsManagerOptions,
  SecretsOptions,
  SecretsStats,
  SecretValue,
  SecretValues,
  ShapeOf,
  Transform,
  TransformResult,
} from './types.js'

import { secrets as middleware } from './middleware.js'

/**
 * The middleware factory as the default export too, the way middy's own middlewares are imported.
 *
 * @example
 * ```ts
 * import secrets from 'middy-secrets'
 * export const handler = middy(main).use(secrets({ fetchData: { TOKEN: '/bots/superman/twitter-token' } }))
 * ```
 */
export default middleware
