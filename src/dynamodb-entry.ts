/**
 * How a `dynamodb:` entry is written and checked at construction. Kept apart from the source (src/dynamodb.ts),
 * which loads only when a map names DynamoDB: validation runs when `secrets()` is called, the client much later.
 */

/** The prefix that sends an entry to DynamoDB. */
export const DYNAMODB = 'dynamodb:'

/** Attribute names Powertools' DynamoDBProvider reads by default: `id`, `sk`, `value`. */
export const DYNAMODB_DEFAULTS = { keyAttr: 'id', sortAttr: 'sk', valueAttr: 'value' } as const

/** What one DynamoDB entry reads: an item's value attribute, or every item of a partition. */
export interface DynamoDbTarget {
  readonly table: string
  /** The partition key's value (a string: the `S` type). */
  readonly key: string
  /** `dynamodb:<table>/<id>/`: every item of the partition, keyed by the sort attribute. */
  readonly partition: boolean
  readonly keyAttr: string
  readonly sortAttr: string
  readonly valueAttr: string
}

/** The entry fields only DynamoDB entries take. */
export const DYNAMODB_FIELDS = ['keyAttr', 'sortAttr', 'valueAttr'] as const
export type DynamoDbFields = Partial<Record<(typeof DYNAMODB_FIELDS)[number], unknown>>

// DynamoDB's own rules: a table name is 3–255 of a-z A-Z 0-9 _ . -; a key attribute name 1–255 bytes, any other
// attribute name up to 64 KB; a string partition key value 1–2048 bytes (UTF-8).
const TABLE = /^[a-zA-Z0-9_.-]{3,255}$/
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

const attribute = (value: unknown, field: string, max: number, fallback: string): string => {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || value.length === 0 || bytes(value) > max) {
    throw new Error(`has a ${field} that is not an attribute name (1–${max} bytes)`)
  }
  return value
}

/**
 * Parses `dynamodb:<table>/<id>` (one item) or `dynamodb:<table>/<id>/` (its partition) and the attribute names
 * of the object form. Throws a plain Error describing the problem; the caller adds the key. The id is everything
 * after the table's slash, so it may hold slashes of its own (`dynamodb:config/app/db` reads the item `app/db`).
 */
export const parseDynamoDb = (rest: string, fields: DynamoDbFields = {}): DynamoDbTarget => {
  const slash = rest.indexOf('/')
  const table = slash === -1 ? rest : rest.slice(0, slash)
  if (!TABLE.test(table)) {
    throw new Error('has a table name that DynamoDB refuses (3–255 of a-z A-Z 0-9 _ . -)')
  }
  if (slash === -1)
    throw new Error('names no item: write dynamodb:<table>/<id>, or dynamodb:<table>/<id>/ for a partition')
  const partition = rest.endsWith('/')
  const key = rest.slice(slash + 1, partition ? -1 : undefined)
  if (key.length === 0) throw new Error('has an empty id: write dynamodb:<table>/<id>')
  if (bytes(key) > 2048) throw new Error('has an id longer than a partition key may be (2048 bytes)')
  if (!partition && fields.sortAttr !== undefined) {
    throw new Error('has a sortAttr, which applies to partitions (dynamodb:<table>/<id>/) only')
  }
  return {
    table,
    key,
    partition,
    keyAttr: attribute(fields.keyAttr, 'keyAttr', 255, DYNAMODB_DEFAULTS.keyAttr),
    sortAttr: attribute(fields.sortAttr, 'sortAttr', 255, DYNAMODB_DEFAULTS.sortAttr),
    valueAttr: attribute(fields.valueAttr, 'valueAttr', 65_535, DYNAMODB_DEFAULTS.valueAttr),
  }
}

/**
 * The reference id of a target: what identifies one fetch. Two keys reading the same item with the same
 * attribute names share it; other attribute names make another reference (the item is still asked for once).
 */
export const dynamoDbId = (t: DynamoDbTarget): string => {
  const base = `${DYNAMODB}${t.table}/${t.key}${t.partition ? '/' : ''}`
  const d = DYNAMODB_DEFAULTS
  if (t.keyAttr === d.keyAttr && t.sortAttr === d.sortAttr && t.valueAttr === d.valueAttr) return base
  return `${base} ${JSON.stringify([t.keyAttr, t.partition ? t.sortAttr : '', t.valueAttr])}`
}
