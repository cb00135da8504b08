/**
 * `npm run demo`: the example functions against the embedded local store, driven the way Lambda drives them.
 * (a) a cold start, (b) warm invocations, (c) a rotation, (d) an outage, (e) the store coming back. It prints
 * rungs, store calls, lengths and fingerprints, never a value, and exits 1 if anything is not as expected.
 */
import { startLocalStore } from 'middy-secrets-local'
import { createHandler as createInvoices } from '../shared-config/invoices.js'
import { createHandler as createOrders } from '../shared-config/orders.js'
import { createHandler as createBatman } from '../superman-batman/batman.js'
import { createHandler as createSuperman } from '../superman-batman/superman.js'
import { fingerprint } from '../superman-batman/twitter.js'
import { deployTime, parameters, rotated } from './seed.js'

// Short times, so the whole story fits in a few seconds. Production defaults: 5 min and a day.
// 1.5 s leaves the cold start and the warm loop well inside the first expiry, even on a busy machine.
const CACHE_EXPIRY = 1_500
const STALE_IF_ERROR = 2_000
// The retry backoff after a failure is capped at cacheExpiry, within 1 s to 60 s.
const BACKOFF_CAP = Math.min(60_000, Math.max(1_000, CACHE_EXPIRY))
const WARM_INVOCATIONS = 1_000
const HOOK_RUNS = 10_000
const BOTS = ['superman', 'batman']
const DB_FUNCTIONS = ['orders', 'invoices']
const ALL = [...BOTS, ...DB_FUNCTIONS]

const startedAt = performance.now()
const print = (line = '') => console.log(line)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

class Unexpected extends Error {}
/** Ends the demo with exit code 1, saying what was expected, when `ok` is false. */
const expect = (ok, expected) => {
  if (!ok) throw new Unexpected(`expected ${expected}`)
}

// Whatever happens, the demo ends: a step that hangs fails it instead of hanging the terminal or CI.
setTimeout(() => {
  console.error('demo: FAILED: did not finish within 14 s')
  process.exit(1)
}, 14_000).unref()

let requestCount = 0
/** What the Lambda runtime passes as `context`, with the time left before a 6 s timeout. */
const lambdaContext = (functionName) => {
  const deadline = Date.now() + 6_000
  return { functionName, awsRequestId: `demo-${++requestCount}`, getRemainingTimeInMillis: () => deadline - Date.now() }
}

// The AWS SDK's documented switch for its Node-version notice (the SDK clients are made after this line): the
// notice is about the SDK's future releases, not this demo, and would split the story's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true'

// The deploy-time environment, as serverless.yml's `environment` sets it before the code loads: the last rung.
Object.assign(process.env, deployTime)
const store = await startLocalStore({ parameters })

/** Options for one function: the local store instead of AWS, the short times, and a compact logger. */
const options = (name) => ({
  // maxAttempts 1: one store call per fetch, so the counts below are the middleware's own. Keep the SDK's
  // retries in production.
  awsClientOptions: { ...store.clientConfig, maxAttempts: 1 },
  cacheExpiry: CACHE_EXPIRY,
  jitter: 0, // exact refresh points, so the steps line up with the clock
  staleIfError: STALE_IF_ERROR,
  // The middleware's warnings name the key, parameter, rung and reason, never the value: print them as they come.
  logger: {
    // A recovery is logged at info: good news, not a warning.
    info: (message, event) => {
      if (event.event === 'recovered') print(`      ${name} notes: ${message}`)
    },
    warn: (message, event) => print(`      ${name} warns: ${message}${event.reason ? ` (${event.reason})` : ''}`),
    error: (message, event) =>
      print(
        `      ${name} logs an error: ${message} for ${Object.entries(event.reasons ?? {})
          .map(([key, reason]) => `${key} (${reason})`)
          .join(', ')}`,
      ),
  },
})

const functions = {
  superman: createSuperman(options('superman')),
  batman: createBatman(options('batman')),
  orders: createOrders(options('orders')),
  invoices: createInvoices(options('invoices')),
}

const invoke = (name) => functions[name].handler({}, lambdaContext(name))
const stats = (name) => functions[name].secrets.stats()
const rungs = (name) =>
  Object.entries(stats(name).keys)
    .map(([key, { rung, reason }]) => `${key}=${rung}${reason ? `(${reason})` : ''}`)
    .join(' ')
const allOn = (name, rung) => Object.values(stats(name).keys).every((key) => key.rung === rung)

/** What an invocation did, by lengths and fingerprints only. */
const describe = (result) =>
  result.signedWith
    ? `tweets "${result.status}" with a ${result.signedWith.length}-char token (sha256 ${result.signedWith.sha256})`
    : `queries through pool #${result.poolBuilds} (password sha256 ${result.passwordFingerprint})`

/** Store calls made so far, by function: taken at the start of a step, to print what the step cost. */
const callsNow = () => Object.fromEntries(ALL.map((name) => [name, stats(name).storeCalls]))

/** Invokes each function once and prints what it did, the store calls of the step so far, each key's rung. */
const invokeEach = async (names, callsAtStart) => {
  const results = {}
  for (const name of names) {
    results[name] = await invoke(name)
    print(`    ${name.padEnd(8)} ${describe(results[name])}`)
    print(`             store calls +${stats(name).storeCalls - callsAtStart[name]}; ${rungs(name)}`)
  }
  return results
}

const coldStart = async () => {
  print('(a) cold start: creating a handler starts its fetch (the init phase); the first invocation awaits it')
  const results = await invokeEach(ALL, { superman: 0, batman: 0, orders: 0, invoices: 0 })
  for (const name of ALL) expect(allOn(name, 'fresh'), `${name}: every key fresh after the cold start`)
  for (const name of BOTS) expect(stats(name).storeCalls === 1, `${name}: 1 store call (one GetParameters)`)
  for (const name of DB_FUNCTIONS) {
    expect(stats(name).storeCalls === 2, `${name}: 2 store calls (GetParameters and GetParametersByPath)`)
  }
  const { total, GetParameters, GetParametersByPath } = store.calls
  print(`    store: ${total} calls (GetParameters ${GetParameters}, GetParametersByPath ${GetParametersByPath})`)
  return results
}

const warm = async () => {
  print(`(b) warm: ${WARM_INVOCATIONS.toLocaleString('en')} invocations per function, every value fresh`)
  for (const name of ALL) {
    const before = stats(name).storeCalls
    const start = performance.now()
    for (let i = 0; i < WARM_INVOCATIONS; i++) await invoke(name)
    const micros = ((performance.now() - start) * 1000) / WARM_INVOCATIONS
    // The middleware's own share: its before hook alone, called as middy calls it.
    const request = { event: {}, context: lambdaContext(name), internal: {} }
    const hookStart = performance.now()
    for (let i = 0; i < HOOK_RUNS; i++) functions[name].secrets.before(request)
    const hookMicros = ((performance.now() - hookStart) * 1000) / HOOK_RUNS
    const more = stats(name).storeCalls - before
    print(
      `    ${name.padEnd(8)} store calls +${more}; ${micros.toFixed(1)} µs mean per invocation (middy + handler), ` +
        `${hookMicros.toFixed(2)} µs in the secrets hook`,
    )
    expect(more === 0, `${name}: no store call while its values are fresh`)
  }
}

const rotation = async (cold) => {
  const callsAtStart = callsNow()
  store.put('/bots/superman/twitter-token', rotated['/bots/superman/twitter-token'])
  store.put('/shared/db-url', rotated['/shared/db-url'])
  print('(c) rotation: new versions of /bots/superman/twitter-token and /shared/db-url')
  print(`    waiting ${CACHE_EXPIRY + 100} ms, past cacheExpiry`)
  await sleep(CACHE_EXPIRY + 100)
  const results = await invokeEach(ALL, callsAtStart)
  const newToken = fingerprint(rotated['/bots/superman/twitter-token'])
  const newPassword = fingerprint(new URL(rotated['/shared/db-url']).password)
  expect(results.superman.signedWith.sha256 === newToken, 'superman: signs with the rotated token')
  expect(results.batman.signedWith.sha256 === cold.batman.signedWith.sha256, 'batman: still its own token')
  for (const name of DB_FUNCTIONS) {
    const { db } = functions[name]
    print(`    ${name.padEnd(8)} onChange dropped the old pool, the invocation built one: pool builds = ${db.builds}`)
    expect(db.builds === 2, `${name}: pool builds = 2 after the rotation`)
    expect(results[name].passwordFingerprint === newPassword, `${name}: a pool with the new password`)
  }
}

const outage = async () => {
  let callsAtStart = callsNow()
  store.fault({ kind: 'server-error' })
  print('(d) outage: the store answers every call with a 500')
  print(`    waiting ${CACHE_EXPIRY + 100} ms, past cacheExpiry: the values are due, the refresh fails`)
  await sleep(CACHE_EXPIRY + 100)
  await invokeEach(ALL, callsAtStart)
  for (const name of ALL) expect(allOn(name, 'stale'), `${name}: every key served stale`)

  callsAtStart = callsNow()
  for (let i = 0; i < 100; i++) for (const name of ALL) await invoke(name)
  const more = ALL.reduce((sum, name) => sum + stats(name).storeCalls - callsAtStart[name], 0)
  const calls = `${more} more store call${more === 1 ? '' : 's'}`
  print(`    100 more invocations per function: ${calls} in all (retries wait out a backoff)`)
  expect(more <= 2 * ALL.length, 'a backoff between retries, not a store call per invocation')

  print(`    waiting ${STALE_IF_ERROR} ms more: past staleIfError, the last good values are too old to serve`)
  callsAtStart = callsNow()
  await sleep(STALE_IF_ERROR)
  const results = await invokeEach(BOTS, callsAtStart)
  for (const name of BOTS) {
    expect(allOn(name, 'env'), `${name}: every key served from the deploy-time environment`)
    expect(results[name].signedWith.sha256 === fingerprint(deployTime.TWITTER_ACCESS_TOKEN), `${name}: env token`)
  }
  print('             (one fingerprint for both bots: they share this one process, so one deploy-time')
  print('             TWITTER_ACCESS_TOKEN; deployed, each function has its own environment and its own token)')
  for (const name of DB_FUNCTIONS) {
    // No deploy-time DB_URL on purpose (see shared-config/serverless.yml): the ladder ends in an error.
    const error = await invoke(name).then(
      () => undefined,
      (e) => e,
    )
    expect(error?.name === 'SecretsError' && error.code === 'UNAVAILABLE', `${name}: a SecretsError UNAVAILABLE`)
    const reasons = Object.entries(error.reasons)
      .map(([key, reason]) => `${key}: ${reason}`)
      .join(', ')
    print(`    ${name.padEnd(8)} fails, as it should without a fallback: ${error.name} ${error.code} (${reasons})`)
    print(`             ${rungs(name)}`)
  }
}

const recovery = async () => {
  store.clearFaults()
  print(`(e) the store is back; waiting ${BACKOFF_CAP + 100} ms, past the retry backoff`)
  await sleep(BACKOFF_CAP + 100)
  for (const name of BOTS) {
    // A function with a usable value never waits on the store again: the first invocation is served from
    // the environment while the refresh runs in the background; the next ones get the store's value.
    let count = 0
    do {
      if (count > 0) await sleep(20)
      await invoke(name)
      count++
    } while (!allOn(name, 'fresh') && count < 50)
    expect(allOn(name, 'fresh'), `${name}: fresh again once the store answers`)
    print(`    ${name.padEnd(8)} fresh again after ${count} invocations: ${rungs(name)}`)
  }
  // Nothing to serve meanwhile: these wait for the refresh, and get the store's value at once.
  await invokeEach(DB_FUNCTIONS, callsNow())
  for (const name of DB_FUNCTIONS) {
    expect(allOn(name, 'fresh'), `${name}: fresh again`)
    expect(functions[name].db.builds === 2, `${name}: the same password, so the same pool (pool builds = 2)`)
  }
}

try {
  print(`middy-secrets demo: ${ALL.join(', ')} against a local store at ${store.clientConfig.endpoint}`)
  print(`cacheExpiry ${CACHE_EXPIRY} ms, jitter 0, staleIfError ${STALE_IF_ERROR} ms`)
  print('rungs: fresh (from the store), stale (last good value, the store failing), env (deploy-time variable)')
  print()
  const cold = await coldStart()
  await warm()
  await rotation(cold)
  await outage()
  await recovery()
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1)
  print()
  print(`demo: every step as expected; ${store.calls.total} store calls in all; ${seconds} s`)
} catch (error) {
  // Our own checks, and SecretsError, whose messages name keys and reasons only: safe to print.
  console.error(`demo: FAILED: ${error instanceof Unexpected ? error.message : `${error.name}: ${error.message}`}`)
  process.exitCode = 1
} finally {
  await store.close()
}
