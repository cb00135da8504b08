/**
 * What the cache tells the outside world: the SecretsError when keys have no value, the log event when a key
 * changes rung, and stats(). One small function each — never a value in any of them.
 */
import { failureFields, unavailableError } from '../advice.js'
import type { SecretsError } from '../errors.js'
import type { LogEvent, Rung, SecretsStats } from '../types.js'
import type { KeyState } from './state.js'

/**
 * The error for required keys with no value on any rung, and the `unavailable` event logged with it (reasons and
 * safe details by key, advice per reason: see advice.ts).
 */
export const unavailable = (
  missing: readonly KeyState[],
  timedOut: boolean,
): { error: SecretsError; event: LogEvent } =>
  unavailableError(
    missing.map((slot) => ({
      key: slot.entry.key,
      ref: slot.entry.ref,
      failure: slot.failure ?? { reason: timedOut ? 'timed_out' : 'unreachable' },
    })),
  )

const degraded = (r: Rung | undefined) => r === 'stale' || r === 'env' || r === 'missing'

/** The warning when a key enters or leaves degraded service, or undefined when there is nothing to say. */
export const report = (
  slot: KeyState,
  rung: Rung,
  before: Rung | undefined,
  now: number,
): { level: 'warn' | 'info'; message: string; event: LogEvent } | undefined => {
  if (before === rung) return undefined
  if (!degraded(rung) && !degraded(before)) return undefined
  // A required key with no value fails the invocation, and that is logged as an error of its own.
  if (rung === 'missing' && slot.entry.required) return undefined
  const event: LogEvent = {
    event: degraded(rung) ? 'degraded' : 'recovered',
    key: slot.entry.key,
    parameter: slot.entry.ref.entry,
    rung,
    from: before,
    ...failureFields(degraded(rung) ? slot.failure : undefined),
    ageMs: rung === 'stale' ? now - slot.fetchedAt : undefined,
  }
  const message =
    rung === 'missing'
      ? `${slot.entry.key} has no value`
      : degraded(rung)
        ? `${slot.entry.key} is served from the ${rung} rung`
        : `${slot.entry.key} recovered`
  // A recovery is good news: info, which the default logger prints only for recoveries.
  return { level: degraded(rung) ? 'warn' : 'info', message, event }
}

/** stats(): per key the rung serving it, the value's age and the last failure's reason; store calls so far. */
export const stats = (slots: readonly KeyState[], rungs: readonly Rung[], now: number, calls: number): SecretsStats => {
  const keys: SecretsStats['keys'] = {}
  slots.forEach((slot, i) => {
    const rung = rungs[i]!
    ;(keys as Record<string, unknown>)[slot.entry.key] = {
      parameter: slot.entry.ref.entry,
      rung,
      ageMs: rung === 'fresh' || rung === 'stale' ? now - slot.fetchedAt : undefined,
      reason: slot.failure?.reason,
      failure: slot.failure && { ...slot.failure },
    }
  })
  return { keys, storeCalls: calls }
}
