/**
 * What the fault matrices of both sources share: two instances over the same references (`covered` with a
 * deploy-time variable for every key, `bare` without), one invocation as middy runs the before hook, and the
 * check of which rung served each key, with what value or which SecretsError.
 */
import type { Reason } from '../../src/errors.js'
import { SecretsError, type secrets } from '../../src/index.js'
import type { SecretsStats } from '../../src/types.js'
import { eventually, type recordingLogger, request } from './harness.js'

/** The options and schedule both matrices run with. */
export const EXPIRY = 60_000
export const STALE_IF_ERROR = 120_000
export const JITTER = 0.1
// The design's backoff: from 1 s, doubling, full jitter, capped at clamp(cacheExpiry, 1 s, 60 s).
export const BACKOFF_BASE = 1_000
export const BACKOFF_CAP = Math.min(60_000, Math.max(1_000, EXPIRY))
// The long outage: an invocation every STEP for OUTAGE, with random() at R_OUTAGE (long backoffs).
export const STEP = 5_000
export const OUTAGE = 7 * 60_000
export const R_OUTAGE = 0.99

export interface Instance {
  covered: boolean
  keys: readonly string[]
  mw: ReturnType<typeof secrets>
  logger: ReturnType<typeof recordingLogger>
  /** What the store held for each key when it was last fetched: the value a fresh or stale rung serves. */
  good: string[]
}

export interface Outcome {
  waited: boolean
  error: unknown
  values: Record<string, unknown>
  stats: SecretsStats
}

export type Want = 'fresh' | 'stale' | 'fallback'

/** The deploy-time value of the `i`th key of a covered instance. */
export const envValue = (i: number) => `env-${i}`

const lastFetched = (logger: Instance['logger']): number => {
  const fetched = logger.lines.filter((line) => line.event.event === 'fetched')
  return (fetched.at(-1)?.event.storeCalls as number | undefined) ?? 0
}

/**
 * One invocation, as middy runs the before hook. Afterwards it lets real time pass until no round is in flight
 * (every store call started has been answered or timed out): the virtual clock must not outrun real I/O.
 */
export const invoke = async (inst: Instance): Promise<Outcome> => {
  const req = request()
  let error: unknown
  let waited = false
  try {
    const out = inst.mw.before?.(req as never)
    waited = out instanceof Promise
    await out
  } catch (e) {
    error = e
  }
  const stats = inst.mw.stats()
  await eventually(() => inst.mw.stats().storeCalls === lastFetched(inst.logger))
  const values = Object.fromEntries(inst.keys.map((key) => [key, req.context[key]]))
  return { waited, error, values, stats }
}

/**
 * Checks the rung and reason of every key, the values served, and — when some key has no value — that the
 * invocation failed with a SecretsError naming exactly those keys, their `parameters` and reasons.
 */
export const expectServed = (
  parameters: readonly string[],
  inst: Instance,
  o: Outcome,
  want: (i: number) => Want,
  reason: (i: number) => Reason | undefined,
): void => {
  const missing: number[] = []
  const got = inst.keys.map((key) => ({ key, rung: o.stats.keys[key]?.rung, reason: o.stats.keys[key]?.reason }))
  const expected = inst.keys.map((key, i) => {
    const rung = want(i) === 'fallback' ? (inst.covered ? 'env' : 'missing') : want(i)
    if (rung === 'missing') missing.push(i)
    return { key, rung, reason: reason(i) }
  })
  expect(got).toEqual(expected)
  if (missing.length === 0) {
    expect(o.error).toBeUndefined()
    const values = inst.keys.map((_, i) => (want(i) === 'fallback' ? envValue(i) : inst.good[i]))
    expect(inst.keys.map((key) => o.values[key])).toEqual(values)
    return
  }
  // No fallback existed for these keys: the only acceptable failure.
  expect(inst.covered).toBe(false)
  expect(o.error).toBeInstanceOf(SecretsError)
  const error = o.error as SecretsError
  expect(error.code).toBe('UNAVAILABLE')
  expect(error.keys).toEqual(missing.map((i) => inst.keys[i]))
  expect(error.parameters).toEqual(missing.map((i) => parameters[i]))
  expect(error.reasons).toEqual(Object.fromEntries(missing.map((i) => [inst.keys[i], reason(i)])))
  for (const i of missing) expect(error.message).toContain(`${inst.keys[i]} (${parameters[i]}: ${reason(i)})`)
}

/**
 * Attempts a failing key may make within `duration` of its first failure if every moment were an invocation:
 * the waits are random × min(cap, 1 s × 2^(k−1)); with random() fixed this is the design's own schedule.
 */
export const backoffAttempts = (duration: number, r: number): number => {
  let t = 0
  for (let k = 1; ; k++) {
    t += r * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (k - 1))
    if (t > duration) return k
  }
}
