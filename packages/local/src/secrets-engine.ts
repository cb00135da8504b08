import { dispatch, type Handlers } from './dispatch.js'
import { SsmServiceError, validationError } from './errors.js'
import {
  type Input,
  optionalBoolean,
  optionalInteger,
  optionalObjectArray,
  optionalString,
  optionalStringArray,
  requiredString,
} from './input.js'
import { decodeToken, encodeToken, listingScope, type PageCursor, pageSize, pageSizeOf } from './paging.js'
import { createRandom } from './random.js'
import { quoted } from './unknown-name.js'

/**
 * The Secrets Manager operations the engine (and so the local store, under `X-Amz-Target: secretsmanager.<Op>`)
 * implements; anything else is `UnknownOperationException`.
 *
 * @example
 * ```ts
 * for (const operation of SECRETS_OPERATIONS) expect(store.calls[operation]).toBe(0)
 * ```
 */
export const SECRETS_OPERATIONS = [
  'GetSecretValue',
  'BatchGetSecretValue',
  'CreateSecret',
  'PutSecretValue',
  'DeleteSecret',
  'DescribeSecret',
  'ListSecrets',
  'ListSecretVersionIds',
  'RestoreSecret',
  'UpdateSecret',
  'UpdateSecretVersionStage',
] as const

/**
 * One of {@link SECRETS_OPERATIONS}.
 *
 * @example
 * ```ts
 * const operation: SecretsOperation = 'BatchGetSecretValue'
 * store.fault({ kind: 'throttle', operations: [operation] })
 * ```
 */
export type SecretsOperation = (typeof SECRETS_OPERATIONS)[number]

/**
 * Secrets to seed a store with: name → value (`SecretString` for a string, `SecretBinary` for bytes).
 *
 * @example
 * ```ts
 * const secrets: SeedSecrets = { 'prod/db': '{"password":"p"}', 'prod/cert': new Uint8Array([1, 2, 3]) }
 * const store = await startLocalStore({ secrets })
 * ```
 */
export type SeedSecrets = Record<string, string | Uint8Array>

/**
 * Options of a {@link SecretsEngine}.
 *
 * @example
 * ```ts
 * import { SecretsEngine } from 'middy-secrets-local'
 *
 * const engine = new SecretsEngine({ region: 'eu-west-1', seed: 7, secrets: { 'prod/db': 's3cret' } })
 * ```
 */
export interface SecretsEngineOptions {
  /** Region in ARNs. Default `'us-east-1'`. */
  region?: string
  /** Account id in ARNs. Default `'123456789012'`. */
  accountId?: string
  /** Seeds the ARN suffixes and the version ids of in-process writes, so a run replays exactly. Default `1`. */
  seed?: number
  /** Secrets created at construction, each with one version on `AWSCURRENT`. */
  secrets?: SeedSecrets
  /** Millisecond clock for `CreatedDate` and deletion windows. Default `Date.now`. */
  now?: () => number
}

/**
 * Options of {@link SecretsEngine.put}.
 *
 * @example
 * ```ts
 * // A pending version for a rotation: AWSCURRENT stays where it is.
 * engine.put('prod/db', 'next', { stages: ['AWSPENDING'] })
 * ```
 */
export interface PutSecretOptions {
  /** Staging labels of the new version. Default `['AWSCURRENT']` (the old current one becomes `AWSPREVIOUS`). */
  stages?: string[]
}

/**
 * Which version {@link SecretsEngine.get} reads: by id, by staging label, or (default) `AWSCURRENT`.
 *
 * @example
 * ```ts
 * engine.get('prod/db', { versionStage: 'AWSPREVIOUS' })?.value
 * ```
 */
export interface GetSecretOptions {
  versionId?: string
  versionStage?: string
}

/**
 * One version of a secret as the engine holds it, for assertions in tests. `value` is a copy.
 *
 * @example
 * ```ts
 * const snapshot = engine.get('prod/db')
 * expect(snapshot?.stages).toEqual(['AWSCURRENT'])
 * ```
 */
export interface SecretSnapshot {
  name: string
  arn: string
  versionId: string
  value: string | Uint8Array
  stages: string[]
  createdDate: Date
}

interface StoredVersion {
  id: string
  value: string | Uint8Array
  stages: string[]
  createdMs: number
}

interface StoredSecret {
  name: string
  arn: string
  /** In creation order, which is the order deprecated versions are dropped in. */
  versions: Map<string, StoredVersion>
  /** Staging label → version id. A label sits on one version at a time. */
  stageIndex: Map<string, string>
  /** When a `DeleteSecret` with a recovery window ends; the secret is unusable until then, then gone. */
  deletionMs?: number
  /** When that `DeleteSecret` was called. */
  deletedMs?: number
  description?: string
  tags: { Key: string; Value: string }[]
  createdMs: number
  changedMs: number
}

interface NameFilter {
  key: string
  include: string[]
  exclude: string[]
}

const CURRENT = 'AWSCURRENT'
const PREVIOUS = 'AWSPREVIOUS'
const MAX_NAME_LENGTH = 512
const MAX_SECRET_ID_LENGTH = 2048
const MAX_VALUE_LENGTH = 65536
const MAX_BATCH_IDS = 20
const MAX_BATCH_RESULTS = 20
const MAX_STAGES = 20
const MAX_STAGE_LENGTH = 256
const MIN_TOKEN_LENGTH = 32
const MAX_TOKEN_LENGTH = 64
const MAX_FILTERS = 10
const MAX_FILTER_VALUES = 10
const MAX_FILTER_VALUE_LENGTH = 512
/** Secrets Manager keeps about 100 versions without a staging label; older ones are removed. */
const MAX_DEPRECATED_VERSIONS = 100
const DEFAULT_RECOVERY_DAYS = 30
const DAY_MS = 86_400_000
const NAME_CHARS = /^[a-zA-Z0-9/_+=.@-]+$/
const ALPHANUMERICS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const FILTER_KEYS = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all']
const MAX_LIST_RESULTS = 100
const MAX_DESCRIPTION_LENGTH = 2048
/** Keeps version ids apart from ARN suffixes, so adding a version never shifts the ARNs of later secrets. */
const VERSION_SEED_SALT = 0x5bd1e995

const secretNotFound = () =>
  new SsmServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.")
const stageNotFound = (stage: string) =>
  new SsmServiceError(
    'ResourceNotFoundException',
    `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
  )
const versionNotFound = (versionId: string) =>
  new SsmServiceError(
    'ResourceNotFoundException',
    `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
  )
const invalidParameter = (message: string) => new SsmServiceError('InvalidParameterException', message)
const markedForDeletion = () =>
  new SsmServiceError(
    'InvalidRequestException',
    "You can't perform this operation on the secret because it was marked for deletion.",
  )

const lengthBetween = (field: string, value: string, min: number, max: number) => {
  if (value.length < min) throw validationError(field, `Member must have length greater than or equal to ${min}`)
  if (value.length > max) throw validationError(field, `Member must have length less than or equal to ${max}`)
}

const checkName = (name: string) => {
  lengthBetween('name', name, 1, MAX_NAME_LENGTH)
  if (!NAME_CHARS.test(name)) {
    throw invalidParameter(
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    )
  }
}

const checkStages = (field: string, stages: string[]) => {
  if (stages.length < 1) throw validationError(field, 'Member must have length greater than or equal to 1')
  if (stages.length > MAX_STAGES) {
    throw validationError(field, `Member must have length less than or equal to ${MAX_STAGES}`)
  }
  for (const stage of stages) lengthBetween(field, stage, 1, MAX_STAGE_LENGTH)
}

const checkValue = (value: string | Uint8Array) => {
  const size = typeof value === 'string' ? value.length : value.byteLength
  if (size > MAX_VALUE_LENGTH) {
    throw validationError(
      typeof value === 'string' ? 'secretString' : 'secretBinary',
      `Member must have length less than or equal to ${MAX_VALUE_LENGTH}`,
    )
  }
}

const sameValue = (a: string | Uint8Array, b: string | Uint8Array): boolean =>
  typeof a === 'string' || typeof b === 'string' ? a === b : Buffer.compare(a, b) === 0

const copyValue = (value: string | Uint8Array): string | Uint8Array =>
  typeof value === 'string' ? value : new Uint8Array(value)

/** A blob travels as base64 in JSON 1.1; anything else in that field is a serialization error, as on AWS. */
const decodeBlob = (text: string): Uint8Array => {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new SsmServiceError('SerializationException', "Expected base64-encoded bytes for field 'SecretBinary'")
  }
  return new Uint8Array(Buffer.from(text, 'base64'))
}

/** The value a write carries: exactly one of `SecretString` and `SecretBinary`, or none. */
const writtenValue = (input: Input): string | Uint8Array | undefined => {
  const text = optionalString(input, 'SecretString')
  const blob = optionalString(input, 'SecretBinary')
  if (text !== undefined && blob !== undefined) {
    throw invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.")
  }
  const value = text ?? (blob === undefined ? undefined : decodeBlob(blob))
  if (value !== undefined) checkValue(value)
  return value
}

const optionalToken = (input: Input, key: string): string | undefined => {
  const token = optionalString(input, key)
  if (token !== undefined)
    lengthBetween(key.charAt(0).toLowerCase() + key.slice(1), token, MIN_TOKEN_LENGTH, MAX_TOKEN_LENGTH)
  return token
}

const requiredSecretId = (input: Input): string => {
  const secretId = requiredString(input, 'SecretId')
  lengthBetween('secretId', secretId, 1, MAX_SECRET_ID_LENGTH)
  return secretId
}

/**
 * The strings a filter key looks at (ListSecrets API reference, Filter): `name`, `description`, `tag-key`,
 * `tag-value` are prefix matches; `all` looks at all of them. This store keeps no replicas nor owning services,
 * so `primary-region` and `owning-service` match nothing.
 */
const fieldsOf = (secret: StoredSecret, key: string): string[] => {
  const description = secret.description === undefined ? [] : [secret.description]
  const tagKeys = secret.tags.map((t) => t.Key)
  const tagValues = secret.tags.map((t) => t.Value)
  switch (key) {
    case 'name':
      return [secret.name]
    case 'description':
      return description
    case 'tag-key':
      return tagKeys
    case 'tag-value':
      return tagValues
    case 'all':
      return [secret.name, ...description, ...tagKeys, ...tagValues]
    default:
      return []
  }
}

/**
 * One filter: any included value matches (a prefix, case-sensitive; `all` is case-insensitive) and no value
 * starting with `!` does.
 */
const matchesFilter = (secret: StoredSecret, filter: NameFilter): boolean => {
  const fields = fieldsOf(secret, filter.key)
  const fold = filter.key === 'all' ? (text: string) => text.toLowerCase() : (text: string) => text
  const hit = (prefix: string) => fields.some((field) => fold(field).startsWith(fold(prefix)))
  return (filter.include.length === 0 || filter.include.some(hit)) && !filter.exclude.some(hit)
}

/**
 * AWS Secrets Manager's behaviour for reading and writing secret values, in memory and synchronous: secrets by
 * name with versions (`VersionId` a uuid), staging labels (`AWSCURRENT`, `AWSPREVIOUS`, your own), ARNs with the
 * six-character suffix (seeded, so reproducible), `SecretString` and `SecretBinary`, lookups by name, ARN or
 * partial ARN, deletion with a recovery window, and AWS's error types. It does no I/O;
 * {@link LocalParameterStore} serves it over HTTP next to the SSM engine.
 *
 * @example
 * ```ts
 * import { SecretsEngine } from 'middy-secrets-local'
 *
 * const engine = new SecretsEngine({ secrets: { 'prod/db': 'v1' } })
 * engine.put('prod/db', 'v2')                          // v2 is AWSCURRENT, v1 AWSPREVIOUS
 * const out = engine.handle('GetSecretValue', { SecretId: 'prod/db', VersionStage: 'AWSPREVIOUS' })
 * // { ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123', Name: 'prod/db',
 * //   VersionId: '…', SecretString: 'v1', VersionStages: ['AWSPREVIOUS'], CreatedDate: 1700000000.5 }
 * ```
 */
export class SecretsEngine {
  readonly region: string
  readonly accountId: string
  readonly #now: () => number
  readonly #arnRandom: () => number
  readonly #versionRandom: () => number
  readonly #secrets = new Map<string, StoredSecret>()
  readonly #byArn = new Map<string, StoredSecret>()
  /** Names of secrets scheduled for deletion, so expired ones are found without scanning every secret. */
  readonly #scheduled = new Set<string>()
  #sorted: string[] | undefined
  // Typed by the operation list, so an operation listed without a handler does not compile.
  readonly #handlers: Handlers<SecretsOperation> = {
    GetSecretValue: (input) => this.#getSecretValue(input),
    BatchGetSecretValue: (input) => this.#batchGetSecretValue(input),
    CreateSecret: (input) => this.#createSecret(input),
    PutSecretValue: (input) => this.#putSecretValue(input),
    DeleteSecret: (input) => this.#deleteSecret(input),
    DescribeSecret: (input) => this.#describeSecret(input),
    ListSecrets: (input) => this.#listSecrets(input),
    ListSecretVersionIds: (input) => this.#listSecretVersionIds(input),
    RestoreSecret: (input) => this.#restoreSecret(input),
    UpdateSecret: (input) => this.#updateSecret(input),
    UpdateSecretVersionStage: (input) => this.#updateSecretVersionStage(input),
  }

  constructor(options: SecretsEngineOptions = {}) {
    this.region = options.region ?? 'us-east-1'
    this.accountId = options.accountId ?? '123456789012'
    this.#now = options.now ?? Date.now
    const seed = options.seed ?? 1
    this.#arnRandom = createRandom(seed)
    this.#versionRandom = createRandom(seed ^ VERSION_SEED_SALT)
    for (const [name, value] of Object.entries(options.secrets ?? {})) {
      // An object (`{ value }`, `{ versions }`) would be stored as it is, not as a secret's value.
      if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
        throw new TypeError(
          `secrets[${quoted(name)}]: must be a string or bytes (Uint8Array)` +
            (typeof value === 'object' && value !== null
              ? '; for more versions, call store.putSecret() after start, or use a seed file'
              : ''),
        )
      }
      this.put(name, value)
    }
  }

  /** How many secrets exist, those scheduled for deletion included. */
  get size(): number {
    this.#sweep()
    return this.#secrets.size
  }

  /**
   * Runs one Secrets Manager operation as the wire would: `input` is the request body (`SecretBinary` as base64),
   * the result the response body. Throws an {@link SsmServiceError} (AWS's error type as `name`) for anything
   * AWS would refuse.
   */
  handle(operation: string, input: unknown): unknown {
    this.#sweep()
    return dispatch(this.#handlers, operation, input)
  }

  /**
   * Creates a secret, or adds a version to an existing one (name, ARN or partial ARN), and returns the new
   * `VersionId`. The version gets `options.stages` (default `AWSCURRENT`; the first version always gets it).
   */
  put(secretId: string, value: string | Uint8Array, options: PutSecretOptions = {}): string {
    this.#sweep()
    if (options.stages) checkStages('versionStages', options.stages)
    checkValue(value)
    let secret = this.#lookup(secretId)
    if (!secret) {
      checkName(secretId)
      secret = this.#create(secretId)
    }
    if (secret.deletionMs !== undefined) throw markedForDeletion()
    return this.#addVersion(secret, copyValue(value), options.stages, this.#versionId(secret)).id
  }

  /** Deletes a secret at once, without a recovery window. Throws `ResourceNotFoundException` if there is none. */
  delete(secretId: string): void {
    this.#sweep()
    this.#remove(this.#find(secretId))
  }

  /** The version a secret id (name, ARN, partial ARN) resolves to (default `AWSCURRENT`), or `undefined`. */
  get(secretId: string, options: GetSecretOptions = {}): SecretSnapshot | undefined {
    this.#sweep()
    const secret = this.#lookup(secretId)
    if (!secret) return undefined
    const id = options.versionId ?? secret.stageIndex.get(options.versionStage ?? CURRENT)
    const version = id === undefined ? undefined : secret.versions.get(id)
    if (!version || (options.versionStage !== undefined && !version.stages.includes(options.versionStage))) {
      return undefined
    }
    return {
      name: secret.name,
      arn: secret.arn,
      versionId: version.id,
      value: copyValue(version.value),
      stages: [...version.stages],
      createdDate: new Date(version.createdMs),
    }
  }

  /** The name of the existing secret a secret id (name, ARN, partial ARN) stands for, or `undefined`. */
  resolve(secretId: string): string | undefined {
    this.#sweep()
    return this.#lookup(secretId)?.name
  }

  /** The full ARN of the existing secret a secret id stands for, or `undefined`. */
  arnOf(secretId: string): string | undefined {
    this.#sweep()
    return this.#lookup(secretId)?.arn
  }

  /** Forgets the secrets whose recovery window has ended, as AWS does once it passes. */
  #sweep(): void {
    if (this.#scheduled.size === 0) return
    const now = this.#now()
    for (const name of this.#scheduled) {
      const secret = this.#secrets.get(name) as StoredSecret
      if ((secret.deletionMs as number) <= now) this.#remove(secret)
    }
  }

  #remove(secret: StoredSecret): void {
    this.#secrets.delete(secret.name)
    this.#byArn.delete(secret.arn)
    this.#scheduled.delete(secret.name)
    this.#sorted = undefined
  }

  /**
   * A secret by name, full ARN, or partial ARN (the full one without `-` and its six characters). A name holds
   * no `:`, so anything with one is read as an ARN only.
   */
  #lookup(secretId: string): StoredSecret | undefined {
    const byArn = this.#byArn.get(secretId)
    if (byArn) return byArn
    const partial = `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:`
    if (secretId.startsWith(partial)) return this.#secrets.get(secretId.slice(partial.length))
    return this.#secrets.get(secretId)
  }

  #find(secretId: string): StoredSecret {
    const secret = this.#lookup(secretId)
    if (!secret) throw secretNotFound()
    return secret
  }

  /** An existing secret that is not scheduled for deletion: only those may be read or written. */
  #usable(secretId: string): StoredSecret {
    const secret = this.#find(secretId)
    if (secret.deletionMs !== undefined) throw markedForDeletion()
    return secret
  }

  #create(name: string): StoredSecret {
    let suffix = ''
    for (let i = 0; i < 6; i++) suffix += ALPHANUMERICS[Math.floor(this.#arnRandom() * ALPHANUMERICS.length)]
    const now = this.#now()
    const secret: StoredSecret = {
      name,
      arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`,
      versions: new Map(),
      stageIndex: new Map(),
      tags: [],
      createdMs: now,
      changedMs: now,
    }
    this.#secrets.set(name, secret)
    this.#byArn.set(secret.arn, secret)
    this.#sorted = undefined
    return secret
  }

  /** A uuid v4 drawn from the seeded generator (the SDK sends its own as `ClientRequestToken` on the wire). */
  #versionId(secret: StoredSecret): string {
    let id: string
    do {
      const hex = Array.from({ length: 32 }, () => Math.floor(this.#versionRandom() * 16).toString(16))
      hex[12] = '4'
      hex[16] = (8 + Math.floor(this.#versionRandom() * 4)).toString(16)
      const h = hex.join('')
      id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
    } while (secret.versions.has(id))
    return id
  }

  /** Adds a version and moves its staging labels onto it: a new AWSCURRENT turns the old one into AWSPREVIOUS. */
  #addVersion(
    secret: StoredSecret,
    value: string | Uint8Array,
    stages: string[] | undefined,
    id: string,
  ): StoredVersion {
    const wanted = [...new Set(stages ?? [CURRENT])]
    // The first version of a secret is always current, whatever labels it was given.
    if (!secret.stageIndex.has(CURRENT) && !wanted.includes(CURRENT)) wanted.push(CURRENT)
    const version: StoredVersion = { id, value, stages: [], createdMs: this.#now() }
    secret.changedMs = version.createdMs
    const previousCurrent = secret.stageIndex.get(CURRENT)
    secret.versions.set(id, version)
    for (const stage of wanted) this.#moveStage(secret, stage, version)
    if (wanted.includes(CURRENT) && previousCurrent !== undefined && !wanted.includes(PREVIOUS)) {
      this.#moveStage(secret, PREVIOUS, secret.versions.get(previousCurrent) as StoredVersion)
    }
    this.#dropDeprecated(secret)
    return version
  }

  #moveStage(secret: StoredSecret, stage: string, version: StoredVersion): void {
    const holder = secret.versions.get(secret.stageIndex.get(stage) ?? '')
    if (holder) holder.stages = holder.stages.filter((s) => s !== stage)
    version.stages.push(stage)
    secret.stageIndex.set(stage, version.id)
  }

  #dropDeprecated(secret: StoredSecret): void {
    const deprecated = [...secret.versions.values()].filter((v) => v.stages.length === 0)
    for (const version of deprecated.slice(0, Math.max(0, deprecated.length - MAX_DEPRECATED_VERSIONS))) {
      secret.versions.delete(version.id)
    }
  }

  /** The version a read asks for; with both an id and a label, they must agree. */
  #version(secret: StoredSecret, versionId: string | undefined, versionStage: string | undefined): StoredVersion {
    if (versionId !== undefined) {
      const version = secret.versions.get(versionId)
      if (!version) throw versionNotFound(versionId)
      if (versionStage !== undefined && !version.stages.includes(versionStage)) {
        throw invalidParameter('You provided a VersionStage that is not associated to the provided VersionId.')
      }
      return version
    }
    const stage = versionStage ?? CURRENT
    const id = secret.stageIndex.get(stage)
    if (id === undefined) throw stageNotFound(stage)
    return secret.versions.get(id) as StoredVersion
  }

  #view(secret: StoredSecret, version: StoredVersion): Record<string, unknown> {
    const view: Record<string, unknown> = { ARN: secret.arn, Name: secret.name, VersionId: version.id }
    if (typeof version.value === 'string') view.SecretString = version.value
    else view.SecretBinary = Buffer.from(version.value).toString('base64')
    view.VersionStages = [...version.stages]
    view.CreatedDate = version.createdMs / 1000
    return view
  }

  #getSecretValue(input: Input) {
    const secretId = requiredSecretId(input)
    const versionId = optionalToken(input, 'VersionId')
    const versionStage = optionalString(input, 'VersionStage')
    if (versionStage !== undefined) lengthBetween('versionStage', versionStage, 1, MAX_STAGE_LENGTH)
    const secret = this.#usable(secretId)
    return this.#view(secret, this.#version(secret, versionId, versionStage))
  }

  #batchGetSecretValue(input: Input) {
    const ids = optionalStringArray(input, 'SecretIdList')
    const filters = optionalObjectArray(input, 'Filters')
    if (ids !== undefined && filters !== undefined) {
      throw invalidParameter('Either SecretIdList or Filters must be specified, but not both.')
    }
    const maxResults = optionalInteger(input, 'MaxResults')
    const token = optionalString(input, 'NextToken')
    if (ids !== undefined) {
      if (maxResults !== undefined || token !== undefined) {
        throw invalidParameter('MaxResults and NextToken can only be used with Filters.')
      }
      return this.#batchByIds(ids)
    }
    if (filters === undefined) throw invalidParameter('You must specify either SecretIdList or Filters.')
    return this.#batchByFilters(this.#nameFilters(filters), maxResults, token)
  }

  #batchByIds(ids: string[]) {
    if (ids.length < 1) throw validationError('secretIdList', 'Member must have length greater than or equal to 1')
    if (ids.length > MAX_BATCH_IDS) {
      throw validationError('secretIdList', `Member must have length less than or equal to ${MAX_BATCH_IDS}`)
    }
    for (const id of ids) lengthBetween('secretIdList', id, 1, MAX_SECRET_ID_LENGTH)
    const values: Record<string, unknown>[] = []
    const errors: { SecretId: string; ErrorCode: string; Message: string }[] = []
    const seen = new Set<string>()
    for (const id of new Set(ids)) {
      let secret: StoredSecret
      let version: StoredVersion
      try {
        secret = this.#usable(id)
        version = this.#version(secret, undefined, CURRENT)
      } catch (error) {
        // A secret that cannot be read fails alone: the call itself succeeds.
        const failure = error as SsmServiceError
        errors.push({ SecretId: id, ErrorCode: failure.name, Message: failure.message })
        continue
      }
      if (seen.has(secret.name)) continue
      seen.add(secret.name)
      values.push(this.#view(secret, version))
    }
    return { SecretValues: values, Errors: errors }
  }

  #nameFilters(raw: Input[]): NameFilter[] {
    if (raw.length > MAX_FILTERS) {
      throw validationError('filters', `Member must have length less than or equal to ${MAX_FILTERS}`)
    }
    return raw.map((filter) => {
      const key = requiredString(filter, 'Key')
      if (!FILTER_KEYS.includes(key)) {
        throw validationError('filters.member.key', `Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`)
      }
      const values = optionalStringArray(filter, 'Values') ?? []
      if (values.length < 1 || values.length > MAX_FILTER_VALUES) {
        throw validationError(
          'filters.member.values',
          `Member must have length less than or equal to ${MAX_FILTER_VALUES}, ` +
            'Member must have length greater than or equal to 1',
        )
      }
      for (const value of values) lengthBetween('filters.member.values.member', value, 0, MAX_FILTER_VALUE_LENGTH)
      return {
        key,
        include: values.filter((v) => !v.startsWith('!')),
        exclude: values.filter((v) => v.startsWith('!')).map((v) => v.slice(1)),
      }
    })
  }

  /** A filtered read, in name order; secrets scheduled for deletion or without a current version are left out. */
  #batchByFilters(filters: NameFilter[], maxResults: number | undefined, token: string | undefined) {
    const size = pageSize(maxResults, MAX_BATCH_RESULTS)
    const scope = listingScope(['secrets', filters])
    let cursor: PageCursor = { after: null, empties: 0 }
    if (token !== undefined) {
      try {
        cursor = decodeToken(token, scope)
      } catch {
        throw new SsmServiceError('InvalidNextTokenException', 'The NextToken value is invalid.')
      }
    }
    this.#sorted ??= [...this.#secrets.keys()].sort()
    const page: Record<string, unknown>[] = []
    let last: string | null = cursor.after
    let more = false
    for (const name of this.#sorted) {
      if (cursor.after !== null && name <= cursor.after) continue
      const secret = this.#secrets.get(name) as StoredSecret
      const id = secret.stageIndex.get(CURRENT)
      if (secret.deletionMs !== undefined || id === undefined) continue
      if (!filters.every((filter) => matchesFilter(secret, filter))) continue
      if (page.length === size) {
        more = true
        break
      }
      page.push(this.#view(secret, secret.versions.get(id) as StoredVersion))
      last = name
    }
    const out: { SecretValues: Record<string, unknown>[]; Errors: never[]; NextToken?: string } = {
      SecretValues: page,
      Errors: [],
    }
    if (more) out.NextToken = encodeToken({ after: last, empties: 0 }, scope)
    return out
  }

  #createSecret(input: Input) {
    const name = requiredString(input, 'Name')
    checkName(name)
    const token = optionalToken(input, 'ClientRequestToken')
    const value = writtenValue(input)
    const existing = this.#secrets.get(name)
    if (existing?.deletionMs !== undefined) {
      throw new SsmServiceError(
        'InvalidRequestException',
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      )
    }
    if (existing) {
      throw new SsmServiceError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      )
    }
    const description = optionalDescription(input)
    const tags = optionalObjectArray(input, 'Tags')?.map((tag) => ({
      Key: requiredString(tag, 'Key'),
      Value: optionalString(tag, 'Value') ?? '',
    }))
    const secret = this.#create(name)
    if (description !== undefined) secret.description = description
    if (tags) secret.tags = tags
    const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name }
    // A secret may be created empty: it then has no version until PutSecretValue gives it one.
    if (value !== undefined)
      out.VersionId = this.#addVersion(secret, value, undefined, token ?? this.#versionId(secret)).id
    return out
  }

  #putSecretValue(input: Input) {
    const secretId = requiredSecretId(input)
    const token = optionalToken(input, 'ClientRequestToken')
    const value = writtenValue(input)
    const stages = optionalStringArray(input, 'VersionStages')
    if (stages !== undefined) checkStages('versionStages', stages)
    if (value === undefined) throw invalidParameter('You must provide either SecretString or SecretBinary.')
    const secret = this.#usable(secretId)
    const existing = token === undefined ? undefined : secret.versions.get(token)
    let version: StoredVersion
    if (existing) {
      // The SDK resends the same ClientRequestToken on a retry: the same value is a no-op, another is refused.
      if (!sameValue(existing.value, value)) {
        throw new SsmServiceError(
          'ResourceExistsException',
          "You can't modify an existing version, you can only create new versions.",
        )
      }
      version = existing
    } else {
      version = this.#addVersion(secret, value, stages, token ?? this.#versionId(secret))
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] }
  }

  #deleteSecret(input: Input) {
    const secretId = requiredSecretId(input)
    const force = optionalBoolean(input, 'ForceDeleteWithoutRecovery') ?? false
    const days = optionalInteger(input, 'RecoveryWindowInDays')
    if (force && days !== undefined) {
      throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
    }
    if (days !== undefined && (days < 7 || days > 30)) {
      throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).')
    }
    const now = this.#now()
    // SSM-FACTS.md: "DeleteSecret with ForceDeleteWithoutRecovery on a secret that does not exist does not fail";
    // tools call it in teardown. The answer names what was asked for.
    if (force && !this.#lookup(secretId)) {
      const arn = secretId.startsWith('arn:')
        ? secretId
        : `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${secretId}`
      return {
        ARN: arn,
        Name: secretId.startsWith('arn:') ? secretId.split(':').slice(6).join(':') : secretId,
        DeletionDate: now / 1000,
      }
    }
    const secret = force ? this.#find(secretId) : this.#usable(secretId)
    if (force) {
      this.#remove(secret)
      return { ARN: secret.arn, Name: secret.name, DeletionDate: now / 1000 }
    }
    secret.deletionMs = now + (days ?? DEFAULT_RECOVERY_DAYS) * DAY_MS
    secret.deletedMs = now
    this.#scheduled.add(secret.name)
    return { ARN: secret.arn, Name: secret.name, DeletionDate: secret.deletionMs / 1000 }
  }

  /** `VersionIdsToStages` / `SecretVersionsToStages`: every version that carries a staging label. */
  #stagesMap(secret: StoredSecret): Record<string, string[]> {
    const map: Record<string, string[]> = {}
    for (const version of secret.versions.values()) if (version.stages.length > 0) map[version.id] = [...version.stages]
    return map
  }

  /** DescribeSecret's and ListSecrets' shape of a secret: its metadata, never a value. */
  #describe(secret: StoredSecret, stagesKey: 'VersionIdsToStages' | 'SecretVersionsToStages') {
    const out: Record<string, unknown> = {
      ARN: secret.arn,
      Name: secret.name,
      RotationEnabled: false,
      LastChangedDate: secret.changedMs / 1000,
      Tags: secret.tags.map((t) => ({ ...t })),
      [stagesKey]: this.#stagesMap(secret),
      CreatedDate: secret.createdMs / 1000,
    }
    if (secret.description !== undefined) out.Description = secret.description
    if (secret.deletedMs !== undefined) out.DeletedDate = secret.deletedMs / 1000
    return out
  }

  #describeSecret(input: Input) {
    return this.#describe(this.#find(requiredSecretId(input)), 'VersionIdsToStages')
  }

  #listSecrets(input: Input) {
    const filters = this.#nameFilters(optionalObjectArray(input, 'Filters') ?? [])
    const includeDeleted = optionalBoolean(input, 'IncludePlannedDeletion') ?? false
    const order = optionalString(input, 'SortOrder') ?? 'asc'
    if (order !== 'asc' && order !== 'desc') {
      throw validationError('sortOrder', 'Member must satisfy enum value set: [asc, desc]')
    }
    const size = pageSizeOf(input, MAX_LIST_RESULTS)
    const scope = listingScope(['list', filters, includeDeleted, order])
    const cursor = this.#cursor(input, scope)
    this.#sorted ??= [...this.#secrets.keys()].sort()
    const names = order === 'asc' ? this.#sorted : [...this.#sorted].reverse()
    const start = cursor === null ? 0 : Number(cursor)
    const matching = names
      .map((name) => this.#secrets.get(name) as StoredSecret)
      .filter((secret) => includeDeleted || secret.deletionMs === undefined)
      .filter((secret) => filters.every((filter) => matchesFilter(secret, filter)))
    const page = matching.slice(start, start + size).map((secret) => this.#describe(secret, 'SecretVersionsToStages'))
    const out: { SecretList: Record<string, unknown>[]; NextToken?: string } = { SecretList: page }
    if (start + size < matching.length) out.NextToken = encodeToken({ after: String(start + size), empties: 0 }, scope)
    return out
  }

  /** Secrets Manager names a bad token `InvalidNextTokenException` (ListSecrets API reference, errors). */
  #cursor(input: Input, scope: string): string | null {
    const token = optionalString(input, 'NextToken')
    if (token === undefined) return null
    try {
      const cursor = decodeToken(token, scope).after
      if (cursor === null || !/^\d+$/.test(cursor)) throw new Error('not an offset')
      return cursor
    } catch {
      throw new SsmServiceError('InvalidNextTokenException', 'The NextToken value is invalid.')
    }
  }

  #listSecretVersionIds(input: Input) {
    const secret = this.#find(requiredSecretId(input))
    const includeDeprecated = optionalBoolean(input, 'IncludeDeprecated') ?? false
    const size = pageSizeOf(input, MAX_LIST_RESULTS)
    const scope = listingScope(['versions', secret.arn, includeDeprecated])
    const cursor = this.#cursor(input, scope)
    const start = cursor === null ? 0 : Number(cursor)
    const versions = [...secret.versions.values()].filter((v) => includeDeprecated || v.stages.length > 0)
    const page = versions.slice(start, start + size).map((v) => ({
      VersionId: v.id,
      VersionStages: [...v.stages],
      CreatedDate: v.createdMs / 1000,
    }))
    const out: { Versions: typeof page; ARN: string; Name: string; NextToken?: string } = {
      Versions: page,
      ARN: secret.arn,
      Name: secret.name,
    }
    if (start + size < versions.length) out.NextToken = encodeToken({ after: String(start + size), empties: 0 }, scope)
    return out
  }

  #restoreSecret(input: Input) {
    const secret = this.#find(requiredSecretId(input))
    if (secret.deletionMs !== undefined) {
      delete secret.deletionMs
      delete secret.deletedMs
      this.#scheduled.delete(secret.name)
    }
    return { ARN: secret.arn, Name: secret.name }
  }

  #updateSecret(input: Input) {
    const secretId = requiredSecretId(input)
    const token = optionalToken(input, 'ClientRequestToken')
    const value = writtenValue(input)
    const description = optionalDescription(input)
    const secret = this.#usable(secretId)
    if (description !== undefined) {
      secret.description = description
      secret.changedMs = this.#now()
    }
    const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name }
    if (value !== undefined) {
      const existing = token === undefined ? undefined : secret.versions.get(token)
      if (existing && !sameValue(existing.value, value)) {
        throw new SsmServiceError(
          'ResourceExistsException',
          "You can't modify an existing version, you can only create new versions.",
        )
      }
      out.VersionId = (existing ?? this.#addVersion(secret, value, undefined, token ?? this.#versionId(secret))).id
    }
    return out
  }

  /**
   * Moves a staging label (UpdateSecretVersionStage API reference): onto `MoveToVersionId`, off
   * `RemoveFromVersionId`, which must name the version that holds it now; moving `AWSCURRENT` makes the old
   * current version `AWSPREVIOUS`.
   */
  #updateSecretVersionStage(input: Input) {
    const secretId = requiredSecretId(input)
    const stage = requiredString(input, 'VersionStage')
    lengthBetween('versionStage', stage, 1, MAX_STAGE_LENGTH)
    const from = optionalToken(input, 'RemoveFromVersionId')
    const to = optionalToken(input, 'MoveToVersionId')
    const secret = this.#usable(secretId)
    if (from !== undefined && !secret.versions.has(from)) throw versionNotFound(from)
    if (to !== undefined && !secret.versions.has(to)) throw versionNotFound(to)
    const holder = secret.stageIndex.get(stage)
    if (holder !== undefined && holder !== to && from !== holder) {
      throw invalidParameter(
        `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ` +
          `${holder}, so you must explicitly reference that version in RemoveFromVersionId.`,
      )
    }
    if (from !== undefined && holder !== from) {
      throw invalidParameter(`The staging label ${stage} is not attached to version ${from}.`)
    }
    if (to === undefined) {
      if (stage === CURRENT)
        throw invalidParameter(
          'You can only move staging label AWSCURRENT to a different secret version. It can’t be completely removed.',
        )
      if (holder !== undefined) {
        const version = secret.versions.get(holder) as StoredVersion
        version.stages = version.stages.filter((s) => s !== stage)
        secret.stageIndex.delete(stage)
      }
    } else if (holder !== to) {
      this.#moveStage(secret, stage, secret.versions.get(to) as StoredVersion)
      if (stage === CURRENT && holder !== undefined) {
        this.#moveStage(secret, PREVIOUS, secret.versions.get(holder) as StoredVersion)
      }
      this.#dropDeprecated(secret)
    }
    secret.changedMs = this.#now()
    return { ARN: secret.arn, Name: secret.name }
  }
}

const optionalDescription = (input: Input): string | undefined => {
  const description = optionalString(input, 'Description')
  if (description !== undefined) lengthBetween('description', description, 0, MAX_DESCRIPTION_LENGTH)
  return description
}
