import type { MiddlewareObj, Request } from '@middy/core'
import type { Context } from 'aws-lambda'
import { Core, coreOf, type createSecrets, type SecretsInstance } from './core/secrets.js'
import { resolveOptions } from './options.js'
import type { FetchData, SecretsOptions, SecretsStats, SecretValues } from './types.js'
import { compileWriter } from './writer.js'

/**
 * The context type `secrets(options)` hands to the handler (what `.use()` passes on to `.handler()`).
 *
 * @example
 * ```ts
 * const options = { fetchData: { TOKEN: '/bots/superman/twitter-token' } } as const
 * type Ctx = ContextOf<typeof options> // Context & { TOKEN: string }
 * ```
 */
export type ContextOf<O extends SecretsOptions<FetchData>> = O extends { readonly setToContext: false }
  ? Context
  : Context & SecretValues<O['fetchData']>

/**
 * The middleware `secrets()` returns: a middy middleware object with two controls of its own.
 *
 * @example
 * ```ts
 * const store = secrets({ fetchData: { DB_PASSWORD: '/shared/db-password' } })
 * export const handler = middy(main).use(store)
 * // after the database rejected the password:
 * store.invalidate(['DB_PASSWORD'])
 * ```
 */
export interface SecretsMiddleware<O extends SecretsOptions<FetchData>>
  extends MiddlewareObj<unknown, any, Error, ContextOf<O>, SecretValues<O['fetchData']>> {
  /**
   * Puts the values on the request before the handler runs; returns a promise only when it must wait.
   * Declared as a method so a middleware for one map is assignable to `SecretsMiddleware<SecretsOptions>`.
   */
  before(request: Request<unknown, any, Error, ContextOf<O>, SecretValues<O['fetchData']>>): Promise<void> | undefined
  // `never`, not `undefined`: with exactOptionalPropertyTypes an optional `undefined` does not fit middy's hooks.
  after?: never
  onError?: never
  /**
   * Makes the keys (all when omitted) expired: the next invocation waits for a fresh fetch. Throws a `SecretsError`
   * (`INVALID_OPTIONS`) when `keys` is not an array of this map's keys.
   */
  invalidate(keys?: readonly (keyof O['fetchData'] & string)[]): void
  /** Per key: the rung serving it, the value's age, the last failure's reason; store calls so far. Never values. */
  stats(): SecretsStats
}

interface HookRequest {
  context: any
  internal: any
}

/**
 * Creates the middleware: fetches the parameters of `fetchData` from SSM Parameter Store (starting at
 * once, during Lambda's init phase), and before each invocation puts their values on `context` (and
 * `process.env` with `setToEnv`). Values refresh in the background; when the store fails a key is
 * served its last good value, then its deploy-time environment variable, else the invocation fails
 * with a {@link SecretsError} naming what is missing. Given an instance made by {@link createSecrets} instead of
 * options, it serves from that instance's cache, so middy and non-middy code share one cache and one set of calls.
 *
 * @example
 * ```ts
 * import middy from '@middy/core'
 * import { secrets } from 'middy-secrets'
 *
 * export const handler = middy()
 *   .use(secrets({ fetchData: { TWITTER_ACCESS_TOKEN: '/bots/superman/twitter-token' } }))
 *   .handler(async (event, context) => {
 *     await postTweet(context.TWITTER_ACCESS_TOKEN)
 *   })
 * ```
 */
export function secrets<const O extends SecretsOptions<FetchData>>(options: O): SecretsMiddleware<O>
/** Serves a middy handler from the cache of an instance made by `createSecrets`: one cache, one set of fetches. */
export function secrets<O extends SecretsOptions<FetchData>>(instance: SecretsInstance<O>): SecretsMiddleware<O>
export function secrets<O extends SecretsOptions<FetchData>>(input: O | SecretsInstance<O>): SecretsMiddleware<O> {
  const core = coreOf(input) ?? new Core(resolveOptions(input as O))
  const { cache, opts } = core
  const clock = opts.clock
  const write = compileWriter(
    opts.entries.map((entry) => entry.key),
    opts.setToContext,
  )
  const values = cache.values

  const put = (request: HookRequest): void => {
    core.served()
    write(request.context, request.internal, values, cache.writes)
  }

  const secretsMiddlewareBefore = (request: HookRequest): Promise<void> | undefined => {
    if (clock.now() < cache.nextCheckAt) {
      // Everything is fresh: a run of property stores, no await, no allocation.
      write(request.context, request.internal, values, cache.writes)
      core.warm()
      return undefined
    }
    const waiting = cache.resolve(request.context)
    if (waiting === undefined) {
      put(request)
      return undefined
    }
    return waiting.then(() => put(request))
  }

  return {
    name: 'middy-secrets',
    before: secretsMiddlewareBefore,
    invalidate(keys) {
      cache.invalidate(keys)
    },
    stats() {
      return cache.stats()
    },
  } as SecretsMiddleware<O>
}
