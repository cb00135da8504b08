import { compileWriter } from '../src/writer.js'

describe('compileWriter', () => {
  test('writes every key to context and internal', () => {
    const write = compileWriter(['A', 'B-c', 'quote\'"\\'], true)
    const context: Record<string, unknown> = {}
    const internal: Record<string, unknown> = {}
    write(context, internal, [1, 'two', { three: 3 }])
    expect(context).toEqual({ A: 1, 'B-c': 'two', 'quote\'"\\': { three: 3 } })
    expect(internal).toEqual(context)
  })

  test('keys are data, never code', () => {
    const hostile = '"]; globalThis.pwned = true; //'
    const write = compileWriter([hostile], true)
    const context: Record<string, unknown> = {}
    write(context, {}, ['v'])
    expect(context[hostile]).toBe('v')
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined()
  })

  test('setToContext false writes internal only', () => {
    const write = compileWriter(['A'], false)
    const context: Record<string, unknown> = {}
    const internal: Record<string, unknown> = {}
    write(context, internal, ['x'])
    expect(context).toEqual({})
    expect(internal).toEqual({ A: 'x' })
  })
})
