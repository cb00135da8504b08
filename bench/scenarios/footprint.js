/**
 * Where the time goes before the first invocation: how long importing each package takes once the AWS SDK's SSM
 * client is loaded (each in a fresh child process, runs alternating, median and minimum), and how big each is
 * minified by esbuild with the AWS SDK, Smithy and middy core left external (the local store is not part of the
 * middy-secrets entry). For @middy/ssm the '@middy/*' external would exclude the package itself, so only
 * '@middy/core' is external there and @middy/ssm and @middy/util are bundled.
 *
 * Import time is measured twice: the package as installed (`import('middy-secrets')`: every file of dist/ is a
 * module to resolve, read, compile and link) and its esbuild bundle (one file, as most Lambda deployments ship
 * it). The bundles are written to bench/.bundles/ for the children and removed afterwards.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { MIDDY_SECRETS, MIDDY_SSM, POWERTOOLS } from '../implementations.js'
import { median, min } from '../stats.js'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const PROBE_URL = new URL('../import-time.js', import.meta.url)
const PROBE = fileURLToPath(PROBE_URL)
const BUNDLES = fileURLToPath(new URL('../.bundles/', import.meta.url))
export const SDK = '@aws-sdk/client-ssm'

const SPECIFIERS = {
  [MIDDY_SECRETS]: 'middy-secrets',
  [MIDDY_SSM]: '@middy/ssm',
  [POWERTOOLS]: '@aws-lambda-powertools/parameters/ssm',
}

const ENTRIES = {
  [MIDDY_SECRETS]: {
    contents: "export { secrets } from './dist/index.js'",
    external: ['@aws-sdk/*', '@middy/*', '@smithy/*'],
  },
  [MIDDY_SSM]: {
    contents: "export { default } from '@middy/ssm'",
    external: ['@aws-sdk/*', '@middy/core', '@smithy/*'],
  },
  [POWERTOOLS]: {
    contents: "export { SSMProvider } from '@aws-lambda-powertools/parameters/ssm'",
    external: ['@aws-sdk/*', '@middy/*', '@smithy/*'],
  },
}

/** The bench's own variables (P000… from setToEnv) stay out of the children. */
const childEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^P\d{3}$/.test(k)))

const importMs = async (specifier, cold) => {
  const args = ['--no-warnings', PROBE, specifier, ...(cold ? ['--cold'] : [])]
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, env: childEnv(), timeout: 30_000 })
  return JSON.parse(stdout).ms
}

const bundle = async (id) => {
  const { contents, external } = ENTRIES[id]
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'js', sourcefile: `${id}-entry.js` },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    external,
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0].contents
  return { code, bytes: code.length, gzip: gzipSync(code).length }
}

// Each store's own module (src/sources/stores/<store>.ts), loaded when a map names the store.
const STORES = Object.fromEntries(
  readdirSync(`${ROOT}src/sources/stores`)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [`src/sources/stores/${file}`, `${file.slice(0, -3)} entries`]),
)

const minified = (options) =>
  build({
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    external: ENTRIES[MIDDY_SECRETS].external,
    write: false,
    metafile: true,
    logLevel: 'silent',
    ...options,
  })

const inputsOf = (result) =>
  Object.entries(Object.values(result.metafile.outputs)[0].inputs)
    .map(([file, { bytesInOutput }]) => ({ file, bytes: bytesInOutput }))
    .filter((entry) => entry.bytes > 0)

/**
 * Bytes of minified output per source file, and when each loads: the core at import, each store's module only
 * when a map names that store. Bundles the sources (esbuild reads the TypeScript) the way scripts/build.js lays
 * out dist/: the entry with the store modules left out, each store module on its own.
 */
const breakdown = async () => {
  const storesOut = {
    name: 'stores-out',
    setup(b) {
      b.onResolve({ filter: /^\.\/stores\/[\w-]+\.js$/ }, ({ path }) => ({ path, external: true }))
    },
  }
  const core = await minified({
    stdin: { contents: "export { secrets } from './src/index.ts'", resolveDir: ROOT, loader: 'ts' },
    plugins: [storesOut],
  })
  const files = inputsOf(core).map((f) => ({ ...f, loaded: 'at import' }))
  for (const [store, loaded] of Object.entries(STORES)) {
    const result = await minified({ entryPoints: [`${ROOT}${store}`] })
    for (const f of inputsOf(result)) files.push({ ...f, loaded: `with ${loaded}` })
  }
  return { files: files.sort((a, b) => a.loaded.localeCompare(b.loaded) || b.bytes - a.bytes) }
}

/**
 * An SSM-only handler as a user bundles it: esbuild with splitting (as serverless-esbuild and SAM can), so that
 * what loads at import, what loads at the first fetch and what never loads are separate files. Without
 * splitting (CDK's NodejsFunction) the store modules are in the one file, wrapped to run only on demand.
 */
const ssmOnly = async () => {
  const contents = `import middy from '@middy/core'
import { secrets } from './dist/index.js'
export const handler = middy().use(secrets({ fetchData: { TOKEN: '/bots/token' } })).handler(async (_e, c) => c.TOKEN)`
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'js', sourcefile: 'ssm-only-handler.js' },
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outdir: `${BUNDLES}ssm-only`,
    external: ['@aws-sdk/*', '@smithy/*', '@middy/*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const outputs = result.metafile.outputs
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint !== undefined)
  const atImport = new Set()
  const visit = (file) => {
    if (atImport.has(file)) return
    atImport.add(file)
    for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path)
  }
  visit(entry)
  const group = (files) => ({
    bytes: files.reduce((sum, file) => sum + outputs[file].bytes, 0),
    inputs: files.flatMap((file) => Object.keys(outputs[file].inputs)),
  })
  const rest = Object.keys(outputs).filter((file) => !atImport.has(file) && file.endsWith('.js'))
  const storeOf = (name) => rest.filter((file) => Object.keys(outputs[file].inputs).some((i) => i.endsWith(name)))
  const loaded = group([...atImport])
  return {
    atImport: loaded,
    onFirstFetch: group(storeOf('stores/ssm.js')),
    neverLoaded: group(storeOf('stores/secrets-manager.js')),
    // The store's own module; its kind (how its entries parse) is part of the core.
    secretsManagerCodeLoaded: loaded.inputs.some((i) => i.includes('stores/secrets-manager')),
  }
}

/**
 * @param {{ runs: number, progress: (s: string) => void }} o
 * @returns {{ rows: { [id]: { importMedianMs, importMinMs, bundledImportMedianMs, bundledImportMinMs, bytes, gzip } },
 *   sdk: { importMedianMs, importMinMs }, breakdown: { files: { file: string, bytes: number, loaded: string }[] },
 *   ssmOnly: { atImport, onFirstFetch, neverLoaded: { bytes, inputs }, secretsManagerCodeLoaded: boolean },
 *   anatomy: { empty, sdkOnly, preparseOnly, bundled, middySsm: number (median ms), bytes, runs } }}
 */
export const footprint = async ({ runs, progress }) => {
  const ids = Object.keys(SPECIFIERS)
  const bundles = {}
  for (const id of ids) bundles[id] = await bundle(id)
  progress('bundles built')
  const times = Object.fromEntries([...ids, SDK].map((id) => [id, { installed: [], bundled: [] }]))
  const anatomy = { empty: [], sdkOnly: [], preparseOnly: [], bundled: [], middySsm: [] }
  mkdirSync(BUNDLES, { recursive: true })
  try {
    const files = {}
    ids.forEach((id, i) => {
      files[id] = `./.bundles/entry-${i}.mjs`
      writeFileSync(fileURLToPath(new URL(files[id], PROBE_URL)), bundles[id].code)
    })
    for (let r = 0; r < runs; r++) {
      for (const id of ids) {
        times[id].installed.push(await importMs(SPECIFIERS[id], false))
        times[id].bundled.push(await importMs(files[id], false))
      }
      times[SDK].installed.push(await importMs(SDK, true))
    }
    // The anatomy of a bundled import, each file timed alternately with 3× the runs (the differences are small
    // beside the noise of a child process): any module at all (an empty one); a module that only imports the
    // SSM client, already loaded (what @middy/ssm's static import of the SDK costs it: resolving the specifier);
    // our bundle's code inside a function that never runs (V8 only pre-parses it: the cost of its bytes); the
    // bundle itself (adds parsing and running its top level).
    const code = new TextDecoder().decode(bundles[MIDDY_SECRETS].code)
    const body = code.replace(/export\s*\{[^}]*\}\s*;?\s*$/, '')
    if (body === code) throw new Error('footprint: the bundle does not end with its export statement')
    const probes = {
      empty: 'export const x = 1\n',
      sdkOnly: `import { SSMClient } from '${SDK}'\nexport const x = SSMClient\n`,
      preparseOnly: `export const x = 1\nfunction never() {\n${body}\n}\n`,
    }
    for (const [name, text] of Object.entries(probes)) {
      writeFileSync(fileURLToPath(new URL(`./.bundles/${name}.mjs`, PROBE_URL)), text)
    }
    for (let r = 0; r < 3 * runs; r++) {
      for (const name of Object.keys(probes)) anatomy[name].push(await importMs(`./.bundles/${name}.mjs`, false))
      anatomy.bundled.push(await importMs(files[MIDDY_SECRETS], false))
      anatomy.middySsm.push(await importMs(files[MIDDY_SSM], false))
    }
  } finally {
    rmSync(BUNDLES, { recursive: true, force: true })
  }
  progress(`import times: ${runs} runs each`)
  const rows = {}
  for (const id of ids) {
    const { installed, bundled } = times[id]
    rows[id] = {
      importMedianMs: median(installed),
      importMinMs: min(installed),
      bundledImportMedianMs: median(bundled),
      bundledImportMinMs: min(bundled),
      bytes: bundles[id].bytes,
      gzip: bundles[id].gzip,
    }
  }
  const sdk = { importMedianMs: median(times[SDK].installed), importMinMs: min(times[SDK].installed) }
  const import_ = Object.fromEntries(Object.entries(anatomy).map(([name, ms]) => [name, median(ms)]))
  const anatomyOut = { ...import_, bytes: bundles[MIDDY_SECRETS].bytes, runs: anatomy.empty.length }
  return { rows, sdk, anatomy: anatomyOut, breakdown: await breakdown(), ssmOnly: await ssmOnly() }
}
