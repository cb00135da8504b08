/**
 * The fault matrix of the Parameter Store source, run against the Secrets Manager source: every fault the store
 * can throw at a secret, at every moment of a key's life, through the real SecretsManagerClient, with one
 * GetSecretValue per secret (the default) and with BatchGetSecretValue. For each: the rung and reason of every
 * key, the values served, the SecretError when no fallback exists, the calls made, and that nobody waits on a
 * failing store twice.
 *
 * Two instances read the same secrets: `covered` has a deploy-time variable for every key (its invocations must
 * never fail), `bare` has none (it fails exactly when neither a fresh nor a stale value exists).
 */

import type { FaultKind } from 'middy-secrets-local'
import type { Reason } from '../../src/errors.js'
import { secrets } from '../../src/index.js'
import { manualClock, recordingLogger, useStore } from '../support/harness.js'
import {
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

const SIZE = 3

type Mode = 'GetSecretValue' | 'BatchGetSecretValue'

interface Case {
  /** The secrets (by index) the fault keeps from the function. */
  affected: readonly number[]
  reason: Reason
  /** Not found is an answer, not a fault: checked again on the normal schedule, no backoff. */
  answer?: boolean
  fetchTimeout?: number
  inject(w: World): void
  heal(w: World): void
}

interface World {
  ids: readonly string[]
  create(i: number, value: string): void
}

const OPERATIONS = ['GetSecretValue', 'BatchGetSecretValue']

/** A fault on every call that asks for any of the secrets. */
const everyCall = (kind: FaultKind, reason: Reason, fetchTimeout?: number): Case => ({
  affected: [0, 1, 2],
  reason,
  ...(fetchTimeout ? { fetchTimeout } : {}),
  inject: (w) => s.store.fault({ kind, names: [...w.ids], operations: OPERATIONS }),
  heal: () => s.store.clearFaults(),
})

/** IAM or KMS refusing one secret: AWS fails its GetSecretValue, or reports it in a batch's Errors. */
const oneSecret = (kind: FaultKind, reason: Reason): Case => ({
  affected: [2],
  reason,
  inject: (w) => s.store.fault({ kind, names: [w.ids[2]!], operations: OPERATIONS }),
  heal: () => s.store.clearFaults(),
})

const CASES: Record<string, Case> = {
  throttling: everyCall('throttle', 'throttled'),
  'HTTP 500': everyCall('server-error', 'store_error'),
  'connection reset': everyCall('reset', 'unreachable'),
  'hung connection': everyCall('hang', 'timed_out', 200),
  'malformed body': everyCall('malformed', 'invalid_response'),
  'truncated body': everyCall('truncated', 'invalid_response'),
  'access denied to one secret': oneSecret('access-denied', 'access_denied'),
  'KMS refusing one secret': oneSecret('kms-denied', 'kms_denied'),
  'secret deleted between refreshes': {
    affected: [2],
    reason: 'not_found',
    answer: true,
    inject: (w) => s.store.deleteSecret(w.ids[2]!),
    heal: (w) => w.create(2, 'r2'),
  },
}

const coveredKey = (i: number) => `SMFC_${i}`
const bareKey = (i: number) => `SMFB_${i}`

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

const setup = (c: Case, mode: Mode, moment: string) => {
  const clock = manualClock()
  const base = `smfm/${++worlds}/${moment}`
  const ids = Array.from({ length: SIZE }, (_, i) => `${base}/k${i}`)
  const w: World = { ids, create: (i, value) => void s.store.putSecret(ids[i]!, value) }
  for (let i = 0; i < SIZE; i++) w.create(i, `s${i}`)
  const instance = (covered: boolean): Instance => {
    const keys = ids.map((_, i) => (covered ? coveredKey(i) : bareKey(i)))
    const logger = recordingLogger()
    const mw = secrets({
      fetchData: Object.fromEntries(keys.map((key, i) => [key, `secretsmanager:${ids[i]}`])),
      awsClientOptions: s.clientOptions,
      secretsManager: { batch: mode === 'BatchGetSecretValue' },
      cacheExpiry: EXPIRY,
      staleIfError: STALE_IF_ERROR,
      jitter: JITTER,
      fetchTimeout: c.fetchTimeout ?? 1_000,
      clock,
      logger,
    })
    return { covered, keys, mw, logger, good: ids.map((_, i) => `s${i}`) }
  }
  return { clock, w, insts: [instance(true), instance(false)] as [Instance, Instance] }
}

const expectServed = (w: World, ...rest: Parameters<typeof servedFrom> extends [unknown, ...infer R] ? R : never) =>
  servedFrom(w.ids, ...rest)

const down = (c: Case, rung: Want) =>
  [
    (i: number): Want => (c.affected.includes(i) ? rung : 'fresh'),
    (i: number) => (c.affected.includes(i) ? c.reason : undefined),
  ] as const

const ALL_FRESH = [(): Want => 'fresh', () => undefined] as const

/** Calls the store received that ask for the secret `id`. */
const callsFor = (id: string) =>
  s.store.requests.filter((r) => {
    const input = r.input as { SecretId?: string; SecretIdList?: string[] }
    return input.SecretId === id || (input.SecretIdList ?? []).includes(id)
  }).length

/** Calls one full round makes: one per secret, or one batch. */
const perRound = (mode: Mode) => (mode === 'GetSecretValue' ? SIZE : 1)

const MOMENTS = {
  'cold start': async (c: Case, mode: Mode) => {
    const { w, insts } = setup(c, mode, 'cold')
    c.inject(w)
    for (const inst of insts) {
      const o = await invoke(inst)
      expect(o.waited).toBe(true)
      expectServed(w, inst, o, ...down(c, 'fallback'))
      expect(o.stats.storeCalls).toBe(perRound(mode))
      const again = await invoke(inst)
      expect(again.waited).toBe(false)
      expectServed(w, inst, again, ...down(c, 'fallback'))
      expect(again.stats.storeCalls).toBe(perRound(mode))
    }
  },

  'refresh near expiry': async (c: Case, mode: Mode) => {
    const { w, clock, insts } = setup(c, mode, 'near')
    await Promise.all(insts.map(invoke))
    c.inject(w)
    clock.advance(0.8 * EXPIRY)
    for (const inst of insts) {
      const o = await invoke(inst)
      expect(o.waited).toBe(false)
      expectServed(w, inst, o, ...ALL_FRESH)
      const again = await invoke(inst)
      expect(again.waited).toBe(false)
      // The failure is recorded; the value stays fresh until it expires.
      expectServed(w, inst, again, ...down(c, 'fresh'))
      expect(again.stats.storeCalls).toBe(2 * perRound(mode))
    }
  },

  'after expiry': async (c: Case, mode: Mode) => {
    const { w, clock, insts } = setup(c, mode, 'after')
    await Promise.all(insts.map(invoke))
    c.inject(w)
    clock.advance(EXPIRY)
    for (const inst of insts) {
      const o = await invoke(inst)
      expect(o.waited).toBe(true)
      expectServed(w, inst, o, ...down(c, 'stale'))
      expect(o.stats.keys[inst.keys[2]!]?.ageMs).toBe(EXPIRY)
      const again = await invoke(inst)
      expect(again.waited).toBe(false)
      expectServed(w, inst, again, ...down(c, 'stale'))
      expect(again.stats.storeCalls).toBe(2 * perRound(mode))
    }
  },

  'during a long outage': async (c: Case, mode: Mode) => {
    const { w, clock, insts } = setup(c, mode, 'outage')
    await Promise.all(insts.map(invoke))
    const start = clock.now()
    c.inject(w)
    clock.r = R_OUTAGE
    const before = callsFor(w.ids[2]!)
    const callsBefore = insts.map((inst) => inst.mw.stats().storeCalls)
    let invocations = 0
    for (let t = STEP; t <= OUTAGE; t += STEP) {
      clock.advance(STEP)
      const outcomes = await Promise.all(insts.map(invoke))
      invocations++
      const now = clock.now() - start
      const rung: Want = now < EXPIRY ? 'fresh' : now < EXPIRY + STALE_IF_ERROR ? 'stale' : 'fallback'
      insts.forEach((inst, n) => {
        const o = outcomes[n]!
        expectServed(
          w,
          inst,
          o,
          (i) => (c.affected.includes(i) ? rung : 'fresh'),
          (i) => {
            const observed = o.stats.keys[inst.keys[i]!]?.reason as Reason | undefined
            // Still fresh: the failure is recorded from the first failed refresh on, or not yet.
            if (c.affected.includes(i) && rung === 'fresh') expect([undefined, c.reason]).toContain(observed)
            return c.affected.includes(i) && rung !== 'fresh' ? c.reason : observed
          },
        )
      })
    }
    // The affected secret is asked for on the backoff (or, not found, on the normal schedule): not per invocation.
    const attempts = (callsFor(w.ids[2]!) - before) / insts.length
    const bound = c.answer ? Math.floor(OUTAGE / (EXPIRY * 0.9)) + 1 : backoffAttempts(OUTAGE, R_OUTAGE) + 1
    expect(attempts).toBeLessThanOrEqual(bound)
    expect(attempts).toBeGreaterThanOrEqual(
      c.answer ? Math.floor(OUTAGE / EXPIRY) : OUTAGE / (R_OUTAGE * BACKOFF_CAP + STEP) - 1,
    )
    insts.forEach((inst, n) => {
      expect(inst.mw.stats().storeCalls - callsBefore[n]!).toBeLessThan(invocations / 2)
    })
  },

  'on recovery': async (c: Case, mode: Mode) => {
    const { w, clock, insts } = setup(c, mode, 'recovery')
    await Promise.all(insts.map(invoke))
    c.inject(w)
    clock.advance(EXPIRY + STALE_IF_ERROR)
    for (const inst of insts) expectServed(w, inst, await invoke(inst), ...down(c, 'fallback'))
    for (let i = 0; i < SIZE; i++) w.create(i, `r${i}`)
    c.heal(w)
    clock.advance(BACKOFF_CAP - 1_000)
    const [covered, bare] = insts
    // covered has a value for every key: it serves at once and the refresh lands in the background.
    const during = await invoke(covered)
    expect(during.waited).toBe(false)
    expectServed(w, covered, during, ...down(c, 'fallback'))
    covered.good = w.ids.map((_, i) => `r${i}`)
    bare.good = w.ids.map((_, i) => `r${i}`)
    const back = await invoke(covered)
    expect(back.waited).toBe(false)
    expectServed(w, covered, back, ...ALL_FRESH)
    const recovered = covered.logger.lines.filter((l) => l.event.event === 'recovered').map((l) => l.event.key)
    expect(recovered.sort()).toEqual(c.affected.map((i) => covered.keys[i]).sort())
    // bare has no value for the affected keys: it waits (bounded) and gets them.
    const waited = await invoke(bare)
    expect(waited.waited).toBe(true)
    expectServed(w, bare, waited, ...ALL_FRESH)
  },
} satisfies Record<string, (c: Case, mode: Mode) => Promise<void>>

const MATRIX = (['GetSecretValue', 'BatchGetSecretValue'] as const).flatMap((mode) =>
  Object.keys(CASES).flatMap((fault) => Object.keys(MOMENTS).map((moment) => [mode, fault, moment] as const)),
)

describe('Secrets Manager: mode × fault × moment', () => {
  test.each(MATRIX)('%s: %s, %s', async (mode, fault, moment) => {
    await MOMENTS[moment as keyof typeof MOMENTS](CASES[fault]!, mode)
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
