import type { FailureInfo, Reason } from './errors.js'

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
  // DynamoDB's: a table's or index's provisioned read capacity spent (RequestLimitExceeded is its account quota).
  'ProvisionedThroughputExceededException',
  'Throttling',
  'RequestLimitExceeded',
  'SlowDown',
])
const SCHEDULED_FOR_DELETION = /marked for deletion|scheduled for deletion/i
const NOT_FOUND_ERRORS = new Set(['ParameterNotFound', 'ParameterVersionNotFound', 'ResourceNotFoundException'])
const ACCESS_ERRORS = new Set(['AccessDeniedException', 'AccessDenied'])
// The SDK's own (no credentials found) and the store's (credentials it does not accept).
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
])
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])
// What the SDK throws before any request when its configuration cannot make one.
const CLIENT_CONFIG_MESSAGES =
  /^(Region is missing|Invalid region|Endpoint .* is not valid|Invalid URL)|is not a constructor/
const CLIENT_CONFIG_CODES = new Set(['ERR_INVALID_URL'])

// Only words that cannot carry a value are kept: an error name or request id the store chose is still checked.
const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_.#:]{0,99}$/
const SAFE_ID = /^[A-Za-z0-9-]{1,128}$/
const SAFE_HOST = /^[A-Za-z0-9.:[\]-]{1,255}$/
// AWS names the denied resource in the message: "… on resource: arn:aws:ssm:…:parameter/x because …".
const DENIED_ARN = /on resource: (arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:[A-Za-z0-9/_+=.@:*-]{1,2048})/

interface SdkLike {
  name?: unknown
  code?: unknown
  message?: unknown
  hostname?: unknown
  address?: unknown
  port?: unknown
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown }
  $response?: { statusCode?: unknown }
}

// The SDK's retry middleware wraps what is not an Error of its own realm (a socket error seen from a vm context,
// as in Jest) in `AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:4566`: the code and the host are
// still there to read, from Node's own wording.
const WRAPPED =
  /^AWS SDK error wrapper for \w*Error: (?:connect|getaddrinfo|read|write|socket) ([A-Z][A-Z0-9_]+)(?: ([A-Za-z0-9.:[\]-]+))?/

const read = (error: unknown): SdkLike => {
  if (error === null || (typeof error !== 'object' && typeof error !== 'function')) return {}
  try {
    const e = error as SdkLike
    // One read of each field: a getter on a thrown object must not run twice, nor throw out of here.
    const out: SdkLike = {
      name: e.name,
      code: e.code,
      message: e.message,
      hostname: e.hostname,
      address: e.address,
      port: e.port,
      $metadata: e.$metadata && typeof e.$metadata === 'object' ? { ...e.$metadata } : undefined,
      $response: e.$response && typeof e.$response === 'object' ? { statusCode: e.$response.statusCode } : undefined,
    }
    const wrapped = e.code === undefined && typeof e.message === 'string' ? WRAPPED.exec(e.message) : null
    if (wrapped) return { ...out, code: wrapped[1], hostname: wrapped[2] }
    return out
  } catch {
    return {}
  }
}

const hostOf = (e: SdkLike): string | undefined => {
  const host =
    typeof e.hostname === 'string'
      ? e.hostname
      : typeof e.address === 'string'
        ? typeof e.port === 'number'
          ? `${e.address}:${e.port}`
          : e.address
        : undefined
  return host !== undefined && SAFE_HOST.test(host) ? host : undefined
}

const reasonOf = (e: SdkLike, name: string, status: number | undefined, message: string): Reason => {
  const code = typeof e.code === 'string' ? e.code : undefined
  // The SDK's HTTP handler renames a reset socket (ECONNRESET, EPIPE) TimeoutError: the code tells the truth.
  if (code === 'ETIMEDOUT') return 'timed_out'
  if (code !== undefined && NETWORK_CODES.has(code)) return 'unreachable'
  if (code !== undefined && CLIENT_CONFIG_CODES.has(code)) return 'client_config'
  if (CREDENTIAL_ERRORS.has(name)) return 'credentials'
  if (KMS_ERRORS.has(name)) return 'kms_denied'
  // KMS refusing SSM's decryption comes back as AccessDeniedException too: only the message tells them apart.
  if (ACCESS_ERRORS.has(name)) return /\bkms:|AWSKMS/i.test(message) ? 'kms_denied' : 'access_denied'
  if (THROTTLE_ERRORS.has(name) || status === 429) return 'throttled'
  if (NOT_FOUND_ERRORS.has(name)) return 'not_found'
  // Secrets Manager refuses a secret scheduled for deletion with InvalidRequestException ("…because it was marked
  // for deletion"): deleted, as far as serving it goes, so an answer that ends stale service like ResourceNotFound.
  if (name === 'InvalidRequestException' && SCHEDULED_FOR_DELETION.test(message)) return 'not_found'
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed_out'
  if (status !== undefined && status >= 500) return 'store_error'
  if (status !== undefined && status >= 400) return 'invalid_request'
  if (status === undefined && CLIENT_CONFIG_MESSAGES.test(message)) return 'client_config'
  // A 2xx the SDK could not parse, or one whose shape the source could not walk.
  if (status !== undefined || name === 'SyntaxError' || name === 'TypeError') return 'invalid_response'
  return 'unreachable'
}

/**
 * A failure whose reason is already known where it happens (a store's SDK package that could not be loaded, a client
 * that could not be made): thrown there, and {@link classifyError} gives back its {@link FailureInfo} as it is.
 */
export class KnownFailure extends Error {
  override readonly name = 'KnownFailure'

  constructor(readonly failure: FailureInfo) {
    super(failure.detail ?? failure.reason)
  }
}

/**
 * How a store's module classifies what its SDK threw. The core hands it {@link classifyError} when the module
 * loads, so the store modules carry no copy of it (each would, bundled on its own: 3 KB each, parsed at import
 * when a user's bundler inlines every store into one file).
 */
export type Classify = (error: unknown) => FailureInfo

/**
 * Classifies any thrown thing into a {@link FailureInfo}. The message is read only to classify (a KMS denial from
 * an IAM one, a missing region) and to pick out the ARN AWS names in a denial; it is never kept.
 */
export const classifyError = (error: unknown): FailureInfo => {
  if (error instanceof KnownFailure) return { ...error.failure }
  const e = read(error)
  const name = typeof e.name === 'string' && SAFE_NAME.test(e.name) ? e.name : 'Error'
  const statusRaw = e.$metadata?.httpStatusCode ?? e.$response?.statusCode
  const status = typeof statusRaw === 'number' && Number.isInteger(statusRaw) ? statusRaw : undefined
  const message = typeof e.message === 'string' ? e.message : ''
  const reason = reasonOf(e, name, status, message)
  const info: FailureInfo = { reason, errorName: name }
  if (typeof e.code === 'string' && SAFE_NAME.test(e.code)) info.errorCode = e.code
  if (status !== undefined) info.httpStatus = status
  const requestId = e.$metadata?.requestId
  if (typeof requestId === 'string' && SAFE_ID.test(requestId)) info.requestId = requestId
  const host = hostOf(e)
  if (host !== undefined) info.host = host
  if (reason === 'not_found' && name === 'InvalidRequestException') info.detail = 'scheduled for deletion'
  if (reason === 'access_denied' || reason === 'kms_denied') {
    const arn = DENIED_ARN.exec(message)?.[1]?.replace(/[.:]+$/, '')
    if (arn !== undefined) info.resourceArn = arn
  }
  return info
}
