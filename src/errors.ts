/**
 * Why a key could not be served from the store: one reason per thing the user would do differently.
 * Never carries a value. See the README's reasons table for what to do about each.
 *
 * - `not_found`: the parameter (or its version or label) does not exist — an answer, not a fault
 * - `access_denied`: the role may not read it (the denied ARN is in {@link FailureInfo.resourceArn})
 * - `kms_denied`: KMS refuses to decrypt it
 * - `client_config`: the SDK client could not make a request (no region, a bad endpoint)
 * - `credentials`: no credentials, or credentials the store rejected (expired, unknown, bad signature)
 * - `throttled`: the store is throttling the account (ThrottlingException, HTTP 429)
 * - `timed_out`: no answer within `fetchTimeout`
 * - `unreachable`: the endpoint could not be reached (refused, reset, DNS): see `host` and `errorCode`
 * - `sdk_missing`: the store's AWS SDK client package (an optional peer dependency) could not be loaded: add it to
 *   the function's dependencies. A fault: retried on the backoff, a last good value stays in service
 * - `store_error`: the store failed inside (HTTP 5xx)
 * - `invalid_request`: the store refused the request itself (HTTP 400 `ValidationException` and other 4xx)
 * - `invalid_response`: the store answered with something that is not a valid answer (a 200 of the wrong shape), or
 *   with data of a type this package cannot serve (a DynamoDB map where text is expected: {@link FailureInfo.detail}
 *   says which attribute and type)
 * - `transform_failed`: the value does not parse as the key's `transform`
 * - `key_collision`: with `setToEnv`, the value would write a variable another key or the runtime owns
 *
 * @example
 * ```ts
 * if (error instanceof SecretsError && error.reasons.DB_URL === 'access_denied') alarm('check the role')
 * ```
 */
export type Reason =
  | 'not_found'
  | 'access_denied'
  | 'kms_denied'
  | 'client_config'
  | 'credentials'
  | 'throttled'
  | 'timed_out'
  | 'unreachable'
  | 'sdk_missing'
  | 'store_error'
  | 'invalid_request'
  | 'invalid_response'
  | 'transform_failed'
  | 'key_collision'

// Every reason, once (the compiler fails here when the union grows and this does not): a user's source answering
// anything else reports `store_error`; tests walk it. Internal: not exported from the package.
export const REASONS: Readonly<Record<Reason, true>> = {
  not_found: true,
  access_denied: true,
  kms_denied: true,
  client_config: true,
  credentials: true,
  throttled: true,
  timed_out: true,
  unreachable: true,
  sdk_missing: true,
  store_error: true,
  invalid_request: true,
  invalid_response: true,
  transform_failed: true,
  key_collision: true,
}

/**
 * What kind of failure a {@link SecretsError} reports.
 *
 * @example
 * ```ts
 * const retryable = (code: SecretsErrorCode) => code === 'UNAVAILABLE'
 * ```
 */
export type SecretsErrorCode = 'INVALID_OPTIONS' | 'UNAVAILABLE' | 'TRANSFORM_FAILED' | 'KEY_COLLISION'

/**
 * What is safe to keep of a failure: the reason and the SDK error's name, HTTP status, request id, the endpoint's
 * host, the network error code and the ARN AWS named in a denial. Never an error's message or body.
 *
 * @example
 * ```ts
 * const info: FailureInfo = { reason: 'throttled', errorName: 'ThrottlingException', httpStatus: 400 }
 * ```
 */
export interface FailureInfo {
  reason: Reason
  /**
   * Safe words of our own (names and types, never values), e.g. which two parameters collide, which SDK package
   * could not be loaded, or which attribute of a DynamoDB item has a type this package does not read.
   */
  detail?: string
  /** The SDK error's name, e.g. `AccessDeniedException`. */
  errorName?: string
  /** A network error's code, e.g. `ECONNREFUSED`. */
  errorCode?: string
  httpStatus?: number
  /** The store's request id, to quote to AWS support. */
  requestId?: string
  /** The endpoint that could not be reached, `host` or `host:port`. */
  host?: string
  /** The resource AWS says was denied: the parameter's, the secret's or the KMS key's ARN. */
  resourceArn?: string
}

/**
 * The fields of a {@link SecretsError} besides its message.
 *
 * @example
 * ```ts
 * const { keys, parameters, reasons, failures }: SecretsErrorDetails = error
 * ```
 */
export interface SecretsErrorDetails {
  keys?: readonly string[]
  parameters?: readonly string[]
  reasons?: Readonly<Record<string, Reason>>
  failures?: Readonly<Record<string, FailureInfo>>
}

/**
 * The only error middy-secrets throws. It names keys, entries and reasons, never a value,
 * and never carries an SDK error as `cause` (SDK errors can quote a response body full of values).
 *
 * @example
 * ```ts
 * import { SecretsError } from 'middy-secrets'
 *
 * try {
 *   await handler(event, context)
 * } catch (error) {
 *   if (error instanceof SecretsError && error.code === 'UNAVAILABLE') {
 *     console.error(error.keys, error.reasons) // ['DB_URL'] { DB_URL: 'access_denied' }
 *     console.error(error.failures.DB_URL?.resourceArn) // the ARN AWS named
 *   }
 * }
 * ```
 */
export class SecretsError extends Error {
  override readonly name = 'SecretsError'
  readonly code: SecretsErrorCode
  /** The keys of `fetchData` concerned. */
  readonly keys: readonly string[]
  /**
   * The entries concerned, in the order of `keys`, as written in `fetchData` (`/shared/db-url`,
   * `secretsmanager:prod/db`, `dynamodb:config/app`).
   */
  readonly parameters: readonly string[]
  /** Why each key failed, by key. */
  readonly reasons: Readonly<Record<string, Reason>>
  /** The safe details of each key's failure, by key: error name, HTTP status, request id, host, denied ARN. */
  readonly failures: Readonly<Record<string, FailureInfo>>

  constructor(code: SecretsErrorCode, message: string, details: SecretsErrorDetails = {}) {
    super(message)
    this.code = code
    this.keys = details.keys ?? []
    this.parameters = details.parameters ?? []
    this.reasons = details.reasons ?? {}
    this.failures = details.failures ?? {}
  }
}

export { classifyError } from './classify.js'
