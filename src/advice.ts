import type { FailureInfo, Reason, SecretsErrorCode } from './errors.js'
import { SecretsError } from './errors.js'
import type { AwsAdvice } from './sources/kind.js'
import { builtInStore } from './sources/registry.js'
import type { SourceRef } from './sources/source.js'
import type { LogEvent } from './types.js'

/** What advice needs to know of the store a failure came from. */
interface StoreFacts {
  /** What messages call it: `Parameter Store`, `the vault store`. */
  readonly title: string
  /** How a user's store's entries start: `vault:`. */
  readonly prefix: string
  /** The AWS store's own words; undefined for a user's store. */
  readonly aws: AwsAdvice | undefined
  /** The SDK package its source loads: `@aws-sdk/client-secrets-manager`. */
  readonly sdk: string
  /** Where its client's options are: `awsClientOptions`, or also `secretsManager.awsClientOptions`. */
  readonly clientOptions: (field: string) => string
}

const factsOf = (ref: SourceRef): StoreFacts => {
  const kind = builtInStore(ref.store)
  const own = kind?.option?.name
  return {
    title: kind?.title ?? `the ${ref.store} store`,
    prefix: `${ref.store}:`,
    aws: kind?.aws,
    sdk: kind?.sdk ?? '',
    clientOptions: (field) =>
      own === undefined ? `awsClientOptions.${field}` : `awsClientOptions.${field} or ${own}.awsClientOptions.${field}`,
  }
}

// About the value or the map, not the store: the same for every store.
const TRANSFORM_FAILED = "the stored value does not parse as the key's transform: fix the value or the transform"
const KEY_COLLISION = 'rename the key or the entry, or turn setToEnv off'

type Advice = (f: FailureInfo, ref: SourceRef, store: StoreFacts, aws: AwsAdvice) => string

// The SDK's own errors when it found no credentials at all, as opposed to credentials the store turned down.
const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'TokenProviderError'])
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException'])
const BAD_SIGNATURE = new Set([
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
])
const UNKNOWN_KEY = new Set(['UnrecognizedClientException', 'InvalidClientTokenId'])

/** What to do about credentials, by what the error says happened to them. */
const credentials = (f: FailureInfo, s: StoreFacts): string => {
  const name = f.errorName ?? ''
  const option = s.clientOptions('credentials')
  if (NO_CREDENTIALS.has(name)) {
    return `the ${s.title} client found no credentials: on Lambda the function's role gives them, elsewhere a profile or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or set ${option}`
  }
  if (EXPIRED.has(name)) {
    return `${s.title} refused expired session credentials: give ${option} a provider that refreshes them (fromTemporaryCredentials, fromNodeProviderChain) rather than a fixed session`
  }
  if (BAD_SIGNATURE.has(name)) {
    return `${s.title} refused the request's signature: check the secret access key in ${option} (or the environment) and the machine's clock`
  }
  if (UNKNOWN_KEY.has(name)) {
    return `${s.title} does not know the access key: check ${option} (or the environment) holds a live key of this AWS partition, with its session token if it is temporary`
  }
  return `give the ${s.title} client valid credentials: the function role, or ${option} (expired session, unknown key or clock skew)`
}

/**
 * What to do about each reason, for an AWS store: one thing the user would do differently, in the words of the
 * store the failure came from (its IAM actions, its quota, its client's options). Never "put the secret in a
 * variable".
 */
const AWS_ADVICE: Record<Reason, Advice> = {
  not_found: (f, ref, s, aws) => `${aws.missing(ref, f)} in ${s.title}, or mark the key required: false`,
  access_denied: (f, ref, s, aws) =>
    `allow the function's role to read ${f.resourceArn ?? `it in ${s.title}`} (${aws.actions(ref)})`,
  kms_denied: (f, _, s) =>
    `allow the function's role kms:Decrypt on ${f.resourceArn ?? `the KMS key that encrypts it in ${s.title}`}, and check the key is enabled`,
  // A detail says the client, or this package's module for the store, could not be set up at all (lazy.ts).
  client_config: (f, _, s) =>
    f.detail !== undefined
      ? `the ${s.title} client could not be set up: fix what the details name`
      : `configure the ${s.title} client: a region (${s.clientOptions('region')}, or AWS_REGION) and, if set, a valid endpoint`,
  credentials: (f, _, s) => credentials(f, s),
  throttled: (_, __, s, aws) =>
    `the account is over the ${s.title} quota: ${aws.quota}, lengthen cacheExpiry or share one instance`,
  timed_out: (_, __, s) =>
    `${s.title} did not answer within fetchTimeout: check the network path or raise fetchTimeout`,
  unreachable: (f, _, s, aws) =>
    `check the network path to ${f.host ?? `the ${s.title} endpoint`} (a VPC endpoint for ${aws.endpoint} or NAT, security groups, DNS) and ${s.clientOptions('endpoint')}`,
  sdk_missing: (_, __, s) =>
    `add ${s.sdk} to the function's dependencies (it is an optional peer of middy-secrets, needed because the map names ${s.title} entries)`,
  store_error: (_, __, s) =>
    `${s.title} failed inside (HTTP 5xx); it is retried with backoff, check AWS Health if it lasts`,
  invalid_request: (f, ref, s, aws) =>
    `${s.title} refused the request itself (HTTP 4xx): ${aws.invalidRequest(ref, f)}`,
  // An AWS store gives invalid_response a detail only about the data it holds (a DynamoDB map where text is
  // expected): then the endpoint answered well, and the data is what to change.
  invalid_response: (f, _, s) =>
    f.detail !== undefined
      ? `${s.title} answered with data this package cannot serve: change what is stored, as the details say`
      : `the endpoint answered something that is not a valid ${s.title} response: check ${s.clientOptions('endpoint')}`,
  transform_failed: () => TRANSFORM_FAILED,
  key_collision: () => KEY_COLLISION,
}

/**
 * The same for a user's store (`stores: { vault }`): the advice is about that store, which this package knows
 * nothing of — no AWS service, IAM, KMS or AWS Health.
 */
const OWN_ADVICE: Record<Reason, (f: FailureInfo, s: StoreFacts) => string> = {
  not_found: (_, s) => `create it in ${s.title} or fix what follows '${s.prefix}', or mark the key required: false`,
  access_denied: (_, s) => `${s.title} refused to give it: allow the function to read it there`,
  kms_denied: (_, s) =>
    `${s.title} could not decrypt it: check the key it is encrypted with and the function's use of it`,
  client_config: (_, s) => `${s.title} could not make a request: check how its source is configured`,
  credentials: (_, s) => `give ${s.title} valid credentials`,
  throttled: (_, s) => `${s.title} is throttling the function: lengthen cacheExpiry or share one instance`,
  timed_out: (_, s) => `${s.title} did not answer within fetchTimeout: check the path to it or raise fetchTimeout`,
  unreachable: (f, s) => `check the network path to ${f.host ?? s.title}`,
  sdk_missing: (_, s) =>
    `${s.title} could not load a package its source needs: add that package to the function's dependencies`,
  store_error: (_, s) =>
    `${s.title} failed (its fetch threw, or it answered store_error or a reason this package does not have); it is retried with backoff: check that store`,
  invalid_request: (_, s) => `${s.title} refused the request: check what follows '${s.prefix}'`,
  invalid_response: (_, s) =>
    `${s.title} answered something that is not a value of the entry's shape (a string; for an entry ending in / an object of strings): check its source`,
  transform_failed: () => TRANSFORM_FAILED,
  key_collision: () => KEY_COLLISION,
}

/**
 * What to do about a failure of the entry `ref`: advice that fits both the reason and the store it came from.
 *
 * @example
 * ```ts
 * advice({ reason: 'store_error' }, ref) // for secretsmanager:prod/db: 'Secrets Manager failed inside (HTTP 5xx); …'
 * ```
 */
export const advice = (f: FailureInfo, ref: SourceRef): string => {
  const store = factsOf(ref)
  return store.aws ? AWS_ADVICE[f.reason](f, ref, store, store.aws) : OWN_ADVICE[f.reason](f, store)
}

/** The code of an error about these reasons: a collision or a transform is not an outage. */
export const codeFor = (reasons: readonly Reason[]): SecretsErrorCode => {
  if (reasons.includes('key_collision')) return 'KEY_COLLISION'
  if (reasons.every((reason) => reason === 'transform_failed')) return 'TRANSFORM_FAILED'
  return 'UNAVAILABLE'
}

/** The safe facts of a failure besides its reason, in words: `AccessDeniedException, HTTP 400, arn:…, request id …`. */
export const describeFailure = (f: FailureInfo): string =>
  [
    f.detail,
    f.errorName !== undefined && f.errorName !== 'Error' ? f.errorName : undefined,
    f.errorCode !== undefined && f.errorCode !== f.errorName ? f.errorCode : undefined,
    f.httpStatus !== undefined ? `HTTP ${f.httpStatus}` : undefined,
    f.host !== undefined ? `host ${f.host}` : undefined,
    f.resourceArn,
    f.requestId !== undefined ? `request id ${f.requestId}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(', ')

/** One key with no value: which key, which entry, and why. */
export interface Missing {
  readonly key: string
  readonly ref: SourceRef
  readonly failure: FailureInfo
}

/** Failure details as a log event carries them: the fields of {@link FailureInfo} that are set, flat. */
export const failureFields = (f: FailureInfo | undefined): Record<string, string | number> => {
  const out: Record<string, string | number> = {}
  if (f === undefined) return out
  for (const [field, value] of Object.entries(f)) if (value !== undefined) out[field] = value
  return out
}

/**
 * The error an invocation fails with when keys have no value, and the `unavailable` event logged with it: both
 * name every key, its entry as written, its reason and the safe details, and give the advice once per reason and
 * store.
 */
export const unavailableError = (missing: readonly Missing[]): { error: SecretsError; event: LogEvent } => {
  const keys: string[] = []
  const parameters: string[] = []
  const reasons: Record<string, Reason> = {}
  const failures: Record<string, FailureInfo> = {}
  const parts: string[] = []
  const advised = new Map<string, string>()
  for (const { key, ref, failure } of missing) {
    const parameter = ref.entry
    keys.push(key)
    parameters.push(parameter)
    reasons[key] = failure.reason
    failures[key] = { ...failure }
    const facts = describeFailure(failure)
    parts.push(`${key} (${parameter}: ${failure.reason})${facts ? ` [${facts}]` : ''}`)
    const text = advice(failure, ref)
    advised.set(text, `${failure.reason}: ${text}`)
  }
  const error = new SecretsError(
    codeFor(Object.values(reasons)),
    `middy-secrets: no value for ${parts.join(', ')}. ${[...advised.values()].join('. ')}.`,
    { keys, parameters, reasons, failures },
  )
  return { error, event: { event: 'unavailable', keys, parameters, reasons, failures } }
}
