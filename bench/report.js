/**
 * Turns the scenarios' results into tables (padded Markdown, so the same text reads well in a terminal and in
 * results.md), the ratio of each competitor to middy-secrets, and a PASS / FALL SHORT line per target.
 */
import { CREATE_SECRETS, MIDDY_SECRETS, MIDDY_SSM, POWERTOOLS, RAW_SDK } from './implementations.js'
import { HARDENED, WITH_ENV } from './scenarios/warm.js'
import { bytes, duration, ratio } from './stats.js'

const us = (ns) => duration(ns / 1e6)

/** A Markdown table padded to column widths; `right` marks right-aligned columns. */
export const table = (headers, rows, right = headers.map((_, i) => i > 0)) => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const cell = (v, i) => (right[i] ? String(v).padStart(widths[i]) : String(v).padEnd(widths[i]))
  const line = (cells) => `| ${cells.map(cell).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`
  return [line(headers), rule, ...rows.map(line)].join('\n')
}

const withRatio = (value, base, text) => `${text} (${ratio(value, base)})`
const uniq = (list) => [...new Set(list)].join('/')

export const warmTable = (warm) =>
  table(
    [
      'parameters',
      'bare middy',
      '2n stores',
      MIDDY_SECRETS,
      'no code generation',
      'setToEnv',
      CREATE_SECRETS,
      MIDDY_SSM,
      POWERTOOLS,
    ],
    warm.map(({ n, rows, storesNs }) => {
      const base = rows[MIDDY_SECRETS].overheadNs
      return [
        n,
        us(rows[MIDDY_SECRETS].bareNs),
        us(storesNs),
        us(base),
        us(rows[HARDENED].overheadNs),
        us(rows[WITH_ENV].overheadNs),
        us(rows[CREATE_SECRETS].overheadNs),
        withRatio(rows[MIDDY_SSM].overheadNs, base, us(rows[MIDDY_SSM].overheadNs)),
        withRatio(rows[POWERTOOLS].overheadNs, base, us(rows[POWERTOOLS].overheadNs)),
      ]
    }),
  )

export const coldTable = (cold) =>
  table(
    ['parameters', `${RAW_SDK} floor`, MIDDY_SECRETS, MIDDY_SSM, POWERTOOLS],
    cold.map(({ n, rows }) => {
      const floor = rows[RAW_SDK].minMs
      const base = rows[MIDDY_SECRETS].minMs
      const cell = (id, vs) =>
        `${duration(rows[id].minMs)} / ${duration(rows[id].medianMs)}, ${uniq(rows[id].calls)} calls (${ratio(rows[id].minMs, vs)})`
      return [
        n,
        `${duration(floor)} / ${duration(rows[RAW_SDK].medianMs)}, ${uniq(rows[RAW_SDK].calls)} calls`,
        cell(MIDDY_SECRETS, floor),
        cell(MIDDY_SSM, base),
        cell(POWERTOOLS, base),
      ]
    }),
  )

export const trafficTable = (traffic) => {
  const base = traffic.rows[MIDDY_SECRETS]
  return table(
    [
      '',
      'warm p50 / p99 / max',
      'across refreshes p50 / p99 / max',
      'p99 − warm p99',
      `waited ≥ ${duration(traffic.slowMs)}`,
      'store calls',
    ],
    Object.entries(traffic.rows).map(([id, r]) => [
      id,
      `${duration(r.warm.p50)} / ${duration(r.warm.p99)} / ${duration(r.warm.max)}`,
      `${duration(r.refresh.p50)} / ${duration(r.refresh.p99)} / ${duration(r.refresh.max)}` +
        (id === MIDDY_SECRETS ? '' : ` (p99 ${ratio(r.refresh.p99, base.refresh.p99)})`),
      duration(r.refresh.p99 - r.warm.p99),
      `${r.refresh.slow} of ${r.refresh.invocations}`,
      r.calls.refresh.join(' + '),
    ]),
    [false, true, true, true, true, true],
  )
}

export const outageTable = (traffic) =>
  table(
    ['', 'failed during the outage', 'failed after it', 'p99 during the outage', 'store calls during the outage'],
    Object.entries(traffic.rows).map(([id, r]) => [
      id,
      `${r.outage.failed} of ${r.outage.invocations}`,
      `${r.recovery.failed} of ${r.recovery.invocations}`,
      duration(r.outage.p99),
      r.calls.outage.join(' + '),
    ]),
    [false, true, true, true, true],
  )

export const footprintTable = (fp) => {
  const base = fp.rows[MIDDY_SECRETS]
  return table(
    ['', 'import, as installed (median / min)', 'import, bundled (median)', 'minified', 'gzip'],
    [
      ...Object.entries(fp.rows).map(([id, r]) => [
        id,
        `${duration(r.importMedianMs)} / ${duration(r.importMinMs)}` +
          (id === MIDDY_SECRETS ? '' : ` (${ratio(r.importMedianMs, base.importMedianMs)})`),
        duration(r.bundledImportMedianMs),
        `${bytes(r.bytes)}${id === MIDDY_SECRETS ? '' : ` (${ratio(r.bytes, base.bytes)})`}`,
        bytes(r.gzip),
      ]),
      [
        '@aws-sdk/client-ssm itself, for scale',
        `${duration(fp.sdk.importMedianMs)} / ${duration(fp.sdk.importMinMs)}`,
        '—',
        'external',
        '—',
      ],
    ],
    [false, true, true, true, true],
  )
}

export const breakdownTable = (fp) =>
  table(
    ['source file', 'loaded', 'minified bytes'],
    fp.breakdown.files.map((b) => [b.file, b.loaded, b.bytes]),
    [false, false, true],
  )

/** Each target: { name, pass, detail }. Only the targets whose scenario ran. */
export const targets = ({ warm, cold, traffic, footprint }) => {
  const out = []
  const w50 = warm?.find((w) => w.n === 50)
  if (w50) {
    const ms = w50.rows[MIDDY_SECRETS].overheadNs
    const ssm = w50.rows[MIDDY_SSM].overheadNs
    out.push(
      { name: 'warm overhead ≤ 1 µs per invocation, 50 parameters on context', pass: ms <= 1000, detail: us(ms) },
      {
        name: "warm overhead ≥ 20× lower than @middy/ssm's (50 parameters)",
        pass: ssm >= 20 * ms,
        detail: `${us(ssm)} vs ${us(ms)}: ${ratio(ssm, ms)}`,
      },
    )
    const hardened = w50.rows[HARDENED].overheadNs
    out.push({
      name: 'warm overhead ≤ 2 µs where code generation is refused (50 parameters)',
      pass: hardened <= 2000,
      detail: us(hardened),
    })
    const env = w50.rows[WITH_ENV].overheadNs
    out.push({ name: 'warm overhead ≤ 5 µs with setToEnv, steady state (50)', pass: env <= 5000, detail: us(env) })
    const get = w50.rows[CREATE_SECRETS].overheadNs
    out.push({ name: 'warm await get() ≤ 1 µs without middy (50 parameters)', pass: get <= 1000, detail: us(get) })
  }
  for (const { n, rows } of cold ?? []) {
    const floor = rows[RAW_SDK].minMs
    const ms = rows[MIDDY_SECRETS].minMs
    const wanted = Math.ceil(n / 10)
    const calls = rows[MIDDY_SECRETS].calls
    out.push({
      name: `cold start ≤ 1.1× the raw SDK floor with ⌈n/10⌉ = ${wanted} calls (${n} parameters)`,
      pass: ms <= 1.1 * floor && calls.every((c) => c === wanted),
      detail: `${duration(ms)} vs ${duration(floor)}: ${ratio(ms, floor)}, ${uniq(calls)} calls (minimum of ${calls.length} rounds)`,
    })
  }
  if (traffic) {
    const r = traffic.rows[MIDDY_SECRETS]
    out.push(
      {
        name: `p99 across refreshes within 1 ms of the warm p99 (${traffic.n})`,
        pass: r.refresh.p99 - r.warm.p99 <= 1,
        detail: `${duration(r.refresh.p99)} vs ${duration(r.warm.p99)}`,
      },
      {
        name: `zero failed invocations in the outage (${traffic.n})`,
        pass: r.refresh.failed === 0 && r.outage.failed === 0 && r.recovery.failed === 0,
        detail: `${r.outage.failed} of ${r.outage.invocations} during, ${r.recovery.failed} of ${r.recovery.invocations} after`,
      },
    )
  }
  if (footprint) {
    const r = footprint.rows[MIDDY_SECRETS]
    out.push(
      {
        name: "import('middy-secrets') < 5 ms after the SDK (median)",
        pass: r.importMedianMs < 5,
        detail: `${duration(r.importMedianMs)} as installed; bundled ${duration(r.bundledImportMedianMs)}`,
      },
      {
        name: "bundled import after the SDK no slower than @middy/ssm's (median)",
        pass: r.bundledImportMedianMs <= footprint.rows[MIDDY_SSM].bundledImportMedianMs,
        detail: `${duration(r.bundledImportMedianMs)} vs ${duration(footprint.rows[MIDDY_SSM].bundledImportMedianMs)}`,
      },
      {
        name: 'an SSM-only handler loads no Secrets Manager code (esbuild, splitting)',
        pass: footprint.ssmOnly ? !footprint.ssmOnly.secretsManagerCodeLoaded : false,
        detail: footprint.ssmOnly
          ? `${bytes(footprint.ssmOnly.atImport.bytes)} at import, ${bytes(footprint.ssmOnly.onFirstFetch.bytes)} at the first fetch, ${bytes(footprint.ssmOnly.neverLoaded.bytes)} of Secrets Manager code never loaded`
          : 'not measured',
      },
      {
        name: 'bundle < 10 KB minified',
        pass: r.bytes < 10 * 1024,
        detail: `${bytes(r.bytes)} (${bytes(r.gzip)} gzip)`,
      },
    )
  }
  return out
}

export const targetLines = (list) =>
  list.map((t) => `${t.pass ? 'PASS       ' : 'FALL SHORT '} ${t.name}: ${t.detail}`).join('\n')

/** Where middy-secrets' time and bytes go, from the figures of this run. */
export const whereTimeGoes = ({ warm, footprint }) => {
  const lines = []
  for (const { n, rows, storesNs } of warm ?? []) {
    const overhead = rows[MIDDY_SECRETS].overheadNs
    lines.push(
      `Warm, ${n} parameters: ${us(overhead)} overhead, of which ${us(storesNs)} is the 2n stores themselves (the reference) and ${us(overhead - storesNs)} the rest: the before hook's freshness check (one clock read and a comparison) and middy core awaiting the hook.`,
    )
  }
  if (warm?.length > 1) {
    const small = warm[0]
    const big = warm.at(-1)
    lines.push(
      `The stores grow faster than n (reference ${us(small.storesNs)} at ${small.n}, ${us(big.storesNs)} at ${big.n}): adding many properties to a fresh object grows its property storage again and again. The Lambda runtime makes a new context and middy a new request.internal for every invocation, so every value is a property added twice per invocation.`,
    )
  }
  if (footprint) {
    const r = footprint.rows[MIDDY_SECRETS]
    const { files } = footprint.breakdown
    const a = footprint.anatomy
    const kb = a.bytes / 1024
    // Measured in this run: what a KB of our minified code costs at import, pre-parsing alone and all in.
    const preparsePerKb = (a.preparseOnly - a.empty) / kb
    const allInPerKb = (a.bundled - a.empty) / kb
    const budget = a.middySsm - a.empty
    lines.push(
      `Import: ${duration(r.importMedianMs)} as installed (dist/index.js is one module; each store's code is a module of its own, loaded at the first fetch of a map that names the store) and ${duration(r.bundledImportMedianMs)} bundled again by the user's esbuild, against ${duration(footprint.rows[MIDDY_SSM].bundledImportMedianMs)} for @middy/ssm's ${bytes(footprint.rows[MIDDY_SSM].bytes)}. Neither store's SDK client is imported until a map names the store.`,
      `Bundle: ${bytes(files.filter((f) => f.loaded === 'at import').reduce((sum, f) => sum + f.bytes, 0))} minified at import; by source file: ${files
        .map(
          (f) => `${f.file.replace(/^src\//, '')} ${bytes(f.bytes)}${f.loaded === 'at import' ? '' : ` (${f.loaded})`}`,
        )
        .join(', ')}.`,
      `Anatomy of a bundled import (medians of ${a.runs} alternating runs each): any module ${duration(a.empty)}; a module that only imports the SSM client, already loaded, ${duration(a.sdkOnly)} (@middy/ssm pays this for its static import of the SDK; middy-secrets resolves the SDK later, when a map names the store); our ${bytes(a.bytes)} of code inside a function that never runs ${duration(a.preparseOnly)} (V8 only pre-parses it: ${Math.round(preparsePerKb * 1000)} µs per KB); the bundle itself ${duration(a.bundled)} (${Math.round(allInPerKb * 1000)} µs per KB all in, with parsing and running its top level); @middy/ssm's ${duration(a.middySsm)}. At ${Math.round(allInPerKb * 1000)} µs per KB, importing no slower than @middy/ssm would need at most ${bytes(Math.max(0, (budget / allInPerKb) * 1024))} in the one file, against ${duration(footprint.sdk.importMedianMs)} to import the SSM client itself.`,
    )
  }
  return lines
}
