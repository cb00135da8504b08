import { classifyError } from '../classify.js'
import type { ParameterRef } from '../parameter.js'
import type { SpecFields, StoreKind } from './kind.js'
import { SpecError } from './kind.js'
import { type ClientClass, createClient, LazySource, loadSdk, once, start, thenOrNow } from './lazy.js'
import type { SecretsManagerModule } from './stores/secrets-manager.js'

/** The prefix that sends an entry to Secrets Manager instead of Parameter Store. */
export const SECRETS_MANAGER = 'secretsmanager:'
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[a-zA-Z0-9/_+=.@-]+$/
const SECRET_NAME = /^[a-zA-Z0-9/_+=.@-]{1,512}$/
const STAGE = /^[a-zA-Z0-9_.+=@-]{1,256}$/
const SDK = '@aws-sdk/client-secrets-manager'

/** A secret as its source reads it: `batched` when `secretsManager.batch` may send it in BatchGetSecretValue. */
export interface SecretRef extends ParameterRef {
  readonly store: 'secretsmanager'
  readonly batched: boolean
}

const isSecretId = (id: string): boolean => SECRET_NAME.test(id) || SECRET_ARN.test(id)

/** A Secrets Manager secret: `secretsmanager:<name or ARN>`, or a secret ARN as it is. */
const parse = (input: string, fields: SpecFields, settings: Readonly<Record<string, unknown>>): SecretRef => {
  const secretId = input.startsWith(SECRETS_MANAGER) ? input.slice(SECRETS_MANAGER.length) : input
  const versionStage = fields.versionStage
  if (versionStage !== undefined && typeof versionStage !== 'string') {
    throw new SpecError('versionStage', 'must be a string')
  }
  if (!isSecretId(secretId)) {
    // `prod/db:AWSPREVIOUS`, as Parameter Store takes a selector: no secret name or ARN holds that colon.
    const bare = secretId.replace(/:[^:]*$/, '')
    if (bare !== secretId && isSecretId(bare)) {
      throw new Error(
        "has a selector after ':', which a secret takes as versionStage: { name: 'secretsmanager:<name>', versionStage: '<stage>' }",
      )
    }
    throw new Error('is not a secret name (1–512 of a-z A-Z 0-9 / _ + = . @ -) or secret ARN')
  }
  // AWS allows a name ending in /, but everywhere else in a map that means a path: most likely every secret under
  // prod/ was meant, which Secrets Manager does not read. A secret really named so is read by its full ARN.
  if (secretId.endsWith('/')) {
    throw new Error(
      'ends in /: a secret is one value, not a path (only Parameter Store names ending in / are paths); name one secret, or give the full ARN (…:secret:<name>-AbCdEf) of a secret whose name ends in /',
    )
  }
  if (versionStage !== undefined && !STAGE.test(versionStage)) throw new Error('has an invalid versionStage')
  const stage = versionStage === 'AWSCURRENT' ? '' : (versionStage ?? '')
  return {
    store: 'secretsmanager',
    // Only secrets on AWSCURRENT go in batches (BatchGetSecretValue takes no stage).
    batched: settings.batch === true && stage === '',
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
    actions: (ref) =>
      (ref as SecretRef).batched
        ? 'secretsmanager:GetSecretValue, and secretsmanager:BatchGetSecretValue for secretsManager.batch'
        : 'secretsmanager:GetSecretValue',
    invalidRequest: (ref, f) =>
      f.errorName === 'InvalidRequestException'
        ? 'the secret is not readable in its current state (a secret scheduled for deletion is reported as not_found) or the entry is wrong'
        : `check ${(ref as SecretRef).selector ? 'the entry and its versionStage; if they are' : 'the entry; if it is'} right, report it to middy-secrets with the error name and request id`,
    missing: (_, f) =>
      f.detail === 'scheduled for deletion'
        ? 'the secret is scheduled for deletion: restore it (RestoreSecret)'
        : 'create the secret or fix its name or versionStage',
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
            const module = await loadSdk(sdkModule, SDK)
            const Client = settings.AwsClient ?? module.SecretsManagerClient
            return { client: createClient(Client, settings.awsClientOptions, opts, secretsManagerKind.title), module }
          }
          return new SecretsManagerSource(load, settings.settings.batch === true, classifyError)
        }),
      secretsManagerKind.title,
      'stores/secrets-manager.js',
    )
  },
}
