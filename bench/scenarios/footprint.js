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
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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

/**
 * Bytes of minified output per source file: where the size goes. dist/index.js is already one bundle, so this
 * bundles src/index.ts (esbuild reads the TypeScript) with the same settings; the total matches the dist figure
 * within a few bytes.
 */
const breakdown = async () => {
  const result = await build({
    stdin: { contents: "export { secrets } from './src/index.ts'", resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    external: ENTRIES[MIDDY_SECRETS].external,
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0].inputs)
  return {
    files: inputs
      .map(([file, { bytesInOutput }]) => ({ file, bytes: bytesInOutput }))
      .filter((entry) => entry.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes),
  }
}

/**
 * @param {{ runs: number, progress: (s: string) => void }} o
 * @returns {{ rows: { [id]: { importMedianMs, importMinMs, bundledImportMedianMs, bundledImportMinMs, bytes, gzip } },
 *   sdk: { importMedianMs, importMinMs }, breakdown: { files: { file: string, bytes: number }[] },
 *   size: { readableBytes, readableMedianMs, minifiedBytes, minifiedMedianMs, runs } }}
 */
export const footprint = async ({ runs, progress }) => {
  const ids = Object.keys(SPECIFIERS)
  const bundles = {}
  for (const id of ids) bundles[id] = await bundle(id)
  progress('bundles built')
  const times = Object.fromEntries([...ids, SDK].map((id) => [id, { installed: [], bundled: [] }]))
  const sizes = { readable: { bytes: 0, ms: [] }, minified: { bytes: 0, ms: [] } }
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
    // What size alone costs: the same code, one file each, as built (readable) and minified; 3× the runs,
    // alternating, because the difference is small beside the noise of a child process.
    const built = readFileSync(new URL('../../dist/index.js', import.meta.url))
    const readable = './.bundles/readable.mjs'
    writeFileSync(fileURLToPath(new URL(readable, PROBE_URL)), built)
    sizes.readable.bytes = built.length
    sizes.minified.bytes = bundles[MIDDY_SECRETS].bytes
    for (let r = 0; r < 3 * runs; r++) {
      sizes.readable.ms.push(await importMs(readable, false))
      sizes.minified.ms.push(await importMs(files[MIDDY_SECRETS], false))
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
  const size = {
    readableBytes: sizes.readable.bytes,
    readableMedianMs: median(sizes.readable.ms),
    minifiedBytes: sizes.minified.bytes,
    minifiedMedianMs: median(sizes.minified.ms),
    runs: sizes.readable.ms.length,
  }
  return { rows, sdk, size, breakdown: await breakdown() }
}
