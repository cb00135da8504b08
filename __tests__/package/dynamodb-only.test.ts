import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { useDynalite } from '../support/dynalite.js'
import { runNode } from '../support/harness.js'

// A DynamoDB-only map loads neither the SSM nor the Secrets Manager client, nor their code (npm test builds dist/
// first): the packaged build, installed where only @aws-sdk/client-dynamodb is, against dynalite.
const root = fileURLToPath(new URL('../..', import.meta.url))
const d = useDynalite()

describe('a DynamoDB-only map', () => {
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'middy-secrets-dynamodb-only-'))
    const pkg = join(dir, 'node_modules', 'middy-secrets')
    mkdirSync(join(dir, 'node_modules', '@aws-sdk'), { recursive: true })
    cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true })
    cpSync(join(root, 'package.json'), join(pkg, 'package.json'))
    const link = (name: string) => symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir')
    link('@aws-sdk/client-dynamodb')
    link('@middy')
    await d.db.createTable('config')
    await d.db.putValue('config', 'app', 'fake-app')
    await d.db.putValue('config', 'flags', 'on', 'beta')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('runs where @aws-sdk/client-ssm and @aws-sdk/client-secrets-manager are not installed', async () => {
    const script = join(dir, 'handler.mjs')
    writeFileSync(
      script,
      `
import middy from '@middy/core'
import { secrets } from 'middy-secrets'
for (const sdk of ['@aws-sdk/client-ssm', '@aws-sdk/client-secrets-manager']) {
  let resolvable = true
  try { import.meta.resolve(sdk) } catch { resolvable = false }
  console.log(sdk, 'resolvable:', resolvable)
}
const awsClientOptions = JSON.parse(process.env.DYNAMODB_CONFIG)
const context = { getRemainingTimeInMillis: () => 3000 }
const handler = middy(async (_event, context) => context.APP)
  .use(secrets({ fetchData: { APP: 'dynamodb:config/app' }, awsClientOptions }))
console.log('dynamodb gave:', await handler({}, context))
const mixed = middy(async (_event, context) => context.TOKEN)
  .use(secrets({ fetchData: { TOKEN: '/lazy/token' }, awsClientOptions, fallbackToEnv: false }))
try {
  await mixed({}, context)
  console.log('ssm: no error')
} catch (error) {
  console.log('ssm:', error.code, error.reasons.TOKEN, error.message.includes('@aws-sdk/client-ssm'))
}
`,
    )
    const result = await runNode([script], { DYNAMODB_CONFIG: JSON.stringify(d.db.clientOptions) })
    expect(result.err).not.toMatch(/ERR_MODULE_NOT_FOUND|Unhandled/)
    expect(result.out).toContain('@aws-sdk/client-ssm resolvable: false')
    expect(result.out).toContain('@aws-sdk/client-secrets-manager resolvable: false')
    expect(result.out).toContain('dynamodb gave: fake-app')
    expect(result.out).toContain('ssm: UNAVAILABLE unreachable true')
    expect(result.code).toBe(0)
  })

  test('the entry holds no DynamoDB code; an SSM-only bundle loads none at cold start', async () => {
    const entry = readFileSync(join(root, 'dist/index.js'), 'utf8')
    expect(entry).not.toMatch(/BatchGetItemCommand|UnprocessedKeys|class DynamoDbSource|DynamoDbSource = class/)
    expect(entry).toMatch(/import\(["']\.\/stores\/dynamodb\.js["']\)/)
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
      outdir: join(root, '.build/dynamodb-lazy-bundle'),
      external: ['@aws-sdk/*', '@smithy/*', '@middy/*'],
      metafile: true,
      write: false,
      logLevel: 'silent',
    })
    const outputs = result.metafile.outputs
    const entryOut = Object.keys(outputs).find((file) => outputs[file]?.entryPoint !== undefined) as string
    const loaded = new Set<string>()
    const visit = (file: string) => {
      if (loaded.has(file)) return
      loaded.add(file)
      for (const imp of outputs[file]?.imports ?? [])
        if (imp.kind === 'import-statement' && !imp.external) visit(imp.path)
    }
    visit(entryOut)
    const inputsOf = (files: Iterable<string>) => [...files].flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}))
    expect(inputsOf(loaded).some((input) => input.endsWith('stores/dynamodb.js'))).toBe(false)
    expect(inputsOf(Object.keys(outputs)).some((input) => input.endsWith('stores/dynamodb.js'))).toBe(true)
  })
})
