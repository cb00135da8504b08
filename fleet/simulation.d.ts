/** Types for simulation.js, so TypeScript tests can call the simulator. */

export interface FleetOptions {
  containers: number
  params: number
  /** cacheExpiry, s */
  expiry: number
  jitter: number
  /** calls per second for the account; Infinity for unlimited */
  quota: number
  /** s */
  ramp: number
  /** invocations per second per container */
  rate: number
  hours: number
  /** ms */
  latency: number
  /** mean s */
  lifetime: number
  /** s */
  rotateAt: number
  seed: number
  firstSpread: 'on' | 'off' | 'narrow'
  fixed: boolean
  envFallback: boolean
  /** ms */
  fetchTimeout: number
  maxAttempts: number
  /** ms */
  init: number
  check: number
}

export interface WindowFigures {
  from: number
  to: number
  peak: number
  peakAt: number
  mean: number
  secondsAboveQuota: number
  throttled: number
}

export interface FleetResult {
  options: FleetOptions & { jitterAsked: number }
  notes: string[]
  seconds: number
  steadyFrom: number
  perSecond: { calls: Int32Array; throttled: Int32Array; cold: Int32Array; refresh: Int32Array }
  calls: {
    total: number
    throttled: number
    all: WindowFigures
    steady: WindowFigures
    refresh: WindowFigures
    cold: number
    rounds: number
    steadyRefreshRounds: number
    roundsTimedOut: number
    retries: number
    retriesRefused: number
  }
  invocations: {
    total: number
    failed: number
    failures: Record<string, number>
    waited: number
    waitedSteady: number
    byRung: { fresh: number; stale: number; env: number }
    keyServings: { fresh: number; stale: number; env: number }
    latencyMs: { p50: number; p99: number; max: number }
  }
  deploy: {
    containers: number
    allReadyMs: number | undefined
    medianReadyMs: number
    notReady: number
    recycledBeforeReady: number
  }
  rotation: {
    atMs: number | undefined
    value: string | undefined
    watched: number
    seen: number
    maxUnseenMs: number
    lastOldServedMs: number | undefined
    oldServedLate: number
    diedUnseen: number
  }
  staleness: { maxAgeMs: number; atMs: number }
  containers: { started: number; recycled: number }
  events: { degraded: number; recovered: number; unavailable: number }
  firstRefresh: { containers: number; min: number | undefined; p50: number; max: number | undefined }
  narrowMixedRounds: number
  checks: { samples: number; mismatches: number; first: string[]; strays: number }
  originalValue: string
  wallMs: number
}

export declare const defaults: Readonly<FleetOptions>
export declare const keyOf: (i: number) => string
export declare const nameOf: (i: number) => string
export declare function simulate(options?: Partial<FleetOptions>): Promise<FleetResult>
