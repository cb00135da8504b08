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
    [sdkError('SomethingElse', '', 418), 'store_error'],
    [new Error('what'), 'unreachable'],
    [undefined, 'unreachable'],
  ])('%#: %s', (error, reason) => {
    expect(classifyError(error).reason).toBe(reason)
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
