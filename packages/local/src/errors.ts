/**
 * An error as SSM or Secrets Manager reports it (both engines throw it; the name predates the second service):
 * `name` is the AWS error type the SDK will surface as `error.name` (it reads the `__type` field of the body),
 * `statusCode` the HTTP status it travels with.
 *
 * @example
 * ```ts
 * import { ParameterEngine, SsmServiceError } from 'middy-secrets-local'
 *
 * const engine = new ParameterEngine()
 * try {
 *   engine.handle('GetParameter', { Name: '/missing' })
 * } catch (error) {
 *   if (error instanceof SsmServiceError) console.log(error.name, error.statusCode) // ParameterNotFound 400
 * }
 * ```
 */
export class SsmServiceError extends Error {
  readonly statusCode: number

  constructor(name: string, message: string, statusCode = 400) {
    super(message)
    this.name = name
    this.statusCode = statusCode
  }

  /** The JSON 1.1 error body. */
  toBody(): { __type: string; message: string } {
    return { __type: this.name, message: this.message }
  }
}

/** AWS's wording for a constraint on one field; never quotes the offending value (it may be a secret). */
export const validationError = (field: string, constraint: string): SsmServiceError =>
  new SsmServiceError(
    'ValidationException',
    `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${constraint}`,
  )

/** A field of the wrong JSON type, as the AWS JSON 1.1 deserializer reports it. */
export const serializationError = (field: string, expected: string): SsmServiceError =>
  new SsmServiceError('SerializationException', `Expected ${expected} for field '${field}'`)
