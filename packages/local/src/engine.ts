import { fakeCiphertext } from './ciphertext.js'
import { dispatch, type Handlers } from './dispatch.js'
import { SsmServiceError, validationError } from './errors.js'
import { type FilterSubject, matchesFilters, parseStringFilters, type StringFilter } from './filters.js'
import {
  type Input,
  optionalBoolean,
  optionalInteger,
  optionalObjectArray,
  optionalString,
  requiredString,
  requiredStringArray,
} from './input.js'
import {
  arnCandidates,
  arnFor,
  isReservedName,
  isUnderPath,
  isValidLabel,
  MAX_DEPTH,
  MAX_REFERENCE_LENGTH,
  nameProblem,
  parseArn,
  pathPrefix,
  pathProblem,
  splitSelector,
} from './names.js'
import { decodeToken, encodeToken, listingScope, lowerBound, type PageCursor, pageSizeOf } from './paging.js'
import { createRandom, randomInt } from './random.js'
import { checkTagKeys, checkTags, MAX_TAGS, type Tag } from './tags.js'
import { didYouMean, quoted, unknownName } from './unknown-name.js'

/**
 * The three kinds of SSM parameter. `StringList` is stored and returned as the comma-separated string;
 * `SecureString` read without `WithDecryption` comes back as an opaque base64 blob, never the plain value.
 *
 * @example
 * ```ts
 * const type: ParameterType = 'SecureString'
 * store.put('/app/token', 's3cret', { type })
 * ```
 */
export type ParameterType = 'String' | 'StringList' | 'SecureString'

/**
 * Parameters to seed a store with: name → value (a `String`), or name → `{ value, type }`.
 *
 * @example
 * ```ts
 * const parameters: SeedParameters = {
 *   '/app/db-url': 'postgres://db',
 *   '/app/hosts': { value: 'a.example,b.example', type: 'StringList' },
 *   '/aws/reference/secretsmanager/app': { value: '{"password":"p"}', type: 'SecureString' },
 * }
 * const store = await startLocalStore({ parameters })
 * ```
 */
export type SeedParameters = Record<string, string | { value: string; type?: ParameterType }>

/**
 * The operations the engine (and so the local store) implements; anything else is `UnknownOperationException`.
 *
 * @example
 * ```ts
 * for (const operation of OPERATIONS) expect(store.calls[operation]).toBe(0)
 * ```
 */
export const OPERATIONS = [
  'GetParameters',
  'GetParametersByPath',
  'GetParameter',
  'PutParameter',
  'LabelParameterVersion',
  'DeleteParameter',
  'DeleteParameters',
  'DescribeParameters',
  'GetParameterHistory',
  'UnlabelParameterVersion',
  'AddTagsToResource',
  'ListTagsForResource',
  'RemoveTagsFromResource',
] as const

/**
 * One of {@link OPERATIONS}.
 *
 * @example
 * ```ts
 * const operation: SsmOperation = 'GetParametersByPath'
 * store.fault({ kind: 'throttle', operations: [operation] })
 * ```
 */
export type SsmOperation = (typeof OPERATIONS)[number]

/**
 * Options of a {@link ParameterEngine}.
 *
 * @example
 * ```ts
 * import { ParameterEngine } from 'middy-secrets-local'
 *
 * const engine = new ParameterEngine({ region: 'eu-west-1', parameters: { '/app/db-url': 'postgres://db' } })
 * ```
 */
export interface EngineOptions {
  /** Region in ARNs. Default `'us-east-1'`. */
  region?: string
  /** Account id in ARNs. Default `'123456789012'`. */
  accountId?: string
  /** Seeds the best-effort paging generator, so a run replays exactly. Default `1`. */
  seed?: number
  /** `false` (default): full pages. `true`: seeded random page sizes in `0..MaxResults`, still carrying a `NextToken`. */
  bestEffortPaging?: boolean
  /** Parameters created at construction (names under `aws`/`ssm` allowed, to stand in for AWS's public ones). */
  parameters?: SeedParameters
  /** Millisecond clock for `LastModifiedDate`. Default `Date.now`. */
  now?: () => number
}

/**
 * Options of {@link ParameterEngine.put}.
 *
 * @example
 * ```ts
 * engine.put('/app/hosts', 'a.example,b.example', { type: 'StringList', overwrite: false })
 * ```
 */
export interface PutOptions {
  /** Default: the existing parameter's type, or `'String'` for a new one. */
  type?: ParameterType
  /** Default `true` (unlike the wire `PutParameter`, whose `Overwrite` defaults to false). */
  overwrite?: boolean
}

/**
 * One version of a parameter as the engine holds it, for assertions in tests.
 *
 * @example
 * ```ts
 * const snapshot = engine.get('/app/flags:prod')
 * expect(snapshot?.version).toBe(2)
 * ```
 */
export interface ParameterSnapshot {
  name: string
  arn: string
  type: ParameterType
  value: string
  version: number
  labels: string[]
  lastModifiedDate: Date
}

/**
 * Where SSM reads `/aws/reference/secretsmanager/<id>` from: the Secrets Manager engine of the same store.
 *
 * @example
 * ```ts
 * const engine = new ParameterEngine()
 * engine.secretsBridge = new SecretsEngine({ secrets: { 'prod/db': 's3cret' } })
 * engine.handle('GetParameter', { Name: '/aws/reference/secretsmanager/prod/db', WithDecryption: true })
 * ```
 */
export interface SecretsBridge {
  /** The secret's version by id or staging label (default `AWSCURRENT`), or `undefined`. */
  get(
    secretId: string,
    options?: { versionId?: string; versionStage?: string },
  ):
    | { name: string; arn: string; versionId: string; value: string | Uint8Array; stages: string[]; createdDate: Date }
    | undefined
  /** The name of the secret an id stands for, or `undefined` when there is none. */
  resolve(secretId: string): string | undefined
}

interface StoredVersion {
  version: number
  value: string
  type: ParameterType
  labels: string[]
  modifiedMs: number
  dataType: string
  tier: string
  description?: string
}

interface StoredParameter {
  name: string
  versions: Map<number, StoredVersion>
  latest: number
  labelIndex: Map<string, number>
  tags: Map<string, string>
}

type Lookup =
  | { found: true; parameter: StoredParameter; version: StoredVersion; selector?: string }
  | { found: false; missing: 'parameter'; name: string }
  | { found: false; missing: 'version'; name: string; selector: string }

const TYPES: readonly string[] = ['String', 'StringList', 'SecureString']

/**
 * Why a seed's `type` is not a parameter type (AWS has three: API reference, ParameterType), or undefined when it
 * is one or absent. Never quotes what was given: a value put in the wrong field would be shown.
 */
export const parameterTypeProblem = (type: unknown): string | undefined =>
  type === undefined || (typeof type === 'string' && TYPES.includes(type))
    ? undefined
    : `"type" must be "String", "StringList" or "SecureString"${typeof type === 'string' ? didYouMean(type, TYPES) : ''}`

const typeNotInEnum = () =>
  validationError('type', 'Member must satisfy enum value set: [SecureString, StringList, String]')

/** The fields of a `parameters` entry in {@link EngineOptions}; the rest of the seed format is for seed files. */
const SEED_FIELDS = ['value', 'type']
const SEED_FILE_ONLY =
  'labels, versions, description and tags are for seed files; in code, use store.put() and store.engine'
const SEED_FILE_HINTS = {
  labels: SEED_FILE_ONLY,
  versions: SEED_FILE_ONLY,
  description: SEED_FILE_ONLY,
  tags: SEED_FILE_ONLY,
}
/** PutParameter's `DataType`: `aws:ec2:image` holds an AMI id, `aws:ssm:integration` a webhook's settings. */
const DATA_TYPES: readonly string[] = ['text', 'aws:ec2:image', 'aws:ssm:integration']
const MAX_DESCRIBE_RESULTS = 50
const MAX_HISTORY_RESULTS = 50
const TIERS: readonly string[] = ['Standard', 'Advanced', 'Intelligent-Tiering']
const STANDARD_LIMIT = 4096
const ADVANCED_LIMIT = 8192
const MAX_VERSIONS = 100
const MAX_LABELS_PER_VERSION = 10
const MAX_NAMES = 10
const MAX_RESULTS = 10
/** Best-effort paging serves at most this many empty pages in a row, so a listing always ends. */
const MAX_EMPTY_PAGES = 2
/** Chance that best-effort paging hands out a token after the last item (the next page is then empty). */
const TRAILING_TOKEN_CHANCE = 0.25
/** SecureStrings use the AWS-managed key unless told otherwise; this store has no other. */
const DEFAULT_KEY_ID = 'alias/aws/ssm'

const RESERVED_MESSAGE =
  'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of ' +
  'sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 ' +
  'symbols .-_'

const notFound = (name: string) => new SsmServiceError('ParameterNotFound', `Parameter ${name} not found.`)
const versionNotFound = (name: string, selector: string) =>
  new SsmServiceError(
    'ParameterVersionNotFound',
    `Systems Manager could not find version ${selector} of ${name}. Verify the version and try again.`,
  )
const invalidName = (name: string, problem: string) =>
  new SsmServiceError('ValidationException', `Parameter name ${name} is not valid: it ${problem}.`)
const levelsOf = (name: string) => (name.startsWith('/') ? name.split('/').length - 1 : 0)
const hierarchyTooDeep = () =>
  new SsmServiceError(
    'HierarchyLevelLimitExceededException',
    `A hierarchy can have a maximum of ${MAX_DEPTH} levels. For more information, see Requirements and constraints ` +
      'for parameter names in the AWS Systems Manager User Guide.',
  )
const invalidResourceId = () =>
  new SsmServiceError('InvalidResourceId', 'The resource ID is not valid. Verify that the ID and try again.')

/** SSM reads Secrets Manager secrets under this prefix, and only with decryption. */
const SECRETS_MANAGER_PREFIX = '/aws/reference/secretsmanager/'
const isSecretsManagerReference = (reference: string) => reference.startsWith(SECRETS_MANAGER_PREFIX)
const secretsManagerNeedsDecryption = () =>
  new SsmServiceError('ValidationException', 'WithDecryption flag must be True for retrieving a Secret Manager secret.')

const checkReferenceLength = (field: string, reference: string) => {
  if (reference.length < 1 || reference.length > MAX_REFERENCE_LENGTH) {
    throw validationError(
      field,
      `Member must satisfy constraint: [Member must have length less than or equal to ${MAX_REFERENCE_LENGTH}, ` +
        'Member must have length greater than or equal to 1]',
    )
  }
}

/** GetParameters' and DeleteParameters' `Names`: 1 to MAX_NAMES names, each of a reference's length. */
const requiredNames = (input: Input): string[] => {
  const names = requiredStringArray(input, 'Names')
  if (names.length < 1) throw validationError('names', 'Member must have length greater than or equal to 1')
  if (names.length > MAX_NAMES) {
    throw validationError('names', `Member must have length less than or equal to ${MAX_NAMES}`)
  }
  for (const name of names) checkReferenceLength('names', name)
  return names
}

const byNameThenSelector = (a: Record<string, unknown>, b: Record<string, unknown>): number => {
  const ka = `${a.Name}\0${a.Selector ?? ''}`
  const kb = `${b.Name}\0${b.Selector ?? ''}`
  return ka < kb ? -1 : ka > kb ? 1 : 0
}

/**
 * SSM Parameter Store's behaviour, in memory and synchronous: versions, labels, selectors, ARNs, `StringList`,
 * `SecureString`, AWS's limits and error types, and (seeded) best-effort paging. It does no I/O, so a
 * simulation can drive it in process; {@link LocalParameterStore} serves it over HTTP.
 *
 * @example
 * ```ts
 * import { ParameterEngine } from 'middy-secrets-local'
 *
 * const engine = new ParameterEngine({ parameters: { '/app/db-url': 'postgres://db' } })
 * engine.put('/app/db-url', 'postgres://db2')            // version 2
 * const out = engine.handle('GetParameters', { Names: ['/app/db-url:1', '/nope'] })
 * // { Parameters: [{ Name: '/app/db-url', Selector: ':1', Value: 'postgres://db', Version: 1, … }],
 * //   InvalidParameters: ['/nope'] }
 * ```
 */
export class ParameterEngine {
  readonly region: string
  readonly accountId: string
  /** Settable at any time; see {@link EngineOptions.bestEffortPaging}. */
  bestEffortPaging: boolean
  readonly #now: () => number
  readonly #random: () => number
  readonly #parameters = new Map<string, StoredParameter>()
  #sorted: string[] | undefined
  // Typed by the operation list, so an operation listed without a handler does not compile.
  readonly #handlers: Handlers<SsmOperation> = {
    GetParameters: (input) => this.#getParameters(input),
    GetParametersByPath: (input) => this.#getParametersByPath(input),
    GetParameter: (input) => this.#getParameter(input),
    PutParameter: (input) => this.#putParameter(input),
    LabelParameterVersion: (input) => this.#labelParameterVersion(input),
    DeleteParameter: (input) => this.#deleteParameter(input),
    DeleteParameters: (input) => this.#deleteParameters(input),
    DescribeParameters: (input) => this.#describeParameters(input),
    GetParameterHistory: (input) => this.#getParameterHistory(input),
    UnlabelParameterVersion: (input) => this.#unlabelParameterVersion(input),
    AddTagsToResource: (input) => this.#addTags(input),
    ListTagsForResource: (input) => this.#listTags(input),
    RemoveTagsFromResource: (input) => this.#removeTags(input),
  }

  /**
   * Where `/aws/reference/secretsmanager/<id>` reads come from ({@link LocalParameterStore} sets its Secrets
   * Manager here). Without one, such names are looked up as plain parameters.
   */
  secretsBridge: SecretsBridge | undefined

  constructor(options: EngineOptions = {}) {
    this.region = options.region ?? 'us-east-1'
    this.accountId = options.accountId ?? '123456789012'
    this.bestEffortPaging = options.bestEffortPaging ?? false
    this.#now = options.now ?? Date.now
    this.#random = createRandom(options.seed ?? 1)
    for (const [name, seed] of Object.entries(options.parameters ?? {})) {
      if (typeof seed === 'string') {
        this.put(name, seed)
        continue
      }
      // A field this form does not have (labels, a typo) would be dropped without a word.
      const where = `parameters[${quoted(name)}]`
      if (typeof seed !== 'object' || seed === null || Array.isArray(seed)) {
        throw new TypeError(`${where}: must be a string or { value, type? }`)
      }
      for (const field of Object.keys(seed)) {
        const problem = unknownName(field, SEED_FIELDS, 'field', SEED_FILE_HINTS)
        if (problem !== undefined) throw new TypeError(`${where}: ${problem}`)
      }
      if (typeof seed.value !== 'string') throw new TypeError(`${where}: "value" must be a string`)
      const typeProblem = parameterTypeProblem(seed.type)
      if (typeProblem) throw new TypeError(`${where}: ${typeProblem}`)
      this.put(name, seed.value, seed.type ? { type: seed.type } : {})
    }
  }

  /** How many parameters exist. */
  get size(): number {
    return this.#parameters.size
  }

  /**
   * Runs one SSM operation as the wire would: `input` is the request body, the result the response body.
   * Throws an {@link SsmServiceError} (AWS's error type as `name`) for anything AWS would refuse.
   */
  handle(operation: string, input: unknown): unknown {
    return dispatch(this.#handlers, operation, input)
  }

  /**
   * Creates a parameter or adds a version to it and returns the new version. Unlike the wire, names under
   * `aws`/`ssm` are allowed (to stand in for AWS's public parameters) and `overwrite` defaults to `true`. A `type`
   * other than AWS's three is a `ValidationException`, as on the wire.
   */
  put(name: string, value: string, options: PutOptions = {}): number {
    if (options.type !== undefined && !TYPES.includes(options.type)) throw typeNotInEnum()
    return this.#put(name, value, options.type, {
      overwrite: options.overwrite ?? true,
      tier: 'Standard',
      dataType: 'text',
      // In process, a new parameter without a type is a String, as this method always did.
      defaultType: 'String',
    }).version
  }

  /** Moves `labels` onto `version` of `name`. Throws `ValidationException` if any label breaks SSM's rules. */
  label(name: string, version: number, labels: string[]): void {
    const invalid = labels.filter((label) => !isValidLabel(label))
    if (invalid.length > 0) {
      throw new SsmServiceError('ValidationException', `Invalid labels: ${invalid.join(', ')}`)
    }
    this.#label(name, version, labels)
  }

  /**
   * Sets what PutParameter's `Description` and `DataType` would have set on `version` of `name` (seed and data
   * files restore them this way). Throws `ParameterNotFound` / `ParameterVersionNotFound`.
   */
  annotate(
    name: string,
    version: number,
    fields: { description?: string | undefined; dataType?: string | undefined },
  ): void {
    const parameter = this.#find(name)
    const stored = parameter.versions.get(version)
    if (!stored) throw versionNotFound(name, String(version))
    if (fields.dataType !== undefined) {
      if (!DATA_TYPES.includes(fields.dataType)) {
        throw new SsmServiceError('ValidationException', `The following data type is not supported: ${fields.dataType}`)
      }
      stored.dataType = fields.dataType
    }
    if (fields.description !== undefined) stored.description = fields.description
  }

  /** Deletes a parameter and all its versions. Throws `ParameterNotFound` if there is none. */
  delete(name: string): void {
    this.#deleteParameter({ Name: name })
  }

  /** The version a reference (name, ARN, with or without `:selector`) resolves to, or `undefined`. */
  get(reference: string): ParameterSnapshot | undefined {
    const hit = this.#lookup(reference)
    if (!hit.found) return undefined
    return {
      name: hit.parameter.name,
      arn: this.#arn(hit.parameter.name),
      type: hit.version.type,
      value: hit.version.value,
      version: hit.version.version,
      labels: [...hit.version.labels],
      lastModifiedDate: new Date(hit.version.modifiedMs),
    }
  }

  /**
   * The existing parameter name a reference stands for (ARNs resolved, selector stripped), or `undefined`
   * when no such parameter exists.
   */
  resolve(reference: string): string | undefined {
    const hit = this.#lookup(reference)
    return hit.found ? hit.parameter.name : undefined
  }

  #arn(name: string): string {
    return arnFor(this.region, this.accountId, name)
  }

  #sortedNames(): string[] {
    this.#sorted ??= [...this.#parameters.keys()].sort()
    return this.#sorted
  }

  #lookup(reference: string): Lookup {
    const arn = parseArn(reference)
    let candidates: string[]
    let selector: string | undefined
    if (arn) {
      if (arn.region !== this.region || arn.account !== this.accountId) {
        return { found: false, missing: 'parameter', name: reference }
      }
      candidates = arnCandidates(arn.rest)
      selector = arn.selector
    } else {
      const split = splitSelector(reference)
      candidates = [split.base]
      selector = split.selector
    }
    const name = candidates.find((candidate) => this.#parameters.has(candidate))
    const parameter = name === undefined ? undefined : this.#parameters.get(name)
    if (!parameter) return { found: false, missing: 'parameter', name: candidates[0] as string }
    if (selector === undefined) {
      return { found: true, parameter, version: parameter.versions.get(parameter.latest) as StoredVersion }
    }
    const number = /^\d+$/.test(selector) ? Number(selector) : parameter.labelIndex.get(selector)
    const version = number === undefined ? undefined : parameter.versions.get(number)
    if (!version) return { found: false, missing: 'version', name: parameter.name, selector }
    return { found: true, parameter, version, selector: `:${selector}` }
  }

  #view(
    parameter: StoredParameter,
    version: StoredVersion,
    withDecryption: boolean,
    selector?: string,
  ): Record<string, unknown> {
    const arn = this.#arn(parameter.name)
    const view: Record<string, unknown> = {
      Name: parameter.name,
      Type: version.type,
      Value:
        version.type === 'SecureString' && !withDecryption
          ? fakeCiphertext(arn, version.version, version.value)
          : version.value,
      Version: version.version,
      LastModifiedDate: version.modifiedMs / 1000,
      ARN: arn,
      DataType: version.dataType,
    }
    if (selector !== undefined) view.Selector = selector
    return view
  }

  /**
   * `/aws/reference/secretsmanager/<id>[:stage or version id]` answered from the Secrets Manager next to this
   * store, shaped as the SSM user guide's "Referencing AWS Secrets Manager secrets" shows it: the full reference
   * as `Name`, a `SecureString` at version 0, the secret's ARN, the GetSecretValue answer in `SourceResult`, and
   * the selector in `Selector`. `undefined` when this is not such a reference or no bridge is set.
   */
  #secretReference(reference: string): Lookup | { found: 'secret'; view: Record<string, unknown> } | undefined {
    const bridge = this.secretsBridge
    if (!bridge || !isSecretsManagerReference(reference)) return undefined
    const rest = reference.slice(SECRETS_MANAGER_PREFIX.length)
    const at = rest.indexOf(':')
    const secretId = at < 0 ? rest : rest.slice(0, at)
    const selector = at < 0 ? undefined : rest.slice(at + 1)
    const name = `${SECRETS_MANAGER_PREFIX}${secretId}`
    if (bridge.resolve(secretId) === undefined) return { found: false, missing: 'parameter', name }
    const secret =
      selector === undefined
        ? bridge.get(secretId)
        : (bridge.get(secretId, { versionId: selector }) ?? bridge.get(secretId, { versionStage: selector }))
    if (!secret) return { found: false, missing: 'version', name, selector: selector ?? 'AWSCURRENT' }
    const value = typeof secret.value === 'string' ? secret.value : Buffer.from(secret.value).toString('base64')
    const source: Record<string, unknown> = { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId }
    source[typeof secret.value === 'string' ? 'SecretString' : 'SecretBinary'] = value
    source.VersionStages = secret.stages
    source.CreatedDate = secret.createdDate.getTime() / 1000
    const view: Record<string, unknown> = {
      Name: name,
      Type: 'SecureString',
      Value: value,
      Version: 0,
      SourceResult: JSON.stringify(source),
      LastModifiedDate: secret.createdDate.getTime() / 1000,
      ARN: secret.arn,
      DataType: 'text',
    }
    if (selector !== undefined) view.Selector = `:${selector}`
    return { found: 'secret', view }
  }

  #getParameters(input: Input) {
    const names = requiredNames(input)
    const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false
    if (!withDecryption && names.some(isSecretsManagerReference)) throw secretsManagerNeedsDecryption()
    const found = new Map<string, Record<string, unknown>>()
    const invalid = new Set<string>()
    for (const reference of names) {
      const bridged = this.#secretReference(reference)
      if (bridged?.found === 'secret') {
        found.set(`${bridged.view.Name}\0${bridged.view.Selector ?? ''}`, bridged.view)
        continue
      }
      const hit = bridged ?? this.#lookup(reference)
      if (!hit.found) {
        invalid.add(reference)
        continue
      }
      const key = `${hit.parameter.name}\0${hit.selector ?? ''}`
      if (!found.has(key)) found.set(key, this.#view(hit.parameter, hit.version, withDecryption, hit.selector))
    }
    return { Parameters: [...found.values()].sort(byNameThenSelector), InvalidParameters: [...invalid] }
  }

  #getParameter(input: Input) {
    const reference = requiredString(input, 'Name')
    checkReferenceLength('name', reference)
    const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false
    if (!withDecryption && isSecretsManagerReference(reference)) throw secretsManagerNeedsDecryption()
    const bridged = this.#secretReference(reference)
    if (bridged?.found === 'secret') return { Parameter: bridged.view }
    const hit = bridged ?? this.#lookup(reference)
    if (!hit.found) {
      throw hit.missing === 'parameter' ? notFound(hit.name) : versionNotFound(hit.name, hit.selector)
    }
    return { Parameter: this.#view(hit.parameter, hit.version, withDecryption, hit.selector) }
  }

  #getParametersByPath(input: Input) {
    const path = requiredString(input, 'Path')
    if (path.length > MAX_REFERENCE_LENGTH) {
      throw validationError('path', `Member must have length less than or equal to ${MAX_REFERENCE_LENGTH}`)
    }
    const problem = pathProblem(path)
    if (problem)
      throw new SsmServiceError('ValidationException', `The parameter path ${path} is not valid: it ${problem}.`)
    const recursive = optionalBoolean(input, 'Recursive') ?? false
    const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false
    const maxResults = pageSizeOf(input, MAX_RESULTS)
    const filters = parseStringFilters(optionalObjectArray(input, 'ParameterFilters') ?? [], 'byPath')
    const prefix = pathPrefix(path)
    const scope = listingScope([prefix, recursive, filters])
    const token = optionalString(input, 'NextToken')
    const cursor: PageCursor = token === undefined ? { after: null, empties: 0 } : decodeToken(token, scope)

    let size = maxResults
    if (this.bestEffortPaging) {
      size =
        cursor.empties >= MAX_EMPTY_PAGES
          ? 1 + randomInt(this.#random, maxResults - 1)
          : randomInt(this.#random, maxResults)
    }
    const sorted = this.#sortedNames()
    let index = lowerBound(sorted, prefix)
    if (cursor.after !== null) index = Math.max(index, lowerBound(sorted, cursor.after, true))
    const page: Record<string, unknown>[] = []
    let last = cursor.after
    let more = false
    for (; index < sorted.length; index++) {
      const name = sorted[index] as string
      if (!name.startsWith(prefix)) break
      if (!isUnderPath(name, prefix, recursive)) continue
      const parameter = this.#parameters.get(name) as StoredParameter
      const version = this.#filtered(parameter, filters)
      if (!version) continue
      if (page.length === size) {
        more = true
        break
      }
      page.push(this.#view(parameter, version, withDecryption))
      last = name
    }
    if (!more && this.bestEffortPaging && page.length > 0 && this.#random() < TRAILING_TOKEN_CHANCE) more = true
    const out: { Parameters: Record<string, unknown>[]; NextToken?: string } = { Parameters: page }
    if (more) out.NextToken = encodeToken({ after: last, empties: page.length === 0 ? cursor.empties + 1 : 0 }, scope)
    return out
  }

  #subject(parameter: StoredParameter, version: StoredVersion): FilterSubject {
    return {
      name: parameter.name,
      type: version.type,
      keyId: version.type === 'SecureString' ? DEFAULT_KEY_ID : undefined,
      tier: version.tier,
      dataType: version.dataType,
      labels: version.labels,
      tags: parameter.tags,
    }
  }

  /** The version a listing returns for `parameter` under `filters` (a `Label` filter picks the labelled one). */
  #filtered(parameter: StoredParameter, filters: readonly StringFilter[]): StoredVersion | undefined {
    let version = parameter.versions.get(parameter.latest) as StoredVersion
    for (const filter of filters) {
      if (filter.key === 'Label') {
        const labelled = filter.values.map((label) => parameter.labelIndex.get(label)).find((v) => v !== undefined)
        if (labelled === undefined) return undefined
        version = parameter.versions.get(labelled) as StoredVersion
      }
    }
    return matchesFilters(this.#subject(parameter, version), filters) ? version : undefined
  }

  #putParameter(input: Input) {
    const name = requiredString(input, 'Name')
    const value = requiredString(input, 'Value')
    const type = optionalString(input, 'Type')
    if (type !== undefined && !TYPES.includes(type)) throw typeNotInEnum()
    const tier = optionalString(input, 'Tier') ?? 'Standard'
    if (!TIERS.includes(tier)) {
      throw validationError('tier', 'Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]')
    }
    const dataType = optionalString(input, 'DataType') ?? 'text'
    if (!DATA_TYPES.includes(dataType)) {
      throw new SsmServiceError(
        'ValidationException',
        `The following data type is not supported: ${dataType} (use ${DATA_TYPES.join(', ')})`,
      )
    }
    if (dataType !== 'text' && type !== undefined && type !== 'String') {
      throw new SsmServiceError('ValidationException', `Parameters of data type ${dataType} must be of type String.`)
    }
    const description = optionalString(input, 'Description')
    if (description !== undefined && description.length > 1024) {
      throw validationError('description', 'Member must have length less than or equal to 1024')
    }
    const overwrite = optionalBoolean(input, 'Overwrite') ?? false
    const tags = optionalObjectArray(input, 'Tags')
    if (tags !== undefined && overwrite) {
      throw new SsmServiceError(
        'ValidationException',
        "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please " +
          'remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or ' +
          'RemoveTagsFromResource.',
      )
    }
    if (isReservedName(name)) throw new SsmServiceError('ValidationException', RESERVED_MESSAGE)
    const stored = this.#put(name, value, type as ParameterType | undefined, {
      overwrite,
      tier,
      dataType,
      description,
      tags: tags === undefined ? undefined : checkTags(tags),
    })
    return { Version: stored.version, Tier: stored.tier }
  }

  #put(
    name: string,
    value: string,
    type: ParameterType | undefined,
    options: {
      overwrite: boolean
      tier: string
      dataType: string
      description?: string | undefined
      tags?: Tag[] | undefined
      defaultType?: ParameterType
    },
  ): { version: number; tier: string } {
    const problem = nameProblem(name)
    if (problem) throw levelsOf(name) > MAX_DEPTH ? hierarchyTooDeep() : invalidName(name, problem)
    if (value.length < 1) throw validationError('value', 'Member must have length greater than or equal to 1')
    const { tier } = options
    const limit = tier === 'Standard' ? STANDARD_LIMIT : ADVANCED_LIMIT
    if (value.length > limit) {
      throw new SsmServiceError(
        'ValidationException',
        tier === 'Standard'
          ? `Standard tier parameters support a maximum parameter value of ${STANDARD_LIMIT} characters. To create ` +
              'a larger parameter value, upgrade the parameter to use the advanced-parameter tier.'
          : `Advanced tier parameters support a maximum parameter value of ${ADVANCED_LIMIT} characters.`,
      )
    }
    let parameter = this.#parameters.get(name)
    if (parameter && !options.overwrite) {
      throw new SsmServiceError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      )
    }
    const previous = parameter?.versions.get(parameter.latest)
    // PutParameter's Type is optional only for an update (API reference, PutParameter: Type).
    const resolvedType = type ?? previous?.type ?? options.defaultType
    if (resolvedType === undefined) {
      throw new SsmServiceError('ValidationException', 'A parameter type is required when you create a parameter.')
    }
    if (!parameter) {
      parameter = { name, versions: new Map(), latest: 0, labelIndex: new Map(), tags: new Map() }
      if (options.tags) for (const tag of options.tags) parameter.tags.set(tag.Key, tag.Value)
      this.#parameters.set(name, parameter)
      this.#sorted = undefined
    } else if (parameter.versions.size >= MAX_VERSIONS) {
      this.#dropOldestVersion(parameter)
    }
    const resolvedTier =
      tier === 'Intelligent-Tiering' ? (value.length > STANDARD_LIMIT ? 'Advanced' : 'Standard') : tier
    const version: StoredVersion = {
      version: parameter.latest + 1,
      value,
      type: resolvedType,
      labels: [],
      modifiedMs: this.#now(),
      dataType: options.dataType,
      tier: resolvedTier,
    }
    const description = options.description ?? previous?.description
    if (description !== undefined) version.description = description
    parameter.versions.set(version.version, version)
    parameter.latest = version.version
    return { version: version.version, tier: resolvedTier }
  }

  /** SSM keeps 100 versions: the oldest goes to make room, unless a label still points at it. */
  #dropOldestVersion(parameter: StoredParameter): void {
    const oldest = Math.min(...parameter.versions.keys())
    const version = parameter.versions.get(oldest) as StoredVersion
    if (version.labels.length > 0) {
      throw new SsmServiceError(
        'ParameterMaxVersionLimitExceeded',
        `You attempted to create a new version of ${parameter.name} by calling the PutParameter API with the ` +
          `overwrite flag. Version ${oldest}, the oldest version, can't be deleted because it has a label ` +
          'associated with it. Move the label to another version of the parameter, and try again.',
      )
    }
    parameter.versions.delete(oldest)
  }

  #labelParameterVersion(input: Input) {
    const name = requiredString(input, 'Name')
    const version = optionalInteger(input, 'ParameterVersion')
    const labels = requiredStringArray(input, 'Labels')
    checkLabelCount(labels)
    return this.#label(name, version, labels)
  }

  #label(name: string, versionNumber: number | undefined, labels: string[]) {
    const parameter = this.#find(name)
    const number = versionNumber ?? parameter.latest
    const version = parameter.versions.get(number)
    if (!version) throw versionNotFound(parameter.name, String(number))
    const wanted = [...new Set(labels)]
    const valid = wanted.filter(isValidLabel)
    const adding = valid.filter((label) => !version.labels.includes(label))
    if (version.labels.length + adding.length > MAX_LABELS_PER_VERSION) {
      throw new SsmServiceError(
        'ParameterVersionLabelLimitExceeded',
        `A parameter version can have a maximum of ${MAX_LABELS_PER_VERSION} labels. Move one or more labels to ` +
          'another version and try again.',
      )
    }
    for (const label of adding) {
      const from = parameter.labelIndex.get(label)
      const holder = from === undefined ? undefined : parameter.versions.get(from)
      if (holder) holder.labels = holder.labels.filter((l) => l !== label)
      parameter.labelIndex.set(label, number)
      version.labels.push(label)
    }
    return { InvalidLabels: wanted.filter((label) => !isValidLabel(label)), ParameterVersion: number }
  }

  #unlabelParameterVersion(input: Input) {
    const parameter = this.#find(requiredString(input, 'Name'))
    const number = optionalInteger(input, 'ParameterVersion')
    if (number === undefined) throw validationError('parameterVersion', 'Member must not be null')
    const labels = requiredStringArray(input, 'Labels')
    checkLabelCount(labels)
    const version = parameter.versions.get(number)
    if (!version) throw versionNotFound(parameter.name, String(number))
    const removed: string[] = []
    const invalid: string[] = []
    for (const label of new Set(labels)) {
      if (!version.labels.includes(label)) {
        invalid.push(label)
        continue
      }
      version.labels = version.labels.filter((l) => l !== label)
      parameter.labelIndex.delete(label)
      removed.push(label)
    }
    return { RemovedLabels: removed, InvalidLabels: invalid }
  }

  #deleteParameter(input: Input) {
    const parameter = this.#find(requiredString(input, 'Name'))
    this.#remove(parameter)
    return {}
  }

  #deleteParameters(input: Input) {
    const names = requiredNames(input)
    const deleted: string[] = []
    const invalid: string[] = []
    for (const name of new Set(names)) {
      const parameter = this.#parameters.get(name)
      if (!parameter) {
        invalid.push(name)
        continue
      }
      this.#remove(parameter)
      deleted.push(name)
    }
    return { DeletedParameters: deleted, InvalidParameters: invalid }
  }

  #remove(parameter: StoredParameter): void {
    this.#parameters.delete(parameter.name)
    this.#sorted = undefined
  }

  #describeParameters(input: Input) {
    const legacy = optionalObjectArray(input, 'Filters')
    const modern = optionalObjectArray(input, 'ParameterFilters')
    if (legacy !== undefined && modern !== undefined) {
      throw new SsmServiceError(
        'ValidationException',
        'You can use either Filters or ParameterFilters in a single request, not both.',
      )
    }
    // The old `Filters` (Name, Type, KeyId; Equals only) read as ParameterFilters of the same keys.
    const raw = (legacy ?? []).map((filter) => {
      const key = requiredString(filter, 'Key')
      if (!['Name', 'Type', 'KeyId'].includes(key)) {
        throw new SsmServiceError('InvalidFilterKey', `The following filter key is not valid: ${key}.`)
      }
      return { Key: key, Values: filter.Values }
    })
    const filters = parseStringFilters(modern ?? raw, 'describe')
    const maxResults = pageSizeOf(input, MAX_DESCRIBE_RESULTS)
    const scope = listingScope(['describe', filters])
    const token = optionalString(input, 'NextToken')
    const cursor: PageCursor = token === undefined ? { after: null, empties: 0 } : decodeToken(token, scope)
    const sorted = this.#sortedNames()
    const page: Record<string, unknown>[] = []
    let index = cursor.after === null ? 0 : lowerBound(sorted, cursor.after, true)
    let more = false
    let last = cursor.after
    for (; index < sorted.length; index++) {
      const parameter = this.#parameters.get(sorted[index] as string) as StoredParameter
      const version = parameter.versions.get(parameter.latest) as StoredVersion
      if (!matchesFilters(this.#subject(parameter, version), filters)) continue
      if (page.length === maxResults) {
        more = true
        break
      }
      page.push(this.#metadata(parameter, version))
      last = parameter.name
    }
    const out: { Parameters: Record<string, unknown>[]; NextToken?: string } = { Parameters: page }
    if (more) out.NextToken = encodeToken({ after: last, empties: 0 }, scope)
    return out
  }

  /** DescribeParameters' and GetParameterHistory's shape of one version: everything but the value. */
  #metadata(parameter: StoredParameter, version: StoredVersion): Record<string, unknown> {
    const metadata: Record<string, unknown> = {
      Name: parameter.name,
      ARN: this.#arn(parameter.name),
      Type: version.type,
      LastModifiedDate: version.modifiedMs / 1000,
      LastModifiedUser: `arn:aws:iam::${this.accountId}:user/local`,
      Version: version.version,
      Tier: version.tier,
      Policies: [],
      DataType: version.dataType,
    }
    if (version.type === 'SecureString') metadata.KeyId = DEFAULT_KEY_ID
    if (version.description !== undefined) metadata.Description = version.description
    return metadata
  }

  #getParameterHistory(input: Input) {
    const reference = requiredString(input, 'Name')
    checkReferenceLength('name', reference)
    const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false
    const maxResults = pageSizeOf(input, MAX_HISTORY_RESULTS)
    // A name or an ARN, without a selector: the history is every version's.
    const arn = parseArn(reference)
    const hit =
      (arn ? arn.selector : splitSelector(reference).selector) === undefined ? this.#lookup(reference) : undefined
    if (!hit?.found) throw notFound(reference)
    const parameter = hit.parameter
    const scope = listingScope(['history', parameter.name])
    const token = optionalString(input, 'NextToken')
    const cursor: PageCursor = token === undefined ? { after: null, empties: 0 } : decodeToken(token, scope)
    const after = cursor.after === null ? 0 : Number(cursor.after)
    const versions = [...parameter.versions.values()].filter((v) => v.version > after)
    const page = versions.slice(0, maxResults).map((version) => {
      const entry = this.#metadata(parameter, version)
      delete entry.ARN
      entry.Value =
        version.type === 'SecureString' && !withDecryption
          ? fakeCiphertext(this.#arn(parameter.name), version.version, version.value)
          : version.value
      entry.Labels = [...version.labels]
      return entry
    })
    const out: { Parameters: Record<string, unknown>[]; NextToken?: string } = { Parameters: page }
    if (versions.length > maxResults) {
      out.NextToken = encodeToken({ after: String(versions[maxResults - 1]?.version), empties: 0 }, scope)
    }
    return out
  }

  /** The parameter a tagging call names; only `ResourceType: Parameter` lives in this store. */
  #tagged(input: Input): StoredParameter {
    const type = requiredString(input, 'ResourceType')
    const id = requiredString(input, 'ResourceId')
    if (type !== 'Parameter') {
      throw new SsmServiceError(
        'InvalidResourceType',
        'The resource type is not valid. This store holds only Parameter.',
      )
    }
    const parameter = this.#parameters.get(id)
    if (!parameter) throw invalidResourceId()
    return parameter
  }

  #addTags(input: Input) {
    const parameter = this.#tagged(input)
    const tags = checkTags(optionalObjectArray(input, 'Tags') ?? [])
    const keys = new Set([...parameter.tags.keys(), ...tags.map((tag) => tag.Key)])
    if (keys.size > MAX_TAGS) {
      throw new SsmServiceError('TooManyTagsError', `A resource can have at most ${MAX_TAGS} tags.`)
    }
    for (const tag of tags) parameter.tags.set(tag.Key, tag.Value)
    return {}
  }

  #listTags(input: Input) {
    const parameter = this.#tagged(input)
    return { TagList: [...parameter.tags].map(([Key, Value]) => ({ Key, Value })) }
  }

  #removeTags(input: Input) {
    const parameter = this.#tagged(input)
    for (const key of checkTagKeys(requiredStringArray(input, 'TagKeys'))) parameter.tags.delete(key)
    return {}
  }

  /**
   * An existing parameter by plain name, else `ParameterNotFound`. Label, unlabel and delete take a name only:
   * their API reference says "You can't enter the Amazon Resource Name (ARN) for a parameter", so an ARN is a
   * name that does not exist.
   */
  #find(name: string): StoredParameter {
    const parameter = this.#parameters.get(name)
    if (!parameter) throw notFound(name)
    return parameter
  }
}

const checkLabelCount = (labels: string[]) => {
  if (labels.length < 1 || labels.length > MAX_LABELS_PER_VERSION) {
    throw validationError(
      'labels',
      `Member must have length less than or equal to ${MAX_LABELS_PER_VERSION}, ` +
        'Member must have length greater than or equal to 1',
    )
  }
}
