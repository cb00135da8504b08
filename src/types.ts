import type { AppConfigDataClient, AppConfigDataClientConfig } from '@aws-sdk/client-appconfigdata'
import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager'
import type { SSMClient, SSMClientConfig } from '@aws-sdk/client-ssm'
import type { Context } from 'aws-lambda'
import type { FailureInfo, Reason } from './errors.js'
import type { Source } from './sources/source.js'

/**
 * A JSON value, as `transform: 'json'` returns it.
 *
 * @example
 * ```ts
 * const limits = context.LIMITS as { max: number } // narrow what transform: 'json' gave
 * ```
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/**
 * Turns a parameter's raw string into the value handed to the handler.
 *
 * @example
 * ```ts
 * const port: Transform = 'number'
 * const hosts: Transform = (raw) => raw.split(',').map((host) => host.trim())
 * ```
 */
export type Transform = 'stringList' | 'json' | 'number' | 'boolean' | ((raw: string) => unknown)

/**
 * One entry of `fetchData` in its long form.
 *
 * @example
 * ```ts
 * const limits: ParameterSpec = { name: '/shared/limits', transform: 'json', required: false }
 * ```
 */
export interface ParameterSpec {
  /**
   * A name, `name:version`, `name:label`, a parameter ARN, or a path ending in `/`; or a Secrets Manager
   * secret as `secretsmanager:<name or ARN>` (or a secret ARN); an AppConfig configuration profile as
   * `appconfig:<application>/<environment>/<profile>` (names or ids); a DynamoDB item as `dynamodb:<table>/<id>`,
   * or every item of its partition as `dynamodb:<table>/<id>/`; or `<store>:<reference>` for a store of the
   * `stores` option.
   */
  readonly name: string
  /** Secrets Manager only: the version stage to read. Default `AWSCURRENT`. */
  readonly versionStage?: string
  /** DynamoDB only: the partition key attribute, a string (`S`) key. Default `'id'`. */
  readonly keyAttr?: string
  /** DynamoDB partitions only: the attribute whose value names each item in the object. Default `'sk'`. */
  readonly sortAttr?: string
  /** DynamoDB only: the attribute holding the value, a string (`S`) or number (`N`). Default `'value'`. */
  readonly valueAttr?: string
  /** How the raw string becomes the handler's value. Default: none, the string itself. */
  readonly transform?: Transform
  /** Default `true`: a missing value fails the invocation. `false` leaves it `undefined`. */
  readonly required?: boolean
  /** Paths only. Default `true`: every parameter below the path, not only its direct children. */
  readonly recursive?: boolean
}

/**
 * The per-function secret map: key → parameter.
 *
 * @example
 * ```ts
 * const fetchData = {
 *   TWITTER_ACCESS_TOKEN: '/bots/superman/twitter-token',
 *   DB: { name: 'secretsmanager:prod/db', transform: 'json' },
 * } as const satisfies FetchData
 * ```
 */
export type FetchData = { readonly [key: string]: string | ParameterSpec }

/**
 * Where a logger event goes. The Powertools Logger and `console` fit as they are.
 *
 * @example
 * ```ts
 * import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger'
 * const logger: Logger = new PowertoolsLogger({ serviceName: 'superman' })
 * secrets({ fetchData, logger })
 * ```
 */
export interface Logger {
  /** Routine events: each fetch and its timing. Default: silent. */
  debug?: (message: string, event: LogEvent) => void
  /** Events that need no attention (none are logged at this level today). Default: silent. */
  info?: (message: string, event: LogEvent) => void
  /** A key entering or leaving degraded service (stale, environment, missing). Default: `console.warn`. */
  warn?: (message: string, event: LogEvent) => void
  /** An invocation failed for want of a value; `onChange` threw. Default: `console.error`. */
  error?: (message: string, event: LogEvent) => void
}

/**
 * What a log line carries: names, rungs, reasons, the safe details of a failure (error name, HTTP status, request
 * id, host, denied ARN) and timings. Never a value. Events: `degraded` and `recovered` (warn, info), `unavailable`
 * (error: `reasons` and `failures` by key), `fetched` (debug), `env_conflict` (error), `option_unit` (warn).
 *
 * @example
 * ```ts
 * const logger: Logger = {
 *   warn: (message, event: LogEvent) => metrics.count(`secrets.${event.event}`, { key: String(event.key) }),
 * }
 * ```
 */
export interface LogEvent {
  /** What happened: `fetched`, `degraded`, `recovered`, `unavailable`, `onChange_failed`. */
  readonly event: string
  readonly [field: string]:
    | string
    | number
    | boolean
    | readonly string[]
    | Readonly<Record<string, string>>
    | Readonly<Record<string, FailureInfo>>
    | undefined
}

/**
 * Every time and random decision goes through this: swap it for a virtual clock in tests and simulations.
 *
 * @example
 * ```ts
 * let now = 0
 * const clock: Clock = { now: () => now, random: () => 0.5 }
 * const mw = secrets({ fetchData, clock })
 * now += 300_000 // five minutes later, without waiting
 * ```
 */
export interface Clock {
  /** Milliseconds, like `Date.now()`. */
  now(): number
  /** In [0, 1), like `Math.random()`. */
  random(): number
}

/**
 * The smallest shape of an AWS SDK v3 client that the middleware needs.
 *
 * @example
 * ```ts
 * class TracedSSMClient extends SSMClient {} // any class with send(command, { abortSignal })
 * secrets({ fetchData, AwsClient: TracedSSMClient })
 * ```
 */
export interface AwsClientLike {
  /** Sends one SDK command; the middleware passes an abort signal bounded by `fetchTimeout`. */
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>
}

/**
 * Milliseconds: every duration option is in milliseconds (Powertools' `maxAge` is in seconds).
 *
 * @example
 * ```ts
 * const cacheExpiry: Milliseconds = 5 * 60_000 // five minutes
 * ```
 */
export type Milliseconds = number

/**
 * Options of {@link secrets}. Only `fetchData` is required.
 *
 * @example
 * ```ts
 * const options = {
 *   fetchData: { TWITTER_ACCESS_TOKEN: '/bots/superman/twitter-token' },
 *   cacheExpiry: 5 * 60_000,
 * } as const satisfies SecretsOptions
 * ```
 */
export interface SecretsOptions<F extends FetchData = FetchData> {
  /**
   * Key → parameter: a name, `name:version`, `name:label`, a parameter ARN, a path ending in `/`, a secret as
   * `secretsmanager:<id>`, or a {@link ParameterSpec}. Declare the options `as const` (or inline them in
   * `secrets()`) so each key's type follows its entry.
   */
  readonly fetchData: F
  /**
   * Put each value on `context[key]` (values are always on `request.internal` too).
   * @defaultValue `true`
   */
  readonly setToContext?: boolean
  /**
   * Hold each value in `process.env[key]` (strings only) before every invocation. A dumped environment shows
   * every value: opt in only where code reads `process.env`, one instance per process.
   * @defaultValue `false`
   */
  readonly setToEnv?: boolean
  /**
   * Milliseconds a fetched value counts as fresh; `-1` never refreshes, `0` fetches on every invocation.
   * @defaultValue `300000` (5 minutes)
   */
  readonly cacheExpiry?: Milliseconds
  /**
   * Fraction, 0 to 1: each refresh is scheduled up to this fraction of `cacheExpiry` early, at random, so a
   * fleet does not refresh in step.
   * @defaultValue `0.1`
   */
  readonly jitter?: number
  /**
   * Milliseconds past expiry during which the expired value is still served at once while a background
   * refresh runs (for functions invoked less often than `cacheExpiry`).
   * @defaultValue `0`
   */
  readonly staleWhileRevalidate?: Milliseconds
  /**
   * Milliseconds past expiry that the last good value may still be served while the store fails.
   * @defaultValue `86400000` (24 hours)
   */
  readonly staleIfError?: Milliseconds
  /**
   * When the store cannot give a value, serve the deploy-time `process.env[key]` (as it was before this
   * package wrote to it).
   * @defaultValue `true`
   */
  readonly fallbackToEnv?: boolean
  /**
   * Milliseconds an invocation may wait for a fetch, never past its remaining time less a margin; also the
   * HTTP request and connection timeout of the SDK client.
   * @defaultValue `2000`
   */
  readonly fetchTimeout?: Milliseconds
  /**
   * Do not start fetching when the middleware is created (Lambda's init phase), only at the first invocation.
   * @defaultValue `false`
   */
  readonly disablePrefetch?: boolean
  /**
   * Passed to `new SSMClient(...)`, and the base of the Secrets Manager, AppConfig Data and DynamoDB clients'
   * options: `secretsManager`, `appConfig` or `dynamodb` may give `awsClientOptions` of its own, which override
   * these field by field. `region`, `endpoint`, `credentials` (e.g. `fromTemporaryCredentials` for another
   * account), `maxAttempts`… A `requestHandler` given here replaces the one built from `fetchTimeout`.
   * @defaultValue `{}`
   */
  readonly awsClientOptions?: Readonly<SSMClientConfig>
  /**
   * The Parameter Store client class.
   * @defaultValue `SSMClient` from `@aws-sdk/client-ssm`
   */
  readonly AwsClient?: new (
    config: SSMClientConfig,
  ) => AwsClientLike
  /**
   * Applied to each client made, of every store the map names, e.g. X-Ray's `captureAWSv3Client`. Its result is
   * used as the client when it has a `send` method; otherwise the client itself.
   * @defaultValue none
   */
  readonly awsClientCapture?: (
    client: SSMClient | SecretsManagerClient | AppConfigDataClient | DynamoDBClient,
  ) => unknown
  /**
   * Called with the keys whose value changed after a refresh (rebuild a connection pool when a password
   * rotates). Never called with values.
   * @defaultValue none
   */
  readonly onChange?: (keys: string[]) => void
  /**
   * Where structured events go (never values): the Powertools Logger and `console` fit.
   * @defaultValue warnings and errors to `console`; debug and info silent
   */
  readonly logger?: Logger
  /**
   * Every time and random decision goes through it: for tests and simulations.
   * @defaultValue real time and `Math.random`
   */
  readonly clock?: Clock
  /**
   * For entries read from Secrets Manager (`secretsmanager:<id>`).
   * @defaultValue `{}`
   */
  readonly secretsManager?: SecretsManagerOptions
  /**
   * For entries read from DynamoDB (`dynamodb:<table>/<id>`).
   * @defaultValue `{}`
   */
  readonly dynamodb?: DynamoDbOptions
  /**
   * For entries read from AWS AppConfig (`appconfig:<application>/<environment>/<profile>`).
   * @defaultValue `{}`
   */
  readonly appConfig?: AppConfigOptions
  /**
   * Stores of your own, by name: `stores: { vault: source }` reads entries `vault:<reference>` through `source`
   * (a {@link Source}), with the same ladder, refresh and typing as the built-in stores. A name is 1–32 of
   * a-z 0-9 -, starting with a letter, and not a built-in store's.
   * @defaultValue none
   */
  readonly stores?: Readonly<Record<string, Source>>
}

/**
 * How items are read from DynamoDB. The client comes from the optional peer dependency `@aws-sdk/client-dynamodb`,
 * loaded only when the map names a DynamoDB entry.
 *
 * @example
 * ```ts
 * secrets({ fetchData: { FLAGS: 'dynamodb:config/flags/' }, dynamodb: { consistentRead: true } })
 * ```
 */
export interface DynamoDbOptions {
  /**
   * Strongly consistent reads: a change is seen at once instead of within about a second, for twice the read
   * capacity (1 RCU per 4 KB of item instead of 0.5).
   * @defaultValue `false`
   */
  readonly consistentRead?: boolean
  /**
   * Passed to `new DynamoDBClient(...)` over the top-level `awsClientOptions`, field by field (`{ ...top, ...own }`):
   * give only what differs for DynamoDB, such as a `region`; the top-level `credentials`, `endpoint` and the rest
   * still apply. A field given as `undefined` here unsets the top-level one for DynamoDB (the SDK's default
   * applies).
   * @defaultValue the top-level `awsClientOptions`
   */
  readonly awsClientOptions?: ClientOverrides<DynamoDBClientConfig>
  /**
   * The DynamoDB client class.
   * @defaultValue `DynamoDBClient` from `@aws-sdk/client-dynamodb`
   */
  readonly AwsClient?: new (
    config: DynamoDBClientConfig,
  ) => AwsClientLike
}

/**
 * A store's own client options, laid over the top-level `awsClientOptions` field by field: each field given wins,
 * and a field given as `undefined` removes the top-level one for that store (so the SDK's default applies), which
 * strict projects (`exactOptionalPropertyTypes`) may write too. `C` is the store client's config type.
 *
 * @example
 * ```ts
 * const own: ClientOverrides<SecretsManagerClientConfig> = { region: 'eu-central-1', endpoint: undefined }
 * secrets({ fetchData: { DB: 'secretsmanager:prod/db' }, secretsManager: { awsClientOptions: own } })
 * ```
 */
export type ClientOverrides<C> = { readonly [K in keyof C]?: C[K] | undefined }

/**
 * How configuration profiles are read from AWS AppConfig. The client comes from the optional peer dependency
 * `@aws-sdk/client-appconfigdata`, loaded only when the map names a profile. Whatever the options say, the client
 * makes one attempt per call (`maxAttempts: 1`, no `retryStrategy`): a retry would resend a single-use token.
 *
 * @example
 * ```ts
 * // Parameter Store in the function's region, AppConfig in another one (with the same credentials).
 * secrets({
 *   fetchData: { DB_URL: '/shop/db-url', FLAGS: { name: 'appconfig:shop/prod/flags', transform: 'json' } },
 *   appConfig: { awsClientOptions: { region: 'eu-central-1' } },
 * })
 * ```
 */
export interface AppConfigOptions {
  /**
   * Passed to `new AppConfigDataClient(...)` over the top-level `awsClientOptions`, field by field
   * (`{ ...top, ...own }`): `{ region: 'eu-central-1' }` reads AppConfig from another region with the top-level
   * `credentials` and `endpoint`. A field given as `undefined` here unsets the top-level one for AppConfig (the SDK's
   * default applies). `maxAttempts` is always 1.
   * @defaultValue the top-level `awsClientOptions`
   */
  readonly awsClientOptions?: ClientOverrides<AppConfigDataClientConfig>
  /**
   * The AppConfig Data client class.
   * @defaultValue `AppConfigDataClient` from `@aws-sdk/client-appconfigdata`
   */
  readonly AwsClient?: new (
    config: AppConfigDataClientConfig,
  ) => AwsClientLike
}

/**
 * How secrets are fetched from Secrets Manager. The client comes from the optional peer dependency
 * `@aws-sdk/client-secrets-manager`, loaded only when the map names a secret.
 *
 * @example
 * ```ts
 * secrets({ fetchData: { DB: { name: 'secretsmanager:prod/db', transform: 'json' } }, secretsManager: { batch: true } })
 * ```
 */
export interface SecretsManagerOptions {
  /**
   * `false`: one `GetSecretValue` per secret, all at once (its quota is ~10,000 per second).
   * `true`: `BatchGetSecretValue` with up to 20 ids per call (~100 calls per second per account).
   * @defaultValue `false`
   */
  readonly batch?: boolean
  /**
   * Passed to `new SecretsManagerClient(...)` over the top-level `awsClientOptions`, field by field (`{ ...top, ...own }`):
   * give only what differs for Secrets Manager, such as a `region`; the top-level `credentials`, `endpoint` and the rest
   * still apply. A field given as `undefined` here unsets the top-level one for Secrets Manager (the SDK's default
   * applies).
   * @defaultValue the top-level `awsClientOptions`
   */
  readonly awsClientOptions?: ClientOverrides<SecretsManagerClientConfig>
  /**
   * The Secrets Manager client class.
   * @defaultValue `SecretsManagerClient` from `@aws-sdk/client-secrets-manager`
   */
  readonly AwsClient?: new (
    config: SecretsManagerClientConfig,
  ) => AwsClientLike
}

/**
 * The type a transform gives: `'json'` a {@link JsonValue}, `'number'` a number, `'boolean'` a boolean,
 * `'stringList'` a string array, a function its return type, none a string.
 *
 * @example
 * ```ts
 * type Port = TransformResult<'number'> // number
 * ```
 */
export type TransformResult<T> = T extends 'json'
  ? JsonValue
  : T extends 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'stringList'
        ? string[]
        : T extends (raw: string) => infer R
          ? R
          : string

/**
 * How an entry's name shapes its value: a path (a name ending in `/`) gives an object of relative name →
 * value, any other name the value itself. A name typed only as `string` (options declared without
 * `as const`) could be either, so it gives both and the handler has to narrow.
 *
 * @example
 * ```ts
 * type Db = ShapeOf<'/shared/db/', string> // Record<string, string>
 * type Unknown = ShapeOf<string, string> // string | Record<string, string>
 * ```
 */
export type ShapeOf<N, V> = string extends N
  ? V | Record<string, V>
  : N extends `secretsmanager:${string}` | `appconfig:${string}`
    ? V
    : N extends `${string}/`
      ? Record<string, V>
      : V

/**
 * The type a handler sees for one entry of `fetchData`.
 *
 * @example
 * ```ts
 * type Port = SecretValue<{ name: '/shared/port'; transform: 'number' }> // number
 * type Db = SecretValue<'/shared/db/'> // Record<string, string>
 * ```
 */
export type SecretValue<E> = E extends string
  ? ShapeOf<E, string>
  : E extends { readonly name: infer N; readonly transform?: infer T }
    ? // `undefined` where the entry may be missing: `required` false, or only known to be a boolean
        | ShapeOf<N, TransformResult<T>>
        | ('required' extends keyof E ? (false extends E['required' & keyof E] ? undefined : never) : never)
    : never

/**
 * The values a `fetchData` map puts on `context`.
 *
 * @example
 * ```ts
 * type V = SecretValues<{ TOKEN: '/bots/superman/token'; LIMITS: { name: '/shared/limits'; transform: 'json' } }>
 * // { TOKEN: string; LIMITS: JsonValue }
 * ```
 */
export type SecretValues<F extends FetchData> = string extends keyof F
  ? Record<string, any> // a map not known at compile time: no key can be typed
  : { -readonly [K in keyof F]: SecretValue<F[K]> }

/**
 * The Lambda context a handler sees once {@link secrets} ran, for handlers written before `.use()`.
 *
 * @example
 * ```ts
 * const options = { fetchData: { TWITTER_ACCESS_TOKEN: '/bots/superman/twitter-token' } } as const
 * const superman = async (event: unknown, context: SecretsContext<typeof options>) => {
 *   context.TWITTER_ACCESS_TOKEN // string
 * }
 * export const handler = middy(superman).use(secrets(options))
 * ```
 */
export type SecretsContext<O extends { readonly fetchData: FetchData }> = O extends { readonly setToContext: false }
  ? Context
  : Context & SecretValues<O['fetchData']>

/**
 * Which rung of the ladder serves a key now: `pending` before the first invocation.
 *
 * @example
 * ```ts
 * const degraded = Object.values(mw.stats().keys).filter((key) => key.rung !== 'fresh')
 * ```
 */
export type Rung = 'fresh' | 'stale' | 'env' | 'missing' | 'pending'

/**
 * What `stats()` reports for one key: never its value.
 *
 * @example
 * ```ts
 * const { rung, ageMs, reason }: KeyStats = mw.stats().keys.TWITTER_ACCESS_TOKEN
 * ```
 */
export interface KeyStats {
  /** The entry the key reads, as written in `fetchData`, prefix included (`secretsmanager:prod/db`). */
  readonly parameter: string
  /** The rung of the ladder serving the key now. */
  readonly rung: Rung
  /** Milliseconds since the value served now was fetched from the store; undefined for env or missing. */
  readonly ageMs: number | undefined
  /** Why the last attempt to fetch it failed, if it did. */
  readonly reason: Reason | undefined
  /** The safe details of that failure: error name, HTTP status, request id, host, denied ARN. */
  readonly failure: FailureInfo | undefined
}

/**
 * What `stats()` returns.
 *
 * @example
 * ```ts
 * const stats: SecretsStats = mw.stats()
 * console.log(stats.storeCalls, Object.keys(stats.keys))
 * ```
 */
export interface SecretsStats {
  /** Per key of `fetchData`. */
  readonly keys: Readonly<Record<string, KeyStats>>
  /** Store API calls made by this middleware instance so far. */
  readonly storeCalls: number
}
