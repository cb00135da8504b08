/**
 * The implementations compared, each built the way its documentation shows, each with its own fresh SSMClient
 * pointing at the embedded store. Every factory returns { handler, close, stats? }: `handler` is called as Lambda
 * would call it, `await handler(event, context)`, and resolves to the value of the last parameter of the map (so
 * a run can check that the values arrived).
 */

import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm'
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm'
import middy from '@middy/core'
import ssm from '@middy/ssm'
import { clearCache } from '@middy/util'
import { createSecrets, secrets } from 'middy-secrets'

export const MIDDY_SECRETS = 'middy-secrets'
export const MIDDY_SSM = '@middy/ssm'
export const POWERTOOLS = 'Powertools'
export const RAW_SDK = 'raw SDK'
/** middy-secrets without middy: a plain handler awaiting createSecrets(…).get(context). Warm scenario only. */
export const CREATE_SECRETS = 'createSecrets get()'

/** The three compared on every scenario, middy-secrets first; the raw SDK floor is only a cold-start reference. */
export const COMPETING = [MIDDY_SECRETS, MIDDY_SSM, POWERTOOLS]

const PREFIX = '/bench/app/'
const pad = (i) => String(i).padStart(3, '0')

/** 200 parameters, 40-character values: key P000 ↔ /bench/app/param-000. */
export const PARAMETERS = Array.from({ length: 200 }, (_, i) => ({
  key: `P${pad(i)}`,
  name: `${PREFIX}param-${pad(i)}`,
  value: `value-${pad(i)}-${'x'.repeat(30)}`,
}))

export const seed = () => Object.fromEntries(PARAMETERS.map((p) => [p.name, p.value]))

/** The first `n` parameters, and the value a correct handler resolves to. */
export const first = (n) => {
  const params = PARAMETERS.slice(0, n)
  return { params, expected: params.at(-1).value }
}

export const EVENT = Object.freeze({ source: 'bench' })

/** A fresh context per invocation, as the Lambda runtime makes one, with the methods middy core looks for. */
export const makeContext = () => {
  const deadline = Date.now() + 30_000
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
    memoryLimitInMB: '1024',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/bench',
    logStreamName: '2024/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  }
}

/** The same middy, no middleware: what every overhead is measured against. */
export const bare = (params) => {
  const last = params.at(-1).key
  return middy(async (_event, context) => context[last])
}

/** A logger that counts instead of printing: console output must not be in any measurement. */
const countingLogger = () => {
  const counts = { warn: 0, error: 0 }
  return {
    counts,
    logger: {
      warn: () => {
        counts.warn++
      },
      error: () => {
        counts.error++
      },
    },
  }
}

/**
 * middy-secrets with `cacheExpiry` ms (other options at their defaults: jitter 0.1, staleIfError 1 day,
 * prefetch at creation).
 */
const makeMiddySecrets = (store, params, { expiryMs, setToEnv = false }) => {
  const { counts, logger } = countingLogger()
  const fetchData = Object.fromEntries(params.map((p) => [p.key, p.name]))
  const middleware = secrets({
    fetchData,
    awsClientOptions: { ...store.clientConfig },
    cacheExpiry: expiryMs,
    setToEnv,
    logger,
  })
  const last = params.at(-1).key
  const handler = middy(async (_event, context) => context[last]).use(middleware)
  return { handler, close: () => {}, stats: () => ({ logged: counts, storeCalls: middleware.stats().storeCalls }) }
}

/**
 * middy-secrets without middy: a plain async handler that awaits `get(context)` of a createSecrets instance.
 * Its `bare` is the same plain handler returning the value it holds: the difference is what get() costs.
 */
const makeCreateSecrets = (store, params, { expiryMs }) => {
  const { counts, logger } = countingLogger()
  const fetchData = Object.fromEntries(params.map((p) => [p.key, p.name]))
  const instance = createSecrets({
    fetchData,
    awsClientOptions: { ...store.clientConfig },
    cacheExpiry: expiryMs,
    logger,
  })
  const last = params.at(-1).key
  const handler = async (_event, context) => (await instance.get(context))[last]
  return { handler, close: () => {}, stats: () => ({ logged: counts, storeCalls: instance.stats().storeCalls }) }
}

/** The plain handler without createSecrets: an async function returning the last parameter's value. */
export const plainBare = (params) => {
  const value = params.at(-1).value
  return async (_event, _context) => value
}

let cacheKeys = 0

/**
 * @middy/ssm 6 keeps its cache in a process-wide object keyed by `cacheKey` (default 'ssm'): two instances with
 * the default key would share one cache, so each gets its own. Prefetch stays on (its default, and the same
 * start-at-creation as middy-secrets). A positive `cacheExpiry` arms a refresh `setTimeout` that is not unref'd
 * and re-arms itself forever, so close() clears that cache key or the process would never exit.
 */
const makeMiddySsm = (store, params, { expiryMs }) => {
  const cacheKey = `bench-ssm-${++cacheKeys}`
  const fetchData = Object.fromEntries(params.map((p) => [p.key, p.name]))
  const middleware = ssm({
    fetchData,
    awsClientOptions: { ...store.clientConfig },
    cacheKey,
    cacheExpiry: expiryMs,
    setToContext: true,
  })
  const last = params.at(-1).key
  const handler = middy(async (_event, context) => context[last]).use(middleware)
  return { handler, close: () => clearCache([cacheKey]) }
}

/**
 * Powertools keeps `maxAge` in whole seconds: ExpirableValue adds it with Date#setSeconds, which truncates, so
 * 0.3 s would mean "already expired". The expiry is rounded up to at least 1 s.
 */
export const powertoolsMaxAge = (expiryMs) => Math.max(1, Math.round(expiryMs / 1000))

const makePowertools = (store, params, { expiryMs }) => {
  const provider = new SSMProvider({ clientConfig: { ...store.clientConfig } })
  const byName = Object.fromEntries(params.map((p) => [p.name, {}]))
  const options = { maxAge: powertoolsMaxAge(expiryMs), decrypt: true }
  const last = params.at(-1).name
  const handler = middy(async () => {
    const values = await provider.getParametersByName(byName, options)
    return values[last]
  })
  return { handler, close: () => provider.client.destroy() }
}

export const FACTORIES = {
  [MIDDY_SECRETS]: makeMiddySecrets,
  [MIDDY_SSM]: makeMiddySsm,
  [POWERTOOLS]: makePowertools,
  [CREATE_SECRETS]: makeCreateSecrets,
}

/** Builds an implementation; `setToEnv` applies to middy-secrets only. */
export const create = (id, store, params, options) => FACTORIES[id](store, params, options)

/**
 * The floor: a new SSMClient and the same GetParameters batches of 10, all in parallel, nothing else.
 * Resolves to the value of the last parameter, like the handlers, and a close() kept out of the timing.
 */
export const rawSdk = async (store, params) => {
  const client = new SSMClient({ ...store.clientConfig })
  const batches = []
  for (let i = 0; i < params.length; i += 10) batches.push(params.slice(i, i + 10).map((p) => p.name))
  const results = await Promise.all(
    batches.map((Names) => client.send(new GetParametersCommand({ Names, WithDecryption: true }))),
  )
  const last = params.at(-1).name
  const value = results.flatMap((result) => result.Parameters ?? []).find((p) => p.Name === last)?.Value
  return { value, close: () => client.destroy() }
}
