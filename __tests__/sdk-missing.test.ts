/**
 * `sdk_missing` has a fault's semantics: the last good value stays in service and the key is tried again on the
 * backoff, with advice about installing a package — for a store of the user's own too, which may report it.
 */
import { type Outcome, SecretsError, type Source, secrets } from '../src/index.js'
import { canary, expectNoCanary, manualClock, recordingLogger, runBefore, settle } from './support/harness.js'

const switching = () => {
  const state = { answer: { ok: true, raw: canary('token') } as Outcome, calls: 0 }
  const source: Source = {
    get calls() {
      return state.calls
    },
    async fetch(refs, _signal, out) {
      state.calls++
      for (const ref of refs) out.set(ref.id, state.answer)
    },
  }
  return { state, source }
}

test("a user's store answering sdk_missing after a good value: served stale, retried on the backoff", async () => {
  const { state, source } = switching()
  const clock = manualClock()
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: { TOKEN: 'vault:bots/token' },
    stores: { vault: source },
    cacheExpiry: 1_000,
    jitter: 0,
    staleIfError: 60_000,
    fallbackToEnv: false,
    clock,
    logger,
  })
  expect((await runBefore(mw)).req.context.TOKEN).toBe(canary('token'))

  state.answer = { ok: false, failure: { reason: 'sdk_missing' } }
  clock.advance(1_000)
  expect((await runBefore(mw)).req.context.TOKEN).toBe(canary('token'))
  expect(mw.stats().keys.TOKEN).toMatchObject({ rung: 'stale', reason: 'sdk_missing' })
  const degraded = logger.lines.find((line) => line.event.event === 'degraded')
  expect(degraded?.event).toMatchObject({ key: 'TOKEN', rung: 'stale', reason: 'sdk_missing' })

  // Retried after the backoff (0.5 × 1 s here), not after cacheExpiry: the value comes back once it loads.
  const calls = state.calls
  state.answer = { ok: true, raw: canary('token-2') }
  clock.advance(600)
  // A usable value never waits on a failing store: the attempt runs in the background.
  expect((await runBefore(mw)).req.context.TOKEN).toBe(canary('token'))
  expect(state.calls).toBe(calls + 1)
  await settle()
  expect((await runBefore(mw)).req.context.TOKEN).toBe(canary('token-2'))
  expect(mw.stats().keys.TOKEN).toMatchObject({ rung: 'fresh', reason: undefined })
  expectNoCanary(JSON.stringify(logger.lines) + JSON.stringify(mw.stats()))
})

test("a user's store with nothing to serve: the error gives that store's sdk_missing advice, no AWS words", async () => {
  const { state, source } = switching()
  state.answer = { ok: false, failure: { reason: 'sdk_missing', errorName: 'ModuleNotFound' } }
  const mw = secrets({ fetchData: { TOKEN: 'vault:bots/token' }, stores: { vault: source }, fallbackToEnv: false })
  const error = await runBefore(mw).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(SecretsError)
  expect((error as SecretsError).message).toBe(
    "middy-secrets: no value for TOKEN (vault:bots/token: sdk_missing) [ModuleNotFound]. sdk_missing: the vault store could not load a package its source needs: add that package to the function's dependencies.",
  )
})
