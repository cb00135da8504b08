import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { runNode, useStore } from '../support/harness.js'

// Each store's code and SDK client load only when the map names that store (npm test builds dist/ first).
const root = fileURLToPath(new URL('../..', import.meta.url))
const s = useStore()

describe('a store the map does not name is never loaded', () => {
  let dir: string
  beforeAll(() => {
    // The package as installed in a function that has Secrets Manager's SDK and not the SSM one: a copy of the
    // package (a symlink would resolve the SDK from this repository's node_modules, where it is installed).
    dir = mkdtempSync(join(tmpdir(), 'middy-secrets-sm-only-'))
    const pkg = join(dir, 'node_modules', 'middy-secrets')
    mkdirSync(join(dir, 'node_modules', '@aws-sdk'), { recursive: true })
    cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true })
    cpSync(join(root, 'package.json'), join(pkg, 'package.json'))
    const link = (name: string) => symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir')
    link('@aws-sdk/client-secrets-manager')
    link('@middy')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('a Secrets-Manager-only map runs where @aws-sdk/client-ssm is not installed', async () => {
    s.store.putSecret('lazy/db', '{"user":"fake-user"}')
    s.store.put('/lazy/token', 'fake-token')
    const script = join(dir, 'handler.mjs')
    writeFileSync(
      script,
      `
import middy from '@middy/core'
import { secrets } from 'middy-secrets'
let resolvable = true
try { import.meta.resolve('@aws-sdk/client-ssm') } catch { resolvable = false }
console.log('client-ssm resolvable:', resolvable)
const awsClientOptions = { ...JSON.parse(process.env.STORE_CONFIG), maxAttempts: 1 }
const context = { getRemainingTimeInMillis: () => 3000 }
const sm = middy(async (_event, context) => context.DB.user)
  .use(secrets({ fetchData: { DB: { name: 'secretsmanager:lazy/db', transform: 'json' } }, awsClientOptions }))
console.log('secrets manager gave:', await sm({}, context))
const ssm = middy(async (_event, context) => context.TOKEN)
  .use(secrets({ fetchData: { TOKEN: '/lazy/token' }, awsClientOptions, fallbackToEnv: false }))
try {
  await ssm({}, context)
  console.log('ssm: no error')
} catch (error) {
  console.log('ssm:', error.code, error.reasons.TOKEN, error.message.includes('@aws-sdk/client-ssm'))
}
`,
    )
    const before = s.store.calls.total
    const result = await runNode([script], { STORE_CONFIG: JSON.stringify(s.store.clientConfig) })
    expect(result.err).not.toMatch(/ERR_MODULE_NOT_FOUND|Unhandled/)
    expect(result.out).toContain('client-ssm resolvable: false')
    expect(result.out).toContain('secrets manager gave: fake-user')
    // A map that names a parameter there fails as the ladder says, naming the package to add.
    expect(result.out).toContain('ssm: UNAVAILABLE unreachable true')
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
    const result = await build({
      stdin: {
        contents: `
import middy from '@middy/core'
import { secrets } from './dist/index.js'
export const handler = middy().use(secrets({ fetchData: { TOKEN: '/bots/token' } })).handler(async (_e, c) => c.TOKEN)
`,
        resolveDir: root,
        loader: 'js',
      },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      outdir: join(root, '.build/lazy-bundle'),
      external: ['@aws-sdk/*', '@smithy/*', '@middy/*'],
      metafile: true,
      write: false,
      logLevel: 'silent',
    })
    const outputs = result.metafile.outputs
    const entryOut = Object.keys(outputs).find((file) => outputs[file]?.entryPoint !== undefined) as string
    // What the handler loads at cold start: its entry and whatever that imports statically.
    const loaded = new Set<string>()
    const visit = (file: string) => {
      if (loaded.has(file)) return
      loaded.add(file)
      for (const imp of outputs[file]?.imports ?? [])
        if (imp.kind === 'import-statement' && !imp.external) visit(imp.path)
    }
    visit(entryOut)
    const inputsOf = (files: Iterable<string>) => [...files].flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}))
    expect(inputsOf(loaded).some((input) => input.includes('secrets-manager'))).toBe(false)
    expect(inputsOf(loaded).some((input) => input.endsWith('stores/ssm.js'))).toBe(false)
    // …and the Secrets Manager code is in the bundle's files all the same, for a map that names a secret.
    expect(inputsOf(Object.keys(outputs)).some((input) => input.includes('secrets-manager'))).toBe(true)
  })
})
