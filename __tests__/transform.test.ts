import { resolveTransform, TRANSFORMS } from '../src/transform.js'

const run = (name: string, raw: string) => (resolveTransform(name as never) as (raw: string) => unknown)(raw)

describe('transforms', () => {
  test('the built-ins', () => {
    expect(TRANSFORMS.sort()).toEqual(['boolean', 'json', 'number', 'stringList'])
    expect(run('stringList', 'a,b,,c')).toEqual(['a', 'b', '', 'c'])
    expect(run('json', '{"a":[1,true,null]}')).toEqual({ a: [1, true, null] })
    expect(run('number', ' 42.5 ')).toBe(42.5)
    expect(run('boolean', 'TRUE')).toBe(true)
    expect(run('boolean', 'off')).toBe(false)
  })

  test('no transform is the identity; a function is used as is', () => {
    expect(resolveTransform(undefined)?.('raw')).toBe('raw')
    const fn = (raw: string) => raw.length
    expect(resolveTransform(fn)).toBe(fn)
    expect(resolveTransform('yaml' as never)).toBeUndefined()
    expect(resolveTransform('toString' as never)).toBeUndefined()
  })

  test.each([
    ['json', '{"token": "CANARY-json-1234"'],
    ['number', 'CANARY-number'],
    ['number', '   '],
    ['boolean', 'CANARY-bool'],
  ])('%s failures never quote the input', (name, raw) => {
    let message = ''
    try {
      run(name, raw)
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).not.toBe('')
    expect(message).not.toContain('CANARY')
  })
})
