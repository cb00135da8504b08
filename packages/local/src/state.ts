import type { AppConfigEngine, SeedAppConfig } from './appconfig-engine.js'
import { type ParameterEngine, type ParameterType, parameterTypeProblem } from './engine.js'
import type { SecretsEngine } from './secrets-engine.js'
import { unknownName } from './unknown-name.js'

/**
 * One parameter in a seed or data file: a plain string (a `String`), or an object with a `value` or a list of
 * `versions` (oldest first), a `type`, `labels` (on the last version), `description` and `tags`.
 *
 * @example
 * ```ts
 * const seed: SeedFile = {
 *   parameters: {
 *     '/app/db-url': 'postgres://db',
 *     '/app/token': { value: 's3cret', type: 'SecureString' },
 *     '/app/flags': { versions: [{ value: 'a', labels: ['old'] }, { value: 'b', labels: ['prod'] }] },
 *   },
 *   secrets: { 'prod/db': '{"password":"p"}', 'prod/api': { versions: [{ value: 'old' }, { value: 'new' }] } },
 * }
 * ```
 */
export type SeedParameter =
  | string
  | {
      value?: string
      type?: ParameterType
      labels?: string[]
      versions?: { value: string; type?: ParameterType; labels?: string[]; description?: string; dataType?: string }[]
      description?: string
      tags?: Record<string, string>
    }

/**
 * One secret in a seed or data file: a string, or versions (oldest first), each with its staging labels (default:
 * the last one `AWSCURRENT`, the one before `AWSPREVIOUS`) and, in data files, its version id.
 *
 * @example
 * ```ts
 * const secret: SeedSecret = { versions: [{ value: 'v1' }, { value: 'v2', stages: ['AWSCURRENT'] }] }
 * ```
 */
export type SeedSecret =
  | string
  | { description?: string; versions: { value: string; stages?: string[]; versionId?: string }[] }

/**
 * What `--seed FILE` and `--data FILE` hold (JSON): parameters and secrets.
 *
 * @example
 * ```ts
 * const file: SeedFile = { parameters: { '/app/db-url': 'postgres://db' }, secrets: { 'prod/db': 'p' } }
 * ```
 */
export interface SeedFile {
  parameters?: Record<string, SeedParameter>
  secrets?: Record<string, SeedSecret>
  /** AppConfig profiles: `application/environment/profile` → content, or `{ content, contentType?, versions? }`. */
  appconfig?: Record<string, SeedAppConfigEntry>
}

/**
 * One AppConfig configuration profile in a seed or data file: its content (a string), or `{ content, contentType }`,
 * or `versions` deployed oldest first.
 *
 * @example
 * ```ts
 * const flags: SeedAppConfigEntry = { content: '{"beta":{"enabled":false}}', contentType: 'application/json' }
 * ```
 */
export type SeedAppConfigEntry =
  | SeedAppConfig[string]
  | { versions: { content: string; contentType?: string; versionLabel?: string }[] }

const fail = (where: string, what: string): never => {
  throw new TypeError(`seed ${where}: ${what}`)
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Refuses a field the seed format does not have: left alone it would be dropped without a word, and the data under
 * it lost (`"parameter"` for `"parameters"`, `"lables"` for `"labels"`).
 */
const onlyKnown = (
  object: Record<string, unknown>,
  known: readonly string[],
  where: string,
  what: string,
  hints?: Record<string, string>,
): void => {
  for (const name of Object.keys(object)) {
    const problem = unknownName(name, known, what, hints)
    if (problem !== undefined) fail(where, problem)
  }
}

/** The top-level sections of a seed or data file. */
const SEED_SECTIONS = ['parameters', 'secrets', 'appconfig'] as const
const PARAMETER_FIELDS = ['value', 'type', 'labels', 'versions', 'description', 'tags']
const PARAMETER_VERSION_FIELDS = ['value', 'type', 'labels', 'description', 'dataType']
const SECRET_FIELDS = ['description', 'versions']
const SECRET_VERSION_FIELDS = ['value', 'stages', 'versionId']
const PROFILE_FIELDS = ['content', 'contentType', 'versionLabel', 'versions']
const PROFILE_VERSION_FIELDS = ['content', 'contentType', 'versionLabel']

/** Loads a seed or data file into the engines. Throws a `TypeError` naming the entry for anything malformed. */
export const applySeed = (
  file: unknown,
  engine: ParameterEngine,
  secrets: SecretsEngine,
  appconfig?: AppConfigEngine,
): void => {
  if (!isRecord(file)) fail('file', 'must be a JSON object with "parameters", "secrets" and/or "appconfig"')
  onlyKnown(file as Record<string, unknown>, SEED_SECTIONS, 'file', 'section')
  const { parameters = {}, secrets: secretSeeds = {}, appconfig: profiles = {} } = file as SeedFile
  if (!isRecord(profiles)) fail('"appconfig"', 'must be an object of application/environment/profile → content')
  if (appconfig) for (const [key, seed] of Object.entries(profiles)) applyProfile(key, seed, appconfig)
  if (!isRecord(parameters)) fail('"parameters"', 'must be an object of name → value')
  if (!isRecord(secretSeeds)) fail('"secrets"', 'must be an object of name → value')
  for (const [name, seed] of Object.entries(parameters)) applyParameter(name, seed, engine)
  for (const [name, seed] of Object.entries(secretSeeds)) applySecret(name, seed, secrets)
}

/** Refuses a field that is there but not a string. */
const checkString = (where: string, object: Record<string, unknown>, field: string): void => {
  const value = object[field]
  if (value === undefined || typeof value === 'string') return
  // A number or boolean is the usual slip (`"port": 5432`): every value in these files is text.
  fail(
    where,
    `"${field}" must be a string${typeof value === 'number' || typeof value === 'boolean' ? ' (put it in quotes)' : ''}`,
  )
}

/** Refuses a field that is there but not a list of strings. */
const checkStrings = (where: string, object: Record<string, unknown>, field: string): void => {
  const value = object[field]
  if (value !== undefined && (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))) {
    fail(where, `"${field}" must be a list of strings`)
  }
}

/** The `versions` of an entry that has them, else the entry itself as its one version; refuses both or neither. */
const versionsOf = (where: string, seed: Record<string, unknown>, single: string): Record<string, unknown>[] => {
  if (seed.versions !== undefined && seed[single] !== undefined) {
    fail(where, `has both "${single}" and "versions": give one (the last version is the current one)`)
  }
  const versions = seed.versions ?? (seed[single] === undefined ? [] : [seed])
  if (!Array.isArray(versions)) fail(where, '"versions" must be a list, oldest first')
  if (seed.versions !== undefined && (versions as unknown[]).length === 0)
    fail(where, 'has no versions: give one or more')
  if ((versions as unknown[]).length === 0) fail(where, `needs a "${single}" or "versions"`)
  for (const version of versions as unknown[]) {
    if (!isRecord(version)) fail(where, `each version must be an object with a "${single}"`)
  }
  return versions as Record<string, unknown>[]
}

const applyProfile = (key: string, seed: unknown, engine: AppConfigEngine): void => {
  const where = `appconfig ${key}`
  if (typeof seed === 'string') {
    engine.deploy(key, seed)
    return
  }
  if (!isRecord(seed)) fail(where, 'must be a string or an object with content or versions')
  onlyKnown(seed as Record<string, unknown>, PROFILE_FIELDS, where, 'field')
  checkString(where, seed as Record<string, unknown>, 'contentType')
  const versions = versionsOf(where, seed as Record<string, unknown>, 'content')
  if (versions[0] !== seed && (seed as Record<string, unknown>).versionLabel !== undefined) {
    fail(where, '"versionLabel" goes on each version when there are "versions"')
  }
  for (const version of versions) {
    if (version !== seed) onlyKnown(version, PROFILE_VERSION_FIELDS, where, 'version field')
    if (version.content === undefined) fail(where, 'each version needs a "content"')
    for (const field of ['content', 'contentType', 'versionLabel']) checkString(where, version, field)
    engine.deploy(key, version.content as string, {
      contentType: (version.contentType ?? (seed as Record<string, unknown>).contentType) as string | undefined,
      versionLabel: version.versionLabel as string | undefined,
    })
  }
}

const applyParameter = (name: string, seed: unknown, engine: ParameterEngine): void => {
  const where = `parameter ${name}`
  if (typeof seed === 'string') {
    engine.put(name, seed)
    return
  }
  if (!isRecord(seed)) {
    fail(where, 'must be a string or an object')
    return
  }
  onlyKnown(seed, PARAMETER_FIELDS, where, 'field')
  const typeProblem = parameterTypeProblem(seed.type)
  if (typeProblem) fail(where, typeProblem)
  checkString(where, seed, 'description')
  checkStrings(where, seed, 'labels')
  if (seed.tags !== undefined && (!isRecord(seed.tags) || Object.values(seed.tags).some((v) => typeof v !== 'string')))
    fail(where, '"tags" must be an object of tag key → string')
  const versions = versionsOf(where, seed, 'value')
  for (const version of versions) {
    // The entry itself when it has no versions: its fields were checked above.
    if (version !== seed) onlyKnown(version, PARAMETER_VERSION_FIELDS, where, 'version field')
    if (version.value === undefined) fail(where, 'a version needs a "value"')
    for (const field of ['value', 'description', 'dataType']) checkString(where, version, field)
    checkStrings(where, version, 'labels')
    const versionTypeProblem = parameterTypeProblem(version.type)
    if (versionTypeProblem) fail(where, versionTypeProblem)
    const type = (version.type ?? seed.type) as ParameterType | undefined
    const number = engine.put(name, version.value as string, type ? { type } : {})
    const labels = version.labels as string[] | undefined
    if (labels?.length) engine.label(name, number, labels)
    if (version.description !== undefined || version.dataType !== undefined || seed.description !== undefined) {
      engine.annotate(name, number, {
        description: (version.description ?? seed.description) as string | undefined,
        dataType: version.dataType as string | undefined,
      })
    }
  }
  const labels = seed.labels as string[] | undefined
  if (seed.versions && labels?.length) engine.label(name, engine.get(name)?.version as number, labels)
  if (seed.tags) {
    engine.handle('AddTagsToResource', {
      ResourceType: 'Parameter',
      ResourceId: name,
      Tags: Object.entries(seed.tags).map(([Key, Value]) => ({ Key, Value })),
    })
  }
}

/** What a field a secret does not have was probably meant to be, beyond a misspelling. */
const SECRET_HINTS = { value: 'a secret is its value as a string, or { "versions": [{ "value": … }] }' }

const applySecret = (name: string, seed: unknown, secrets: SecretsEngine): void => {
  const where = `secret ${name}`
  if (typeof seed === 'string') {
    secrets.put(name, seed)
    return
  }
  if (!isRecord(seed)) {
    fail(where, 'must be a string or { "versions": [{ "value", "stages"?, "versionId"? }], "description"? }')
    return
  }
  onlyKnown(seed, SECRET_FIELDS, where, 'field', SECRET_HINTS)
  checkString(where, seed, 'description')
  if (!Array.isArray(seed.versions) || seed.versions.length === 0) {
    fail(
      where,
      'needs "versions": [{ "value", "stages"?, "versionId"? }], oldest first (or write the secret as a string)',
    )
  }
  for (const version of seed.versions as unknown[]) {
    if (!isRecord(version)) fail(where, 'each version must be an object with a "value"')
    onlyKnown(version as Record<string, unknown>, SECRET_VERSION_FIELDS, where, 'version field')
    if ((version as Record<string, unknown>).value === undefined) fail(where, 'a version needs a "value"')
    checkString(where, version as Record<string, unknown>, 'value')
    checkString(where, version as Record<string, unknown>, 'versionId')
    checkStrings(where, version as Record<string, unknown>, 'stages')
  }
  const create: Record<string, unknown> = { Name: name }
  if (seed.description !== undefined) create.Description = seed.description
  secrets.handle('CreateSecret', create)
  for (const version of seed.versions as Record<string, unknown>[]) {
    const put: Record<string, unknown> = { SecretId: name, SecretString: version.value }
    if (version.stages) put.VersionStages = version.stages
    if (version.versionId !== undefined) put.ClientRequestToken = version.versionId
    secrets.handle('PutSecretValue', put)
  }
}

interface Page<T> {
  NextToken?: string
  items: T[]
}

const pages = <T>(read: (token: string | undefined) => Page<T>): T[] => {
  const all: T[] = []
  let token: string | undefined
  do {
    const page = read(token)
    all.push(...page.items)
    token = page.NextToken
  } while (token)
  return all
}

interface History {
  Value: string
  Type: ParameterType
  Labels: string[]
  DataType: string
  Description?: string
}

/**
 * Everything the engines hold, in the seed file format, so `applySeed` restores it: every version of every
 * parameter with its type, labels, description, data type and tags; every secret's labelled versions with their
 * ids and stages. Not kept: version numbers (they restart from 1 if SSM had dropped old ones), a secret's
 * deprecated (unlabelled) versions, and secrets scheduled for deletion.
 */
export const snapshot = (engine: ParameterEngine, secrets: SecretsEngine, appconfig?: AppConfigEngine): SeedFile => {
  const parameters: Record<string, SeedParameter> = {}
  const names = pages<{ Name: string }>((NextToken) => {
    const out = engine.handle('DescribeParameters', { MaxResults: 50, NextToken }) as {
      Parameters: { Name: string }[]
      NextToken?: string
    }
    return { items: out.Parameters, NextToken: out.NextToken }
  }).map((p) => p.Name)
  for (const name of names) {
    const history = pages<History>((NextToken) => {
      const out = engine.handle('GetParameterHistory', {
        Name: name,
        WithDecryption: true,
        MaxResults: 50,
        NextToken,
      }) as { Parameters: History[]; NextToken?: string }
      return { items: out.Parameters, NextToken: out.NextToken }
    })
    const { TagList } = engine.handle('ListTagsForResource', { ResourceType: 'Parameter', ResourceId: name }) as {
      TagList: { Key: string; Value: string }[]
    }
    const entry: Exclude<SeedParameter, string> = {
      versions: history.map((h) => {
        const version: {
          value: string
          type: ParameterType
          labels?: string[]
          description?: string
          dataType?: string
        } = { value: h.Value, type: h.Type }
        if (h.Labels.length > 0) version.labels = h.Labels
        if (h.Description !== undefined) version.description = h.Description
        if (h.DataType !== 'text') version.dataType = h.DataType
        return version
      }),
    }
    if (TagList.length > 0) entry.tags = Object.fromEntries(TagList.map((t) => [t.Key, t.Value]))
    parameters[name] = entry
  }
  const secretEntries: Record<string, SeedSecret> = {}
  const listed = pages<{ Name: string; Description?: string }>((NextToken) => {
    const out = secrets.handle('ListSecrets', { MaxResults: 100, NextToken, SortOrder: 'asc' }) as {
      SecretList: { Name: string; Description?: string }[]
      NextToken?: string
    }
    return { items: out.SecretList, NextToken: out.NextToken }
  })
  for (const { Name, Description } of listed) {
    const versions = pages<{ VersionId: string; VersionStages: string[]; CreatedDate: number }>((NextToken) => {
      const out = secrets.handle('ListSecretVersionIds', { SecretId: Name, MaxResults: 100, NextToken }) as {
        Versions: { VersionId: string; VersionStages: string[]; CreatedDate: number }[]
        NextToken?: string
      }
      return { items: out.Versions, NextToken: out.NextToken }
    })
    const entry: Exclude<SeedSecret, string> = {
      versions: versions.flatMap((v) => {
        const value = secrets.get(Name, { versionId: v.VersionId })?.value
        // Binary secrets have no place in a JSON seed file: they are left out.
        return typeof value === 'string' ? [{ value, stages: v.VersionStages, versionId: v.VersionId }] : []
      }),
    }
    if (Description !== undefined) entry.description = Description
    if (entry.versions.length > 0) secretEntries[Name] = entry
  }
  if (appconfig === undefined || appconfig.size === 0) return { parameters, secrets: secretEntries }
  return {
    parameters,
    secrets: secretEntries,
    appconfig: Object.fromEntries(appconfig.entries().map(([key, versions]) => [key, { versions }])),
  }
}
