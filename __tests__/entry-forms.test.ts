/**
 * The construction errors about an entry's form are right for every store: the hint lists every store's object-form
 * fields with what each applies to (taken from the registry, so a new store's fields appear by themselves), and a
 * field given to another store's entry names the field, what it applies to and the store that reads the entry.
 */
import { SecretsError, type Source, secrets } from '../src/index.js'
import { customKind } from '../src/sources/custom.js'
import type { StoreKind } from '../src/sources/kind.js'
import { objectForm, STORES } from '../src/sources/registry.js'

const vault: Source = { calls: 0, fetch: async () => {} }

const refusal = (fetchData: Record<string, unknown>, stores: Record<string, Source> = { vault }): string => {
  try {
    secrets({ fetchData: fetchData as Record<string, string>, stores, disablePrefetch: true })
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    expect((error as SecretsError).code).toBe('INVALID_OPTIONS')
    return (error as Error).message
  }
  throw new Error('accepted')
}

const OBJECT_FORM =
  '{ name, transform?, required?; for Parameter Store paths (names ending in /): recursive?; for Secrets Manager secrets: versionStage?; for DynamoDB entries (dynamodb:<table>/<id>): keyAttr?, sortAttr?, valueAttr? }'

describe('the form of an entry, for every store', () => {
  test('the reported input: an entry that is neither a string nor an object lists every store’s fields', () => {
    expect(refusal({ K: 42 })).toBe(
      `middy-secrets: fetchData.K must be a string (a Parameter Store name, ARN or path, or an entry starting secretsmanager:, appconfig:, dynamodb: or vault:) or ${OBJECT_FORM}`,
    )
  })

  test.each([
    ['a number', 42],
    ['null', null],
    ['a boolean', true],
    ['an array', ['/x']],
    ['a function', () => '/x'],
  ])('%s is refused with the same hint', (_, value) => {
    // Without a store of the user's, the prefixes are the built-in ones.
    expect(refusal({ K: value }, {})).toBe(
      `middy-secrets: fetchData.K must be a string (a Parameter Store name, ARN or path, or an entry starting secretsmanager:, appconfig: or dynamodb:) or ${OBJECT_FORM}`,
    )
  })

  test('an object without a name shows the object form', () => {
    expect(refusal({ K: { transform: 'json' } })).toBe(
      `middy-secrets: fetchData.K.name must be a string: the object form is ${OBJECT_FORM}`,
    )
  })

  test.each([
    ['versionstage', 'secretsmanager:prod/db', " (did you mean 'versionStage'?)"],
    ['Name', '/x', " (did you mean 'name'?)"],
    ['valueAttribute', 'dynamodb:config/app', ''],
    ['sortattr', 'dynamodb:config/db/', " (did you mean 'sortAttr'?)"],
    ['recursiv', '/x/', " (did you mean 'recursive'?)"],
    ['mount', 'vault:x', ''],
  ])('an unknown field %s (on %s) is named, with the field meant and the object form', (field, name, meant) => {
    expect(refusal({ K: { name, [field]: 'v' } })).toBe(
      `middy-secrets: fetchData.K has an unknown field '${field}'${meant}: the object form is ${OBJECT_FORM}`,
    )
  })

  // Each entry × each field another store reads: the field, what it applies to, and who reads the entry.
  const APPLIES = {
    recursive: 'Parameter Store paths (names ending in /)',
    versionStage: 'Secrets Manager secrets',
    keyAttr: 'DynamoDB entries (dynamodb:<table>/<id>)',
    sortAttr: 'DynamoDB entries (dynamodb:<table>/<id>)',
    valueAttr: 'DynamoDB entries (dynamodb:<table>/<id>)',
  } as const
  const ENTRIES = [
    ['/app/token', 'Parameter Store', ['recursive']],
    ['/app/db/', 'Parameter Store', ['recursive']],
    ['arn:aws:ssm:us-east-1:123456789012:parameter/app/token', 'Parameter Store', ['recursive']],
    ['secretsmanager:prod/db', 'Secrets Manager', ['versionStage']],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf', 'Secrets Manager', ['versionStage']],
    ['appconfig:shop/prod/flags', 'AppConfig', []],
    ['dynamodb:config/app', 'DynamoDB', ['keyAttr', 'sortAttr', 'valueAttr']],
    ['dynamodb:config/db/', 'DynamoDB', ['keyAttr', 'sortAttr', 'valueAttr']],
    ['vault:bots/token', 'the vault store', []],
    ['vault:bots/', 'the vault store', []],
  ] as const
  const cases = ENTRIES.flatMap(([name, reader, own]) =>
    (Object.keys(APPLIES) as (keyof typeof APPLIES)[])
      .filter((field) => !(own as readonly string[]).includes(field))
      .map((field) => [name, field, reader] as const),
  )
  test.each(cases)(
    '%s with %s: names the field, what it applies to and the store reading the entry',
    (name, field, reader) => {
      const value = field === 'recursive' ? false : 'v'
      expect(refusal({ K: { name, [field]: value } })).toBe(
        `middy-secrets: fetchData.K.${field} applies to ${APPLIES[field]} only (this entry is read by ${reader})`,
      )
    },
  )

  test("a field of the entry's own store that does not fit its kind says so", () => {
    expect(refusal({ K: { name: '/app/token', recursive: false } })).toBe(
      'middy-secrets: fetchData.K.recursive applies to Parameter Store paths (names ending in /) only',
    )
    expect(refusal({ K: { name: 'dynamodb:config/app', sortAttr: 'sk' } })).toBe(
      'middy-secrets: fetchData.K.sortAttr applies to partitions (dynamodb:<table>/<id>/) only',
    )
  })
})

describe('the object form comes from the registry', () => {
  test("every built-in store's fields are in it, with what they apply to", () => {
    const form = objectForm()
    for (const kind of STORES) {
      for (const [field, scope] of Object.entries(kind.fields ?? {})) {
        expect(form).toContain(`for ${scope}: `)
        expect(form).toMatch(new RegExp(`for ${scope.replace(/[()<>/]/g, '\\$&')}: [^;]*\\b${field}\\?`))
      }
    }
  })

  test("a store's fields appear by themselves, grouped by what they apply to", () => {
    const withFields: StoreKind = {
      ...customKind('vault', vault),
      fields: { mount: 'vault entries', engine: 'vault entries', ttl: 'vault leases' },
    }
    expect(objectForm([withFields])).toBe(
      `${OBJECT_FORM.slice(0, -2)}; for vault entries: mount?, engine?; for vault leases: ttl? }`,
    )
  })
})
