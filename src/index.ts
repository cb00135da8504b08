export type { FailureInfo, Reason, SecretsErrorCode, SecretsErrorDetails } from './errors.js'
export { SecretsError } from './errors.js'
export type { ContextOf, SecretsMiddleware } from './middleware.js'
export { secrets } from './middleware.js'
export type {
  AwsClientLike,
  Clock,
  FetchData,
  JsonValue,
  KeyStats,
  LogEvent,
  Logger,
  ParameterSpec,
  Rung,
  SecretsContext,
  SecretsOptions,
  SecretsStats,
  SecretValue,
  SecretValues,
  Transform,
} from './types.js'
