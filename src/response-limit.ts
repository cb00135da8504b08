import type { AwsClientLike } from './types.js'

/**
 * The largest response body a store call may return, in bytes. AWS's largest legitimate answers are far
 * below it (ten 8 KB parameters; twenty 64 KB secrets in one BatchGetSecretValue come to about 1.8 MB of
 * JSON); a body above it is refused as `invalid_response` before it fills a 128 MB function's memory.
 */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024

/** The error a response over {@link MAX_RESPONSE_BYTES} fails with: a 2xx that is not an answer. */
const tooLarge = (status: number | undefined): Error =>
  Object.assign(new Error(`the response body is larger than ${MAX_RESPONSE_BYTES} bytes`), {
    name: 'ResponseTooLarge',
    $metadata: { httpStatusCode: status ?? 200 },
  })

interface RawResponse {
  statusCode?: number
  headers?: Record<string, string | undefined>
  body?: unknown
}

interface Stack {
  add(middleware: unknown, options: object): void
}

/**
 * Adds a middleware to an SDK client, next to the HTTP handler (below the deserializer), that refuses a body
 * over {@link MAX_RESPONSE_BYTES}: at once when its Content-Length says so, else by counting the bytes as they
 * stream in and aborting the stream. Clients without a middleware stack (a user's own `AwsClient`) are left
 * as they are.
 */
export const limitResponses = (client: AwsClientLike): void => {
  const stack = (client as { middlewareStack?: Partial<Stack> }).middlewareStack
  if (typeof stack?.add !== 'function') return
  const limit =
    (next: (args: unknown) => Promise<{ response: unknown }>) =>
    async (args: unknown): Promise<{ response: unknown }> => {
      const result = await next(args)
      const response = result.response as RawResponse | undefined
      const body = response?.body
      // Taken at run time: a static import of a builtin costs an ES module wrapper (~0.25 ms) at every cold start.
      const { Readable, Transform } = process.getBuiltinModule('node:stream')
      if (!response || !(body instanceof Readable)) return result
      const declared = Number(response.headers?.['content-length'] ?? Number.NaN)
      if (declared > MAX_RESPONSE_BYTES) {
        body.destroy()
        throw tooLarge(response.statusCode)
      }
      let seen = 0
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length
          if (seen > MAX_RESPONSE_BYTES) {
            body.destroy()
            callback(tooLarge(response.statusCode))
          } else callback(null, chunk)
        },
      })
      body.on('error', (error) => counted.destroy(error))
      response.body = body.pipe(counted)
      return result
    }
  ;(stack as Stack).add(limit, { step: 'deserialize', priority: 'low', name: 'middySecretsResponseLimit' })
}
