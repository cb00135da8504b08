/**
 * The simulated Parameter Store: one account and region's quota, shared by every container — a token
 * bucket of `quota` calls per second with a burst of `quota` — and the parameters' current values.
 * A call the bucket cannot pay for fails with ThrottlingException, as SSM's "Rate exceeded" does.
 */
export class Store {
  /**
   * @param {{ names: string[], quota: number, seconds: number }} options quota in calls per second
   *   (Infinity: unlimited); seconds: how many 1-second buckets to count
   */
  constructor({ names, quota, seconds }) {
    this.quota = quota
    this.tokens = quota
    this.last = 0
    this.values = new Map(names.map((name) => [name, { Name: name, Value: `${name}#1`, Version: 1 }]))
    /** Calls that reached the store, and those of them throttled, per second of virtual time. */
    this.calls = new Int32Array(seconds)
    this.throttled = new Int32Array(seconds)
    /** Of the calls, those of a cold start: a round fetching some key its container never had. */
    this.cold = new Int32Array(seconds)
    this.totalCalls = 0
    this.totalThrottled = 0
    this.answers = new Map()
  }

  /** A call arrives at virtual time `now` (ms): true when the quota admits it. */
  admit(now, cold) {
    const second = Math.floor(now / 1000)
    const counted = second < this.calls.length
    if (counted) {
      this.calls[second]++
      if (cold) this.cold[second]++
    }
    this.totalCalls++
    if (this.quota !== Number.POSITIVE_INFINITY) {
      this.tokens = Math.min(this.quota, this.tokens + ((now - this.last) * this.quota) / 1000)
      this.last = now
      if (this.tokens < 1) {
        if (counted) this.throttled[second]++
        this.totalThrottled++
        return false
      }
      this.tokens -= 1
    }
    return true
  }

  /**
   * What GetParameters answers for these names now: `{ Parameters: [{ Name, Value, Version }],
   * InvalidParameters }`, what src/sources/stores/ssm.ts reads. Answers are shared until a value changes (the middleware
   * only reads them).
   */
  getParameters(names) {
    const key = names.join('\n')
    let answer = this.answers.get(key)
    if (answer === undefined) {
      const found = []
      const invalid = []
      for (const name of [...names].sort()) {
        const parameter = this.values.get(name)
        if (parameter) found.push(parameter)
        else invalid.push(name)
      }
      answer = { Parameters: found, InvalidParameters: invalid, $metadata: { httpStatusCode: 200 } }
      this.answers.set(key, answer)
    }
    return answer
  }

  /** Puts a new version of a parameter; returns the new value. */
  rotate(name) {
    const old = this.values.get(name)
    const version = old.Version + 1
    const value = `${name}#${version}`
    this.values.set(name, { Name: name, Value: value, Version: version })
    this.answers.clear()
    return value
  }
}
