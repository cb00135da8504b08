/**
 * DynamoDB as one of the canary sweep's stores: items in dynalite (an item, JSON, a partition keyed by `sk`), read
 * through a fault proxy (dynalite has no faults of its own). Writes are queued on the proxy, so the sweep's
 * synchronous puts and removes are seen by every request after them.
 */
import type { CanaryStore } from './canaries.js'
import { careless } from './canaries.js'
import { useDynalite } from './dynalite.js'
import { type DynamoFault, startFaultProxy } from './dynamo-faults.js'
import { canary } from './harness.js'

const TABLE = 'canaries'
const PARTS = 'canary-parts'

// 200 with dynalite's real answer (every canary) inside an HTML page, or cut in half, among them.
const FAULTS: readonly DynamoFault[] = [
  'throttle',
  'provisioned',
  'server-error',
  'access-denied',
  'reset',
  'hang',
  'malformed',
  'truncated',
]

/** Registers dynalite, the tables and the proxy for the test file; the store is usable once its beforeAll ran. */
export const useDynamoDbCanaryStore = (): CanaryStore => {
  const d = useDynalite()
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>
  beforeAll(async () => {
    await d.db.createTable(TABLE)
    await d.db.createTable(PARTS, { range: 'sk' })
    proxy = await startFaultProxy(String(d.db.clientOptions.endpoint))
  })
  beforeEach(() => proxy.clearFaults())
  afterAll(async () => {
    await proxy.close()
  })
  let worlds = 0
  const put = (table: string, id: string, value: string, sk?: string) =>
    proxy.write(() => d.db.putValue(table, id, value, sk))
  return {
    name: 'DynamoDB',
    prefix: 'D',
    keys: ['VALUE', 'JSON', 'CUSTOM', 'PATH'],
    get options() {
      return { dynamodb: { awsClientOptions: { ...d.db.clientOptions, endpoint: proxy.endpoint } } }
    },
    plant: () => {
      const base = `w${++worlds}`
      const w = { value: `${base}-item`, json: `${base}-json`, custom: `${base}-custom`, path: `${base}-part` }
      put(TABLE, w.value, canary('item'))
      put(TABLE, w.json, JSON.stringify({ password: canary('json') }))
      put(TABLE, w.custom, `{${canary('custom')}`)
      put(PARTS, w.path, canary('part-host'), 'host')
      put(PARTS, w.path, canary('part-password'), 'nested/password')
      return {
        ...w,
        fetchData: {
          VALUE: `dynamodb:${TABLE}/${w.value}`,
          JSON: { name: `dynamodb:${TABLE}/${w.json}`, transform: 'json' },
          CUSTOM: { name: `dynamodb:${TABLE}/${w.custom}`, transform: careless },
          PATH: `dynamodb:${PARTS}/${w.path}/`,
        },
        denied: w.json,
        all: Object.values(w),
      }
    },
    put: (id, value) => put(TABLE, id, value),
    remove: (id) => proxy.write(() => d.db.remove(TABLE, { id })),
    // A child of a partition is an item with that sort key.
    putChild: (path, child, value) => put(PARTS, path, value, child),
    removeChild: (path, child) => proxy.write(() => d.db.remove(PARTS, { id: path, sk: child })),
    faults: Object.fromEntries(FAULTS.map((kind) => [kind, (ids: readonly string[]) => proxy.fault(kind, ids)])),
    clearFaults: () => proxy.clearFaults(),
  }
}
