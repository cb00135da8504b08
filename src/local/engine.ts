import { fakeCiphertext } from './ciphertext.js'
import { SsmServiceError, validationError } from './errors.js'
import {
  asInput,
  type Input,
  optionalBoolean,
  optionalInteger,
  optionalObjectArray,
  optionalString,
  optionalStringArray,
  requiredString,
  requiredStringArray,
} from './input.js'
import {
  arnCandidates,
  arnFor,
  isReservedName,
  isUnderPath,
  isValidLabel,
  MAX_REFERENCE_LENGTH,
  nameProblem,
  parseArn,
  pathPrefix,
  pathProblem,
  splitSelector,
} from './names.js'
import { decodeToken, encodeToken, listingScope, lowerBound, type PageCursor } from './paging.js'
import { createRandom, randomInt } from './random.js'

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
 * import { ParameterEngine } from 'middy-secrets/local'
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

interface StoredVersion {
  version: number
  value: string
  type: ParameterType
  labels: string[]
  modifiedMs: number
}

interface StoredParameter {
  name: string
  versions: Map<number, StoredVersion>
  latest: number
  labelIndex: Map<string, number>
}

type Lookup =
  | { found: true; parameter: StoredParameter; version: StoredVersion; selector?: string }
  | { found: false; missing: 'parameter'; name: string }
  | { found: false; missing: 'version'; name: string; selector: string }

interface PathFilter {
  key: 'Type' | 'KeyId' | 'Label'
  values: string[]
}

const TYPES: readonly string[] = ['String', 'StringList', 'SecureString']
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
 * import { ParameterEngine } from 'middy-secrets/local'
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

  constructor(options: EngineOptions = {}) {
    this.region = options.region ?? 'us-east-1'
    this.accountId = options.accountId ?? '123456789012'
    this.bestEffortPaging = options.bestEffortPaging ?? false
    this.#now = options.now ?? Date.now
    this.#random = createRandom(options.seed ?? 1)
    for (const [name, seed] of Object.entries(options.parameters ?? {})) {
      if (typeof seed === 'string') this.put(name, seed)
      else this.put(name, seed.value, seed.type ? { type: seed.type } : {})
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
    switch (operation) {
      case 'GetParameters':
        return this.#getParameters(asInput(input))
      case 'GetParametersByPath':
        return this.#getParametersByPath(asInput(input))
      case 'GetParameter':
        return this.#getParameter(asInput(input))
      case 'PutParameter':
        return this.#putParameter(asInput(input))
      case 'LabelParameterVersion':
        return this.#labelParameterVersion(asInput(input))
      case 'DeleteParameter':
        return this.#deleteParameter(asInput(input))
      default:
        throw new SsmServiceError('UnknownOperationException', `Unknown operation ${operation}`)
    }
  }

  /**
   * Creates a parameter or adds a version to it and returns the new version. Unlike the wire, names under
   * `aws`/`ssm` are allowed (to stand in for AWS's public parameters) and `overwrite` defaults to `true`.
   */
  put(name: string, value: string, options: PutOptions = {}): number {
    return this.#put(name, value, options.type, options.overwrite ?? true, 'Standard').version
  }

  /** Moves `labels` onto `version` of `name`. Throws `ValidationException` if any label breaks SSM's rules. */
  label(name: string, version: number, labels: string[]): void {
    const invalid = labels.filter((label) => !isValidLabel(label))
    if (invalid.length > 0) {
      throw new SsmServiceError('ValidationException', `Invalid labels: ${invalid.join(', ')}`)
    }
    this.#label(name, version, labels)
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
      DataType: 'text',
    }
    if (selector !== undefined) view.Selector = selector
    return view
  }

  #getParameters(input: Input) {
    const names = requiredStringArray(input, 'Names')
    if (names.length < 1) throw validationError('names', 'Member must have length greater than or equal to 1')
    if (names.length > MAX_NAMES) {
      throw validationError('names', `Member must have length less than or equal to ${MAX_NAMES}`)
    }
    for (const name of names) checkReferenceLength('names', name)
    const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false
    if (!withDecryption && names.some(isSecretsManagerReference)) throw secretsManagerNeedsDecryption()
    const found = new Map<string, Record<string, unknown>>()
    const invalid = new Set<string>()
    for (const reference of names) {
      const hit = this.#lookup(reference)
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
    const hit = this.#lookup(reference)
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
    const maxResults = optionalInteger(input, 'MaxResults') ?? MAX_RESULTS
    if (maxResults < 1) throw validationError('maxResults', 'Member must have value greater than or equal to 1')
    if (maxResults > MAX_RESULTS) {
      throw validationError('maxResults', `Member must have value less than or equal to ${MAX_RESULTS}`)
    }
    const filters = this.#pathFilters(input)
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

  #pathFilters(input: Input): PathFilter[] {
    const raw = optionalObjectArray(input, 'ParameterFilters') ?? []
    return raw.map((filter) => {
      const key = requiredString(filter, 'Key')
      if (key !== 'Type' && key !== 'KeyId' && key !== 'Label') {
        throw new SsmServiceError(
          'ValidationException',
          `The following filter key is not valid: ${key}. Valid filter keys include: [Type, KeyId, Label].`,
        )
      }
      const option = optionalString(filter, 'Option') ?? 'Equals'
      if (option !== 'Equals') {
        throw new SsmServiceError(
          'ValidationException',
          `The following filter option is not valid: ${option}. Valid options include: [Equals].`,
        )
      }
      const values = optionalStringArray(filter, 'Values') ?? []
      if (values.length === 0) {
        throw new SsmServiceError(
          'ValidationException',
          `The following filter values are missing : null for filter key ${key}.`,
        )
      }
      return { key, values }
    })
  }

  /** The version a listing returns for `parameter` under `filters` (a `Label` filter picks the labelled one). */
  #filtered(parameter: StoredParameter, filters: PathFilter[]): StoredVersion | undefined {
    let version = parameter.versions.get(parameter.latest) as StoredVersion
    for (const filter of filters) {
      if (filter.key === 'Label') {
        const labelled = filter.values.map((label) => parameter.labelIndex.get(label)).find((v) => v !== undefined)
        if (labelled === undefined) return undefined
        version = parameter.versions.get(labelled) as StoredVersion
      }
    }
    for (const filter of filters) {
      if (filter.key === 'Type' && !filter.values.includes(version.type)) return undefined
      if (filter.key === 'KeyId' && (version.type !== 'SecureString' || !filter.values.includes(DEFAULT_KEY_ID))) {
        return undefined
      }
    }
    return version
  }

  #putParameter(input: Input) {
    const name = requiredString(input, 'Name')
    const value = requiredString(input, 'Value')
    const type = optionalString(input, 'Type')
    if (type !== undefined && !TYPES.includes(type)) {
      throw validationError('type', 'Member must satisfy enum value set: [SecureString, StringList, String]')
    }
    const tier = optionalString(input, 'Tier') ?? 'Standard'
    if (!TIERS.includes(tier)) {
      throw validationError('tier', 'Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]')
    }
    const dataType = optionalString(input, 'DataType') ?? 'text'
    if (dataType !== 'text') {
      throw new SsmServiceError('ValidationException', `The following data type is not supported: ${dataType}`)
    }
    const overwrite = optionalBoolean(input, 'Overwrite') ?? false
    if (isReservedName(name)) throw new SsmServiceError('ValidationException', RESERVED_MESSAGE)
    const stored = this.#put(name, value, type as ParameterType | undefined, overwrite, tier)
    return { Version: stored.version, Tier: stored.tier }
  }

  #put(
    name: string,
    value: string,
    type: ParameterType | undefined,
    overwrite: boolean,
    tier: string,
  ): { version: number; tier: string } {
    const problem = nameProblem(name)
    if (problem) throw invalidName(name, problem)
    if (value.length < 1) throw validationError('value', 'Member must have length greater than or equal to 1')
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
    if (parameter && !overwrite) {
      throw new SsmServiceError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      )
    }
    if (!parameter) {
      parameter = { name, versions: new Map(), latest: 0, labelIndex: new Map() }
      this.#parameters.set(name, parameter)
      this.#sorted = undefined
    } else if (parameter.versions.size >= MAX_VERSIONS) {
      this.#dropOldestVersion(parameter)
    }
    const previous = parameter.versions.get(parameter.latest)
    const version: StoredVersion = {
      version: parameter.latest + 1,
      value,
      type: type ?? previous?.type ?? 'String',
      labels: [],
      modifiedMs: this.#now(),
    }
    parameter.versions.set(version.version, version)
    parameter.latest = version.version
    const resolvedTier =
      tier === 'Intelligent-Tiering' ? (value.length > STANDARD_LIMIT ? 'Advanced' : 'Standard') : tier
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
    if (labels.length < 1 || labels.length > MAX_LABELS_PER_VERSION) {
      throw validationError(
        'labels',
        `Member must have length less than or equal to ${MAX_LABELS_PER_VERSION}, ` +
          'Member must have length greater than or equal to 1',
      )
    }
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

  #deleteParameter(input: Input) {
    const parameter = this.#find(requiredString(input, 'Name'))
    this.#parameters.delete(parameter.name)
    this.#sorted = undefined
    return {}
  }

  /** An existing parameter by plain name or ARN (no selector), else `ParameterNotFound`. */
  #find(reference: string): StoredParameter {
    const arn = parseArn(reference)
    const candidates =
      arn && arn.selector === undefined && arn.region === this.region && arn.account === this.accountId
        ? arnCandidates(arn.rest)
        : [reference]
    for (const candidate of candidates) {
      const parameter = this.#parameters.get(candidate)
      if (parameter) return parameter
    }
    throw notFound(reference)
  }
}
