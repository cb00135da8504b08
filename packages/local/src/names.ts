import { isReservedName, isValidLabel, MAX_LEVELS, MAX_NAME_LENGTH, nameShapeProblem } from '../../../src/aws-names.js'

// AWS's naming rules are the runtime's (src/aws-names.ts, bundled into this package's build): one copy, so
// the store can never accept a name the middleware refuses, or the other way round.
export { isReservedName, isValidLabel, MAX_LEVELS as MAX_DEPTH, MAX_NAME_LENGTH }

/** Longest reference (name, ARN, selector) a read accepts. */
export const MAX_REFERENCE_LENGTH = 2048

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

/**
 * Why `name` cannot be created, or `undefined` when it can: AWS's shape rules, and no trailing `/` (a name is
 * not a path). Reserved prefixes are checked separately, since seeding may stand in for AWS's own parameters.
 */
export const nameProblem = (name: string): string | undefined =>
  nameShapeProblem(name) ?? (name.endsWith('/') ? 'must not end with /' : undefined)

/** Why `path` cannot be listed, or `undefined` when it can. `/` and a trailing `/` are allowed. */
export const pathProblem = (path: string): string | undefined => {
  if (!path.startsWith('/')) return 'must begin with /'
  if (path === '/') return undefined
  return nameProblem(path.endsWith('/') ? path.slice(0, -1) : path)
}

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
