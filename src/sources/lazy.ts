import type { FailureInfo } from '../errors.js'
import type { ResolvedOptions } from '../options.js'
import { limitResponses } from '../response-limit.js'
import type { AwsClientLike } from '../types.js'
import type { Outcome, Source, SourceRef } from './source.js'

export type ClientClass = new (config: any) => AwsClientLike

/** An SDK client as every store makes it: bounded timeouts, a bounded response size, the user's capture. */
export const createClient = (Client: ClientClass, clientOptions: object, opts: ResolvedOptions): AwsClientLike => {
  // The SDK's HTTP handler has no request timeout by default, and without throwOnRequestTimeout it only
  // warns: a hung socket would hold a fetch forever.
  // The handler arms a socket warning timer at requestTimeout + connectionTimeout: the sum must fit a Node timer.
  const timeout = Math.min(opts.fetchTimeout, 2 ** 30 - 1)
  const config = {
    requestHandler: {
      requestTimeout: timeout,
      connectionTimeout: timeout,
      throwOnRequestTimeout: true,
    },
    ...clientOptions,
  }
  const client = new Client(config)
  limitResponses(client)
  return opts.awsClientCapture
    ? ((opts.awsClientCapture(client as never) as AwsClientLike | undefined) ?? client)
    : client
}

/**
 * Loads a store's modules once per process. Once they are in, later callers get them synchronously: an instance
 * made after the first (another middleware, a container's next handler) reaches its first call without waiting
 * on the module loader. A failed load is not remembered, so the next attempt tries again.
 */
export const once = <M>(load: () => Promise<M>): (() => M | Promise<M>) => {
  let loaded: M | undefined
  let pending: Promise<M> | undefined
  return () => {
    if (loaded !== undefined) return loaded
    pending ??= load().then(
      (modules) => {
        loaded = modules
        return modules
      },
      (error: unknown) => {
        pending = undefined
        throw error
      },
    )
    return pending
  }
}

export const thenOrNow = <M, T>(value: M | Promise<M>, next: (value: M) => T): T | Promise<T> =>
  value instanceof Promise ? value.then(next) : next(value)

/**
 * A store whose code and SDK client load on its first fetch, so a map that never names the store never pays
 * for them: each store's module is its own file of the build (a dynamic import with a literal specifier), and
 * its SDK is imported by a specifier the bundler cannot see (a variable: a bundler must not pull an optional peer
 * into a bundle, or fail the build when it is not installed; Node resolves it at run time).
 */
export class LazySource implements Source {
  private source: Source | undefined
  private loading: Promise<Source> | undefined

  constructor(
    private readonly create: () => Source | Promise<Source>,
    private readonly sdk: string,
  ) {}

  get calls(): number {
    return this.source?.calls ?? 0
  }

  async fetch(refs: readonly SourceRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    if (this.source === undefined) {
      try {
        const made = this.loading ?? this.create()
        if (made instanceof Promise) {
          this.loading = made
          this.source = await made
        } else this.source = made
      } catch {
        // A missing package is an install fault: tried again on the backoff, once it may have been added.
        this.loading = undefined
        const failure: FailureInfo = {
          reason: 'unreachable',
          detail: `${this.sdk} could not be loaded: add it to the function`,
        }
        for (const ref of refs) out.set(ref.id, { ok: false, failure })
        return
      }
    }
    await this.source.fetch(refs, signal, out)
  }
}
