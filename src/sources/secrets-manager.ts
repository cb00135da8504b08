import { classifyError } from '../classify.js'
import type { ParameterRef } from '../parameter.js'
import type { SpecFields, StoreKind } from './kind.js'
import { SpecError } from './kind.js'
import { type ClientClass, createClient, LazySource, once, start, thenOrNow } from './lazy.js'
import type { SecretsManagerModule } from './stores/secrets-manager.js'

/** The prefix that sends an entry to Secrets Manager instead of Parameter Store. */
export const SECRETS_MANAGER = 'secretsmanager:'
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[a-zA-Z0-9/_+=.@-]+$/
const SECRET_NAME = /^[a-zA-Z0-9/_+=.@-]{1,512}$/
const STAGE = /^[a-zA-Z0-9_.+=@-]{1,256}$/
const SDK = '@aws-sdk/client-secrets-manager'

/** A Secrets Manager secret: `secretsmanager:<name or ARN>`, or a secret ARN as it is. */
const parse = (input: string, fields: SpecFields): ParameterRef => {
  const secretId = input.startsWith(SECRETS_MANAGER) ? input.slice(SECRETS_MANAGER.length) : input
  const versionStage = fields.versionStage
  if (versionStage !== undefined && typeof versionStage !== 'string') {
    throw new SpecError('versionStage', 'must be a string')
  }
  if (!SECRET_NAME.test(secretId) && !SECRET_ARN.test(secretId)) {
    throw new Error('is not a secret name (1–512 of a-z A-Z 0-9 / _ + = . @ -) or secret ARN')
  }
  if (versionStage !== undefined && !STAGE.test(versionStage)) throw new Error('has an invalid versionStage')
  const stage = versionStage === 'AWSCURRENT' ? '' : (versionStage ?? '')
  return {
    store: 'secretsmanager',
    kind: 'secret',
    id: `${SECRETS_MANAGER}${secretId}:${stage}`,
    name: secretId,
    entry: input,
    selector: stage,
    arn: '',
    pinned: false,
    recursive: false,
  }
}

const modules = once(() => import('./stores/secrets-manager.js'))
const sdkModule = once(() => import(SDK) as Promise<SecretsManagerModule & { SecretsManagerClient: ClientClass }>)

/** Secrets Manager: `secretsmanager:<name or ARN>` or a secret ARN, with `versionStage` in the object form. */
export const secretsManagerKind: StoreKind = {
  store: 'secretsmanager',
  title: 'Secrets Manager',
  aws: {
    actions: () => 'secretsmanager:GetSecretValue; with secretsManager.batch also secretsmanager:BatchGetSecretValue',
    missing: () => 'create the secret or fix its name or versionStage',
    quota: 'raise its quota, or read up to 20 secrets a call with secretsManager: { batch: true }',
    endpoint: 'secretsmanager',
  },
  prefix: SECRETS_MANAGER,
  recognises: (input) =>
    input.startsWith(SECRETS_MANAGER) || (input.startsWith('arn:') && input.includes(':secretsmanager:')),
  parse,
  fields: { versionStage: 'Secrets Manager secrets' },
  option: { name: 'secretsManager', settings: { batch: 'boolean' } },
  sdk: SDK,
  source: (opts, settings) => {
    start(modules)
    start(sdkModule)
    return new LazySource(
      () =>
        thenOrNow(modules(), ({ SecretsManagerSource }) => {
          // The Secrets Manager source takes its SDK on its first fetch, and reports a missing one per secret.
          const load = async () => {
            const module = await sdkModule()
            const Client = settings.AwsClient ?? module.SecretsManagerClient
            return { client: createClient(Client, settings.awsClientOptions, opts), module }
          }
          return new SecretsManagerSource(load, settings.settings.batch === true, classifyError)
        }),
      SDK,
    )
  },
}
