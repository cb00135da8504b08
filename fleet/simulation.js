/**
 * A discrete-event simulation of a Lambda fleet reading Parameter Store through middy-secrets.
 *
 * Every container runs the package's own middleware (`secrets()` from 'middy-secrets', i.e. ./dist), with
 * a virtual clock and an in-process AwsClient whose `send()` the simulator settles at the right virtual
 * time. Nothing of the refresh policy is re-implemented here: jitter, the first-refresh spread, single
 * flight, backoff and the ladder are the middleware's. The simulator models only what surrounds it:
 * invocations (a Poisson process per container), containers starting over the deploy ramp and being
 * recycled, the store's quota (a token bucket shared by the fleet), its latency, a rotation, and the SDK's
 * standard retry strategy inside `send()` (./retry.js).
 */
import { secrets } from 'middy-secrets'
import { MIN_LEAD } from '../dist-internal/policy.js'
import { EventQueue } from './queue.js'
import { exponential, prng } from './random.js'
import { RetryQuota, retryDelay, STANDARD } from './retry.js'
import { Store } from './store.js'

/** Units as the CLI flags: seconds unless named otherwise. */
export const defaults = Object.freeze({
  containers: 1000,
  params: 20,
  /** cacheExpiry, s */
  expiry: 300,
  jitter: 0.1,
  /** store calls per second for the whole account (Infinity: unlimited, to measure demand) */
  quota: 40,
  /** s over which the deploy's containers start */
  ramp: 10,
  /** invocations per second per container */
  rate: 0.2,
  hours: 2,
  /** store latency, ms */
  latency: 20,
  /** mean container lifetime, s */
  lifetime: 3600,
  /** when the first parameter gets a new value, s */
  rotateAt: 1800,
  seed: 1,
  /** 'on' (the package as it is), 'off' (emulated with jitter 0: no spread at all), 'narrow' (see below) */
  firstSpread: 'on',
  /** fixed per-container timers: jitter 0 */
  fixed: false,
  /** set each key's deploy-time environment variable, so fallbackToEnv has a value */
  envFallback: true,
  /** the middleware's fetchTimeout, ms */
  fetchTimeout: 2000,
  /** the SDK's maxAttempts */
  maxAttempts: STANDARD.maxAttempts,
  /** ms between a container's start and its first invocation (Lambda's init phase) */
  init: 150,
  /** compare the simulator's bookkeeping with mw.stats() on every n-th served invocation (0: never) */
  check: 0,
})

const START = 0
const INVOKE = 1
const RECYCLE = 2
const REPLY = 3
const RETRY = 4
const DEADLINE = 5
const ROTATE = 6

/** Rungs as small numbers; 'pending' (never served yet) counts as fresh. */
const RUNG = { fresh: 0, pending: 0, stale: 1, env: 2, missing: 3 }
const RUNG_NAMES = ['fresh', 'stale', 'env', 'missing']

const pad = (i) => String(i).padStart(2, '0')
/** The fetchData key and parameter name of parameter i. Parameter 0 is the one rotated. */
export const keyOf = (i) => `FLEET_P${pad(i)}`
export const nameOf = (i) => `/fleet/p${pad(i)}`

const EVENT = Object.freeze({})
const REMAINING = () => 3000

const checkOptions = (o) => {
  const positive = ['containers', 'params', 'expiry', 'quota', 'rate', 'hours', 'lifetime', 'fetchTimeout']
  for (const name of positive) {
    if (typeof o[name] !== 'number' || !(o[name] > 0)) throw new Error(`fleet: ${name} must be a number above 0`)
  }
  for (const name of ['ramp', 'latency', 'rotateAt', 'init', 'check']) {
    if (typeof o[name] !== 'number' || !(o[name] >= 0)) throw new Error(`fleet: ${name} must be a number, 0 or more`)
  }
  if (!(o.jitter >= 0 && o.jitter <= 1)) throw new Error('fleet: jitter must be from 0 to 1')
  if (!['on', 'off', 'narrow'].includes(o.firstSpread)) throw new Error('fleet: firstSpread must be on, off or narrow')
  if (!Number.isInteger(o.containers) || !Number.isInteger(o.params)) {
    throw new Error('fleet: containers and params must be integers')
  }
  if (!(o.maxAttempts >= 1)) throw new Error('fleet: maxAttempts must be 1 or more')
}

const percentile = (sorted, p) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

/**
 * Runs one scenario. Returns its figures (docs/fleet.md says what each means) and the per-second call counts.
 * Deterministic for a given seed: no wall-clock time or Math.random reaches the outcome.
 *
 * @param {Partial<typeof defaults>} input
 */
export async function simulate(input = {}) {
  const o = { ...defaults, ...input }
  checkOptions(o)
  const wallStart = performance.now()
  const notes = []
  const jitter = o.fixed || o.firstSpread === 'off' ? 0 : o.jitter
  if (o.firstSpread === 'off' && !o.fixed) {
    notes.push(
      'first spread off: the package has no switch for the first-refresh spread alone, so this run uses jitter 0 — no spread at all, the same as --fixed.',
    )
  }
  // 'narrow': keep the jitter, and make the first refresh after a cold start as narrow as later ones, through
  // the injected clock: the first random() an instance draws after a round's calls settle is the one
  // Refresher.settle() turns into the next refresh point (the backoff draws after it); for a round that
  // brings keys their first value it is mapped so that the point lands where jitter alone would put it.
  const narrow = o.firstSpread === 'narrow' && jitter > 0 && !o.fixed
  const narrowFactor = narrow ? jitter / Math.min(0.5, 5 * jitter) : 1
  if (narrow) {
    notes.push(
      `first spread narrow: jitter ${jitter} on every refresh, the first one included (emulated through the clock: the first cycle's random draw remapped to a spread ${narrowFactor.toFixed(2)} × as wide).`,
    )
  }
  if (o.ramp === 0) {
    notes.push(
      'ramp 0: every container starts cold at the same instant (provisioned concurrency, or a burst within Lambda’s 1,000 new environments per 10 s).',
    )
  } else if (o.containers / o.ramp > 100) {
    notes.push(
      `Lambda adds at most 1,000 environments per 10 s when scaling out; starting ${o.containers} over ${o.ramp} s needs provisioned concurrency or a pre-warmed fleet.`,
    )
  }

  const expiryMs = o.expiry * 1000
  const endMs = Math.round(o.hours * 3_600_000)
  const seconds = Math.ceil(endMs / 1000)
  const P = o.params
  const keys = Array.from({ length: P }, (_, i) => keyOf(i))
  const names = Array.from({ length: P }, (_, i) => nameOf(i))
  const keyIndex = new Map(keys.map((key, i) => [key, i]))
  const nameIndex = new Map(names.map((name, i) => [name, i]))
  const fetchData = Object.fromEntries(keys.map((key, i) => [key, names[i]]))
  const ROTATED = keys[0]
  const store = new Store({ names, quota: o.quota, seconds })
  const originalValue = store.values.get(names[0]).Value

  // Separate streams: the fleet's arrivals and lifetimes do not depend on how often the middleware draws.
  const fleetRandom = prng(o.seed)
  const middlewareRandom = prng((o.seed ^ 0x9e3779b9) >>> 0)
  const sdkRandom = prng((o.seed ^ 0x85ebca6b) >>> 0)
  const queue = new EventQueue()
  let now = 0
  let needDrain = false
  const meanGapMs = 1000 / o.rate
  const lifetimeMs = o.lifetime * 1000

  // Figures.
  let invocations = 0
  let failed = 0
  let waited = 0
  const failures = {}
  const latencies = []
  const byRung = { fresh: 0, stale: 0, env: 0 }
  const keyServings = { fresh: 0, stale: 0, env: 0 }
  let maxAge = 0
  let maxAgeAt = 0
  let degradedEvents = 0
  let recoveredEvents = 0
  let unavailableEvents = 0
  let rounds = 0
  // Start times of refresh rounds (warm containers) and of invocations that waited, to count them by window.
  const refreshRoundStarts = []
  const waitStarts = []
  let roundsTimedOut = 0
  let strays = 0
  const firstRefresh = []
  let retries = 0
  let retriesRefused = 0
  let narrowMixed = 0
  let recycled = 0
  const rotation = {
    atMs: o.rotateAt * 1000 < endMs ? o.rotateAt * 1000 : undefined,
    value: undefined,
    watched: 0,
    seen: 0,
    maxUnseenMs: 0,
    lastOldServedMs: undefined,
    oldServedLate: 0,
    diedUnseen: 0,
  }
  const checks = { samples: 0, mismatches: 0, first: [] }
  let served = 0

  // Deploy-time environment variables: the ladder's third rung.
  const savedEnv = keys.map((key) => process.env[key])
  for (let i = 0; i < P; i++) {
    if (o.envFallback) process.env[keys[i]] = store.values.get(names[i]).Value
    else delete process.env[keys[i]]
  }

  const throttlingError = () => ({
    name: 'ThrottlingException',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  })
  const timeoutError = () => ({ name: 'TimeoutError', message: 'fetchTimeout passed (virtual time)' })

  /**
   * A round's calls are released together when the last one ends: fetch() awaits them all anyway, so this
   * changes nothing the middleware can see — except at the deadline, where, as the middleware's own
   * fetchTimeout timer does, the round ends: the calls that had returned keep their answers, the others
   * time out.
   */
  const release = (round, timedOut) => {
    round.closed = true
    const c = round.c
    c.releasedAt = now
    if (narrow) {
      c.cycleNext = true
      c.cycleFirst = false
      let known = false
      for (const call of round.calls) {
        for (const name of call.names) {
          if (Number.isNaN(c.fetchedAt[nameIndex.get(name)])) c.cycleFirst = true
          else known = true
        }
      }
      if (c.cycleFirst && known) narrowMixed++
    }
    for (const call of round.calls) {
      if (timedOut && !call.finished) call.reject(timeoutError())
      else if (call.error) call.reject(call.error)
      else call.resolve(call.answer)
    }
    needDrain = true
  }

  const finish = (call, error) => {
    call.finished = true
    call.error = error
    if (--call.round.pending === 0) release(call.round, false)
  }

  const attempt = (call) => {
    call.ok = store.admit(now, call.cold)
    if (call.ok) call.answer = store.getParameters(call.names)
    call.event.type = REPLY
    queue.push(call.event, now + o.latency)
  }

  const send = (client, command) => {
    const names = command?.input?.Names
    if (!Array.isArray(names)) return Promise.reject(new Error('fleet: only GetParameters is modelled'))
    const c = client.c
    c.sends++
    let cold = false
    for (const name of names) if (Number.isNaN(c.fetchedAt[nameIndex.get(name)])) cold = true
    let round = c.sendRound
    if (round === undefined || round.closed || round.start !== now) {
      round = { c, start: now, closed: false, pending: 0, calls: [], event: { type: DEADLINE, round: undefined } }
      round.event.round = round
      c.sendRound = round
      rounds++
      if (!cold) refreshRoundStarts.push(now)
      queue.push(round.event, now + o.fetchTimeout)
    }
    if (!cold && c.firstRefreshAt === undefined) {
      c.firstRefreshAt = now
      if (c.firstFetchAt !== undefined) firstRefresh.push((now - c.firstFetchAt) / expiryMs)
    }
    return new Promise((resolve, reject) => {
      const call = { client, round, names, cold, resolve, reject, ok: false, answer: undefined, error: undefined }
      call.retries = 0
      call.retryCost = 0
      call.event = { type: REPLY, call }
      round.calls.push(call)
      round.pending++
      attempt(call)
    })
  }

  /** The AwsClient the middleware constructs (once per container, on its first fetch). */
  class SimClient {
    constructor(config) {
      this.c = config.fleetContainer
      this.maxAttempts = config.maxAttempts ?? STANDARD.maxAttempts
      this.quota = new RetryQuota()
    }

    send(command) {
      return send(this, command)
    }
  }

  const onFetched = (c, event) => {
    // A round settles only when the simulator releases its calls; otherwise a real timer fired (the run was
    // too slow for the middleware's real fetchTimeout timer) and the figures are not to be trusted.
    if (now !== c.releasedAt) strays++
    const start = c.sendRound.start
    if (c.firstFetchAt === undefined && event.failed.length === 0 && event.keys.length === P) c.firstFetchAt = start
    const failedKeys = event.failed
    for (const key of event.keys) {
      if (failedKeys.length > 0 && failedKeys.includes(key)) continue
      const i = keyIndex.get(key)
      if (Number.isNaN(c.fetchedAt[i])) c.fetched++
      c.fetchedAt[i] = start
    }
    let oldest = Number.POSITIVE_INFINITY
    for (let i = 0; i < P; i++) if (c.fetchedAt[i] < oldest) oldest = c.fetchedAt[i]
    c.oldest = oldest
    if (c.fetched === P && c.readyAt === undefined) c.readyAt = now
  }

  const onRung = (c, event) => {
    if (event.event === 'degraded') degradedEvents++
    else if (event.event === 'recovered') recoveredEvents++
    else return
    const i = keyIndex.get(event.key)
    const before = c.rung[i]
    const after = RUNG[event.rung]
    if (before === 1) c.nStale--
    else if (before === 2) c.nEnv--
    else if (before === 3) c.nMissing--
    if (after === 1) c.nStale++
    else if (after === 2) c.nEnv++
    else if (after === 3) c.nMissing++
    c.rung[i] = after
  }

  const crossCheck = (c, t) => {
    checks.samples++
    const stats = c.mw.stats()
    const problems = []
    if (stats.storeCalls !== c.sends) problems.push(`storeCalls ${stats.storeCalls} vs ${c.sends} sends`)
    for (let i = 0; i < P; i++) {
      const k = stats.keys[keys[i]]
      if (RUNG[k.rung] !== c.rung[i]) problems.push(`${keys[i]} rung ${k.rung} vs ${RUNG_NAMES[c.rung[i]]}`)
      if (k.ageMs !== undefined && k.ageMs !== t - c.fetchedAt[i]) {
        problems.push(`${keys[i]} age ${k.ageMs} vs ${t - c.fetchedAt[i]}`)
      }
    }
    if (problems.length > 0) {
      checks.mismatches++
      if (checks.first.length < 5) checks.first.push(`container ${c.id} at ${t} ms: ${problems.join('; ')}`)
    }
  }

  const onServed = (c, request, start, end) => {
    served++
    if (end > start) latencies.push(end - start)
    if (c.nEnv > 0) byRung.env++
    else if (c.nStale > 0) byRung.stale++
    else byRung.fresh++
    keyServings.fresh += P - c.nStale - c.nEnv - c.nMissing
    keyServings.stale += c.nStale
    keyServings.env += c.nEnv
    if (c.fetched > 0 && end - c.oldest > maxAge) {
      maxAge = end - c.oldest
      maxAgeAt = end
    }
    if (c.watch) {
      if (request.context[ROTATED] === rotation.value) {
        c.watch = false
        rotation.seen++
        if (end - rotation.atMs > rotation.maxUnseenMs) rotation.maxUnseenMs = end - rotation.atMs
      } else {
        rotation.lastOldServedMs = end
        if (end > rotation.atMs + expiryMs + o.fetchTimeout) rotation.oldServedLate++
      }
    }
    if (o.check > 0 && served % o.check === 0) crossCheck(c, end)
  }

  const onFailed = (error) => {
    failed++
    const code = error?.code ?? error?.name ?? 'unknown'
    failures[code] = (failures[code] ?? 0) + 1
  }

  const invoke = (c) => {
    invocations++
    const request = { event: EVENT, context: { getRemainingTimeInMillis: REMAINING }, internal: {} }
    let out
    try {
      out = c.mw.before(request)
    } catch (error) {
      onFailed(error)
      return
    }
    if (out === undefined) onServed(c, request, now, now)
    else {
      waited++
      waitStarts.push(now)
      const start = now
      out.then(
        () => onServed(c, request, start, now),
        (error) => onFailed(error),
      )
    }
  }

  const containers = []
  const startContainer = (initial) => {
    const c = {
      id: containers.length,
      initial,
      alive: true,
      startedAt: now,
      mw: undefined,
      invokeEvent: { type: INVOKE, c: undefined },
      rung: new Uint8Array(P),
      nStale: 0,
      nEnv: 0,
      nMissing: 0,
      fetchedAt: new Float64Array(P).fill(Number.NaN),
      fetched: 0,
      oldest: Number.POSITIVE_INFINITY,
      readyAt: undefined,
      sendRound: undefined,
      sends: 0,
      firstFetchAt: undefined,
      firstRefreshAt: undefined,
      releasedAt: undefined,
      cycleNext: false,
      cycleFirst: false,
      watch: false,
    }
    c.invokeEvent.c = c
    containers.push(c)
    const clock = {
      now: () => now,
      random: narrow
        ? () => {
            const r = middlewareRandom()
            if (!c.cycleNext) return r
            c.cycleNext = false
            if (!c.cycleFirst) return r
            // The draw whose point, u = MIN_LEAD + (1 − MIN_LEAD) × r', matches jitter × u(r) under the first spread;
            // below MIN_LEAD of the first spread it cannot go, so the earliest narrow points bunch there.
            return Math.max(0, (narrowFactor * (MIN_LEAD + (1 - MIN_LEAD) * r) - MIN_LEAD) / (1 - MIN_LEAD))
          }
        : middlewareRandom,
    }
    const logger = {
      debug: (_message, event) => {
        if (event.event === 'fetched') onFetched(c, event)
      },
      warn: (_message, event) => onRung(c, event),
      // A recovery is logged at info.
      info: (_message, event) => onRung(c, event),
      error: (_message, event) => {
        if (event.event === 'unavailable') unavailableEvents++
      },
    }
    c.mw = secrets({
      fetchData,
      cacheExpiry: expiryMs,
      jitter,
      fetchTimeout: o.fetchTimeout,
      fallbackToEnv: true,
      clock,
      logger,
      AwsClient: SimClient,
      awsClientOptions: { fleetContainer: c, maxAttempts: o.maxAttempts },
    })
    const first = now + o.init
    if (first < endMs) queue.push(c.invokeEvent, first)
    const diesAt = now + exponential(fleetRandom, lifetimeMs)
    if (diesAt < endMs) queue.push({ type: RECYCLE, c }, diesAt)
  }

  for (let i = 0; i < o.containers; i++) queue.push({ type: START }, fleetRandom() * o.ramp * 1000)
  if (rotation.atMs !== undefined) queue.push({ type: ROTATE }, rotation.atMs)

  const drain = () => new Promise(setImmediate)

  // middy-secrets loads a store's code and SDK on the first fetch of a map that names it (dynamic imports, in
  // real time): load them once before virtual time starts, so that every container's rounds start at their
  // virtual time. After this the loaded modules are handed to each new instance without waiting.
  const warmUp = secrets({
    fetchData: { WARM_UP: '/fleet/warm-up' },
    AwsClient: class {
      send = async () => ({ Parameters: [{ Name: '/fleet/warm-up', Value: 'fake' }] })
    },
    logger: {},
  })
  await warmUp.before({ event: {}, context: { getRemainingTimeInMillis: () => 10_000 }, internal: {} })

  try {
    while (queue.size > 0) {
      const event = queue.pop()
      now = event.t
      switch (event.type) {
        case INVOKE: {
          const c = event.c
          if (!c.alive) break
          invoke(c)
          const next = now + exponential(fleetRandom, meanGapMs)
          if (next < endMs) queue.push(event, next)
          break
        }
        case REPLY: {
          const call = event.call
          if (call.round.closed) break
          if (call.ok) {
            call.client.quota.success(call.retryCost)
            finish(call, undefined)
            break
          }
          const cost = call.retries + 1 < call.client.maxAttempts ? call.client.quota.take(true) : 0
          if (cost === 0) {
            if (call.retries + 1 < call.client.maxAttempts) retriesRefused++
            finish(call, throttlingError())
            break
          }
          retries++
          const delay = retryDelay(call.retries, true, sdkRandom)
          call.retries++
          call.retryCost = cost
          call.event.type = RETRY
          queue.push(call.event, now + delay)
          break
        }
        case RETRY:
          if (!event.call.round.closed) attempt(event.call)
          break
        case DEADLINE:
          if (!event.round.closed) {
            roundsTimedOut++
            release(event.round, true)
          }
          break
        case START:
          startContainer(true)
          break
        case RECYCLE: {
          const c = event.c
          c.alive = false
          recycled++
          if (c.watch) rotation.diedUnseen++
          c.watch = false
          startContainer(false)
          break
        }
        case ROTATE:
          rotation.value = store.rotate(names[0])
          for (const c of containers) {
            if (!c.alive) continue
            c.watch = true
            rotation.watched++
          }
          break
      }
      if (needDrain) {
        needDrain = false
        // Let the middleware's continuations (and any invocation waiting on this round) run now, at this
        // virtual time, before the next event.
        await drain()
      }
    }
    await drain()
  } finally {
    keys.forEach((key, i) => {
      if (savedEnv[i] === undefined) delete process.env[key]
      else process.env[key] = savedEnv[i]
    })
  }

  if (strays > 0) {
    notes.push(
      `${strays} rounds settled on the middleware's real fetchTimeout timer instead of virtual time (the run was too slow for it): these figures are not to be trusted.`,
    )
  }

  // Figures from the per-second counts.
  const calls = store.calls
  // "After the first cycle": once every container of the deploy that is still alive has refreshed once (and
  // that refresh's retries are over), so the first refresh wave — fixed timers' worst — is not counted in it.
  let lastFirstRefresh = Math.ceil(o.ramp + o.expiry) * 1000
  for (const c of containers) {
    if (!c.initial) continue
    if (c.firstRefreshAt !== undefined) lastFirstRefresh = Math.max(lastFirstRefresh, c.firstRefreshAt)
    else if (c.alive) lastFirstRefresh = Number.POSITIVE_INFINITY
  }
  const steadyFrom = Math.min(seconds, Math.ceil((lastFirstRefresh + o.fetchTimeout) / 1000))
  const steadyFromMs = steadyFrom * 1000
  const countFrom = (times) => times.reduce((n, t) => (t >= steadyFromMs ? n + 1 : n), 0)
  const refresh = calls.map((n, s) => n - store.cold[s])
  const windowFigures = (from, to, series = calls) => {
    let peak = 0
    let peakAt = from
    let sum = 0
    let above = 0
    let throttled = 0
    for (let s = from; s < to; s++) {
      const n = series[s]
      sum += n
      if (n > peak) {
        peak = n
        peakAt = s
      }
      if (n > o.quota) above++
      throttled += store.throttled[s]
    }
    return { from, to, peak, peakAt, mean: to > from ? sum / (to - from) : 0, secondsAboveQuota: above, throttled }
  }
  const initial = containers.filter((c) => c.initial)
  const ready = initial.filter((c) => c.readyAt !== undefined).map((c) => c.readyAt)
  ready.sort((a, b) => a - b)
  // A container recycled before it held every value no longer needs to; one still alive at the end does.
  const notReady = initial.filter((c) => c.readyAt === undefined && c.alive).length
  const recycledBeforeReady = initial.filter((c) => c.readyAt === undefined && !c.alive).length
  latencies.sort((a, b) => a - b)
  firstRefresh.sort((a, b) => a - b)

  return {
    options: { ...o, jitter, jitterAsked: o.jitter },
    notes,
    seconds,
    steadyFrom,
    perSecond: { calls, throttled: store.throttled, cold: store.cold, refresh },
    calls: {
      total: store.totalCalls,
      throttled: store.totalThrottled,
      all: windowFigures(0, seconds),
      steady: windowFigures(steadyFrom, seconds),
      // Calls of warm containers refreshing, whole run: what jitter and the first-refresh spread shape.
      refresh: windowFigures(0, seconds, refresh),
      cold: store.cold.reduce((a, b) => a + b, 0),
      rounds,
      // Rounds of warm containers refreshing, started after the first cycle.
      steadyRefreshRounds: countFrom(refreshRoundStarts),
      roundsTimedOut,
      // Calls the store answered with values inside a round that then timed out: the middleware drops them.
      retries,
      retriesRefused,
    },
    invocations: {
      total: invocations,
      failed,
      failures,
      waited,
      // Of those, invocations that started after the first cycle (t ≥ ramp + cacheExpiry).
      waitedSteady: countFrom(waitStarts),
      byRung,
      keyServings,
      latencyMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.length > 0 ? latencies[latencies.length - 1] : 0,
      },
    },
    deploy: {
      containers: initial.length,
      // From the deploy's start (t = 0) until every container it started held a store value for every key.
      allReadyMs: notReady === 0 && ready.length > 0 ? ready[ready.length - 1] : undefined,
      medianReadyMs: percentile(ready, 50),
      notReady,
      recycledBeforeReady,
    },
    rotation,
    staleness: { maxAgeMs: maxAge, atMs: maxAgeAt },
    containers: { started: containers.length, recycled },
    events: { degraded: degradedEvents, recovered: recoveredEvents, unavailable: unavailableEvents },
    // (first refresh − first fetch) / cacheExpiry, for containers whose first round fetched every key.
    firstRefresh: {
      containers: firstRefresh.length,
      min: firstRefresh[0],
      p50: percentile(firstRefresh, 50),
      max: firstRefresh[firstRefresh.length - 1],
    },
    narrowMixedRounds: narrowMixed,
    checks: { ...checks, strays },
    originalValue,
    wallMs: performance.now() - wallStart,
  }
}
