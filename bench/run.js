/**
 * `npm run bench`: middy-secrets beside @middy/ssm, Powertools Parameters and the raw SDK, all against the
 * embedded SSM store with an injected latency. Scenarios (see each file in scenarios/): warm overhead, cold
 * start, steady traffic across refreshes then a store outage, import time and bundle size. Prints the tables
 * and a PASS / FALL SHORT line per target to stdout (progress goes to stderr), writes bench/results.md and
 * bench/chart.svg after a run of every scenario, closes everything and exits by itself.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, platform, release, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { startLocalStore } from 'middy-secrets-local'
import { chart } from './chart.js'
import { MIDDY_SECRETS, powertoolsMaxAge, seed } from './implementations.js'
import {
  breakdownTable,
  coldTable,
  footprintTable,
  outageTable,
  targetLines,
  targets,
  trafficTable,
  warmTable,
  whereTimeGoes,
} from './report.js'
import { cold } from './scenarios/cold.js'
import { footprint } from './scenarios/footprint.js'
import { trafficScenario } from './scenarios/traffic.js'
import { warm } from './scenarios/warm.js'
import { since } from './stats.js'

const SCENARIOS = ['warm', 'cold', 'traffic', 'footprint']
const HELP = `Usage: npm run bench -- [--latency MS] [--quick] [--scenarios LIST]

middy-secrets beside @middy/ssm, Powertools Parameters and the raw SDK, against the embedded SSM store.

  --latency MS       store latency added to every response (default 20)
  --quick            fewer rounds and shorter runs (about a third of the time; rougher figures)
  --scenarios LIST   comma-separated subset of ${SCENARIOS.join(',')} (default: all); results.md and
                     chart.svg are written only when all ran
  -h, --help         this text`

const parsed = (() => {
  try {
    return parseArgs({
      options: {
        latency: { type: 'string', default: '20' },
        quick: { type: 'boolean', default: false },
        scenarios: { type: 'string', default: SCENARIOS.join(',') },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (error) {
    console.error(`bench: ${error.message}\n\n${HELP}`)
    process.exit(2)
  }
})()
if (parsed.help) {
  console.log(HELP)
  process.exit(0)
}
const LATENCY = Number(parsed.latency)
if (!Number.isFinite(LATENCY) || LATENCY < 0 || LATENCY > 1000) {
  console.error(`bench: --latency must be a number of ms from 0 to 1000\n\n${HELP}`)
  process.exit(2)
}
const chosen = parsed.scenarios.split(',').map((s) => s.trim())
const unknown = chosen.filter((s) => !SCENARIOS.includes(s))
if (unknown.length > 0) {
  console.error(`bench: unknown scenario ${unknown.join(', ')}\n\n${HELP}`)
  process.exit(2)
}
const RUN = new Set(chosen)
const QUICK = parsed.quick

const EXPIRY_MS = 300
const SETTINGS = QUICK
  ? {
      warm: { processes: 1, rounds: 5, blockMs: 8, warmUpMs: 100 },
      cold: { rounds: 5 },
      traffic: { rounds: 1, warmMs: 1000, refreshMs: 2000, outageMs: 1500, recoveryMs: 700 },
      footprint: { runs: 3 },
    }
  : {
      warm: { processes: 3, rounds: 6, blockMs: 15, warmUpMs: 200 },
      cold: { rounds: 15 },
      traffic: { rounds: 2, warmMs: 2000, refreshMs: 3000, outageMs: 2000, recoveryMs: 1000 },
      footprint: { runs: 9 },
    }

const progress = (line) => process.stderr.write(`bench: ${line}\n`)

// @middy/ssm stores promises in its cache: one that rejects while no invocation awaits it is an unhandled
// rejection, which would end the process. Count them instead (the traffic scenario reports them).
const unhandled = { count: 0 }
process.on('unhandledRejection', () => {
  unhandled.count++
})
// Process warnings still print (stderr); they are also listed in results.md.
const warnings = new Map()
process.on('warning', (warning) => {
  let key = `${warning.name}: ${String(warning.message).split('\n')[0]}`
  if (warning.name === 'MaxListenersExceededWarning') {
    // Name the compared package whose call added the listeners, from the warning's (async) stack.
    const frame = String(warning.stack)
      .split('\n')
      .find((line) => /\/dist\/[\w-]+\.js|node_modules\/(@middy|@aws-lambda-powertools)\//.test(line))
    if (frame) key += `, raised under ${frame.trim().replace(/^at /, '').replace(`file://${process.cwd()}/`, '')}`
  }
  warnings.set(key, (warnings.get(key) ?? 0) + 1)
})

const started = process.hrtime.bigint()
const results = {}
const store = await startLocalStore({ parameters: seed(), latencyMs: LATENCY })
try {
  if (RUN.has('warm')) {
    progress('warm overhead…')
    results.warm = await warm({ sizes: [1, 10, 50, 200], latencyMs: LATENCY, ...SETTINGS.warm, progress })
  }
  if (RUN.has('cold')) {
    progress('cold start…')
    results.cold = await cold({ store, sizes: [1, 10, 50, 200], ...SETTINGS.cold, progress })
  }
  if (RUN.has('traffic')) {
    progress('steady traffic across refreshes, then an outage…')
    results.traffic = await trafficScenario({
      store,
      n: 50,
      intervalMs: 2,
      expiryMs: EXPIRY_MS,
      slowMs: Math.max(1, LATENCY / 2),
      unhandled,
      progress,
      ...SETTINGS.traffic,
    })
  }
  if (RUN.has('footprint')) {
    progress('import time and bundle size…')
    results.footprint = await footprint({ ...SETTINGS.footprint, progress })
  }
} finally {
  await store.close()
}
const elapsedS = since(started) / 1000

const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
const cpu = cpus()
const machine = {
  node: process.version,
  cpu: `${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
  os: `${platform()} ${release()}`,
  memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
  date: new Date().toISOString(),
}
/** The installed version of a package, from its package.json under node_modules (or the root's own). */
const version = (name) => {
  try {
    const path = name === 'middy-secrets' ? '../package.json' : `../node_modules/${name}/package.json`
    return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')).version
  } catch {
    return 'unknown'
  }
}
const versions = [
  'middy-secrets',
  '@middy/core',
  '@middy/ssm',
  '@aws-lambda-powertools/parameters',
  '@aws-sdk/client-ssm',
  'esbuild',
]
  .map((name) => `${name} ${version(name)}`)
  .join(', ')
const list = targets(results)
const where = whereTimeGoes(results)
const sections = []
if (results.warm) {
  sections.push({
    title: 'Warm overhead per invocation (over the same middy handler with no middleware; median of rounds)',
    body: warmTable(results.warm),
    notes: [
      `Each implementation alone in a process of its own (as in a Lambda function), against its own embedded store: ${SETTINGS.warm.processes} round(s) of processes with the order rotated, ${SETTINGS.warm.rounds} rounds of blocks in each. Blocks of sequential invocations in the order bare, wrapped, wrapped, bare, each sized to about ${SETTINGS.warm.blockMs} ms (at least 200 invocations); a fresh Lambda-like context per invocation. Figure: the median over all rounds.`,
      'Cached values: cacheExpiry 300000 ms (Powertools maxAge 300 s). Ratios are to middy-secrets. "2n stores" is a reference, not an implementation: putting n values on a fresh context and on a fresh object by straight-line code (what any middleware putting values on context and request.internal pays; middy makes request.internal new per invocation, the Lambda runtime the context).',
      ...results.warm
        .filter((w) => w.refetched > 0)
        .map((w) => `n=${w.n}: ${w.refetched} store calls happened during the measurement.`),
    ],
  })
}
if (results.cold) {
  sections.push({
    title: 'Cold start: creating the middleware (and its client) to the first result (minimum / median)',
    body: coldTable(results.cold),
    notes: [
      `${SETTINGS.cold.rounds} rounds after an unrecorded one, implementations rotated. The minimum is the figure compared (the distribution on a shared machine is bimodal). Ratios: middy-secrets to the raw SDK floor, the others to middy-secrets.`,
      `Raw SDK floor: a new SSMClient and GetParameters batches of 10 in parallel. Powertools sends its batches one after another.`,
    ],
  })
}
if (results.traffic) {
  const t = results.traffic
  sections.push(
    {
      title: `Steady traffic across refreshes: ${t.n} parameters, an invocation every ${t.intervalMs} ms`,
      body: trafficTable(t),
      notes: [
        `Warm: ${t.warmMs} ms with a 5-minute expiry. Across refreshes: ${t.refreshMs} ms with cacheExpiry ${t.expiryMs} ms (Powertools maxAge ${t.maxAgeS} s: it keeps whole seconds only, so ${t.expiryMs} ms would mean "already expired"). ${t.rounds} round(s), samples pooled. Store calls per round.`,
      ],
    },
    {
      title: `Store outage: every call HTTP 500 for ${t.outageMs} ms, then ${t.recoveryMs} ms with the store back`,
      body: outageTable(t),
      notes: [
        `The same timeline, right after the refresh phase: values expire during the outage. Invocations are counted by the phase they started in. The SDK's own retries (3 attempts) apply to every implementation.`,
        `Unhandled promise rejections: ${Object.entries(t.rows)
          .map(([id, r]) => `${id} ${r.unhandled}`)
          .join(
            ', ',
          )}. middy-secrets logged ${t.rows[MIDDY_SECRETS].logged?.warn ?? 0} warnings (each key degraded, then recovered) to the logger given.`,
      ],
    },
  )
}
if (results.footprint) {
  sections.push({
    title: 'Import time (after @aws-sdk/client-ssm is loaded) and bundle size',
    body: footprintTable(results.footprint),
    notes: [
      `Import: a fresh child process per run, ${SETTINGS.footprint.runs} runs each, alternating. "As installed" is import('middy-secrets') of dist/ (one module per file); "bundled" the esbuild output below, one file. Ratios are to middy-secrets.`,
      `Bundle: esbuild bundle + minify, ESM, platform node, external @aws-sdk/*, @smithy/* and @middy/* (for @middy/ssm only @middy/core, so that @middy/ssm and @middy/util are counted). middy-secrets: an entry that imports secrets from dist/index.js; the local store is not included. Powertools: SSMProvider.`,
    ],
  })
  sections.push({ title: 'Where the middy-secrets bundle goes', body: breakdownTable(results.footprint), notes: [] })
}

const header = [
  `middy-secrets benchmark: store latency ${LATENCY} ms${QUICK ? ' (quick run)' : ''}`,
  `node ${machine.node}, ${machine.cpu}, ${machine.os}, ${machine.date}; ${elapsedS.toFixed(0)} s`,
].join('\n')
const console_ = [header, '']
for (const s of sections) console_.push(`## ${s.title}`, '', s.body, '')
console_.push('## Targets', '', targetLines(list), '')
if (where.length > 0) console_.push('## Where the time goes', '', ...where.map((line) => `- ${line}`), '')
process.stdout.write(`${console_.join('\n')}\n`)

if (RUN.size === SCENARIOS.length) {
  const md = [
    '# Benchmark results',
    '',
    `Generated by \`${command}\` (bench/run.js). Every implementation talks to the embedded SSM store (\`middy-secrets-local\`) over HTTP with its own new SSMClient; the store adds ${LATENCY} ms to every response.`,
    '',
    '| machine | |',
    '|---|---|',
    `| node | ${machine.node} |`,
    `| CPU | ${machine.cpu} |`,
    `| OS | ${machine.os}, ${machine.memory} |`,
    `| date | ${machine.date} |`,
    `| run time | ${elapsedS.toFixed(0)} s${QUICK ? ' (--quick)' : ''} |`,
    `| versions | ${versions} (middy-secrets: this tree, built by npm run bench) |`,
    '',
  ]
  for (const s of sections) {
    md.push(`## ${s.title}`, '', s.body, '')
    for (const note of s.notes) md.push(`- ${note}`)
    if (s.notes.length > 0) md.push('')
  }
  md.push(
    '## Latency over time',
    '',
    `![Invocation latency over time across refreshes and a store outage](chart.svg)`,
    '',
    '## Targets',
    '',
    '```',
    targetLines(list),
    '```',
    '',
    ...(where.length > 0 ? ['## Where the time goes', '', ...where.map((line) => `- ${line}`), ''] : []),
    '## Notes',
    '',
    `- Powertools' \`maxAge\` is in whole seconds (Date#setSeconds truncates): the refresh and outage runs use ${powertoolsMaxAge(EXPIRY_MS)} s where the others use ${EXPIRY_MS} ms.`,
    "- @middy/ssm keeps its cache in a process-wide object keyed by `cacheKey`: each instance here has its own key. Its refresh timer is not unref'd and re-arms itself, so each instance's cache key is cleared when the instance is done, or the process would not exit. Prefetch is left on (its default), like middy-secrets' fetch at creation.",
    `- Process warnings during the run: ${
      warnings.size === 0
        ? 'none'
        : [...warnings]
            .map(([k, v]) => `${k}${v > 1 ? ` (×${v})` : ''}`)
            .join('; ')
            .replace(/\|/g, '\\|')
    }.`,
    '',
  )
  writeFileSync(new URL('./results.md', import.meta.url), `${md.join('\n')}\n`)
  if (results.traffic)
    writeFileSync(new URL('./chart.svg', import.meta.url), chart(results.traffic, { latencyMs: LATENCY }))
  progress('wrote bench/results.md and bench/chart.svg')
} else {
  progress('a subset of the scenarios ran: results.md and chart.svg left as they were')
}
progress(`done in ${elapsedS.toFixed(1)} s`)

// Everything is closed: the process ends on its own. If a handle were left open, say which and stop anyway.
setTimeout(() => {
  progress(`still running 10 s after the end: ${process.getActiveResourcesInfo().join(', ')}`)
  process.exit(1)
}, 10_000).unref()
