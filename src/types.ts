import type { Context } from 'aws-lambda'
import type { FailureInfo, Reason } from './errors.js'

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
   * secret as `secretsmanager:<name or ARN>` (or a secret ARN).
   */
  readonly name: string
  /** Secrets Manager only: the version stage to read. Default `AWSCURRENT`. */
  readonly versionStage?: string
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
  debug?: (message: string, event: LogEvent) => void
  info?: (message: string, event: LogEvent) => void
  warn?: (message: string, event: LogEvent) => void
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
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>
}

/**
 * Options of {@link secrets}. Only `fetchData` is required; see the README for each default.
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
  readonly fetchData: F
  readonly setToContext?: boolean
  readonly setToEnv?: boolean
  readonly cacheExpiry?: number
  readonly jitter?: number
  readonly staleWhileRevalidate?: number
  readonly staleIfError?: number
  readonly fallbackToEnv?: boolean
  readonly fetchTimeout?: number
  readonly disablePrefetch?: boolean
  readonly awsClientOptions?: Readonly<Record<string, unknown>>
  readonly AwsClient?: new (config: any) => AwsClientLike
  readonly awsClientCapture?: (client: any) => any
  readonly onChange?: (keys: string[]) => void
  readonly logger?: Logger
  readonly clock?: Clock
  /** For entries read from Secrets Manager (`secretsmanager:<id>`). */
  readonly secretsManager?: SecretsManagerOptions
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
   * Default `false`: one `GetSecretValue` per secret, all at once (its quota is ~10,000 per second).
   * `true`: `BatchGetSecretValue` with up to 20 ids per call (~100 calls per second per account).
   */
  readonly batch?: boolean
  /** Default: the top-level `awsClientOptions`. */
  readonly awsClientOptions?: Readonly<Record<string, unknown>>
  /** Default: `SecretsManagerClient`. */
  readonly AwsClient?: new (
    config: any,
  ) => AwsClientLike
}

type TransformResult<T> = T extends 'json'
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

type Shaped<N, V> = N extends `secretsmanager:${string}` ? V : N extends `${string}/` ? Record<string, V> : V

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
  ? Shaped<E, string>
  : E extends { readonly name: infer N; readonly transform?: infer T }
    ? Shaped<N, TransformResult<T>> | (E extends { readonly required: false } ? undefined : never)
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
  readonly parameter: string
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
  readonly keys: Readonly<Record<string, KeyStats>>
  /** Store API calls made by this middleware instance so far. */
  readonly storeCalls: number
}
