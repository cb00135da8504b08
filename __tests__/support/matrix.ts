/**
 * The fault matrix's parts: the stores it runs against (each a way of naming, creating, deleting and faulting
 * a reference), two instances over the same references (`covered` with a deploy-time variable for every key,
 * `bare` without), one invocation as middy runs the before hook, and the check of which rung served each key,
 * with what value or which SecretsError.
 */

import type { FaultKind, LocalParameterStore } from 'middy-secrets-local'
import type { Reason } from '../../src/errors.js'
import { SecretsError, type secrets } from '../../src/index.js'
import type { SecretsStats } from '../../src/types.js'
import { eventually, type recordingLogger, request } from './harness.js'

/** The options every instance of the matrix runs with. */
export const EXPIRY = 60_000
export const STALE_IF_ERROR = 120_000
export const JITTER = 0.1

/** A store the matrix runs against: how a reference is written, stored, removed and faulted. */
export interface MatrixSource {
  readonly name: string
  /** The fetchData reference for the id. */
  ref(id: string): string
  id(base: string, i: number): string
  create(store: LocalParameterStore, id: string, value: string): void
  delete(store: LocalParameterStore, id: string): void
  /** A fault rule on these ids, for this store's read operations only. */
  fault(store: LocalParameterStore, kind: FaultKind, ids: readonly string[]): void
  /** Requests the store received that read any of these ids. */
  requestsFor(store: LocalParameterStore, ids: readonly string[]): number
  options: Record<string, unknown>
  /** Ends this store's faults, where they are not the local store's own. */
  clearFaults?(): void
  /** Cases (by name) the store cannot produce: a store without KMS on its read path has no KMS refusal. */
  skip?: readonly string[]
  /** Faults this store reports under another reason than the matrix's default. */
  reasons?: Readonly<Record<string, Reason>>
}

const SECRETS_OPERATIONS = ['GetSecretValue', 'BatchGetSecretValue']

const ssm: MatrixSource = {
  name: 'Parameter Store',
  ref: (id) => id,
  id: (base, i) => `/fm/${base}/k${i}`,
  create: (store, id, value) => void store.put(id, value),
  delete: (store, id) => store.delete(id),
  fault: (store, kind, ids) => store.fault({ kind, names: [...ids], operations: ['GetParameters'] }),
  requestsFor: (store, ids) =>
    store.requests.filter(
      (r) =>
        r.operation === 'GetParameters' && ((r.input as { Names?: string[] }).Names ?? []).some((n) => ids.includes(n)),
    ).length,
  options: {},
}

const secretsManager = (batch: boolean): MatrixSource => ({
  name: batch ? 'Secrets Manager (BatchGetSecretValue)' : 'Secrets Manager (GetSecretValue)',
  ref: (id) => `secretsmanager:${id}`,
  id: (base, i) => `fm/${batch ? 'b' : 's'}/${base}/k${i}`,
  create: (store, id, value) => void store.putSecret(id, value),
  delete: (store, id) => store.deleteSecret(id),
  fault: (store, kind, ids) => store.fault({ kind, names: [...ids], operations: SECRETS_OPERATIONS }),
  requestsFor: (store, ids) =>
    store.requests.filter((r) => {
      const input = r.input as { SecretId?: string; SecretIdList?: string[] }
      return ids.includes(input.SecretId ?? '') || (input.SecretIdList ?? []).some((id) => ids.includes(id))
    }).length,
  options: { secretsManager: { batch } },
})

const APPCONFIG_OPERATIONS = ['StartConfigurationSession', 'GetLatestConfiguration']

/** AppConfig: each id is an `application/environment/profile` key; a poll's profile is its session's. */
const appConfig: MatrixSource = {
  name: 'AppConfig',
  ref: (id) => `appconfig:${id}`,
  id: (base, i) => `fm-app/${base}/k${i}`,
  create: (store, id, value) => void store.deployConfiguration(id, value, { contentType: 'text/plain' }),
  delete: (store, id) => store.deleteConfiguration(id),
  fault: (store, kind, ids) => store.fault({ kind, names: [...ids], operations: APPCONFIG_OPERATIONS }),
  requestsFor: (store, ids) =>
    store.requests.filter((r) => {
      if (!APPCONFIG_OPERATIONS.includes(r.operation)) return false
      const profile = store.appConfigEngine.profileOf(r.operation, r.input)
      return profile !== undefined && ids.includes(profile)
    }).length,
  options: {},
  skip: ['KMS refusing one'],
  // A configuration is bytes, not JSON: a body cut short is a connection that died mid-body.
  reasons: { 'truncated body': 'unreachable' },
}

export const SOURCES: readonly MatrixSource[] = [ssm, secretsManager(false), secretsManager(true), appConfig]

export interface Instance {
  covered: boolean
  keys: readonly string[]
  mw: ReturnType<typeof secrets>
  logger: ReturnType<typeof recordingLogger>
  /** What the store held for each key when it was last fetched: the value a fresh or stale rung serves. */
  good: string[]
}

export interface Outcome {
  waited: boolean
  error: unknown
  values: Record<string, unknown>
  stats: SecretsStats
}

export type Want = 'fresh' | 'stale' | 'fallback'

/** The deploy-time value of the `i`th key of a covered instance. */
export const envValue = (i: number) => `env-${i}`

const lastFetched = (logger: Instance['logger']): number => {
  const fetched = logger.lines.filter((line) => line.event.event === 'fetched')
  return (fetched.at(-1)?.event.storeCalls as number | undefined) ?? 0
}

/**
 * One invocation, as middy runs the before hook. Afterwards it lets real time pass until no round is in flight
 * (every store call started has been answered or timed out): the virtual clock must not outrun real I/O.
 */
export const invoke = async (inst: Instance): Promise<Outcome> => {
  const req = request()
  let error: unknown
  let waited = false
  try {
    const out = inst.mw.before?.(req as never)
    waited = out instanceof Promise
    await out
  } catch (e) {
    error = e
  }
  const stats = inst.mw.stats()
  await eventually(() => inst.mw.stats().storeCalls === lastFetched(inst.logger))
  const values = Object.fromEntries(inst.keys.map((key) => [key, req.context[key]]))
  return { waited, error, values, stats }
}

/**
 * Checks the rung and reason of every key, the values served, and — when some key has no value — that the
 * invocation failed with a SecretsError naming exactly those keys, their entries as written (`parameters`) and reasons.
 */
export const expectServed = (
  parameters: readonly string[],
  inst: Instance,
  o: Outcome,
  want: (i: number) => Want,
  reason: (i: number) => Reason | undefined,
): void => {
  const missing: number[] = []
  const got = inst.keys.map((key) => ({ key, rung: o.stats.keys[key]?.rung, reason: o.stats.keys[key]?.reason }))
  const expected = inst.keys.map((key, i) => {
    const rung = want(i) === 'fallback' ? (inst.covered ? 'env' : 'missing') : want(i)
    if (rung === 'missing') missing.push(i)
    return { key, rung, reason: reason(i) }
  })
  expect(got).toEqual(expected)
  if (missing.length === 0) {
    expect(o.error).toBeUndefined()
    const values = inst.keys.map((_, i) => (want(i) === 'fallback' ? envValue(i) : inst.good[i]))
    expect(inst.keys.map((key) => o.values[key])).toEqual(values)
    return
  }
  // No fallback existed for these keys: the only acceptable failure.
  expect(inst.covered).toBe(false)
  expect(o.error).toBeInstanceOf(SecretsError)
  const error = o.error as SecretsError
  expect(error.code).toBe('UNAVAILABLE')
  expect(error.keys).toEqual(missing.map((i) => inst.keys[i]))
  expect(error.parameters).toEqual(missing.map((i) => parameters[i]))
  expect(error.reasons).toEqual(Object.fromEntries(missing.map((i) => [inst.keys[i], reason(i)])))
  for (const i of missing) expect(error.message).toContain(`${inst.keys[i]} (${parameters[i]}: ${reason(i)})`)
}
