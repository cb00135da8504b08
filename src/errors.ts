/**
 * Why a key could not be served from the store. Never carries a value.
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
  | 'throttled'
  | 'timed_out'
  | 'unreachable'
  | 'store_error'
  | 'invalid_response'
  | 'transform_failed'
  | 'key_collision'

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
 * The fields of a {@link SecretsError} besides its message.
 *
 * @example
 * ```ts
 * const { keys, parameters, reasons }: SecretsErrorDetails = error
 * ```
 */
export interface SecretsErrorDetails {
  keys?: readonly string[]
  parameters?: readonly string[]
  reasons?: Readonly<Record<string, Reason>>
}

/**
 * The only error middy-secrets throws. It names keys, parameter names and reasons, never a value,
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
 *   }
 * }
 * ```
 */
export class SecretsError extends Error {
  override readonly name = 'SecretsError'
  readonly code: SecretsErrorCode
  /** The keys of `fetchData` concerned. */
  readonly keys: readonly string[]
  /** The parameter names concerned, in the order of `keys`. */
  readonly parameters: readonly string[]
  /** Why each key failed, by key. */
  readonly reasons: Readonly<Record<string, Reason>>

  constructor(code: SecretsErrorCode, message: string, details: SecretsErrorDetails = {}) {
    super(message)
    this.code = code
    this.keys = details.keys ?? []
    this.parameters = details.parameters ?? []
    this.reasons = details.reasons ?? {}
  }
}

/**
 * What may be kept of an SDK error: its name, HTTP status and request id. Never its message or body.
 *
 * @example
 * ```ts
 * const info: FailureInfo = { reason: 'throttled', errorName: 'ThrottlingException', httpStatus: 400 }
 * ```
 */
export interface FailureInfo {
  reason: Reason
  /** Safe words of our own (names, never values), e.g. which two parameters collide. */
  detail?: string
  errorName?: string
  httpStatus?: number
  requestId?: string
  /** For a denial: the resource ARN AWS names (an ARN is a name, never a value). */
  arn?: string
}

const KMS_ERRORS = new Set([
  'DecryptionFailure',
  'InvalidKeyId',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
])
const THROTTLE_ERRORS = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'RequestLimitExceeded',
])
const NOT_FOUND_ERRORS = new Set(['ParameterNotFound', 'ParameterVersionNotFound', 'ResourceNotFoundException'])
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH'])

/**
 * Classifies any thrown thing into a {@link FailureInfo}. The message is read only to tell a KMS denial
 * from an IAM one (AWS reports both as AccessDeniedException); it is never kept.
 */
export const classifyError = (error: unknown): FailureInfo => {
  const e = (error ?? {}) as {
    name?: unknown
    code?: unknown
    message?: unknown
    $metadata?: { httpStatusCode?: number; requestId?: string }
    $response?: unknown
  }
  const name = typeof e.name === 'string' ? e.name : 'Error'
  const httpStatus = e.$metadata?.httpStatusCode
  const requestId = e.$metadata?.requestId
  const info = (reason: Reason): FailureInfo => {
    const out: FailureInfo = { reason, errorName: name }
    if (typeof httpStatus === 'number') out.httpStatus = httpStatus
    if (typeof requestId === 'string') out.requestId = requestId
    return out
  }
  const message = typeof e.message === 'string' ? e.message : ''
  // The SDK's HTTP handler renames a reset socket (ECONNRESET, EPIPE) TimeoutError: the code tells the truth.
  if (e.code === 'ETIMEDOUT') return info('timed_out')
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return info('unreachable')
  if (KMS_ERRORS.has(name)) return info('kms_denied')
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'UnrecognizedClientException') {
    return info(/\bkms\b|AWSKMS/i.test(message) ? 'kms_denied' : 'access_denied')
  }
  if (THROTTLE_ERRORS.has(name)) return info('throttled')
  if (NOT_FOUND_ERRORS.has(name)) return info('not_found')
  if (name === 'TimeoutError' || name === 'AbortError') return info('timed_out')
  if (name === 'SyntaxError' || (typeof httpStatus === 'number' && httpStatus < 300)) return info('invalid_response')
  if (typeof httpStatus === 'number') return info('store_error')
  return info('unreachable')
}
