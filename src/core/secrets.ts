import { envRegistry, syncEnv } from '../env.js'
import { type ResolvedOptions, resolveOptions } from '../options.js'
import { createPrepare } from '../prepare.js'
import { createSource } from '../sources/registry.js'
import type { FetchData, SecretsOptions, SecretsStats, SecretValues } from '../types.js'
import { Cache, type Log } from './cache.js'

/**
 * What a Lambda context gives the core: the time left, which bounds how long `get()` waits for the store.
 *
 * @example
 * ```ts
 * const values = await store.get({ getRemainingTimeInMillis: () => 3_000 })
 * ```
 */
export interface BudgetContext {
  /** Milliseconds left in the invocation (Lambda's `context.getRemainingTimeInMillis`). */
  readonly getRemainingTimeInMillis?: () => number
}

/**
 * One cache of a map's values, without Middy: what `createSecrets()` returns. Pass it to `secrets()` to serve
 * a middy handler from the same cache.
 *
 * @example
 * ```ts
 * const store = createSecrets({ fetchData: { TOKEN: '/bots/superman/twitter-token' } } as const)
 * export const handler = async (event: unknown, context: Context) => {
 *   const { TOKEN } = await store.get(context) // TOKEN: string
 * }
 * ```
 */
export interface SecretsInstance<O extends SecretsOptions<FetchData>> {
  /**
   * The values of every key, on the same ladder as the middleware (fresh, stale while the store fails, the
   * deploy-time environment, else a rejection with a SecretsError). Waits for the store only when it must, at
   * most `fetchTimeout` and never past the context's remaining time. While nothing can have changed it resolves
   * to the same frozen object, without I/O.
   */
  get(context?: BudgetContext): Promise<Readonly<SecretValues<O['fetchData']>>>
  /**
   * Makes the keys (all when omitted) expired: the next `get()` (or invocation) waits for a fresh fetch. Throws a
   * SecretsError `INVALID_OPTIONS` for anything but an array of keys of `fetchData` (`invalidate('A')` names
   * `invalidate(['A'])`; an unknown key names the key probably meant).
   */
  invalidate(keys?: readonly (keyof O['fetchData'] & string)[]): void
  /** Per key: the rung serving it, the value's age, the last failure's reason; store calls so far. Never values. */
  stats(): SecretsStats
}

/** The state one map shares between `get()` and any middleware made from the same instance. */
export class Core {
  readonly cache: Cache
  private readonly envOn: boolean
  private readonly registry = envRegistry()
  private readonly wanted = new Map<string, string | undefined>()
  private envSeen = -1

  constructor(readonly opts: ResolvedOptions) {
    const logger = opts.logger
    const log: Log = (level, message, event) => {
      try {
        logger[level]?.(message, event)
      } catch {
        // A broken logger must not break the function.
      }
    }
    this.envOn = opts.setToEnv
    this.cache = new Cache(opts, createSource(opts), createPrepare(opts.setToEnv), log)
  }

  /** After the cache served anew: the variables wanted now, written to process.env (with setToEnv). */
  served(): void {
    if (!this.envOn) return
    const { wanted, cache } = this
    const entries = this.opts.entries
    // Variables written before but not wanted now (a parameter left the path) go back to their deploy-time value.
    for (const name of wanted.keys()) wanted.set(name, undefined)
    for (let i = 0; i < entries.length; i++) {
      const prepared = cache.served[i]
      if (prepared?.env) for (const [name, value] of prepared.env) wanted.set(name, value)
      else if (entries[i]!.ref.kind !== 'path') wanted.set(entries[i]!.key, undefined)
    }
    this.envSeen = syncEnv(wanted)
  }

  /** On the warm path: process.env rewritten only when another instance changed it since. */
  warm(): void {
    if (this.envOn && this.registry.seq !== this.envSeen) this.envSeen = syncEnv(this.wanted)
  }
}

const cores = new WeakMap<object, Core>()

/** The core of an instance made by `createSecrets`, or undefined for anything else. */
export const coreOf = (value: unknown): Core | undefined =>
  typeof value === 'object' && value !== null ? cores.get(value) : undefined

/**
 * Creates the cache of a map's values for code without Middy: a plain Lambda handler, another framework.
 * Options are those of `secrets()` and validated the same way, at once; fetching starts at once too (Lambda's
 * init phase) unless `disablePrefetch`. `setToContext` does not apply (`get()` returns the values); with
 * `setToEnv` each `get()` also puts them in `process.env`.
 *
 * @example
 * ```ts
 * import { createSecrets } from 'middy-secrets'
 *
 * const store = createSecrets({
 *   fetchData: { TOKEN: '/bots/superman/twitter-token', LIMITS: { name: '/shared/limits', transform: 'json' } },
 * } as const)
 *
 * export const handler = async (event: unknown, context: { getRemainingTimeInMillis(): number }) => {
 *   const { TOKEN, LIMITS } = await store.get(context) // TOKEN: string, LIMITS: JsonValue
 *   return postTweet(TOKEN, LIMITS)
 * }
 * ```
 */
export const createSecrets = <const O extends SecretsOptions<FetchData>>(options: O): SecretsInstance<O> => {
  const core = new Core(resolveOptions(options))
  const { cache, opts } = core
  const { clock, entries } = opts
  type Values = Readonly<SecretValues<O['fetchData']>>
  let seen = -1
  let current: Promise<Values> = Promise.resolve({} as Values)

  // A new frozen object only when the values were written since the last one.
  const values = (): Promise<Values> => {
    core.served()
    if (cache.writes !== seen) {
      seen = cache.writes
      const snapshot: Record<string, unknown> = {}
      for (let i = 0; i < entries.length; i++) snapshot[entries[i]!.key] = cache.values[i]
      current = Promise.resolve(Object.freeze(snapshot) as Values)
    }
    return current
  }

  const instance: SecretsInstance<O> = {
    get(context) {
      // Values written by a middleware sharing this cache make a new object; else while everything is fresh it is
      // the same promise of the same object: no I/O, nothing allocated.
      if (clock.now() < cache.nextCheckAt && cache.writes === seen) {
        core.warm()
        return current
      }
      try {
        const waiting = cache.resolve(context)
        return waiting === undefined ? values() : waiting.then(values)
      } catch (error) {
        return Promise.reject(error)
      }
    },
    invalidate(keys) {
      cache.invalidate(keys)
    },
    stats() {
      return cache.stats()
    },
  }
  cores.set(instance, core)
  return instance
}
