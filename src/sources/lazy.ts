import { classifyError, KnownFailure } from '../classify.js'
import type { FailureInfo } from '../errors.js'
import type { ResolvedOptions } from '../options.js'
import { limitResponses } from '../response-limit.js'
import type { AwsClientLike } from '../types.js'
import type { Outcome, Source, SourceRef } from './source.js'

export type ClientClass = new (config: any) => AwsClientLike

const NODE_CODE = /^[A-Z][A-Z0-9_]{0,63}$/

const codeOf = (error: unknown): string | undefined => {
  try {
    const code: unknown = (error as { code?: unknown } | null)?.code
    return typeof code === 'string' && NODE_CODE.test(code) ? code : undefined
  } catch {
    return undefined
  }
}

/**
 * Imports a store's SDK package. A failure is `sdk_missing` naming the package (and Node's error code, such as
 * `ERR_MODULE_NOT_FOUND`, when it gives one): the fix is installing it, not the network.
 */
export const loadSdk = async <M>(load: () => M | Promise<M>, sdk: string): Promise<M> => {
  try {
    return await load()
  } catch (error) {
    const failure: FailureInfo = { reason: 'sdk_missing', detail: `${sdk} could not be loaded` }
    const code = codeOf(error)
    if (code !== undefined) failure.errorCode = code
    throw new KnownFailure(failure)
  }
}

const makeClient = (Client: ClientClass, clientOptions: object, opts: ResolvedOptions): AwsClientLike => {
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
 * An SDK client as every store makes it: bounded timeouts, a bounded response size, the user's capture. A client
 * that cannot be made (an `AwsClient` or `awsClientCapture` that throws) is `client_config` for the store `title`.
 */
export const createClient = (
  Client: ClientClass,
  clientOptions: object,
  opts: ResolvedOptions,
  title: string,
): AwsClientLike => {
  try {
    return makeClient(Client, clientOptions, opts)
  } catch (error) {
    throw new KnownFailure({
      reason: 'client_config',
      detail: `the ${title} client could not be made (its AwsClient or awsClientCapture threw)`,
      errorName: classifyError(error).errorName,
    })
  }
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

/**
 * Starts loading at construction, while the module that builds the middleware is still loading: every import()
 * of a store's modules begins then, never later from a round in the background (some loaders refuse an import
 * that starts outside the code that ran them: jest, between a beforeAll and a test). A failure is left to the
 * first fetch, which reports it and tries again.
 */
export const start = (load: () => unknown): void => {
  const loading = load()
  if (loading instanceof Promise) loading.catch(() => undefined)
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
    /** What messages call the store: `Parameter Store`. */
    private readonly title: string,
    /** Its module's file in the build: `stores/ssm.js`. */
    private readonly module: string,
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
      } catch (error) {
        // A missing package is an install fault: tried again on the backoff, once it may have been added.
        this.loading = undefined
        const failure: FailureInfo =
          error instanceof KnownFailure
            ? { ...error.failure }
            : {
                // Not the SDK (loadSdk says so) nor the client (createClient does): this package's own module.
                reason: 'client_config',
                detail: `middy-secrets could not load its ${this.title} module (${this.module}): deploy it with the function`,
              }
        for (const ref of refs) out.set(ref.id, { ok: false, failure })
        return
      }
    }
    await this.source.fetch(refs, signal, out)
  }
}
