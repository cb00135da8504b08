import type { AttributeValue, BatchGetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb'
import type { Classify } from '../../classify.js'
import type { FailureInfo, Reason } from '../../errors.js'
import type { AwsClientLike } from '../../types.js'
import { type Answer, INVALID_RESPONSE, isObject, NOT_FOUND, type Page, readPages } from '../answers.js'
import type { DynamoDbRef } from '../dynamodb.js'
import type { Outcome, Source } from '../source.js'

/** AWS's limit on keys in one BatchGetItem call, across its tables. */
export const BATCH_KEYS = 100
/**
 * Pages of one partition per round. A Query page holds up to 1 MB, so this bounds a partition at 10 MB — far more
 * than any configuration — and a store that keeps answering with a `LastEvaluatedKey` (or repeats one) ends the
 * partition's fetch with `invalid_response` instead of calling forever.
 */
export const MAX_PAGES = 10
/**
 * Retries of the keys a BatchGetItem answer leaves in `UnprocessedKeys` (DynamoDB's partial throttling), within
 * the round, after 0–50, 0–100, 0–200 ms (full jitter). Keys still unprocessed after them are `throttled`.
 */
export const UNPROCESSED_RETRIES = 3
const RETRY_BASE_MS = 50

/** What the source needs of `@aws-sdk/client-dynamodb`: loaded on first use, never at import. */
export interface DynamoDbModule {
  BatchGetItemCommand: typeof BatchGetItemCommand
  QueryCommand: typeof QueryCommand
}

export interface DynamoDbSourceOptions {
  /** Strongly consistent reads: twice the read capacity of the default, eventually consistent, reads. */
  readonly consistentRead: boolean
  /** In [0, 1): the backoff's jitter. */
  readonly random: () => number
}

type Attrs = Answer

const UNPROCESSED: FailureInfo = {
  reason: 'throttled',
  detail: `DynamoDB left the item unprocessed (UnprocessedKeys) after ${UNPROCESSED_RETRIES} retries`,
}

/** An attribute as text: a string, or a number in DynamoDB's own decimal text; else undefined. */
const textOf = (value: unknown): string | undefined => {
  if (!isObject(value)) return undefined
  if (typeof value.S === 'string') return value.S
  if (typeof value.N === 'string') return value.N
  return undefined
}

// DynamoDB's attribute types other than S and N, as the SDK names the one member it sets, and how such a value is
// stored as text instead.
const OTHER_TYPES: Readonly<Record<string, readonly [string, string]>> = {
  M: ['a map', "JSON as text with transform: 'json'"],
  L: ['a list', "JSON as text with transform: 'json'"],
  BOOL: ['a boolean', "true or false as text with transform: 'boolean'"],
  NULL: ['null', ''],
  B: ['a binary', 'binary data as base64 text'],
  SS: ['a string set', "a list as comma-separated text with transform: 'stringList'"],
  NS: ['a number set', "a list as comma-separated text with transform: 'stringList'"],
  BS: ['a binary set', 'binary data as base64 text'],
}

/** An attribute name as a message shows it: quoted, and cut short (an attribute name may be 64 KB). */
const attrName = (name: string): string => `'${name.length <= 64 ? name : `${name.slice(0, 64)}…`}'`

/**
 * The failure for an attribute that holds a type this package does not serve: its name and type, never its content
 * (`the item's value attribute 'value' is a map (M): …`). The store answered well, the data is what to change; an
 * attribute of no DynamoDB type at all is a malformed answer.
 */
const unusable = (what: string, name: string, value: unknown): Outcome => {
  const type = isObject(value) ? Object.keys(OTHER_TYPES).find((t) => value[t] !== undefined) : undefined
  if (type === undefined) return INVALID_RESPONSE
  const [words, instead] = OTHER_TYPES[type] as readonly [string, string]
  const detail = `${what} ${attrName(name)} is ${words} (${type}): store text (S) or a number (N)${instead ? `; ${instead}` : ''}`
  return { ok: false, failure: { reason: 'invalid_response', detail } }
}

/** One item to read: the references that read it (with other value attributes, perhaps) share one key. */
interface Wanted {
  readonly id: string
  readonly table: string
  readonly keyAttr: string
  readonly key: string
  readonly refs: DynamoDbRef[]
}

// A reference answered by an item: a value attribute that is missing is "not there", one of another type
// (a map, a binary, a set) is not a configuration value.
const outcomeOf = (item: Attrs, valueAttr: string): Outcome => {
  const value = item[valueAttr]
  if (value === undefined) return NOT_FOUND
  const text = textOf(value)
  return text === undefined ? unusable("the item's value attribute", valueAttr, value) : { ok: true, raw: text }
}

/** A call refused for one table, or one key, of several: each table (then each key) gets its own call. */
const REFUSALS = new Set<Reason>(['access_denied', 'invalid_request', 'not_found'])

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    timer.unref?.()
    signal.addEventListener('abort', done, { once: true })
  })

const byTable = (items: readonly Wanted[]): Map<string, Wanted[]> => {
  const groups = new Map<string, Wanted[]>()
  for (const item of items) {
    const group = groups.get(item.table)
    if (group) group.push(item)
    else groups.set(item.table, [item])
  }
  return groups
}

/**
 * Matches one BatchGetItem answer to exactly the items of its call, by table and key attribute; a duplicate or an
 * unasked-for item is ignored. Returns the items found and those DynamoDB left unprocessed; an item in neither does
 * not exist. A malformed answer fails the whole call (undefined).
 */
const matchBatch = (
  items: readonly Wanted[],
  result: unknown,
): { found: Map<string, Attrs>; unprocessed: Set<string> } | undefined => {
  if (!isObject(result)) return undefined
  const { Responses = {}, UnprocessedKeys = {} } = result
  if (!isObject(Responses) || !isObject(UnprocessedKeys)) return undefined
  const index = new Map<string, Wanted>()
  for (const item of items) index.set(`${item.table}\u0000${item.keyAttr}\u0000${item.key}`, item)
  const keyAttrs = new Map<string, Set<string>>()
  for (const item of items) {
    const set = keyAttrs.get(item.table) ?? new Set()
    set.add(item.keyAttr)
    keyAttrs.set(item.table, set)
  }
  const lookup = (table: string, attrs: Attrs): Wanted | undefined => {
    for (const keyAttr of keyAttrs.get(table) ?? []) {
      const key = attrs[keyAttr]
      if (isObject(key) && typeof key.S === 'string') {
        const item = index.get(`${table}\u0000${keyAttr}\u0000${key.S}`)
        if (item) return item
      }
    }
    return undefined
  }
  const found = new Map<string, Attrs>()
  for (const [table, list] of Object.entries(Responses)) {
    if (!Array.isArray(list)) return undefined
    for (const attrs of list) {
      if (!isObject(attrs)) return undefined
      const item = lookup(table, attrs)
      if (item && !found.has(item.id)) found.set(item.id, attrs)
    }
  }
  const unprocessed = new Set<string>()
  for (const [table, request] of Object.entries(UnprocessedKeys)) {
    const keys = isObject(request) ? request.Keys : undefined
    if (!Array.isArray(keys)) return undefined
    for (const key of keys) {
      if (!isObject(key)) return undefined
      const item = lookup(table, key)
      if (item && !found.has(item.id)) unprocessed.add(item.id)
    }
  }
  return { found, unprocessed }
}

/**
 * The DynamoDB source: single items in BatchGetItem calls of up to 100 keys across tables, every call of a round at
 * once, the keys a call leaves unprocessed retried within the round; partitions paged through Query. A call refused
 * because of one table (missing, or not readable) or one key (a `dynamodb:LeadingKeys` condition, a key that does
 * not fit the table's schema) is split at once, by table and then by key, so every readable item is served and each
 * gets its own verdict; what was refused is asked for apart in later rounds.
 */
export class DynamoDbSource implements Source<DynamoDbRef> {
  calls = 0
  /** Tables (`t:<table>`) and items (`i:<id>`) refused in a shared call: asked for in calls of their own. */
  private readonly apart = new Set<string>()

  constructor(
    private readonly client: AwsClientLike,
    private readonly sdk: DynamoDbModule,
    private readonly options: DynamoDbSourceOptions,
    private readonly classify: Classify,
  ) {}

  async fetch(refs: readonly DynamoDbRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    const tasks: Promise<void>[] = []
    const items = new Map<string, Wanted>()
    for (const ref of refs) {
      if (ref.kind === 'path') {
        tasks.push(this.fetchPartition(ref, signal, out))
        continue
      }
      // DynamoDB refuses a BatchGetItem that names one key twice: one key per item, however many keys read it.
      const id = `${ref.table}\u0000${ref.keyAttr}\u0000${ref.key}`
      const item = items.get(id)
      if (item) item.refs.push(ref)
      else items.set(id, { id, table: ref.table, keyAttr: ref.keyAttr, key: ref.key, refs: [ref] })
    }
    const shared: Wanted[] = []
    const ownTable = new Map<string, Wanted[]>()
    for (const item of items.values()) {
      if (this.apart.has(`i:${item.id}`)) tasks.push(this.fetchBatch([item], signal, out))
      else if (this.apart.has(`t:${item.table}`)) {
        const group = ownTable.get(item.table)
        if (group) group.push(item)
        else ownTable.set(item.table, [item])
      } else shared.push(item)
    }
    for (const group of [shared, ...ownTable.values()]) {
      for (let i = 0; i < group.length; i += BATCH_KEYS) {
        tasks.push(this.fetchBatch(group.slice(i, i + BATCH_KEYS), signal, out))
      }
    }
    await Promise.all(tasks)
  }

  private async send(command: unknown, signal: AbortSignal): Promise<unknown> {
    this.calls++
    return await this.client.send(command, { abortSignal: signal })
  }

  private requestOf(items: readonly Wanted[]) {
    const request: Record<string, { Keys: Record<string, AttributeValue>[]; ConsistentRead?: boolean }> = {}
    for (const [table, group] of byTable(items)) {
      request[table] = {
        Keys: group.map((item) => ({ [item.keyAttr]: { S: item.key } })),
        ...(this.options.consistentRead ? { ConsistentRead: true } : {}),
      }
    }
    return request
  }

  private settle(items: readonly Wanted[], out: Map<string, Outcome>, outcome: (item: Wanted) => Outcome[]): void {
    for (const item of items) {
      const outcomes = outcome(item)
      for (const [i, ref] of item.refs.entries()) out.set(ref.id, outcomes[i] ?? (outcomes[0] as Outcome))
    }
  }

  private async fetchBatch(items: Wanted[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    let pending = items
    for (let attempt = 0; ; attempt++) {
      let result: unknown
      try {
        result = await this.send(new this.sdk.BatchGetItemCommand({ RequestItems: this.requestOf(pending) }), signal)
      } catch (error) {
        const failure = this.classify(error)
        if (REFUSALS.has(failure.reason) && !signal.aborted) {
          const tables = byTable(pending)
          if (tables.size > 1) {
            // DynamoDB refuses the whole call for one missing or unreadable table: the others are not answered yet.
            await Promise.all([...tables.values()].map((group) => this.fetchBatch(group, signal, out)))
            return
          }
          const [table] = tables.keys()
          this.apart.add(`t:${table}`)
          // Within one table, a LeadingKeys condition or a key that does not fit the schema refuses all the keys.
          if (failure.reason !== 'not_found' && pending.length > 1) {
            await Promise.all(pending.map((item) => this.fetchBatch([item], signal, out)))
            return
          }
          if (failure.reason !== 'not_found') this.apart.add(`i:${pending[0]!.id}`)
        }
        this.settle(pending, out, () => [{ ok: false, failure }])
        return
      }
      const answer = matchBatch(pending, result)
      if (answer === undefined) {
        this.settle(pending, out, () => [INVALID_RESPONSE])
        return
      }
      if (pending.length === 1) this.apart.delete(`i:${pending[0]!.id}`)
      if (byTable(pending).size === 1) this.apart.delete(`t:${pending[0]!.table}`)
      const done = pending.filter((item) => !answer.unprocessed.has(item.id))
      this.settle(done, out, (item) => {
        const attrs = answer.found.get(item.id)
        return attrs === undefined ? [NOT_FOUND] : item.refs.map((ref) => outcomeOf(attrs, ref.valueAttr))
      })
      pending = pending.filter((item) => answer.unprocessed.has(item.id))
      if (pending.length === 0) return
      // Until a retry answers them, these keys count as throttled: a round that times out keeps that verdict.
      this.settle(pending, out, () => [{ ok: false, failure: UNPROCESSED }])
      if (attempt === UNPROCESSED_RETRIES || signal.aborted) return
      await sleep(this.options.random() * RETRY_BASE_MS * 2 ** attempt, signal)
      if (signal.aborted) return
    }
  }

  private async fetchPartition(ref: DynamoDbRef, signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    // An item whose sort or value attribute has a type this package does not serve fails the partition, saying so.
    let bad: Outcome | undefined
    const page = async (start: Attrs | undefined): Promise<Page<Attrs> | undefined> => {
      const result = await this.send(
        new this.sdk.QueryCommand({
          TableName: ref.table,
          KeyConditionExpression: '#k = :k',
          ExpressionAttributeNames: { '#k': ref.keyAttr },
          ExpressionAttributeValues: { ':k': { S: ref.key } },
          ...(this.options.consistentRead ? { ConsistentRead: true } : {}),
          // Sent back as the store gave it: its shape was checked to be an object, its content is the store's.
          ...(start ? { ExclusiveStartKey: start as Record<string, AttributeValue> } : {}),
        }),
        signal,
      )
      const items = isObject(result) ? result.Items : undefined
      const next = isObject(result) ? result.LastEvaluatedKey : undefined
      if (!Array.isArray(items) || (next !== undefined && !isObject(next))) return undefined
      const values: [string, string][] = []
      for (const item of items) {
        // An item of another partition is not an answer to this query.
        if (!isObject(item) || textOf(item[ref.keyAttr]) !== ref.key) return undefined
        const sort = item[ref.sortAttr]
        const value = item[ref.valueAttr]
        // An item without a sort or value attribute (a marker, another kind of record) is not one of the values.
        if (sort === undefined || value === undefined) continue
        const name = textOf(sort)
        const text = textOf(value)
        if (name === undefined || text === undefined) {
          bad =
            name === undefined
              ? unusable("an item's sort attribute", ref.sortAttr, sort)
              : unusable("an item's value attribute", ref.valueAttr, value)
          return undefined
        }
        values.push([name, text])
      }
      return { values, next }
    }
    try {
      const outcome = await readPages(MAX_PAGES, page, (key) => JSON.stringify(key))
      out.set(ref.id, bad ?? outcome)
    } catch (error) {
      out.set(ref.id, { ok: false, failure: this.classify(error) })
    }
  }
}
