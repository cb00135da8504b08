/**
 * The freshness policy as pure functions of a key's state and the time: which rung serves a key now, when
 * it is due again, how long to back off. No I/O, no clock of its own — the refresher and the cache call these.
 */
import type { Reason } from '../errors.js'
import type { KeyState } from './state.js'

/** The first wait after a fault; it doubles per consecutive fault. */
export const BACKOFF_BASE = 1_000
/** The longest wait after faults, whatever `cacheExpiry` is. */
export const BACKOFF_MAX = 60_000
/**
 * A key with nothing to serve is tried again this soon after its last attempt started, backoff or not: it
 * recovers within seconds of the store coming back, and costs at most one call a second while it stays down.
 */
export const RETRY_FLOOR = 1_000
/** The smallest fraction of the jitter spread a refresh point keeps before expiry. */
export const MIN_LEAD = 0.1

export interface Policy {
  readonly cacheExpiry: number
  readonly jitter: number
  readonly staleWhileRevalidate: number
  readonly staleIfError: number
}

/** `clamp(cacheExpiry, 1 s, 60 s)`; 60 s when values never expire. */
export const backoffCap = (cacheExpiry: number): number =>
  Math.min(BACKOFF_MAX, Math.max(BACKOFF_BASE, cacheExpiry < 0 ? BACKOFF_MAX : cacheExpiry))

/** Exponential backoff with full jitter after the `faults`th consecutive fault. */
export const backoffDelay = (faults: number, cap: number, random: number): number =>
  random * Math.min(cap, BACKOFF_BASE * 2 ** (faults - 1))

/**
 * The jittered refresh point: `cacheExpiry × (1 − spread × u)` after the round started, `u` uniform in
 * [0.1, 1]. No point lands at the expiry itself (steady traffic would have no invocation left to refresh in the
 * background) and no share of a fleet bunches on one point. The first refresh after a cold start is spread
 * wider, `min(0.5, 5 × jitter)`, so a fleet started by one deploy drifts apart in one cycle.
 */
export const refreshPoint = (
  startedAt: number,
  cacheExpiry: number,
  jitter: number,
  first: boolean,
  random: number,
): number => {
  const spread = first ? Math.min(0.5, 5 * jitter) : jitter
  const u = MIN_LEAD + (1 - MIN_LEAD) * random
  return startedAt + cacheExpiry * (1 - spread * u)
}

/**
 * The store saying no — as opposed to failing. An answer ends stale service at once and is checked again on
 * the normal schedule; a fault keeps the last good value and is retried on the backoff. Every other reason is a
 * fault, `sdk_missing` included: what could not be loaded may load at a later attempt.
 */
export const isAnswer = (reason: Reason): boolean =>
  reason === 'not_found' || reason === 'access_denied' || reason === 'kms_denied'

/** Due for an attempt now: its schedule says so, or it has nothing to serve and its last attempt is a second old. */
export const attemptDue = (key: KeyState, now: number, nothingToServe: boolean): boolean =>
  key.dueAt <= now || (nothingToServe && !key.answered && now >= key.attemptedAt + RETRY_FLOOR)

/**
 * What serves a key now:
 * - `fresh`: the store value, within `cacheExpiry` (or `staleWhileRevalidate`, or kept by a refresh in flight)
 * - `stale`: the last good value, within `staleIfError` past expiry, after a fault or when the wait is over
 * - `fallback`: no store value: the deploy-time variable, `undefined` for an optional key, else an error
 * - `wait`: an attempt is due or in flight and its verdict is worth waiting for
 *
 * `canFallBack`: the key has a rung 3 (a deploy-time value, or it is optional). `waitOver`: this invocation may
 * wait no longer (its budget ran out, or no round can start): the whole ladder applies, never `wait`.
 */
export const serving = (
  key: KeyState,
  now: number,
  policy: Policy,
  canFallBack: boolean,
  waitOver: boolean,
): 'fresh' | 'stale' | 'fallback' | 'wait' => {
  if (key.good !== undefined && !key.answered) {
    if (!key.invalidated) {
      if (now < key.expiresAt) return 'fresh'
      if (key.failure === undefined) {
        if (now < key.expiresAt + policy.staleWhileRevalidate) return 'fresh'
        // A refresh started before expiry keeps the previous value in service until it lands or times out.
        if (key.round !== undefined && key.round.startedAt < key.expiresAt) return 'fresh'
      }
    }
    if (now < key.expiresAt + policy.staleIfError) {
      // Stale once the store has failed since (a verdict in hand), or when waiting is over, or nothing to wait on.
      if (waitOver || (key.failure !== undefined && !key.invalidated)) return 'stale'
      return key.round !== undefined || attemptDue(key, now, false) ? 'wait' : 'stale'
    }
  }
  if (waitOver) return 'fallback'
  // With a verdict in hand and somewhere else to go, go there rather than wait on the store again.
  if (key.failure !== undefined && !key.invalidated && canFallBack) return 'fallback'
  if (key.round !== undefined) return 'wait'
  return attemptDue(key, now, true) ? 'wait' : 'fallback'
}

/** The earliest time any key may change rung or fall due: before it, an invocation only copies values. */
export const nextCheck = (keys: readonly KeyState[], now: number, policy: Policy): number => {
  let next = Number.POSITIVE_INFINITY
  for (const key of keys) {
    const due = key.round !== undefined ? key.round.deadline : key.dueAt
    if (due < next) next = due
    const e = key.expiresAt
    if (e > now && e < next) next = e
    const revalidate = e + policy.staleWhileRevalidate
    if (revalidate > now && revalidate < next) next = revalidate
    const stale = e + policy.staleIfError
    if (stale > now && stale < next) next = stale
  }
  return next
}
