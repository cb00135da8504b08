import {
  arnCandidates,
  arnFor,
  isReservedName,
  isUnderPath,
  isValidLabel,
  mentionedNames,
  nameProblem,
  parseArn,
  pathPrefix,
  pathProblem,
  splitSelector,
} from '../src/names.js'

describe('nameProblem', () => {
  test.each(['a', '/a', '/a/b-c_d.e', 'plain.name', `/${'x'.repeat(1010)}`, `/${Array(15).fill('l').join('/')}`])(
    'accepts %s',
    (name) => {
      expect(nameProblem(name)).toBeUndefined()
    },
  )

  test.each([
    ['', /empty/],
    [`/${'x'.repeat(1011)}`, /longer than 1011/],
    ['/a b', /may hold only/],
    ['/a:1', /may hold only/],
    ['a/b', /must start with \//],
    ['/a//b', /empty/],
    ['/a/', /must not end with \//],
    [`/${Array(16).fill('l').join('/')}`, /deeper than 15 levels/],
  ])('refuses %j', (name, problem) => {
    expect(nameProblem(name)).toMatch(problem)
  })
})

test('pathProblem allows the root and a trailing slash, and needs a leading one', () => {
  expect(pathProblem('/')).toBeUndefined()
  expect(pathProblem('/a/b/')).toBeUndefined()
  expect(pathProblem('/a/b')).toBeUndefined()
  expect(pathProblem('a/b')).toMatch(/begin with \//)
  expect(pathProblem('/a b/')).toMatch(/may hold only/)
})

test('isReservedName: aws and ssm prefixes in any case, with or without a leading slash', () => {
  for (const name of ['aws', '/aws/x', 'AWS-thing', '/SSM/x', 'ssmfoo', '/Aws']) expect(isReservedName(name)).toBe(true)
  for (const name of ['/app/aws', 'my-ssm', '/a']) expect(isReservedName(name)).toBe(false)
})

test('isValidLabel follows SSM label rules', () => {
  for (const label of ['prod', 'v1.2-rc_3', 'x'.repeat(100)]) expect(isValidLabel(label)).toBe(true)
  for (const label of ['', '1st', 'awsx', 'SSM-x', 'a b', 'a/b', 'x'.repeat(101)])
    expect(isValidLabel(label)).toBe(false)
})

describe('parseArn', () => {
  test('reads region, account, resource and selector', () => {
    expect(parseArn('arn:aws:ssm:eu-west-1:111122223333:parameter/a/b')).toEqual({
      region: 'eu-west-1',
      account: '111122223333',
      rest: 'a/b',
    })
    expect(parseArn('arn:aws-cn:ssm:cn-north-1:1:parameter/x:prod')).toEqual({
      region: 'cn-north-1',
      account: '1',
      rest: 'x',
      selector: 'prod',
    })
  })

  test.each([
    '/a',
    'arn:aws:ssm:r:1',
    'arn:aws:s3:r:1:parameter/a',
    'nar:aws:ssm:r:1:parameter/a',
    'arn:gcp:ssm:r:1:parameter/a',
    'arn:aws:ssm:r:1:document/a',
    'arn:aws:ssm:r:1:parameter/',
    'arn:aws:ssm:r:1:parameter/a:1:2',
  ])('refuses %s', (reference) => {
    expect(parseArn(reference)).toBeUndefined()
  })
})

test('splitSelector splits at the first colon', () => {
  expect(splitSelector('/a/b')).toEqual({ base: '/a/b' })
  expect(splitSelector('/a/b:3')).toEqual({ base: '/a/b', selector: '3' })
  expect(splitSelector('/a:')).toEqual({ base: '/a', selector: '' })
})

test('arnCandidates and arnFor agree on the dropped leading slash', () => {
  expect(arnCandidates('a/b')).toEqual(['/a/b'])
  expect(arnCandidates('x')).toEqual(['x', '/x'])
  expect(arnFor('us-east-1', '123456789012', '/a/b')).toBe('arn:aws:ssm:us-east-1:123456789012:parameter/a/b')
  expect(arnFor('us-east-1', '123456789012', 'x')).toBe('arn:aws:ssm:us-east-1:123456789012:parameter/x')
})

test('pathPrefix and isUnderPath', () => {
  expect(pathPrefix('/a')).toBe('/a/')
  expect(pathPrefix('/a/')).toBe('/a/')
  expect(pathPrefix('/')).toBe('/')
  expect(isUnderPath('/a/b', '/a/', false)).toBe(true)
  expect(isUnderPath('/a/b/c', '/a/', false)).toBe(false)
  expect(isUnderPath('/a/b/c', '/a/', true)).toBe(true)
  expect(isUnderPath('/a', '/a/', true)).toBe(false)
  expect(isUnderPath('/ab', '/a/', true)).toBe(false)
  expect(isUnderPath('/x', '/', false)).toBe(true)
  expect(isUnderPath('x', '/', true)).toBe(false)
})

test('mentionedNames strips selectors and reads ARNs', () => {
  expect(mentionedNames('/a:prod')).toEqual(['/a'])
  expect(mentionedNames('arn:aws:ssm:r:1:parameter/a/b:2')).toEqual(['/a/b'])
  expect(mentionedNames('arn:aws:ssm:r:1:parameter/x')).toEqual(['x', '/x'])
})
