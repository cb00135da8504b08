/**
 * Property-based tests (fast-check, fixed seed, modest runs): option validation, path → environment names,
 * prototype safety, exact matching of answers, batching through the real client, and the embedded store's
 * request parsing.
 */
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm'
import fc from 'fast-check'
import { type LocalParameterStore, OPERATIONS, startLocalStore } from 'middy-secrets-local'
import { classifyError } from '../../src/classify.js'
import { SecretsError, secrets } from '../../src/index.js'
import { resolveOptions } from '../../src/options.js'
import { parseRef } from '../../src/parameter.js'
import { createPrepare, envName, rawFromEnv } from '../../src/prepare.js'
import type { Outcome } from '../../src/sources/source.js'
import { SsmSource } from '../../src/sources/stores/ssm.js'
import { arnOf, FakeStore } from '../support/fake.js'
import { manualClock, recordingLogger, runBefore, useStore } from '../support/harness.js'

const SEED = 20_240_611
const runs = (numRuns: number) => ({ seed: SEED, numRuns })

const s = useStore()

// ---------------------------------------------------------------------------------------------------------------
// Generators. Names follow SSM-FACTS.md: a-zA-Z0-9_.- plus / for hierarchy (starting with /), at most 15 levels and
// 1011 characters, nothing under aws/ssm (any case) but AWS's public /aws/service/… and the Secrets Manager bridge.

const NAME_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-']
const nameChar = fc.constantFrom(...NAME_CHARS)
const segment = fc.string({ unit: nameChar, minLength: 1, maxLength: 12 })
const RESERVED = /^\/?(aws|ssm)/i
const PUBLIC = /^\/aws\/(service|reference\/secretsmanager)\//

const validName = fc
  .oneof(
    fc.array(segment, { minLength: 1, maxLength: 15 }).map((levels) => `/${levels.join('/')}`),
    segment,
    fc.string({ unit: nameChar, minLength: 1000, maxLength: 1010 }).map((long) => `/${long}`),
    fc.tuple(fc.constantFrom('/aws/service/', '/aws/reference/secretsmanager/'), segment).map(([p, rest]) => p + rest),
  )
  .filter((name) => !RESERVED.test(name) || PUBLIC.test(name))

const LABEL_FIRST = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-']
const label = fc
  .tuple(fc.constantFrom(...LABEL_FIRST), fc.string({ unit: nameChar, maxLength: 99 }))
  .map(([first, rest]) => first + rest)
  .filter((l) => !/^(aws|ssm)/i.test(l))
const selector = fc.oneof(fc.integer({ min: 1, max: 999_999 }).map(String), label).map((sel) => `:${sel}`)
const arn = fc
  .tuple(fc.constantFrom('us-east-1', 'eu-west-1'), fc.stringMatching(/^[0-9]{12}$/), validName)
  .map(
    ([region, account, name]) => `arn:aws:ssm:${region}:${account}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
  )
const path = fc.oneof(
  fc.constant('/'),
  fc.array(segment, { minLength: 1, maxLength: 14 }).map((levels) => `/${levels.join('/')}/`),
)
// The one name AWS accepts that an entry refuses: a secret name ending in / reads as a path in a map, so it is
// refused with its way out, the secret's full ARN (__tests__/hints.test.ts).
const secretId = fc
  .stringMatching(/^[a-zA-Z0-9/_+=.@-]{1,64}$/)
  .filter((id) => !id.endsWith('/'))
  .map((id) => `secretsmanager:${id}`)
const validRef = fc.oneof(
  validName,
  fc.tuple(validName, selector).map(([n, sel]) => n + sel),
  arn,
  fc.tuple(arn, selector).map(([a, sel]) => a + sel),
  path,
  secretId,
)
const validSpec = fc.oneof(
  validRef,
  fc.record(
    {
      name: fc.oneof(
        validName,
        fc.tuple(validName, selector).map(([n, sel]) => n + sel),
        arn,
        secretId,
      ),
      transform: fc.oneof(
        fc.constantFrom('json', 'number', 'boolean', 'stringList'),
        fc.constant((raw: string) => raw.length),
      ),
      required: fc.boolean(),
    },
    { requiredKeys: ['name'] },
  ),
  fc.record({ name: path, recursive: fc.boolean(), required: fc.boolean() }, { requiredKeys: ['name'] }),
)
// Keys that are plain environment variable names, and none the runtime owns.
const RUNTIME = ['PATH', 'TZ', 'LANG', 'HOME', 'NODE_OPTIONS', 'NODE_PATH', 'LD_LIBRARY_PATH']
const validKey = fc
  .stringMatching(/^[A-Z][A-Z0-9_]{0,30}$/)
  .filter((key) => !/^(AWS_|LAMBDA_)/.test(key) && !RUNTIME.includes(key))
const fetchDataOf = <T>(entry: fc.Arbitrary<readonly [string, T]>, maxLength = 8) =>
  fc
    .uniqueArray(entry, { selector: ([key]) => key, minLength: 1, maxLength })
    .map((entries) => Object.fromEntries(entries))

const anyValue = fc.anything({
  withNullPrototype: true,
  withBigInt: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
})
// Values that break a careless String(x) or property-key conversion.
const awkward = fc.constantFrom<unknown>(
  Object.create(null),
  Symbol('s'),
  {
    toString() {
      throw new Error('toString')
    },
  },
  new Proxy({}, {}),
  [],
  [1, 2],
)
const hostileKey = fc.oneof(
  validKey,
  fc.string(),
  fc.constantFrom(
    '',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'a=b',
    'a\0b',
    'getRemainingTimeInMillis',
    'awsRequestId',
    'functionName',
    'callbackWaitsForEmptyEventLoop',
    'AWS_REGION',
    'LAMBDA_TASK_ROOT',
    '_HANDLER',
    'NODE_OPTIONS',
    'PATH',
  ),
)
const hostileName = fc.oneof(
  validRef,
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    '/',
    '//',
    '/a//b',
    'a/b',
    '/a/b:',
    '/a/b:0',
    '/a/b:1a',
    '/a/b:aws',
    '/a/b:ssmX',
    '/aws/x',
    '/ssm/x',
    'arn:aws:ssm:us-east-1:1:parameter/x',
    'arn:aws:ssm:us-east-1:123456789012:parameter/a/',
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:',
    'secretsmanager:',
    `/${'a/'.repeat(16)}b`,
    `/${'a'.repeat(1011)}`,
  ),
)
const hostileSpec = fc.oneof(
  hostileName,
  anyValue,
  fc.record(
    {
      name: fc.oneof(hostileName, anyValue),
      transform: fc.oneof(
        fc.constantFrom('json', 'number', 'boolean', 'stringList', 'yaml', '', 'toString', '__proto__', 'constructor'),
        fc.func(fc.anything()),
        anyValue,
      ),
      required: fc.oneof(fc.boolean(), anyValue),
      recursive: fc.oneof(fc.boolean(), anyValue),
      versionStage: fc.oneof(fc.string(), anyValue),
      junk: anyValue,
    },
    { requiredKeys: [] },
  ),
)
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 31, Number.MAX_VALUE),
  fc.string(),
  anyValue,
)
const OPTION_VALUES = {
  setToContext: fc.oneof(fc.boolean(), anyValue),
  setToEnv: fc.oneof(fc.boolean(), anyValue),
  cacheExpiry: hostileNumber,
  jitter: hostileNumber,
  staleWhileRevalidate: hostileNumber,
  staleIfError: hostileNumber,
  fallbackToEnv: fc.oneof(fc.boolean(), anyValue),
  fetchTimeout: hostileNumber,
  disablePrefetch: fc.oneof(fc.boolean(), anyValue),
  awsClientOptions: anyValue,
  AwsClient: anyValue,
  awsClientCapture: fc.oneof(fc.func(fc.anything()), anyValue),
  onChange: fc.oneof(fc.func(fc.anything()), anyValue),
  logger: fc.oneof(fc.constant(recordingLogger()), anyValue),
  clock: fc.oneof(fc.constant(manualClock()), anyValue),
  secretsManager: fc.oneof(fc.record({ batch: fc.oneof(fc.boolean(), anyValue), junk: anyValue }), anyValue),
}
const OPTION_NAMES = Object.keys(OPTION_VALUES)

/** What a construction may do: accept, or refuse with INVALID_OPTIONS. Anything else is a bug. */
const construct = (build: () => unknown): SecretsError | undefined => {
  // Random times below a second are accepted with a unit warning on the default logger: expected, not printed.
  const warn = console.warn
  console.warn = () => {}
  try {
    build()
    return undefined
  } catch (error) {
    if (!(error instanceof SecretsError)) {
      throw new Error(`expected a SecretsError, got ${(error as Error)?.name}: ${(error as Error)?.message}`)
    }
    if (error.code !== 'INVALID_OPTIONS') throw new Error(`expected INVALID_OPTIONS, got ${error.code}`)
    return error
  } finally {
    console.warn = warn
  }
}

describe('option validation', () => {
  test('valid generated names, selectors, ARNs, paths and keys are always accepted', () => {
    fc.assert(
      fc.property(
        fetchDataOf(fc.tuple(validKey, validSpec)),
        fc.boolean(),
        fc.oneof(fc.constant(-1), fc.nat()),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 600_000 }),
        (fetchData, setToEnv, cacheExpiry, jitter, fetchTimeout) => {
          // A silent logger: random times below a second are accepted with a unit warning.
          const options = { fetchData, setToEnv, cacheExpiry, jitter, fetchTimeout, logger: {} }
          expect(resolveOptions(options).entries.map((e) => e.key)).toEqual(Object.keys(fetchData))
          expect(secrets({ ...options, disablePrefetch: true }).name).toBe('middy-secrets')
        },
      ),
      runs(300),
    )
  })

  test('anything at all: accepted, or refused with INVALID_OPTIONS naming a key or an option — never another error', () => {
    const options = fc.record(
      {
        fetchData: fc.oneof(fetchDataOf(fc.tuple(hostileKey, hostileSpec)), anyValue),
        ...OPTION_VALUES,
        cacheExpry: anyValue,
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(fc.oneof(options, anyValue), (input) => {
        const error = construct(() => resolveOptions(input as never))
        if (!error) return
        const given = typeof input === 'object' && input !== null ? input : {}
        const fetchData = (given as { fetchData?: unknown }).fetchData
        const keys = typeof fetchData === 'object' && fetchData !== null ? Object.keys(fetchData) : []
        if (error.keys.length > 0) {
          expect(error.keys).toHaveLength(1)
          expect(keys).toContain(error.keys[0])
        } else {
          const named = ['options', 'fetchData', ...Object.keys(given)]
          expect(named.some((name) => error.message.includes(name))).toBe(true)
        }
      }),
      runs(400),
    )
  })

  test('one hostile change to valid options is refused naming exactly that key or option, if refused at all', () => {
    const change = fc.oneof(
      fc.record({ at: fc.constant('key' as const), key: hostileKey }),
      fc.record({ at: fc.constant('spec' as const), spec: hostileSpec }),
      fc.record({
        at: fc.constant('field' as const),
        name: validName,
        field: fc.constantFrom('transform', 'required', 'recursive', 'versionStage', 'junk'),
        value: fc.oneof(awkward, anyValue),
      }),
      fc.record({
        at: fc.constant('option' as const),
        option: fc.constantFrom(...OPTION_NAMES),
        value: fc.oneof(awkward, anyValue),
      }),
      fc.record({ at: fc.constant('unknown' as const), option: fc.string({ minLength: 1 }) }),
    )
    fc.assert(
      fc.property(fetchDataOf(fc.tuple(validKey, validSpec), 4), change, (fetchData, c) => {
        const target = Object.keys(fetchData)[0]!
        const options: Record<string, unknown> = { fetchData: { ...fetchData } }
        const data = options.fetchData as Record<string, unknown>
        if (c.at === 'key') {
          const spec = data[target]
          delete data[target]
          Object.defineProperty(data, c.key, { value: spec, enumerable: true, configurable: true, writable: true })
        } else if (c.at === 'spec') data[target] = c.spec
        else if (c.at === 'field') data[target] = { name: c.name, [c.field]: c.value }
        else if (c.at === 'option') options[c.option] = c.value
        else if (!OPTION_NAMES.includes(c.option) && c.option !== 'fetchData') options[c.option] = 1
        // secrets() itself, never prefetching (no client, no network); resolveOptions when disablePrefetch is the
        // option under test.
        const error = construct(() =>
          c.at === 'option' && c.option === 'disablePrefetch'
            ? resolveOptions(options as never)
            : secrets({ ...options, disablePrefetch: true } as never),
        )
        if (!error) return
        if (c.at === 'key') {
          expect(error.keys).toEqual([c.key])
          if (c.key !== '') expect(error.message).toContain(JSON.stringify(c.key))
        } else if (c.at === 'spec' || c.at === 'field') {
          expect(error.keys).toEqual([target])
          expect(error.message).toContain(`fetchData.${target}`)
        } else {
          expect(error.keys).toEqual([])
          expect(error.message).toContain(c.option)
        }
      }),
      runs(400),
    )
  })

  test('every accepted fetchTimeout lets a healthy store answer', async () => {
    s.store.put('/prop/timeout', 'answer')
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 1_000, max: 2 ** 31 - 1 }), fc.double({ min: 2 ** 31, max: 1e12, noNaN: true })),
        async (fetchTimeout) => {
          const options = { fetchData: { TOKEN: '/prop/timeout' }, fetchTimeout }
          if (construct(() => resolveOptions(options))) return
          const mw = secrets({ ...options, awsClientOptions: s.clientOptions, logger: recordingLogger() })
          const { req } = await runBefore(mw)
          expect([fetchTimeout, mw.stats().keys.TOKEN?.rung, req.context.TOKEN]).toEqual([
            fetchTimeout,
            'fresh',
            'answer',
          ])
        },
      ),
      runs(6),
    )
  })
})

// ---------------------------------------------------------------------------------------------------------------

const REL_CHARS = [...'abAB01_.-/']
const DANGEROUS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__proto__/polluted',
  'constructor/prototype/polluted',
]
const relative = fc.oneof(
  fc.string({ unit: fc.constantFrom(...REL_CHARS), minLength: 1, maxLength: 8 }),
  fc.constantFrom(...DANGEROUS, 'a-b', 'a_b', 'A_B', 'a.b', 'a/b'),
)
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort()
const expectNoPollution = () => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore)
}

describe('path → environment names', () => {
  const entryFor = (key: string, name: string) => resolveOptions({ fetchData: { [key]: name } }).entries[0]!

  test('any set of relative names maps injectively to variables, or is a key_collision naming both', () => {
    fc.assert(
      fc.property(validKey, fc.uniqueArray(relative, { minLength: 1, maxLength: 12 }), (key, names) => {
        const entry = entryFor(key, '/pp/')
        const raw: Record<string, string> = Object.create(null)
        for (const name of names) raw[name] = `v:${name}`
        const groups = new Map<string, string[]>()
        for (const name of names) groups.set(envName(key, name), [...(groups.get(envName(key, name)) ?? []), name])
        const colliding = [...groups.values()].filter((group) => group.length > 1)
        const result = createPrepare(true)(entry, raw)
        if (colliding.length > 0) {
          expect(result).toEqual({ reason: 'key_collision', detail: expect.any(String) })
          const detail = (result as { detail: string }).detail
          const match = /^\/pp\/(.+) and \/pp\/(.+) both map to (\S+)$/.exec(detail)
          expect(match).not.toBeNull()
          const [, a, b, variable] = match as unknown as [string, string, string, string]
          expect(a).not.toBe(b)
          expect(groups.get(variable)).toEqual(expect.arrayContaining([a, b]))
        } else {
          if (!('value' in result)) throw new Error(`unexpected ${result.reason}`)
          expect(result.env?.size).toBe(names.length)
          for (const name of names) expect(result.env?.get(envName(key, name))).toBe(`v:${name}`)
          expect(Object.getPrototypeOf(result.value)).toBeNull()
          expect(Object.keys(result.value as object).sort()).toEqual([...names].sort())
          for (const name of names) expect((result.value as Record<string, unknown>)[name]).toBe(`v:${name}`)
        }
        // Without setToEnv there are no variables and so no collision.
        const plain = createPrepare(false)(entry, raw)
        expect('value' in plain && plain.env === undefined).toBe(true)
        expectNoPollution()
      }),
      runs(300),
    )
  })

  test('a deploy-time JSON fallback for a path never pollutes a prototype', () => {
    const text = fc.oneof(
      fc.json(),
      fc.dictionary(relative, fc.oneof(fc.string(), fc.jsonValue())).map((o) => JSON.stringify(o)),
      fc.constantFrom(
        '{"__proto__":{"polluted":"yes"}}',
        '{"constructor":{"prototype":{"polluted":"yes"}}}',
        '{"__proto__":"x","polluted":"y"}',
      ),
    )
    fc.assert(
      fc.property(text, (json) => {
        const raw = rawFromEnv(entryFor('DB', '/pp/'), json)
        if (raw !== undefined) {
          expect(Object.getPrototypeOf(raw)).toBeNull()
          const parsed = JSON.parse(json) as Record<string, unknown>
          expect(Object.keys(raw).sort()).toEqual(Object.keys(parsed).sort())
          for (const [k, v] of Object.entries(raw)) expect(v).toBe(parsed[k])
          const prepared = createPrepare(true)(entryFor('DB', '/pp/'), raw)
          if ('value' in prepared) expect(Object.getPrototypeOf(prepared.value)).toBeNull()
        }
        expectNoPollution()
      }),
      runs(300),
    )
  })

  test('parameters named __proto__, constructor… under a path stay plain data on context and in process.env', async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.constantFrom(...DANGEROUS), { minLength: 1 }), async (names) => {
        const base = `/pp/e2e${++n}/`
        for (const name of names) s.store.put(base + name, `v:${name}`)
        const mw = secrets({
          fetchData: { PP: base },
          setToEnv: true,
          awsClientOptions: s.clientOptions,
          logger: recordingLogger(),
          clock: manualClock(),
        })
        const { req } = await runBefore(mw)
        const value = req.context.PP as Record<string, string>
        expect(Object.getPrototypeOf(value)).toBeNull()
        expect(Object.keys(value).sort()).toEqual([...names].sort())
        for (const name of names) {
          expect(value[name]).toBe(`v:${name}`)
          expect(process.env[envName('PP', name)]).toBe(`v:${name}`)
        }
        expectNoPollution()
      }),
      runs(10),
    )
    for (const name of Object.keys(process.env)) if (name.startsWith('PP_')) delete process.env[name]
  })
})

// ---------------------------------------------------------------------------------------------------------------

describe('exact matching', () => {
  const OTHER = '000000000000'
  // Bare names shared by both accounts, asked by plain name (own account) or by ARN (either account).
  const BARE = ['/m/a', '/m/b', '/m/c', '/m/d']
  const reference = fc
    .tuple(fc.constantFrom(...BARE), fc.constantFrom('name', 'own-arn', 'other-arn'))
    .map(([name, how]) => (how === 'name' ? name : arnOf(name, how === 'own-arn' ? undefined : OTHER)))

  test('any mix of names and ARNs of two accounts, answered in any order with duplicates and strays: each reference gets its own value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(reference, { minLength: 1, maxLength: 14 }), fc.nat(1_000), async (ids, seed) => {
        const store = new FakeStore()
        for (const name of BARE) {
          store.put(name, `own:${name}`)
          store.put(name, `other:${name}`, OTHER)
        }
        let turn = seed
        store.override = (call) => {
          if (call.operation !== 'GetParameters') return undefined
          const answer = store.answer(call) as { Parameters: Record<string, unknown>[]; InvalidParameters: string[] }
          // Shuffled, with a duplicate of the first result carrying a wrong value and a stray parameter.
          const results = [...answer.Parameters]
          for (let i = results.length - 1; i > 0; i--) {
            turn = (turn * 1_103_515_245 + 12_345) % 2 ** 31
            const j = turn % (i + 1)
            ;[results[i], results[j]] = [results[j]!, results[i]!]
          }
          if (results[0]) results.push({ ...results[0], Value: 'duplicate' })
          results.push({ Name: '/m/stray', Value: 'stray', ARN: arnOf('/m/stray') })
          return { ...answer, Parameters: results }
        }
        const source = new SsmSource(() => new store.Client(), await import('@aws-sdk/client-ssm'), classifyError)
        const out = new Map<string, Outcome>()
        await source.fetch(
          ids.map((id) => parseRef(id)),
          new AbortController().signal,
          out,
        )
        for (const id of ids) {
          const other = id.includes(`:${OTHER}:`)
          const name = `/${id.split(':parameter/')[1] ?? id.slice(1)}`
          expect([id, out.get(id)]).toEqual([id, { ok: true, raw: `${other ? 'other' : 'own'}:${name}` }])
        }
        // No call mixes two references that SSM answers with the same Name.
        for (const call of store.calls) {
          const names = (call.input.Names as string[]).map((n) =>
            n.includes(':parameter/') ? `/${n.split(':parameter/')[1]}` : n,
          )
          expect(new Set(names).size).toBe(names.length)
          expect(names.length).toBeLessThanOrEqual(10)
        }
      }),
      runs(200),
    )
  })
})

describe('batching through the real client', () => {
  const POOL = Array.from({ length: 80 }, (_, i) => `/bt/p${String(i).padStart(2, '0')}`)
  beforeAll(() => {
    for (const name of POOL) {
      s.store.put(name, `${name}#1`)
      s.store.label(name, 1, ['live'])
      s.store.put(name, `${name}#2`)
    }
  })

  test('1..60 keys, names repeated across keys: each distinct name asked once, never more than 10 per call', async () => {
    const ref = fc
      .tuple(fc.nat(POOL.length - 1), fc.constantFrom('', ':1', ':live'))
      .map(([i, sel]) => `${POOL[i]}${sel}`)
    await fc.assert(
      fc.asyncProperty(fc.array(ref, { minLength: 1, maxLength: 60 }), async (refs) => {
        s.store.resetCalls()
        const fetchData = Object.fromEntries(refs.map((r, i) => [`K${i}`, r]))
        const mw = secrets({ fetchData, awsClientOptions: s.clientOptions, logger: recordingLogger() })
        const { req } = await runBefore(mw)
        const calls = s.store.requests.map((r) => ({
          operation: r.operation,
          names: (r.input as { Names: string[] }).Names,
        }))
        const distinct = [...new Set(refs)]
        expect(calls.every((c) => c.operation === 'GetParameters')).toBe(true)
        expect(calls.every((c) => c.names.length >= 1 && c.names.length <= 10)).toBe(true)
        expect(calls).toHaveLength(Math.ceil(distinct.length / 10))
        expect(calls.flatMap((c) => c.names).sort()).toEqual(distinct.sort())
        refs.forEach((r, i) => {
          expect(req.context[`K${i}`]).toBe(`${r.replace(/:.*$/, '')}#${r.includes(':') ? 1 : 2}`)
        })
        expect(mw.stats().storeCalls).toBe(calls.length)
      }),
      runs(25),
    )
  })
})

// ---------------------------------------------------------------------------------------------------------------

describe('the local store’s request parsing', () => {
  let store: LocalParameterStore
  beforeAll(async () => {
    store = await startLocalStore({ parameters: { '/raw/a': 'a' } })
  })
  afterAll(async () => {
    await store.close()
  })

  const FIELDS = ['Names', 'Name', 'Path', 'Recursive', 'WithDecryption', 'MaxResults', 'NextToken', 'Value', 'Type']
  const fieldValue = fc.oneof(
    fc.jsonValue(),
    fc.array(fc.oneof(fc.string(), validRef, hostileName), { maxLength: 12 }),
    validRef,
    hostileName,
  )
  const body = fc.oneof(
    fc.string(),
    fc.json(),
    fc.dictionary(fc.constantFrom(...FIELDS, '__proto__', 'constructor'), fieldValue).map((o) => JSON.stringify(o)),
    fc.constantFrom('', ' ', 'null', '[]', '"x"', '{', '{"Names":["/raw/a"]', '{"__proto__":{"Names":["/raw/a"]}}'),
  )
  const target = fc.oneof(
    fc.constantFrom(...OPERATIONS.map((o) => `AmazonSSM.${o}`)),
    fc.constantFrom('AmazonSSM.constructor', 'AmazonSSM.__proto__', 'AmazonSSM.toString', 'AmazonSSM.', 'AmazonSSM'),
    fc.string().map((t) => `AmazonSSM.${t}`),
    fc.string(),
    fc.constant(undefined),
  )

  test('any target and body: an AWS-shaped JSON answer, and the server stays up', async () => {
    let sent = 0
    await fc.assert(
      fc.asyncProperty(target, body, fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'), async (t, b, method) => {
        const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1' }
        if (t !== undefined) headers['X-Amz-Target'] = t
        const res = await fetch(store.clientConfig.endpoint, {
          method,
          headers,
          ...(method === 'GET' ? {} : { body: b }),
        })
        sent++
        const text = await res.text()
        expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1')
        expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
        const parsed = JSON.parse(text) as Record<string, unknown>
        expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)).toBe(true)
        if (res.status === 200) {
          expect(parsed).not.toHaveProperty('__type')
        } else {
          expect(res.status === 400 || res.status === 413 || res.status >= 500).toBe(true)
          expect(parsed).toEqual({ __type: expect.stringMatching(/^[A-Za-z]+$/), message: expect.any(String) })
        }
      }),
      runs(200),
    )
    // Every request was counted, and a real client is still served (a fuzzed DeleteParameter may have hit /raw/a).
    expect(store.calls.total).toBe(sent)
    store.put('/raw/a', 'a')
    const client = new SSMClient({ ...store.clientConfig, maxAttempts: 1 })
    const out = await client.send(new GetParametersCommand({ Names: ['/raw/a'] }))
    expect(out.Parameters?.[0]?.Value).toBe('a')
    client.destroy()
  })
})
