import { AppConfigEngine } from './appconfig-engine.js'
import type { ParameterEngine } from './engine.js'
import { SsmServiceError } from './errors.js'
import { arnFor, isUnderPath, mentionedNames, parseArn, pathPrefix } from './names.js'
import { SecretsEngine } from './secrets-engine.js'

/**
 * What a fault rule does to a matching request:
 * - `throttle`: 400 `ThrottlingException` "Rate exceeded"
 * - `server-error`: 500 `InternalServerError` (Secrets Manager: `InternalServiceError`)
 * - `access-denied`: 400 `AccessDeniedException` from IAM (`ssm:<Operation>`, `secretsmanager:<Operation>`)
 * - `kms-denied`: 400 `AccessDeniedException` from KMS (`kms:Decrypt`); Secrets Manager answers `DecryptionFailure`
 * - `reset`: the connection is reset, no response
 * - `hang`: no response, ever (until `close()`)
 * - `malformed`: 200 with a body that is not JSON but contains the real response
 * - `truncated`: 200 with the real response cut in half
 * - `latency`: the response is delayed by the rule's `latencyMs`
 *
 * @example
 * ```ts
 * store.fault({ kind: 'throttle', operations: ['GetParameters'], count: 2 })
 * ```
 */
export type FaultKind =
  | 'throttle'
  | 'server-error'
  | 'access-denied'
  | 'kms-denied'
  | 'reset'
  | 'hang'
  | 'malformed'
  | 'truncated'
  | 'latency'

/**
 * A fault rule. Rules are checked in the order added: every matching `latency` rule adds its delay, and the
 * first matching rule of any other kind applies; each rule that applies counts one use.
 *
 * @example
 * ```ts
 * // The next GetParameters call that asks for /app/db-password is refused by KMS; other calls succeed.
 * store.fault({ kind: 'kms-denied', operations: ['GetParameters'], names: ['/app/db-password'], count: 1 })
 * // Every call takes 50 ms longer until clearFaults().
 * store.fault({ kind: 'latency', latencyMs: 50 })
 * ```
 */
export interface FaultSpec {
  kind: FaultKind
  /** Only these operations (e.g. `['GetParameters']`, `['GetSecretValue']`). Default: all, of both services. */
  operations?: string[]
  /**
   * Only requests that mention one of these names or paths: a `GetParameters` whose `Names` include one
   * (selectors stripped, ARNs resolved), a `GetParametersByPath` whose `Path` is one of them or lies above one
   * (honouring `Recursive`), any other SSM operation whose `Name` is one. For Secrets Manager: a request whose
   * `SecretId` (or `CreateSecret`'s `Name`), or any id of a `BatchGetSecretValue`'s `SecretIdList`, is one of them
   * or stands for the same existing secret (name, ARN, partial ARN); a batch by `Filters` matches no name.
   * A name applies to both services (a secret and a parameter may share it): add `operations` to narrow a rule to
   * one. Default: every request. In a `BatchGetSecretValue`, `access-denied` with names and `kms-denied` refuse
   * only the matching secrets, reported in the answer's `Errors` as AWS does; the call itself succeeds.
   * For AppConfig Data: `application/environment/profile` (names), matched by a StartConfigurationSession's
   * identifiers or a GetLatestConfiguration's session.
   */
  names?: string[]
  /** Apply to this many matching requests, then the rule is spent. Default: until `clearFaults()`. */
  count?: number
  /** The delay added by a `latency` rule, in ms. */
  latencyMs?: number
}

/** What the fault rules decided for one request. */
export interface FaultDecision {
  /** The non-latency rule that applies, if any. */
  fault?: FaultSpec
  /** Extra delay from `latency` rules, in ms. */
  delayMs: number
  /** The name or path that made the applied fault match (or the request's first one), for error messages. */
  resource?: string
  /**
   * BatchGetSecretValue only: ids refused one by one, as AWS reports a secret the caller may not read or
   * decrypt inside the answer's `Errors` while the call itself succeeds.
   */
  deniedSecrets?: Map<string, 'access-denied' | 'kms-denied'>
}

const KINDS: readonly string[] = [
  'throttle',
  'server-error',
  'access-denied',
  'kms-denied',
  'reset',
  'hang',
  'malformed',
  'truncated',
  'latency',
]

interface Rule {
  spec: FaultSpec
  /** The names as SSM requests are compared with them (selectors stripped, ARNs read as names). */
  names?: Set<string>
  /** The names as given, for Secrets Manager requests (whose ids are compared after resolving them). */
  secretIds?: Set<string>
  remaining: number
}

/** Either engine of the store: the one a request went to tells how its names are read and errors worded. */
export type FaultEngine = ParameterEngine | SecretsEngine

/** A request's names or paths, as a fault rule's `names` compares them (no trailing `/` except on the root). */
const normalize = (name: string): string => (name.length > 1 && name.endsWith('/') ? name.slice(0, -1) : name)

const field = (input: unknown, key: string): unknown =>
  typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[key] : undefined

/** Every parameter name a reference may stand for: the existing one if any, else what its text says. */
const referenceNames = (reference: string, engine: ParameterEngine): string[] => {
  const existing = engine.resolve(reference)
  return existing === undefined ? mentionedNames(reference) : [existing]
}

/** The names a request mentions, and for a listing its path, so rules can match on either. */
const mentions = (
  operation: string,
  input: unknown,
  engine: ParameterEngine,
): { names: string[]; path?: string; recursive: boolean } => {
  if (operation === 'GetParametersByPath') {
    const path = field(input, 'Path')
    return typeof path === 'string'
      ? { names: [], path, recursive: field(input, 'Recursive') === true }
      : { names: [], recursive: false }
  }
  const names = operation === 'GetParameters' ? field(input, 'Names') : [field(input, 'Name')]
  if (!Array.isArray(names)) return { names: [], recursive: false }
  return {
    names: names.filter((n): n is string => typeof n === 'string').flatMap((n) => referenceNames(n, engine)),
    recursive: false,
  }
}

/** The secret ids a Secrets Manager request mentions, as sent. */
const secretIdsOf = (operation: string, input: unknown): string[] => {
  const ids =
    operation === 'BatchGetSecretValue'
      ? field(input, 'SecretIdList')
      : [field(input, operation === 'CreateSecret' ? 'Name' : 'SecretId')]
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : []
}

/** The first id the request sent that is one of `wanted`, or stands for the same existing secret as one. */
const matchedSecret = (wanted: Set<string>, ids: string[], engine: SecretsEngine): string | undefined =>
  ids.find((id) => {
    if (wanted.has(id)) return true
    const name = engine.resolve(id)
    if (name === undefined) return false
    const arn = engine.arnOf(name) as string
    return wanted.has(name) || wanted.has(arn) || wanted.has(arn.slice(0, -7))
  })

/** The first name or path of `wanted` the request mentions, or `undefined`. */
const matchedName = (
  wanted: Set<string>,
  request: { names: string[]; path?: string; recursive: boolean },
): string | undefined => {
  for (const name of request.names) if (wanted.has(name)) return name
  if (request.path === undefined) return undefined
  const path = normalize(request.path)
  if (wanted.has(path)) return path
  const prefix = pathPrefix(request.path)
  for (const name of wanted) if (isUnderPath(name, prefix, request.recursive)) return name
  return undefined
}

/**
 * The fault rules of a store, in the order added.
 *
 * @example
 * ```ts
 * const rules = new FaultRules()
 * rules.add({ kind: 'throttle', count: 1 })
 * rules.decide('GetParameters', { Names: ['/a'] }, engine).fault?.kind // 'throttle', then the rule is spent
 * ```
 */
export class FaultRules {
  #rules: Rule[] = []

  /** Adds a rule; throws a `TypeError` naming the problem if the spec is not usable. */
  add(spec: FaultSpec): void {
    if (!KINDS.includes(spec.kind)) throw new TypeError(`Unknown fault kind ${String(spec.kind)}`)
    const count = spec.count ?? Number.POSITIVE_INFINITY
    if (!(count >= 1) || (Number.isFinite(count) && !Number.isInteger(count))) {
      throw new TypeError('Fault count must be a positive integer')
    }
    if (spec.kind === 'latency' && !(typeof spec.latencyMs === 'number' && spec.latencyMs >= 0)) {
      throw new TypeError("A 'latency' fault needs latencyMs >= 0")
    }
    const rule: Rule = { spec: { ...spec }, remaining: count }
    if (spec.names) {
      // A non-SSM ARN (a secret's) names no parameter: read as one, its text before the first `:` would be 'arn'.
      const ssmNames = spec.names.filter((name) => !name.startsWith('arn:') || parseArn(name) !== undefined)
      rule.names = new Set(ssmNames.flatMap((name) => mentionedNames(normalize(name))))
      rule.secretIds = new Set(spec.names)
    }
    this.#rules.push(rule)
  }

  clear(): void {
    this.#rules = []
  }

  /** How many rules are still live. */
  get size(): number {
    return this.#rules.length
  }

  /**
   * Applies the rules to one request: spends the uses of the rules that match and says what they do. `engine` is
   * the one the request goes to: a {@link SecretsEngine} for `secretsmanager.*` targets, else the SSM one.
   */
  decide(operation: string, input: unknown, engine: FaultEngine | AppConfigEngine): FaultDecision {
    if (engine instanceof SecretsEngine) return this.#decideSecrets(operation, input, engine)
    if (engine instanceof AppConfigEngine) return this.#decideProfile(operation, engine.profileOf(operation, input))
    const decision: FaultDecision = { delayMs: 0 }
    let request: ReturnType<typeof mentions> | undefined
    for (const rule of this.#rules) {
      const { spec } = rule
      if (spec.kind !== 'latency' && decision.fault) continue
      if (spec.operations && !spec.operations.includes(operation)) continue
      let resource: string | undefined
      if (rule.names) {
        request ??= mentions(operation, input, engine)
        resource = matchedName(rule.names, request)
        if (resource === undefined) continue
      }
      rule.remaining--
      if (spec.kind === 'latency') {
        decision.delayMs += spec.latencyMs as number
        continue
      }
      decision.fault = spec
      request ??= mentions(operation, input, engine)
      const first = resource ?? request.names[0] ?? request.path
      if (first !== undefined) decision.resource = first
    }
    this.#rules = this.#rules.filter((rule) => rule.remaining > 0)
    return decision
  }

  /** AppConfig: `names` are `application/environment/profile` keys, matched against the request's profile. */
  #decideProfile(operation: string, profile: string | undefined): FaultDecision {
    const decision: FaultDecision = { delayMs: 0 }
    for (const rule of this.#rules) {
      const { spec } = rule
      if (spec.kind !== 'latency' && decision.fault) continue
      if (spec.operations && !spec.operations.includes(operation)) continue
      if (rule.secretIds && (profile === undefined || !rule.secretIds.has(profile))) continue
      rule.remaining--
      if (spec.kind === 'latency') {
        decision.delayMs += spec.latencyMs as number
        continue
      }
      decision.fault = spec
      if (profile !== undefined) decision.resource = profile
    }
    this.#rules = this.#rules.filter((rule) => rule.remaining > 0)
    return decision
  }

  #decideSecrets(operation: string, input: unknown, engine: SecretsEngine): FaultDecision {
    const decision: FaultDecision = { delayMs: 0 }
    const ids = secretIdsOf(operation, input)
    for (const rule of this.#rules) {
      const { spec } = rule
      if (spec.kind !== 'latency' && decision.fault) continue
      if (spec.operations && !spec.operations.includes(operation)) continue
      if (operation === 'BatchGetSecretValue' && perSecret(spec)) {
        // IAM or KMS refusing some secrets of a batch: those fail alone, in Errors (a rule without names
        // refuses the BatchGetSecretValue action itself, below).
        const denied = rule.secretIds ? ids.filter((id) => matchedSecret(rule.secretIds!, [id], engine)) : ids
        if (denied.length === 0) continue
        rule.remaining--
        decision.deniedSecrets ??= new Map()
        for (const id of denied) if (!decision.deniedSecrets.has(id)) decision.deniedSecrets.set(id, spec.kind as never)
        continue
      }
      const resource = rule.secretIds ? matchedSecret(rule.secretIds, ids, engine) : ids[0]
      if (rule.secretIds && resource === undefined) continue
      rule.remaining--
      if (spec.kind === 'latency') {
        decision.delayMs += spec.latencyMs as number
        continue
      }
      decision.fault = spec
      if (resource !== undefined) decision.resource = resource
    }
    this.#rules = this.#rules.filter((rule) => rule.remaining > 0)
    return decision
  }
}

/** Denials that AWS reports per secret inside a batch: IAM on named secrets, and KMS on any. */
const perSecret = (spec: FaultSpec): boolean =>
  spec.kind === 'kms-denied' || (spec.kind === 'access-denied' && spec.names !== undefined)

const PRINCIPAL = (account: string) => `arn:aws:sts::${account}:assumed-role/fake/local-parameter-store`

/** The 500 each service answers when it fails inside. */
export const internalError = (engine: FaultEngine): SsmServiceError =>
  engine instanceof SecretsEngine
    ? new SsmServiceError('InternalServiceError', 'An error occurred on the server side.', 500)
    : new SsmServiceError('InternalServerError', 'An internal server error occurred.', 500)

const secretsFaultError = (
  decision: FaultDecision,
  operation: string,
  engine: SecretsEngine,
): SsmServiceError | undefined => {
  const id = decision.resource
  const resource =
    id === undefined
      ? `arn:aws:secretsmanager:${engine.region}:${engine.accountId}:secret:*`
      : (engine.arnOf(id) ??
        (id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${engine.region}:${engine.accountId}:secret:${id}`))
  switch (decision.fault?.kind) {
    case 'access-denied':
      return new SsmServiceError(
        'AccessDeniedException',
        `User: ${PRINCIPAL(engine.accountId)} is not authorized to perform: secretsmanager:${operation} on ` +
          `resource: ${resource} because no identity-based policy allows the secretsmanager:${operation} action`,
      )
    case 'kms-denied':
      // Secrets Manager decrypts for the caller and reports a refused KMS key as its own error.
      return new SsmServiceError(
        'DecryptionFailure',
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
      )
    default:
      return undefined
  }
}

/**
 * The AWS error a faulting rule answers with, or `undefined` for the kinds that answer otherwise
 * (reset, hang, malformed, truncated, latency). `engine` is the one the request went to, as for `decide`.
 */
export const faultError = (
  decision: FaultDecision,
  operation: string,
  engine: FaultEngine,
  requestId: string,
): SsmServiceError | undefined => {
  // Both services throttle and fail inside alike; they refuse access each in its own words.
  if (decision.fault?.kind === 'throttle') return new SsmServiceError('ThrottlingException', 'Rate exceeded')
  if (decision.fault?.kind === 'server-error') return internalError(engine)
  if (engine instanceof SecretsEngine) return secretsFaultError(decision, operation, engine)
  const resource =
    decision.resource === undefined
      ? `arn:aws:ssm:${engine.region}:${engine.accountId}:*`
      : arnFor(engine.region, engine.accountId, decision.resource)
  switch (decision.fault?.kind) {
    case 'access-denied':
      return new SsmServiceError(
        'AccessDeniedException',
        `User: ${PRINCIPAL(engine.accountId)} is not authorized to perform: ssm:${operation} on resource: ${resource} ` +
          `because no identity-based policy allows the ssm:${operation} action`,
      )
    case 'kms-denied':
      return new SsmServiceError(
        'AccessDeniedException',
        `User: ${PRINCIPAL(engine.accountId)} is not authorized to perform: kms:Decrypt on resource: ` +
          `arn:aws:kms:${engine.region}:${engine.accountId}:key/00000000-0000-4000-8000-00000000c0de because no ` +
          'identity-based policy allows the kms:Decrypt action (Service: AWSKMS; Status Code: 400; Error Code: ' +
          `AccessDeniedException; Request ID: ${requestId}; Proxy: null)`,
      )
    default:
      return undefined
  }
}

/**
 * Moves the secrets a decision denies from a BatchGetSecretValue answer's `SecretValues` to its `Errors`, with
 * the codes and messages AWS gives there (`AccessDeniedException`, `DecryptionFailure`).
 */
export const applySecretDenials = (
  answer: {
    SecretValues: Record<string, unknown>[]
    Errors: { SecretId: string; ErrorCode: string; Message: string }[]
  },
  denied: Map<string, 'access-denied' | 'kms-denied'>,
  engine: SecretsEngine,
): void => {
  for (const [id, kind] of denied) {
    const name = engine.resolve(id)
    if (name === undefined) continue
    answer.SecretValues = answer.SecretValues.filter((value) => value.Name !== name)
    const error = secretsFaultError({ fault: { kind }, delayMs: 0, resource: id }, 'GetSecretValue', engine)
    if (error) answer.Errors.push({ SecretId: id, ErrorCode: error.name, Message: error.message })
  }
}
