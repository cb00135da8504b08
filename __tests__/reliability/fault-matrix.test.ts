/**
 * Every fault the store can throw at us, at every moment of a key's life, through the real SSMClient to the
 * embedded store. For each: which rung served each key, that an invocation with a fallback never failed, the
 * SecretsError when there was none (every missing key and parameter, each with its reason), the store calls
 * made, and that a wait is bounded by fetchTimeout (structurally: the invocation returned on a lower rung with
 * the reason timed_out — never a wall-clock assert).
 *
 * Two instances read the same parameters: `covered` has a deploy-time variable for every key (its invocations
 * must never fail), `bare` has none (it fails exactly when neither a fresh nor a stale value exists).
 */

import type { FaultKind, LocalParameterStore } from 'middy-secrets-local'
import type { Reason } from '../../src/errors.js'
import { secrets } from '../../src/index.js'
import { manualClock, recordingLogger, useStore } from '../support/harness.js'
import {
  BACKOFF_BASE,
  BACKOFF_CAP,
  backoffAttempts,
  EXPIRY,
  envValue,
  type Instance,
  invoke,
  JITTER,
  OUTAGE,
  R_OUTAGE,
  STALE_IF_ERROR,
  STEP,
  expectServed as servedFrom,
  type Want,
} from '../support/matrix.js'

const s = useStore()

interface Case {
  /** The keys (by index) the fault keeps from the store. */
  affected: readonly number[]
  reason: Reason
  size: number
  /** Keys read through a label selector (`:live`). */
  labelled?: readonly number[]
  /** Not found is the store's answer, not a fault: checked again on the normal schedule, no backoff. */
  answer?: boolean
  /** AWS denies a whole batch for one name: at first every key of it fails, then the batch is split. */
  split?: boolean
  fetchTimeout?: number
  inject(w: World): void
  heal(w: World): void
}

const kind = (fault: FaultKind, reason: Reason, fetchTimeout?: number): Case => ({
  affected: [0, 1, 2],
  reason,
  size: 3,
  ...(fetchTimeout ? { fetchTimeout } : {}),
  inject: (w) => w.store.fault({ kind: fault, names: [...w.names] }),
  heal: (w) => w.store.clearFaults(),
})

const deleting = (size: number, affected: number[], labelled: number[] = []): Case => ({
  affected,
  labelled,
  reason: 'not_found',
  size,
  answer: true,
  inject: (w) => {
    for (const i of affected) if (w.store.engine.resolve(w.names[i]!)) w.store.delete(w.names[i]!)
  },
  heal: (w) => {
    for (const i of affected) w.create(i, `r${i}`)
  },
})

const CASES: Record<string, Case> = {
  throttling: kind('throttle', 'throttled'),
  'HTTP 500': kind('server-error', 'store_error'),
  // Under jest the SDK hands the socket error over wrapped, nameless: see the last describe for a Lambda's view.
  'connection reset': kind('reset', 'unreachable'),
  'hung connection': kind('hang', 'timed_out', 200),
  'malformed body': kind('malformed', 'invalid_response'),
  'truncated body': kind('truncated', 'invalid_response'),
  AccessDeniedException: kind('access-denied', 'access_denied'),
  'KMS decryption error': kind('kms-denied', 'kms_denied'),
  'parameter deleted between refreshes': deleting(3, [2]),
  // 12 names: two GetParameters calls, an invalid name in each, one of them asked for by label.
  'partially failing batch': deleting(12, [3, 7, 10], [7]),
  'batch denied because of one name': {
    affected: [2],
    reason: 'access_denied',
    size: 3,
    split: true,
    inject: (w) => w.store.fault({ kind: 'access-denied', names: [w.names[2]!] }),
    heal: (w) => w.store.clearFaults(),
  },
}

interface World {
  store: LocalParameterStore
  names: readonly string[]
  refs: readonly string[]
  batches: number
  create(i: number, value: string): void
}

const MAX_SIZE = Math.max(...Object.values(CASES).map((c) => c.size))
const coveredKey = (i: number) => `FMC_${i}`
const bareKey = (i: number) => `FMB_${i}`

beforeAll(() => {
  for (let i = 0; i < MAX_SIZE; i++) {
    process.env[coveredKey(i)] = envValue(i)
    delete process.env[bareKey(i)]
  }
})
afterAll(() => {
  for (let i = 0; i < MAX_SIZE; i++) delete process.env[coveredKey(i)]
})

let worlds = 0

const setup = (c: Case, moment: string) => {
  const clock = manualClock()
  // Each test reads its own parameters: fault rules are scoped to them.
  const base = `/fm/${++worlds}/${moment}`
  const names = Array.from({ length: c.size }, (_, i) => `${base}/k${i}`)
  const w: World = {
    store: s.store,
    names,
    refs: names.map((name, i) => (c.labelled?.includes(i) ? `${name}:live` : name)),
    batches: Math.ceil(c.size / 10),
    create(i, value) {
      const version = s.store.put(names[i]!, value)
      if (c.labelled?.includes(i)) s.store.label(names[i]!, version, ['live'])
    },
  }
  for (let i = 0; i < c.size; i++) w.create(i, `s${i}`)
  const instance = (covered: boolean): Instance => {
    const keys = names.map((_, i) => (covered ? coveredKey(i) : bareKey(i)))
    const logger = recordingLogger()
    const mw = secrets({
      fetchData: Object.fromEntries(keys.map((key, i) => [key, w.refs[i]!])),
      awsClientOptions: s.clientOptions,
      cacheExpiry: EXPIRY,
      staleIfError: STALE_IF_ERROR,
      jitter: JITTER,
      fetchTimeout: c.fetchTimeout ?? 1_000,
      clock,
      logger,
    })
    return { covered, keys, mw, logger, good: names.map((_, i) => `s${i}`) }
  }
  return { clock, w, instance }
}

const expectServed = (w: World, ...rest: Parameters<typeof servedFrom> extends [unknown, ...infer R] ? R : never) =>
  servedFrom(w.names, ...rest)

/** Keys for which `isDown` holds are served from `rung` with `reason` recorded; the others fresh, no reason. */
const down = (isDown: (i: number) => boolean, rung: Want, reason: Reason) =>
  [(i: number): Want => (isDown(i) ? rung : 'fresh'), (i: number) => (isDown(i) ? reason : undefined)] as const

const ALL_FRESH = down(() => false, 'fresh', 'not_found')

/** The keys the first failing round takes down: a batch denied for one name takes down all of it. */
const firstHit = (c: Case) => (i: number) => c.split === true || c.affected.includes(i)
const hit = (c: Case) => (i: number) => c.affected.includes(i)
/** A batch denied (IAM or KMS) is split: its names are asked for one per call until each succeeds. */
const alone = (c: Case) => c.reason === 'access_denied' || c.reason === 'kms_denied'

/** GetParameters requests the store received for these names. */
const requestsFor = (w: World) =>
  s.store.requests.filter(
    (r) =>
      r.operation === 'GetParameters' &&
      ((r.input as { Names?: string[] }).Names ?? []).some((n) => w.names.includes(n.replace(/:live$/, ''))),
  )

/** The store saw exactly the calls the two instances say they made. */
const expectCallsSeen = (w: World, instances: Instance[]) => {
  expect(requestsFor(w)).toHaveLength(instances.reduce((sum, inst) => sum + inst.mw.stats().storeCalls, 0))
}

/** After a split, each name of the batch went alone: one GetParameters per name. */
const expectSplit = (w: World, since: number) => {
  const alone = requestsFor(w)
    .slice(since)
    .map((r) => (r.input as { Names: string[] }).Names)
  expect(alone.every((names) => names.length === 1)).toBe(true)
  expect(new Set(alone.flat())).toEqual(new Set(w.refs))
}

/** Rounds on the normal schedule within `duration`: one per jittered refresh point at the earliest. */
const scheduledRounds = (duration: number) => Math.floor(duration / (EXPIRY * (1 - JITTER))) + 1

const MOMENTS = {
  /** The fault is there from the start: the prefetch fails; the first invocation awaits that same fetch. */
  'cold start': async (c: Case) => {
    const { w, clock, instance } = setup(c, 'cold')
    c.inject(w)
    const insts = [instance(true), instance(false)]
    const first = firstHit(c)
    const outcomes = await Promise.all(insts.map(invoke))
    insts.forEach((inst, n) => {
      const o = outcomes[n]!
      expect(o.waited).toBe(true)
      expectServed(w, inst, o, ...down(first, 'fallback', c.reason))
      expect(o.stats.storeCalls).toBe(w.batches)
    })
    // At once again: nobody waits on the failing store, and nothing is asked of it (backoff or schedule).
    for (const inst of insts) {
      const again = await invoke(inst)
      expect(again.waited).toBe(false)
      expectServed(w, inst, again, ...down(first, 'fallback', c.reason))
      expect(again.stats.storeCalls).toBe(w.batches)
    }
    if (c.split) {
      // Past the first backoff the batch goes out one name per call: the other names recover.
      clock.advance(BACKOFF_BASE)
      const since = requestsFor(w).length
      const [covered, bare] = insts as [Instance, Instance]
      const during = await invoke(covered)
      expect(during.waited).toBe(false)
      const after = await invoke(covered)
      expectServed(w, covered, after, ...down(hit(c), 'fallback', c.reason))
      const recovered = await invoke(bare)
      expect(recovered.waited).toBe(true)
      expectServed(w, bare, recovered, ...down(hit(c), 'fallback', c.reason))
      expectSplit(w, since)
      for (const inst of insts) expect(inst.mw.stats().storeCalls).toBe(1 + c.size)
    }
    expectCallsSeen(w, insts)
  },

  /** Past the jittered refresh point, before expiry: one background refresh fails; nobody waits or notices. */
  'refresh near expiry': async (c: Case) => {
    const { w, clock, instance } = setup(c, 'near')
    const insts = [instance(true), instance(false)]
    await Promise.all(insts.map(invoke))
    c.inject(w)
    // The first refresh point after a cold start: 1 − min(0.5, 5 × jitter) × random(0.5) = 75 % of the expiry.
    clock.advance(0.8 * EXPIRY)
    for (const inst of insts) {
      const o = await invoke(inst)
      expect(o.waited).toBe(false)
      expectServed(w, inst, o, ...ALL_FRESH)
      expect(o.stats.keys[inst.keys[0]!]?.ageMs).toBe(0.8 * EXPIRY)
      const first = firstHit(c)
      const again = await invoke(inst)
      expect(again.waited).toBe(false)
      // The failure is recorded, the value still fresh until it expires.
      expectServed(w, inst, again, ...down(first, 'fresh', c.reason))
      expect(again.stats.storeCalls).toBe(2 * w.batches)
    }
    if (c.split) {
      clock.advance(BACKOFF_BASE)
      const since = requestsFor(w).length
      for (const inst of insts) {
        expect((await invoke(inst)).waited).toBe(false)
        const o = await invoke(inst)
        expectServed(w, inst, o, ...down(hit(c), 'fresh', c.reason))
        expect(o.stats.keys[inst.keys[0]!]?.ageMs).toBe(0)
        expect(o.stats.storeCalls).toBe(2 + c.size)
      }
      expectSplit(w, since)
    }
    expectCallsSeen(w, insts)
  },

  /** Expired with nothing in flight: the invocation waits (bounded) and falls back to the last good value. */
  'after expiry': async (c: Case) => {
    const { w, clock, instance } = setup(c, 'after')
    const insts = [instance(true), instance(false)]
    await Promise.all(insts.map(invoke))
    c.inject(w)
    clock.advance(EXPIRY)
    const first = firstHit(c)
    for (const inst of insts) {
      const o = await invoke(inst)
      expect(o.waited).toBe(true)
      expectServed(w, inst, o, ...down(first, 'stale', c.reason))
      const stale = inst.keys.findIndex((_, i) => first(i))
      expect(o.stats.keys[inst.keys[stale]!]?.ageMs).toBe(EXPIRY)
      expect(o.stats.storeCalls).toBe(2 * w.batches)
      // A key with a usable value never waits on the failing store again.
      const again = await invoke(inst)
      expect(again.waited).toBe(false)
      expectServed(w, inst, again, ...down(first, 'stale', c.reason))
      expect(again.stats.storeCalls).toBe(2 * w.batches)
    }
    if (c.split) {
      clock.advance(BACKOFF_BASE)
      const since = requestsFor(w).length
      for (const inst of insts) {
        expect((await invoke(inst)).waited).toBe(false)
        const o = await invoke(inst)
        expectServed(w, inst, o, ...down(hit(c), 'stale', c.reason))
        expect(o.stats.storeCalls).toBe(2 + c.size)
      }
      expectSplit(w, since)
    }
    expectCallsSeen(w, insts)
  },

  /**
   * Minutes of failure, an invocation every 5 s: fresh until expiry, stale for staleIfError, then the
   * deploy-time value (covered) or a SecretsError naming the keys (bare). Backoff keeps the calls few.
   */
  'during a long outage': async (c: Case) => {
    const { w, clock, instance } = setup(c, 'outage')
    const insts = [instance(true), instance(false)]
    await Promise.all(insts.map(invoke))
    const start = clock.now()
    c.inject(w)
    clock.r = R_OUTAGE
    const callsBefore = insts.map((inst) => inst.mw.stats().storeCalls)
    const sinceRequests = requestsFor(w).length
    let invocations = 0
    for (let t = STEP; t <= OUTAGE; t += STEP) {
      clock.advance(STEP)
      const outcomes = await Promise.all(insts.map(invoke))
      invocations++
      const now = clock.now() - start
      const affected: Want = now < EXPIRY ? 'fresh' : now < EXPIRY + STALE_IF_ERROR ? 'stale' : 'fallback'
      insts.forEach((inst, n) => {
        const o = outcomes[n]!
        const want = (i: number): Want => (hit(c)(i) ? affected : 'fresh')
        expectServed(w, inst, o, want, (i) => {
          if (want(i) !== 'fresh') return c.reason
          // Still fresh: the failure is recorded from the first failed refresh on, or not yet.
          const observed = o.stats.keys[inst.keys[i]!]?.reason as Reason | undefined
          expect([undefined, firstHit(c)(i) ? c.reason : undefined]).toContain(observed)
          return observed
        })
        for (const i of c.affected) {
          const key = o.stats.keys[inst.keys[i]!]
          if (key?.rung === 'stale') expect(key.ageMs).toBe(now)
        }
      })
    }
    // Backoff (or, for not-found, the normal schedule) holds the calls down: nowhere near one per invocation.
    const firstFailure = c.split ? EXPIRY * 0.75 : 0
    insts.forEach((inst, n) => {
      const calls = inst.mw.stats().storeCalls - callsBefore[n]!
      if (c.answer) {
        expect(calls).toBeLessThanOrEqual(w.batches * scheduledRounds(OUTAGE))
        expect(calls).toBeGreaterThanOrEqual(w.batches * Math.floor(OUTAGE / EXPIRY))
      } else if (!c.split) {
        // After a denied batch each of its names goes alone: every later attempt costs one call per name.
        const perAttempt = alone(c) ? c.size : w.batches
        expect(calls).toBeLessThanOrEqual(w.batches + (backoffAttempts(OUTAGE, R_OUTAGE) - 1) * perAttempt)
        // …and it keeps trying: at least once per longest backoff and invocation gap.
        expect(calls).toBeGreaterThanOrEqual(Math.floor(OUTAGE / (R_OUTAGE * BACKOFF_CAP + STEP)))
      }
      expect(calls).toBeLessThan(invocations / 2)
    })
    if (c.split) {
      // The denied name alone, on its own backoff; the others on the normal schedule.
      const denied = requestsFor(w)
        .slice(sinceRequests)
        .filter((r) => (r.input as { Names: string[] }).Names.includes(w.names[2]!))
      const perInstance = denied.length / insts.length
      const bound = backoffAttempts(OUTAGE - firstFailure, R_OUTAGE)
      // Its failures are consecutive: the other names' successful refreshes must not reset its backoff.
      expect(
        perInstance <= bound
          ? 'within the backoff'
          : `${perInstance} calls for the denied name in ${OUTAGE / 60_000} min; consecutive backoff allows ${bound}`,
      ).toBe('within the backoff')
    }
    expectCallsSeen(w, insts)
  },

  /** After a long outage the store comes back (with new values): every key returns to fresh. */
  'on recovery': async (c: Case) => {
    const { w, clock, instance } = setup(c, 'recovery')
    const insts = [instance(true), instance(false)]
    await Promise.all(insts.map(invoke))
    c.inject(w)
    clock.advance(EXPIRY + STALE_IF_ERROR)
    const first = firstHit(c)
    const outcomes = await Promise.all(insts.map(invoke))
    insts.forEach((inst, n) => {
      expect(outcomes[n]?.waited).toBe(true)
      expectServed(w, inst, outcomes[n]!, ...down(first, 'fallback', c.reason))
    })
    for (let i = 0; i < c.size; i++) w.create(i, `r${i}`)
    c.heal(w)
    const calls = insts.map((inst) => inst.mw.stats().storeCalls)
    // Past the backoff and the normal schedule's next check, within the unaffected keys' freshness.
    clock.advance(BACKOFF_CAP - 1_000)
    const perRound = alone(c) ? c.size : w.batches
    const [covered, bare] = insts as [Instance, Instance]
    // covered has a value for every key: it serves at once and the refresh lands in the background.
    const during = await invoke(covered)
    expect(during.waited).toBe(false)
    expectServed(w, covered, during, ...down(first, 'fallback', c.reason))
    covered.good = w.names.map((_, i) => `r${i}`)
    bare.good = w.names.map((_, i) => `r${i}`)
    const back = await invoke(covered)
    expect(back.waited).toBe(false)
    expectServed(w, covered, back, ...ALL_FRESH)
    const recovered = covered.logger.lines.filter((l) => l.event.event === 'recovered').map((l) => l.event.key)
    expect(recovered.sort()).toEqual(covered.keys.filter((_, i) => first(i)).sort())
    // bare has no value for the affected keys: it waits (bounded) and gets them.
    const waited = await invoke(bare)
    expect(waited.waited).toBe(true)
    expectServed(w, bare, waited, ...ALL_FRESH)
    insts.forEach((inst, n) => {
      expect(inst.mw.stats().storeCalls - calls[n]!).toBe(perRound)
    })
    expectCallsSeen(w, insts)
  },
} satisfies Record<string, (c: Case) => Promise<void>>

const MATRIX = Object.keys(CASES).flatMap((fault) => Object.keys(MOMENTS).map((moment) => [fault, moment] as const))

describe('fault × moment', () => {
  test.each(MATRIX)('%s, %s', async (fault, moment) => {
    await MOMENTS[moment as keyof typeof MOMENTS](CASES[fault]!)
  })
})

describe('a connection reset as a plain Node process sees it', () => {
  // Under jest the socket error comes from another realm and the SDK wraps it in a plain Error, so the matrix
  // above sees a nameless error. In a Lambda, @smithy/node-http-handler renames ECONNRESET and EPIPE errors
  // to TimeoutError (it counts them as transient): this is that error, raised where the HTTP handler raises it.
  test.each(['ECONNRESET', 'EPIPE'])('%s through the real SSMClient is unreachable, not timed_out', async (code) => {
    const reset = Object.assign(Object.assign(new Error(`read ${code}`), { code, syscall: 'read' }), {
      name: 'TimeoutError',
    })
    process.env.FMR_TOKEN = 'deploy-time'
    try {
      const logger = recordingLogger()
      const mw = secrets({
        fetchData: { FMR_TOKEN: '/fm/reset/token' },
        awsClientOptions: { ...s.clientOptions, requestHandler: { handle: () => Promise.reject(reset) } },
        logger,
        clock: manualClock(),
      })
      const o = await invoke({ covered: true, keys: ['FMR_TOKEN'], mw, logger, good: [] })
      expect(o.values.FMR_TOKEN).toBe('deploy-time')
      expect(o.stats.keys.FMR_TOKEN).toMatchObject({ rung: 'env', reason: 'unreachable' })
    } finally {
      delete process.env.FMR_TOKEN
    }
  })
})
