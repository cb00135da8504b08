import { AppConfigEngine, AppConfigError, type LatestConfiguration } from './appconfig-engine.js'
import type { FaultDecision } from './faults.js'

/** A REST-JSON reply: status, headers, body bytes. */
export interface RestReply {
  status: number
  headers: Record<string, string>
  body: Buffer
  /** Send the headers and half the body, then cut the connection: a reply lost on the way. */
  cut?: boolean
}

/**
 * The AppConfig Data operation a request is (REST-JSON: the method and path say it), with its input, or
 * `undefined` when the request is not one of AppConfig's paths.
 */
export const appConfigRequest = (
  method: string | undefined,
  url: string | undefined,
  body: string,
): { operation: string; input: unknown; malformed: boolean } | undefined => {
  const parsed = new URL(url ?? '/', 'http://localhost')
  if (parsed.pathname === '/configurationsessions' && method === 'POST') {
    try {
      return {
        operation: 'StartConfigurationSession',
        input: body.trim() === '' ? {} : JSON.parse(body),
        malformed: false,
      }
    } catch {
      return { operation: 'StartConfigurationSession', input: undefined, malformed: true }
    }
  }
  if (parsed.pathname === '/configuration' && method === 'GET') {
    return {
      operation: 'GetLatestConfiguration',
      input: { ConfigurationToken: parsed.searchParams.get('configuration_token') ?? undefined },
      malformed: false,
    }
  }
  return undefined
}

/** An AppConfig error as REST-JSON carries it: the type in `x-amzn-errortype`, the members in the body. */
export const appConfigErrorReply = (error: AppConfigError): RestReply => ({
  status: error.statusCode,
  headers: { 'Content-Type': 'application/json', 'x-amzn-errortype': error.name },
  body: Buffer.from(JSON.stringify(error.toBody())),
})

/** The error a fault rule answers an AppConfig request with, or `undefined` for kinds that answer otherwise. */
export const appConfigFaultError = (
  decision: FaultDecision,
  operation: string,
  engine: AppConfigEngine,
): AppConfigError | undefined => {
  switch (decision.fault?.kind) {
    case 'throttle':
      return new AppConfigError('ThrottlingException', 'Rate exceeded', 429)
    case 'server-error':
      return new AppConfigError('InternalServerException', 'An internal error occurred.', 500)
    case 'access-denied':
    case 'kms-denied':
      // IAM refuses before AppConfig's own shapes: the generic AccessDeniedException, naming the ARN it checked.
      return new AppConfigError(
        'AccessDeniedException',
        `User: arn:aws:sts::${engine.accountId}:assumed-role/fake/local-parameter-store is not authorized to ` +
          `perform: appconfig:${operation} on resource: ${engine.arnOf(decision.resource)} because no ` +
          `identity-based policy allows the appconfig:${operation} action`,
        403,
      )
    default:
      return undefined
  }
}

/**
 * Answers an AppConfig Data request: the engine's answer as REST-JSON, a fault rule's error, or the
 * malformed/truncated forms of a 200 (a StartConfigurationSession body that will not parse; a configuration
 * without its next-poll token).
 */
export const appConfigReply = (
  engine: AppConfigEngine,
  operation: string,
  input: unknown,
  malformedRequest: boolean,
  decision: FaultDecision,
): RestReply => {
  if (malformedRequest) return appConfigErrorReply(new AppConfigError('BadRequestException', 'Invalid JSON', 400))
  const faulted = appConfigFaultError(decision, operation, engine)
  if (faulted) return appConfigErrorReply(faulted)
  let reply: RestReply
  try {
    const answer = engine.handle(operation, input)
    reply =
      'InitialConfigurationToken' in answer
        ? {
            status: 201,
            headers: { 'Content-Type': 'application/json' },
            body: Buffer.from(JSON.stringify(answer)),
          }
        : latestReply(answer)
  } catch (error) {
    reply = appConfigErrorReply(
      error instanceof AppConfigError
        ? error
        : new AppConfigError('InternalServerException', 'An internal error occurred.', 500),
    )
  }
  if (decision.fault?.kind === 'malformed') {
    // A proxy's page instead of AppConfig's answer: no next-poll token, a body that is not the configuration.
    return { status: 200, headers: { 'Content-Type': 'text/html' }, body: Buffer.from('<html><body>502</body></html>') }
  }
  if (decision.fault?.kind === 'truncated') {
    // A configuration cut short would read as a valid one: the connection dies mid-body instead, for both operations.
    return { ...reply, cut: true }
  }
  return reply
}

const latestReply = (answer: LatestConfiguration): RestReply => {
  const headers: Record<string, string> = {
    'Content-Type': answer.ContentType,
    'Next-Poll-Configuration-Token': answer.NextPollConfigurationToken,
    'Next-Poll-Interval-In-Seconds': String(answer.NextPollIntervalInSeconds),
  }
  if (answer.VersionLabel !== undefined) headers['Version-Label'] = answer.VersionLabel
  return { status: 200, headers, body: answer.Configuration }
}

export { AppConfigEngine }
