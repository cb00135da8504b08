// Which known name an unknown one most likely meant, for "did you mean" hints. One copy for the runtime's options
// and the local store's seed files (bundled into middy-secrets-local's build, like aws-names.ts).

/** Levenshtein distance, stopping early: only "is it within 2" matters. */
const near = (a: string, b: string): boolean => {
  if (Math.abs(a.length - b.length) > 2) return false
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[b.length]! <= 2
}

/**
 * The known name an unknown one most likely meant: the same but for case, else (for names of 4 characters or more)
 * one within two edits; undefined when none is, or the name is longer than 64 characters (no quadratic work on a
 * huge input).
 */
export const meant = (name: string, known: Iterable<string>): string | undefined => {
  if (name.length > 64) return undefined
  const lower = name.toLowerCase()
  const names = [...known]
  return (
    names.find((k) => k.toLowerCase() === lower) ??
    (name.length < 4 ? undefined : names.find((k) => near(lower, k.toLowerCase())))
  )
}
