import { randomUUID } from 'node:crypto'
import type { Context } from 'aws-lambda'

/**
 * Options of {@link lambdaContext}. Every field has a test-friendly default.
 *
 * @example
 * ```ts
 * const options: LambdaContextOptions = { functionName: 'orders', timeoutMs: 10_000 }
 * ```
 */
export interface LambdaContextOptions {
  /** Default `'test-function'`. */
  functionName?: string
  /** Default `'$LATEST'`. */
  functionVersion?: string
  /** The invocation's time limit in ms, counted from when the context is made. Default `3000` (Lambda's default). */
  timeoutMs?: number
  /** Default `128`. */
  memoryLimitInMB?: number
  /** Region and account in `invokedFunctionArn`. Defaults `'us-east-1'` and `'123456789012'`. */
  region?: string
  accountId?: string
  /** Default: a random uuid per context. */
  awsRequestId?: string
  /** The clock `getRemainingTimeInMillis()` reads, in ms. Default `Date.now`. */
  now?: () => number
}

/**
 * A Lambda `Context` for tests: every field Lambda sets, and `getRemainingTimeInMillis()` counting down from
 * `timeoutMs` on `now`. Typed as `aws-lambda`'s `Context`, so a handler takes it without a cast.
 *
 * @example
 * ```ts
 * import { lambdaContext } from 'middy-secrets-local'
 *
 * const result = await handler({}, lambdaContext({ timeoutMs: 5_000 }))
 * ```
 */
export const lambdaContext = (options: LambdaContextOptions = {}): Context => {
  const now = options.now ?? Date.now
  const deadline = now() + (options.timeoutMs ?? 3_000)
  const functionName = options.functionName ?? 'test-function'
  const region = options.region ?? 'us-east-1'
  const accountId = options.accountId ?? '123456789012'
  const gone = (method: string) => () => {
    throw new Error(`context.${method}() is the Node.js 0.10 callback API: return or throw from the handler instead`)
  }
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: options.functionVersion ?? '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 128),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/01/[$LATEST]00000000000000000000000000000000',
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: gone('done'),
    fail: gone('fail'),
    succeed: gone('succeed'),
  }
}

/**
 * A Lambda handler as tests call it. Written as a method's type on purpose: methods compare their parameters both
 * ways, so a middy handler whose context type includes the values its middlewares add (`Context & { TOKEN:
 * string }`) is accepted, as it is on Lambda, where middy adds them before the handler runs.
 *
 * @example
 * ```ts
 * const main: InvocableHandler<{ id: string }, number> = async (event) => event.id.length
 * ```
 */
export type InvocableHandler<E, R> = {
  handle(event: E, context: Context): R | Promise<R>
}['handle']

/**
 * Invokes a Lambda handler (middy's or a plain one) the way Lambda does: with the event and a fresh
 * {@link lambdaContext}. Resolves to what the handler returns.
 *
 * @example
 * ```ts
 * import { invoke } from 'middy-secrets-local'
 *
 * const length = await invoke(handler, {}, { timeoutMs: 5_000 })
 * ```
 */
export const invoke = async <E, R>(
  handler: InvocableHandler<E, R>,
  event: E,
  options?: LambdaContextOptions,
): Promise<R> => await handler(event, lambdaContext(options))
