/**
 * An in-process stand-in for the stores, for the freshness-policy tests: a client class for `AwsClient` (and
 * `secretsManager.AwsClient`) that answers the real SDK command objects from a map, after a latency on the
 * timers (jest's fake timers in those tests), with faults and hand-written answers when a test asks. No sockets:
 * every call is a method call, every wait a fake timer.
 */
import { jest } from '@jest/globals'
import type { LogEvent } from '../../src/types.js'
import { recordingLogger } from './harness.js'

export const OWN_ACCOUNT = '123456789012'
export const REGION = 'us-east-1'

export const arnOf = (name: string, account = OWN_ACCOUNT) =>
  `arn:aws:ssm:${REGION}:${account}:parameter/${name.startsWith('/') ? name.slice(1) : name}`

/** An SDK-shaped service error: name, message, HTTP status. */
export const serviceError = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, requestId: 'fake-request' } })

export const denied = (resource: string) =>
  serviceError(
    'AccessDeniedException',
    400,
    `User: arn:aws:sts::${OWN_ACCOUNT}:assumed-role/fake/fn is not authorized to perform: ssm:GetParameters on resource: ${resource} because no identity-based policy allows the ssm:GetParameters action`,
  )

export interface Call {
  operation: string
  input: Record<string, any>
}

/** What a call answers: an output, an error to throw, or 'hang' (until the round aborts it). */
export type Reply = Record<string, unknown> | Error | 'hang' | unknown

export class FakeStore {
  /** `account:name` → value (own account by default). */
  readonly values = new Map<string, string>()
  /** Secret id → value. */
  readonly secrets = new Map<string, string>()
  /** Names (own account) IAM refuses: a GetParameters naming one is denied as a whole, as AWS does. */
  readonly denied = new Set<string>()
  readonly calls: Call[] = []
  latencyMs = 0
  /** Answers every call with this instead, when set: a fault or a hand-written answer. */
  override: ((call: Call, n: number) => Reply | undefined) | undefined

  put(name: string, value: string, account = OWN_ACCOUNT): void {
    this.values.set(`${account}:${name}`, value)
  }

  delete(name: string): void {
    this.values.delete(`${OWN_ACCOUNT}:${name}`)
  }

  count(operation?: string): number {
    return operation ? this.calls.filter((c) => c.operation === operation).length : this.calls.length
  }

  /** The class to pass as `AwsClient` (and `secretsManager.AwsClient`). */
  get Client() {
    const store = this
    return class FakeClient {
      send(
        command: { constructor: { name: string }; input: Record<string, any> },
        options?: { abortSignal?: AbortSignal },
      ) {
        return store.send(command.constructor.name.replace(/Command$/, ''), command.input, options?.abortSignal)
      }
    }
  }

  private send(operation: string, input: Record<string, any>, signal: AbortSignal | undefined): Promise<unknown> {
    const call = { operation, input }
    this.calls.push(call)
    const reply = this.override?.(call, this.calls.length) ?? this.answer(call)
    return new Promise((resolve, reject) => {
      const abort = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))
      if (signal?.aborted) return abort()
      signal?.addEventListener('abort', abort, { once: true })
      if (reply === 'hang') return
      const deliver = () => (reply instanceof Error ? reject(reply) : resolve(reply))
      if (this.latencyMs > 0) setTimeout(deliver, this.latencyMs)
      else deliver()
    })
  }

  private resolveName(reference: string): { account: string; name: string; selector: string } {
    const arn = /^arn:aws:ssm:[a-z0-9-]+:(\d{12}):parameter\/(.+)$/.exec(reference)
    const [account, body] = arn ? [arn[1]!, `/${arn[2]}`] : [OWN_ACCOUNT, reference]
    const colon = body.indexOf(':')
    return colon === -1
      ? { account, name: body, selector: '' }
      : { account, name: body.slice(0, colon), selector: body.slice(colon) }
  }

  /** What AWS would answer, for the operations the sources call. */
  answer(call: Call): Reply {
    const { operation, input } = call
    if (operation === 'GetParameters') {
      const names = input.Names as string[]
      const refused = names.find((n) => this.denied.has(this.resolveName(n).name))
      if (refused !== undefined) return denied(arnOf(this.resolveName(refused).name))
      const Parameters: Record<string, unknown>[] = []
      const InvalidParameters: string[] = []
      for (const reference of names) {
        const { account, name, selector } = this.resolveName(reference)
        const value = this.values.get(`${account}:${name}`)
        if (value === undefined || selector) InvalidParameters.push(reference)
        else Parameters.push({ Name: name, Value: value, ARN: arnOf(name, account), Type: 'String', Version: 1 })
      }
      return { Parameters, InvalidParameters }
    }
    if (operation === 'GetParametersByPath') {
      const path = `${input.Path === '/' ? '' : input.Path}/`
      const all = [...this.values]
        .filter(([k]) => k.startsWith(`${OWN_ACCOUNT}:${path}`))
        .map(([k, v]) => ({ Name: k.slice(OWN_ACCOUNT.length + 1), Value: v }))
        .sort((a, b) => a.Name.localeCompare(b.Name))
      const start = Number(input.NextToken ?? 0)
      const page = all.slice(start, start + (input.MaxResults as number))
      const next = start + page.length
      return next < all.length ? { Parameters: page, NextToken: String(next) } : { Parameters: page }
    }
    if (operation === 'GetSecretValue') {
      const value = this.secrets.get(input.SecretId)
      return value === undefined
        ? serviceError('ResourceNotFoundException', 400)
        : {
            Name: input.SecretId,
            ARN: `arn:aws:secretsmanager:${REGION}:${OWN_ACCOUNT}:secret:${input.SecretId}-abcdef`,
            SecretString: value,
          }
    }
    if (operation === 'BatchGetSecretValue') {
      const ids = input.SecretIdList as string[]
      return {
        SecretValues: ids
          .filter((id) => this.secrets.has(id))
          .map((id) => ({
            Name: id,
            ARN: `arn:aws:secretsmanager:${REGION}:${OWN_ACCOUNT}:secret:${id}-abcdef`,
            SecretString: this.secrets.get(id),
          })),
        Errors: ids
          .filter((id) => !this.secrets.has(id))
          .map((id) => ({ SecretId: id, ErrorCode: 'ResourceNotFoundException', Message: 'not found' })),
      }
    }
    return serviceError('UnknownOperationException', 400)
  }
}

/** The clock the fake timers drive: Date.now() is theirs; random() fixed unless set. */
export const fakeClock = () => {
  const clock = { r: 0.5, now: () => Date.now(), random: () => clock.r }
  return clock
}

/** Jest's fake timers from a round start time, for a describe block. */
export const useFakeTime = (start = 1_000_000) => {
  beforeEach(() => {
    jest.useFakeTimers({ now: start })
  })
  afterEach(() => {
    jest.useRealTimers()
  })
}

/** Moves fake time on, running the timers and promise callbacks due meanwhile. */
export const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms)

/** A Lambda-like context with a fixed remaining time. */
export const context = (remainingMs = 30_000) => ({ getRemainingTimeInMillis: () => remainingMs })

export interface Invocation {
  waited: boolean
  error: unknown
  values: Record<string, unknown>
}

/**
 * One invocation as middy runs the before hook, letting fake time run while it waits (as real time would).
 * Returns whether it waited, the error if it failed, and the values it put on the context.
 */
export const invoke = async (mw: { before?: (request: any) => unknown }, remainingMs = 30_000): Promise<Invocation> => {
  const request = {
    event: {},
    context: context(remainingMs) as Record<string, unknown>,
    internal: {},
    response: null,
    error: null,
  }
  let error: unknown
  let waited = false
  let done = false
  try {
    const out = mw.before?.(request)
    if (out instanceof Promise) {
      waited = true
      const settled = out.then(
        () => {
          done = true
        },
        (e: unknown) => {
          done = true
          error = e
        },
      )
      // Let fake time run until the wait is over, timer by timer, as real time would.
      await jest.advanceTimersByTimeAsync(0)
      for (let i = 0; i < 10_000 && !done; i++) await jest.advanceTimersToNextTimerAsync()
      await settled
    }
  } catch (e) {
    error = e
  }
  // Callbacks of a round that needs no time (a store without latency) run before the next invocation.
  await jest.advanceTimersByTimeAsync(0)
  return { waited, error, values: request.context }
}

export const logLines = () => recordingLogger()
export type { LogEvent }
