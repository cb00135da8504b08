import { SsmServiceError } from '../src/errors.js'
import { decodeToken, encodeToken, listingScope, lowerBound, pageSize, pageSizeOf } from '../src/paging.js'
import { failure } from './support/errors.js'

const invalid = (token: string, scope = 's') => {
  try {
    decodeToken(token, scope)
  } catch (error) {
    return error
  }
  throw new Error('expected the token to be refused')
}

test('a token round-trips within its scope', () => {
  const scope = listingScope(['/a/', true, []])
  const token = encodeToken({ after: '/a/b', empties: 1 }, scope)
  expect(decodeToken(token, scope)).toEqual({ after: '/a/b', empties: 1 })
  expect(decodeToken(encodeToken({ after: null, empties: 0 }, scope), scope)).toEqual({ after: null, empties: 0 })
})

test('scopes differ by listing', () => {
  expect(listingScope(['/a/', true, []])).not.toBe(listingScope(['/a/', false, []]))
  expect(listingScope(['/a/', true, []])).toBe(listingScope(['/a/', true, []]))
})

test.each([
  ['garbage', '%%%'],
  ['not an object', Buffer.from('42').toString('base64url')],
  ['null', Buffer.from('null').toString('base64url')],
  ['wrong version', Buffer.from(JSON.stringify({ v: 2, a: null, e: 0, s: 's' })).toString('base64url')],
  ['wrong cursor', Buffer.from(JSON.stringify({ v: 1, a: 3, e: 0, s: 's' })).toString('base64url')],
  ['wrong empties', Buffer.from(JSON.stringify({ v: 1, a: null, e: 'x', s: 's' })).toString('base64url')],
])('refuses a token that is %s', (_, token) => {
  const error = invalid(token)
  expect(error).toBeInstanceOf(SsmServiceError)
  expect((error as SsmServiceError).name).toBe('InvalidNextToken')
})

test('refuses a token from another listing', () => {
  const token = encodeToken({ after: null, empties: 0 }, 'one')
  expect((invalid(token, 'two') as Error).name).toBe('InvalidNextToken')
})

test('lowerBound finds the first item >= key, or > key when strict', () => {
  const sorted = ['/a', '/b', '/b', '/c']
  expect(lowerBound(sorted, '/b')).toBe(1)
  expect(lowerBound(sorted, '/b', true)).toBe(3)
  expect(lowerBound(sorted, '/0')).toBe(0)
  expect(lowerBound(sorted, '/z')).toBe(4)
  expect(lowerBound([], '/a')).toBe(0)
})

describe("page size (MaxResults: 1 to the operation's maximum, the maximum when absent)", () => {
  test.each([
    [undefined, 10, 10],
    [1, 10, 1],
    [10, 10, 10],
    [20, 20, 20],
  ])('asked %s of at most %s: %s', (requested, max, size) => {
    expect(pageSize(requested, max)).toBe(size)
  })

  test.each([
    [
      0,
      10,
      "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      -1,
      10,
      "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      11,
      10,
      "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10",
    ],
    [
      101,
      100,
      "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    ],
  ])('asked %s of at most %s: ValidationException naming maxResults', (requested, max, message) => {
    const error = failure(() => pageSize(requested, max))
    expect(error.name).toBe('ValidationException')
    expect(error.message).toBe(message)
  })

  test("pageSizeOf reads the request's MaxResults", () => {
    expect(pageSizeOf({}, 50)).toBe(50)
    expect(pageSizeOf({ MaxResults: 3 }, 50)).toBe(3)
    expect(failure(() => pageSizeOf({ MaxResults: 51 }, 50)).name).toBe('ValidationException')
    expect(failure(() => pageSizeOf({ MaxResults: '3' }, 50)).name).toBe('SerializationException')
  })
})
