/**
 * AWS's naming rules for SSM parameters and labels, in one place: the runtime (`parameter.ts`) and the local store
 * (`middy-secrets-local`, which bundles this file) both check names with them. Pure functions and constants only,
 * no imports, so a bundle that takes this file takes nothing else of the runtime.
 */

/** Longest parameter name SSM accepts. */
export const MAX_NAME_LENGTH = 1011
/** Deepest hierarchy SSM accepts (levels of a `/`-separated name). */
export const MAX_LEVELS = 15

const NAME_CHARS = /^[a-zA-Z0-9_.\-/]+$/
const LABEL = /^[a-zA-Z_.-][a-zA-Z0-9_.-]{0,99}$/
const RESERVED = /^\/?(aws|ssm)/i
const RESERVED_LABEL = /^(aws|ssm)/i
// AWS's public parameters and the Secrets Manager bridge are readable though their names are reserved.
const READABLE_RESERVED = /^\/aws\/(service|reference\/secretsmanager)\//

/**
 * Why `name` is not shaped as SSM needs (length, characters, a hierarchy that starts with `/`, no empty level,
 * at most {@link MAX_LEVELS} levels), or `undefined`. Says nothing about reserved prefixes: see
 * {@link isReservedName}. A trailing `/` counts as no level, as `parameter.ts` counts it.
 */
export const nameShapeProblem = (name: string): string | undefined => {
  if (name.length === 0) return 'is empty'
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`
  if (!NAME_CHARS.test(name)) return 'may hold only a-z, A-Z, 0-9, _ . - and /'
  if (name.includes('/')) {
    if (!name.startsWith('/')) return 'is hierarchical and must start with /'
    if (name.includes('//')) return 'has an empty level (//)'
    if (name.split('/').length - 1 > MAX_LEVELS) return `is deeper than ${MAX_LEVELS} levels`
  }
  return undefined
}

/** Names beginning with `aws` or `ssm` (any case, with or without a leading `/`) belong to AWS. */
export const isReservedName = (name: string): boolean => RESERVED.test(name)

/** Reserved names users may still read: AWS's public parameters and `/aws/reference/secretsmanager/<id>`. */
export const isReadableReservedName = (name: string): boolean => READABLE_RESERVED.test(name)

/** SSM's label rules: letters, digits, `. - _`, 1 to 100 characters, not starting with a digit, `aws` or `ssm`. */
export const isValidLabel = (label: string): boolean => LABEL.test(label) && !RESERVED_LABEL.test(label)
