/**
 * A function's folder in which only some of the AWS SDK clients are installed: the built package (npm test builds
 * dist/ first), @middy, and the named clients. The package is a copy, not a link: a link would resolve the SDKs
 * from this repository's node_modules, where every client is installed. One folder per test file.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runNode } from './harness.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Every SDK client a store of the package loads. */
export const SDKS = [
  '@aws-sdk/client-ssm',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-appconfigdata',
  '@aws-sdk/client-dynamodb',
] as const
export type Sdk = (typeof SDKS)[number]

/** What `import(name)` gives inside the installed package, for every client: `'loaded'` or the error's code. */
export type Importable = Record<Sdk, string>

/** The answer {@link OnlySdk.importable} must give when only `installed` is there. */
export const onlyInstalled = (installed: readonly Sdk[]): Importable =>
  Object.fromEntries(
    SDKS.map((sdk) => [sdk, installed.includes(sdk) ? 'loaded' : 'ERR_MODULE_NOT_FOUND']),
  ) as Importable

// Run from the package's own folder, so a client resolves (or not) as the package's dynamic imports resolve it.
const PROBE = `
const out = {}
for (const name of JSON.parse(process.argv[2])) {
  try {
    await import(name)
    out[name] = 'loaded'
  } catch (error) {
    out[name] = error?.code ?? String(error?.name)
  }
}
console.log(JSON.stringify(out))
`

// What every handler run in the folder starts with. `parameterMap` tells how a map that names a parameter fails
// there: the error's code, the key's reason, and whether the message names the package to add.
const PRELUDE = `
import middy from '@middy/core'
import { secrets } from 'middy-secrets'
const context = { getRemainingTimeInMillis: () => 3000 }
const parameterMap = async (awsClientOptions) => {
  const handler = middy(async (_event, context) => context.TOKEN)
    .use(secrets({ fetchData: { TOKEN: '/lazy/token' }, awsClientOptions, fallbackToEnv: false }))
  try {
    await handler({}, context)
    return 'no error'
  } catch (error) {
    return [error.code, error.reasons.TOKEN, error.message.includes('@aws-sdk/client-ssm')].join(' ')
  }
}
`

export interface OnlySdk {
  /** The function's folder (after the file's beforeAll). */
  readonly dir: string
  /**
   * Writes `source` as the folder's handler.mjs and runs it in a child node process. The source runs after
   * `middy` and `secrets` are imported from the folder, with a Lambda-like `context` (3 s left) and
   * `await parameterMap(awsClientOptions)` (see PRELUDE) in scope.
   */
  run(source: string, env?: Record<string, string>): Promise<{ code: number | null; out: string; err: string }>
  /** Tries `import()` of every SDK client from inside the installed package, in a child node process. */
  importable(): Promise<Importable>
}

/** Makes the folder before the test file's tests, with only `installed` among the SDK clients; removes it after. */
export const useOnlySdk = (installed: readonly Sdk[]): OnlySdk => {
  let dir = ''
  const pkg = () => join(dir, 'node_modules', 'middy-secrets')
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'middy-secrets-only-sdk-'))
    mkdirSync(join(dir, 'node_modules', '@aws-sdk'), { recursive: true })
    cpSync(join(root, 'dist'), join(pkg(), 'dist'), { recursive: true })
    cpSync(join(root, 'package.json'), join(pkg(), 'package.json'))
    for (const name of [...installed, '@middy']) {
      symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir')
    }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return {
    get dir() {
      return dir
    },
    run: (source, env = {}) => {
      const script = join(dir, 'handler.mjs')
      writeFileSync(script, PRELUDE + source)
      return runNode([script], env)
    },
    importable: async () => {
      const probe = join(pkg(), 'probe.mjs')
      writeFileSync(probe, PROBE)
      const result = await runNode([probe, JSON.stringify(SDKS)])
      if (result.code !== 0) throw new Error(`the import probe failed: ${result.err}`)
      return JSON.parse(result.out) as Importable
    },
  }
}
