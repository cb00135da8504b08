import type { MiddlewareObj, Request } from '@middy/core'
import type { Context } from 'aws-lambda'
import { failureFields, unavailableError } from './advice.js'
import { type Prepared, Refresher, type Round, type Slot } from './cache.js'
import { deployTimeValue, envRegistry, syncEnv } from './env.js'
import { SecretsError } from './errors.js'
import { resolveOptions } from './options.js'
import { createPrepare, rawFromEnv } from './prepare.js'
import { createSource } from './sources.js'
import type { FetchData, LogEvent, Rung, SecretsOptions, SecretsStats, SecretValues } from './types.js'
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
  after?: undefined
  onError?: undefined
  /** Makes the keys (all when omitted) expired: the next invocation waits for a fresh fetch. */
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
 * with a {@link SecretsError} naming what is missing.
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
export const secrets = <const O extends SecretsOptions<FetchData>>(options: O): SecretsMiddleware<O> => {
  const opts = resolveOptions(options)
  const { entries, clock, logger, staleIfError, staleWhileRevalidate } = opts
  const count = entries.length
  const write = compileWriter(
    entries.map((entry) => entry.key),
    opts.setToContext,
  )
  const values: unknown[] = new Array(count).fill(undefined)
  const rungs: Rung[] = new Array(count).fill('pending')
  // Deploy-time fallbacks, prepared once on first need: undefined = not yet looked at, null = none.
  const fromEnv: (Prepared | null | undefined)[] = new Array(count).fill(undefined)

  const envOn = opts.setToEnv
  const registry = envRegistry()
  const wanted = new Map<string, string | undefined>()
  let envSeen = -1

  const prepare = createPrepare(opts.setToEnv)
  const source = createSource(opts)
  // Until this time nothing can change: the before hook only copies values. -Infinity forces a look.
  let nextCheckAt = Number.NEGATIVE_INFINITY

  const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, event: LogEvent): void => {
    try {
      logger[level]?.(message, event)
    } catch {
      // A broken logger must not break the function.
    }
  }

  const refresher = new Refresher(entries, source, prepare, opts, (changed, round, durationMs) => {
    nextCheckAt = Number.NEGATIVE_INFINITY
    log('debug', 'fetched', {
      event: 'fetched',
      keys: round.slots.map((slot) => slot.entry.key),
      failed: round.slots.filter((slot) => slot.failure !== undefined).map((slot) => slot.entry.key),
      durationMs: Math.round(durationMs * 1000) / 1000,
      storeCalls: source.calls,
    })
    if (changed.length > 0 && opts.onChange) {
      try {
        opts.onChange(changed)
      } catch (error) {
        log('error', 'onChange threw', { event: 'onChange_failed', keys: changed, errorName: (error as Error)?.name })
      }
    }
  })
  const slots = refresher.slots

  const envFallback = (i: number): Prepared | null => {
    let prepared = fromEnv[i]
    if (prepared === undefined) {
      const entry = entries[i]!
      const raw = opts.fallbackToEnv ? rawFromEnv(entry, deployTimeValue(entry.key)) : undefined
      const result = raw === undefined ? null : prepare(entry, raw)
      prepared = result === null || 'reason' in result ? null : result
      fromEnv[i] = prepared
    }
    return prepared
  }

  /** The store value a key can be served now without waiting, and on which rung. */
  const usable = (slot: Slot, now: number): 'fresh' | 'stale' | undefined => {
    if (slot.good === undefined) return undefined
    if (now < slot.expiresAt) return 'fresh'
    if (slot.failure === undefined) {
      if (now < slot.expiresAt + staleWhileRevalidate) return 'fresh'
      // A refresh started before expiry keeps the previous value in service until it lands or times out.
      if (slot.round !== undefined && slot.round.startedAt < slot.expiresAt) return 'fresh'
      return undefined
    }
    return now < slot.expiresAt + staleIfError ? 'stale' : undefined
  }

  const mustWait = (i: number, now: number): boolean => {
    const slot = slots[i]!
    if (usable(slot, now) !== undefined) return false
    // With the store failing, a deploy-time value (or no value, for an optional key) beats waiting again.
    if (slot.failure !== undefined && (!slot.entry.required || envFallback(i) !== null)) return false
    return slot.round !== undefined || slot.dueAt <= now
  }

  const waiting = (now: number, fetched: ReadonlySet<Slot>): boolean => {
    for (let i = 0; i < count; i++) {
      if (!fetched.has(slots[i]!) && mustWait(i, now)) return true
    }
    return false
  }

  const nextCheck = (now: number): number => {
    let next = Number.POSITIVE_INFINITY
    for (const slot of slots) {
      const due = slot.round !== undefined ? slot.round.deadline : slot.dueAt
      if (due < next) next = due
      const e = slot.expiresAt
      for (const t of [e, e + staleWhileRevalidate, e + staleIfError]) if (t > now && t < next) next = t
    }
    return next
  }

  const report = (i: number, rung: Rung, now: number): void => {
    const before = rungs[i]
    rungs[i] = rung
    if (before === rung) return
    const slot = slots[i]!
    const degraded = (r: Rung | undefined) => r === 'stale' || r === 'env' || r === 'missing'
    if (!degraded(rung) && !degraded(before)) return
    // A required key with no value fails the invocation, and that is logged as an error of its own.
    if (rung === 'missing' && slot.entry.required) return
    const event: LogEvent = {
      event: degraded(rung) ? 'degraded' : 'recovered',
      key: slot.entry.key,
      parameter: slot.entry.ref.name,
      rung,
      from: before,
      ...failureFields(degraded(rung) ? slot.failure : undefined),
      ageMs: rung === 'stale' ? now - slot.fetchedAt : undefined,
    }
    // A recovery is good news: info, which the default logger prints only for recoveries.
    log(
      degraded(rung) ? 'warn' : 'info',
      rung === 'missing'
        ? `${slot.entry.key} has no value`
        : degraded(rung)
          ? `${slot.entry.key} is served from the ${rung} rung`
          : `${slot.entry.key} recovered`,
      event,
    )
  }

  const serve = (request: HookRequest, now: number, fetched: ReadonlySet<Slot>, timedOut: boolean): void => {
    const missing: number[] = []
    for (let i = 0; i < count; i++) {
      const slot = slots[i]!
      // A value fetched for this invocation is fresh for it, even with cacheExpiry 0.
      const rung =
        fetched.has(slot) && slot.good !== undefined && slot.failure === undefined ? 'fresh' : usable(slot, now)
      let prepared: Prepared | null | undefined
      if (rung !== undefined) {
        prepared = slot.good
        report(i, rung, now)
      } else {
        prepared = envFallback(i)
        if (prepared !== null) report(i, 'env', now)
        else {
          report(i, 'missing', now)
          if (slot.entry.required) missing.push(i)
        }
      }
      values[i] = prepared?.value
    }
    if (missing.length > 0) {
      nextCheckAt = Number.NEGATIVE_INFINITY
      throw unavailable(missing, timedOut)
    }
    if (envOn) rebuildEnv()
    nextCheckAt = nextCheck(now)
    write(request.context, request.internal, values)
    if (envOn && registry.seq !== envSeen) envSeen = syncEnv(wanted)
  }

  const rebuildEnv = (): void => {
    // Variables written before but not wanted now (a parameter left the path) go back to their deploy-time value.
    for (const name of wanted.keys()) wanted.set(name, undefined)
    for (let i = 0; i < count; i++) {
      const rung = rungs[i]
      const prepared = rung === 'fresh' || rung === 'stale' ? slots[i]!.good : rung === 'env' ? envFallback(i) : null
      if (prepared?.env) for (const [name, value] of prepared.env) wanted.set(name, value)
      else if (entries[i]!.ref.kind !== 'path') wanted.set(entries[i]!.key, undefined)
    }
    envSeen = -1
  }

  const unavailable = (missing: readonly number[], timedOut: boolean): SecretsError => {
    const { error, event } = unavailableError(
      missing.map((i) => ({
        key: slots[i]!.entry.key,
        parameter: slots[i]!.entry.ref.name,
        failure: slots[i]!.failure ?? { reason: timedOut ? 'timed_out' : 'unreachable' },
      })),
    )
    log('error', 'no value', event)
    return error
  }

  const waitBudget = (context: any): number => {
    const remaining =
      typeof context?.getRemainingTimeInMillis === 'function'
        ? context.getRemainingTimeInMillis()
        : Number.POSITIVE_INFINITY
    // Leave the handler a tenth of what is left: waiting to the last millisecond only moves the timeout.
    return Math.max(0, Math.min(opts.fetchTimeout, remaining * 0.9))
  }

  const waitAndServe = async (request: HookRequest): Promise<void> => {
    const fetched = new Set<Slot>()
    let timer: ReturnType<typeof setTimeout> | undefined
    const expired = new Promise<true>((resolve) => {
      timer = setTimeout(resolve, waitBudget(request.context), true)
      timer.unref()
    })
    let timedOut = false
    for (;;) {
      const round: Round | undefined = refresher.current ?? refresher.tick(clock.now())
      if (round === undefined) break
      timedOut = await Promise.race([round.done.then(() => false), expired])
      if (timedOut) break
      for (const slot of round.slots) fetched.add(slot)
      const now = clock.now()
      if (!waiting(now, fetched)) break
      refresher.tick(now)
    }
    clearTimeout(timer)
    serve(request, clock.now(), fetched, timedOut)
  }

  const NONE: ReadonlySet<Slot> = new Set()

  const secretsMiddlewareBefore = (request: HookRequest): Promise<void> | undefined => {
    const now = clock.now()
    if (now < nextCheckAt) {
      // Everything is fresh: a run of property stores, no await, no allocation.
      write(request.context, request.internal, values)
      if (envOn && registry.seq !== envSeen) envSeen = syncEnv(wanted)
      return undefined
    }
    refresher.tick(now)
    if (waiting(now, NONE)) return waitAndServe(request)
    serve(request, now, NONE, false)
    return undefined
  }

  if (!opts.disablePrefetch) refresher.tick(clock.now())

  return {
    name: 'middy-secrets',
    before: secretsMiddlewareBefore,
    invalidate(keys) {
      for (const key of keys ?? []) {
        if (!entries.some((entry) => entry.key === key)) {
          throw new SecretsError('INVALID_OPTIONS', `middy-secrets: invalidate() got an unknown key '${key}'`, {
            keys: [key],
          })
        }
      }
      refresher.invalidate(keys, clock.now())
      nextCheckAt = Number.NEGATIVE_INFINITY
    },
    stats() {
      const now = clock.now()
      const keys: SecretsStats['keys'] = {}
      slots.forEach((slot, i) => {
        const rung = rungs[i]!
        ;(keys as Record<string, unknown>)[slot.entry.key] = {
          parameter: slot.entry.ref.name,
          rung,
          ageMs: rung === 'fresh' || rung === 'stale' ? now - slot.fetchedAt : undefined,
          reason: slot.failure?.reason,
          failure: slot.failure && { ...slot.failure },
        }
      })
      return { keys, storeCalls: source.calls }
    },
  } as SecretsMiddleware<O>
}
