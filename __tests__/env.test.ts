import { deployTimeValue, envRegistry, syncEnv } from '../src/env.js'

describe('process.env records', () => {
  const NAME = 'MIDDY_SECRETS_ENV_TEST'
  afterEach(() => {
    delete process.env[NAME]
  })

  test('records the deploy-time value before the first write, and keeps it', () => {
    process.env[NAME] = 'deploy-time'
    expect(deployTimeValue(NAME)).toBe('deploy-time')
    syncEnv(new Map([[NAME, 'from-store']]))
    expect(process.env[NAME]).toBe('from-store')
    syncEnv(new Map([[NAME, 'from-store-2']]))
    expect(deployTimeValue(NAME)).toBe('deploy-time')
    expect(deployTimeValue('MIDDY_SECRETS_NEVER_WRITTEN')).toBeUndefined()
  })

  test('writes only what changed and counts writes', () => {
    const name = `${NAME}_2`
    const first = syncEnv(new Map([[name, 'a']]))
    expect(syncEnv(new Map([[name, 'a']]))).toBe(first)
    expect(envRegistry().seq).toBe(first)
    expect(syncEnv(new Map([[name, 'b']]))).toBe(first + 1)
    expect(process.env[name]).toBe('b')
    // No value wanted: restore the deploy-time value (unset here).
    syncEnv(new Map([[name, undefined]]))
    expect(name in process.env).toBe(false)
  })

  test('leaves alone a variable it never wrote when no value is wanted', () => {
    const name = `${NAME}_3`
    process.env[name] = 'users-own'
    syncEnv(new Map([[name, undefined]]))
    expect(process.env[name]).toBe('users-own')
    delete process.env[name]
  })

  test('the registry is shared through a global symbol', () => {
    const shared = (globalThis as unknown as Record<symbol, { env: unknown }>)[Symbol.for('middy-secrets')]
    expect(shared?.env).toBe(envRegistry())
  })
})
