import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Context } from 'aws-lambda'
import { type LocalParameterStore, startLocalStore } from 'middy-secrets-local'
import { secrets } from '../../src/index.js'
import type { Clock, LogEvent, Logger } from '../../src/types.js'

/** Every value planted in a test store starts with this: no error, cause or log line may contain it. */
export const CANARY = 'CANARY-7f3a'
export const canary = (label: string): string => `${CANARY}-${label}`

/** A virtual clock: time moves only when the test says so. Random is fixed (0.5) unless set. */
export const manualClock = (
  start = 1_000_000,
): Clock & { advance(ms: number): void; set(ms: number): void; r: number } => {
  let now = start
  const clock = {
    r: 0.5,
    now: () => now,
    random: () => clock.r,
    advance: (ms: number) => {
      now += ms
    },
    set: (ms: number) => {
      now = ms
    },
  }
  return clock
}

/** A logger that keeps every line, to assert on events and to grep for canaries. */
export const recordingLogger = (): Logger & { lines: { level: string; message: string; event: LogEvent }[] } => {
  const lines: { level: string; message: string; event: LogEvent }[] = []
  const at = (level: string) => (message: string, event: LogEvent) => {
    lines.push({ level, message, event })
  }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** A Lambda context with a remaining time. */
export const lambdaContext = (remainingMs = 30_000): Context =>
  ({
    functionName: 'test-fn',
    awsRequestId: 'req-id',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs,
  }) as unknown as Context

/** Everything an error may show, its cause chain included, serialised every way a logger might. */
export const everythingShown = (error: unknown): string => {
  const parts: string[] = []
  let e: unknown = error
  for (let depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    const err = e as Record<string, unknown>
    parts.push(String(e), String(err.message), String(err.stack))
    try {
      parts.push(JSON.stringify(e, Object.getOwnPropertyNames(e)))
    } catch {}
    for (const k of Object.keys(err)) parts.push(`${k}=${JSON.stringify(err[k])}`)
    e = err.cause
  }
  return parts.join('\n')
}

export const expectNoCanary = (text: string): void => {
  expect(text).not.toContain(CANARY)
}

/** Starts a store for one test file: `const s = useStore()` then `s.store` inside tests. */
export const useStore = (seed: Record<string, string> = {}) => {
  const holder = {} as { store: LocalParameterStore; clientOptions: Record<string, unknown> }
  beforeAll(async () => {
    holder.store = await startLocalStore({ parameters: seed })
  })
  beforeEach(() => {
    holder.store.clearFaults()
    holder.store.resetCalls()
    holder.store.latencyMs = 0
    holder.store.bestEffortPaging = false
    // maxAttempts 1: the SDK's own retries are the SDK's business; tests count our calls.
    holder.clientOptions = { ...holder.store.clientConfig, maxAttempts: 1 }
  })
  afterAll(async () => {
    await holder.store.close()
  })
  return holder
}

/** Lets pending promise callbacks (a settled round) run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Polls until the condition holds (a background round landed); fails after the timeout. */
export const eventually = async (condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

/** Counts `fetched` debug events: one per settled round. */
export const rounds = (logger: { lines: { event: LogEvent }[] }): number =>
  logger.lines.filter((line) => line.event.event === 'fetched').length

/** A fake middy request, for calling a before hook directly and seeing whether it returned a promise. */
export const request = (remainingMs = 30_000) => ({
  event: {},
  context: lambdaContext(remainingMs) as unknown as Record<string, unknown>,
  internal: {} as Record<string, unknown>,
  response: null,
  error: null,
})

/** Runs a before hook like middy does; returns whether it had to wait (returned a promise). */
export const runBefore = async (
  mw: { before?: (request: any) => unknown },
  req = request(),
): Promise<{ waited: boolean; req: ReturnType<typeof request> }> => {
  const out = mw.before?.(req)
  const waited = out instanceof Promise
  await out
  return { waited, req }
}

/**
 * A middleware against the test's store on a manual clock with a recording logger: cacheExpiry 1 s and
 * jitter 0 unless `extra` says otherwise.
 */
export const setupWith =
  (holder: { clientOptions: Record<string, unknown> }) =>
  (fetchData: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const clock = manualClock()
    const logger = recordingLogger()
    const mw = secrets({
      fetchData: fetchData as Record<string, string>,
      awsClientOptions: holder.clientOptions,
      cacheExpiry: 1_000,
      jitter: 0,
      logger,
      clock,
      ...extra,
    })
    return { clock, logger, mw }
  }

/** Runs `node <args>` from the repository root; the child is killed if it has not ended after `killAfterMs`. */
export const runNode = (
  args: string[],
  env: Record<string, string> = {},
  killAfterMs = 20_000,
): Promise<{ code: number | null; out: string; err: string }> =>
  new Promise((resolve) => {
    const proc = spawn(process.execPath, args, {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, NODE_OPTIONS: '', ...env },
    })
    let out = ''
    let err = ''
    proc.stdout.on('data', (chunk) => {
      out += chunk
    })
    proc.stderr.on('data', (chunk) => {
      err += chunk
    })
    const killer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs)
    proc.on('exit', (code) => {
      clearTimeout(killer)
      resolve({ code, out, err })
    })
  })
