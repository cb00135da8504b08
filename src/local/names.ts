/** Longest parameter name SSM accepts. */
export const MAX_NAME_LENGTH = 1011
/** Longest reference (name, ARN, selector) a read accepts. */
export const MAX_REFERENCE_LENGTH = 2048
/** Deepest hierarchy SSM accepts. */
export const MAX_DEPTH = 15

const NAME_CHARS = /^[a-zA-Z0-9_.\-/]+$/
const LABEL = /^[a-zA-Z0-9_.-]{1,100}$/
const RESERVED = /^\/?(aws|ssm)/i

/** A reference split into the part that names a parameter and its `:selector`, if any. */
export interface SplitReference {
  base: string
  selector?: string
}

/** A parsed parameter ARN. `rest` is the resource after `parameter/`. */
export interface ParsedArn {
  region: string
  account: string
  rest: string
  selector?: string
}

/** Names beginning with `aws` or `ssm` (any case) belong to AWS: users may read some but never create them. */
export const isReservedName = (name: string): boolean => RESERVED.test(name)

/** Why `name` cannot be created, or `undefined` when it can. Reserved prefixes are checked separately. */
export const nameProblem = (name: string): string | undefined => {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return `must be 1 to ${MAX_NAME_LENGTH} characters`
  if (!NAME_CHARS.test(name)) return 'may only use letters, digits and . - _ /'
  if (!name.includes('/')) return undefined
  if (!name.startsWith('/')) return 'must begin with / when it forms a hierarchy'
  const segments = name.slice(1).split('/')
  if (segments.some((s) => s.length === 0)) return 'must not have empty sub-paths or end with /'
  if (segments.length > MAX_DEPTH) return `must not be more than ${MAX_DEPTH} levels deep`
  return undefined
}

/** Why `path` cannot be listed, or `undefined` when it can. `/` and a trailing `/` are allowed. */
export const pathProblem = (path: string): string | undefined => {
  if (!path.startsWith('/')) return 'must begin with /'
  if (path === '/') return undefined
  return nameProblem(path.endsWith('/') ? path.slice(0, -1) : path)
}

/** SSM's label rules: letters, digits, `. - _`, at most 100, not starting with a digit, `aws` or `ssm`. */
export const isValidLabel = (label: string): boolean => LABEL.test(label) && !/^(\d|aws|ssm)/i.test(label)

/** Parses `arn:<partition>:ssm:<region>:<account>:parameter/<rest>[:selector]`; `undefined` for anything else. */
export const parseArn = (reference: string): ParsedArn | undefined => {
  const parts = reference.split(':')
  if (parts.length !== 6 && parts.length !== 7) return undefined
  const [arn, partition, service, region, account, resource, selector] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ]
  if (arn !== 'arn' || !partition.startsWith('aws') || service !== 'ssm') return undefined
  if (!resource.startsWith('parameter/') || resource.length === 'parameter/'.length) return undefined
  const parsed: ParsedArn = { region, account, rest: resource.slice('parameter/'.length) }
  if (selector !== undefined) parsed.selector = selector
  return parsed
}

/** Splits a plain `name[:selector]`. Parameter names cannot contain `:`, so the first one starts the selector. */
export const splitSelector = (reference: string): SplitReference => {
  const at = reference.indexOf(':')
  if (at < 0) return { base: reference }
  return { base: reference.slice(0, at), selector: reference.slice(at + 1) }
}

/**
 * The names an ARN's resource may stand for, most likely first: AWS drops the leading `/` of a hierarchical
 * name in its ARN, so `parameter/a/b` is `/a/b`, while `parameter/x` is either `x` or `/x`.
 */
export const arnCandidates = (rest: string): string[] => (rest.includes('/') ? [`/${rest}`] : [rest, `/${rest}`])

/** The ARN AWS gives a parameter. */
export const arnFor = (region: string, account: string, name: string): string =>
  `arn:aws:ssm:${region}:${account}:parameter/${name.startsWith('/') ? name.slice(1) : name}`

/** `path` with exactly one trailing `/`, the prefix every parameter below it starts with. */
export const pathPrefix = (path: string): string => (path.endsWith('/') ? path : `${path}/`)

/** Whether `name` lies below `prefix` (from {@link pathPrefix}): any depth when recursive, else one level. */
export const isUnderPath = (name: string, prefix: string, recursive: boolean): boolean =>
  name.length > prefix.length && name.startsWith(prefix) && (recursive || !name.includes('/', prefix.length))

/**
 * The parameter names a reference may mention, whether or not they exist: the selector stripped and an ARN
 * read as each name it may stand for. Used to match requests against fault rules.
 */
export const mentionedNames = (reference: string): string[] => {
  const arn = parseArn(reference)
  return arn ? arnCandidates(arn.rest) : [splitSelector(reference).base]
}
