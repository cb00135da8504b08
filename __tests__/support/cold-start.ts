/**
 * What a bundled handler loads at cold start: the handler is bundled by esbuild with code splitting (the SDKs and
 * middy left external, as a Lambda bundle does), and its entry is followed through its static imports only.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The source files of the built package (dist/, which npm test builds first) in each part of the bundle. */
export interface BundleInputs {
  /** In the entry chunk and the chunks it imports statically: loaded at cold start. */
  loaded: string[]
  /** In any chunk of the bundle, dynamic ones included. */
  all: string[]
}

/** Bundles a handler of `middy().use(secrets({ fetchData }))` and lists which source files it loads when. */
export const bundleInputs = async (fetchData: Record<string, string>): Promise<BundleInputs> => {
  const result = await build({
    stdin: {
      contents: `
import middy from '@middy/core'
import { secrets } from './dist/index.js'
export const handler = middy().use(secrets({ fetchData: ${JSON.stringify(fetchData)} })).handler(async () => 'ok')
`,
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outdir: join(root, '.build/cold-start-bundle'),
    external: ['@aws-sdk/*', '@smithy/*', '@middy/*'],
    metafile: true,
    write: false,
    logLevel: 'silent',
  })
  const outputs = result.metafile.outputs
  const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint !== undefined) as string
  const loaded = new Set<string>()
  const visit = (file: string) => {
    if (loaded.has(file)) return
    loaded.add(file)
    for (const imp of outputs[file]?.imports ?? []) {
      if (imp.kind === 'import-statement' && !imp.external) visit(imp.path)
    }
  }
  visit(entry)
  const inputsOf = (files: Iterable<string>) => [...files].flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}))
  return { loaded: inputsOf(loaded), all: inputsOf(Object.keys(outputs)) }
}
