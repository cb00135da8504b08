/**
 * The canary sweep's parts (__tests__/reliability/secrets.test.ts): the stores it runs against, each a way of
 * planting canary values and of failing, and the faults every store shares (data the store answers with: a
 * deleted value, values a transform rejects, a path whose names collide, one value IAM refuses). Parameter Store is
 * here; DynamoDB, which needs dynalite and a fault proxy, is in canaries-dynamodb.ts.
 */
import type { FaultKind, FaultSpec } from 'middy-secrets-local'
import type { FetchData } from '../../src/types.js'
import { canary, useStore } from './harness.js'

/** The sweep's times, in milliseconds. */
export const EXPIRY = 10_000
export const STALE_IF_ERROR = 30_000
export const FETCH_TIMEOUT = 200

/** What one world of canaries holds: the map that reads it, and the store's ids behind its keys. */
export interface Planted {
  /** One instance's map, keys without prefix: VALUE, JSON (a json transform), CUSTOM (the careless transform), PATH
   * (every value under a path, or every item of a partition), and any of the store's own kinds. */
  fetchData: FetchData
  value: string
  json: string
  custom: string
  /** The path (or partition) of PATH: a child of it is `path` + `child` to the store's `putChild`. */
  path: string
  /** The id IAM refuses in the fault 'access denied for one'. */
  denied: string
  /** Every id the map reads, as the store's fault rules name them. */
  all: readonly string[]
}

/** A store the sweep runs against. */
export interface CanaryStore {
  readonly name: string
  /** The instances' keys are `<prefix>C_<key>` (covered: a deploy-time variable for each) and `<prefix>B_<key>`. */
  readonly prefix: string
  /** The keys of every world's map (the deploy-time variables are set for these before the first instance). */
  readonly keys: readonly string[]
  /** The options that point an instance at the store. */
  readonly options: Record<string, unknown>
  /** Plants a new world of canary values under new ids. */
  plant(): Planted
  put(id: string, value: string): void
  remove(id: string): void
  putChild(path: string, child: string, value: string): void
  removeChild(path: string, child: string): void
  /** The store's own faults, by name: each makes the store's reads of these ids fail that way. */
  readonly faults: Readonly<Record<string, (ids: readonly string[]) => void>>
  clearFaults(): void
}

export interface Fault {
  inject(world: Planted): void
  heal(world: Planted): void
}

/** A transform a careless user wrote: its error quotes the value. */
export const careless = (raw: string): string => {
  if (!raw.startsWith('{')) throw new Error(`not an object: ${raw}`)
  return raw
}

/** Every fault the sweep drives a store through: its own, then the answers every store can give. */
export const canaryFaults = (store: CanaryStore): Record<string, Fault> => ({
  ...Object.fromEntries(
    Object.entries(store.faults).map(([name, inject]) => [
      name,
      { inject: (w: Planted) => inject(w.all), heal: () => store.clearFaults() },
    ]),
  ),
  'access denied for one': {
    inject: (w) => store.faults['access-denied']?.([w.denied]),
    heal: () => store.clearFaults(),
  },
  'deleted value': {
    inject: (w) => store.remove(w.value),
    heal: (w) => store.put(w.value, canary('value-back')),
  },
  'values a transform rejects': {
    inject: (w) => {
      store.put(w.json, `{"password": "${canary('bad-json')}"`)
      store.put(w.custom, canary('custom-rejected'))
    },
    heal: (w) => {
      store.put(w.json, JSON.stringify({ password: canary('json-back') }))
      store.put(w.custom, `{${canary('custom-back')}`)
    },
  },
  // Two names under the path that write one variable (`a-b` and `a_b`).
  'path collision': {
    inject: (w) => {
      store.putChild(w.path, 'a-b', canary('collide-1'))
      store.putChild(w.path, 'a_b', canary('collide-2'))
    },
    heal: (w) => store.removeChild(w.path, 'a_b'),
  },
})

/** The deploy-time value of a covered instance's key: a canary too, of the kind the key's transform accepts. */
export const deployValue = (key: string): string =>
  key === 'PATH'
    ? JSON.stringify({ host: canary('env-path') })
    : key === 'JSON'
      ? '{"v":1}'
      : key === 'CUSTOM'
        ? `{${canary('env-custom')}`
        : canary(`env-${key}`)

// Every kind the local store makes (typed by its FaultKind, so a new kind is not left out of the sweep), with what
// the kind needs. `malformed` and `truncated` are 200s with the real response (every canary) spoiled.
const SSM_FAULTS: Readonly<Record<FaultKind, Omit<FaultSpec, 'kind' | 'names'>>> = {
  throttle: {},
  'server-error': {},
  'access-denied': {},
  'kms-denied': {},
  reset: {},
  hang: {},
  malformed: {},
  truncated: {},
  latency: { latencyMs: 3 * FETCH_TIMEOUT },
}

/** Parameter Store through the local store: String, SecureString, StringList, JSON, and a path. */
export const useSsmCanaryStore = (): CanaryStore => {
  const s = useStore()
  let worlds = 0
  return {
    name: 'Parameter Store',
    prefix: 'S',
    keys: ['VALUE', 'SECURE', 'LIST', 'JSON', 'CUSTOM', 'PATH'],
    get options() {
      return { awsClientOptions: s.clientOptions }
    },
    plant: () => {
      const base = `/sec/${++worlds}`
      const w = {
        value: `${base}/token`,
        secure: `${base}/secure`,
        list: `${base}/list`,
        json: `${base}/json`,
        custom: `${base}/custom`,
        path: `${base}/db/`,
      }
      s.store.put(w.value, canary('token'))
      s.store.put(w.secure, canary('secure'), { type: 'SecureString' })
      s.store.put(w.list, `${canary('list-1')},${canary('list-2')}`, { type: 'StringList' })
      s.store.put(w.json, JSON.stringify({ password: canary('json') }))
      s.store.put(w.custom, `{${canary('custom')}`)
      s.store.put(`${w.path}host`, canary('db-host'))
      s.store.put(`${w.path}nested/password`, canary('db-password'))
      return {
        ...w,
        fetchData: {
          VALUE: w.value,
          SECURE: w.secure,
          LIST: { name: w.list, transform: 'stringList' },
          JSON: { name: w.json, transform: 'json' },
          CUSTOM: { name: w.custom, transform: careless },
          PATH: w.path,
        },
        denied: w.secure,
        all: Object.values(w),
      }
    },
    put: (id, value) => void s.store.put(id, value),
    remove: (id) => s.store.delete(id),
    putChild: (path, child, value) => void s.store.put(`${path}${child}`, value),
    removeChild: (path, child) => s.store.delete(`${path}${child}`),
    faults: Object.fromEntries(
      Object.entries(SSM_FAULTS).map(([kind, extra]) => [
        kind,
        (names: readonly string[]) => s.store.fault({ kind: kind as FaultKind, names: [...names], ...extra }),
      ]),
    ),
    clearFaults: () => s.store.clearFaults(),
  }
}
