import { SecretsError } from './errors.js'
import { type ParameterRef, parseRef } from './parameter.js'
import { resolveTransform, TRANSFORMS, type TransformFn } from './transform.js'
import type { AwsClientLike, Clock, FetchData, Logger, SecretsOptions } from './types.js'

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

/** One key of `fetchData`, resolved. */
export interface Entry {
  readonly key: string
  readonly ref: ParameterRef
  readonly transform: TransformFn
  readonly required: boolean
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
  readonly secretsManager: {
    readonly batch: boolean
    readonly awsClientOptions: Readonly<Record<string, unknown>>
    readonly AwsClient: (new (config: any) => AwsClientLike) | undefined
  }
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
// Variables the Lambda runtime or Node own: overwriting them breaks the function or the SDK.
const RUNTIME_ENV =
  /^(AWS_|LAMBDA_|_HANDLER$|_X_AMZN_TRACE_ID$|NODE_OPTIONS$|NODE_PATH$|PATH$|LD_LIBRARY_PATH$|TZ$|LANG$|HOME$)/
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
  'secretsManager',
])
const SECRETS_MANAGER_FIELDS = new Set(['batch', 'awsClientOptions', 'AwsClient'])
const SPEC_FIELDS = new Set(['name', 'transform', 'required', 'recursive', 'versionStage'])

const invalid = (message: string, keys: string[] = []): never => {
  throw new SecretsError('INVALID_OPTIONS', `middy-secrets: ${message}`, { keys })
}

const defaultLogger: Logger = {
  // Degraded service is worth a line in the function's logs; debug and info stay silent by default.
  warn: (message, event) => console.warn(`middy-secrets: ${message}`, event),
  error: (message, event) => console.error(`middy-secrets: ${message}`, event),
}

const realClock: Clock = { now: Date.now, random: Math.random }

const checkKey = (key: string, setToEnv: boolean): void => {
  if (key.length === 0) invalid('a fetchData key is empty', [key])
  if (key.includes('=') || key.includes('\0')) invalid(`the key ${JSON.stringify(key)} holds '=' or NUL`, [key])
  if (OBJECT_NAMES.has(key)) invalid(`the key ${JSON.stringify(key)} is not usable as a property name`, [key])
  if (CONTEXT_NAMES.has(key)) invalid(`the key ${JSON.stringify(key)} would overwrite the Lambda context's own`, [key])
  if (setToEnv && RUNTIME_ENV.test(key)) {
    invalid(`the key ${JSON.stringify(key)} names a variable the Lambda runtime owns; with setToEnv pick another`, [
      key,
    ])
  }
}

const duration = (options: Record<string, unknown>, name: keyof typeof defaults, allowNever = false): number => {
  const value = options[name] ?? defaults[name]
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

const flag = (options: Record<string, unknown>, name: keyof typeof defaults): boolean => {
  const value = options[name] ?? defaults[name]
  if (typeof value !== 'boolean') invalid(`${name} must be true or false`)
  return value as boolean
}

const optionalFunction = <T>(options: Record<string, unknown>, name: string): T | undefined => {
  const value = options[name]
  if (value !== undefined && typeof value !== 'function') invalid(`${name} must be a function`)
  return value as T | undefined
}

const resolveEntry = (key: string, value: unknown): Entry => {
  const spec = typeof value === 'string' ? { name: value } : value
  if (spec === null || typeof spec !== 'object') {
    return invalid(`fetchData.${key} must be a parameter name or { name, transform?, required?, recursive? }`, [key])
  }
  const s = spec as Record<string, unknown>
  for (const field of Object.keys(s)) {
    if (!SPEC_FIELDS.has(field)) invalid(`fetchData.${key} has an unknown field '${field}'`, [key])
  }
  if (typeof s.name !== 'string') return invalid(`fetchData.${key}.name must be a string`, [key])
  if (s.required !== undefined && typeof s.required !== 'boolean')
    invalid(`fetchData.${key}.required must be a boolean`, [key])
  if (s.recursive !== undefined && typeof s.recursive !== 'boolean') {
    invalid(`fetchData.${key}.recursive must be a boolean`, [key])
  }
  const transform = resolveTransform(s.transform as never)
  if (!transform) {
    invalid(`fetchData.${key}.transform must be one of ${TRANSFORMS.join(', ')} or a function`, [key])
  }
  if (s.versionStage !== undefined && typeof s.versionStage !== 'string') {
    invalid(`fetchData.${key}.versionStage must be a string`, [key])
  }
  let ref: ParameterRef
  try {
    ref = parseRef(s.name, s.recursive !== false, s.versionStage as string | undefined)
  } catch (error) {
    return invalid(`fetchData.${key}: ${JSON.stringify(s.name)} ${(error as Error).message}`, [key])
  }
  if (s.recursive !== undefined && ref.kind !== 'path') {
    invalid(`fetchData.${key}.recursive applies to paths (names ending in /) only`, [key])
  }
  return { key, ref, transform: transform as TransformFn, required: s.required !== false }
}

/**
 * Validates options once, at construction, and fills in the defaults. Throws a {@link SecretsError}
 * with code `INVALID_OPTIONS` that names the offending key or option.
 */
export const resolveOptions = (input: SecretsOptions<FetchData>): ResolvedOptions => {
  if (input === null || typeof input !== 'object') return invalid('options must be an object with fetchData')
  const options = input as unknown as Record<string, unknown>
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) invalid(`unknown option '${name}'`)
  }
  const fetchData = options.fetchData
  if (fetchData === null || typeof fetchData !== 'object' || Array.isArray(fetchData)) {
    invalid('fetchData must be an object of key → parameter')
  }
  const keys = Object.keys(fetchData as object)
  if (keys.length === 0) invalid('fetchData is empty: name at least one parameter')
  const setToEnv = flag(options, 'setToEnv')
  const entries = keys.map((key) => {
    checkKey(key, setToEnv)
    return resolveEntry(key, (fetchData as Record<string, unknown>)[key])
  })

  const jitter = options.jitter ?? defaults.jitter
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) invalid('jitter must be a number from 0 to 1')

  const awsClientOptions = options.awsClientOptions ?? defaults.awsClientOptions
  if (awsClientOptions === null || typeof awsClientOptions !== 'object') invalid('awsClientOptions must be an object')

  const logger = options.logger ?? defaultLogger
  if (logger === null || typeof logger !== 'object') invalid('logger must be an object with debug/info/warn/error')
  const clock = options.clock ?? realClock
  const c = clock as Partial<Clock>
  if (typeof c.now !== 'function' || typeof c.random !== 'function') invalid('clock must have now() and random()')

  const sm = (options.secretsManager ?? {}) as Record<string, unknown>
  if (typeof sm !== 'object') invalid('secretsManager must be an object')
  for (const name of Object.keys(sm)) {
    if (!SECRETS_MANAGER_FIELDS.has(name)) invalid(`secretsManager has an unknown field '${name}'`)
  }
  if (sm.batch !== undefined && typeof sm.batch !== 'boolean') invalid('secretsManager.batch must be true or false')
  if (sm.awsClientOptions !== undefined && (sm.awsClientOptions === null || typeof sm.awsClientOptions !== 'object')) {
    invalid('secretsManager.awsClientOptions must be an object')
  }

  return {
    entries,
    setToContext: flag(options, 'setToContext'),
    setToEnv,
    cacheExpiry: duration(options, 'cacheExpiry', true),
    jitter: jitter as number,
    staleWhileRevalidate: duration(options, 'staleWhileRevalidate'),
    staleIfError: duration(options, 'staleIfError'),
    fallbackToEnv: flag(options, 'fallbackToEnv'),
    fetchTimeout: timerDuration(duration(options, 'fetchTimeout'), 'fetchTimeout'),
    disablePrefetch: flag(options, 'disablePrefetch'),
    awsClientOptions: awsClientOptions as Record<string, unknown>,
    AwsClient: optionalFunction(options, 'AwsClient'),
    awsClientCapture: optionalFunction(options, 'awsClientCapture'),
    onChange: optionalFunction(options, 'onChange'),
    logger: logger as Logger,
    clock: clock as Clock,
    secretsManager: {
      batch: sm.batch === true,
      // One region, one set of credentials: the Parameter Store client's options serve both unless given.
      awsClientOptions: (sm.awsClientOptions ?? awsClientOptions) as Record<string, unknown>,
      AwsClient: optionalFunction(sm, 'AwsClient'),
    },
  }
}
