import { readdirSync, readFileSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// The .d.ts that ships (npm test builds dist/ first): one rolled-up file with the public API only, and every
// option documented on hover with its unit and default.
const dts = readFileSync(fileURLToPath(new URL('../../dist/index.d.ts', import.meta.url)), 'utf8')

/** The members of an interface in the .d.ts, each with the TSDoc comment right above it. */
const members = (name: string): { field: string; type: string; doc: string }[] => {
  const start = dts.indexOf(`export declare interface ${name}`)
  expect(start).toBeGreaterThanOrEqual(0)
  const body = dts.slice(dts.indexOf('{', start) + 1, dts.indexOf('\n}', start))
  return [...body.matchAll(/(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)?\s*readonly (\w+)\??: ([^;]+);/g)].map((m) => ({
    doc: m[1] ?? '',
    field: m[2] as string,
    type: m[3] as string,
  }))
}

describe('the shipped declarations', () => {
  test('are one file with the public API only', () => {
    expect(dts).not.toMatch(/^import .* from '\.\//m)
    for (const internal of [
      'Refresher',
      'ResolvedOptions',
      'SsmSource',
      'SecretsManagerSource',
      // Outcome is public now: a Source of the user's answers with it.
      'StoreKind',
      'LazySource',
      'CheckedSource',
      'Cache',
      'Prepared',
    ]) {
      expect(dts).not.toMatch(new RegExp(`\\b${internal}\\b`))
    }
    // The SDK types are imported for types only: nothing of the SDK is loaded by the declarations.
    for (const line of dts.split('\n').filter((l) => l.startsWith('import '))) expect(line).toMatch(/^import type /)
  })

  test.each([
    ['SecretsOptions', 20],
    ['SecretsManagerOptions', 3],
    ['DynamoDbOptions', 3],
    ['AppConfigOptions', 2],
  ])('every field of %s says its default, and every duration its unit', (name, count) => {
    const fields = members(name)
    expect(fields).toHaveLength(count)
    for (const { field, type, doc } of fields) {
      if (field === 'fetchData') continue // required: no default
      expect({ field, hasDefault: /@defaultValue\s+\S/.test(doc) }).toEqual({ field, hasDefault: true })
      if (type === 'Milliseconds') expect({ field, unit: /[Mm]illiseconds/.test(doc) }).toEqual({ field, unit: true })
    }
    expect(fields.filter((f) => f.type === 'Milliseconds').length).toBe(name === 'SecretsOptions' ? 4 : 0)
  })

  test("client options are the SDK clients' own config types, not any", () => {
    const fields = Object.fromEntries(members('SecretsOptions').map((f) => [f.field, f.type]))
    expect(fields.awsClientOptions).toBe('Readonly<SSMClientConfig>')
    expect(fields.AwsClient).toBe('new (config: SSMClientConfig) => AwsClientLike')
    expect(fields.awsClientCapture).toBe(
      '(client: SSMClient | SecretsManagerClient | AppConfigDataClient | DynamoDBClient) => unknown',
    )
    const sm = Object.fromEntries(members('SecretsManagerOptions').map((f) => [f.field, f.type]))
    expect(sm.awsClientOptions).toBe('ClientOverrides<SecretsManagerClientConfig>')
    const appConfig = Object.fromEntries(members('AppConfigOptions').map((f) => [f.field, f.type]))
    expect(appConfig.awsClientOptions).toBe('ClientOverrides<AppConfigDataClientConfig>')
    expect(appConfig.AwsClient).toBe('new (config: AppConfigDataClientConfig) => AwsClientLike')
    expect(Object.fromEntries(members('KeyStats').map((f) => [f.field, f.type])).reason).toBe('Reason | undefined')
  })
})

describe('dist/', () => {
  const dist = fileURLToPath(new URL('../../dist/', import.meta.url))
  const files = (readdirSync(dist, { recursive: true }) as string[]).filter(
    (f) => !statSync(`${dist}${f}`).isDirectory(),
  )

  test('holds one .d.ts per public entry and a source map for every module, nothing else', () => {
    expect(files.filter((f) => f.endsWith('.d.ts')).sort()).toEqual(['index.d.ts'])
    const modules = files.filter((f) => f.endsWith('.js'))
    expect(modules.sort()).toEqual([
      'index.js',
      'stores/appconfig.js',
      'stores/dynamodb.js',
      'stores/secrets-manager.js',
      'stores/ssm.js',
    ])
    for (const module of modules) {
      expect(files).toContain(`${module}.map`)
      expect(readFileSync(`${dist}${module}`, 'utf8')).toContain(`//# sourceMappingURL=${module.split('/').pop()}.map`)
    }
    expect(files.filter((f) => !/\.(js|js\.map|d\.ts)$/.test(f))).toEqual([])
    // The maps carry the sources: src/ is not in the tarball.
    const map = JSON.parse(readFileSync(`${dist}index.js.map`, 'utf8'))
    expect(map.sourcesContent?.length).toBe(map.sources.length)
  })
})
