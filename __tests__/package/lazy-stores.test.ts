import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleInputs } from '../support/cold-start.js'
import { useStore } from '../support/harness.js'
import { onlyInstalled, useOnlySdk } from '../support/only-sdk.js'

// Each store's code and SDK client load only when the map names that store (npm test builds dist/ first).
const root = fileURLToPath(new URL('../..', import.meta.url))
const s = useStore()

describe('a store the map does not name is never loaded', () => {
  // The package as installed in a function that has Secrets Manager's SDK and no other.
  const only = useOnlySdk(['@aws-sdk/client-secrets-manager'])

  test('a Secrets-Manager-only map runs where @aws-sdk/client-ssm is not installed', async () => {
    expect(await only.importable()).toEqual(onlyInstalled(['@aws-sdk/client-secrets-manager']))
    s.store.putSecret('lazy/db', '{"user":"fake-user"}')
    s.store.put('/lazy/token', 'fake-token')
    const before = s.store.calls.total
    const result = await only.run(
      `
const awsClientOptions = { ...JSON.parse(process.env.STORE_CONFIG), maxAttempts: 1 }
const sm = middy(async (_event, context) => context.DB.user)
  .use(secrets({ fetchData: { DB: { name: 'secretsmanager:lazy/db', transform: 'json' } }, awsClientOptions }))
console.log('secrets manager gave:', await sm({}, context))
console.log('ssm:', await parameterMap(awsClientOptions))
`,
      { STORE_CONFIG: JSON.stringify(s.store.clientConfig) },
    )
    expect(result.err).not.toMatch(/Cannot find package|Unhandled| {4}at /)
    expect(result.out).toContain('secrets manager gave: fake-user')
    // A map that names a parameter there fails as the ladder says, naming the package to add.
    expect(result.out).toContain('ssm: UNAVAILABLE sdk_missing true')
    expect(result.code).toBe(0)
    expect(s.store.calls.GetSecretValue).toBeGreaterThanOrEqual(1)
    expect(s.store.calls.total - before).toBe(s.store.calls.GetSecretValue)
  })
})

describe('the build keeps each store apart', () => {
  const entry = readFileSync(join(root, 'dist/index.js'), 'utf8')

  test('the entry imports no SDK and holds neither store', () => {
    expect(entry).not.toMatch(/from\s*["']@aws-sdk\//)
    expect(entry).not.toMatch(/GetSecretValueCommand|GetParametersCommand|BatchGetSecretValueCommand/)
    expect(entry).not.toMatch(/class SsmSource|SsmSource = class|SecretsManagerSource = class/)
    // the stores are modules of their own, imported on demand; the entry imports nothing of ours statically
    expect(entry).toMatch(/import\(["']\.\/stores\/ssm\.js["']\)/)
    expect(entry).toMatch(/import\(["']\.\/stores\/secrets-manager\.js["']\)/)
    expect(entry).not.toMatch(/^import .* from ["']\./m)
  })

  test('an SSM-only handler bundled by esbuild with splitting loads no Secrets Manager code', async () => {
    const inputs = await bundleInputs({ TOKEN: '/bots/token' })
    expect(inputs.loaded.some((input) => input.includes('secrets-manager'))).toBe(false)
    expect(inputs.loaded.some((input) => input.endsWith('stores/ssm.js'))).toBe(false)
    // …and the Secrets Manager code is in the bundle's files all the same, for a map that names a secret.
    expect(inputs.all.some((input) => input.includes('secrets-manager'))).toBe(true)
  })
})
