import type { FailureInfo } from './errors.js'
import type { ResolvedOptions } from './options.js'
import type { ParameterRef } from './parameter.js'
import type { SecretsManagerModule } from './secrets-manager.js'
import type { Outcome, Source } from './source.js'
import type { SsmModule } from './ssm.js'
import type { AwsClientLike } from './types.js'

type ClientClass = new (config: any) => AwsClientLike

const createClient = (Client: ClientClass, clientOptions: object, opts: ResolvedOptions): AwsClientLike => {
  // The SDK's HTTP handler has no request timeout by default, and without throwOnRequestTimeout it only
  // warns: a hung socket would hold a fetch forever.
  const config = {
    requestHandler: {
      requestTimeout: opts.fetchTimeout,
      connectionTimeout: opts.fetchTimeout,
      throwOnRequestTimeout: true,
    },
    ...clientOptions,
  }
  const client = new Client(config)
  return opts.awsClientCapture
    ? ((opts.awsClientCapture(client as never) as AwsClientLike | undefined) ?? client)
    : client
}

// SDK module specifiers in variables: a bundler must not pull an optional peer into a bundle (or fail the
// build when it is not installed). Node resolves them at run time, from node_modules or Lambda's runtime.
const SSM_SDK = '@aws-sdk/client-ssm'
const SECRETS_MANAGER_SDK = '@aws-sdk/client-secrets-manager'

/**
 * A store whose code and SDK client load on its first fetch, so a map that never names the store never pays
 * for them: each store's module is its own chunk of the build (a dynamic import with a literal specifier), and
 * its SDK is imported by a specifier the bundler cannot see.
 */
class LazySource implements Source {
  private source: Source | undefined
  private loading: Promise<Source> | undefined

  constructor(
    private readonly load: () => Promise<Source>,
    private readonly sdk: string,
  ) {}

  get calls(): number {
    return this.source?.calls ?? 0
  }

  async fetch(refs: readonly ParameterRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    if (this.source === undefined) {
      try {
        this.loading ??= this.load()
        this.source = await this.loading
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

const ssmSource = (opts: ResolvedOptions): Source =>
  new LazySource(async () => {
    const [{ SsmSource }, sdk] = await Promise.all([
      import('./ssm.js'),
      import(SSM_SDK) as Promise<SsmModule & { SSMClient: ClientClass }>,
    ])
    const client = createClient(opts.AwsClient ?? sdk.SSMClient, opts.awsClientOptions, opts)
    return new SsmSource(() => client, sdk)
  }, SSM_SDK)

const secretsManagerSource = (opts: ResolvedOptions): Source =>
  new LazySource(async () => {
    const { SecretsManagerSource } = await import('./secrets-manager.js')
    // The Secrets Manager source loads its SDK itself, on its first fetch, and reports a missing one per secret.
    const load = async () => {
      const module = (await import(SECRETS_MANAGER_SDK)) as SecretsManagerModule & { SecretsManagerClient: ClientClass }
      const Client = opts.secretsManager.AwsClient ?? module.SecretsManagerClient
      return { client: createClient(Client, opts.secretsManager.awsClientOptions, opts), module }
    }
    return new SecretsManagerSource(load, opts.secretsManager.batch)
  }, SECRETS_MANAGER_SDK)

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
