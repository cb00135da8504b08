import type { AppConfigModule } from './appconfig.js'
import type { FailureInfo } from './errors.js'
import type { ResolvedOptions } from './options.js'
import type { ParameterRef } from './parameter.js'
import { limitResponses } from './response-limit.js'
import type { SecretsManagerModule } from './secrets-manager.js'
import type { Outcome, Source } from './source.js'
import type { SsmModule } from './ssm.js'
import type { AwsClientLike } from './types.js'

type ClientClass = new (config: any) => AwsClientLike

const createClient = (Client: ClientClass, clientOptions: object, opts: ResolvedOptions): AwsClientLike => {
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

// SDK module specifiers in variables: a bundler must not pull an optional peer into a bundle (or fail the
// build when it is not installed). Node resolves them at run time, from node_modules or Lambda's runtime.
const SSM_SDK = '@aws-sdk/client-ssm'
const SECRETS_MANAGER_SDK = '@aws-sdk/client-secrets-manager'
const APPCONFIG_SDK = '@aws-sdk/client-appconfigdata'

/**
 * Loads a store's modules once per process. Once they are in, later callers get them synchronously: an instance
 * made after the first (another middleware, a container's next handler) reaches its first call without waiting
 * on the module loader. A failed load is not remembered, so the next attempt tries again.
 */
const once = <M>(load: () => Promise<M>): (() => M | Promise<M>) => {
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

const then = <M, T>(value: M | Promise<M>, next: (value: M) => T): T | Promise<T> =>
  value instanceof Promise ? value.then(next) : next(value)

/**
 * A store whose code and SDK client load on its first fetch, so a map that never names the store never pays
 * for them: each store's module is its own file of the build (a dynamic import with a literal specifier), and
 * its SDK is imported by a specifier the bundler cannot see.
 */
class LazySource implements Source {
  private source: Source | undefined
  private loading: Promise<Source> | undefined

  constructor(
    private readonly create: () => Source | Promise<Source>,
    private readonly sdk: string,
  ) {}

  get calls(): number {
    return this.source?.calls ?? 0
  }

  async fetch(refs: readonly ParameterRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
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

const ssmModules = once(async () => {
  const [{ SsmSource }, sdk] = await Promise.all([
    import('./ssm.js'),
    import(SSM_SDK) as Promise<SsmModule & { SSMClient: ClientClass }>,
  ])
  return { SsmSource, sdk }
})

const ssmSource = (opts: ResolvedOptions): Source =>
  new LazySource(
    () =>
      then(ssmModules(), ({ SsmSource, sdk }) => {
        const client = createClient(opts.AwsClient ?? sdk.SSMClient, opts.awsClientOptions, opts)
        return new SsmSource(() => client, sdk)
      }),
    SSM_SDK,
  )

const secretsManagerModules = once(() => import('./secrets-manager.js'))

const secretsManagerSource = (opts: ResolvedOptions): Source =>
  new LazySource(
    () =>
      then(secretsManagerModules(), ({ SecretsManagerSource }) => {
        // The Secrets Manager source loads its SDK itself, on its first fetch, and reports a missing one per secret.
        const load = async () => {
          const module = (await import(SECRETS_MANAGER_SDK)) as SecretsManagerModule & {
            SecretsManagerClient: ClientClass
          }
          const Client = opts.secretsManager.AwsClient ?? module.SecretsManagerClient
          return { client: createClient(Client, opts.secretsManager.awsClientOptions, opts), module }
        }
        return new SecretsManagerSource(load, opts.secretsManager.batch)
      }),
    SECRETS_MANAGER_SDK,
  )

const appConfigModules = once(() => import('./appconfig.js'))

const appConfigSource = (opts: ResolvedOptions): Source =>
  new LazySource(
    () =>
      then(appConfigModules(), ({ AppConfigSource }) => {
        const load = async () => {
          const module = (await import(APPCONFIG_SDK)) as AppConfigModule & { AppConfigDataClient: ClientClass }
          // One attempt per call: an SDK retry would send a single-use token twice. The ladder retries instead.
          const { retryStrategy: _, ...clientOptions } = opts.awsClientOptions
          const client = createClient(module.AppConfigDataClient, { ...clientOptions, maxAttempts: 1 }, opts)
          return { client, module }
        }
        return new AppConfigSource(load, opts.clock)
      }),
    APPCONFIG_SDK,
  )

type Store = 'ssm' | 'secret' | 'appconfig'
const storeOf = (ref: ParameterRef): Store =>
  ref.kind === 'secret' ? 'secret' : ref.kind === 'appconfig' ? 'appconfig' : 'ssm'
const SOURCES: Record<Store, (opts: ResolvedOptions) => Source> = {
  ssm: ssmSource,
  secret: secretsManagerSource,
  appconfig: appConfigSource,
}

/** Sends each reference to the source that owns its store, all at once. */
class CompositeSource implements Source {
  constructor(private readonly sources: ReadonlyMap<Store, Source>) {}

  get calls(): number {
    let calls = 0
    for (const source of this.sources.values()) calls += source.calls
    return calls
  }

  async fetch(refs: readonly ParameterRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    await Promise.all(
      [...this.sources].map(([store, source]) => {
        const mine = refs.filter((ref) => storeOf(ref) === store)
        return mine.length > 0 && source.fetch(mine, signal, out)
      }),
    )
  }
}

/** The source for a map: one per store it names (Parameter Store, Secrets Manager, AppConfig), each loaded on its first fetch. */
export const createSource = (opts: ResolvedOptions): Source => {
  const stores = new Set(opts.entries.map((entry) => storeOf(entry.ref)))
  const sources = new Map([...stores].map((store) => [store, SOURCES[store](opts)] as const))
  return sources.size === 1 ? ([...sources.values()][0] as Source) : new CompositeSource(sources)
}
