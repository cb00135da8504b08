import { resolveOptions } from '../src/options.js'
import { createPrepare, envName, rawFromEnv } from '../src/prepare.js'

const entry = (spec: unknown) => resolveOptions({ fetchData: { KEY: spec as string } }).entries[0]!

describe('prepare', () => {
  test('a name: transformed value and, with setToEnv, its raw string', () => {
    const prepared = createPrepare(true)(entry({ name: '/n', transform: 'number' }), '42')
    expect(prepared).toEqual({ value: 42, env: new Map([['KEY', '42']]) })
    expect(createPrepare(false)(entry('/n'), 'x')).toEqual({ value: 'x', env: undefined })
  })

  test('a path: an object of relative names, variables KEY_ + upper-cased names', () => {
    const prepared = createPrepare(true)(entry('/db/'), { host: 'h', 'nested/port': '5432' })
    expect(prepared).toMatchObject({ value: { host: 'h', 'nested/port': '5432' } })
    expect('value' in prepared && Object.getPrototypeOf(prepared.value)).toBeNull()
    expect('env' in prepared && prepared.env).toEqual(
      new Map([
        ['KEY_HOST', 'h'],
        ['KEY_NESTED_PORT', '5432'],
      ]),
    )
    expect(envName('DB', 'a.b-c/d')).toBe('DB_A_B_C_D')
  })

  test('two names mapping to one variable are a collision naming both', () => {
    const failure = createPrepare(true)(entry('/db/'), { 'a-b': '1', a_b: '2' })
    expect(failure).toEqual({ reason: 'key_collision', detail: '/db/a-b and /db/a_b both map to KEY_A_B' })
    expect(createPrepare(false)(entry('/db/'), { 'a-b': '1', a_b: '2' })).toMatchObject({ env: undefined })
  })

  test('a failing transform is a reason, never a thrown message', () => {
    const custom = entry({
      name: '/n',
      transform: () => {
        throw new Error('CANARY value')
      },
    })
    expect(createPrepare(false)(custom, 'x')).toEqual({ reason: 'transform_failed' })
    expect(createPrepare(false)(entry({ name: '/p/', transform: 'json' }), { a: '{' })).toEqual({
      reason: 'transform_failed',
    })
  })

  test('rawFromEnv: a string for a name, a JSON object of strings for a path', () => {
    expect(rawFromEnv(entry('/n'), 'v')).toBe('v')
    expect(rawFromEnv(entry('/n'), undefined)).toBeUndefined()
    expect(rawFromEnv(entry('/p/'), '{"host":"h"}')).toEqual({ host: 'h' })
    expect(rawFromEnv(entry('/p/'), '{"port":5432}')).toBeUndefined()
    expect(rawFromEnv(entry('/p/'), '["a"]')).toBeUndefined()
    expect(rawFromEnv(entry('/p/'), 'null')).toBeUndefined()
    expect(rawFromEnv(entry('/p/'), 'not json')).toBeUndefined()
  })
})
