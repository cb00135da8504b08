import { randomBytes } from 'node:crypto'
import { unknownName } from './unknown-name.js'

/**
 * The AppConfig Data operations the store answers (REST-JSON: `POST /configurationsessions`,
 * `GET /configuration?configuration_token=…`), each counted in `store.calls` under its name.
 *
 * @example
 * ```ts
 * for (const operation of APPCONFIG_OPERATIONS) console.log(operation, store.calls[operation])
 * ```
 */
export const APPCONFIG_OPERATIONS = ['StartConfigurationSession', 'GetLatestConfiguration'] as const
/**
 * One of {@link APPCONFIG_OPERATIONS}.
 *
 * @example
 * ```ts
 * store.fault({ kind: 'throttle', operations: ['GetLatestConfiguration' satisfies AppConfigOperation] })
 * ```
 */
export type AppConfigOperation = (typeof APPCONFIG_OPERATIONS)[number]

/**
 * One configuration profile in a seed: its content as text (or bytes), with its `Content-Type` (default
 * `application/json`) and an optional version label. Keyed by `application/environment/profile` (names).
 *
 * @example
 * ```ts
 * const seed: SeedAppConfig = {
 *   'shop/prod/flags': { content: '{"checkout":{"enabled":true}}', contentType: 'application/json' },
 *   'shop/prod/banner': 'Welcome',
 * }
 * ```
 */
export type SeedAppConfig = Record<
  string,
  string | { content: string | Uint8Array; contentType?: string; versionLabel?: string }
>

/**
 * What a new deployment carries.
 *
 * @example
 * ```ts
 * store.deployConfiguration('shop/prod/flags', '{"beta":{"enabled":true}}', { versionLabel: 'v2' })
 * ```
 */
export interface DeployOptions {
  /** Default: the profile's current one, `application/json` for a new profile. */
  contentType?: string
  versionLabel?: string
}

/** AppConfig's lower bound on `RequiredMinimumPollIntervalInSeconds`, and its upper one (a day). */
export const MIN_POLL_INTERVAL_SECONDS = 15
export const MAX_POLL_INTERVAL_SECONDS = 86_400
/** What AppConfig answers as `NextPollIntervalInSeconds` when the session asked for no minimum. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 60
/** A configuration token lives 24 hours. */
export const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000
const MAX_IDENTIFIER = 128
/** Spent tokens remembered to tell a reuse from a made-up token: the latest this many, so a dev server stays small. */
const MAX_SPENT = 10_000

/**
 * An error as AppConfig Data (REST-JSON) reports it: `name` goes in `x-amzn-errortype`, the body carries
 * `Message` and the shape's other members (`Reason`, `Details` for `BadRequestException`; `ResourceType`,
 * `ReferencedBy` for `ResourceNotFoundException`).
 *
 * @example
 * ```ts
 * try {
 *   store.appConfigEngine.handle('GetLatestConfiguration', { ConfigurationToken: 'used-once' })
 * } catch (error) {
 *   if (error instanceof AppConfigError) console.log(error.name, error.statusCode) // BadRequestException 400
 * }
 * ```
 */
export class AppConfigError extends Error {
  constructor(
    name: string,
    message: string,
    readonly statusCode: number,
    readonly fields: Readonly<Record<string, unknown>> = {},
  ) {
    super(message)
    this.name = name
  }

  /** The REST-JSON error body. */
  toBody(): Record<string, unknown> {
    return { Message: this.message, ...this.fields }
  }
}

const badToken = (problem: 'Corrupted' | 'Expired' | 'PollIntervalNotSatisfied', message: string) =>
  new AppConfigError('BadRequestException', message, 400, {
    Reason: 'InvalidParameters',
    Details: { InvalidParameters: { ConfigurationToken: { Problem: problem } } },
  })

const badRequest = (message: string) => new AppConfigError('BadRequestException', message, 400)

interface Version {
  readonly content: Buffer
  readonly contentType: string
  readonly versionLabel: string | undefined
}

interface Profile {
  readonly application: string
  readonly environment: string
  readonly profile: string
  /** Ids as AWS makes them (7 characters), accepted in place of each name. */
  readonly ids: readonly [string, string, string]
  readonly versions: Version[]
}

interface Session {
  readonly profile: Profile
  readonly interval: number
  /** The version the session last handed out: the next poll answers empty unless a newer one is deployed. */
  sent: number
  /** Polls before this time are refused (PollIntervalNotSatisfied). */
  notBefore: number
}

interface Token {
  readonly session: Session
  readonly expiresAt: number
}

/**
 * What a GetLatestConfiguration answers: the configuration (empty when unchanged since this session's previous
 * poll) and the headers AppConfig sends with it.
 *
 * @example
 * ```ts
 * const latest = engine.handle('GetLatestConfiguration', { ConfigurationToken: token }) as LatestConfiguration
 * const next = latest.NextPollConfigurationToken // use it once, after NextPollIntervalInSeconds
 * ```
 */
export interface LatestConfiguration {
  Configuration: Buffer
  ContentType: string
  NextPollConfigurationToken: string
  NextPollIntervalInSeconds: number
  VersionLabel: string | undefined
}

/**
 * Options of an {@link AppConfigEngine}.
 *
 * @example
 * ```ts
 * const clock = { now: 0 }
 * const engine = new AppConfigEngine({ now: () => clock.now, appconfig: { 'shop/prod/flags': '{}' } })
 * ```
 */
export interface AppConfigEngineOptions {
  /** The store's clock, in ms: poll intervals and token lifetimes count on it. Default `Date.now`. */
  now?: () => number
  appconfig?: SeedAppConfig
  /** Region in ARNs. Default `'us-east-1'`. */
  region?: string
  /** Account id in ARNs. Default `'123456789012'`. */
  accountId?: string
}

/** The fields of an `appconfig` entry in code. */
const SEED_FIELDS = ['content', 'contentType', 'versionLabel']

const IDENTIFIER_FIELDS = ['ApplicationIdentifier', 'EnvironmentIdentifier', 'ConfigurationProfileIdentifier'] as const

/**
 * AWS AppConfig's data plane in memory: hosted configuration profiles with deployed versions, configuration
 * sessions, single-use tokens that live 24 hours, and the poll interval each session must keep.
 *
 * @example
 * ```ts
 * const engine = new AppConfigEngine({ appconfig: { 'shop/prod/flags': '{"beta":false}' } })
 * const { InitialConfigurationToken } = engine.handle('StartConfigurationSession', {
 *   ApplicationIdentifier: 'shop', EnvironmentIdentifier: 'prod', ConfigurationProfileIdentifier: 'flags',
 * }) as { InitialConfigurationToken: string }
 * const latest = engine.handle('GetLatestConfiguration', { ConfigurationToken: InitialConfigurationToken })
 * ```
 */
export class AppConfigEngine {
  /** Region in ARNs. */
  readonly region: string
  /** Account id in ARNs. */
  readonly accountId: string
  readonly #now: () => number
  readonly #profiles = new Map<string, Profile>()
  readonly #tokens = new Map<string, Token>()
  /** Tokens already presented: a second use is refused, and counted for tests that check none happens. */
  readonly #spent = new Map<string, string>()
  #reusedTokens = 0

  constructor(options: AppConfigEngineOptions = {}) {
    this.#now = options.now ?? Date.now
    this.region = options.region ?? 'us-east-1'
    this.accountId = options.accountId ?? '123456789012'
    for (const [key, seed] of Object.entries(options.appconfig ?? {})) {
      if (typeof seed === 'string') this.deploy(key, seed)
      else if (typeof seed === 'object' && seed !== null && !(seed instanceof Uint8Array)) {
        // A misspelt field (`contenttype`) would be dropped without a word.
        for (const field of Object.keys(seed)) {
          const problem = unknownName(field, SEED_FIELDS, 'field')
          if (problem !== undefined) throw new TypeError(`appconfig ${key}: ${problem}`)
        }
        const { content, contentType, versionLabel } = seed
        if (contentType !== undefined && typeof contentType !== 'string')
          throw new TypeError(`appconfig ${key}: "contentType" must be a string`)
        if (versionLabel !== undefined && typeof versionLabel !== 'string')
          throw new TypeError(`appconfig ${key}: "versionLabel" must be a string`)
        this.deploy(key, content, { contentType, versionLabel })
      } else throw new TypeError(`appconfig ${key}: must be a string or { content, contentType?, versionLabel? }`)
    }
  }

  /** How many configuration profiles the store holds. */
  get size(): number {
    return this.#profiles.size
  }

  /** How many times a token that had been used already was presented again. */
  get reusedTokens(): number {
    return this.#reusedTokens
  }

  /**
   * Deploys a new version of `application/environment/profile` (created if new); sessions see it at their next
   * poll. Returns the version number (1 for the first).
   */
  deploy(key: string, content: string | Uint8Array, options: DeployOptions = {}): number {
    const parts = key.split('/')
    if (parts.length !== 3 || parts.some((part) => part.length === 0 || part.length > MAX_IDENTIFIER)) {
      throw new TypeError(`appconfig ${key}: the key must be application/environment/profile (1–128 characters each)`)
    }
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
      throw new TypeError(`appconfig ${key}: content must be a string or bytes`)
    }
    let profile = this.#profiles.get(key)
    if (profile === undefined) {
      const [application, environment, name] = parts as [string, string, string]
      profile = { application, environment, profile: name, ids: [newId(), newId(), newId()], versions: [] }
      this.#profiles.set(key, profile)
    }
    const contentType = options.contentType ?? profile.versions.at(-1)?.contentType ?? 'application/json'
    profile.versions.push({ content: Buffer.from(content), contentType, versionLabel: options.versionLabel })
    return profile.versions.length
  }

  /** The deployed content of a profile as text, or `undefined`. */
  get(key: string): string | undefined {
    return this.#profiles.get(key)?.versions.at(-1)?.content.toString('utf8')
  }

  /** The ids AppConfig gave a profile's application, environment and profile, for requests by id. */
  idsOf(key: string): { application: string; environment: string; profile: string } | undefined {
    const ids = this.#profiles.get(key)?.ids
    return ids && { application: ids[0], environment: ids[1], profile: ids[2] }
  }

  /**
   * The ARN IAM checks `appconfig:StartConfigurationSession` and `appconfig:GetLatestConfiguration` against: the
   * `configuration` resource type, `arn:aws:appconfig:<region>:<account>:application/<applicationId>/environment/
   * <environmentId>/configuration/<configurationProfileId>` (Service Authorization Reference, "Actions, resources,
   * and condition keys for AWS AppConfig"), with the profile's ids. A profile the store does not have is named by
   * its `application/environment/profile` key as given; no key is `*` for each part.
   *
   * @example
   * ```ts
   * engine.arnOf('shop/prod/flags') // 'arn:aws:appconfig:us-east-1:123456789012:application/a1b2c3d/environment/…'
   * ```
   */
  arnOf(key: string | undefined): string {
    const ids = key === undefined ? undefined : this.idsOf(key)
    const [application, environment, profile] = ids
      ? [ids.application, ids.environment, ids.profile]
      : (key?.split('/') ?? ['*', '*', '*'])
    return (
      `arn:aws:appconfig:${this.region}:${this.accountId}:application/${application}` +
      `/environment/${environment}/configuration/${profile}`
    )
  }

  /** Every profile with its versions, for snapshots: key → versions, oldest first. */
  entries(): [string, { content: string; contentType: string; versionLabel?: string }[]][] {
    return [...this.#profiles].map(([key, profile]) => [
      key,
      profile.versions.map((v) => ({
        content: v.content.toString('utf8'),
        contentType: v.contentType,
        ...(v.versionLabel === undefined ? {} : { versionLabel: v.versionLabel }),
      })),
    ])
  }

  /**
   * The profile a request is about, as `application/environment/profile` (names), for fault rules: from the
   * identifiers of a StartConfigurationSession, from the token's session for a GetLatestConfiguration.
   */
  profileOf(operation: string, input: unknown): string | undefined {
    const fields = (input ?? {}) as Record<string, unknown>
    if (operation === 'GetLatestConfiguration') {
      const token = String(fields.ConfigurationToken)
      const profile = this.#tokens.get(token)?.session.profile
      return profile ? keyOf(profile) : this.#spent.get(token)
    }
    const profile = this.#find(fields)
    if (profile) return keyOf(profile)
    // A profile that does not exist (yet) is named as the request names it.
    const ids = IDENTIFIER_FIELDS.map((field) => fields[field])
    return ids.every((id) => typeof id === 'string') ? ids.join('/') : undefined
  }

  /** Deletes a profile and its versions; its sessions' next polls get ResourceNotFoundException. */
  delete(key: string): void {
    if (!this.#profiles.delete(key)) {
      throw new AppConfigError('ResourceNotFoundException', 'ConfigurationProfile not found', 404, {
        ResourceType: 'ConfigurationProfile',
      })
    }
  }

  /** Answers one operation, or throws an {@link AppConfigError}. */
  handle(operation: string, input: unknown): { InitialConfigurationToken: string } | LatestConfiguration {
    const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>
    if (operation === 'StartConfigurationSession') return this.#start(fields)
    if (operation === 'GetLatestConfiguration') return this.#latest(fields)
    throw new AppConfigError('UnknownOperationException', `Unknown operation ${operation}`, 404)
  }

  #find(fields: Record<string, unknown>): Profile | undefined {
    const [app, env, name] = IDENTIFIER_FIELDS.map((field) => fields[field])
    for (const profile of this.#profiles.values()) {
      const [appId, envId, profileId] = profile.ids
      if (
        (app === profile.application || app === appId) &&
        (env === profile.environment || env === envId) &&
        (name === profile.profile || name === profileId)
      ) {
        return profile
      }
    }
    return undefined
  }

  #start(fields: Record<string, unknown>): { InitialConfigurationToken: string } {
    for (const field of IDENTIFIER_FIELDS) {
      const value = fields[field]
      if (typeof value !== 'string' || value.length < 1 || value.length > MAX_IDENTIFIER) {
        throw badRequest(`${field} must be a string of 1 to ${MAX_IDENTIFIER} characters`)
      }
    }
    const interval = fields.RequiredMinimumPollIntervalInSeconds
    if (
      interval !== undefined &&
      (!Number.isInteger(interval) ||
        (interval as number) < MIN_POLL_INTERVAL_SECONDS ||
        (interval as number) > MAX_POLL_INTERVAL_SECONDS)
    ) {
      throw badRequest(
        `RequiredMinimumPollIntervalInSeconds must be from ${MIN_POLL_INTERVAL_SECONDS} to ${MAX_POLL_INTERVAL_SECONDS}`,
      )
    }
    const profile = this.#find(fields)
    if (profile === undefined) {
      const byApp = [...this.#profiles.values()].some(
        (p) => fields.ApplicationIdentifier === p.application || fields.ApplicationIdentifier === p.ids[0],
      )
      const type = byApp ? 'ConfigurationProfile' : 'Application'
      throw new AppConfigError('ResourceNotFoundException', `${type} not found`, 404, { ResourceType: type })
    }
    const session: Session = {
      profile,
      interval: (interval as number | undefined) ?? DEFAULT_POLL_INTERVAL_SECONDS,
      sent: 0,
      notBefore: Number.NEGATIVE_INFINITY,
    }
    return { InitialConfigurationToken: this.#issue(session) }
  }

  #issue(session: Session): string {
    const token = randomBytes(48).toString('base64url')
    this.#tokens.set(token, { session, expiresAt: this.#now() + TOKEN_LIFETIME_MS })
    return token
  }

  /** A token once presented and answered is spent: remembered (boundedly) to tell a reuse from a made-up one. */
  #retire(token: string, session: Session): void {
    this.#tokens.delete(token)
    this.#spent.set(token, keyOf(session.profile))
    if (this.#spent.size > MAX_SPENT) this.#spent.delete(this.#spent.keys().next().value as string)
  }

  #latest(fields: Record<string, unknown>): LatestConfiguration {
    const presented = fields.ConfigurationToken
    if (typeof presented !== 'string' || presented.length === 0) {
      throw badRequest('ConfigurationToken is required')
    }
    const token = this.#tokens.get(presented)
    if (token === undefined) {
      if (this.#spent.has(presented)) {
        this.#reusedTokens++
        throw badToken('Expired', 'The token has already been used: use the NextPollConfigurationToken')
      }
      throw badToken('Corrupted', 'The token is not valid')
    }
    const now = this.#now()
    const { session } = token
    if (now >= token.expiresAt) {
      this.#retire(presented, session)
      throw badToken('Expired', 'The token has expired: start a new configuration session')
    }
    if (this.#profiles.get(keyOf(session.profile)) !== session.profile) {
      this.#retire(presented, session)
      throw new AppConfigError('ResourceNotFoundException', 'ConfigurationProfile not found', 404, {
        ResourceType: 'ConfigurationProfile',
      })
    }
    if (now < session.notBefore) {
      throw badToken(
        'PollIntervalNotSatisfied',
        `Polled sooner than the session's interval of ${session.interval} seconds`,
      )
    }
    this.#retire(presented, session)
    session.notBefore = now + session.interval * 1000
    const versions = session.profile.versions
    const current = versions.at(-1) as Version
    const changed = versions.length !== session.sent
    session.sent = versions.length
    return {
      Configuration: changed ? current.content : Buffer.alloc(0),
      ContentType: current.contentType,
      NextPollConfigurationToken: this.#issue(session),
      NextPollIntervalInSeconds: session.interval,
      VersionLabel: current.versionLabel,
    }
  }
}

const keyOf = (profile: Profile): string => `${profile.application}/${profile.environment}/${profile.profile}`

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** A 7-character id, as AppConfig gives applications, environments and profiles. */
const newId = (): string => [...randomBytes(7)].map((b) => ID_CHARS[b % ID_CHARS.length]).join('')
