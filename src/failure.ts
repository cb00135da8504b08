import { classifyError, type FailureInfo } from './errors.js'

// AWS names the denied resource in the message: "… is not authorized to perform: ssm:GetParameters on resource:
// arn:aws:ssm:…:parameter/x because …". The ARN is kept; the rest of the message never is.
const RESOURCE = /\bon resource: (arn:[A-Za-z0-9:/_+=.@*-]+)/

/** {@link classifyError}, plus for a denial the resource ARN AWS names. */
export const failureOf = (error: unknown): FailureInfo => {
  const failure = classifyError(error)
  if (failure.reason !== 'access_denied' || failure.arn !== undefined) return failure
  const message = (error as { message?: unknown } | null | undefined)?.message
  const arn = typeof message === 'string' ? RESOURCE.exec(message)?.[1] : undefined
  return arn === undefined ? failure : { ...failure, arn }
}
