/**
 * A store of your own: a {@link import('middy-secrets').Source} reading an HTTP config service.
 *
 * The service answers `GET <baseUrl>/values?name=<a>&name=<b>` with `{ "values": { "<a>": "…" } }` (a name it does
 * not hold is left out). One call per refresh round, whatever the number of entries. Each failure becomes one of
 * the package's reasons, so the ladder (stale while it fails, then the deploy-time variable) and the logs read the
 * same as for Parameter Store; no failure carries a value.
 */

/** @param {number} status @returns {import('middy-secrets').Reason} */
const reasonOf = (status) => {
  if (status === 401 || status === 403) return 'access_denied'
  if (status === 429) return 'throttled'
  if (status >= 500) return 'store_error'
  return 'invalid_request'
}

/**
 * @param {string} baseUrl e.g. http://127.0.0.1:8080
 * @returns {import('middy-secrets').Source & { calls: number }}
 */
export const httpConfigSource = (baseUrl) => ({
  calls: 0,
  async fetch(refs, signal, out) {
    /** @param {import('middy-secrets').FailureInfo} failure */
    const failAll = (failure) => {
      for (const ref of refs) out.set(ref.id, { ok: false, failure })
    }
    const url = new URL('/values', baseUrl)
    for (const ref of refs) url.searchParams.append('name', ref.name)
    this.calls++
    let body
    try {
      const response = await fetch(url, { signal })
      if (!response.ok) return failAll({ reason: reasonOf(response.status), httpStatus: response.status })
      body = await response.json()
    } catch {
      // Never the error's message: it could quote what the service sent.
      return failAll({ reason: signal.aborted ? 'timed_out' : 'unreachable' })
    }
    const values = body?.values
    if (values === null || typeof values !== 'object') return failAll({ reason: 'invalid_response' })
    for (const ref of refs) {
      const value = values[ref.name]
      out.set(
        ref.id,
        typeof value === 'string' ? { ok: true, raw: value } : { ok: false, failure: { reason: 'not_found' } },
      )
    }
  },
})
