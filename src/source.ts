import type { FailureInfo } from './errors.js'
import type { ParameterRef } from './parameter.js'

/** A store value as fetched: a string for a name, relative name → string for a path. */
export type RawValue = string | Readonly<Record<string, string>>

/** What a source answers for one reference. */
export type Outcome =
  | {
      readonly ok: true
      readonly raw: RawValue
      /**
       * The store refuses to be asked again sooner than this, in ms (AppConfig's `NextPollIntervalInSeconds`): the
       * key is not refreshed before it, and stays fresh at least that long, whatever `cacheExpiry` says.
       */
      readonly minIntervalMs?: number
    }
  | { readonly ok: false; readonly failure: FailureInfo }

/**
 * Where values come from. The middleware and the refresh logic know nothing else about a store, so a
 * second source (Secrets Manager) plugs in beside the SSM one.
 */
export interface Source {
  /**
   * Fetches every reference (ids are unique) concurrently, putting each answer into `out` by reference id
   * as soon as its call returns — a round that times out keeps the answers that did arrive. Never rejects.
   */
  fetch(refs: readonly ParameterRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void>
  /** Store API calls made so far. */
  readonly calls: number
}
