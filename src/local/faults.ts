import type { ParameterEngine } from './engine.js'
import { SsmServiceError } from './errors.js'
import { arnFor, isUnderPath, mentionedNames, pathPrefix } from './names.js'

/**
 * What a fault rule does to a matching request:
 * - `throttle`: 400 `ThrottlingException` "Rate exceeded"
 * - `server-error`: 500 `InternalServerError`
 * - `access-denied`: 400 `AccessDeniedException` from IAM (`ssm:<Operation>`)
 * - `kms-denied`: 400 `AccessDeniedException` from KMS (`kms:Decrypt`)
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
  /** Only these operations (e.g. `['GetParameters']`). Default: all. */
  operations?: string[]
  /**
   * Only requests that mention one of these names or paths: a `GetParameters` whose `Names` include one
   * (selectors stripped, ARNs resolved), a `GetParametersByPath` whose `Path` is one of them or lies above one
   * (honouring `Recursive`), any other operation whose `Name` is one. Default: every request.
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
  names?: Set<string>
  remaining: number
}

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
    if (spec.names) rule.names = new Set(spec.names.flatMap((name) => mentionedNames(normalize(name))))
    this.#rules.push(rule)
  }

  clear(): void {
    this.#rules = []
  }

  /** How many rules are still live. */
  get size(): number {
    return this.#rules.length
  }

  /** Applies the rules to one request: spends the uses of the rules that match and says what they do. */
  decide(operation: string, input: unknown, engine: ParameterEngine): FaultDecision {
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
}

const PRINCIPAL = (account: string) => `arn:aws:sts::${account}:assumed-role/fake/local-parameter-store`

/**
 * The AWS error a faulting rule answers with, or `undefined` for the kinds that answer otherwise
 * (reset, hang, malformed, truncated, latency).
 */
export const faultError = (
  decision: FaultDecision,
  operation: string,
  engine: ParameterEngine,
  requestId: string,
): SsmServiceError | undefined => {
  const resource =
    decision.resource === undefined
      ? `arn:aws:ssm:${engine.region}:${engine.accountId}:*`
      : arnFor(engine.region, engine.accountId, decision.resource)
  switch (decision.fault?.kind) {
    case 'throttle':
      return new SsmServiceError('ThrottlingException', 'Rate exceeded')
    case 'server-error':
      return new SsmServiceError('InternalServerError', 'An internal server error occurred.', 500)
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
