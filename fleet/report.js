/** Turns simulate()'s result into a plain-text table for the terminal and a markdown page. */

const int = (n) => Math.round(n).toLocaleString('en-US')
const num = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n))
const secs = (ms) => (ms === undefined ? 'never' : `${num(ms / 1000)} s`)
const clock = (s) => {
  const m = Math.floor(s / 60)
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`
}

/** One line describing the scenario. */
export const describe = (result) => {
  const o = result.options
  const spread =
    o.jitter === 0 ? 'no spread' : o.firstSpread === 'narrow' ? 'first refresh spread = jitter' : 'first refresh spread'
  const first = o.jitter > 0 && o.firstSpread !== 'narrow' ? ` ${Math.min(0.5, 5 * o.jitter)}` : ''
  return (
    `${int(o.containers)} containers × ${o.params} parameters, cacheExpiry ${o.expiry} s, jitter ${o.jitter} ` +
    `(${spread}${first}), quota ${Number.isFinite(o.quota) ? `${o.quota}/s` : 'unlimited'}, ramp ${o.ramp} s, ` +
    `${o.rate} invocations/s each, ${o.hours} h, latency ${o.latency} ms, lifetime ${o.lifetime} s, ` +
    `rotation at ${o.rotateAt} s, env fallback ${o.envFallback ? 'on' : 'off'}, seed ${o.seed}`
  )
}

/** The figures as [label, value] rows. */
export const rows = (result) => {
  const { calls, invocations: inv, deploy, rotation, staleness } = result
  const quota = result.options.quota
  const lat = inv.latencyMs
  const out = [
    [
      'store calls/s, whole run',
      `peak ${calls.all.peak} (at ${clock(calls.all.peakAt)}), mean ${num(calls.all.mean, 2)}`,
    ],
    [
      '  refreshes only (no cold start)',
      `peak ${calls.refresh.peak} (at ${clock(calls.refresh.peakAt)}); cold-start calls ${int(calls.cold)} in all`,
    ],
    [
      `  after the 1st cycle (t ≥ ${result.steadyFrom} s)`,
      `peak ${calls.steady.peak} (at ${clock(calls.steady.peakAt)}), mean ${num(calls.steady.mean, 2)}, ` +
        `${calls.steady.secondsAboveQuota} s above the quota, ${int(calls.steady.throttled)} throttled`,
    ],
    [
      'seconds above the quota',
      Number.isFinite(quota) ? `${calls.all.secondsAboveQuota} (1-s buckets > ${quota})` : '—',
    ],
    [
      'throttled calls',
      `${int(calls.throttled)} of ${int(calls.total)} calls (SDK retries ${int(calls.retries)}, refused by its retry quota ${int(calls.retriesRefused)})`,
    ],
    [
      'refresh rounds',
      `${int(calls.rounds)}, of which ${int(calls.roundsTimedOut)} timed out (fetchTimeout; the calls that had returned keep their answers)`,
    ],
    [
      'invocations',
      `${int(inv.total)}, failed ${int(inv.failed)}${inv.failed > 0 ? ` ${JSON.stringify(inv.failures)}` : ''}`,
    ],
    [
      '  waited on the store',
      `${int(inv.waited)} (p50 ${num(lat.p50, 0)} ms, p99 ${num(lat.p99, 0)} ms, max ${num(lat.max, 0)} ms); ` +
        `after the 1st cycle ${int(inv.waitedSteady)}, for ${int(calls.steadyRefreshRounds)} refreshes`,
    ],
    [
      'served by rung (worst key)',
      `fresh ${int(inv.byRung.fresh)} · stale ${int(inv.byRung.stale)} · env ${int(inv.byRung.env)}`,
    ],
    [
      'key values served by rung',
      `fresh ${int(inv.keyServings.fresh)} · stale ${int(inv.keyServings.stale)} · env ${int(inv.keyServings.env)}`,
    ],
    [
      'deploy → every container holds store values',
      deploy.notReady > 0
        ? `never: ${deploy.notReady} of ${int(deploy.containers)} still without (median ${secs(deploy.medianReadyMs)})`
        : `${secs(deploy.allReadyMs)} (median ${secs(deploy.medianReadyMs)})`,
    ],
  ]
  if (rotation.atMs !== undefined) {
    out.push([
      `rotation at ${rotation.atMs / 1000} s, longest unseen`,
      `${secs(rotation.maxUnseenMs)} (${int(rotation.seen)} of ${int(rotation.watched)} containers saw it; ` +
        `${rotation.diedUnseen} recycled first; ${int(rotation.oldServedLate)} old values served later than expiry + fetchTimeout)`,
    ])
  }
  out.push(
    ['worst staleness served', `${secs(staleness.maxAgeMs)} (age of the oldest store value an invocation got)`],
    ['containers', `${int(result.containers.started)} started, ${int(result.containers.recycled)} recycled`],
  )
  if (result.options.firstSpread === 'narrow') {
    out.push([
      'rounds mixing first and later values',
      `${result.narrowMixedRounds} (the narrow first spread cannot be emulated exactly for these)`,
    ])
  }
  if (result.checks.samples > 0) {
    out.push([
      'checked against mw.stats()',
      `${int(result.checks.samples)} samples, ${result.checks.mismatches} mismatches; ${result.checks.strays} rounds settled off virtual time`,
    ])
  }
  out.push(['run time', `${num(result.wallMs / 1000)} s wall clock`])
  return out
}

/** The figures as an aligned plain-text table. */
export const text = (result) => {
  const list = rows(result)
  const width = Math.max(...list.map(([label]) => label.length))
  const lines = [describe(result), '']
  for (const [label, value] of list) lines.push(`${label.padEnd(width)}  ${value}`)
  for (const note of result.notes) lines.push('', `note: ${note}`)
  return lines.join('\n')
}

/** The figures as a markdown page, with the command that produced them and the chart. */
export const markdown = (result, command, svgName = 'fleet.svg') => {
  const lines = [
    '# Fleet simulation',
    '',
    '```sh',
    command,
    '```',
    '',
    describe(result),
    '',
    '| figure | value |',
    '|---|---|',
  ]
  for (const [label, value] of rows(result)) {
    if (label === 'run time') continue
    lines.push(`| ${label.trim()} | ${value.replace(/\|/g, '\\|')} |`)
  }
  for (const note of result.notes) lines.push('', `> ${note}`)
  lines.push('', `![store calls per second](${svgName})`, '')
  return lines.join('\n')
}

/** Several scenarios side by side. */
export const comparison = (entries) => {
  const header =
    '| scenario | peak calls/s | peak of refresh calls/s | peak after 1st cycle | mean after 1st cycle | s above quota (after 1st cycle) | throttled (after 1st cycle) | failed invocations | stale / env invocations | waited on the store | all hold store values | rotation unseen | worst staleness |'
  const lines = [header, `|${'---|'.repeat(13)}`]
  for (const { label, result: r } of entries) {
    lines.push(
      `| ${label} | ${r.calls.all.peak} | ${r.calls.refresh.peak} | ${r.calls.steady.peak} | ${num(r.calls.steady.mean, 2)} | ` +
        `${r.calls.all.secondsAboveQuota} (${r.calls.steady.secondsAboveQuota}) | ${int(r.calls.throttled)} (${int(r.calls.steady.throttled)}) | ` +
        `${int(r.invocations.failed)} | ${int(r.invocations.byRung.stale)} / ${int(r.invocations.byRung.env)} | ${int(r.invocations.waited)} | ` +
        `${r.deploy.notReady > 0 ? 'never' : secs(r.deploy.allReadyMs)} | ${r.rotation.atMs === undefined ? '—' : secs(r.rotation.maxUnseenMs)} | ${secs(r.staleness.maxAgeMs)} |`,
    )
  }
  return lines.join('\n')
}

/** The planner: demand for each fleet shape. */
export const plan = (entries, quota) => {
  const lines = [
    `| containers | parameters | calls per refresh | cacheExpiry | mean calls/s | peak calls/s (after the 1st cycle) | deploy peak | fits ${quota}/s? |`,
    '|---:|---:|---:|---:|---:|---:|---:|:---|',
  ]
  for (const { containers, params, expiry, result: r } of entries) {
    const peak = r.calls.steady.peak
    const fits = peak <= quota ? 'yes' : r.calls.steady.mean <= quota ? 'mean only: peaks above' : 'no'
    lines.push(
      `| ${int(containers)} | ${params} | ${Math.ceil(params / 10)} | ${expiry} s | ${num(r.calls.steady.mean, 2)} | ${peak} | ${r.calls.all.peak} | ${fits} |`,
    )
  }
  return lines.join('\n')
}

/**
 * The planner for DynamoDB items: the limit is the table's read capacity, not a call rate. The simulated fleet
 * refreshes every key of a container in one round (ceil(params / 10) calls in the simulation), and each round reads
 * each item once: `rcuPerItem` read capacity units per item (0.5 for an eventually consistent read of an item up to
 * 4 KB, 1 strongly consistent). BatchGetItem takes up to 100 keys per call, so the calls are the smaller figure.
 */
export const planDynamoDb = (entries, capacity, rcuPerItem) => {
  const lines = [
    `| containers | items | BatchGetItem calls per refresh | cacheExpiry | mean RCU/s | peak RCU/s (after the 1st cycle) | deploy peak RCU/s | fits ${capacity} RCU? |`,
    '|---:|---:|---:|---:|---:|---:|---:|:---|',
  ]
  for (const { containers, params, expiry, result: r } of entries) {
    // Rounds per second from the simulated calls: one round is ceil(params / 10) calls there.
    const rcu = (calls) => (calls / Math.ceil(params / 10)) * params * rcuPerItem
    const peak = rcu(r.calls.steady.peak)
    const fits = peak <= capacity ? 'yes' : rcu(r.calls.steady.mean) <= capacity ? 'mean only: peaks above' : 'no'
    lines.push(
      `| ${int(containers)} | ${params} | ${Math.ceil(params / 100)} | ${expiry} s | ${num(rcu(r.calls.steady.mean), 1)} | ${num(peak, 1)} | ${num(rcu(r.calls.all.peak), 1)} | ${fits} |`,
    )
  }
  return lines.join('\n')
}

/** AppConfig Data refuses a poll sooner than `NextPollIntervalInSeconds`: 15 s, the smallest a session may ask for. */
export const APPCONFIG_POLL_FLOOR_S = 15

/**
 * The planner for AppConfig profiles: the limit is the poll interval, not a batch size. Each profile is one
 * GetLatestConfiguration per cycle (never batched), a cycle is at least the poll interval (the caller simulates the
 * clamped cacheExpiry), and a cold start opens one session per profile (StartConfigurationSession) before its first
 * poll. The simulated fleet makes ceil(params / 10) calls per round, so rounds per second are calls / ceil(params / 10).
 */
export const planAppConfig = (entries, quota) => {
  const lines = [
    `| containers | profiles | cacheExpiry | poll cycle | mean polls/s | peak polls/s (after the 1st cycle) | deploy peak calls/s | fits ${quota}/s? |`,
    '|---:|---:|---:|---:|---:|---:|---:|:---|',
  ]
  for (const { containers, params, expiry, result: r } of entries) {
    const polls = (calls) => (calls / Math.ceil(params / 10)) * params
    const peak = polls(r.calls.steady.peak)
    const fits = peak <= quota ? 'yes' : polls(r.calls.steady.mean) <= quota ? 'mean only: peaks above' : 'no'
    lines.push(
      `| ${int(containers)} | ${params} | ${expiry} s | ${Math.max(APPCONFIG_POLL_FLOOR_S, expiry)} s | ${num(polls(r.calls.steady.mean), 2)} | ${num(peak, 1)} | ${num(2 * polls(r.calls.all.peak), 1)} | ${fits} |`,
    )
  }
  return lines.join('\n')
}
