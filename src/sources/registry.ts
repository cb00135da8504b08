import { meant } from '../meant.js'
import type { ResolvedOptions } from '../options.js'
import { storePrefix } from '../parameter.js'
import { appConfigKind } from './appconfig.js'
import { dynamoDbKind } from './dynamodb.js'
import { SpecError, type SpecFields, type StoreKind } from './kind.js'
import { secretsManagerKind } from './secrets-manager.js'
import type { Outcome, Source, SourceRef } from './source.js'
import { ssmKind } from './ssm.js'

/**
 * Every built-in store, one line each. Parameter Store is the default: it takes every entry no other store
 * recognises, so it is asked last. A new store adds its own files under src/sources/ and one line here.
 */
export const STORES: readonly StoreKind[] = [secretsManagerKind, appConfigKind, dynamoDbKind, ssmKind]

/** The built-in store of that name, or undefined for a user's store. */
export const builtInStore = (store: string): StoreKind | undefined => STORES.find((kind) => kind.store === store)

/** The object-form fields some store reads, beyond `name`, `transform` and `required`. */
export const storeFields = (kinds: readonly StoreKind[] = STORES): ReadonlySet<string> =>
  new Set(kinds.flatMap((kind) => Object.keys(kind.fields ?? {})))

const reads = (kind: StoreKind, field: string): boolean =>
  kind.fields !== undefined && Object.hasOwn(kind.fields, field)

const ordered = (custom: readonly StoreKind[]): StoreKind[] => [
  ssmKind,
  ...STORES.filter((kind) => kind !== ssmKind),
  ...custom,
]

/**
 * The object form of an entry, for messages: `{ name, transform?, required?; for <what>: <field>?, … }`, each
 * store's fields with what they apply to, from each kind's `fields` (a new store's appear here by themselves).
 */
export const objectForm = (custom: readonly StoreKind[] = []): string => {
  const byScope = new Map<string, string[]>()
  for (const kind of ordered(custom)) {
    for (const [field, scope] of Object.entries(kind.fields ?? {})) {
      byScope.set(scope, [...(byScope.get(scope) ?? []), `${field}?`])
    }
  }
  const fields = [...byScope].map(([scope, names]) => `; for ${scope}: ${names.join(', ')}`).join('')
  return `{ name, transform?, required?${fields} }`
}

/** Every form an entry may take, for messages: the string forms by store prefix, and the {@link objectForm}. */
export const entryForms = (custom: readonly StoreKind[] = []): string => {
  const prefixes = ordered(custom).flatMap((kind) => (kind.prefix === undefined ? [] : [kind.prefix]))
  const last = prefixes.pop()
  return `a string (a ${ssmKind.title} name, ARN or path, or an entry starting ${prefixes.join(', ')} or ${last}) or ${objectForm(custom)}`
}

/** The store kind that owns an entry: a user's store first, then the built-in ones. */
export const kindOf = (input: string, custom: readonly StoreKind[] = []): StoreKind => {
  for (const kind of custom) if (kind.recognises(input)) return kind
  for (const kind of STORES) if (kind !== ssmKind && kind.recognises(input)) return kind
  const prefixed = [...custom, ...STORES].filter((kind) => kind.prefix !== undefined)
  const words = prefixed.map((kind) => (kind.prefix as string).slice(0, -1))
  const prefix = storePrefix(input, words)
  if (prefix !== undefined) {
    const known = prefixed.map((kind) => `${kind.prefix} for ${kind.title}`).join(', ')
    const guess = meant(prefix, words)
    throw new Error(
      `starts with '${prefix}:', which is not a prefix this package knows${guess === undefined ? '' : `: did you mean '${guess}:'?`} (known: ${known}; a Parameter Store name takes no prefix)`,
    )
  }
  return ssmKind
}

/**
 * Parses one entry with the store that owns it. `fields` are the object form's extra fields that were given;
 * one that belongs to another store is refused, naming what it applies to. `settings` are the stores' own
 * options' settings by store name (`{ secretsmanager: { batch: true } }`). Throws a {@link SpecError} about a
 * field, or a plain Error about the name.
 */
export const parseEntry = (
  input: string,
  fields: SpecFields,
  custom: readonly StoreKind[] = [],
  settings: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
): SourceRef => {
  if (typeof input !== 'string' || input.length === 0) throw new Error('the parameter name is empty')
  const kind = kindOf(input, custom)
  for (const field of Object.keys(fields)) {
    if (reads(kind, field)) continue
    const owner = [...STORES, ...custom].find((other) => reads(other, field))
    throw new SpecError(
      field,
      owner
        ? `applies to ${owner.fields?.[field]} only (this entry is read by ${kind.title})`
        : `is not read by ${kind.title}`,
    )
  }
  return kind.parse(input, fields, settings[kind.store] ?? {})
}

/** Sends each reference to the source of its store, all at once. */
class CompositeSource implements Source {
  constructor(private readonly sources: ReadonlyMap<string, Source>) {}

  get calls(): number {
    let calls = 0
    for (const source of this.sources.values()) calls += source.calls
    return calls
  }

  async fetch(refs: readonly SourceRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    const byStore = new Map<string, SourceRef[]>()
    for (const ref of refs) {
      const list = byStore.get(ref.store)
      if (list) list.push(ref)
      else byStore.set(ref.store, [ref])
    }
    await Promise.all([...byStore].map(([store, list]) => this.sources.get(store)?.fetch(list, signal, out)))
  }
}

/** The source for a map: one per store it names, each loading on its first fetch. */
export const createSource = (opts: ResolvedOptions): Source => {
  const kinds = [...opts.customStores, ...STORES]
  const sources = new Map<string, Source>()
  for (const { ref } of opts.entries) {
    if (sources.has(ref.store)) continue
    const kind = kinds.find((candidate) => candidate.store === ref.store) as StoreKind
    sources.set(ref.store, kind.source(opts, opts.storeOptions[kind.store] as never))
  }
  return sources.size === 1 ? (sources.values().next().value as Source) : new CompositeSource(sources)
}
