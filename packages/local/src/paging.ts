import { SsmServiceError, validationError } from './errors.js'
import { type Input, optionalInteger } from './input.js'

/** Where the next page of a `GetParametersByPath` listing starts. */
export interface PageCursor {
  /** The last name already returned; the next page starts after it. */
  after: string | null
  /** Empty pages served in a row: best-effort paging forces progress after a few, so a listing always ends. */
  empties: number
}

interface TokenBody {
  v: 1
  a: string | null
  e: number
  s: string
}

// The API reference of each paged SSM operation names this error for a token it did not hand out.
const invalidToken = () => new SsmServiceError('InvalidNextToken', "The specified token isn't valid.")

/** A short fingerprint of what a listing asks for, so a token cannot be replayed against another listing. */
export const listingScope = (parts: unknown): string => {
  let hash = 0x811c9dc5
  const text = JSON.stringify(parts)
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16)
}

/** Tokens are opaque to clients; a cursor by name (not an offset) survives parameters added or deleted meanwhile. */
export const encodeToken = (cursor: PageCursor, scope: string): string => {
  const body: TokenBody = { v: 1, a: cursor.after, e: cursor.empties, s: scope }
  return Buffer.from(JSON.stringify(body)).toString('base64url')
}

export const decodeToken = (token: string, scope: string): PageCursor => {
  let body: Partial<TokenBody>
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    throw invalidToken()
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    body.v !== 1 ||
    body.s !== scope ||
    !(typeof body.a === 'string' || body.a === null) ||
    typeof body.e !== 'number'
  ) {
    throw invalidToken()
  }
  return { after: body.a, empties: body.e }
}

/**
 * The size of the page a listing asked for: `requested` (its `MaxResults`), or `max` when it did not say. Outside
 * `1..max` it is the ValidationException AWS gives, naming `maxResults`.
 */
export const pageSize = (requested: number | undefined, max: number): number => {
  const size = requested ?? max
  if (size < 1) throw validationError('maxResults', 'Member must have value greater than or equal to 1')
  if (size > max) throw validationError('maxResults', `Member must have value less than or equal to ${max}`)
  return size
}

/** {@link pageSize} of the request's `MaxResults`. */
export const pageSizeOf = (input: Input, max: number): number => pageSize(optionalInteger(input, 'MaxResults'), max)

/** First index of `sorted` whose item is `>= key` (or `> key` when `strict`). */
export const lowerBound = (sorted: readonly string[], key: string, strict = false): number => {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const item = sorted[mid] as string
    if (item < key || (strict && item === key)) lo = mid + 1
    else hi = mid
  }
  return lo
}
