// Where a JSON text stops being JSON, as a line and a column, for messages about a seed or data file. JSON.parse's
// own message cannot be used: from Node 20 it quotes a stretch of the text (which may hold a secret) and, for an
// unexpected token, gives no position at all.

const WHITESPACE = new Set([' ', '\t', '\n', '\r'])
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't'])
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const HEX4 = /[0-9a-fA-F]{4}/y

/**
 * The offset of the first character that makes `text` invalid JSON (RFC 8259), `text.length` when it ends too soon,
 * or `undefined` when it is valid. Iterative, so nesting depth cannot overflow the stack; linear in the text.
 */
export const syntaxErrorAt = (text: string): number | undefined => {
  let i = 0
  const open: string[] = []
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++
  }
  /** Reads a string at `i` (which must start one); false with `i` at the fault. */
  const string = (): boolean => {
    if (text[i] !== '"') return false
    i++
    while (i < text.length) {
      const c = text[i] as string
      if (c === '"') {
        i++
        return true
      }
      if (c < ' ') return false
      if (c === '\\') {
        const escaped = text[i + 1]
        if (escaped === 'u') {
          HEX4.lastIndex = i + 2
          if (!HEX4.test(text)) return false
          i += 6
          continue
        }
        if (escaped === undefined || !ESCAPES.has(escaped)) return false
        i += 2
        continue
      }
      i++
    }
    return false
  }
  /** Reads an object key and its colon at `i`; false with `i` at the fault. */
  const key = (): boolean => {
    if (!string()) return false
    skip()
    if (text[i] !== ':') return false
    i++
    return true
  }
  let expectValue = true
  for (;;) {
    skip()
    if (expectValue) {
      if (i >= text.length) return i
      const c = text[i]
      if (c === '{' || c === '[') {
        i++
        skip()
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++
          expectValue = false
          continue
        }
        open.push(c)
        if (c === '{' && !key()) return i
        continue
      }
      if (c === '"') {
        if (!string()) return i
      } else {
        const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i))
        NUMBER.lastIndex = i
        if (word !== undefined) i += word.length
        else if (NUMBER.test(text)) i = NUMBER.lastIndex
        else return i
      }
      expectValue = false
      continue
    }
    const container = open.at(-1)
    if (container === undefined) return i < text.length ? i : undefined
    if (text[i] === ',') {
      i++
      skip()
      if (container === '{' && !key()) return i
      expectValue = true
    } else if (text[i] === (container === '{' ? '}' : ']')) {
      i++
      open.pop()
    } else {
      return i
    }
  }
}

/** Line and column (both from 1) of offset `at` in `text`: numbers only, never the text around it. */
export const lineAndColumn = (text: string, at: number): { line: number; column: number } => {
  const before = text.slice(0, Math.max(0, Math.min(at, text.length)))
  let line = 1
  for (const c of before) if (c === '\n') line++
  return { line, column: before.length - before.lastIndexOf('\n') }
}
