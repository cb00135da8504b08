/**
 * The DynamoDB source on the wire, through the real DynamoDBClient: against dynalite (a DynamoDB nobody here wrote)
 * for what a real table answers, and against a scripted endpoint for what dynalite never does (unprocessed keys,
 * malformed or endless answers, a denial).
 */
import { BatchGetItemCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb'
import { classifyError } from '../../src/classify.js'
import { type DynamoDbRef, parseDynamoDb } from '../../src/sources/dynamodb.js'
import type { Outcome } from '../../src/sources/source.js'
import { BATCH_KEYS, DynamoDbSource, MAX_PAGES, UNPROCESSED_RETRIES } from '../../src/sources/stores/dynamodb.js'
import { useDynalite } from '../support/dynalite.js'
import { canary } from '../support/harness.js'
import { type ScriptedRequest, startScripted } from '../support/scripted.js'

const d = useDynalite()
const sdk = { BatchGetItemCommand, QueryCommand }

const ref = (name: string, fields: Record<string, string> = {}): DynamoDbRef => parseDynamoDb(name, fields)

const sourceFor = (clientOptions: Record<string, unknown>, consistentRead = false) => {
  const client = new DynamoDBClient(clientOptions)
  const requests: { operation: string; input: any }[] = []
  client.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push({ operation: String(context.commandName).replace(/Command$/, ''), input: args.input })
      return await next(args)
    },
    { step: 'initialize' },
  )
  const source = new DynamoDbSource(client, sdk, { consistentRead, random: () => 0 }, classifyError)
  return { client, source, requests }
}

const fetchAll = async (source: DynamoDbSource, refs: DynamoDbRef[]) => {
  const out = new Map<string, Outcome>()
  await source.fetch(refs, new AbortController().signal, out)
  return out
}

const value = (outcome: Outcome | undefined) => (outcome?.ok ? outcome.raw : outcome?.failure.reason)

beforeAll(async () => {
  await d.db.createTable('config')
  await d.db.createTable('other.table_2')
  await d.db.createTable('parts', { range: 'sk' })
  await d.db.putValue('config', 'app', canary('app'))
  await d.db.putValue('config', 'a/b', 'slashed')
  await d.db.put('config', { id: 'num', value: 42 })
  await d.db.put('config', { id: 'map', value: { M: { a: { S: canary('map') } } } })
  await d.db.put('config', { id: 'novalue', other: 'x' })
  await d.db.put('config', { id: 'custom', val: 'custom-value', value: 'default-value' })
  await d.db.putValue('other.table_2', 'app', canary('other'))
  for (const sk of ['host', 'port', 'nested/user']) await d.db.putValue('parts', 'db', `${sk}-value`, sk)
  await d.db.put('parts', { id: 'db', sk: 'marker' })
  await d.db.putValue('parts', 'lonely', 'x', 'only')
})

describe('single items: BatchGetItem', () => {
  test('items of two tables in one call; each answered by its own item, a number as its text', async () => {
    const { source, requests } = sourceFor(d.db.clientOptions)
    const refs = [
      ref('dynamodb:config/app'),
      ref('dynamodb:other.table_2/app'),
      ref('dynamodb:config/a/b'),
      ref('dynamodb:config/num'),
    ]
    const out = await fetchAll(source, refs)
    expect(refs.map((r) => value(out.get(r.id)))).toEqual([canary('app'), canary('other'), 'slashed', '42'])
    expect(requests.map((r) => r.operation)).toEqual(['BatchGetItem'])
    expect(requests[0]?.input.RequestItems).toEqual({
      config: { Keys: [{ id: { S: 'app' } }, { id: { S: 'a/b' } }, { id: { S: 'num' } }] },
      'other.table_2': { Keys: [{ id: { S: 'app' } }] },
    })
    expect(source.calls).toBe(1)
  })

  test('a missing item and an item without the value attribute are not found; a map value is not a value', async () => {
    const { source } = sourceFor(d.db.clientOptions)
    const refs = [ref('dynamodb:config/nope'), ref('dynamodb:config/novalue'), ref('dynamodb:config/map')]
    const out = await fetchAll(source, refs)
    expect(refs.map((r) => value(out.get(r.id)))).toEqual(['not_found', 'not_found', 'invalid_response'])
  })

  test('two references to one item with other value attributes: one key in the call, each its attribute', async () => {
    const { source, requests } = sourceFor(d.db.clientOptions, true)
    const refs = [ref('dynamodb:config/custom'), ref('dynamodb:config/custom', { valueAttr: 'val' })]
    const out = await fetchAll(source, refs)
    expect(refs.map((r) => value(out.get(r.id)))).toEqual(['default-value', 'custom-value'])
    expect(requests[0]?.input.RequestItems).toEqual({
      config: { Keys: [{ id: { S: 'custom' } }], ConsistentRead: true },
    })
  })

  test(`more than ${BATCH_KEYS} keys: calls of at most ${BATCH_KEYS}, all at once`, async () => {
    const { source, requests } = sourceFor(d.db.clientOptions)
    const refs = Array.from({ length: 150 }, (_, i) => ref(`dynamodb:config/many-${i}`))
    await Promise.all(refs.slice(0, 3).map((_, i) => d.db.putValue('config', `many-${i}`, `v${i}`)))
    const out = await fetchAll(source, refs)
    expect(requests.map((r) => r.input.RequestItems.config.Keys.length)).toEqual([100, 50])
    expect(refs.slice(0, 4).map((r) => value(out.get(r.id)))).toEqual(['v0', 'v1', 'v2', 'not_found'])
  })

  test('a table that does not exist: its keys not found, the other table served, and its keys apart next round', async () => {
    const { source, requests } = sourceFor(d.db.clientOptions)
    const refs = [ref('dynamodb:config/app'), ref('dynamodb:missing-table/a'), ref('dynamodb:missing-table/b')]
    const out = await fetchAll(source, refs)
    expect(refs.map((r) => value(out.get(r.id)))).toEqual([canary('app'), 'not_found', 'not_found'])
    expect(out.get(refs[1]!.id)).toEqual({
      ok: false,
      failure: expect.objectContaining({ reason: 'not_found', errorName: 'ResourceNotFoundException' }),
    })
    // The shared call, then one per table.
    expect(requests.map((r) => Object.keys(r.input.RequestItems).join())).toEqual([
      'config,missing-table',
      'config',
      'missing-table',
    ])
    requests.length = 0
    const again = await fetchAll(source, refs)
    expect(refs.map((r) => value(again.get(r.id)))).toEqual([canary('app'), 'not_found', 'not_found'])
    expect(requests.map((r) => Object.keys(r.input.RequestItems).join()).sort()).toEqual(['config', 'missing-table'])
  })

  test('an item entry on a table with a sort key: refused as invalid_request, without failing the other items', async () => {
    const { source } = sourceFor(d.db.clientOptions)
    const refs = [ref('dynamodb:config/app'), ref('dynamodb:parts/db')]
    const out = await fetchAll(source, refs)
    expect(refs.map((r) => value(out.get(r.id)))).toEqual([canary('app'), 'invalid_request'])
  })
})

describe('partitions: Query', () => {
  test('every item of the partition keyed by its sort key; items without a value are left out', async () => {
    const { source, requests } = sourceFor(d.db.clientOptions)
    const r = ref('dynamodb:parts/db/')
    const out = await fetchAll(source, [r])
    expect(out.get(r.id)).toEqual({
      ok: true,
      raw: Object.assign(Object.create(null), {
        host: 'host-value',
        'nested/user': 'nested/user-value',
        port: 'port-value',
      }),
    })
    expect(requests[0]?.input).toMatchObject({
      TableName: 'parts',
      KeyConditionExpression: '#k = :k',
      ExpressionAttributeNames: { '#k': 'id' },
      ExpressionAttributeValues: { ':k': { S: 'db' } },
    })
    expect(requests[0]?.input.ConsistentRead).toBeUndefined()
  })

  test('a partition over several pages (Limit 1): every page followed, one call each', async () => {
    const { client, source, requests } = sourceFor(d.db.clientOptions)
    client.middlewareStack.add(
      (next) => async (args) => {
        ;(args.input as { Limit?: number }).Limit = 1
        return await next(args)
      },
      { step: 'initialize' },
    )
    const r = ref('dynamodb:parts/db/')
    const out = await fetchAll(source, [r])
    expect(Object.entries((out.get(r.id) as { raw: object }).raw).sort()).toEqual([
      ['host', 'host-value'],
      ['nested/user', 'nested/user-value'],
      ['port', 'port-value'],
    ])
    // Four items (the marker too) and dynalite's last, empty, page.
    expect(requests.length).toBe(5)
    expect(requests[1]?.input.ExclusiveStartKey).toEqual({ id: { S: 'db' }, sk: { S: 'host' } })
  })

  test('an empty partition is not found; a missing table is not found; a partition with custom attributes', async () => {
    const { source } = sourceFor(d.db.clientOptions)
    await d.db.createTable('custom', { hash: 'pk', range: 'name' })
    await d.db.put('custom', { pk: 'app', name: 'a', val: 'A' })
    await d.db.put('custom', { pk: 'app', name: 'b', val: 'B' })
    const refs = [
      ref('dynamodb:parts/none/'),
      ref('dynamodb:missing-table/x/'),
      ref('dynamodb:custom/app/', { keyAttr: 'pk', sortAttr: 'name', valueAttr: 'val' }),
      ref('dynamodb:custom/app/'),
    ]
    const out = await fetchAll(source, refs)
    expect(refs.map((r) => value(out.get(r.id)))).toEqual([
      'not_found',
      'not_found',
      Object.assign(Object.create(null), { a: 'A', b: 'B' }),
      'invalid_request',
    ])
  })
})

describe('what dynalite never answers: a scripted endpoint', () => {
  const scripted = async (script: (request: ScriptedRequest, n: number) => unknown) => {
    const endpoint = await startScripted(script as never)
    return { endpoint, ...sourceFor(endpoint.clientOptions) }
  }

  test('keys left in UnprocessedKeys are retried within the round until answered', async () => {
    const { endpoint, source } = await scripted(({ input }, n) => {
      const keys = input.RequestItems.config.Keys as { id: { S: string } }[]
      if (n === 1) {
        return {
          Responses: { config: [{ id: { S: 'a' }, value: { S: 'A' } }] },
          UnprocessedKeys: { config: { Keys: keys.filter((k) => k.id.S !== 'a') } },
        }
      }
      return { Responses: { config: keys.map((k) => ({ id: k.id, value: { S: k.id.S.toUpperCase() } })) } }
    })
    try {
      const refs = [ref('dynamodb:config/a'), ref('dynamodb:config/b'), ref('dynamodb:config/c')]
      const out = await fetchAll(source, refs)
      expect(refs.map((r) => value(out.get(r.id)))).toEqual(['A', 'B', 'C'])
      expect(endpoint.requests.map((r) => r.operation)).toEqual(['BatchGetItem', 'BatchGetItem'])
      expect(endpoint.requests[1]?.input.RequestItems).toEqual({
        config: { Keys: [{ id: { S: 'b' } }, { id: { S: 'c' } }] },
      })
    } finally {
      await endpoint.close()
    }
  })

  test(`keys still unprocessed after ${UNPROCESSED_RETRIES} retries are throttled; the answered ones served`, async () => {
    const { endpoint, source } = await scripted(({ input }) => {
      const keys = input.RequestItems.config.Keys as { id: { S: string } }[]
      return {
        Responses: { config: keys.filter((k) => k.id.S === 'a').map((k) => ({ id: k.id, value: { S: 'A' } })) },
        UnprocessedKeys: { config: { Keys: keys.filter((k) => k.id.S !== 'a') } },
      }
    })
    try {
      const refs = [ref('dynamodb:config/a'), ref('dynamodb:config/b')]
      const out = await fetchAll(source, refs)
      expect(value(out.get(refs[0]!.id))).toBe('A')
      expect(out.get(refs[1]!.id)).toEqual({
        ok: false,
        failure: { reason: 'throttled', detail: expect.stringContaining('UnprocessedKeys') },
      })
      expect(endpoint.requests.length).toBe(1 + UNPROCESSED_RETRIES)
    } finally {
      await endpoint.close()
    }
  })

  test('a round that ends during the backoff keeps the unprocessed keys throttled and asks no more', async () => {
    const endpoint = await startScripted(({ input }) => ({
      UnprocessedKeys: { config: { Keys: input.RequestItems.config.Keys } },
    }))
    try {
      const round = new AbortController()
      const client = new DynamoDBClient(endpoint.clientOptions)
      // The round's time runs out as the first answer arrives, while the retry waits its backoff (random 1: 50 ms).
      client.middlewareStack.add(
        (next) => async (args) => {
          const result = await next(args)
          setTimeout(() => round.abort(), 5)
          return result
        },
        { step: 'initialize' },
      )
      const source = new DynamoDbSource(client, sdk, { consistentRead: false, random: () => 1 }, classifyError)
      const r = ref('dynamodb:config/a')
      const out = new Map<string, Outcome>()
      await source.fetch([r], round.signal, out)
      expect(value(out.get(r.id))).toBe('throttled')
      expect(endpoint.requests.length).toBe(1)
    } finally {
      await endpoint.close()
    }
  })

  test('a malformed answer fails only its own call; strays and duplicates are ignored', async () => {
    const { endpoint, source } = await scripted(({ operation, input }) => {
      if (operation === 'Query') return { Items: [{ id: { S: 'p' }, sk: { S: 'x' }, value: { S: 'X' } }] }
      const keys = input.RequestItems.config.Keys as { id: { S: string } }[]
      if (keys.length === 100) return { Responses: { config: 'not a list' } }
      return {
        Responses: {
          config: [
            { id: { S: 'z' }, value: { S: 'first' } },
            { id: { S: 'z' }, value: { S: 'duplicate' } },
            { id: { S: 'stray' }, value: { S: canary('stray') } },
          ],
          other: [{ id: { S: 'z' }, value: { S: 'wrong table' } }],
        },
      }
    })
    try {
      const refs = [
        ...Array.from({ length: 100 }, (_, i) => ref(`dynamodb:config/k${i}`)),
        ref('dynamodb:config/z'),
        ref('dynamodb:config/p/'),
      ]
      const out = await fetchAll(source, refs)
      expect(value(out.get(refs[0]!.id))).toBe('invalid_response')
      expect(value(out.get(refs[99]!.id))).toBe('invalid_response')
      expect(value(out.get(refs[100]!.id))).toBe('first')
      expect(value(out.get(refs[101]!.id))).toEqual(Object.assign(Object.create(null), { x: 'X' }))
    } finally {
      await endpoint.close()
    }
  })

  test.each([
    ['an answer without Responses as an object', { Responses: [] }],
    ['unprocessed keys without a Keys list', { UnprocessedKeys: { config: {} } }],
    ['an item that is not an object', { Responses: { config: [null] } }],
    ['an unprocessed key that is not an object', { UnprocessedKeys: { config: { Keys: ['a'] } } }],
  ])('%s: invalid_response', async (_, answer) => {
    const { endpoint, source } = await scripted(() => answer)
    try {
      const r = ref('dynamodb:config/a')
      expect(value((await fetchAll(source, [r])).get(r.id))).toBe('invalid_response')
    } finally {
      await endpoint.close()
    }
  })

  test(`a partition whose pages never end: invalid_response after ${MAX_PAGES} pages; a repeated key at once`, async () => {
    const { endpoint, source } = await scripted(({ input }, n) => ({
      Items: [{ id: { S: input.ExpressionAttributeValues[':k'].S }, sk: { S: `s${n}` }, value: { S: 'v' } }],
      LastEvaluatedKey:
        input.ExpressionAttributeValues[':k'].S === 'endless' ? { id: { S: `${n}` } } : { id: { S: 'same' } },
    }))
    try {
      const endless = ref('dynamodb:config/endless/')
      expect(value((await fetchAll(source, [endless])).get(endless.id))).toBe('invalid_response')
      expect(endpoint.requests.length).toBe(MAX_PAGES)
      const circling = ref('dynamodb:config/circling/')
      expect(value((await fetchAll(source, [circling])).get(circling.id))).toBe('invalid_response')
      expect(endpoint.requests.length).toBe(MAX_PAGES + 2)
    } finally {
      await endpoint.close()
    }
  })

  test.each([
    ['an item of another partition', { Items: [{ id: { S: 'other' }, sk: { S: 'x' }, value: { S: 'v' } }] }],
    ['a binary sort key', { Items: [{ id: { S: 'p' }, sk: { B: 'AA==' }, value: { S: 'v' } }] }],
    ['a list value', { Items: [{ id: { S: 'p' }, sk: { S: 'x' }, value: { L: [] } }] }],
    ['Items not a list', { Items: {} }],
    ['a LastEvaluatedKey that is not a key', { Items: [], LastEvaluatedKey: 'next' }],
  ])('a partition answered with %s: invalid_response', async (_, answer) => {
    const { endpoint, source } = await scripted(() => answer)
    try {
      const r = ref('dynamodb:config/p/')
      expect(value((await fetchAll(source, [r])).get(r.id))).toBe('invalid_response')
    } finally {
      await endpoint.close()
    }
  })

  test('a denial of a call of several keys of one table (a LeadingKeys condition): each key asked alone, and so next round', async () => {
    const denied = (res: import('node:http').ServerResponse) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' })
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException', message: 'denied' }))
    }
    const { endpoint, source } = await scripted(({ input }) => {
      const keys = input.RequestItems.config.Keys as { id: { S: string } }[]
      if (keys.some((k) => k.id.S === 'secret')) return denied
      return { Responses: { config: keys.map((k) => ({ id: k.id, value: { S: k.id.S } })) } }
    })
    try {
      const refs = [ref('dynamodb:config/a'), ref('dynamodb:config/secret'), ref('dynamodb:config/b')]
      const out = await fetchAll(source, refs)
      expect(refs.map((r) => value(out.get(r.id)))).toEqual(['a', 'access_denied', 'b'])
      expect(endpoint.requests.length).toBe(4)
      // Next round: the denied key alone, the others together.
      const again = await fetchAll(source, refs)
      expect(refs.map((r) => value(again.get(r.id)))).toEqual(['a', 'access_denied', 'b'])
      expect(
        endpoint.requests
          .slice(4)
          .map((r) => r.input.RequestItems.config.Keys.length)
          .sort(),
      ).toEqual([1, 2])
    } finally {
      await endpoint.close()
    }
  })
})
