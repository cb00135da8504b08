import { classifyError } from '../classify.js'
import type { StoreKind } from './kind.js'
import { SpecError, type SpecFields } from './kind.js'
import { type ClientClass, createClient, LazySource, loadSdk, once, start, thenOrNow } from './lazy.js'
import type { SourceRef } from './source.js'
import type { DynamoDbModule } from './stores/dynamodb.js'

/** The prefix that sends an entry to DynamoDB. */
export const DYNAMODB = 'dynamodb:'
const SDK = '@aws-sdk/client-dynamodb'

/** Attribute names Powertools' DynamoDBProvider reads by default: `id`, `sk`, `value`. */
export const DYNAMODB_DEFAULTS = { keyAttr: 'id', sortAttr: 'sk', valueAttr: 'value' } as const

/**
 * What one DynamoDB entry reads: `dynamodb:<table>/<id>`, the value attribute of the item whose partition key is
 * `<id>` (kind `item`), or `dynamodb:<table>/<id>/`, every item of that partition keyed by its sort attribute
 * (kind `path`: an object, as an SSM path is).
 */
export interface DynamoDbRef extends SourceRef {
  readonly store: 'dynamodb'
  readonly kind: 'item' | 'path'
  readonly table: string
  /** The partition key's value (a string: the `S` type). */
  readonly key: string
  readonly keyAttr: string
  readonly sortAttr: string
  readonly valueAttr: string
}

// DynamoDB's own rules: a table name is 3–255 of a-z A-Z 0-9 _ . -; a key attribute name 1–255 bytes, any other
// attribute name up to 64 KB; a string partition key value 1–2048 bytes (UTF-8).
const TABLE = /^[a-zA-Z0-9_.-]{3,255}$/
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

const attribute = (fields: SpecFields, field: keyof typeof DYNAMODB_DEFAULTS, max: number): string => {
  const value = fields[field]
  if (value === undefined) return DYNAMODB_DEFAULTS[field]
  if (typeof value !== 'string' || value.length === 0 || bytes(value) > max) {
    throw new SpecError(field, `must be an attribute name (a string of 1–${max} bytes)`)
  }
  return value
}

/**
 * Parses `dynamodb:<table>/<id>` or `dynamodb:<table>/<id>/` and the attribute names of the object form. The id is
 * everything after the table's slash, so it may hold slashes (`dynamodb:config/app/db` reads the item `app/db`).
 */
export const parseDynamoDb = (input: string, fields: SpecFields): DynamoDbRef => {
  const rest = input.slice(DYNAMODB.length)
  const slash = rest.indexOf('/')
  const table = slash === -1 ? rest : rest.slice(0, slash)
  if (!TABLE.test(table)) throw new Error('has a table name DynamoDB refuses (3–255 of a-z A-Z 0-9 _ . -)')
  if (slash === -1) {
    throw new Error('names no item: write dynamodb:<table>/<id>, or dynamodb:<table>/<id>/ for a partition')
  }
  const partition = rest.endsWith('/')
  const key = rest.slice(slash + 1, partition ? -1 : undefined)
  if (key.length === 0) throw new Error('has an empty id: write dynamodb:<table>/<id>')
  if (bytes(key) > 2048) throw new Error('has an id longer than a partition key may be (2048 bytes)')
  if (!partition && fields.sortAttr !== undefined) {
    throw new SpecError('sortAttr', 'applies to partitions (dynamodb:<table>/<id>/) only')
  }
  const keyAttr = attribute(fields, 'keyAttr', 255)
  const sortAttr = attribute(fields, 'sortAttr', 255)
  const valueAttr = attribute(fields, 'valueAttr', 65_535)
  const d = DYNAMODB_DEFAULTS
  // Other attribute names make another reference: the same item, another value (it is still asked for once).
  const custom = keyAttr !== d.keyAttr || sortAttr !== d.sortAttr || valueAttr !== d.valueAttr
  return {
    store: 'dynamodb',
    kind: partition ? 'path' : 'item',
    id: custom ? `${input} ${JSON.stringify([keyAttr, partition ? sortAttr : '', valueAttr])}` : input,
    name: rest,
    entry: input,
    pinned: false,
    table,
    key,
    keyAttr,
    sortAttr,
    valueAttr,
  }
}

const modules = once(async () => {
  const [{ DynamoDbSource }, sdk] = await Promise.all([
    import('./stores/dynamodb.js'),
    loadSdk(() => import(SDK) as Promise<DynamoDbModule & { DynamoDBClient: ClientClass }>, SDK),
  ])
  return { DynamoDbSource, sdk }
})

const APPLIES = 'DynamoDB entries (dynamodb:<table>/<id>)'

/**
 * DynamoDB: `dynamodb:<table>/<id>` and `dynamodb:<table>/<id>/`, with `keyAttr`, `sortAttr` and `valueAttr` in the
 * object form (Powertools' DynamoDBProvider's names and defaults) and `dynamodb: { consistentRead }`.
 */
export const dynamoDbKind: StoreKind = {
  store: 'dynamodb',
  title: 'DynamoDB',
  aws: {
    actions: (ref) => (ref.kind === 'path' ? 'dynamodb:Query' : 'dynamodb:BatchGetItem'),
    missing: (ref) =>
      ref.kind === 'path'
        ? 'put items in the partition, or fix the table, the id or keyAttr'
        : 'put the item, or fix the table, the id, keyAttr or valueAttr',
    // DynamoDB says only that the key does not fit the table's schema (ValidationException): every way it may not.
    invalidRequest: (ref) => {
      const { table, kind, entry } = ref as DynamoDbRef
      const schema = `the entry does not fit the key schema of the table ${table} (aws dynamodb describe-table --table-name ${table}): keyAttr must be its partition key (default id), of type string (S)`
      return kind === 'path'
        ? schema
        : `${schema}; an item entry reads a table keyed by the partition key alone: with a sort key, read the partition, ${entry}/`
    },
    quota: "raise the table's read capacity (or make it on-demand)",
    endpoint: 'dynamodb',
  },
  prefix: DYNAMODB,
  recognises: (input) => input.startsWith(DYNAMODB),
  parse: parseDynamoDb,
  fields: { keyAttr: APPLIES, sortAttr: APPLIES, valueAttr: APPLIES },
  option: { name: 'dynamodb', settings: { consistentRead: 'boolean' } },
  sdk: SDK,
  source: (opts, settings) => {
    start(modules)
    return new LazySource(
      () =>
        thenOrNow(modules(), ({ DynamoDbSource, sdk }) => {
          const Client = settings.AwsClient ?? sdk.DynamoDBClient
          const client = createClient(Client, settings.awsClientOptions, opts, dynamoDbKind.title)
          return new DynamoDbSource(
            client,
            sdk,
            {
              consistentRead: settings.settings.consistentRead === true,
              random: () => opts.clock.random(),
            },
            classifyError,
          )
        }),
      dynamoDbKind.title,
      'stores/dynamodb.js',
    )
  },
}
