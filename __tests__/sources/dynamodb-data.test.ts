/**
 * What a user gets wrong in DynamoDB, through the middleware, the real DynamoDBClient and dynalite: an attribute of a
 * type this package does not serve (a map, a list, a binary, a boolean, null, a set) is `invalid_response` with a
 * detail naming the attribute and its type — never its content — and advice about the data, not the endpoint; an
 * entry whose key does not fit the table (a table with a sort key, a keyAttr that is not the partition key, a
 * number key) is `invalid_request` with advice saying what to check, not "report it to middy-secrets".
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { type FailureInfo, SecretsError, secrets } from '../../src/index.js'
import { useDynalite } from '../support/dynalite.js'
import { canary, everythingShown, expectNoCanary, manualClock, recordingLogger, runBefore } from '../support/harness.js'

const d = useDynalite()

const DATA_ADVICE =
  'invalid_response: DynamoDB answered with data this package cannot serve: change what is stored, as the details say.'
const TEXT = 'store text (S) or a number (N)'

beforeAll(async () => {
  await d.db.createTable('cfg')
  await d.db.createTable('parts', { range: 'sk' })
  await d.db.createTable('by-pk', { hash: 'pk' })
  await d.db.putValue('cfg', 'ok', 'fine')
  const items: Record<string, unknown> = {
    map: { M: { password: { S: canary('map') } } },
    list: { L: [{ S: canary('list') }] },
    binary: { B: Buffer.from(canary('binary')) },
    bool: { BOOL: true },
    null: { NULL: true },
    strings: { SS: [canary('ss1'), canary('ss2')] },
    numbers: { NS: ['1', '2'] },
    binaries: { BS: [Buffer.from(canary('bs'))] },
  }
  for (const [id, value] of Object.entries(items)) await d.db.put('cfg', { id, value })
  await d.db.put('cfg', { id: 'custom', enabled: { M: { on: { S: canary('custom') } } } })
  await d.db.putValue('parts', 'db', 'db.internal', 'host')
  await d.db.put('parts', { id: 'db', sk: 'creds', value: { M: { user: { S: canary('creds') } } } })
  await d.db.putValue('parts', 'named', 'x', 'a')
  await d.db.put('parts', { id: 'named', sk: 'b', label: { BOOL: false }, value: 'y' })
  await d.db.put('parts', { id: 'named', sk: 'c', label: 'c-name', value: 'z' })
  await d.db.put('by-pk', { pk: 'app', value: 'by-pk-value' })
  // A table whose partition key is a number: a dynamodb: id is always sent as a string.
  const client = new DynamoDBClient(d.db.clientOptions)
  await client.send(
    new CreateTableCommand({
      TableName: 'numbered',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  client.destroy()
})

const fail = async (fetchData: Record<string, unknown>) => {
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: fetchData as Record<string, string>,
    dynamodb: { awsClientOptions: d.db.clientOptions },
    fallbackToEnv: false,
    clock: manualClock(),
    logger,
  })
  try {
    await runBefore(mw)
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    const e = error as SecretsError
    expectNoCanary(everythingShown(e) + JSON.stringify(logger.lines) + JSON.stringify(mw.stats()))
    // The request id is dynalite's, new on every call.
    return { error: e, message: e.message.replace(/request id [A-Za-z0-9-]+/g, 'request id …'), mw }
  }
  throw new Error('expected a SecretsError')
}

describe('an attribute of a type this package does not serve', () => {
  test('the reported input: a value attribute that is a map names the attribute and its type, not the endpoint', async () => {
    const { error, message, mw } = await fail({ APP: 'dynamodb:cfg/map' })
    const detail = `the item's value attribute 'value' is a map (M): ${TEXT}; JSON as text with transform: 'json'`
    expect(error.failures.APP).toEqual({ reason: 'invalid_response', detail })
    expect(message).toBe(
      `middy-secrets: no value for APP (dynamodb:cfg/map: invalid_response) [${detail}]. ${DATA_ADVICE}`,
    )
    expect(message).not.toContain('endpoint')
    expect(mw.stats().keys.APP?.failure).toEqual({ reason: 'invalid_response', detail })
  })

  test.each([
    ['list', `is a list (L): ${TEXT}; JSON as text with transform: 'json'`],
    ['binary', `is a binary (B): ${TEXT}; binary data as base64 text`],
    ['bool', `is a boolean (BOOL): ${TEXT}; true or false as text with transform: 'boolean'`],
    ['null', `is null (NULL): ${TEXT}`],
    ['strings', `is a string set (SS): ${TEXT}; a list as comma-separated text with transform: 'stringList'`],
    ['numbers', `is a number set (NS): ${TEXT}; a list as comma-separated text with transform: 'stringList'`],
    ['binaries', `is a binary set (BS): ${TEXT}; binary data as base64 text`],
  ])('a value attribute that is of type %s', async (id, words) => {
    const { error, message } = await fail({ K: `dynamodb:cfg/${id}` })
    const detail = `the item's value attribute 'value' ${words}`
    expect(error.failures.K).toEqual({ reason: 'invalid_response', detail })
    expect(message).toBe(
      `middy-secrets: no value for K (dynamodb:cfg/${id}: invalid_response) [${detail}]. ${DATA_ADVICE}`,
    )
  })

  test('a custom valueAttr is named as given; the other keys of the map are served', async () => {
    const logger = recordingLogger()
    const mw = secrets({
      fetchData: {
        OK: 'dynamodb:cfg/ok',
        FLAG: { name: 'dynamodb:cfg/custom', valueAttr: 'enabled', required: false },
      },
      dynamodb: { awsClientOptions: d.db.clientOptions },
      logger,
    })
    const { req } = await runBefore(mw)
    expect(req.context.OK).toBe('fine')
    expect(req.context.FLAG).toBeUndefined()
    expect(mw.stats().keys.FLAG?.failure).toEqual({
      reason: 'invalid_response',
      detail: `the item's value attribute 'enabled' is a map (M): ${TEXT}; JSON as text with transform: 'json'`,
    })
    expectNoCanary(JSON.stringify(logger.lines) + JSON.stringify(mw.stats()))
  })

  test("a partition with an item whose value is a map: the partition fails, naming the item's attribute", async () => {
    const { error, message } = await fail({ DB: 'dynamodb:parts/db/' })
    const detail = `an item's value attribute 'value' is a map (M): ${TEXT}; JSON as text with transform: 'json'`
    expect(error.failures.DB).toEqual({ reason: 'invalid_response', detail })
    expect(message).toBe(
      `middy-secrets: no value for DB (dynamodb:parts/db/: invalid_response) [${detail}]. ${DATA_ADVICE}`,
    )
  })

  test('a partition whose sort attribute (a custom sortAttr) is a boolean on one item', async () => {
    const { error } = await fail({ N: { name: 'dynamodb:parts/named/', sortAttr: 'label' } })
    expect(error.failures.N).toEqual({
      reason: 'invalid_response',
      detail: `an item's sort attribute 'label' is a boolean (BOOL): ${TEXT}; true or false as text with transform: 'boolean'`,
    })
  })
})

describe('a key that does not fit the table: what to check, not a bug to report', () => {
  const schema = (table: string) =>
    `the entry does not fit the key schema of the table ${table} (aws dynamodb describe-table --table-name ${table}): keyAttr must be its partition key (default id), of type string (S)`
  const itemAdvice = (table: string, entry: string) =>
    `invalid_request: DynamoDB refused the request itself (HTTP 4xx): ${schema(table)}; an item entry reads a table keyed by the partition key alone: with a sort key, read the partition, ${entry}/.`
  const facts = '[ValidationException, HTTP 400, request id …]'

  test('the reported input: an item entry on a table with a sort key', async () => {
    const { error, message } = await fail({ HOST: 'dynamodb:parts/db' })
    expect(error.failures.HOST).toMatchObject({ reason: 'invalid_request', errorName: 'ValidationException' })
    expect(message).toBe(
      `middy-secrets: no value for HOST (dynamodb:parts/db: invalid_request) ${facts}. ${itemAdvice('parts', 'dynamodb:parts/db')}`,
    )
    expect(message).not.toContain('report it')
  })

  test('the reported input: a keyAttr that is not the partition key (the sort key)', async () => {
    const { message } = await fail({ HOST: { name: 'dynamodb:parts/db', keyAttr: 'sk' } })
    expect(message).toBe(
      `middy-secrets: no value for HOST (dynamodb:parts/db: invalid_request) ${facts}. ${itemAdvice('parts', 'dynamodb:parts/db')}`,
    )
  })

  test('the default keyAttr id on a table keyed by pk, for an item and for a partition', async () => {
    const item = await fail({ APP: 'dynamodb:by-pk/app' })
    expect(item.message).toBe(
      `middy-secrets: no value for APP (dynamodb:by-pk/app: invalid_request) ${facts}. ${itemAdvice('by-pk', 'dynamodb:by-pk/app')}`,
    )
    const partition = await fail({ ALL: 'dynamodb:by-pk/app/' })
    expect(partition.message).toBe(
      `middy-secrets: no value for ALL (dynamodb:by-pk/app/: invalid_request) ${facts}. invalid_request: DynamoDB refused the request itself (HTTP 4xx): ${schema('by-pk')}.`,
    )
  })

  test('a table whose partition key is a number', async () => {
    const { error, message } = await fail({ N: 'dynamodb:numbered/1' })
    expect(error.reasons).toEqual({ N: 'invalid_request' })
    expect(message).toContain(schema('numbered'))
  })

  test('with keyAttr: pk the same item is served', async () => {
    const mw = secrets({
      fetchData: { APP: { name: 'dynamodb:by-pk/app', keyAttr: 'pk' } },
      dynamodb: { awsClientOptions: d.db.clientOptions },
    })
    expect((await runBefore(mw)).req.context.APP).toBe('by-pk-value')
  })
})

test('every failure above carries only safe fields', async () => {
  const { error } = await fail({ A: 'dynamodb:cfg/map', B: 'dynamodb:parts/db' })
  const allowed = new Set(['reason', 'detail', 'errorName', 'httpStatus', 'requestId'])
  for (const failure of Object.values(error.failures) as FailureInfo[]) {
    for (const field of Object.keys(failure)) expect(allowed.has(field)).toBe(true)
  }
})
