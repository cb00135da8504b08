import { SsmServiceError } from '../src/errors.js'
import { decodeToken, encodeToken, listingScope, lowerBound } from '../src/paging.js'

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
