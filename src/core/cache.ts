import { deployTimeValue } from '../env.js'
import { SecretsError } from '../errors.js'
import { meant } from '../meant.js'
import type { ResolvedOptions } from '../options.js'
import { rawFromEnv } from '../prepare.js'
import type { Source } from '../sources/source.js'
import type { LogEvent, Rung, SecretsStats } from '../types.js'
import { nextCheck, serving } from './policy.js'
import { Refresher } from './refresher.js'
import { report, stats, unavailable } from './report.js'
import type { KeyState, Prepare, Prepared, Round } from './state.js'

export type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, event: LogEvent) => void

const NONE: ReadonlySet<KeyState> = new Set()

const refused = (message: string, keys: string[] = []): never => {
  throw new SecretsError('INVALID_OPTIONS', `middy-secrets: invalidate() ${message}`, { keys })
}

/** What a wrong argument is, in words: its type only, never its content. */
const typeOf = (value: unknown): string => {
  if (value === null) return 'null'
  if (value instanceof Set) return 'a Set'
  if (value instanceof Map) return 'a Map'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** A key as a message shows it: quoted, cut short. */
const shown = (key: string): string =>
  key.length <= 64 ? `'${key}'` : `'${key.slice(0, 64)}'… (${key.length} characters)`

/**
 * The indexes of the keys `invalidate()` was given, or undefined for every key. Throws INVALID_OPTIONS saying what
 * was expected for anything but an array of keys of the map, with the key most likely meant; never a raw TypeError.
 */
const indexesOf = (keys: unknown, index: ReadonlyMap<string, number>): number[] | undefined => {
  if (keys === undefined) return undefined
  if (!Array.isArray(keys)) {
    // invalidate('DB_PASSWORD'): one key where an array was meant. A string that is no key is not shown.
    const key = typeof keys === 'string' ? (index.has(keys) ? keys : meant(keys, index.keys())) : undefined
    const fix = key === undefined ? '' : `: write invalidate([${shown(key)}])`
    return refused(`takes an array of fetchData keys, or nothing for every key; got ${typeOf(keys)}${fix}`)
  }
  return keys.map((key: unknown) => {
    if (typeof key !== 'string')
      return refused(`got ${typeOf(key)} among its keys: each is a key of fetchData, a string`)
    const i = index.get(key)
    if (i === undefined) {
      const guess = meant(key, index.keys())
      refused(`got an unknown key ${shown(key)}${guess === undefined ? '' : ` (did you mean ${shown(guess)}?)`}`, [key])
    }
    return i as number
  })
}

/**
 * The framework-agnostic core: for each invocation, which rung serves each key (waiting for the store only
 * when the policy says it is worth it, bounded by the invocation's budget), filling `values`. Middy glue
 * (or any other caller) reads `nextCheckAt` for the warm path and writes `values` where they belong.
 */
export class Cache {
  /** What serves each key now, by index of `options.entries`. */
  readonly values: unknown[]
  /** The prepared value serving each key now (its variables, with setToEnv); null for none. */
  readonly served: (Prepared | null)[]
  readonly rungs: Rung[]
  /** Until this time nothing can change: an invocation only copies `values`. -Infinity forces a look. */
  nextCheckAt = Number.NEGATIVE_INFINITY
  /** Counts the times `values` was written: a caller keeping a copy of them knows when it is out of date. */
  writes = 0
  private readonly refresher: Refresher
  private readonly keys: readonly KeyState[]
  private readonly index: ReadonlyMap<string, number>
  // Deploy-time fallbacks, prepared once on first need: undefined = not yet looked at, null = none.
  private readonly fromEnv: (Prepared | null | undefined)[]

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly source: Source,
    private readonly prepare: Prepare,
    private readonly log: Log,
  ) {
    const count = opts.entries.length
    this.values = new Array(count).fill(undefined)
    this.served = new Array(count).fill(null)
    this.rungs = new Array(count).fill('pending')
    this.fromEnv = new Array(count).fill(undefined)
    this.index = new Map(opts.entries.map((entry, i) => [entry.key, i]))
    this.refresher = new Refresher(opts.entries, source, prepare, opts, (changed, round, durationMs) =>
      this.settled(changed, round, durationMs),
    )
    this.keys = this.refresher.keys
    if (!opts.disablePrefetch) this.refresher.tick(opts.clock.now())
  }

  /**
   * Serves every key for one invocation: synchronously when nothing is worth waiting for, else a promise
   * bounded by `fetchTimeout` and the context's remaining time. Throws (or rejects with) a SecretsError when a
   * required key has no value on any rung.
   */
  resolve(context: unknown): Promise<void> | undefined {
    const now = this.opts.clock.now()
    this.refresher.tick(now, this.worthWaiting(now))
    if (this.mustWait(now, NONE)) return this.waitAndServe(context)
    this.serve(now, NONE, false)
    return undefined
  }

  /**
   * Makes the keys (all when omitted) wait for a round started after this call. Throws INVALID_OPTIONS for anything
   * but an array of the map's keys (a string, an unknown key), naming what was expected.
   */
  invalidate(keys: unknown): void {
    let indexes: number[] | undefined
    try {
      indexes = indexesOf(keys, this.index)
    } catch (error) {
      if (error instanceof SecretsError) throw error
      refused('could not read its argument (a getter or Proxy threw)')
    }
    this.refresher.invalidate(indexes, this.opts.clock.now())
    this.nextCheckAt = Number.NEGATIVE_INFINITY
  }

  stats(): SecretsStats {
    return stats(this.keys, this.rungs, this.opts.clock.now(), this.source.calls)
  }

  private canFallBack(i: number): boolean {
    return !this.keys[i]!.entry.required || this.envFallback(i) !== null
  }

  /** Keys an invocation would wait for now: a round should include them even before their schedule. */
  private worthWaiting(now: number) {
    return (key: KeyState, i: number) => serving(key, now, this.opts, this.canFallBack(i), false) === 'wait'
  }

  private mustWait(now: number, settled: ReadonlySet<KeyState>): boolean {
    const keys = this.keys
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      // A key this invocation already saw a verdict for is not waited for twice.
      if (!settled.has(key) && serving(key, now, this.opts, this.canFallBack(i), false) === 'wait') return true
    }
    return false
  }

  private budget(context: unknown): number {
    const c = context as { getRemainingTimeInMillis?: unknown } | undefined
    const remaining =
      typeof c?.getRemainingTimeInMillis === 'function'
        ? (c.getRemainingTimeInMillis as () => number)()
        : Number.POSITIVE_INFINITY
    // Leave the handler a tenth of what is left: waiting to the last millisecond only moves the timeout.
    return Math.max(0, Math.min(this.opts.fetchTimeout, remaining * 0.9))
  }

  private async waitAndServe(context: unknown): Promise<void> {
    const clock = this.opts.clock
    const settled = new Set<KeyState>()
    const succeeded = new Set<KeyState>()
    let timer: ReturnType<typeof setTimeout> | undefined
    const expired = new Promise<true>((resolve) => {
      timer = setTimeout(resolve, this.budget(context), true)
      timer.unref()
    })
    let timedOut = false
    for (;;) {
      const now = clock.now()
      const round: Round | undefined = this.refresher.tick(now, this.worthWaiting(now))
      if (round === undefined) break
      timedOut = await Promise.race([round.done.then(() => false), expired])
      if (timedOut) break
      for (const key of round.settled) settled.add(key)
      for (const key of round.succeeded) succeeded.add(key)
      if (!this.mustWait(clock.now(), settled)) break
    }
    clearTimeout(timer)
    this.serve(clock.now(), succeeded, timedOut)
  }

  private envFallback(i: number): Prepared | null {
    let prepared = this.fromEnv[i]
    if (prepared === undefined) {
      const entry = this.keys[i]!.entry
      const raw = this.opts.fallbackToEnv ? rawFromEnv(entry, deployTimeValue(entry.key)) : undefined
      const result = raw === undefined ? null : this.prepare(entry, raw)
      prepared = result === null || 'reason' in result ? null : result
      this.fromEnv[i] = prepared
    }
    return prepared
  }

  /** Puts each key's rung and value in place; waiting is over, so the whole ladder applies. */
  private serve(now: number, succeeded: ReadonlySet<KeyState>, timedOut: boolean): void {
    const keys = this.keys
    let missing: KeyState[] | undefined
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      // A value fetched for this invocation is fresh for it, even with cacheExpiry 0.
      const rung = succeeded.has(key) ? 'fresh' : serving(key, now, this.opts, this.canFallBack(i), true)
      let prepared: Prepared | null
      if (rung === 'fresh' || rung === 'stale') {
        prepared = key.good ?? null
        this.enter(i, rung, now)
      } else {
        prepared = this.envFallback(i)
        if (prepared !== null) this.enter(i, 'env', now)
        else {
          this.enter(i, 'missing', now)
          if (key.entry.required) {
            missing ??= []
            missing.push(key)
          }
        }
      }
      this.served[i] = prepared
      this.values[i] = prepared?.value
    }
    this.writes++
    if (missing !== undefined) {
      this.nextCheckAt = Number.NEGATIVE_INFINITY
      const { error, event } = unavailable(missing, timedOut)
      this.log('error', 'no value', event)
      throw error
    }
    this.nextCheckAt = nextCheck(keys, now, this.opts)
  }

  private enter(i: number, rung: Rung, now: number): void {
    const before = this.rungs[i]
    this.rungs[i] = rung
    const line = report(this.keys[i]!, rung, before, now)
    if (line) this.log(line.level, line.message, line.event)
  }

  private settled(changed: string[], round: Round, durationMs: number): void {
    this.nextCheckAt = Number.NEGATIVE_INFINITY
    this.log('debug', 'fetched', {
      event: 'fetched',
      keys: round.keys.map((key) => key.entry.key),
      failed: round.keys.filter((key) => key.failure !== undefined).map((key) => key.entry.key),
      durationMs: Math.round(durationMs * 1000) / 1000,
      storeCalls: this.source.calls,
    })
    const onChange = this.opts.onChange
    if (changed.length === 0 || !onChange) return
    const failed = (error: unknown) => {
      let errorName: string | undefined
      try {
        const name = (error as { name?: unknown } | undefined)?.name
        errorName = typeof name === 'string' ? name : undefined
      } catch {
        // A hostile error object: its name is not worth a crash.
      }
      this.log('error', 'onChange threw', { event: 'onChange_failed', keys: changed, errorName })
    }
    try {
      const result: unknown = onChange(changed)
      // An async onChange: its rejection is handled here, never left unhandled.
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        ;(result as PromiseLike<unknown>).then(undefined, failed)
      }
    } catch (error) {
      failed(error)
    }
  }
}
