// Builds dist/ from nothing: ESM bundles with source maps, and one .d.ts per public entry.
//
// JavaScript: esbuild bundles each public entry into one module (loading 13 small modules cost ~6 ms at a cold
// start, one file ~1.6 ms: npm run bench). Each store's own code (src/sources/stores/<store>.ts) is a module of
// its own that the store's kind (src/sources/<store>.ts) imports only when a map names that store.
//
// Types: tsc emits declarations into .build/types, and API Extractor rolls each entry's up into one file, so
// only the public API ships (internal types such as Refresher and ResolvedOptions do not).
import { readdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor'
import { build } from 'esbuild'
import { tsc } from './tsc.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TYPES = '.build/types'
// Each public entry: its source, and where its JavaScript and rolled-up types go.
export const ENTRIES = [{ source: 'src/index.ts', out: 'index', types: 'index.d.ts' }]

rmSync(`${ROOT}dist`, { recursive: true, force: true })
rmSync(`${ROOT}.build`, { recursive: true, force: true })

// Each store is a module of its own (dist/stores/<store>.js), which its kind imports only when a map names
// that store: every file of src/sources/stores/ is one, so a new store needs no line here. It carries its own copy of the few helpers it shares with the core (classifyError), so the entry
// shares no chunk with it: one module to load as installed, and a user's bundler keeps the core's code flat
// (a module shared with a lazily imported one would be wrapped to run on demand too).
const STORES = readdirSync(`${ROOT}src/sources/stores`)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3))
const common = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // The peers (and the SDK's own packages) are the user's: never inside our files.
  external: ['@aws-sdk/*', '@middy/*', '@smithy/*'],
  logLevel: 'warning',
}
const storesExternal = {
  name: 'stores-external',
  setup(b) {
    // A kind's `import('./stores/<store>.js')` stays an import of dist/stores/<store>.js, beside dist/index.js.
    const filter = new RegExp(`^\\./stores/(${STORES.join('|')})\\.js$`)
    b.onResolve({ filter }, ({ path, importer }) =>
      importer.includes('/src/sources/') ? { path, external: true } : undefined,
    )
  },
}
await build({
  ...common,
  entryPoints: ENTRIES.map(({ source, out }) => ({ in: source, out })),
  outdir: 'dist',
  plugins: [storesExternal],
})
await build({
  ...common,
  entryPoints: STORES.map((store) => ({ in: `src/sources/stores/${store}.ts`, out: `stores/${store}` })),
  outdir: 'dist',
})

// The repository's own simulators (fleet/, soak/) read a few internals, such as the backoff policy: built
// beside dist/, never shipped.
rmSync(`${ROOT}dist-internal`, { recursive: true, force: true })
await build({ ...common, entryPoints: [{ in: 'src/core/policy.ts', out: 'policy' }], outdir: 'dist-internal' })

tsc(['-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', TYPES])

for (const { types } of ENTRIES) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: ROOT,
      mainEntryPointFilePath: `<projectFolder>/${TYPES}/${types}`,
      compiler: { tsconfigFilePath: '<projectFolder>/tsconfig.build.json' },
      dtsRollup: { enabled: true, untrimmedFilePath: `<projectFolder>/dist/${types}` },
      apiReport: { enabled: false },
      docModel: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // A public type that names a type the entry does not export is an error: it would be unreachable.
        extractorMessageReporting: {
          default: { logLevel: 'warning' },
          'ae-forgotten-export': { logLevel: 'error' },
          'ae-missing-release-tag': { logLevel: 'none' },
          // TypeDoc (npm run docs) validates the links, with the entry points' full context.
          'ae-unresolved-link': { logLevel: 'none' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: `${ROOT}api-extractor.json`,
    packageJsonFullPath: `${ROOT}package.json`,
  })
  const result = Extractor.invoke(config, { localBuild: true, showVerboseMessages: false })
  if (!result.succeeded || result.errorCount > 0 || result.warningCount > 0) {
    console.error(
      `build: API Extractor found ${result.errorCount} errors and ${result.warningCount} warnings in ${types}`,
    )
    process.exit(1)
  }
}
rmSync(`${ROOT}.build`, { recursive: true, force: true })
