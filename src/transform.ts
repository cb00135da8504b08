import type { Transform } from './types.js'

/** A transform resolved at construction: a function of one raw string. */
export type TransformFn = (raw: string) => unknown

const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])

// Each built-in throws a message of its own: JSON.parse's message quotes its input, which is a secret.
const BUILT_IN: Record<string, TransformFn> = {
  stringList: (raw) => raw.split(','),
  json: (raw) => {
    try {
      return JSON.parse(raw)
    } catch {
      throw new Error('not valid JSON')
    }
  },
  number: (raw) => {
    const n = raw.trim() === '' ? Number.NaN : Number(raw)
    if (Number.isNaN(n)) throw new Error('not a number')
    return n
  },
  boolean: (raw) => {
    const v = raw.trim().toLowerCase()
    if (TRUE.has(v)) return true
    if (FALSE.has(v)) return false
    throw new Error('not a boolean (true/false, 1/0, yes/no, on/off)')
  },
}

/** Names of the built-in transforms. */
export const TRANSFORMS = Object.keys(BUILT_IN)

/** Resolves a `transform` option, or undefined when it is not one. */
export const resolveTransform = (transform: Transform | undefined): TransformFn | undefined => {
  if (transform === undefined) return (raw) => raw
  if (typeof transform === 'function') return transform
  return typeof transform === 'string' && Object.hasOwn(BUILT_IN, transform) ? BUILT_IN[transform] : undefined
}
