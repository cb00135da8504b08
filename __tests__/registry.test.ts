import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { resolveOptions } from '../src/options.js'
import { customKind } from '../src/sources/custom.js'
import { SpecError } from '../src/sources/kind.js'
import { kindOf, parseEntry, STORES, storeFields } from '../src/sources/registry.js'

describe('the registry', () => {
  test('each entry goes to the store that recognises it; Parameter Store takes the rest', () => {
    expect(kindOf('secretsmanager:prod/db').store).toBe('secretsmanager')
    expect(kindOf('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf').store).toBe('secretsmanager')
    expect(kindOf('/bots/token').store).toBe('ssm')
    expect(kindOf('arn:aws:ssm:us-east-1:123456789012:parameter/bots/token').store).toBe('ssm')
    expect(kindOf('/shared/flags:prod').store).toBe('ssm')
    // Parameter Store is asked last, whatever the order of the list.
    expect(STORES.at(-1)?.store).toBe('ssm')
  })

  test("a user's store is asked first, and known prefixes in a refusal include it", () => {
    const vault = customKind('vault', { calls: 0, fetch: async () => {} })
    expect(kindOf('vault:bots/token', [vault]).store).toBe('vault')
    expect(() => kindOf('vault:bots/token')).toThrow(
      "starts with 'vault:', which is not a prefix this package knows (known: secretsmanager: for Secrets Manager, appconfig: for AppConfig, dynamodb: for DynamoDB; a Parameter Store name takes no prefix)",
    )
    expect(parseEntry('vault:bots/token', {}, [vault])).toEqual({
      store: 'vault',
      kind: 'name',
      id: 'vault:bots/token',
      name: 'bots/token',
      entry: 'vault:bots/token',
      pinned: false,
    })
  })

  test('the object-form fields are the ones stores declare; one of another store is refused naming its owner', () => {
    expect([...storeFields()]).toEqual(expect.arrayContaining(['recursive', 'versionStage']))
    const refusal = (run: () => unknown): SpecError => {
      try {
        run()
      } catch (error) {
        expect(error).toBeInstanceOf(SpecError)
        return error as SpecError
      }
      throw new Error('expected a SpecError')
    }
    expect(refusal(() => parseEntry('/name', { versionStage: 'AWSPREVIOUS' }))).toMatchObject({
      field: 'versionStage',
      message: 'versionStage applies to Secrets Manager secrets only (this entry is read by Parameter Store)',
    })
    expect(refusal(() => parseEntry('secretsmanager:x', { recursive: false }))).toMatchObject({
      field: 'recursive',
      message:
        'recursive applies to Parameter Store paths (names ending in /) only (this entry is read by Secrets Manager)',
    })
    const vault = customKind('vault', { calls: 0, fetch: async () => {} })
    expect(refusal(() => parseEntry('vault:x', { recursive: true }, [vault])).message).toBe(
      'recursive applies to Parameter Store paths (names ending in /) only (this entry is read by the vault store)',
    )
  })

  test('through the options, a field of another store names the key and the field', () => {
    const message = (fetchData: Record<string, unknown>) => {
      try {
        resolveOptions({ fetchData } as never)
      } catch (error) {
        return (error as Error).message
      }
      return 'accepted'
    }
    expect(message({ K: { name: 'secretsmanager:x', recursive: true } })).toBe(
      'middy-secrets: fetchData.K.recursive applies to Parameter Store paths (names ending in /) only (this entry is read by Secrets Manager)',
    )
    expect(message({ K: { name: '/x/', versionStage: 'AWSPREVIOUS' } })).toBe(
      'middy-secrets: fetchData.K.versionStage applies to Secrets Manager secrets only (this entry is read by Parameter Store)',
    )
    expect(message({ K: { name: '/x/', recursive: 'yes' } })).toBe(
      'middy-secrets: fetchData.K.recursive must be a boolean',
    )
    expect(message({ K: { name: '/x', attribute: 'v' } })).toBe(
      "middy-secrets: fetchData.K has an unknown field 'attribute': the object form is { name, transform?, required?; for Parameter Store paths (names ending in /): recursive?; for Secrets Manager secrets: versionStage?; for DynamoDB entries (dynamodb:<table>/<id>): keyAttr?, sortAttr?, valueAttr? }",
    )
  })
})

describe('adding a store touches its own files and the registry', () => {
  const src = fileURLToPath(new URL('../src/', import.meta.url))
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
  const importsOf = (file: string): string[] =>
    [...readFileSync(`${src}${file}`, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
      (m) => m[1] as string,
    )

  test("a store's own module is imported by its kind only, and only lazily", () => {
    const stores = readdirSync(`${src}sources/stores`).filter((f) => f.endsWith('.ts'))
    expect(stores).toEqual(expect.arrayContaining(['secrets-manager.ts', 'ssm.ts']))
    for (const store of stores) {
      const module = `./stores/${store.replace(/\.ts$/, '.js')}`
      const importers = files.filter((file) => importsOf(file).includes(module))
      expect(importers).toEqual([`sources/${store}`])
      const text = readFileSync(`${src}sources/${store}`, 'utf8')
      expect(text).toContain(`import('${module}')`)
      expect(text).not.toMatch(new RegExp(`^import [^t].*from '${module.replace(/[./]/g, '\\$&')}'`, 'm'))
    }
  })

  test('outside src/sources/ only the registry, the Source interface and the kind type are imported', () => {
    const allowed = new Set(['registry.js', 'source.js', 'kind.js', 'custom.js'])
    const offenders = files
      .filter((file) => !file.startsWith('sources/'))
      .flatMap((file) =>
        importsOf(file)
          .filter((specifier) => /\/sources\//.test(specifier))
          .filter((specifier) => !allowed.has(specifier.split('/').at(-1) as string))
          .map((specifier) => `${file}: ${specifier}`),
      )
    expect(offenders).toEqual([])
  })
})
