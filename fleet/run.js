#!/usr/bin/env node
/**
 * npm run fleet -- [flags]: simulates a fleet of Lambda containers, each running middy-secrets' own
 * middleware (./dist, via the package's self-reference), against Parameter Store's shared quota.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { chart } from './chart.js'
import {
  APPCONFIG_POLL_FLOOR_S,
  comparison,
  describe,
  markdown,
  plan,
  planAppConfig,
  planDynamoDb,
  text,
} from './report.js'
import { defaults, simulate } from './simulation.js'

const HELP = `Usage: npm run fleet -- [flags]     (or: npm run build && node fleet/run.js [flags])

Simulates a fleet of Lambda containers, each running the package's own middleware (virtual clock,
in-process SSM client), against Parameter Store's per-account quota, and reports store calls per
second, throttling, failed invocations, the rung each invocation was served from, and how long a
rotated value stays unseen. Writes a chart and a markdown page to --out.

Fleet
  --containers N     containers the deploy starts (default ${defaults.containers})
  --ramp S           seconds over which they start, uniformly at random; 0 = all cold at once
                     (Lambda adds at most 1,000 per 10 s on its own) (default ${defaults.ramp})
  --rate R           invocations per second per container, a Poisson process (default ${defaults.rate})
  --lifetime S       mean seconds a container lives (exponential) before it is recycled; a cold
                     replacement starts at once (default ${defaults.lifetime})
  --init MS          ms from a container's start to its first invocation (init phase) (default ${defaults.init})
  --hours H          simulated hours (default ${defaults.hours})

Middleware (each container: secrets({ fetchData, cacheExpiry, jitter, fetchTimeout, ... }))
  --params N         parameters in fetchData, plain names: ceil(N / 10) GetParameters calls a round
                     (default ${defaults.params})
  --expiry S         cacheExpiry in seconds (default ${defaults.expiry})
  --jitter J         jitter, 0..1 (default ${defaults.jitter})
  --first-spread on|off|narrow
                     on: the package as it is (first refresh after a cold start spread over
                     cacheExpiry × min(0.5, 5 × jitter)). off: the package has no switch for it, so
                     this runs jitter 0 — no spread at all, the same as --fixed. narrow: jitter kept,
                     the first refresh only as spread as later ones (emulated through the injected
                     clock). (default ${defaults.firstSpread})
  --fixed            fixed per-container timers: jitter 0 (a baseline to compare against)
  --fetch-timeout MS the middleware's fetchTimeout (default ${defaults.fetchTimeout})
  --env-fallback on|off
                     set each key's deploy-time environment variable before the containers start,
                     so the ladder's env rung has a value (default on)

Store and SDK
  --quota Q          store calls per second for the account, a token bucket with a burst of Q,
                     shared by the fleet; 0 = unlimited (default ${defaults.quota})
  --latency MS       store answer time, ms (default ${defaults.latency})
  --max-attempts N   the SDK's maxAttempts (standard retry strategy) (default ${defaults.maxAttempts})
  --rotate-at S      second at which the first parameter gets a new value (default ${defaults.rotateAt})

Run
  --seed N           seed of every random draw (default ${defaults.seed})
  --out DIR          where fleet.svg and fleet.md go (default fleet-out)
  --check N          compare the simulator's bookkeeping with mw.stats() every N-th invocation
  --compare          run the scenario three ways — as given, --first-spread narrow, --fixed — and
                     write compare.md and one chart each
  --plan             planner: mean and peak calls per second with no quota (demand) for each
                     combination of the lists below; writes plan.md
  --plan-containers  list for --plan (default 100,1000)
  --plan-params      list for --plan (default 10,20,50)
  --plan-expiry      list of seconds for --plan (default 60,300,900)
  --plan-store S     ssm (calls per second against the quota), dynamodb (read capacity units per
                     second: the parameters are items) or appconfig (GetLatestConfiguration calls per
                     second: the parameters are profiles, each polled no sooner than every 15 s)
                     (default ssm)
  --rcu N            for --plan-store dynamodb: the table's read capacity to fit (default 100)
  --rcu-per-item R   RCUs one read of an item costs: 0.5 eventually consistent up to 4 KB, 1 strongly
                     consistent (default 0.5)
  -h, --help         this text
`

const parse = () => {
  try {
    return parseArgs({ options, strict: true }).values
  } catch (error) {
    process.stderr.write(`fleet: ${error.message}\nfleet: --help lists the flags\n`)
    process.exit(2)
  }
}

const options = {
  containers: { type: 'string' },
  params: { type: 'string' },
  expiry: { type: 'string' },
  jitter: { type: 'string' },
  quota: { type: 'string' },
  ramp: { type: 'string' },
  rate: { type: 'string' },
  hours: { type: 'string' },
  latency: { type: 'string' },
  lifetime: { type: 'string' },
  init: { type: 'string' },
  'rotate-at': { type: 'string' },
  seed: { type: 'string' },
  'first-spread': { type: 'string' },
  fixed: { type: 'boolean' },
  'fetch-timeout': { type: 'string' },
  'env-fallback': { type: 'string' },
  'max-attempts': { type: 'string' },
  out: { type: 'string', default: 'fleet-out' },
  check: { type: 'string' },
  compare: { type: 'boolean' },
  plan: { type: 'boolean' },
  'plan-containers': { type: 'string', default: '100,1000' },
  'plan-params': { type: 'string', default: '10,20,50' },
  'plan-expiry': { type: 'string', default: '60,300,900' },
  'plan-store': { type: 'string', default: 'ssm' },
  rcu: { type: 'string', default: '100' },
  'rcu-per-item': { type: 'string', default: '0.5' },
  help: { type: 'boolean', short: 'h' },
}
const args = parse()

if (args.help) {
  process.stdout.write(HELP)
  process.exit(0)
}

const number = (flag) => {
  const raw = args[flag]
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n)) {
    process.stderr.write(`fleet: --${flag} must be a number, got ${JSON.stringify(raw)}\n`)
    process.exit(2)
  }
  return n
}
const onOff = (flag) => {
  const raw = args[flag]
  if (raw === undefined) return undefined
  if (raw !== 'on' && raw !== 'off') {
    process.stderr.write(`fleet: --${flag} must be on or off\n`)
    process.exit(2)
  }
  return raw === 'on'
}
const list = (flag) => args[flag].split(',').map((s) => Number(s.trim()))

const given = {
  containers: number('containers'),
  params: number('params'),
  expiry: number('expiry'),
  jitter: number('jitter'),
  quota: number('quota') === 0 ? Number.POSITIVE_INFINITY : number('quota'),
  ramp: number('ramp'),
  rate: number('rate'),
  hours: number('hours'),
  latency: number('latency'),
  lifetime: number('lifetime'),
  init: number('init'),
  rotateAt: number('rotate-at'),
  seed: number('seed'),
  firstSpread: args['first-spread'],
  fixed: args.fixed,
  fetchTimeout: number('fetch-timeout'),
  envFallback: onOff('env-fallback'),
  maxAttempts: number('max-attempts'),
  check: number('check'),
}
const scenario = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))
const command = `node fleet/run.js ${process.argv.slice(2).join(' ')}`.trim()
const out = args.out
mkdirSync(out, { recursive: true })
const write = (name, content) => {
  writeFileSync(join(out, name), content)
  return join(out, name)
}

const run = async (options) => {
  try {
    return await simulate(options)
  } catch (error) {
    process.stderr.write(`${error.message}\n`)
    process.exit(2)
  }
}

if (args.plan) {
  const store = args['plan-store']
  if (!['ssm', 'dynamodb', 'appconfig'].includes(store)) {
    process.stderr.write('fleet: --plan-store must be ssm, dynamodb or appconfig\n')
    process.exit(2)
  }
  const entries = []
  const base = { ...scenario, quota: Number.POSITIVE_INFINITY }
  for (const containers of list('plan-containers')) {
    for (const params of list('plan-params')) {
      for (const expiry of list('plan-expiry')) {
        // AppConfig refuses a poll sooner than its interval: the package clamps such a cacheExpiry, so does the plan.
        const cycle = store === 'appconfig' ? Math.max(APPCONFIG_POLL_FLOOR_S, expiry) : expiry
        const result = await run({ ...base, containers, params, expiry: cycle })
        entries.push({ containers, params, expiry, result })
        process.stderr.write(
          `  ${containers} × ${params} × ${expiry} s: ${result.calls.steady.mean.toFixed(2)} calls/s\n`,
        )
      }
    }
  }
  const quota = scenario.quota !== undefined && Number.isFinite(scenario.quota) ? scenario.quota : defaults.quota
  const first = entries[0].result
  const dynamodb = store === 'dynamodb'
  const table = dynamodb
    ? planDynamoDb(entries, number('rcu'), number('rcu-per-item'))
    : store === 'appconfig'
      ? planAppConfig(entries, quota)
      : plan(entries, quota)
  const intro =
    `Demand with no quota (every call answered): ${describe(first).replace(/^[^,]+, [^,]+, cacheExpiry [^,]+, /, '')}. ` +
    '"After the 1st cycle" is from ramp + cacheExpiry to the end; the deploy peak is the cold fetches of the containers starting together.' +
    (dynamodb
      ? ` DynamoDB: each refresh reads every item once, at ${number('rcu-per-item')} RCU per item; on a provisioned table the deploy peak is what burst capacity (up to 300 s of unused capacity) must absorb.`
      : store === 'appconfig'
        ? ` AppConfig: profiles are not batched (one GetLatestConfiguration each per cycle), a cycle is never shorter than the ${APPCONFIG_POLL_FLOOR_S} s poll interval, and a cold start adds one StartConfigurationSession per profile; check the quota against your account's AppConfig Data quotas (Service Quotas).`
        : '')
  process.stdout.write(`${intro}\n\n${table}\n`)
  const path = write('plan.md', `# Planner\n\n\`\`\`sh\n${command}\n\`\`\`\n\n${intro}\n\n${table}\n`)
  process.stdout.write(`\nwrote ${path}\n`)
} else if (args.compare) {
  const variants = [
    { label: 'as given', name: 'given', options: scenario },
    {
      label: 'first spread narrow (jitter only)',
      name: 'narrow',
      options: { ...scenario, firstSpread: 'narrow', fixed: false },
    },
    { label: 'fixed timers (jitter 0; also --first-spread off)', name: 'fixed', options: { ...scenario, fixed: true } },
  ]
  const entries = []
  for (const variant of variants) {
    const result = await run(variant.options)
    entries.push({ label: variant.label, result })
    write(
      `fleet-${variant.name}.svg`,
      chart(result, { title: `${variant.label}: ${describe(result).split(', quota')[0]}` }),
    )
    process.stdout.write(`${variant.label}\n${text(result)}\n\n`)
  }
  const table = comparison(entries)
  process.stdout.write(`${table}\n`)
  const charts = variants.map((v) => `![${v.label}](fleet-${v.name}.svg)`).join('\n\n')
  const path = write(
    'compare.md',
    `# Fleet comparison\n\n\`\`\`sh\n${command}\n\`\`\`\n\n${describe(entries[0].result)}\n\n${table}\n\n${charts}\n`,
  )
  process.stdout.write(`\nwrote ${path}\n`)
} else {
  const result = await run(scenario)
  process.stdout.write(`${text(result)}\n`)
  const svg = write('fleet.svg', chart(result))
  const md = write('fleet.md', markdown(result, command))
  process.stdout.write(`\nwrote ${svg} and ${md}\n`)
}
