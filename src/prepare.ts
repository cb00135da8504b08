import type { Prepare, Prepared } from './core/state.js'
import { envName, reservedVariable } from './env-names.js'
import type { FailureInfo } from './errors.js'
import type { Entry } from './options.js'
import type { RawValue } from './sources/source.js'

export { envName } from './env-names.js'

const collision = (detail: string): FailureInfo => ({ reason: 'key_collision', detail })

/**
 * The variables a path value would set, or why it must set none: a derived name the runtime owns
 * (`AWS` + `access_key_id`), two parameters of the path on one name, or a name another key of the map writes
 * (`DB` + `host` and the key `DB_HOST`). Nothing is written for such a key: it goes down its ladder.
 */
const pathVariables = (entry: Entry, raw: Readonly<Record<string, string>>): Map<string, string> | FailureInfo => {
  // Relative names follow the entry as written (`/db/` + `host`, `dynamodb:config/db/` + `host`).
  const path = entry.ref.entry
  const env = new Map<string, string>()
  const owner = new Map<string, string>()
  const scope = entry.env
  for (const relative of Object.keys(raw)) {
    const name = envName(entry.key, relative)
    if (reservedVariable(name)) {
      return collision(`${path}${relative} maps to ${name}, a variable the Lambda runtime or Node owns`)
    }
    const other = owner.get(name)
    if (other !== undefined) return collision(`${path}${other} and ${path}${relative} both map to ${name}`)
    if (scope?.fixed.has(name)) {
      return collision(`${path}${relative} and the key ${name} (${scope.fixed.get(name)}) both map to ${name}`)
    }
    const otherPath = scope?.derived.get(name)
    if (otherPath !== undefined && otherPath !== entry.key) {
      return collision(`${path}${relative} maps to ${name}, which the path key ${otherPath} writes too`)
    }
    owner.set(name, relative)
    env.set(name, raw[relative] as string)
  }
  if (scope) {
    for (const [name, key] of [...scope.derived]) if (key === entry.key && !env.has(name)) scope.derived.delete(name)
    for (const [name, relative] of owner) {
      scope.derived.set(name, entry.key)
      scope.claim(name, `${path}${relative}`)
    }
  }
  return env
}

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
      const env = setToEnv ? pathVariables(entry, raw) : undefined
      if (env !== undefined && !(env instanceof Map)) return env
      const value: Record<string, unknown> = Object.create(null)
      for (const relative of Object.keys(raw)) value[relative] = transformed(entry, raw[relative] as string)
      return { value, env }
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
