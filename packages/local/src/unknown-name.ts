// How a seed, a data file or the store's options refuse a name they do not have: quoted, cut short, with what was
// probably meant and the names there are. A name is shown, never the value under it.
import { meant } from '../../../src/meant.js'

const QUOTE_MAX = 64

/** A name as a message shows it: quoted, cut short (a name is shown, never the value under it). */
export const quoted = (name: string): string =>
  name.length <= QUOTE_MAX
    ? JSON.stringify(name)
    : `${JSON.stringify(name.slice(0, QUOTE_MAX))}… (${name.length} characters)`

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`; with `or` for a choice. */
export const list = (names: readonly string[], and = 'and'): string =>
  names.length === 1
    ? quoted(names[0] as string)
    : `${names.slice(0, -1).map(quoted).join(', ')} ${and} ${quoted(names.at(-1) as string)}`

/** The known name `name` most likely meant, as a message's hint (` (did you mean "x"?)`), or `''`. */
export const didYouMean = (name: string, known: readonly string[]): string => {
  const guess = meant(name, known)
  return guess === undefined ? '' : ` (did you mean ${quoted(guess)}?)`
}

/**
 * Why `name` is refused among `known` (`unknown section "parameter" (did you mean "parameters"?); the sections are
 * …`), or undefined when it is known. Names the name, what was probably meant (or the `hints` entry for it) and the
 * known names; never a value.
 */
export const unknownName = (
  name: string,
  known: readonly string[],
  what: string,
  hints: Readonly<Record<string, string>> = {},
): string | undefined => {
  if (known.includes(name)) return undefined
  // A parameter name at the top level: the "parameters" wrapper was left out.
  const hint =
    didYouMean(name, known) ||
    (Object.hasOwn(hints, name)
      ? ` (${hints[name]})`
      : name.startsWith('/') && known.includes('parameters')
        ? ' (a parameter name? put it under "parameters")'
        : '')
  return `unknown ${what} ${quoted(name)}${hint}; the ${what}s are ${list(known)}`
}
