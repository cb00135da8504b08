import type { Outcome } from './source.js'

// What the AWS stores' modules share in reading an answer. Each store's module is bundled on its own and carries
// its own copy of these few lines; the core never imports this file.

export const NOT_FOUND: Outcome = { ok: false, failure: { reason: 'not_found' } }
export const INVALID_RESPONSE: Outcome = { ok: false, failure: { reason: 'invalid_response' } }

export type Answer = Record<string, unknown>

export const isObject = (x: unknown): x is Answer => typeof x === 'object' && x !== null && !Array.isArray(x)

/**
 * One page of a paged read, as its store read it: the name and text of each value, and the cursor of the next
 * page (`undefined` on the last). `undefined` for the whole page: the answer was not of the shape AWS documents.
 */
export type Page<C> = { readonly values: readonly (readonly [string, string])[]; readonly next: C | undefined }

/**
 * Reads every page of one path (GetParametersByPath) or partition (Query) into one object, within bounds: at most
 * `maxPages` pages, and a cursor the store gave before ends the read (it would go round in circles). Both end as
 * `invalid_response`, as does a malformed page; no value at all is `not_found` (a required path that holds nothing
 * is most likely a typo: it must not yield {} forever). What `page` throws is left to the caller to classify.
 *
 * @param markOf - the cursor as text, to recognise one seen before.
 */
export const readPages = async <C>(
  maxPages: number,
  page: (cursor: C | undefined) => Promise<Page<C> | undefined>,
  markOf: (cursor: C) => string,
): Promise<Outcome> => {
  // Null prototype: a value named __proto__ must stay plain data.
  const values: Record<string, string> = Object.create(null)
  const seen = new Set<string>()
  let count = 0
  let cursor: C | undefined
  for (let n = 0; n < maxPages; n++) {
    const answer = await page(cursor)
    if (answer === undefined) return INVALID_RESPONSE
    for (const [name, text] of answer.values) {
      values[name] = text
      count++
    }
    if (answer.next === undefined) return count === 0 ? NOT_FOUND : { ok: true, raw: values }
    const mark = markOf(answer.next)
    if (seen.has(mark)) return INVALID_RESPONSE
    seen.add(mark)
    cursor = answer.next
  }
  return INVALID_RESPONSE
}
