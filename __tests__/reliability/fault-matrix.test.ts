/**
 * Every fault a store can throw at us, at every moment of a key's life, through the real SDK clients to the
 * local store — for each store: Parameter Store, Secrets Manager one GetSecretValue per secret, Secrets
 * Manager with BatchGetSecretValue, and AppConfig. For each: which rung served each key with what value, that an invocation
 * with a fallback never failed, the SecretsError when there was none, that nobody waits on a failing store
 * twice, and that the store saw exactly the calls the instances counted.
 *
 * The policy itself (backoff, schedules, invalidation, budgets) is tested on fake time in __tests__/core; this
 * matrix is about the wire: each fault reaches the ladder as the right reason, a fault keeping the last good
 * value and an answer ending it.
 *
 * Two instances read the same references: `covered` has a deploy-time variable for every key (its invocations
 * must never fail), `bare` has none (it fails exactly when no fresh or stale value exists).
 */

import type { FaultKind } from 'middy-secrets-local'
import type { Reason } from '../../src/errors.js'
import { secrets } from '../../src/index.js'
import { manualClock, recordingLogger, rounds, useStore } from '../support/harness.js'
import {
  EXPIRY,
  envValue,
  expectServed,
  type Instance,
  invoke,
  JITTER,
  type MatrixSource,
  SOURCES,
  STALE_IF_ERROR,
  type Want,
} from '../support/matrix.js'
import { useDynamoDbMatrixSource } from '../support/matrix-dynamodb.js'

const s = useStore()
const STORES = [...SOURCES, useDynamoDbMatrixSource()]
const SIZE = 3
/** The gap between invocations during an outage. */
const STEP = 10_000

interface Case {
  /** The keys (by index) the fault keeps from the store. */
  affected: readonly number[]
  reason: Reason
  /** The store's answer (not found, denied): it ends stale service at once. Otherwise a fault, which keeps it. */
  answer: boolean
  fetchTimeout?: number
  inject(w: World): void
  heal(w: World): void
}

interface World {
  source: MatrixSource
  ids: readonly string[]
  /** The entries as written in fetchData (`secretsmanager:<id>`): what errors name. */
  entries: readonly string[]
}

const fault = (kind: FaultKind, reason: Reason, fetchTimeout?: number): Case => ({
  affected: [0, 1, 2],
  reason,
  answer: false,
  ...(fetchTimeout ? { fetchTimeout } : {}),
  inject: (w) => w.source.fault(s.store, kind, w.ids),
  heal: (w) => {
    s.store.clearFaults()
    w.source.clearFaults?.()
  },
})

/** IAM or KMS refusing one reference: a batch holding it is denied as a whole, or reports it in Errors. */
const refusing = (kind: FaultKind, reason: Reason): Case => ({
  affected: [2],
  reason,
  answer: true,
  inject: (w) => w.source.fault(s.store, kind, [w.ids[2]!]),
  heal: (w) => {
    s.store.clearFaults()
    w.source.clearFaults?.()
  },
})

const CASES: Record<string, Case> = {
  throttling: fault('throttle', 'throttled'),
  'HTTP 500': fault('server-error', 'store_error'),
  // Under jest the SDK hands the socket error over wrapped, nameless: see the last describe for a Lambda's view.
  'connection reset': fault('reset', 'unreachable'),
  'hung connection': fault('hang', 'timed_out', 200),
  'malformed body': fault('malformed', 'invalid_response'),
  'truncated body': fault('truncated', 'invalid_response'),
  'access denied to one': refusing('access-denied', 'access_denied'),
  'KMS refusing one': refusing('kms-denied', 'kms_denied'),
  'deleted between refreshes': {
    affected: [2],
    reason: 'not_found',
    answer: true,
    inject: (w) => w.source.delete(s.store, w.ids[2]!),
    heal: (w) => w.source.create(s.store, w.ids[2]!, 'r2'),
  },
}

const coveredKey = (i: number) => `FMC_${i}`
const bareKey = (i: number) => `FMB_${i}`

beforeAll(() => {
  for (let i = 0; i < SIZE; i++) {
    process.env[coveredKey(i)] = envValue(i)
    delete process.env[bareKey(i)]
  }
})
afterAll(() => {
  for (let i = 0; i < SIZE; i++) delete process.env[coveredKey(i)]
})

let worlds = 0

const setup = (source: MatrixSource, c: Case) => {
  const clock = manualClock()
  // Each test reads its own references: fault rules are scoped to them.
  const base = String(++worlds)
  const ids = Array.from({ length: SIZE }, (_, i) => source.id(base, i))
  const w: World = { source, ids, entries: ids.map((id) => source.ref(id)) }
  for (const id of ids) source.create(s.store, id, `s${ids.indexOf(id)}`)
  const instance = (covered: boolean): Instance => {
    const keys = ids.map((_, i) => (covered ? coveredKey(i) : bareKey(i)))
    const logger = recordingLogger()
    const mw = secrets({
      fetchData: Object.fromEntries(keys.map((key, i) => [key, source.ref(ids[i]!)])),
      awsClientOptions: s.clientOptions,
      cacheExpiry: EXPIRY,
      staleIfError: STALE_IF_ERROR,
      jitter: JITTER,
      fetchTimeout: c.fetchTimeout ?? 1_000,
      clock,
      logger,
      ...source.options,
    })
    return { covered, keys, mw, logger, good: ids.map((_, i) => `s${i}`) }
  }
  return { clock, w, insts: [instance(true), instance(false)] as [Instance, Instance] }
}

/** The affected keys are served from `rung` with the case's reason; the others fresh, no reason. */
const down = (c: Case, rung: Want) =>
  [
    (i: number): Want => (c.affected.includes(i) ? rung : 'fresh'),
    (i: number) => (c.affected.includes(i) ? c.reason : undefined),
  ] as const

const ALL_FRESH = [(): Want => 'fresh', () => undefined] as const

/** The store saw exactly the calls the two instances say they made. */
const expectCallsSeen = (w: World, insts: readonly Instance[]) => {
  expect(w.source.requestsFor(s.store, w.ids)).toBe(insts.reduce((sum, inst) => sum + inst.mw.stats().storeCalls, 0))
}

const MOMENTS = {
  /** The fault is there from the start: the prefetch fails; the first invocation awaits that same fetch. */
  'cold start': async (source: MatrixSource, c: Case) => {
    const { w, insts } = setup(source, c)
    c.inject(w)
    const outcomes = await Promise.all(insts.map(invoke))
    for (const [n, inst] of insts.entries()) {
      const o = outcomes[n]!
      expect(o.waited).toBe(true)
      expectServed(w.entries, inst, o, ...down(c, 'fallback'))
      // At once again: nobody waits on the failing store, and nothing more is asked of it.
      const again = await invoke(inst)
      expect(again.waited).toBe(false)
      expectServed(w.entries, inst, again, ...down(c, 'fallback'))
      expect(again.stats.storeCalls).toBe(o.stats.storeCalls)
    }
    expectCallsSeen(w, insts)
  },

  /**
   * Past the jittered refresh point, before expiry: one background refresh; nobody waits. A fault is recorded
   * and the value stays fresh until it expires; an answer ends the value's service at once.
   */
  'refresh near expiry': async (source: MatrixSource, c: Case) => {
    const { w, clock, insts } = setup(source, c)
    await Promise.all(insts.map(invoke))
    c.inject(w)
    clock.advance(0.8 * EXPIRY)
    for (const inst of insts) {
      const before = inst.mw.stats().storeCalls
      const o = await invoke(inst)
      expect(o.waited).toBe(false)
      expectServed(w.entries, inst, o, ...ALL_FRESH)
      expect(o.stats.keys[inst.keys[0]!]?.ageMs).toBe(0.8 * EXPIRY)
      const again = await invoke(inst)
      expect(again.waited).toBe(false)
      expectServed(w.entries, inst, again, ...down(c, c.answer ? 'fallback' : 'fresh'))
      expect(again.stats.storeCalls).toBeGreaterThan(before)
    }
    expectCallsSeen(w, insts)
  },

  /** Expired with nothing in flight: the invocation waits (bounded); a fault leaves the last good value. */
  'after expiry': async (source: MatrixSource, c: Case) => {
    const { w, clock, insts } = setup(source, c)
    await Promise.all(insts.map(invoke))
    c.inject(w)
    clock.advance(EXPIRY)
    for (const inst of insts) {
      const o = await invoke(inst)
      expect(o.waited).toBe(true)
      expectServed(w.entries, inst, o, ...down(c, c.answer ? 'fallback' : 'stale'))
      if (!c.answer) expect(o.stats.keys[inst.keys[2]!]?.ageMs).toBe(EXPIRY)
      // A key with a usable value (or a verdict and a fallback) never waits on the failing store again.
      const again = await invoke(inst)
      expect(again.waited).toBe(false)
      expectServed(w.entries, inst, again, ...down(c, c.answer ? 'fallback' : 'stale'))
      expect(again.stats.storeCalls).toBe(o.stats.storeCalls)
    }
    expectCallsSeen(w, insts)
  },

  /**
   * Minutes of failure, an invocation every 10 s: a fault serves fresh until expiry, stale for staleIfError, then
   * the deploy-time value (covered) or a SecretsError (bare); an answer goes to the fallback from the first
   * refresh on. Calls stay far below one per invocation.
   */
  'during an outage': async (source: MatrixSource, c: Case) => {
    const { w, clock, insts } = setup(source, c)
    await Promise.all(insts.map(invoke))
    const start = clock.now()
    c.inject(w)
    // Attempts, counted as rounds (a round is one call per secret with GetSecretValue).
    const calls = () => insts.map((inst) => rounds(inst.logger))
    const callsBefore = calls()
    let callsServable: number[] = []
    const answered = [false, false]
    let invocations = 0
    // Long backoffs from here on: random() near 1.
    clock.r = 0.99
    for (let t = STEP; t <= EXPIRY + STALE_IF_ERROR + 2 * STEP; t += STEP) {
      clock.advance(STEP)
      if (t === EXPIRY + STALE_IF_ERROR) callsServable = calls()
      const outcomes = await Promise.all(insts.map(invoke))
      invocations++
      const now = clock.now() - start
      for (const [n, inst] of insts.entries()) {
        const o = outcomes[n]!
        const observed = (i: number) => o.stats.keys[inst.keys[i]!]?.reason as Reason | undefined
        if (c.answer) {
          // Fresh (no verdict yet) until the first refresh lands, then the fallback for good.
          answered[n] ||= observed(2) === c.reason
          expectServed(w.entries, inst, o, ...(answered[n] ? down(c, 'fallback') : ALL_FRESH))
          continue
        }
        const rung: Want = now < EXPIRY ? 'fresh' : now < EXPIRY + STALE_IF_ERROR ? 'stale' : 'fallback'
        expectServed(
          w.entries,
          inst,
          o,
          () => rung,
          (i) => {
            // Still fresh: the failure is recorded from the first failed refresh on, or not yet.
            if (rung === 'fresh') expect([undefined, c.reason]).toContain(observed(i))
            return rung === 'fresh' ? observed(i) : c.reason
          },
        )
      }
    }
    expect(answered.every((a) => a === c.answer)).toBe(true)
    // While a value is servable (and always with a deploy-time value) the backoff or the schedule holds the calls
    // far below one per invocation; a key with nothing at all to serve is tried at most once per invocation.
    const [covered, bare] = calls().map((n, i) => n - callsBefore[i]!) as [number, number]
    const bareServable = callsServable[1]! - callsBefore[1]!
    expect(covered).toBeLessThan(invocations / 2)
    expect(bareServable).toBeLessThan(invocations / 2)
    expect(bare - bareServable).toBeLessThanOrEqual(invocations - (EXPIRY + STALE_IF_ERROR) / STEP + 1)
    expectCallsSeen(w, insts)
  },

  /** After a long outage the store comes back (with new values): every key returns to fresh. */
  'on recovery': async (source: MatrixSource, c: Case) => {
    const { w, clock, insts } = setup(source, c)
    await Promise.all(insts.map(invoke))
    c.inject(w)
    clock.advance(EXPIRY + STALE_IF_ERROR)
    const outcomes = await Promise.all(insts.map(invoke))
    for (const [n, inst] of insts.entries()) {
      expect(outcomes[n]?.waited).toBe(true)
      expectServed(w.entries, inst, outcomes[n]!, ...down(c, 'fallback'))
    }
    for (const [i, id] of w.ids.entries()) source.create(s.store, id, `r${i}`)
    c.heal(w)
    // Past the backoff (random 0.5 of at most 60 s) and the normal schedule's next check, within the
    // unaffected keys' freshness.
    clock.advance(EXPIRY - 1_000)
    const [covered, bare] = insts
    // covered has a value for every key: it serves at once and the refresh lands in the background.
    const during = await invoke(covered)
    expect(during.waited).toBe(false)
    expectServed(w.entries, covered, during, ...down(c, 'fallback'))
    covered.good = w.ids.map((_, i) => `r${i}`)
    bare.good = w.ids.map((_, i) => `r${i}`)
    const back = await invoke(covered)
    expect(back.waited).toBe(false)
    expectServed(w.entries, covered, back, ...ALL_FRESH)
    const recovered = covered.logger.lines.filter((l) => l.event.event === 'recovered').map((l) => l.event.key)
    expect(recovered.sort()).toEqual(c.affected.map((i) => covered.keys[i]).sort())
    // bare has no value for the affected keys: it waits (bounded) and gets them.
    const waited = await invoke(bare)
    expect(waited.waited).toBe(true)
    expectServed(w.entries, bare, waited, ...ALL_FRESH)
    expectCallsSeen(w, insts)
  },
} satisfies Record<string, (source: MatrixSource, c: Case) => Promise<void>>

// The outage is policy over time (the core tests run it on fake time, minute by minute): once through the wire,
// for Parameter Store, is enough. Every other moment runs for every store.
const MATRIX = STORES.flatMap((source, n) =>
  Object.keys(CASES)
    .filter((fault) => !source.skip?.includes(fault))
    .flatMap((fault) =>
      Object.keys(MOMENTS)
        .filter((moment) => n === 0 || moment !== 'during an outage')
        .map((moment) => [source.name, fault, moment] as const),
    ),
)

describe('store × fault × moment', () => {
  test.each(MATRIX)('%s: %s, %s', async (name, fault, moment) => {
    const source = STORES.find((src) => src.name === name)!
    const c = CASES[fault]!
    const reason = source.reasons?.[fault]
    await MOMENTS[moment as keyof typeof MOMENTS](source, reason ? { ...c, reason } : c)
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

describe('the local store reports IAM and KMS refusals inside a batch, as AWS does', () => {
  test('BatchGetSecretValue succeeds; the refused secrets are in Errors with their codes', async () => {
    s.store.putSecret('smfm/batch/open', 'open')
    s.store.putSecret('smfm/batch/iam', 'iam')
    s.store.putSecret('smfm/batch/kms', 'kms')
    s.store.fault({ kind: 'access-denied', names: ['smfm/batch/iam'] })
    s.store.fault({ kind: 'kms-denied', names: ['smfm/batch/kms'] })
    const { SecretsManagerClient, BatchGetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager')
    const client = new SecretsManagerClient(s.clientOptions)
    const out = await client.send(
      new BatchGetSecretValueCommand({ SecretIdList: ['smfm/batch/open', 'smfm/batch/iam', 'smfm/batch/kms'] }),
    )
    expect(out.SecretValues?.map((v) => v.Name)).toEqual(['smfm/batch/open'])
    expect(out.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([
      ['smfm/batch/iam', 'AccessDeniedException'],
      ['smfm/batch/kms', 'DecryptionFailure'],
    ])
    client.destroy()
  })
})
