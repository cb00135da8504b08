import { classifyError } from '../classify.js'
import type { StoreKind } from './kind.js'
import { type ClientClass, createClient, LazySource, loadSdk, once, start, thenOrNow } from './lazy.js'
import type { SourceRef } from './source.js'
import type { AppConfigModule } from './stores/appconfig.js'

/** The prefix that sends an entry to AWS AppConfig: `appconfig:<application>/<environment>/<profile>`. */
export const APPCONFIG = 'appconfig:'
const SDK = '@aws-sdk/client-appconfigdata'
/** AppConfig Data's limit on each identifier (`ApplicationIdentifier` and the others): a name or an id. */
const MAX_IDENTIFIER = 128
const SEGMENTS = ['application', 'environment', 'configuration profile'] as const

/** An AppConfig configuration profile, as StartConfigurationSession names it (names or ids). */
export interface AppConfigRef extends SourceRef {
  readonly store: 'appconfig'
  readonly kind: 'appconfig'
  readonly application: string
  readonly environment: string
  readonly profile: string
}

/**
 * Parses `appconfig:<application>/<environment>/<profile>`: three non-empty identifiers (names or ids) of at most
 * 128 characters, as StartConfigurationSession takes them. Throws a plain Error saying which segment is wrong.
 */
export const parseAppConfig = (input: string): AppConfigRef => {
  const body = input.slice(APPCONFIG.length)
  const parts = body.split('/')
  if (parts.length !== 3) {
    throw new Error(
      `is not appconfig:<application>/<environment>/<profile> (${parts.length} segment${parts.length === 1 ? '' : 's'}, not 3; a name holding '/' is given by its id)`,
    )
  }
  parts.forEach((part, i) => {
    if (part.length === 0) throw new Error(`has an empty ${SEGMENTS[i]}`)
    if (part.length > MAX_IDENTIFIER) throw new Error(`has a ${SEGMENTS[i]} longer than ${MAX_IDENTIFIER} characters`)
  })
  const [application, environment, profile] = parts as [string, string, string]
  return {
    store: 'appconfig',
    kind: 'appconfig',
    id: input,
    name: body,
    entry: input,
    pinned: false,
    application,
    environment,
    profile,
  }
}

const modules = once(() => import('./stores/appconfig.js'))
const sdkModule = once(() => import(SDK) as Promise<AppConfigModule & { AppConfigDataClient: ClientClass }>)

/**
 * AWS AppConfig: `appconfig:<application>/<environment>/<profile>`, read through the AppConfig Data API with the
 * `appConfig` option's client options (the top-level `awsClientOptions` unless given).
 */
export const appConfigKind: StoreKind = {
  store: 'appconfig',
  title: 'AppConfig',
  aws: {
    actions: () => 'appconfig:StartConfigurationSession and appconfig:GetLatestConfiguration',
    missing: () =>
      'create the application, environment and configuration profile (and deploy a configuration) or fix their names',
    // The identifiers are checked at construction as StartConfigurationSession takes them.
    invalidRequest: () =>
      'check the entry (application, environment and configuration profile, by name or id); if it is right, report it to middy-secrets with the error name and request id',
    quota: 'raise its quota',
    endpoint: 'appconfigdata',
  },
  prefix: APPCONFIG,
  recognises: (input) => input.startsWith(APPCONFIG),
  parse: parseAppConfig,
  option: { name: 'appConfig' },
  sdk: SDK,
  source: (opts, settings) => {
    start(modules)
    start(sdkModule)
    return new LazySource(
      () =>
        thenOrNow(modules(), ({ AppConfigSource }) => {
          // The source takes its SDK on its first fetch, and reports a missing one per entry.
          const load = async () => {
            const module = await loadSdk(sdkModule, SDK)
            // One attempt per call: an SDK retry would send a single-use token twice. The ladder retries instead.
            const { retryStrategy: _, ...clientOptions } = settings.awsClientOptions
            const Client = settings.AwsClient ?? module.AppConfigDataClient
            const client = createClient(Client, { ...clientOptions, maxAttempts: 1 }, opts, appConfigKind.title)
            return { client, module }
          }
          return new AppConfigSource(load, opts.clock, classifyError)
        }),
      appConfigKind.title,
      'stores/appconfig.js',
    )
  },
}
