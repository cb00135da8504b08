import { SSMClient } from '@aws-sdk/client-ssm'
import type { ResolvedOptions } from './options.js'
import type { ParameterRef } from './parameter.js'
import { limitResponses } from './response-limit.js'
import { type SecretsManagerModule, SecretsManagerSource } from './secrets-manager.js'
import type { Outcome, Source } from './source.js'
import { SsmSource } from './ssm.js'
import type { AwsClientLike } from './types.js'

type ClientClass = new (config: any) => AwsClientLike

const createClient = (Client: ClientClass, clientOptions: Readonly<Record<string, unknown>>, opts: ResolvedOptions) => {
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
  return opts.awsClientCapture ? (opts.awsClientCapture(client) ?? client) : client
}

// Module specifier in a variable: bundlers must not pull the optional peer into a bundle that never uses it.
const SECRETS_MANAGER_SDK = '@aws-sdk/client-secrets-manager'

const loadSecretsManager = async (opts: ResolvedOptions) => {
  const module = (await import(SECRETS_MANAGER_SDK)) as SecretsManagerModule & { SecretsManagerClient: ClientClass }
  const Client = opts.secretsManager.AwsClient ?? module.SecretsManagerClient
  return { client: createClient(Client, opts.secretsManager.awsClientOptions, opts), module }
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

/** The source for a map: Parameter Store, Secrets Manager, or both; clients are made on first fetch. */
export const createSource = (opts: ResolvedOptions): Source => {
  const kinds = new Set(opts.entries.map((entry) => entry.ref.kind === 'secret'))
  const ssm = new SsmSource(() =>
    createClient(opts.AwsClient ?? (SSMClient as unknown as ClientClass), opts.awsClientOptions, opts),
  )
  if (!kinds.has(true)) return ssm
  const secretsManager = new SecretsManagerSource(() => loadSecretsManager(opts), opts.secretsManager.batch)
  return kinds.has(false) ? new CompositeSource(ssm, secretsManager) : secretsManager
}
