/**
 * A DynamoDB nobody here wrote: dynalite (an implementation of DynamoDB's API on LevelDB, in memory), started
 * in-process on 127.0.0.1 on an OS-chosen port, one per test file. Tests reach it through the real DynamoDBClient.
 */
import type { AddressInfo } from 'node:net'
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb'
import dynalite from 'dynalite'

export interface Dynalite {
  clientOptions: Record<string, unknown>
  /** A table keyed by `id` (and `sk` when `sort`), or by the given attribute names. */
  createTable(name: string, keys?: { hash?: string; range?: string | false }): Promise<void>
  deleteTable(name: string): Promise<void>
  put(table: string, item: Record<string, unknown>): Promise<void>
  /** An item of the default shape: `{ id, value }`, or `{ id, sk, value }`. */
  putValue(table: string, id: string, value: string, sk?: string): Promise<void>
  remove(table: string, key: Record<string, string>): Promise<void>
}

const attr = (value: unknown): Record<string, unknown> =>
  typeof value === 'number' ? { N: String(value) } : typeof value === 'string' ? { S: value } : (value as never)

export const useDynalite = () => {
  const holder = {} as { db: Dynalite }
  let server: ReturnType<typeof dynalite>
  let client: DynamoDBClient
  beforeAll(async () => {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const clientOptions = {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDDYNALITE', secretAccessKey: 'dynalite' },
      maxAttempts: 1,
    }
    client = new DynamoDBClient(clientOptions)
    holder.db = {
      clientOptions,
      createTable: async (name, keys = {}) => {
        const hash = keys.hash ?? 'id'
        const range = keys.range === undefined ? undefined : keys.range || undefined
        await client.send(
          new CreateTableCommand({
            TableName: name,
            KeySchema: [
              { AttributeName: hash, KeyType: 'HASH' },
              ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : []),
            ],
            AttributeDefinitions: [
              { AttributeName: hash, AttributeType: 'S' },
              ...(range ? [{ AttributeName: range, AttributeType: 'S' as const }] : []),
            ],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        )
      },
      deleteTable: async (name) => void (await client.send(new DeleteTableCommand({ TableName: name }))),
      put: async (table, item) => {
        const Item = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, attr(v)]))
        await client.send(new PutItemCommand({ TableName: table, Item: Item as never }))
      },
      putValue: (table, id, value, sk) => holder.db.put(table, { id, ...(sk === undefined ? {} : { sk }), value }),
      remove: async (table, key) => {
        const Key = Object.fromEntries(Object.entries(key).map(([k, v]) => [k, { S: v }]))
        await client.send(new DeleteItemCommand({ TableName: table, Key }))
      },
    }
  })
  afterAll(async () => {
    client.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return holder
}
