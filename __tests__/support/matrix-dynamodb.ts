/**
 * DynamoDB as one of the fault matrix's stores: items in a dynalite table, read through a fault proxy (dynalite has
 * no faults of its own). Writes are queued on the proxy, so the matrix's synchronous create and delete are seen by
 * every request after them. KMS faults have no DynamoDB read to happen on: that case is skipped.
 */
import type { FaultKind } from 'middy-secrets-local'
import { useDynalite } from './dynalite.js'
import { type DynamoFault, startFaultProxy } from './dynamo-faults.js'
import type { MatrixSource } from './matrix.js'

const TABLE = 'fault-matrix'
const keyOf = (id: string) => id.slice(TABLE.length + 1)

const FAULTS: Partial<Record<FaultKind, DynamoFault>> = {
  throttle: 'provisioned',
  'server-error': 'server-error',
  'access-denied': 'access-denied',
  reset: 'reset',
  hang: 'hang',
  malformed: 'malformed',
  truncated: 'truncated',
}

/** Registers dynalite and the proxy for the test file; the source is usable once its beforeAll ran. */
export const useDynamoDbMatrixSource = (): MatrixSource => {
  const d = useDynalite()
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>
  beforeAll(async () => {
    await d.db.createTable(TABLE)
    proxy = await startFaultProxy(String(d.db.clientOptions.endpoint))
  })
  beforeEach(() => proxy.clearFaults())
  afterAll(async () => {
    await proxy.close()
  })
  return {
    name: 'DynamoDB (BatchGetItem)',
    // An id is `<table>/<partition key>`: what errors and log events name the item by.
    ref: (id) => `dynamodb:${id}`,
    id: (base, i) => `${TABLE}/fm-${base}-k${i}`,
    create: (_store, id, value) => proxy.write(() => d.db.putValue(TABLE, keyOf(id), value)),
    delete: (_store, id) => proxy.write(() => d.db.remove(TABLE, { id: keyOf(id) })),
    fault: (_store, kind, ids) => proxy.fault(FAULTS[kind] as DynamoFault, ids.map(keyOf)),
    requestsFor: (_store, ids) =>
      proxy.requests.filter((r) => ids.some((id) => r.body.includes(JSON.stringify({ S: keyOf(id) })))).length,
    clearFaults: () => proxy.clearFaults(),
    skip: ['KMS refusing one'],
    get options() {
      return { dynamodb: { awsClientOptions: { ...d.db.clientOptions, endpoint: proxy.endpoint } } }
    },
  }
}
