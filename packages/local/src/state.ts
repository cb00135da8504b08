import { meant } from '../../../src/meant.js'
import type { AppConfigEngine, SeedAppConfig } from './appconfig-engine.js'
import type { ParameterEngine, ParameterType } from './engine.js'
import type { SecretsEngine } from './secrets-engine.js'

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

const QUOTE_MAX = 64

/** A name as a message shows it: quoted, cut short (a name is shown, never the value under it). */
const quoted = (name: string): string =>
  name.length <= QUOTE_MAX
    ? JSON.stringify(name)
    : `${JSON.stringify(name.slice(0, QUOTE_MAX))}… (${name.length} characters)`

const list = (names: readonly string[]): string =>
  names.length === 1
    ? quoted(names[0] as string)
    : `${names.slice(0, -1).map(quoted).join(', ')} and ${quoted(names.at(-1) as string)}`

/**
 * Why `name` is refused among `known` (`unknown section "parameter" (did you mean "parameters"?); the sections are
 * …`), or undefined when it is known. Names the name, what was probably meant and the known names; never a value.
 */
export const unknownName = (name: string, known: readonly string[], what: string): string | undefined => {
  if (known.includes(name)) return undefined
  const guess = meant(name, known)
  // A parameter name at the top level: the "parameters" wrapper was left out.
  const hint = guess
    ? ` (did you mean ${quoted(guess)}?)`
    : name.startsWith('/') && known.includes('parameters')
      ? ' (a parameter name? put it under "parameters")'
      : ''
  return `unknown ${what} ${quoted(name)}${hint}; the ${what}s are ${list(known)}`
}

/**
 * Refuses a field the seed format does not have: left alone it would be dropped without a word, and the data under
 * it lost (`"parameter"` for `"parameters"`, `"lables"` for `"labels"`).
 */
const onlyKnown = (object: Record<string, unknown>, known: readonly string[], where: string, what: string): void => {
  for (const name of Object.keys(object)) {
    const problem = unknownName(name, known, what)
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

const applyProfile = (key: string, seed: unknown, engine: AppConfigEngine): void => {
  if (typeof seed === 'string') {
    engine.deploy(key, seed)
    return
  }
  if (!isRecord(seed)) {
    fail(`appconfig ${key}`, 'must be a string or an object with content or versions')
    return
  }
  onlyKnown(seed, PROFILE_FIELDS, `appconfig ${key}`, 'field')
  const versions = Array.isArray(seed.versions) ? seed.versions : [seed]
  if (versions.length === 0) fail(`appconfig ${key}`, 'has no versions')
  for (const version of versions) {
    if (!isRecord(version) || typeof version.content !== 'string') {
      fail(`appconfig ${key}`, 'each version needs a string content')
    }
    if (version !== seed)
      onlyKnown(version as Record<string, unknown>, PROFILE_VERSION_FIELDS, `appconfig ${key}`, 'version field')
    const { content, contentType, versionLabel } = version as {
      content: string
      contentType?: unknown
      versionLabel?: unknown
    }
    if (contentType !== undefined && typeof contentType !== 'string')
      fail(`appconfig ${key}`, 'contentType must be a string')
    if (versionLabel !== undefined && typeof versionLabel !== 'string') {
      fail(`appconfig ${key}`, 'versionLabel must be a string')
    }
    engine.deploy(key, content, {
      contentType: contentType as string | undefined,
      versionLabel: versionLabel as string | undefined,
    })
  }
}

const applyParameter = (name: string, seed: SeedParameter, engine: ParameterEngine): void => {
  if (typeof seed === 'string') {
    engine.put(name, seed)
    return
  }
  if (!isRecord(seed)) fail(`parameter ${name}`, 'must be a string or an object')
  onlyKnown(seed as Record<string, unknown>, PARAMETER_FIELDS, `parameter ${name}`, 'field')
  const versions = seed.versions ?? (seed.value === undefined ? [] : [{ value: seed.value, labels: seed.labels }])
  if (!Array.isArray(versions) || versions.length === 0) fail(`parameter ${name}`, 'needs a "value" or "versions"')
  for (const version of versions) {
    if (!isRecord(version) || typeof version.value !== 'string') fail(`parameter ${name}`, 'a version needs a "value"')
    if (seed.versions) onlyKnown(version, PARAMETER_VERSION_FIELDS, `parameter ${name}`, 'version field')
    const type = version.type ?? seed.type
    const number = engine.put(name, version.value, type ? { type } : {})
    if (version.labels?.length) engine.label(name, number, version.labels)
    if (version.description !== undefined || version.dataType !== undefined || seed.description !== undefined) {
      engine.annotate(name, number, {
        description: version.description ?? seed.description,
        dataType: version.dataType,
      })
    }
  }
  if (seed.versions && seed.labels?.length) engine.label(name, engine.get(name)?.version as number, seed.labels)
  if (seed.tags) {
    engine.handle('AddTagsToResource', {
      ResourceType: 'Parameter',
      ResourceId: name,
      Tags: Object.entries(seed.tags).map(([Key, Value]) => ({ Key, Value })),
    })
  }
}

const applySecret = (name: string, seed: SeedSecret, secrets: SecretsEngine): void => {
  if (typeof seed === 'string') {
    secrets.put(name, seed)
    return
  }
  if (!isRecord(seed) || !Array.isArray(seed.versions) || seed.versions.length === 0) {
    fail(`secret ${name}`, 'must be a string or { versions: [{ value, stages? }] }')
  }
  onlyKnown(seed, SECRET_FIELDS, `secret ${name}`, 'field')
  for (const version of seed.versions) {
    if (isRecord(version)) onlyKnown(version, SECRET_VERSION_FIELDS, `secret ${name}`, 'version field')
  }
  const create: Record<string, unknown> = { Name: name }
  if (seed.description !== undefined) create.Description = seed.description
  secrets.handle('CreateSecret', create)
  for (const version of seed.versions) {
    if (!isRecord(version) || typeof version.value !== 'string') fail(`secret ${name}`, 'a version needs a "value"')
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
