import { classifyError, SecretsError } from '../src/errors.js'

const sdkError = (name: string, message = '', status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, requestId: 'req-1' }, ...extra })

describe('classifyError', () => {
  test.each([
    [sdkError('ThrottlingException', 'Rate exceeded', 400), 'throttled'],
    [sdkError('AccessDeniedException', 'not authorized to perform: ssm:GetParameters', 400), 'access_denied'],
    [sdkError('AccessDeniedException', 'not authorized to perform: kms:Decrypt (Service: AWSKMS)', 400), 'kms_denied'],
    [sdkError('InvalidKeyId', '', 400), 'kms_denied'],
    [sdkError('ParameterNotFound', '', 400), 'not_found'],
    [sdkError('TimeoutError', ''), 'timed_out'],
    [sdkError('AbortError', ''), 'timed_out'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'unreachable'],
    // The SDK's HTTP handler renames a reset socket TimeoutError; the code tells the truth.
    [Object.assign(sdkError('TimeoutError', 'socket hang up'), { code: 'ECONNRESET' }), 'unreachable'],
    [Object.assign(sdkError('TimeoutError', 'write EPIPE'), { code: 'EPIPE' }), 'unreachable'],
    [Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), 'timed_out'],
    [sdkError('InternalServerError', '', 500), 'store_error'],
    [sdkError('SyntaxError', 'Unexpected token < in JSON: {"Value":"CANARY"}', 200), 'invalid_response'],
    [sdkError('SomethingElse', '', 418), 'invalid_request'],
    [sdkError('SomethingElse', '', 503), 'store_error'],
    // The inputs: each said 'unreachable' or 'store_error'.
    [new Error('Region is missing'), 'client_config'],
    [
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      'credentials',
    ],
    [sdkError('ExpiredTokenException', 'The security token included in the request is expired', 400), 'credentials'],
    [
      sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400),
      'credentials',
    ],
    [sdkError('InvalidSignatureException', 'The request signature we calculated does not match', 400), 'credentials'],
    [sdkError('IncompleteSignature', '', 400), 'credentials'],
    [sdkError('ValidationException', '1 validation error detected', 400), 'invalid_request'],
    [sdkError('Unknown', 'UnknownError', 429), 'throttled'],
    [new TypeError('result.Parameters is not iterable'), 'invalid_response'],
    // The rest of the kind.
    [Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' }), 'client_config'],
    [sdkError('InvalidClientTokenId', '', 403), 'credentials'],
    [new TypeError('Client is not a constructor'), 'client_config'],
    [sdkError('SignatureDoesNotMatch', '', 403), 'credentials'],
    [sdkError('SlowDown', '', 503), 'throttled'],
    [sdkError('Unknown', 'UnknownError', 502), 'store_error'],
    [sdkError('SyntaxError', '<html> CANARY', 500), 'store_error'],
    [Object.assign(new Error('connect ENETUNREACH'), { code: 'ENETUNREACH' }), 'unreachable'],
    [new Error('what'), 'unreachable'],
    [undefined, 'unreachable'],
  ])('%#: %s', (error, reason) => {
    expect(classifyError(error).reason).toBe(reason)
  })

  test('an unreachable endpoint names its host and the network code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 4566,
      $metadata: { attempts: 1 },
    })
    expect(classifyError(refused)).toEqual({
      reason: 'unreachable',
      errorName: 'Error',
      errorCode: 'ECONNREFUSED',
      host: '127.0.0.1:4566',
    })
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND ssm.nowhere.invalid'), {
      code: 'ENOTFOUND',
      hostname: 'ssm.nowhere.invalid',
    })
    expect(classifyError(dns)).toMatchObject({ reason: 'unreachable', host: 'ssm.nowhere.invalid' })
    // The SDK wraps a socket error of another realm (a vm context, as in Jest) in a plain Error of its own words.
    const wrapped = Object.assign(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:4566'), {
      $metadata: { attempts: 1 },
    })
    expect(classifyError(wrapped)).toEqual({
      reason: 'unreachable',
      errorName: 'Error',
      errorCode: 'ECONNREFUSED',
      host: '127.0.0.1:4566',
    })
  })

  test('a denial keeps the ARN AWS names, and only that of the message', () => {
    const message =
      'User: arn:aws:sts::123456789012:assumed-role/fn/x is not authorized to perform: ssm:GetParameters on resource: ' +
      'arn:aws:ssm:us-east-1:123456789012:parameter/bots/token because no identity-based policy allows CANARY-7f3a'
    const info = classifyError(sdkError('AccessDeniedException', message, 400))
    expect(info).toEqual({
      reason: 'access_denied',
      errorName: 'AccessDeniedException',
      httpStatus: 400,
      requestId: 'req-1',
      resourceArn: 'arn:aws:ssm:us-east-1:123456789012:parameter/bots/token',
    })
    const kms = classifyError(
      sdkError(
        'AccessDeniedException',
        'not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key/abc because (Service: AWSKMS)',
        400,
      ),
    )
    expect(kms).toMatchObject({ reason: 'kms_denied', resourceArn: 'arn:aws:kms:us-east-1:123456789012:key/abc' })
  })

  test('a name or request id that could carry a value is not kept', () => {
    const info = classifyError(
      Object.assign(new Error('x'), {
        name: 'CANARY-7f3a secret value',
        $metadata: { httpStatusCode: 500, requestId: 'CANARY 7f3a with spaces' },
      }),
    )
    expect(info).toEqual({ reason: 'store_error', errorName: 'Error', httpStatus: 500 })
  })

  test('a thrown object whose getters throw is classified, not rethrown', () => {
    const hostile = {
      get name(): string {
        throw new Error('no')
      },
    }
    expect(classifyError(hostile)).toEqual({ reason: 'unreachable', errorName: 'Error' })
  })

  test('keeps only the name, status and request id', () => {
    const info = classifyError(
      sdkError('SyntaxError', 'CANARY in message', 200, { $responseBodyText: '{"Value":"CANARY"}' }),
    )
    expect(info).toEqual({ reason: 'invalid_response', errorName: 'SyntaxError', httpStatus: 200, requestId: 'req-1' })
    expect(JSON.stringify(info)).not.toContain('CANARY')
  })
})

describe('SecretsError', () => {
  test('carries code, keys, parameters and reasons, no cause', () => {
    const error = new SecretsError('UNAVAILABLE', 'no value', {
      keys: ['A'],
      parameters: ['/a'],
      reasons: { A: 'not_found' },
    })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('SecretsError')
    expect([error.code, error.keys, error.parameters, error.reasons]).toEqual([
      'UNAVAILABLE',
      ['A'],
      ['/a'],
      { A: 'not_found' },
    ])
    expect(error.cause).toBeUndefined()
    expect(new SecretsError('INVALID_OPTIONS', 'x').keys).toEqual([])
  })
})
