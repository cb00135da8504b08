import fc from 'fast-check'
import { isReadableReservedName, isReservedName, isValidLabel, nameShapeProblem } from '../src/aws-names.js'
import { parseRef } from '../src/parameter.js'

// One copy of AWS's naming rules (src/aws-names.ts): the local store checks names with it and parameter.ts builds
// on it. What parseRef accepts as a plain name must be exactly what the shared rules accept, or code that passes
// locally fails on AWS (or the other way round). Names without a selector or trailing slash, so both read them as plain parameter names.
const runtimeAccepts = (reference: string): boolean => {
  try {
    return parseRef(reference).kind === 'name'
  } catch {
    return false
  }
}
const sharedAccepts = (name: string): boolean =>
  nameShapeProblem(name) === undefined && (!isReservedName(name) || isReadableReservedName(name))

const alphabet = ['a', 'Z', '0', '9', '_', '.', '-', '/', ' ', 's', 'w', 'm', 'é', '*']
const names = fc.oneof(
  fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 40 }).map((chars) => chars.join('')),
  fc.array(fc.stringMatching(/^[a-z]{1,3}$/), { minLength: 1, maxLength: 20 }).map((levels) => `/${levels.join('/')}`),
  fc.constantFrom('/aws/service/x', '/aws/reference/secretsmanager/db', '/aws/x', 'ssm-x', '/SSM/y', 'awsome'),
)

test('the runtime and the shared rules accept exactly the same parameter names', () => {
  fc.assert(
    fc.property(
      names.filter((name) => !name.endsWith('/') && !name.includes(':')),
      (name) => runtimeAccepts(name) === sharedAccepts(name),
    ),
    { numRuns: 2000, seed: 12 },
  )
})

test.each([
  ['/a', true],
  [`/${'x'.repeat(1010)}`, true],
  [`/${'x'.repeat(1011)}`, false],
  [`/${Array(15).fill('l').join('/')}`, true],
  [`/${Array(16).fill('l').join('/')}`, false],
  ['a/b', false],
  ['/a//b', false],
  ['/a b', false],
  ['/aws/service/ami', true],
  ['/aws/own', false],
])('the runtime and the shared rules agree on %s', (name, accepted) => {
  expect(sharedAccepts(name)).toBe(accepted)
  expect(runtimeAccepts(name)).toBe(accepted)
})

test('labels: the runtime accepts a label selector exactly when the shared rule calls the label valid', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom('a', 'W', 's', 'm', '1', '_', '.', '-', '/', ' '), { minLength: 1, maxLength: 12 }),
      (chars) => {
        const label = chars.join('')
        // A selector of digits only is a version number, not a label.
        fc.pre(!/^\d+$/.test(label))
        return runtimeAccepts(`/p:${label}`) === isValidLabel(label)
      },
    ),
    { numRuns: 1000, seed: 12 },
  )
  expect(isValidLabel('x'.repeat(100))).toBe(true)
  expect(isValidLabel('x'.repeat(101))).toBe(false)
  expect(runtimeAccepts(`/p:${'x'.repeat(101)}`)).toBe(false)
})
