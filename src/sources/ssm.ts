import { classifyError } from '../classify.js'
import { parseSsm } from '../parameter.js'
import type { StoreKind } from './kind.js'
import { SpecError } from './kind.js'
import { type ClientClass, createClient, LazySource, loadSdk, once, start, thenOrNow } from './lazy.js'
import type { SsmModule } from './stores/ssm.js'

const SDK = '@aws-sdk/client-ssm'
const SECRETS_REFERENCE = '/aws/reference/secretsmanager/'
const PATHS = 'Parameter Store paths (names ending in /)'

const modules = once(async () => {
  const [{ SsmSource }, sdk] = await Promise.all([
    import('./stores/ssm.js'),
    loadSdk(() => import(SDK) as Promise<SsmModule & { SSMClient: ClientClass }>, SDK),
  ])
  return { SsmSource, sdk }
})

/**
 * Parameter Store: every entry no other store recognises (its names take no prefix). Its rules are in
 * parameter.ts; `recursive` in the object form applies to paths.
 */
export const ssmKind: StoreKind = {
  store: 'ssm',
  title: 'Parameter Store',
  aws: {
    actions: (ref) =>
      ref.kind === 'path'
        ? 'ssm:GetParametersByPath'
        : // SSM reads a secret through /aws/reference/secretsmanager/ with the caller's own rights.
          ref.name.startsWith(SECRETS_REFERENCE)
          ? 'ssm:GetParameters, and secretsmanager:GetSecretValue on the secret'
          : 'ssm:GetParameters',
    missing: (ref) =>
      ref.kind === 'path'
        ? 'create parameters under the path or fix it'
        : 'create the parameter or fix its name, version or label',
    // Entries are checked against SSM's own naming rules at construction: a refusal of one that passed is ours.
    invalidRequest: () =>
      `check the entry (its name, version or label) and that ${SDK} is 3.910 or later; if both are right, report it to middy-secrets with the error name and request id`,
    quota: 'raise its throughput (the higher-throughput setting)',
    endpoint: 'ssm',
  },
  recognises: () => true,
  parse: (input, fields) => {
    const recursive = fields.recursive
    if (recursive !== undefined && typeof recursive !== 'boolean') throw new SpecError('recursive', 'must be a boolean')
    const ref = parseSsm(input, recursive !== false)
    if (recursive !== undefined && ref.kind !== 'path') {
      throw new SpecError('recursive', `applies to ${PATHS} only`)
    }
    return ref
  },
  fields: { recursive: PATHS },
  sdk: SDK,
  // The top-level awsClientOptions and AwsClient are Parameter Store's.
  source: (opts) => {
    start(modules)
    return new LazySource(
      () =>
        thenOrNow(modules(), ({ SsmSource, sdk }) => {
          const client = createClient(opts.AwsClient ?? sdk.SSMClient, opts.awsClientOptions, opts, ssmKind.title)
          return new SsmSource(() => client, sdk, classifyError)
        }),
      ssmKind.title,
      'stores/ssm.js',
    )
  },
}
