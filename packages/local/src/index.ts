/**
 * `middy-secrets-local`: an SSM Parameter Store and a Secrets Manager that run in your test process, for offline
 * tests, demos and benchmarks. See {@link LocalParameterStore}.
 *
 * @packageDocumentation
 */
export {
  APPCONFIG_OPERATIONS,
  AppConfigEngine,
  type AppConfigEngineOptions,
  AppConfigError,
  type AppConfigOperation,
  type DeployOptions,
  type LatestConfiguration,
  type SeedAppConfig,
} from './appconfig-engine.js'
export {
  type EngineOptions,
  OPERATIONS,
  ParameterEngine,
  type ParameterSnapshot,
  type ParameterType,
  type PutOptions,
  type SecretsBridge,
  type SeedParameters,
  type SsmOperation,
} from './engine.js'
export { SsmServiceError } from './errors.js'
export type { FaultKind, FaultSpec } from './faults.js'
export { type InvocableHandler, invoke, type LambdaContextOptions, lambdaContext } from './lambda-context.js'
export {
  type GetSecretOptions,
  type PutSecretOptions,
  SECRETS_OPERATIONS,
  type SecretSnapshot,
  SecretsEngine,
  type SecretsEngineOptions,
  type SecretsOperation,
  type SeedSecrets,
} from './secrets-engine.js'
export {
  type CallCounts,
  type LocalClientConfig,
  LocalParameterStore,
  type LocalStoreEnv,
  type LocalStoreOptions,
  type RecordedRequest,
  startLocalStore,
} from './server.js'
export type { SeedFile, SeedParameter, SeedSecret } from './state.js'
