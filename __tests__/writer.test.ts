import { inspect } from 'node:util'
import { compileWriter } from '../src/writer.js'

const CANARY = 'CANARY-7f3a-writer'

describe('compileWriter', () => {
  test('every key reads from context and internal', () => {
    const write = compileWriter(['A', 'B-c', 'quote\'"\\'], true)
    const context: Record<string, unknown> = {}
    const internal: Record<string, unknown> = {}
    write(context, internal, [1, 'two', { three: 3 }], 0)
    expect([context.A, context['B-c'], context['quote\'"\\']]).toEqual([1, 'two', { three: 3 }])
    expect([internal.A, internal['B-c'], internal['quote\'"\\']]).toEqual([1, 'two', { three: 3 }])
    expect('A' in context).toBe(true)
  })

  test('keys are data, never code', () => {
    const hostile = '"]; globalThis.pwned = true; //'
    const write = compileWriter([hostile], true)
    const context: Record<string, unknown> = {}
    write(context, {}, ['v'], 0)
    expect(context[hostile]).toBe('v')
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined()
  })

  test('setToContext false writes internal only', () => {
    const write = compileWriter(['A'], false)
    const context: Record<string, unknown> = {}
    const internal: Record<string, unknown> = {}
    write(context, internal, ['x'], 0)
    expect(context.A).toBeUndefined()
    expect(internal.A).toBe('x')
  })

  test('no way of printing the context or internal shows a value', () => {
    const write = compileWriter(['TOKEN', 'DB'], true)
    const context: Record<string, unknown> = { functionName: 'fn', awsRequestId: 'req' }
    const internal: Record<string, unknown> = {}
    write(context, internal, [CANARY, { host: CANARY }], 0)
    const shown = [
      inspect(context),
      inspect(context, { showHidden: true, depth: 10 }),
      inspect({ context, internal }, { showHidden: true, depth: 10 }),
      JSON.stringify(context),
      JSON.stringify(internal),
      JSON.stringify({ ...context }),
      String(Object.keys(context)),
      String(Object.entries(context)),
      String(Object.getOwnPropertyNames(context)),
      JSON.stringify(Object.assign({}, context)),
      JSON.stringify(structuredClone(context)),
    ]
    const forIn: string[] = []
    for (const key in context) forIn.push(key)
    shown.push(forIn.join())
    expect(shown.join('\n')).not.toContain(CANARY)
    // The same context still reads every value.
    expect(context.TOKEN).toBe(CANARY)
    expect((context.DB as { host: string }).host).toBe(CANARY)
    expect(inspect(context)).toBe("{ functionName: 'fn', awsRequestId: 'req' }")
  })

  test('an invocation keeps its values when a later one sees new ones', () => {
    const write = compileWriter(['A'], true)
    const values = ['v1']
    const first: Record<string, unknown> = {}
    write(first, {}, values, 0)
    values[0] = 'v2'
    const second: Record<string, unknown> = {}
    write(second, {}, values, 1)
    expect([first.A, second.A]).toEqual(['v1', 'v2'])
  })

  test('reads the values again only when the version changes, and keeps its view when none of them did', () => {
    const write = compileWriter(['A'], true)
    const values = ['v1']
    const first: Record<string, unknown> = {}
    write(first, {}, values, 7)
    const view = Object.getPrototypeOf(first)
    // The same version: the cache has not written, so the writer does not look at the values.
    values[0] = 'not yet'
    const second: Record<string, unknown> = {}
    write(second, {}, values, 7)
    // A new version with the same values: one view still serves every invocation.
    values[0] = 'v1'
    const third: Record<string, unknown> = {}
    write(third, {}, values, 8)
    expect([second.A, third.A]).toEqual(['v1', 'v1'])
    expect([Object.getPrototypeOf(second), Object.getPrototypeOf(third)]).toEqual([view, view])
  })

  test('the handler may still assign a key, as before', () => {
    const write = compileWriter(['A'], true)
    const context: Record<string, unknown> = {}
    write(context, {}, ['v'], 0)
    context.A = 'mine'
    expect(context.A).toBe('mine')
    expect(Object.keys(context)).toEqual(['A'])
  })

  test("keeps the context's own prototype chain, and stacks with a second instance", () => {
    class LambdaContext {
      remaining(): number {
        return 7
      }
    }
    const one = compileWriter(['A'], true)
    const two = compileWriter(['B'], true)
    const context = new LambdaContext() as LambdaContext & Record<string, unknown>
    for (let i = 0; i < 3; i++) {
      one(context, {}, ['a'], 0)
      two(context, {}, ['b'], 0)
    }
    expect([context.A, context.B, context.remaining(), context instanceof LambdaContext]).toEqual(['a', 'b', 7, true])
    // Written again after a change: the older view is replaced, not stacked.
    const again = compileWriter(['C'], true)
    const target: Record<string, unknown> = {}
    again(target, {}, ['c1'], 0)
    again(target, {}, ['c2'], 1)
    expect(target.C).toBe('c2')
    expect(Object.getPrototypeOf(Object.getPrototypeOf(target))).toBe(Object.prototype)
  })
})
