/**
 * No value ever leaves through a side door, whichever store it comes from. Canary values sit in each store
 * (Parameter Store: String, SecureString, StringList, a path, JSON; DynamoDB: an item, JSON, a partition) and in the
 * deploy-time environment; for every fault the store can be made to show (and the data faults: a deleted value, a
 * value a transform rejects, a path collision, one value IAM refuses) we drive a cold start, a recovery, a stale
 * period, the end of staleIfError and a second recovery, and capture everything a function could print: every
 * logger line at all four levels, every thrown error (message, stack, cause chain, JSON with own property names,
 * util.inspect with hidden fields), stats(), the middleware object itself. No canary may appear in any of it.
 */
import { inspect } from 'node:util'
import middy from '@middy/core'
import { SecretsError, secrets } from '../../src/index.js'
import type { FetchData } from '../../src/types.js'
import {
  type CanaryStore,
  canaryFaults,
  deployValue,
  EXPIRY,
  FETCH_TIMEOUT,
  STALE_IF_ERROR,
  useSsmCanaryStore,
} from '../support/canaries.js'
import { useDynamoDbCanaryStore } from '../support/canaries-dynamodb.js'
import {
  CANARY,
  eventually,
  everythingShown,
  expectNoCanary,
  lambdaContext,
  manualClock,
  recordingLogger,
  request,
} from '../support/harness.js'

const STORES: readonly CanaryStore[] = [useSsmCanaryStore(), useDynamoDbCanaryStore()]

/** The times of the sweep's instances and of the default logger's (the middy test sets fetchTimeout alone). */
const TIMES = { cacheExpiry: EXPIRY, staleIfError: STALE_IF_ERROR, fetchTimeout: FETCH_TIMEOUT, jitter: 0 }

const prefixed = (prefix: string, fetchData: FetchData): FetchData =>
  Object.fromEntries(Object.entries(fetchData).map(([key, spec]) => [`${prefix}_${key}`, spec]))

/** Everything a function could print about a thing, every way a logger might print it. */
const shown = (thing: unknown): string =>
  [
    everythingShown(thing),
    inspect(thing, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
    (() => {
      try {
        return JSON.stringify(thing)
      } catch {
        return ''
      }
    })(),
  ].join('\n')

/** How a handler or middleware prints a context or request: console.log, util.inspect with hidden fields, JSON. */
const printed = (thing: unknown): string =>
  [
    inspect(thing),
    inspect(thing, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
    JSON.stringify(thing),
    JSON.stringify({ ...(thing as object) }),
  ].join('\n')

const lastFetched = (logger: ReturnType<typeof recordingLogger>): number =>
  (logger.lines.filter((l) => l.event.event === 'fetched').at(-1)?.event.storeCalls as number | undefined) ?? 0

describe.each(STORES)('$name', (store) => {
  const FAULTS = canaryFaults(store)
  const COVERED = `${store.prefix}C`
  const BARE = `${store.prefix}B`

  // Deploy-time values are secrets too: the covered instance falls back to these.
  beforeAll(() => {
    for (const key of store.keys) process.env[`${COVERED}_${key}`] = deployValue(key)
  })
  afterAll(() => {
    for (const name of Object.keys(process.env)) {
      if (name.startsWith(`${COVERED}_`) || name.startsWith(`${BARE}_`)) delete process.env[name]
    }
  })

  describe('no canary in any log line, error or stats, whatever the fault', () => {
    test.each(Object.keys(FAULTS))('%s', async (name) => {
      const fault = FAULTS[name]!
      const world = store.plant()
      const clock = manualClock()
      const captured: string[] = []
      const errors: unknown[] = []
      const make = (prefix: string) => {
        const logger = recordingLogger()
        const changes: string[][] = []
        const mw = secrets({
          fetchData: prefixed(prefix, world.fetchData),
          setToEnv: true,
          ...store.options,
          ...TIMES,
          clock,
          logger,
          onChange: (keys) => changes.push(keys),
        })
        return { mw, logger, changes }
      }
      const invoke = async (inst: ReturnType<typeof make>) => {
        const req = request()
        try {
          await inst.mw.before?.(req as never)
        } catch (error) {
          errors.push(error)
          captured.push(shown(error))
        }
        // What a handler or a middleware would print of the context and the request (util.inspect's opt-in
        // `getters: true` reads values as the handler does, so it is not among them).
        captured.push(printed(req.context), printed(req.internal), printed(req))
        if (inst === instances[0] && String(req.context[`${COVERED}_VALUE`]).includes(CANARY)) served++
        captured.push(shown(inst.mw.stats()))
        await eventually(() => inst.mw.stats().storeCalls === lastFetched(inst.logger))
      }
      const step = async (advance: number) => {
        clock.advance(advance)
        await Promise.all(instances.map(invoke))
      }

      let served = 0
      fault.inject(world)
      const instances = [make(COVERED), make(BARE)]
      await step(0) // cold start under the fault
      await step(0)
      fault.heal(world)
      await step(60_000) // past any backoff: recovered
      await step(EXPIRY / 2)
      fault.inject(world)
      await step(EXPIRY) // expired: stale
      await step(1_000)
      await step(STALE_IF_ERROR) // past staleIfError: env, or a SecretsError
      await step(60_000)
      fault.heal(world)
      await step(60_000)
      await step(1_000)

      // The failure path was taken: something was degraded, and the bare instance failed at least once.
      expect(errors.length).toBeGreaterThan(0)
      expect(errors.every((error) => error instanceof SecretsError)).toBe(true)
      for (const inst of instances) {
        // Degraded service, or (an answer ends stale service at once) a required key with no value at all.
        expect(
          inst.logger.lines.some(
            (l) => (l.level === 'warn' && l.event.event === 'degraded') || l.event.event === 'unavailable',
          ),
        ).toBe(true)
        captured.push(shown(inst.logger.lines), inst.logger.lines.map((l) => l.message).join('\n'))
        captured.push(shown(inst.changes), shown(inst.mw))
      }
      expectNoCanary(captured.join('\n'))
      // The canaries were there to leak: the covered instance served them, on context and in process.env.
      expect(served).toBeGreaterThan(0)
      expect(process.env[`${COVERED}_VALUE`]).toContain(CANARY)
    })
  })

  describe('errors thrown through middy', () => {
    test('the SecretsError middy rejects with carries no value, nor does its onError request', async () => {
      const world = store.plant()
      FAULTS.malformed!.inject(world)
      const seen: unknown[] = []
      const handler = middy()
        .use(
          secrets({
            fetchData: prefixed(BARE, world.fetchData),
            ...store.options,
            logger: recordingLogger(),
            fetchTimeout: FETCH_TIMEOUT,
          }),
        )
        .onError(async (req) => {
          seen.push(req.error)
        })
        .handler(async () => 'unreachable')
      const error = await handler({}, lambdaContext() as never).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(SecretsError)
      expect((error as SecretsError).reasons).toMatchObject({ [`${BARE}_VALUE`]: 'invalid_response' })
      expectNoCanary(shown(error) + shown(seen))
    })
  })

  describe('the default logger', () => {
    const LEVELS = ['debug', 'info', 'log', 'warn', 'error'] as const
    const originals = Object.fromEntries(LEVELS.map((level) => [level, console[level]]))
    const lines: unknown[][] = []
    beforeEach(() => {
      for (const level of LEVELS) {
        console[level] = (...args: unknown[]) => {
          lines.push([level, ...args])
        }
      }
    })
    afterEach(() => {
      for (const level of LEVELS) console[level] = originals[level] as (typeof console)[typeof level]
      lines.length = 0
    })

    test.each(['malformed', 'truncated', 'kms-denied', 'values a transform rejects'].filter((name) => name in FAULTS))(
      'prints warnings and errors to the console, never a value: %s',
      async (name) => {
        const fault = FAULTS[name]!
        const world = store.plant()
        const clock = manualClock()
        const mws = [COVERED, BARE].map((prefix) =>
          secrets({
            fetchData: prefixed(prefix, world.fetchData),
            ...store.options,
            ...TIMES,
            clock,
          }),
        )
        const errors: unknown[] = []
        const run = async () => {
          for (const mw of mws) {
            try {
              await mw.before?.(request() as never)
            } catch (error) {
              errors.push(error)
            }
            // The default logger's lines are not counted; let any round land before time moves.
            await new Promise((resolve) => setTimeout(resolve, 5))
          }
        }
        await run()
        fault.inject(world)
        clock.advance(EXPIRY)
        await run()
        clock.advance(STALE_IF_ERROR + 60_000)
        await run()
        expect(lines.some(([level]) => level === 'warn')).toBe(true)
        expect(lines.some(([level]) => level === 'error')).toBe(true)
        expect(errors.length).toBeGreaterThan(0)
        expectNoCanary(lines.map((line) => inspect(line, { depth: Number.POSITIVE_INFINITY })).join('\n'))
        expectNoCanary(errors.map(shown).join('\n'))
      },
    )
  })
})
