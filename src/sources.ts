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

/**
 * Starts loading at construction, while the module that builds the middleware is still loading: every import()
 * of the store's modules begins then, never later from a round in the background (some loaders refuse an
 * import that starts outside the code that ran them: jest, between a beforeAll and a test). A failure is left
 * to the first fetch, which reports it and tries again.
 */
const start = (load: () => unknown): void => {
  const loading = load()
  if (loading instanceof Promise) loading.catch(() => undefined)
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

const ssmSource = (opts: ResolvedOptions): Source => {
  start(ssmModules)
  return new LazySource(
    () =>
      then(ssmModules(), ({ SsmSource, sdk }) => {
        const client = createClient(opts.AwsClient ?? sdk.SSMClient, opts.awsClientOptions, opts)
        return new SsmSource(() => client, sdk)
      }),
    SSM_SDK,
  )
}

const secretsManagerModules = once(() => import('./secrets-manager.js'))
const secretsManagerSdk = once(
  () => import(SECRETS_MANAGER_SDK) as Promise<SecretsManagerModule & { SecretsManagerClient: ClientClass }>,
)

const secretsManagerSource = (opts: ResolvedOptions): Source => {
  start(secretsManagerModules)
  start(secretsManagerSdk)
  return new LazySource(
    () =>
      then(secretsManagerModules(), ({ SecretsManagerSource }) => {
        // The Secrets Manager source takes its SDK on its first fetch, and reports a missing one per secret.
        const load = async () => {
          const module = await secretsManagerSdk()
          const Client = opts.secretsManager.AwsClient ?? module.SecretsManagerClient
          return { client: createClient(Client, opts.secretsManager.awsClientOptions, opts), module }
        }
        return new SecretsManagerSource(load, opts.secretsManager.batch)
      }),
    SECRETS_MANAGER_SDK,
  )
}

/** Sends each reference to the source that owns its kind, all at once. */
class CompositeSource implements Source {
  constructor(
    private readonly ssm: Source,
    private readonly secretsManager: Source,
  ) {}

  get calls(): number {
    return this.ssm.calls + this.secretsManager.calls
  }

  async fetch(refs: readonly ParameterRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    const secrets = refs.filter((ref) => ref.kind === 'secret')
    const parameters = refs.filter((ref) => ref.kind !== 'secret')
    await Promise.all([
      parameters.length > 0 && this.ssm.fetch(parameters, signal, out),
      secrets.length > 0 && this.secretsManager.fetch(secrets, signal, out),
    ])
  }
}

/** The source for a map: Parameter Store, Secrets Manager, or both; each loads on its first fetch. */
export const createSource = (opts: ResolvedOptions): Source => {
  const kinds = new Set(opts.entries.map((entry) => entry.ref.kind === 'secret'))
  if (!kinds.has(true)) return ssmSource(opts)
  if (!kinds.has(false)) return secretsManagerSource(opts)
  return new CompositeSource(ssmSource(opts), secretsManagerSource(opts))
}
