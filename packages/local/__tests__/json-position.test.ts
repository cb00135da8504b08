// Where a seed or data file stops being JSON, as a line and a column — found without JSON.parse's message, which
// quotes the file's text (and, for an unexpected token, gives no position on Node 20).
import fc from 'fast-check'
import { lineAndColumn, syntaxErrorAt } from '../src/json-position.js'

const parses = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

test.each([
  ['{"a": x}', 6],
  ['', 0],
  ['   ', 3],
  ['{"a": "b"', 9],
  ['[1,]', 3],
  ['{"a":1,}', 7],
  ['{"a":1}x', 7],
  ['"abc', 4],
  ['{"a" 1}', 5],
  ['{a: 1}', 1],
  ["{'a': 1}", 1],
  ['[01]', 2],
  ['[1.]', 2],
  ['[-]', 1],
  ['["\\x"]', 2],
  ['["\\u12g4"]', 2],
  ['["a\tb"]', 3],
  ['[tru]', 1],
  ['[1 2]', 3],
  ['{"a":{"b":[1,2}}', 14],
  ['{}{}', 2],
])('%j stops being JSON at offset %i', (text, offset) => {
  expect(parses(text)).toBe(false)
  expect(syntaxErrorAt(text)).toBe(offset)
})

test.each([
  '{}',
  '[]',
  ' { "a" : [ 1 , -2.5e+3 , true , false , null , "x\\n\\u00e9" , { } , [ ] ] } ',
  '0',
  '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
])('%j is JSON', (text) => {
  expect(parses(text)).toBe(true)
  expect(syntaxErrorAt(text)).toBeUndefined()
})

test('nesting 100000 deep does not overflow the stack', () => {
  expect(syntaxErrorAt(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBeUndefined()
  expect(syntaxErrorAt(`${'['.repeat(100_000)}x`)).toBe(100_000)
})

test('agrees with JSON.parse on any JSON text and on any text cut or changed from one', () => {
  const mutated = fc
    .tuple(fc.json(), fc.nat(), fc.constantFrom('', 'x', ',', '}', ']', '"', ':', '{', '[', ' ', '\\'), fc.nat(3))
    .map(([text, at, insert, remove]) => {
      const i = at % (text.length + 1)
      return text.slice(0, i) + insert + text.slice(i + remove)
    })
  fc.assert(
    fc.property(fc.oneof(fc.json(), mutated, fc.string()), (text) => {
      expect(syntaxErrorAt(text) === undefined).toBe(parses(text))
    }),
    { numRuns: 2000 },
  )
})

test.each([
  ['abc', 0, { line: 1, column: 1 }],
  ['abc', 2, { line: 1, column: 3 }],
  ['a\nbc', 3, { line: 2, column: 2 }],
  ['a\n\n', 3, { line: 3, column: 1 }],
  ['ab', 99, { line: 1, column: 3 }],
])('offset %#: line and column from 1', (text, at, where) => {
  expect(lineAndColumn(text, at)).toEqual(where)
})
