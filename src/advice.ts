import type { FailureInfo, Reason, SecretsErrorCode } from './errors.js'
import { SecretsError } from './errors.js'
import type { SourceRef } from './sources/source.js'
import type { LogEvent } from './types.js'

/** What to do about each reason: one thing the user would do differently. Never "put the secret in a variable". */
const ADVICE: Record<Reason, (f: FailureInfo) => string> = {
  not_found: () =>
    'create it or fix its name (for a parameter also its version or label; for a secret its stage) in the store the entry names, or mark the key required: false',
  access_denied: (f) =>
    `allow the function's role to read ${f.resourceArn ?? 'the parameter'} (ssm:GetParameters, ssm:GetParametersByPath, secretsmanager:GetSecretValue, or appconfig:StartConfigurationSession and appconfig:GetLatestConfiguration)`,
  kms_denied: (f) =>
    `allow the function's role kms:Decrypt on ${f.resourceArn ?? "the parameter's KMS key"}, and check the key is enabled`,
  client_config: () =>
    'configure the AWS client: a region (awsClientOptions.region or AWS_REGION) and, if set, a valid endpoint',
  credentials: () =>
    'give the client valid credentials: the function role, or awsClientOptions.credentials (expired session, unknown key or clock skew)',
  throttled: () =>
    'the account is over the store quota: raise it (SSM higher throughput), lengthen cacheExpiry or share one instance',
  timed_out: () => 'the store did not answer within fetchTimeout: check the network path or raise fetchTimeout',
  unreachable: (f) =>
    `check the network path to ${f.host ?? 'the endpoint'} (VPC endpoint or NAT, security groups, DNS) and awsClientOptions.endpoint`,
  store_error: () => 'the store failed inside (HTTP 5xx); it is retried with backoff, check AWS Health if it lasts',
  invalid_request: () =>
    'the store refused the request itself (HTTP 4xx): check the parameter name and the SDK version, and report it to middy-secrets',
  invalid_response: () =>
    'the endpoint answered something that is not a valid store response: check awsClientOptions.endpoint',
  transform_failed: () => "the stored value does not parse as the key's transform: fix the value or the transform",
  key_collision: () => 'rename the key or the parameter, or turn setToEnv off',
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
 * name every key, its entry as written, its reason and the safe details, and give the advice once per reason.
 */
export const unavailableError = (missing: readonly Missing[]): { error: SecretsError; event: LogEvent } => {
  const keys: string[] = []
  const parameters: string[] = []
  const reasons: Record<string, Reason> = {}
  const failures: Record<string, FailureInfo> = {}
  const parts: string[] = []
  const advice = new Map<string, string>()
  for (const { key, ref, failure } of missing) {
    const parameter = ref.entry
    keys.push(key)
    parameters.push(parameter)
    reasons[key] = failure.reason
    failures[key] = { ...failure }
    const facts = describeFailure(failure)
    parts.push(`${key} (${parameter}: ${failure.reason})${facts ? ` [${facts}]` : ''}`)
    const text = ADVICE[failure.reason](failure)
    advice.set(text, `${failure.reason}: ${text}`)
  }
  const error = new SecretsError(
    codeFor(Object.values(reasons)),
    `middy-secrets: no value for ${parts.join(', ')}. ${[...advice.values()].join('. ')}.`,
    { keys, parameters, reasons, failures },
  )
  return { error, event: { event: 'unavailable', keys, parameters, reasons, failures } }
}
