import { APPCONFIG, parseAppConfig } from './appconfig-ref.js'
import { isReadableReservedName, isReservedName, isValidLabel, nameShapeProblem } from './aws-names.js'

/**
 * A parsed reference to what one `fetchData` entry reads. `id` is what goes on the wire and what
 * identifies the reference: two keys with the same `id` share one fetch.
 */
export interface ParameterRef {
  /** An SSM parameter name, an SSM path, a Secrets Manager secret, or an AppConfig configuration profile. */
  readonly kind: 'name' | 'path' | 'secret' | 'appconfig'
  /** As sent: `name`, `name:selector`, `arn…:selector`, or the path; for a secret `secretsmanager:<id>:<stage>`. */
  readonly id: string
  /** The plain parameter name (or path, or SecretId), as results and messages name it. */
  readonly name: string
  /** `':3'` or `':prod'` as results carry it, or `''`; for a secret its version stage, `''` for AWSCURRENT. */
  readonly selector: string
  /** The ARN without selector when the reference was an ARN, else `''`. */
  readonly arn: string
  /** A numeric version never changes: fetched once, never refreshed. */
  readonly pinned: boolean
  readonly recursive: boolean
}

const VERSION = /^[1-9][0-9]{0,18}$/
const ARN = /^(arn:aws[a-z-]*:ssm:[a-z0-9-]*:[0-9]{12}:parameter)\/(.+)$/

/** Why a name is not one SSM would let a caller read, or undefined when it is fine. */
export const nameProblem = (name: string): string | undefined => {
  const problem = nameShapeProblem(name)
  if (problem !== undefined) return problem
  if (isReservedName(name) && !isReadableReservedName(name)) {
    return "starts with 'aws' or 'ssm', which AWS reserves (only /aws/service/… and /aws/reference/secretsmanager/… are readable)"
  }
  return undefined
}

// SSM's bridge to Secrets Manager takes the secret's selectors: a version stage (AWSCURRENT, AWSPREVIOUS, a custom
// one) or a version id (a UUID), as the SSM user guide's page on referencing Secrets Manager secrets shows.
const SECRETS_REFERENCE = /^\/aws\/reference\/secretsmanager\//
const SECRET_SELECTOR = /^[a-zA-Z0-9_.+=@-]{1,256}$/

const selectorProblem = (selector: string, name: string): string | undefined => {
  if (SECRETS_REFERENCE.test(name)) {
    return SECRET_SELECTOR.test(selector)
      ? undefined
      : 'is neither a version stage nor a version id of the secret (1–256 of a-z A-Z 0-9 _ . + = @ -)'
  }
  if (VERSION.test(selector)) return undefined
  if (isValidLabel(selector)) return undefined
  return isReservedName(selector)
    ? "is a label starting with 'aws' or 'ssm', which AWS reserves"
    : 'is neither a version number nor a label (letters, digits, . - _; not starting with a digit)'
}

/** The prefix that sends an entry to Secrets Manager instead of Parameter Store. */
export const SECRETS_MANAGER = 'secretsmanager:'
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[a-zA-Z0-9/_+=.@-]+$/
const SECRET_NAME = /^[a-zA-Z0-9/_+=.@-]{1,512}$/
const STAGE = /^[a-zA-Z0-9_.+=@-]{1,256}$/

/** A Secrets Manager secret: `secretsmanager:<name or ARN>`, or a secret ARN as it is. */
const parseSecret = (secretId: string, versionStage: string | undefined): ParameterRef => {
  if (!SECRET_NAME.test(secretId) && !SECRET_ARN.test(secretId)) {
    throw new Error('is not a secret name (1–512 of a-z A-Z 0-9 / _ + = . @ -) or secret ARN')
  }
  if (versionStage !== undefined && !STAGE.test(versionStage)) throw new Error('has an invalid versionStage')
  const stage = versionStage === 'AWSCURRENT' ? '' : (versionStage ?? '')
  return {
    kind: 'secret',
    id: `${SECRETS_MANAGER}${secretId}:${stage}`,
    name: secretId,
    selector: stage,
    arn: '',
    pinned: false,
    recursive: false,
  }
}

// Words that read as a store prefix: what someone may write for a store this package does not read that way.
const STORE_WORDS = new Set([
  'ssm',
  'parameterstore',
  'parameter-store',
  'parameter',
  'secretmanager',
  'secrets-manager',
  'secretsmanager',
  'secret',
  'secrets',
  'sm',
  'appconfig',
  'dynamodb',
  's3',
  'kms',
  'env',
  'vault',
])

/**
 * The prefix of `prefix:rest` when it reads as a store prefix, not as `name:selector`: the word is a store's,
 * or a hierarchy follows the colon (`ssm:/bots/x`), which no selector can hold.
 */
const unknownPrefix = (input: string): string | undefined => {
  const match = /^([A-Za-z][A-Za-z0-9+.-]{0,31}):(.*)$/s.exec(input)
  if (!match || match[1] === undefined) return undefined
  const word = match[1]
  return STORE_WORDS.has(word.toLowerCase()) || match[2]?.startsWith('/') ? word : undefined
}

/**
 * Parses one reference. Throws a plain Error whose message describes the problem; the caller adds the key.
 */
export const parseRef = (input: string, recursive = true, versionStage?: string): ParameterRef => {
  if (typeof input !== 'string' || input.length === 0) throw new Error('the parameter name is empty')
  if (input.startsWith(SECRETS_MANAGER)) return parseSecret(input.slice(SECRETS_MANAGER.length), versionStage)
  if (input.startsWith('arn:') && input.includes(':secretsmanager:')) return parseSecret(input, versionStage)
  if (input.startsWith(APPCONFIG)) {
    if (versionStage !== undefined) throw new Error('is an AppConfig profile: versionStage applies to secrets only')
    return parseAppConfig(input.slice(APPCONFIG.length))
  }
  const prefix = unknownPrefix(input)
  if (prefix !== undefined) {
    throw new Error(
      `starts with '${prefix}:', which is not a prefix this package knows (known: ${SECRETS_MANAGER} for Secrets Manager, ${APPCONFIG} for AppConfig; a Parameter Store name takes no prefix)`,
    )
  }
  if (versionStage !== undefined)
    throw new Error('is not a Secrets Manager secret: versionStage applies to secrets only')
  let arn = ''
  let body = input
  const arnMatch = ARN.exec(input)
  if (arnMatch) {
    // An ARN drops the name's leading slash; a name with a level has one, a flat name is ambiguous
    // and results are matched by ARN as well.
    const rest = arnMatch[2] as string
    body = rest.includes('/') ? `/${rest}` : rest
    const colon = body.indexOf(':')
    arn = `${arnMatch[1]}/${colon === -1 ? rest : rest.slice(0, rest.indexOf(':'))}`
  } else if (input.startsWith('arn:')) {
    throw new Error('is not an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)')
  }

  if (body.endsWith('/')) {
    if (arn) throw new Error('is an ARN of a path; give the path itself')
    if (!body.startsWith('/')) throw new Error('is a path and must start with /')
    if (body !== '/') {
      const problem = nameProblem(body.slice(0, -1))
      if (problem) throw new Error(`is a path that ${problem}`)
    }
    // The same path read recursively and not are two different fetches.
    const id = recursive ? body : `${body} (direct children)`
    return { kind: 'path', id, name: body, selector: '', arn: '', pinned: false, recursive }
  }

  const colon = body.indexOf(':')
  const name = colon === -1 ? body : body.slice(0, colon)
  const selector = colon === -1 ? '' : body.slice(colon + 1)
  const problem = nameProblem(name)
  if (problem) throw new Error(`has a name that ${problem}`)
  if (colon !== -1) {
    const selProblem = selectorProblem(selector, name)
    if (selProblem) throw new Error(`has a selector that ${selProblem}`)
  }
  return {
    kind: 'name',
    id: input,
    name,
    selector: colon === -1 ? '' : `:${selector}`,
    arn,
    pinned: VERSION.test(selector) && !SECRETS_REFERENCE.test(name),
    recursive: false,
  }
}
