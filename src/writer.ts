/**
 * Puts the values on the context and `request.internal`. Called on every invocation with the same `values`
 * array, which the cache updates in place, and `version`, which changes whenever it may have written them (the
 * cache's `writes`): the warm path compares one number, not every value.
 */
export type Writer = (context: object, internal: object, values: readonly unknown[], version: number) => void

/**
 * The values an invocation sees, on an object of their own that becomes the prototype of the context (and of
 * `request.internal`): `context.KEY` reads through it, while `console.log`, `util.inspect`, `JSON.stringify`,
 * spreading and `Object.keys` see only the context's own properties. Built once per set of values and base
 * prototype, so an invocation costs one `Object.setPrototypeOf`, no code generation (works under
 * `--disallow-code-generation-from-strings`) and no per-key stores. Each value is an accessor, so even
 * `util.inspect(context, { showHidden: true })` prints `[Getter/Setter]`, not the value; assigning
 * `context.KEY = x` still works and makes an own property, as before.
 */
const makeView = (keys: readonly string[], snapshot: readonly unknown[], base: object | null): object => {
  const view = Object.create(base) as object
  keys.forEach((key, i) => {
    Object.defineProperty(view, key, {
      get: () => snapshot[i],
      set(this: object, value: unknown) {
        Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true })
      },
      // Not enumerable: for…in over the context walks prototypes too.
      enumerable: false,
      configurable: true,
    })
  })
  return view
}

/** One target kind (the contexts, or the internals): the view for the current values and base prototype. */
class Attacher {
  private base: object | null = null
  private view: object | undefined
  private readonly ours = new WeakSet<object>()

  constructor(private readonly keys: readonly string[]) {}

  reset(): void {
    this.view = undefined
  }

  attach(target: object, snapshot: readonly unknown[]): void {
    let proto = Object.getPrototypeOf(target) as object | null
    if (proto === this.base && this.view !== undefined) {
      Object.setPrototypeOf(target, this.view)
      return
    }
    if (proto === this.view) return // written twice in one invocation
    // A view of older values already on this target: replace it rather than stack another on top.
    if (proto !== null && this.ours.has(proto)) proto = Object.getPrototypeOf(proto) as object | null
    this.base = proto
    this.view = makeView(this.keys, snapshot, proto)
    this.ours.add(this.view)
    Object.setPrototypeOf(target, this.view)
  }
}

/**
 * Makes the writer for a fixed set of keys. The values are copied into a snapshot when they change (rare: a
 * refresh that brought a new value), so a context keeps the values of its own invocation even if a later one
 * sees new ones. The warm path compares the version with the one last seen and sets two prototypes; a new
 * version whose values are all the same keeps the views.
 */
export const compileWriter = (keys: readonly string[], toContext: boolean): Writer => {
  const count = keys.length
  let snapshot: readonly unknown[] = new Array(count).fill(undefined)
  let seen = Number.NaN
  const contexts = new Attacher(keys)
  const internals = new Attacher(keys)
  return (context, internal, values, version) => {
    if (version !== seen) {
      seen = version
      for (let i = 0; i < count; i++) {
        if (values[i] !== snapshot[i]) {
          snapshot = values.slice()
          contexts.reset()
          internals.reset()
          break
        }
      }
    }
    if (toContext) contexts.attach(context, snapshot)
    internals.attach(internal, snapshot)
  }
}
