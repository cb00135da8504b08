/**
 * What the cache tells the outside world: the SecretsError when keys have no value, the log event when a key
 * changes rung, and stats(). One small function each — never a value in any of them.
 */
import { type Reason, SecretsError, type SecretsErrorCode } from '../errors.js'
import type { LogEvent, Rung, SecretsStats } from '../types.js'
import type { KeyState } from './state.js'

const codeFor = (reasons: readonly Reason[]): SecretsErrorCode => {
  if (reasons.includes('key_collision')) return 'KEY_COLLISION'
  if (reasons.every((reason) => reason === 'transform_failed')) return 'TRANSFORM_FAILED'
  return 'UNAVAILABLE'
}

/** The error for required keys with no value on any rung. */
export const unavailable = (missing: readonly KeyState[], timedOut: boolean, fallbackToEnv: boolean): SecretsError => {
  const keys: string[] = []
  const parameters: string[] = []
  const reasons: Record<string, Reason> = {}
  const parts: string[] = []
  for (const slot of missing) {
    const reason: Reason = slot.failure?.reason ?? (timedOut ? 'timed_out' : 'unreachable')
    keys.push(slot.entry.key)
    parameters.push(slot.entry.ref.name)
    reasons[slot.entry.key] = reason
    const detail = slot.failure?.detail ? `; ${slot.failure.detail}` : ''
    parts.push(`${slot.entry.key} (${slot.entry.ref.name}: ${reason}${detail})`)
  }
  return new SecretsError(
    codeFor(Object.values(reasons)),
    `middy-secrets: no value for ${parts.join(', ')}. Check that each parameter exists and the function's role may read it${fallbackToEnv ? ', or set an environment variable of the same name as a fallback' : ''}.`,
    { keys, parameters, reasons },
  )
}

const degraded = (r: Rung | undefined) => r === 'stale' || r === 'env' || r === 'missing'

/** The warning when a key enters or leaves degraded service, or undefined when there is nothing to say. */
export const report = (
  slot: KeyState,
  rung: Rung,
  before: Rung | undefined,
  now: number,
): { message: string; event: LogEvent } | undefined => {
  if (before === rung) return undefined
  if (!degraded(rung) && !degraded(before)) return undefined
  // A required key with no value fails the invocation, and that is logged as an error of its own.
  if (rung === 'missing' && slot.entry.required) return undefined
  const event: LogEvent = {
    event: degraded(rung) ? 'degraded' : 'recovered',
    key: slot.entry.key,
    parameter: slot.entry.ref.name,
    rung,
    from: before,
    reason: slot.failure?.reason,
    ageMs: rung === 'stale' ? now - slot.fetchedAt : undefined,
  }
  const message =
    rung === 'missing'
      ? `${slot.entry.key} has no value`
      : degraded(rung)
        ? `${slot.entry.key} is served from the ${rung} rung`
        : `${slot.entry.key} recovered`
  return { message, event }
}

/** stats(): per key the rung serving it, the value's age and the last failure's reason; store calls so far. */
export const stats = (slots: readonly KeyState[], rungs: readonly Rung[], now: number, calls: number): SecretsStats => {
  const keys: SecretsStats['keys'] = {}
  slots.forEach((slot, i) => {
    const rung = rungs[i]!
    ;(keys as Record<string, unknown>)[slot.entry.key] = {
      parameter: slot.entry.ref.name,
      rung,
      ageMs: rung === 'fresh' || rung === 'stale' ? now - slot.fetchedAt : undefined,
      reason: slot.failure?.reason,
    }
  })
  return { keys, storeCalls: calls }
}
