import { EnvScope } from './env.js'
import { reservedPathKey, reservedVariable } from './env-names.js'
import { SecretsError } from './errors.js'
import { meant } from './meant.js'
import { customKind, RESERVED_STORE_NAMES, STORE_NAME } from './sources/custom.js'
import { SpecError, type StoreKind } from './sources/kind.js'
import { entryForms, objectForm, parseEntry, STORES, storeFields } from './sources/registry.js'
import type { Source, SourceRef } from './sources/source.js'
import { resolveTransform, TRANSFORMS, type TransformFn } from './transform.js'
import type { AwsClientLike, Clock, FetchData, LogEvent, Logger, SecretsOptions } from './types.js'

/** The defaults, in one place. */
export const defaults = {
  setToContext: true,
  setToEnv: false,
  cacheExpiry: 300_000,
  jitter: 0.1,
  staleWhileRevalidate: 0,
  staleIfError: 86_400_000,
  fallbackToEnv: true,
  fetchTimeout: 2_000,
  disablePrefetch: false,
  awsClientOptions: {},
} as const

/**
 * Below these a time option is almost certainly seconds written where milliseconds are meant (Powertools'
 * `maxAge: 300`, `fetchTimeout: 2`): it is accepted, with a warning that names the unit. No store answers in
 * under 30 ms, and caching for less than a second is not caching.
 */
export const SECONDS_LIKELY: Readonly<Record<TimeOption, number>> = {
  cacheExpiry: 1_000,
  staleWhileRevalidate: 1_000,
  staleIfError: 1_000,
  fetchTimeout: 31,
}
type TimeOption = 'cacheExpiry' | 'staleWhileRevalidate' | 'staleIfError' | 'fetchTimeout'

/** One key of `fetchData`, resolved. */
export interface Entry {
  readonly key: string
  readonly ref: SourceRef
  readonly transform: TransformFn
  readonly required: boolean
  /** With setToEnv: the instance's claims on process.env, shared by its entries. */
  readonly env?: EnvScope
}

/** Options after validation: every field present. */
export interface ResolvedOptions {
  readonly entries: readonly Entry[]
  readonly setToContext: boolean
  readonly setToEnv: boolean
  readonly cacheExpiry: number
  readonly jitter: number
  readonly staleWhileRevalidate: number
  readonly staleIfError: number
  readonly fallbackToEnv: boolean
  readonly fetchTimeout: number
  readonly disablePrefetch: boolean
  readonly awsClientOptions: Readonly<Record<string, unknown>>
  readonly AwsClient: (new (config: any) => AwsClientLike) | undefined
  readonly awsClientCapture: ((client: any) => any) | undefined
  readonly onChange: ((keys: string[]) => void) | undefined
  readonly logger: Logger
  readonly clock: Clock
  /** Each built-in store's own option (`secretsManager`), by store name; every store with an option has one. */
  readonly storeOptions: Readonly<Record<string, StoreOptions>>
  /** The user's stores of the `stores` option, as kinds the registry parses and sources entries with. */
  readonly customStores: readonly StoreKind[]
}

/** One store's own option (`secretsManager: { … }`), resolved. */
export interface StoreOptions {
  /** Its client's configuration: the top-level `awsClientOptions`, overlaid with the store's own where given. */
  readonly awsClientOptions: Readonly<Record<string, unknown>>
  readonly AwsClient: (new (config: any) => AwsClientLike) | undefined
  /** The store's declared settings (`batch`), as given: absent ones are left out. */
  readonly settings: Readonly<Record<string, unknown>>
}

// Properties of the Lambda context object that a key must not overwrite.
const CONTEXT_NAMES = new Set([
  'callbackWaitsForEmptyEventLoop',
  'functionName',
  'functionVersion',
  'invokedFunctionArn',
  'memoryLimitInMB',
  'awsRequestId',
  'logGroupName',
  'logStreamName',
  'identity',
  'clientContext',
  'tenantId',
  'getRemainingTimeInMillis',
  'done',
  'fail',
  'succeed',
])
const OBJECT_NAMES = new Set(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'])
const KNOWN_OPTIONS = new Set([
  'fetchData',
  'setToContext',
  'setToEnv',
  'cacheExpiry',
  'jitter',
  'staleWhileRevalidate',
  'staleIfError',
  'fallbackToEnv',
  'fetchTimeout',
  'disablePrefetch',
  'awsClientOptions',
  'AwsClient',
  'awsClientCapture',
  'onChange',
  'logger',
  'clock',
  'stores',
  ...STORES.flatMap((kind) => (kind.option ? [kind.option.name] : [])),
])
// The object form's own fields; the stores declare theirs (`recursive`, `versionStage`).
const BASE_FIELDS = new Set(['name', 'transform', 'required'])
const SETTING_TYPES = { boolean: 'true or false', number: 'a number', string: 'a string' } as const
const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const

const invalid = (message: string, keys: string[] = []): never => {
  throw new SecretsError('INVALID_OPTIONS', `middy-secrets: ${message}`, { keys })
}

const QUOTE_MAX = 64

/** A name or key as a message shows it: quoted, and cut short (a 1 MB name must not become a 1 MB log line). */
export const quote = (text: string): string =>
  text.length <= QUOTE_MAX
    ? JSON.stringify(text)
    : `${JSON.stringify(text.slice(0, QUOTE_MAX))}… (${text.length} characters)`

/** An option or field name as given, cut short: quoted in single quotes, unescaped, as the user typed it. */
const cut = (text: string): string =>
  text.length <= QUOTE_MAX ? `'${text}'` : `'${text.slice(0, QUOTE_MAX)}'… (${text.length} characters)`

/** A key inside an option path: as it is when short and plain, else quoted. */
const keyLabel = (key: string): string => (/^[A-Za-z_$][\w$]{0,63}$/.test(key) ? key : quote(key))

/**
 * Reads one property the way a user's object may refuse it (a throwing getter, a Proxy trap, a revoked Proxy):
 * the refusal becomes INVALID_OPTIONS naming the option, never a raw TypeError.
 */
const get = (object: object, name: string, path: string, keys?: string[]): unknown => {
  try {
    return (object as Record<string, unknown>)[name]
  } catch {
    return invalid(`${path} could not be read (a getter or Proxy threw)`, keys)
  }
}

const ownKeys = (object: object, path: string, keys?: string[]): string[] => {
  try {
    return Object.keys(object)
  } catch {
    return invalid(`${path} could not be read (a revoked Proxy or a throwing trap)`, keys)
  }
}

/** A plain object: `{…}` or `Object.create(null)`, not an array, class instance or function. */
const isPlainObject = (value: unknown, path: string): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object') return false
  try {
    if (Array.isArray(value)) return false
    const proto = Object.getPrototypeOf(value)
    return proto === null || proto === Object.prototype
  } catch {
    return invalid(`${path} could not be read (a revoked Proxy or a throwing trap)`)
  }
}

const defaultLogger: Logger = {
  // Degraded service is worth a line in the function's logs; debug and info stay silent by default, except a
  // recovery, which closes a warning the logs already hold.
  info: (message, event) => {
    if (event.event === 'recovered') console.info(`middy-secrets: ${message}`, event)
  },
  warn: (message, event) => console.warn(`middy-secrets: ${message}`, event),
  error: (message, event) => console.error(`middy-secrets: ${message}`, event),
}

const realClock: Clock = { now: Date.now, random: Math.random }

const checkKey = (key: string, isPath: boolean, setToEnv: boolean): void => {
  const k = quote(key)
  if (key.length === 0) invalid('a fetchData key is empty', [key])
  if (key.includes('=') || key.includes('\0')) invalid(`the key ${k} holds '=' or NUL`, [key])
  if (OBJECT_NAMES.has(key)) invalid(`the key ${k} is not usable as a property name`, [key])
  if (CONTEXT_NAMES.has(key)) invalid(`the key ${k} would overwrite the Lambda context's own`, [key])
  if (!setToEnv) return
  if (!isPath && reservedVariable(key)) {
    invalid(`the key ${k} names a variable the Lambda runtime or Node owns; with setToEnv pick another`, [key])
  }
  if (isPath && reservedPathKey(key)) {
    invalid(
      `the path key ${k} would write ${key}_… variables, which the Lambda runtime or Node own; with setToEnv pick another`,
      [key],
    )
  }
}

/** Reads an option once: the value, or the default when absent. */
type Reader = (name: string) => unknown

const duration = (read: Reader, name: TimeOption, allowNever = false): number => {
  const value = read(name) ?? defaults[name]
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(`${name} must be a finite number of milliseconds`)
  const n = value as number
  if (allowNever && n === -1) return n
  if (n < 0) invalid(`${name} must not be negative${allowNever ? ' (only -1, never refresh, is allowed)' : ''}`)
  return n
}

// Node's timers take at most 2^31 - 1 ms; a longer delay silently becomes 1 ms.
const MAX_TIMER = 2 ** 31 - 1

const timerDuration = (n: number, name: string): number => {
  if (n <= 0) invalid(`${name} must be more than 0`)
  if (n > MAX_TIMER) invalid(`${name} must be at most ${MAX_TIMER} ms (Node's longest timer)`)
  return n
}

const flag = (read: Reader, name: keyof typeof defaults): boolean => {
  const value = read(name) ?? defaults[name]
  if (typeof value !== 'boolean') invalid(`${name} must be true or false`)
  return value as boolean
}

const optionalFunction = <T>(value: unknown, path: string): T | undefined => {
  if (value !== undefined && typeof value !== 'function') invalid(`${path} must be a function`)
  return value as T | undefined
}

/** The stores' settings by store name, as the stores' parsers take them (`{ secretsmanager: { batch: true } }`). */
type StoreSettings = Readonly<Record<string, Readonly<Record<string, unknown>>>>

const resolveEntry = (
  key: string,
  value: unknown,
  env: EnvScope | undefined,
  custom: readonly StoreKind[],
  fieldNames: ReadonlySet<string>,
  settings: StoreSettings,
): Entry => {
  const at = `fetchData.${keyLabel(key)}`
  const spec = typeof value === 'string' ? { name: value } : value
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    return invalid(`${at} must be ${entryForms(custom)}`, [key])
  }
  const s = spec as Record<string, unknown>
  const fields: Record<string, unknown> = {}
  for (const field of ownKeys(s, at, [key])) {
    if (BASE_FIELDS.has(field)) continue
    if (!fieldNames.has(field)) {
      const known = new Set([...BASE_FIELDS, ...fieldNames])
      invalid(
        `${at} has an unknown field ${cut(field)}${didYouMean(field, known)}: the object form is ${objectForm(custom)}`,
        [key],
      )
    }
    const fieldValue = get(s, field, `${at}.${field}`, [key])
    if (fieldValue !== undefined) fields[field] = fieldValue
  }
  const name = get(s, 'name', `${at}.name`, [key])
  const required = get(s, 'required', `${at}.required`, [key])
  const transformOption = get(s, 'transform', `${at}.transform`, [key])
  if (typeof name !== 'string') {
    return invalid(`${at}.name must be a string: the object form is ${objectForm(custom)}`, [key])
  }
  if (required !== undefined && typeof required !== 'boolean') invalid(`${at}.required must be a boolean`, [key])
  const transform = resolveTransform(transformOption as never)
  if (!transform) {
    invalid(`${at}.transform must be one of ${TRANSFORMS.join(', ')} or a function${transformHint(transformOption)}`, [
      key,
    ])
  }
  let ref: SourceRef
  try {
    ref = parseEntry(name, fields, custom, settings)
  } catch (error) {
    if (error instanceof SpecError) return invalid(`${at}.${error.message}`, [key])
    return invalid(`${at}: ${quote(name)} ${(error as Error).message}`, [key])
  }
  checkKey(key, ref.kind === 'path', env !== undefined)
  return { key, ref, transform: transform as TransformFn, required: required !== false, ...(env ? { env } : {}) }
}

/** The user's stores: `stores: { vault: source }` reads entries `vault:<reference>` through `source`. */
const customStores = (value: unknown): StoreKind[] => {
  if (value === undefined) return []
  if (!isPlainObject(value, 'stores')) return invalid('stores must be an object of store name → source')
  return ownKeys(value, 'stores').map((name) => {
    if (!STORE_NAME.test(name)) {
      invalid(`stores has a store named ${cut(name)}: a store name is 1–32 of a-z 0-9 -, starting with a letter`)
    }
    if (RESERVED_STORE_NAMES.has(name)) invalid(`stores.${name} names a built-in store: pick another name`)
    const source = get(value, name, `stores.${name}`)
    const fetch = source !== null && typeof source === 'object' ? get(source, 'fetch', `stores.${name}.fetch`) : 0
    if (typeof fetch !== 'function') invalid(`stores.${name} must be a source: an object with fetch() and calls`)
    return customKind(name, source as Source)
  })
}

/**
 * Each built-in store's own option: its client's configuration and the settings it declares. A store's own
 * `awsClientOptions` build on the top-level ones, field by field (`{ ...top, ...own }`): `appConfig: { awsClientOptions:
 * { region } }` keeps the top-level credentials and endpoint. A field given as `undefined` there unsets the
 * top-level one for that store (the SDK's default applies), as a spread does.
 */
const storeOptions = (read: Reader, awsClientOptions: Record<string, unknown>): Record<string, StoreOptions> => {
  const resolved: Record<string, StoreOptions> = {}
  for (const kind of STORES) {
    if (!kind.option) continue
    const option = kind.option.name
    const value = read(option) ?? {}
    if (!isPlainObject(value, option)) return invalid(`${option} must be an object`)
    const declared = kind.option.settings ?? {}
    for (const name of ownKeys(value, option)) {
      if (name !== 'awsClientOptions' && name !== 'AwsClient' && !Object.hasOwn(declared, name)) {
        const known = new Set(['awsClientOptions', 'AwsClient', ...Object.keys(declared)])
        invalid(`${option} has an unknown field ${cut(name)}${hint(name, known, `${option}.`)}`)
      }
    }
    const readField: Reader = (name) => get(value, name, `${option}.${name}`)
    const settings: Record<string, unknown> = {}
    for (const [name, type] of Object.entries(declared)) {
      const setting = readField(name)
      if (setting === undefined) continue
      if (typeof setting !== type) invalid(`${option}.${name} must be ${SETTING_TYPES[type]}`)
      settings[name] = setting
    }
    const clientOptionsValue = readField('awsClientOptions')
    const path = `${option}.awsClientOptions`
    resolved[kind.store] = {
      // One region, one set of credentials: the top-level options serve every store, each field unless given.
      awsClientOptions:
        clientOptionsValue === undefined
          ? awsClientOptions
          : overlay(awsClientOptions, clientOptions(clientOptionsValue, path), path),
      AwsClient: optionalFunction(readField('AwsClient'), `${option}.AwsClient`),
      settings,
    }
  }
  return resolved
}

const checkLogger = (logger: unknown): Logger => {
  if (logger === null || typeof logger !== 'object') {
    return invalid('logger must be an object with debug/info/warn/error methods')
  }
  for (const method of LOGGER_METHODS) {
    const value = get(logger, method, `logger.${method}`)
    if (value !== undefined && typeof value !== 'function') invalid(`logger.${method} must be a function`)
  }
  return logger as Logger
}

const checkClock = (clock: unknown): Clock => {
  if (clock === null || typeof clock !== 'object') return invalid('clock must have now() and random()')
  const now = get(clock, 'now', 'clock.now')
  const random = get(clock, 'random', 'clock.random')
  if (typeof now !== 'function' || typeof random !== 'function') invalid('clock must have now() and random()')
  return clock as Clock
}

/** `{ ...top, ...own }`, where reading `own` may throw (a getter, a Proxy trap): INVALID_OPTIONS naming it. */
const overlay = (top: Record<string, unknown>, own: Record<string, unknown>, path: string): Record<string, unknown> => {
  try {
    return { ...top, ...own }
  } catch {
    return invalid(`${path} could not be read (a getter or Proxy threw)`)
  }
}

const clientOptions = (value: unknown, path: string): Record<string, unknown> => {
  if (!isPlainObject(value, path)) return invalid(`${path} must be a plain object (SDK client configuration)`)
  ownKeys(value, path)
  return value
}

const safeLog = (logger: Logger, level: 'warn' | 'error', message: string, event: LogEvent): void => {
  try {
    logger[level]?.(message, event)
  } catch {
    // A broken logger must not break the function.
  }
}

/** Warns about a time that is almost certainly seconds: it stays as given, in milliseconds. */
const warnUnits = (logger: Logger, times: Readonly<Record<TimeOption, number>>): void => {
  for (const option of Object.keys(SECONDS_LIKELY) as TimeOption[]) {
    const value = times[option]
    if (value > 0 && value < SECONDS_LIKELY[option]) {
      safeLog(
        logger,
        'warn',
        `${option} is ${value} milliseconds; if you meant ${value} seconds, write ${value * 1000} (every time option is in milliseconds)`,
        { event: 'option_unit', option, value, unit: 'ms' },
      )
    }
  }
}

const envConflictReporter =
  (logger: Logger) =>
  (name: string, parameter: string, otherParameter: string): void =>
    safeLog(
      logger,
      'error',
      `two middleware instances write process.env.${name}, for ${parameter} and ${otherParameter}: when their ` +
        `invocations overlap one reads the other's value. Read the value from context, or keep setToEnv to one instance per process`,
      { event: 'env_conflict', variable: name, parameter, otherParameter },
    )

// What the AWS client takes, often written at the top level by mistake.
const CLIENT_FIELDS = new Set(['region', 'endpoint', 'credentials', 'maxAttempts', 'retryMode', 'requestHandler'])

const SHARE_CACHE = 'each instance has its own cache; to share one, pass one createSecrets() instance to secrets()'

/**
 * Options of @middy/ssm, @middy/secrets-manager and Powertools Parameters that middy-secrets has no option of that
 * name for: what to write instead (docs/migration.md has the full table).
 */
const FOREIGN_OPTIONS: Readonly<Record<string, string>> = {
  maxAge: "Powertools' maxAge is seconds: write cacheExpiry in milliseconds, maxAge × 1000",
  cacheKey: SHARE_CACHE,
  cacheKeyExpiry: SHARE_CACHE,
  awsClientAssumeRole:
    'give the role as awsClientOptions.credentials: fromTemporaryCredentials({ params: { RoleArn } }) from @aws-sdk/credential-providers',
  awsRequestLimit: "GetParameters calls always take 10 names, AWS's limit, all at once",
  fetchRotationDate: 'values refresh every cacheExpiry, so a rotation is seen within it; invalidate() sees it sooner',
  forceFetch: 'call invalidate() before the invocation that must fetch',
  decrypt: 'SecureString parameters are always decrypted',
  transform: 'a transform is given per entry: fetchData: { KEY: { name, transform } }',
  throwOnTransformError: 'a transform that fails is always an error for its key (transform_failed)',
  clientConfig: "the AWS client's configuration goes in awsClientOptions",
  sdkOptions: "a version or label goes in the entry ('/name:3'), a secret's stage in versionStage",
  awsSdkV3Client: 'give the client class as AwsClient, or wrap each client made with awsClientCapture',
}

/** Powertools' transforms that middy-secrets has no transform of that name for. */
const FOREIGN_TRANSFORMS: Readonly<Record<string, string>> = {
  binary: "Powertools' 'binary' decodes base64: write a function, (raw) => Buffer.from(raw, 'base64')",
  auto: "Powertools' 'auto' picks one by the name's suffix: give each entry its transform",
}

/** A hint for a transform that is not one: the built-in one it most likely meant, or what to write instead. */
const transformHint = (transform: unknown): string => {
  if (typeof transform !== 'string') return ''
  if (Object.hasOwn(FOREIGN_TRANSFORMS, transform)) return ` (${FOREIGN_TRANSFORMS[transform]})`
  return didYouMean(transform, new Set(TRANSFORMS))
}

/**
 * A hint for an unknown option (or a field of a store's option, `within` `secretsManager.`): the known one it most
 * likely meant, where an AWS client field belongs, or what to use instead of another library's option.
 */
const hint = (name: string, known: ReadonlySet<string>, within = ''): string => {
  if (CLIENT_FIELDS.has(name)) return ` (the AWS client's ${name} goes in ${within}awsClientOptions.${name})`
  if (within === '' && Object.hasOwn(FOREIGN_OPTIONS, name)) return ` (${FOREIGN_OPTIONS[name]})`
  return didYouMean(name, known)
}

/** ` (did you mean 'X'?)` for the known name an unknown one most likely meant, else nothing. */
const didYouMean = (name: string, known: ReadonlySet<string>): string => {
  const guess = meant(name, known)
  return guess === undefined ? '' : ` (did you mean '${guess}'?)`
}

const resolve = (input: SecretsOptions<FetchData>): ResolvedOptions => {
  if (input === null || typeof input !== 'object') return invalid('options must be an object with fetchData')
  for (const name of ownKeys(input, 'options')) {
    if (!KNOWN_OPTIONS.has(name)) invalid(`unknown option ${cut(name)}${hint(name, KNOWN_OPTIONS)}`)
  }
  const read: Reader = (name) => get(input, name, name)
  const fetchData = read('fetchData')
  if (!isPlainObject(fetchData, 'fetchData')) return invalid('fetchData must be an object of key → parameter')
  const keys = ownKeys(fetchData, 'fetchData')
  if (keys.length === 0) invalid('fetchData is empty: name at least one parameter')
  const setToEnv = flag(read, 'setToEnv')
  const logger = checkLogger(read('logger') ?? defaultLogger)
  const env = setToEnv ? new EnvScope(envConflictReporter(logger)) : undefined
  const custom = customStores(read('stores'))
  const fieldNames = storeFields([...STORES, ...custom])
  const awsClientOptions = clientOptions(read('awsClientOptions') ?? defaults.awsClientOptions, 'awsClientOptions')
  // Before the entries: a store's settings may shape its entries' references (secretsManager.batch).
  const stores = storeOptions(read, awsClientOptions)
  const settings: Record<string, Readonly<Record<string, unknown>>> = {}
  for (const [store, option] of Object.entries(stores)) settings[store] = option.settings
  const entries = keys.map((key) => {
    checkKey(key, false, false)
    const value = get(fetchData, key, `fetchData.${keyLabel(key)}`, [key])
    return resolveEntry(key, value, env, custom, fieldNames, settings)
  })

  const jitter = read('jitter') ?? defaults.jitter
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) invalid('jitter must be a number from 0 to 1')

  const clock = checkClock(read('clock') ?? realClock)

  const times = {
    cacheExpiry: duration(read, 'cacheExpiry', true),
    staleWhileRevalidate: duration(read, 'staleWhileRevalidate'),
    staleIfError: duration(read, 'staleIfError'),
    fetchTimeout: timerDuration(duration(read, 'fetchTimeout'), 'fetchTimeout'),
  }
  const resolved: ResolvedOptions = {
    entries,
    setToContext: flag(read, 'setToContext'),
    setToEnv,
    ...times,
    jitter: jitter as number,
    fallbackToEnv: flag(read, 'fallbackToEnv'),
    disablePrefetch: flag(read, 'disablePrefetch'),
    awsClientOptions,
    AwsClient: optionalFunction(read('AwsClient'), 'AwsClient'),
    awsClientCapture: optionalFunction(read('awsClientCapture'), 'awsClientCapture'),
    onChange: optionalFunction(read('onChange'), 'onChange'),
    logger,
    clock,
    storeOptions: stores,
    customStores: custom,
  }
  warnUnits(logger, times)
  // Claimed last: options that are refused claim nothing.
  if (env) {
    for (const entry of entries) {
      if (entry.ref.kind === 'path') continue
      env.fixed.set(entry.key, entry.ref.entry)
      env.claim(entry.key, entry.ref.entry)
    }
  }
  return resolved
}

/**
 * Validates options once, at construction, and fills in the defaults. Throws a {@link SecretsError}
 * with code `INVALID_OPTIONS` that names the offending key or option; options that cannot even be read
 * (a revoked Proxy, a throwing getter) give the same error, never a raw `TypeError`.
 */
export const resolveOptions = (input: SecretsOptions<FetchData>): ResolvedOptions => {
  try {
    return resolve(input)
  } catch (error) {
    if (error instanceof SecretsError) throw error
    throw new SecretsError('INVALID_OPTIONS', 'middy-secrets: the options could not be read (a getter or Proxy threw)')
  }
}
