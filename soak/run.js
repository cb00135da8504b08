/**
 * `npm run soak`: a simulated day of traffic against the local store's engine, on a virtual clock.
 *
 * Many middleware instances (each a function with its own map and options, recycled now and then like Lambda
 * execution environments) are invoked every 10–60 s of virtual time while a seeded schedule breaks the store:
 * outages of minutes to hours (HTTP 500, throttling, unreachable, hung connections), throttling bursts, names
 * denied by IAM or KMS, parameters deleted and re-created, and values rotated every couple of minutes.
 *
 * The middleware gets an in-process client bound to the engine instead of SSMClient over HTTP: the only stand-in
 * for the wire in this repository, so a day runs in seconds. It prints the figures, checks each against a bound
 * derived from the options, and exits 1 on any violation. The seed makes a failure replay exactly.
 */
import { parseArgs } from 'node:util'
import { SecretsError, secrets } from 'middy-secrets'
// The package's own policy, not a copy of its formulas: the backoff cap and what counts as the store's answer.
import { backoffCap, isAnswer } from '../dist-internal/policy.js'
import { between, exponential, pick, streams } from './random.js'
import { createEngine, createWorld, NAMES, PATHS, SEVERITY, schedule, versionedValue, versionOf } from './world.js'

const HELP = `Usage: npm run soak -- [--seed N] [--instances N] [--hours N]

A simulated day of traffic for many middy-secrets instances against the embedded store's engine, with
outages, throttling, denials, deletions and rotations drawn from a seeded PRNG. Prints invocations,
failures, values served by rung, store calls, the longest a rotated value stayed unseen and the largest
staleness served, checks each against a bound derived from the options, and exits 1 on a violation.

  --seed N        PRNG seed (default 1): the same seed replays the same day
  --instances N   middleware instances (default 50)
  --hours N       virtual hours (default 24)
  -h, --help      this text`

const parsed = (() => {
  try {
    return parseArgs({
      options: {
        seed: { type: 'string', default: '1' },
        instances: { type: 'string', default: '50' },
        hours: { type: 'string', default: '24' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (error) {
    console.error(`soak: ${error.message}\n\n${HELP}`)
    process.exit(2)
  }
})()
if (parsed.help) {
  console.log(HELP)
  process.exit(0)
}
const number = (name, min) => {
  const n = Number(parsed[name])
  if (!Number.isFinite(n) || n < min) {
    console.error(`soak: --${name} must be a number ≥ ${min}\n\n${HELP}`)
    process.exit(2)
  }
  return n
}
const SEED = Math.floor(number('seed', 0))
const INSTANCES = Math.floor(number('instances', 1))
const HOURS = number('hours', 0.1)

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DURATION = HOURS * HOUR
const START = Date.UTC(2025, 0, 1)
const JITTER = 0.1
const FETCH_TIMEOUT = 2_000
const GAP = [10 * SECOND, 60 * SECOND]
const envName = (key, relative) => `${key}_${relative.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`

const wallStart = performance.now()
const rand = streams(SEED)
let t = 0 // virtual ms since START
const { engine, members } = createEngine(rand('engine'), () => START + t)
const { windows, rotations } = schedule(rand('faults'), DURATION, Object.values(members).flat())
const world = createWorld(engine, rand('store'))
const versions = new Map([...NAMES, ...Object.values(members).flat()].map((name) => [name, 1]))

const violations = []
const violation = (message) => {
  if (violations.length < 1_000) violations.push(`t=${fmt(t)}: ${message}`)
}
const fmt = (ms) => {
  const s = Math.round(ms / SECOND)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

// ---------------------------------------------------------------------------------------------------------------
// The fleet: each instance a function with its own map and options; 60 % have a deploy-time variable for every
// required key ("covered": they must never fail), the rest none ("bare": they may fail only when no stored value
// is left within staleIfError).

const instances = Array.from({ length: INSTANCES }, (_, k) => {
  const r = rand(`instance-${k}`)
  const covered = r() < 0.6
  const prefix = `${covered ? 'C' : 'B'}${k}`
  const entries = []
  const nameKeys = 2 + Math.floor(r() * 10)
  for (let j = 0; j < nameKeys; j++) entries.push({ key: `${prefix}_K${j}`, kind: 'name', name: pick(r, NAMES) })
  if (r() < 0.4) entries.push({ key: `${prefix}_DB`, kind: 'path', name: pick(r, PATHS) })
  if (r() < 0.2) entries.push({ key: `${prefix}_OPT`, kind: 'optional', name: '/soak/never-created' })
  for (const entry of entries) {
    entry.members = entry.kind === 'path' ? members[entry.name] : entry.kind === 'name' ? [entry.name] : []
    if (covered && entry.kind !== 'optional') {
      entry.deployTime =
        entry.kind === 'path' ? JSON.stringify({ fallback: `deploy:${entry.key}` }) : `deploy:${entry.key}`
      process.env[entry.key] = entry.deployTime
    }
  }
  const names = new Set(entries.flatMap((entry) => entry.members))
  const distinct = new Set(entries.filter((e) => e.kind === 'name').map((e) => e.name)).size
  const pages = entries.filter((e) => e.kind === 'path').reduce((n, e) => n + Math.ceil(e.members.length / 10), 0)
  return {
    k,
    covered,
    entries,
    names,
    // Every name alone (a denied batch is split) plus every page of every path.
    maxCallsPerRound: distinct + pages,
    setToEnv: r() < 0.2,
    cacheExpiry: pick(r, [MINUTE, 5 * MINUTE, 15 * MINUTE]),
    staleIfError: pick(r, [30 * MINUTE, 2 * HOUR, 24 * HOUR]),
    staleWhileRevalidate: r() < 0.25 ? 2 * MINUTE : 0,
    rng: r,
    clockRandom: rand(`clock-${k}`),
    nextAt: r() * GAP[1],
    lastAt: undefined,
    maxGap: 0,
    container: undefined,
    recycleAt: 0,
    pending: [],
    fetches: new Map(),
    invocations: 0,
    failed: 0,
  }
})

/** Merged intervals in which something in the store failed for an instance's names (or for everyone). */
const faultIntervals = (inst) => {
  const mine = windows
    .filter((w) => w.type === 'outage' || w.type === 'burst' || w.names.some((n) => inst.names.has(n)))
    .map((w) => [w.start, w.end])
    .sort((a, b) => a[0] - b[0])
  const merged = []
  for (const [start, end] of mine) {
    const last = merged.at(-1)
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else merged.push([start, end])
  }
  return merged
}
for (const inst of instances) inst.faults = faultIntervals(inst)

/** The end of the last fault affecting `inst` that overlaps [from, to], or undefined if none does. */
const faultEnd = (inst, from, to) => {
  let end
  for (const [s, e] of inst.faults) if (s <= to && e >= from) end = Math.max(end ?? e, e)
  return end
}

/** Whether the store answered no (deleted, denied) for one of these names at some time in [from, to]. */
const answeredBetween = (names, from, to) =>
  windows.some(
    (w) =>
      (w.type === 'denied' || w.type === 'deleted') &&
      w.start <= to &&
      w.end >= from &&
      w.names.some((n) => names.includes(n)),
  )

/** A new execution environment: a cold start with a fresh middleware. */
const boot = (inst) => {
  // Records, per parameter (or path) this instance asks for, when it was fetched and whether that worked.
  const record = (id, ok) => {
    if (!inst.fetches.has(id)) inst.fetches.set(id, [])
    inst.fetches.get(id).push({ at: t, ok, boot: inst.bootedAt === t })
  }
  class Attributed extends world.Client {
    async send(command, options) {
      const input = command.input
      const ids = input.Names ?? [input.Path]
      const situation = world.situation(inst.names)
      callsIn[situation]++
      // Calls at one virtual instant belong to one round (the client answers before time moves on).
      if (inst.lastCallAt !== t) roundsIn[situation]++
      inst.lastCallAt = t
      try {
        const output = await super.send(command, options)
        // A path counts once its last page is in.
        if (!output.NextToken) for (const id of ids) record(id, true)
        return output
      } catch (error) {
        for (const id of ids) record(id, false)
        throw error
      }
    }
  }
  inst.bootedAt = t
  inst.container = {
    mw: secrets({
      fetchData: Object.fromEntries(
        inst.entries.map((e) => [e.key, e.kind === 'optional' ? { name: e.name, required: false } : e.name]),
      ),
      setToEnv: inst.setToEnv,
      cacheExpiry: inst.cacheExpiry,
      staleIfError: inst.staleIfError,
      staleWhileRevalidate: inst.staleWhileRevalidate,
      jitter: JITTER,
      fetchTimeout: FETCH_TIMEOUT,
      AwsClient: Attributed,
      clock: { now: () => START + t, random: inst.clockRandom },
      logger: {},
    }),
    lastGood: new Map(),
    lastVersion: new Map(),
  }
  inst.recycleAt = t + exponential(inst.rng, 8 * HOUR)
  cold++
}

// ---------------------------------------------------------------------------------------------------------------

const served = { fresh: 0, stale: 0, env: 0, missing: 0, optional: 0 }
const worst = { fresh: 0, freshRatio: 0, stale: 0, staleRatio: 0, unseenHealthy: 0, unseenFault: 0 }
let invocations = 0
let failed = 0
let cold = 0
let rotationsDone = 0
// Store calls and invocations by what was failing for the function at the time.
const callsIn = Object.fromEntries(SEVERITY.map((s) => [s, 0]))
const roundsIn = Object.fromEntries(SEVERITY.map((s) => [s, 0]))
const invocationsIn = Object.fromEntries(SEVERITY.map((s) => [s, 0]))

/** A rotation (or a re-created parameter): every instance reading it should see it within the bound. */
const rotate = (name) => {
  const version = versions.get(name) + 1
  versions.set(name, version)
  engine.put(name, versionedValue(name, version))
  rotationsDone++
  for (const inst of instances) {
    if (!inst.names.has(name)) continue
    for (const entry of inst.entries) {
      if (!entry.members.includes(name)) continue
      const relative = entry.kind === 'path' ? name.slice(entry.name.length) : undefined
      inst.pending.push({ entry, relative, name, version, at: t })
    }
  }
}

/** How long a rotation may stay unseen by `inst`: the refresh schedule, plus any fault it had to wait out. */
const unseenBound = (inst, at, seenAt) => {
  const gap = GAP[1]
  const healthy = inst.cacheExpiry + FETCH_TIMEOUT + gap + (inst.staleWhileRevalidate > 0 ? gap : 0)
  // A fault shortly before the rotation can leave the instance in backoff; one during it delays the refresh.
  const end = faultEnd(inst, at - inst.cacheExpiry - backoffCap(inst.cacheExpiry) - gap, seenAt)
  if (end === undefined) return { healthy: true, bound: healthy }
  const recovery = backoffCap(inst.cacheExpiry) + inst.cacheExpiry + inst.staleWhileRevalidate + FETCH_TIMEOUT
  return { healthy: false, bound: Math.max(0, end - at) + recovery + 2 * gap }
}

const valueFor = (entry, relative, context) =>
  entry.kind === 'path' ? context[entry.key]?.[relative] : context[entry.key]

const invoke = async (inst) => {
  if (!inst.container || t >= inst.recycleAt) boot(inst)
  if (inst.lastAt !== undefined) inst.maxGap = Math.max(inst.maxGap, t - inst.lastAt)
  inst.lastAt = t
  const { mw, lastGood, lastVersion } = inst.container
  const req = { event: {}, context: { getRemainingTimeInMillis: () => 30_000 }, internal: {} }
  const callsBefore = world.calls
  let error
  try {
    const out = mw.before(req)
    if (out) await out
  } catch (e) {
    error = e
  }
  // Stats now, before a background round started by this invocation lands.
  const stats = mw.stats()
  // Let that round land before virtual time moves on: the client answers in microtasks.
  await new Promise((resolve) => setImmediate(resolve))
  invocations++
  inst.invocations++
  if (world.calls - callsBefore > 2 * inst.maxCallsPerRound) {
    violation(`instance ${inst.k}: one invocation made ${world.calls - callsBefore} store calls`)
  }

  const missing = []
  for (const entry of inst.entries) {
    const key = stats.keys[entry.key]
    const rung = key?.rung
    if (entry.kind === 'optional') {
      served.optional++
      continue
    }
    served[rung] = (served[rung] ?? 0) + 1
    if (rung === 'fresh') {
      const bound = inst.cacheExpiry + inst.staleWhileRevalidate + FETCH_TIMEOUT
      worst.fresh = Math.max(worst.fresh, key.ageMs)
      worst.freshRatio = Math.max(worst.freshRatio, key.ageMs / bound)
      if (key.ageMs > bound)
        violation(`instance ${inst.k} ${entry.key}: fresh at age ${fmt(key.ageMs)} > ${fmt(bound)}`)
    } else if (rung === 'stale') {
      // An answer (deleted, denied) ends stale service at once: stale is for faults only.
      if (key.reason !== undefined && isAnswer(key.reason)) {
        violation(`instance ${inst.k} ${entry.key}: stale though the store answered ${key.reason}`)
      }
      const bound = inst.cacheExpiry + inst.staleIfError
      worst.stale = Math.max(worst.stale, key.ageMs)
      worst.staleRatio = Math.max(worst.staleRatio, key.ageMs / bound)
      if (key.ageMs > bound)
        violation(`instance ${inst.k} ${entry.key}: stale at age ${fmt(key.ageMs)} > ${fmt(bound)}`)
    } else if (rung === 'env') {
      if (entry.deployTime === undefined) violation(`instance ${inst.k} ${entry.key}: env rung without a variable`)
    } else if (rung === 'missing') {
      missing.push(entry.key)
      if (entry.deployTime !== undefined) violation(`instance ${inst.k} ${entry.key}: missing though a variable exists`)
      const good = lastGood.get(entry.key)
      // Missing with a servable value is a violation unless the store answered (deleted, denied) since: an answer
      // ends stale service, and a fault after it does not bring the value back.
      const answered =
        (key.reason !== undefined && isAnswer(key.reason)) ||
        (good !== undefined && answeredBetween(entry.members, good, t))
      if (good !== undefined && good + inst.cacheExpiry + inst.staleIfError > t && !answered) {
        violation(`instance ${inst.k} ${entry.key}: missing while a value fetched ${fmt(t - good)} ago was servable`)
      }
    } else violation(`instance ${inst.k} ${entry.key}: rung ${rung}`)
    if (rung === 'fresh' || rung === 'stale') lastGood.set(entry.key, t - key.ageMs)
  }

  if (error !== undefined) {
    failed++
    inst.failed++
    if (!(error instanceof SecretsError) || error.code !== 'UNAVAILABLE') {
      violation(`instance ${inst.k}: ${error?.name} ${error?.code}: ${error?.message}`)
    } else if ([...error.keys].sort().join() !== missing.sort().join()) {
      violation(`instance ${inst.k}: the error names ${error.keys} but ${missing} had no value`)
    } else if (error.keys.some((key) => error.reasons[key] === undefined)) {
      violation(`instance ${inst.k}: the error gives no reason for some of ${error.keys}`)
    }
    return
  }
  if (missing.length > 0) violation(`instance ${inst.k}: ${missing} had no value, yet the invocation went on`)

  for (const entry of inst.entries) {
    const rung = stats.keys[entry.key]?.rung
    const value = req.context[entry.key]
    if (rung === 'env') {
      const expected = entry.kind === 'path' ? JSON.parse(entry.deployTime) : entry.deployTime
      if (JSON.stringify(value) !== JSON.stringify(expected)) violation(`instance ${inst.k} ${entry.key}: env value`)
    }
    if (rung === 'fresh' || rung === 'stale') {
      // Never back in time: a key's version only grows within one execution environment.
      for (const name of entry.members) {
        const relative = entry.kind === 'path' ? name.slice(entry.name.length) : undefined
        const version = versionOf(valueFor(entry, relative, req.context))
        const id = `${entry.key}\0${name}`
        if (version === undefined) {
          if (entry.kind === 'name') violation(`instance ${inst.k} ${entry.key}: not a stored value`)
          continue
        }
        if (version < (lastVersion.get(id) ?? 0)) violation(`instance ${inst.k} ${entry.key}: went back a version`)
        lastVersion.set(id, version)
      }
    }
    if (inst.setToEnv) {
      const raw = rung === 'env' ? entry.deployTime : value
      if (entry.kind === 'path' && raw !== undefined) {
        const object = typeof raw === 'string' ? JSON.parse(raw) : raw
        for (const [relative, v] of Object.entries(object)) {
          if (process.env[envName(entry.key, relative)] !== v) violation(`instance ${inst.k} ${entry.key}: env var`)
        }
      } else if (entry.kind !== 'path' && process.env[entry.key] !== raw) {
        violation(`instance ${inst.k} ${entry.key}: process.env does not hold the served value`)
      }
    }
  }

  inst.pending = inst.pending.filter((p) => {
    const version = versionOf(valueFor(p.entry, p.relative, req.context))
    if (version === undefined || version < p.version) return true
    const unseen = t - p.at
    const { healthy, bound } = unseenBound(inst, p.at, t)
    if (healthy) worst.unseenHealthy = Math.max(worst.unseenHealthy, unseen)
    else worst.unseenFault = Math.max(worst.unseenFault, unseen)
    if (unseen > bound) {
      violation(
        `instance ${inst.k} ${p.name} v${p.version}: unseen for ${fmt(unseen)} > ${fmt(bound)} (${healthy ? 'store healthy' : 'across faults'})`,
      )
    }
    return false
  })
}

// ---------------------------------------------------------------------------------------------------------------
// The day: store events and invocations in virtual-time order.

const events = []
for (const w of windows) {
  events.push({
    at: w.start,
    apply: () => {
      world.active.push(w)
      if (w.type === 'deleted') {
        for (const name of w.names) {
          if (engine.resolve(name)) engine.delete(name)
          world.deleted.add(name)
        }
      }
    },
  })
  events.push({
    at: w.end,
    apply: () => {
      world.active.splice(world.active.indexOf(w), 1)
      if (w.type === 'deleted') {
        for (const name of w.names) {
          // Deleted by more than one window at a time: re-created when the last one ends.
          if (world.active.some((o) => o.type === 'deleted' && o.names.includes(name))) continue
          world.deleted.delete(name)
          rotate(name)
        }
      }
    },
  })
}
for (const r of rotations) events.push({ at: r.at, apply: () => world.deleted.has(r.name) || rotate(r.name) })
events.sort((a, b) => a.at - b.at)

let e = 0
for (;;) {
  let next = instances[0]
  for (const inst of instances) if (inst.nextAt < next.nextAt) next = inst
  const event = events[e]
  if (event && event.at <= next.nextAt) {
    if (event.at >= DURATION) break
    t = event.at
    event.apply()
    e++
    continue
  }
  if (next.nextAt >= DURATION) break
  t = next.nextAt
  invocationsIn[world.situation(next.names)]++
  await invoke(next)
  next.nextAt = t + between(next.rng, GAP[0], GAP[1])
}
t = DURATION

// Rotations never seen by the end, though their bound has passed.
for (const inst of instances) {
  for (const p of inst.pending) {
    const { healthy, bound } = unseenBound(inst, p.at, DURATION)
    if (DURATION - p.at > bound)
      violation(
        `instance ${inst.k} ${p.name} v${p.version}: never seen (${healthy ? 'store healthy' : 'across faults'})`,
      )
  }
}

// While the store answers, each parameter keeps to its refresh schedule: two successful fetches in a row are at
// least half a cacheExpiry apart (the widest spread, right after a cold start; later 1 − jitter).
let healthyRefreshes = 0
for (const inst of instances) {
  for (const [id, list] of inst.fetches) {
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [list[i - 1], list[i]]
      if (!a.ok || !b.ok || b.boot) continue
      healthyRefreshes++
      if (b.at - a.at < 0.5 * inst.cacheExpiry) {
        violation(`instance ${inst.k} ${id}: fetched again after ${fmt(b.at - a.at)} < ${fmt(0.5 * inst.cacheExpiry)}`)
      }
    }
  }
}

// Failures: none while a fallback exists; for the others, only when nothing servable was left (checked above).
const coveredFailures = instances.filter((i) => i.covered).reduce((n, i) => n + i.failed, 0)
if (coveredFailures > 0) violation(`${coveredFailures} invocations failed though every key had a fallback`)

// ---------------------------------------------------------------------------------------------------------------

const n = (x) => x.toLocaleString('en-US')
const pct = (x, of) => `${((100 * x) / Math.max(1, of)).toFixed(2)} %`
const kinds = (type) => windows.filter((w) => w.type === type)
const total = (list) => fmt(list.reduce((sum, w) => sum + Math.min(w.end, DURATION) - w.start, 0))
const totalServed = served.fresh + served.stale + served.env + served.missing
const outages = kinds('outage')
const longest = outages.reduce((m, w) => Math.max(m, w.end - w.start), 0)
const print = (line = '') => console.log(line)

print(`middy-secrets soak — seed ${SEED}, ${INSTANCES} instances, ${HOURS} h virtual`)
print(`replay: npm run soak -- --seed ${SEED} --instances ${INSTANCES} --hours ${HOURS}`)
print()
print(
  `store faults: ${outages.length} outages (${total(outages)} in all, longest ${fmt(longest)}: ` +
    `${outages.map((w) => w.kind).join(', ') || 'none'}), ${kinds('burst').length} throttling bursts ` +
    `(${total(kinds('burst'))}), ${kinds('denied').length} denials (${total(kinds('denied'))}), ` +
    `${kinds('deleted').length} deletions (${total(kinds('deleted'))}), ${n(rotationsDone)} rotations`,
)
print(
  `invocations: ${n(invocations)} (${n(invocations - invocationsIn.healthy)} while a fault touched the function), ` +
    `${n(cold)} cold starts`,
)
print(
  `failed invocations: ${n(failed)} (${pct(failed, invocations)}) — ${coveredFailures} of them with a fallback ` +
    `for every key; the rest had no deploy-time variable and no stored value within staleIfError (or the store ` +
    `answered that it was deleted or denied)`,
)
print(
  `values served by rung: fresh ${n(served.fresh)} (${pct(served.fresh, totalServed)}), stale ${n(served.stale)} ` +
    `(${pct(served.stale, totalServed)}), env ${n(served.env)} (${pct(served.env, totalServed)}), missing ` +
    `${n(served.missing)} (${pct(served.missing, totalServed)}); optional keys left undefined ${n(served.optional)}`,
)
const per = (counts) =>
  SEVERITY.map((situation) => `${situation} ${(counts[situation] / Math.max(1, invocationsIn[situation])).toFixed(2)}`)
print(
  `store calls: ${n(world.calls)} (${(world.calls / invocations).toFixed(3)} per invocation); per invocation, by ` +
    `what was failing for the function: rounds ${per(roundsIn).join(', ')}; calls ${per(callsIn).join(', ')}`,
)
print(`refetches after a success: ${n(healthyRefreshes)}, none sooner than half a cacheExpiry`)
print(
  `longest a rotated value stayed unseen: ${fmt(worst.unseenHealthy)} with the store healthy (bound: ` +
    `cacheExpiry + fetchTimeout + the longest gap, + a gap with staleWhileRevalidate: at most ` +
    `${fmt(15 * MINUTE + FETCH_TIMEOUT + 2 * GAP[1])}); ${fmt(worst.unseenFault)} across faults (bound: the fault, ` +
    `then the backoff cap, cacheExpiry and two gaps)`,
)
print(
  `largest staleness served: fresh ${fmt(worst.fresh)} (${(100 * worst.freshRatio).toFixed(1)} % of cacheExpiry + ` +
    `staleWhileRevalidate + fetchTimeout), stale ${fmt(worst.stale)} (${(100 * worst.staleRatio).toFixed(1)} % of ` +
    `cacheExpiry + staleIfError)`,
)
print(`wall time: ${((performance.now() - wallStart) / 1000).toFixed(1)} s`)
print()
if (violations.length > 0) {
  print(`soak: FAILED — ${violations.length} violation(s) (seed ${SEED}); the first ones:`)
  for (const v of violations.slice(0, 20)) print(`  ${v}`)
  process.exit(1)
}
print('soak: OK — every figure within its bound')
process.exit(0)
