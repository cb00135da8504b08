import { type FailureInfo, REASONS, type Reason } from '../errors.js'
import type { StoreKind } from './kind.js'
import type { Outcome, RawValue, Source, SourceRef } from './source.js'

const ERROR_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/

const errorNameOf = (error: unknown): string | undefined => {
  try {
    const name: unknown = (error as { name?: unknown } | null)?.name
    return typeof name === 'string' && ERROR_NAME.test(name) ? name : undefined
  } catch {
    return undefined
  }
}

/** What a user's store is named by: `vault` for entries `vault:<reference>`. */
export const STORE_NAME = /^[a-z][a-z0-9-]{0,31}$/
/** Names a user's store may not take: the built-in stores' and the forms Parameter Store reads. */
export const RESERVED_STORE_NAMES: ReadonlySet<string> = new Set([
  'ssm',
  'secretsmanager',
  'appconfig',
  'dynamodb',
  'arn',
])

const invalidValue = (store: string, kind: string): Outcome => ({
  ok: false,
  failure: {
    reason: 'invalid_response',
    detail: `the ${store} store answered a value that is not ${kind === 'path' ? 'an object of strings' : 'a string'}`,
  },
})

/** A user's answer as the core may keep it: a value of the entry's shape, or a reason, an error name, an HTTP status. */
const check = (store: string, ref: SourceRef, outcome: unknown): Outcome => {
  try {
    const answer = outcome as { ok?: unknown; raw?: unknown; failure?: { reason?: unknown; errorName?: unknown } }
    if (answer?.ok === true) {
      const raw = answer.raw
      if (ref.kind !== 'path') return typeof raw === 'string' ? { ok: true, raw } : invalidValue(store, ref.kind)
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return invalidValue(store, ref.kind)
      // Copied: a value the store goes on mutating must not change under the core.
      const copy: Record<string, string> = Object.create(null)
      for (const [name, value] of Object.entries(raw)) {
        if (typeof value !== 'string') return invalidValue(store, ref.kind)
        copy[name] = value
      }
      return { ok: true, raw: copy as RawValue }
    }
    // Only the reason, an error's name and an HTTP status are kept: a user's detail or message could hold a value.
    const reason = answer?.failure?.reason
    const errorName = answer?.failure?.errorName
    const httpStatus = (answer?.failure as { httpStatus?: unknown } | undefined)?.httpStatus
    const failure: FailureInfo = {
      reason: typeof reason === 'string' && Object.hasOwn(REASONS, reason) ? (reason as Reason) : 'store_error',
    }
    if (errorNameOf({ name: errorName }) !== undefined) failure.errorName = errorName as string
    if (Number.isInteger(httpStatus) && (httpStatus as number) >= 100 && (httpStatus as number) <= 599) {
      failure.httpStatus = httpStatus as number
    }
    return { ok: false, failure }
  } catch {
    return {
      ok: false,
      failure: { reason: 'invalid_response', detail: `the ${store} store's answer could not be read` },
    }
  }
}

/** The answers of one round of a user's store: each checked as it arrives, and only for the round's references. */
class CheckedAnswers extends Map<string, Outcome> {
  constructor(
    private readonly store: string,
    private readonly refs: ReadonlyMap<string, SourceRef>,
    private readonly out: Map<string, Outcome>,
  ) {
    super()
  }

  override set(id: string, outcome: Outcome): this {
    const ref = this.refs?.get(id)
    // Map's constructor calls set for its initial entries, before the fields exist.
    if (ref === undefined) return this
    const checked = check(this.store, ref, outcome)
    this.out.set(id, checked)
    return super.set(id, checked)
  }
}

/** A user's source behind the checks every answer of it goes through. */
class CheckedSource implements Source {
  constructor(
    private readonly store: string,
    private readonly source: Source,
  ) {}

  get calls(): number {
    try {
      const calls: unknown = this.source.calls
      return typeof calls === 'number' && Number.isFinite(calls) && calls >= 0 ? calls : 0
    } catch {
      return 0
    }
  }

  async fetch(refs: readonly SourceRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    const answers = new CheckedAnswers(this.store, new Map(refs.map((ref) => [ref.id, ref])), out)
    try {
      await this.source.fetch(refs, signal, answers)
    } catch (error) {
      // A store of the user's failed in a way of its own: the store's failure, not a network fault of ours. Only
      // the error's name is kept (its message could quote a value).
      const failure: FailureInfo = { reason: 'store_error' }
      const name = errorNameOf(error)
      if (name !== undefined) failure.errorName = name
      for (const ref of refs) if (!answers.has(ref.id)) out.set(ref.id, { ok: false, failure })
    }
  }
}

/**
 * The kind of a user's store `name`: entries `name:<reference>`, the reference passed on as the ref's name; one
 * ending in `/` stands for many values (an object of name → string), like a Parameter Store path.
 */
export const customKind = (name: string, source: Source): StoreKind => {
  const prefix = `${name}:`
  const checked = new CheckedSource(name, source)
  return {
    store: name,
    title: `the ${name} store`,
    prefix,
    recognises: (input) => input.startsWith(prefix),
    parse: (input) => {
      const reference = input.slice(prefix.length)
      if (reference.length === 0 || reference === '/') throw new Error(`names nothing after '${prefix}'`)
      return Object.freeze({
        store: name,
        kind: reference.endsWith('/') ? 'path' : 'name',
        id: input,
        name: reference,
        entry: input,
        pinned: false,
      })
    },
    sdk: `the ${name} store`,
    source: () => checked,
  }
}
