/**
 * The store side of the soak: the local store's engine (in process, no HTTP), the fault schedule of the
 * simulated day, and the AWS client class the middleware is given instead of SSMClient.
 */
import { ParameterEngine, SsmServiceError } from 'middy-secrets-local'
import { between, exponential, logUniform, pick } from './random.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

export const NAMES = Array.from({ length: 40 }, (_, i) => `/soak/p${String(i).padStart(2, '0')}`)
export const PATHS = ['/soak/db/', '/soak/cache/', '/soak/flags/', '/soak/queue/']

/** `name#v<n>`: every value says which version it is, so an invocation shows whether it saw a rotation. */
export const versionedValue = (name, version) => `${name}#v${version}`
export const versionOf = (value) => {
  const match = typeof value === 'string' ? /#v(\d+)$/.exec(value) : null
  return match ? Number(match[1]) : undefined
}

/**
 * AWS's error as the SDK raises it: the error type as `name`, the HTTP status in `$metadata`. The message is
 * the service's own (it never quotes a value).
 */
const awsError = (name, message, httpStatusCode) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode, requestId: 'soak', attempts: 1 } })

/** Situations of a function, the worst first. */
export const SEVERITY = ['outage', 'burst', 'denied', 'deleted', 'healthy']

const OUTAGE_ERRORS = {
  'server-error': () => awsError('InternalServerError', 'An internal server error occurred.', 500),
  throttle: () => awsError('ThrottlingException', 'Rate exceeded', 400),
  unreachable: () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  // A hung connection, as the SDK ends it once its request timeout passes.
  hang: () => Object.assign(new Error('request timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
}

const denied = (operation, kms) =>
  awsError(
    'AccessDeniedException',
    kms
      ? 'User: arn:aws:sts::123456789012:assumed-role/soak/fn is not authorized to perform: kms:Decrypt (Service: AWSKMS)'
      : `User: arn:aws:sts::123456789012:assumed-role/soak/fn is not authorized to perform: ssm:${operation}`,
    400,
  )

/**
 * The day's faults, drawn up front from the seed: outages of minutes to hours, throttling bursts, names denied
 * (IAM or KMS), parameters deleted and later re-created, and value rotations.
 */
export const schedule = (rng, durationMs, pathMembers) => {
  const windows = []
  const rotations = []
  const during = (mean, make) => {
    for (let t = exponential(rng, mean); t < durationMs; t += exponential(rng, mean)) windows.push(make(t))
  }
  during(6 * HOUR, (start) => ({
    type: 'outage',
    kind: pick(rng, Object.keys(OUTAGE_ERRORS)),
    start,
    end: start + logUniform(rng, 2 * MINUTE, 3 * HOUR),
  }))
  during(1.5 * HOUR, (start) => ({
    type: 'burst',
    share: between(rng, 0.5, 0.95),
    start,
    end: start + logUniform(rng, 10_000, 10 * MINUTE),
  }))
  during(3 * HOUR, (start) => ({
    type: 'denied',
    names: [pick(rng, NAMES), ...(rng() < 0.3 ? [pick(rng, NAMES)] : [])],
    kms: rng() < 0.4,
    start,
    end: start + logUniform(rng, 5 * MINUTE, 2 * HOUR),
  }))
  during(4 * HOUR, (start) => ({
    type: 'deleted',
    names: [pick(rng, NAMES)],
    start,
    end: start + logUniform(rng, 2 * MINUTE, 90 * MINUTE),
  }))
  const all = [...NAMES, ...pathMembers]
  for (let t = exponential(rng, 2 * MINUTE); t < durationMs; t += exponential(rng, 2 * MINUTE)) {
    rotations.push({ at: t, name: pick(rng, all) })
  }
  windows.sort((a, b) => a.start - b.start)
  return { windows, rotations }
}

/** The engine seeded with every parameter at version 1, and what each path holds. */
export const createEngine = (rng, now) => {
  const parameters = {}
  for (const name of NAMES) parameters[name] = versionedValue(name, 1)
  const members = {}
  for (const path of PATHS) {
    const count = 2 + Math.floor(rng() * 14)
    members[path] = Array.from({ length: count }, (_, i) => `${path}${i % 3 === 2 ? 'nested/' : ''}m${i}`)
    for (const name of members[path]) parameters[name] = versionedValue(name, 1)
  }
  return { engine: new ParameterEngine({ parameters, now }), members }
}

/**
 * The store's state at the current virtual time, and the client class bound to it. `send()` answers in a
 * microtask — never leaves a promise pending — and rethrows the engine's SsmServiceError as the SDK would.
 */
export const createWorld = (engine, rng) => {
  const world = {
    calls: 0,
    active: [],
    deleted: new Set(),
    /** What fails now for one of these names: outage, burst, denied, deleted (the worst first), or healthy. */
    situation(names) {
      let worst = 'healthy'
      for (const w of world.active) {
        if (w.type !== 'outage' && w.type !== 'burst' && !w.names.some((n) => names.has(n))) continue
        if (SEVERITY.indexOf(w.type) < SEVERITY.indexOf(worst)) worst = w.type
      }
      return worst
    },
    failure(operation, input) {
      for (const w of world.active) {
        if (w.type === 'outage') return OUTAGE_ERRORS[w.kind]()
        if (w.type === 'burst' && rng() < w.share) return OUTAGE_ERRORS.throttle()
        if (w.type === 'denied' && operation === 'GetParameters') {
          // AWS authorizes a GetParameters call as a whole: one denied name denies the batch.
          const names = (input.Names ?? []).map((n) => n.replace(/:.*$/, ''))
          if (names.some((n) => w.names.includes(n))) return denied(operation, w.kms)
        }
      }
      return undefined
    },
  }
  class InProcessSsmClient {
    constructor(config) {
      // The middleware's SSMClient configuration (request handler timeouts): no wire here to apply it to.
      this.config = config
    }
    async send(command, options) {
      const operation = command.constructor.name.replace(/Command$/, '')
      world.calls++
      await null
      if (options?.abortSignal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' })
      const failure = world.failure(operation, command.input)
      if (failure) throw failure
      try {
        return engine.handle(operation, command.input)
      } catch (error) {
        if (error instanceof SsmServiceError) throw awsError(error.name, error.message, error.statusCode)
        throw error
      }
    }
  }
  world.Client = InProcessSsmClient
  return world
}
