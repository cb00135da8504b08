import type { FailureInfo } from '../errors.js'

/**
 * A store value as fetched: a string for one value, or relative name → string for an entry that stands for
 * many (an SSM path, a DynamoDB partition, a custom store's entry ending in `/`).
 *
 * @example
 * ```ts
 * const one: RawValue = 'postgres://db.internal:5432/app'
 * const many: RawValue = { host: 'db.internal', 'nested/port': '5432' }
 * ```
 */
export type RawValue = string | Readonly<Record<string, string>>

/**
 * What a source answers for one reference: a value, or why there is none. A failure carries a reason and
 * safe words only, never a value.
 *
 * @example
 * ```ts
 * out.set(ref.id, { ok: true, raw: 'the value' })
 * out.set(ref.id, { ok: false, failure: { reason: 'not_found' } })
 * ```
 */
export type Outcome =
  | {
      /** The store gave a value. */
      readonly ok: true
      /** The value as the store holds it: text, or for a path or partition relative name → text. */
      readonly raw: RawValue
      /**
       * The store refuses to be asked again sooner than this, in ms (AppConfig's `NextPollIntervalInSeconds`): the
       * key is not refreshed before it, and stays fresh at least that long, whatever `cacheExpiry` says.
       */
      readonly minIntervalMs?: number
    }
  | {
      /** The store gave no value. */
      readonly ok: false
      /** Why, and the safe details (never a value). */
      readonly failure: FailureInfo
    }

/**
 * What one `fetchData` entry reads, as its store's source receives it.
 *
 * @example
 * ```ts
 * // fetchData: { TOKEN: 'vault:bots/superman' } with stores: { vault } reaches vault.fetch as
 * const ref: SourceRef = {
 *   store: 'vault',
 *   kind: 'name',
 *   id: 'vault:bots/superman',
 *   name: 'bots/superman',
 *   entry: 'vault:bots/superman',
 *   pinned: false,
 * }
 * ```
 */
export interface SourceRef {
  /** The store that reads it: `ssm`, `secretsmanager`, … or the name of a store given in `stores`. */
  readonly store: string
  /**
   * `'path'` when the value is an object of relative name → string (the entry ends in `/`); any other kind
   * (`'name'`, `'secret'`, …) is one string.
   */
  readonly kind: string
  /** Unique across stores: two keys with the same `id` share one fetch. Answer by it in `out`. */
  readonly id: string
  /** What the store calls it (the entry without its store prefix): what a source asks its store for. */
  readonly name: string
  /**
   * The entry as written in `fetchData`, prefix included (`secretsmanager:prod/db`, `vault:bots/superman`; a
   * Parameter Store name, path or ARN as it is): what errors, log events and `stats()` show, never sent to a store.
   */
  readonly entry: string
  /** A value that never changes (an SSM version number): fetched once, never refreshed. */
  readonly pinned: boolean
}

/**
 * Where values come from: the freshness policy (fresh, stale on a fault, the deploy-time environment, an error)
 * and the refresh schedule know nothing else about a store. The built-in stores implement it, and so can yours:
 * pass it in the `stores` option and name its entries `<store>:<reference>`.
 *
 * A source is called with every reference of a refresh round at once and should fetch them concurrently,
 * putting each answer into `out` by {@link SourceRef.id} as soon as it has it: when the round's `fetchTimeout`
 * passes, `signal` aborts and the answers that did arrive are kept. It should not reject (a rejection fails
 * every reference it has not answered, as `store_error` or what the error classifies as), and must never put a
 * value in a failure.
 *
 * @example
 * ```ts
 * let calls = 0
 * const vault: Source = {
 *   get calls() {
 *     return calls
 *   },
 *   async fetch(refs, signal, out) {
 *     calls++
 *     const response = await fetch(`http://127.0.0.1:8200/v1/${refs.map((ref) => ref.name).join(',')}`, { signal })
 *     const values = (await response.json()) as Record<string, string>
 *     for (const ref of refs) {
 *       const raw = values[ref.name]
 *       out.set(ref.id, raw === undefined ? { ok: false, failure: { reason: 'not_found' } } : { ok: true, raw })
 *     }
 *   },
 * }
 * secrets({ fetchData: { TOKEN: 'vault:bots/superman' }, stores: { vault } })
 * ```
 */
export interface Source<R extends SourceRef = SourceRef> {
  /**
   * Fetches every reference (ids are unique) concurrently, putting each answer into `out` by reference id
   * as soon as its call returns — a round that times out keeps the answers that did arrive. Never rejects.
   */
  fetch(refs: readonly R[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void>
  /** Store API calls made so far (shown by `stats()`). */
  readonly calls: number
}
