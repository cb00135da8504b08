import type { Prepare, Prepared } from './core/state.js'
import type { FailureInfo } from './errors.js'
import type { Entry } from './options.js'
import type { RawValue } from './source.js'

/** `KEY_` + the relative name upper-cased, anything not alphanumeric as `_`. */
export const envName = (key: string, relative: string): string =>
  `${key}_${relative.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`

const ASYNC: FailureInfo = {
  reason: 'transform_failed',
  detail: 'the transform returned a promise: transforms must be synchronous',
}

/**
 * A transform that returns a promise (an async function) is refused: its value would be a promise, and its
 * rejection must not go unhandled (Node would print it, value included, and exit). The rejection is handled
 * here and dropped.
 */
const transformed = (entry: Entry, raw: string): unknown => {
  const value = entry.transform(raw)
  if (typeof (value as PromiseLike<unknown> | null)?.then === 'function') {
    try {
      ;(value as PromiseLike<unknown>).then(undefined, () => undefined)
    } catch {
      // A thenable whose then() throws is refused all the same.
    }
    throw ASYNC
  }
  return value
}

/**
 * Prepares a raw value for one key: the transform on each value (every rung goes through it) and, with
 * setToEnv, the variables it sets. Never lets an error escape: a transform's message may quote the value.
 */
export const createPrepare =
  (setToEnv: boolean): Prepare =>
  (entry: Entry, raw: RawValue): Prepared | FailureInfo => {
    try {
      if (typeof raw === 'string') {
        return { value: transformed(entry, raw), env: setToEnv ? new Map([[entry.key, raw]]) : undefined }
      }
      const value: Record<string, unknown> = Object.create(null)
      const env = new Map<string, string>()
      const owner = new Map<string, string>()
      for (const relative of Object.keys(raw)) {
        const text = raw[relative] as string
        value[relative] = transformed(entry, text)
        if (!setToEnv) continue
        const name = envName(entry.key, relative)
        const other = owner.get(name)
        if (other !== undefined) {
          const path = entry.ref.name
          return { reason: 'key_collision', detail: `${path}${other} and ${path}${relative} both map to ${name}` }
        }
        owner.set(name, relative)
        env.set(name, text)
      }
      return { value, env: setToEnv ? env : undefined }
    } catch (error) {
      return error === ASYNC ? ASYNC : { reason: 'transform_failed' }
    }
  }

/**
 * Reads the deploy-time variable of a key as a raw value: a string for a name, and for a path a JSON
 * object of relative name → string (the only way one variable can stand for a whole path).
 */
export const rawFromEnv = (entry: Entry, text: string | undefined): RawValue | undefined => {
  if (text === undefined) return undefined
  if (entry.ref.kind !== 'path') return text
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
    const out: Record<string, string> = Object.create(null)
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v !== 'string') return undefined
      out[k] = v
    }
    return out
  } catch {
    return undefined
  }
}
