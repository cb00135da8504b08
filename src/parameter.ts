import { isReadableReservedName, isReservedName, isValidLabel, nameShapeProblem } from './aws-names.js'
import { meant } from './meant.js'
import { parseEntry } from './sources/registry.js'
import type { SourceRef } from './sources/source.js'

/**
 * A parsed reference of the built-in stores, Parameter Store and Secrets Manager. `id` is what goes on the wire
 * and what identifies the reference: two keys with the same `id` share one fetch.
 */
export interface ParameterRef extends SourceRef {
  readonly store: 'ssm' | 'secretsmanager'
  /** An SSM parameter name, an SSM path, or a Secrets Manager secret. */
  readonly kind: 'name' | 'path' | 'secret'
  /** As sent: `name`, `name:selector`, `arn…:selector`, or the path; for a secret `secretsmanager:<id>:<stage>`. */
  readonly id: string
  /** The plain parameter name (or path, or SecretId), as results name it and as it is sent. */
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
 * or a hierarchy follows the colon (`ssm:/bots/x`), which no selector can hold, or the word is close to one of the
 * `known` prefixes (without their colon) and what follows is no selector (`dynamo:config/app`).
 */
export const storePrefix = (input: string, known: readonly string[] = []): string | undefined => {
  const match = /^([A-Za-z][A-Za-z0-9+.-]{0,31}):(.*)$/s.exec(input)
  if (!match || match[1] === undefined) return undefined
  const word = match[1]
  const rest = match[2] ?? ''
  if (STORE_WORDS.has(word.toLowerCase()) || rest.startsWith('/')) return word
  // `dynamo:prod` stays a Parameter Store name with a label, as AWS reads it.
  const selector = VERSION.test(rest) || isValidLabel(rest)
  return !selector && meant(word, known) !== undefined ? word : undefined
}

/**
 * Parses one entry of any store, through the registry: the built-in forms give a {@link ParameterRef}. Throws a
 * plain Error whose message describes the problem; the caller adds the key.
 */
export const parseRef = (
  input: string,
  recursive = true,
  versionStage?: string,
  settings: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
): ParameterRef => {
  const fields: Record<string, unknown> = {}
  if (versionStage !== undefined) fields.versionStage = versionStage
  if (!recursive) fields.recursive = false
  return parseEntry(input, fields, [], settings) as ParameterRef
}

/** Parses a Parameter Store entry: a name, `name:selector`, a parameter ARN, or a path ending in `/`. */
export const parseSsm = (input: string, recursive: boolean): ParameterRef => {
  if (input.startsWith('arn:') && !ARN.test(input)) {
    throw new Error('is not an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)')
  }
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
    return { store: 'ssm', kind: 'path', id, name: body, entry: input, selector: '', arn: '', pinned: false, recursive }
  }

  const colon = body.indexOf(':')
  const name = colon === -1 ? body : body.slice(0, colon)
  const selector = colon === -1 ? '' : body.slice(colon + 1)
  if (colon !== -1 && name.endsWith('/')) {
    throw new Error(
      'is a path with a selector: a path (a name ending in /) reads the latest version of every parameter below it and takes no version or label; drop the selector, or name one parameter',
    )
  }
  const problem = nameProblem(name)
  if (problem) throw new Error(`has a name that ${problem}`)
  if (colon !== -1) {
    const selProblem = selectorProblem(selector, name)
    if (selProblem) throw new Error(`has a selector that ${selProblem}`)
  }
  return {
    store: 'ssm',
    kind: 'name',
    id: input,
    name,
    entry: input,
    selector: colon === -1 ? '' : `:${selector}`,
    arn,
    pinned: VERSION.test(selector) && !SECRETS_REFERENCE.test(name),
    recursive: false,
  }
}
