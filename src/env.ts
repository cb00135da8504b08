/**
 * Process-wide records about `process.env`, shared by every copy of this package in the process
 * (two bundled copies must agree on what the deploy-time values were and who wrote what).
 */
interface EnvRegistry {
  /** The value each variable had before this package first wrote it (undefined: it was unset). */
  readonly deployTime: Map<string, string | undefined>
  /** What this package last wrote to each variable. */
  readonly written: Map<string, string | undefined>
  /** Bumped on every write: an instance whose last sync saw the same number needs to write nothing. */
  seq: number
  /** Which live instances write each variable, and for which parameter. */
  claims?: Map<string, Claim[]>
}

interface Claim {
  readonly owner: WeakRef<EnvScope>
  readonly parameter: string
}

const REGISTRY = Symbol.for('middy-secrets')

const registry = (): EnvRegistry => {
  const g = globalThis as unknown as Record<symbol, { env?: EnvRegistry } | undefined>
  let shared = g[REGISTRY]
  if (!shared) {
    shared = {}
    g[REGISTRY] = shared
  }
  if (!shared.env) shared.env = { deployTime: new Map(), written: new Map(), seq: 0 }
  return shared.env
}

const claimsOf = (reg: EnvRegistry): Map<string, Claim[]> => {
  reg.claims ??= new Map()
  return reg.claims
}

/** What an instance says when it finds another writing one of its variables. */
export type ConflictReport = (name: string, parameter: string, otherParameter: string) => void

/**
 * One middleware instance's claims on `process.env` (its `setToEnv` variables). `process.env` is one per process:
 * two live instances that write one variable for different parameters cannot both be right when their
 * invocations overlap (Lambda Managed Instances, a router that awaits). The first time a variable is claimed by
 * another instance too, both are told once, and say so loudly.
 */
export class EnvScope {
  private readonly told = new Set<string>()
  /** Variables of the name entries: name → that entry's parameter, known at construction. */
  readonly fixed = new Map<string, string>()
  /** Variables a path entry derived from its last value: name → path key. */
  readonly derived = new Map<string, string>()

  constructor(private readonly report: ConflictReport) {}

  /** Records that this instance writes `name` for `parameter`, and reports any other live instance that does too. */
  claim(name: string, parameter: string): void {
    const claims = claimsOf(registry())
    const live = (claims.get(name) ?? []).filter((c) => {
      const owner = c.owner.deref()
      return owner !== undefined && owner !== this
    })
    for (const other of live) {
      const owner = other.owner.deref()
      if (other.parameter === parameter || owner === undefined) continue
      this.tell(name, parameter, other.parameter)
      owner.tell(name, other.parameter, parameter)
    }
    live.push({ owner: new WeakRef(this), parameter })
    claims.set(name, live)
  }

  private tell(name: string, parameter: string, other: string): void {
    if (this.told.has(name)) return
    this.told.add(name)
    this.report(name, parameter, other)
  }
}

/** The value a variable had before this package first wrote it anywhere in the process (its value now if never). */
export const deployTimeValue = (name: string): string | undefined => {
  const { deployTime } = registry()
  return deployTime.has(name) ? deployTime.get(name) : process.env[name]
}

/** The shared record: read `seq` on the hot path to know whether anyone wrote since the last sync. */
export const envRegistry = (): { readonly seq: number } => registry()

/**
 * Makes `process.env` hold `wanted` and nothing else this package wrote: a variable another instance set
 * that this one does not want goes back to its deploy-time value, so two functions bundled together never
 * see each other's values. Writes only what differs from this package's last write (a write calls setenv
 * and costs microseconds). Returns the sequence number after the writes.
 */
export const syncEnv = (wanted: ReadonlyMap<string, string | undefined>): number => {
  const reg = registry()
  const write = (name: string, value: string | undefined): void => {
    if (reg.written.has(name) && reg.written.get(name) === value) return
    if (!reg.deployTime.has(name)) reg.deployTime.set(name, process.env[name])
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
    reg.written.set(name, value)
    reg.seq++
  }
  for (const [name, value] of wanted) {
    // No value wanted: leave a variable this package never wrote alone, restore one it did.
    if (value !== undefined) write(name, value)
    else if (reg.written.has(name)) write(name, reg.deployTime.get(name))
  }
  for (const name of [...reg.written.keys()]) {
    if (!wanted.has(name)) write(name, reg.deployTime.get(name))
  }
  return reg.seq
}
