import { SsmServiceError } from './errors.js'
import { type Input, optionalString, optionalStringArray, requiredString } from './input.js'

/**
 * One `ParameterStringFilter` after validation. The API reference (ParameterStringFilter) says which keys and
 * options each operation takes: DescribeParameters every key but `Label`, with `Equals` and `BeginsWith` (`Name`
 * also `Contains`; `Path` only `Recursive` and `OneLevel`); GetParametersByPath only `Type`, `KeyId` and `Label`,
 * with `Equals` and `BeginsWith` (`Label` only `Equals`).
 */
export interface StringFilter {
  key: string
  option: string
  values: string[]
}

/** What a filter is matched against: one parameter's latest (or labelled) version. */
export interface FilterSubject {
  name: string
  type: string
  keyId: string | undefined
  tier: string
  dataType: string
  labels: readonly string[]
  tags: ReadonlyMap<string, string>
}

const DESCRIBE_KEYS = /^(tag:.+|Name|Type|KeyId|Path|Tier|DataType)$/
const BY_PATH_KEYS = /^(Type|KeyId|Label)$/
const KEY_PATTERN = /^(tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType)$/

const optionsFor = (operation: 'describe' | 'byPath', key: string): string[] => {
  if (operation === 'byPath') return key === 'Label' ? ['Equals'] : ['Equals', 'BeginsWith']
  if (key === 'Path') return ['Recursive', 'OneLevel']
  if (key === 'Name') return ['Equals', 'BeginsWith', 'Contains']
  return ['Equals', 'BeginsWith']
}

const defaultOption = (key: string): string => (key === 'Path' ? 'OneLevel' : 'Equals')

/** Validates `ParameterFilters` as the operation allows them, with AWS's error names for each kind of mistake. */
export const parseStringFilters = (raw: Input[], operation: 'describe' | 'byPath'): StringFilter[] =>
  raw.map((filter) => {
    const key = requiredString(filter, 'Key')
    if (!KEY_PATTERN.test(key) || !(operation === 'describe' ? DESCRIBE_KEYS : BY_PATH_KEYS).test(key)) {
      throw new SsmServiceError('InvalidFilterKey', `The following filter key is not valid: ${key}.`)
    }
    const option = optionalString(filter, 'Option') ?? defaultOption(key)
    const allowed = optionsFor(operation, key)
    if (!allowed.includes(option)) {
      throw new SsmServiceError(
        'InvalidFilterOption',
        `The following filter option is not valid: ${option}. Valid options include: [${allowed.join(', ')}].`,
      )
    }
    const values = optionalStringArray(filter, 'Values') ?? []
    // Only a tag filter may go without values (it then asks whether the tag key is present at all).
    if (values.length === 0 && !key.startsWith('tag:')) {
      throw new SsmServiceError(
        'InvalidFilterValue',
        `The following filter values are missing : null for filter key ${key}.`,
      )
    }
    return { key, option, values }
  })

const compare = (option: string, actual: string, wanted: string): boolean => {
  if (option === 'BeginsWith') return actual.startsWith(wanted)
  if (option === 'Contains') return actual.includes(wanted)
  return actual === wanted
}

/** Whether `subject` lies under a `Path` filter's value: one level below it, or any depth when recursive. */
const underPath = (name: string, path: string, recursive: boolean): boolean => {
  if (path === '/') return name.startsWith('/') && (recursive || name.lastIndexOf('/') === 0)
  const prefix = path.endsWith('/') ? path : `${path}/`
  return name.startsWith(prefix) && (recursive || !name.includes('/', prefix.length))
}

/** Whether one parameter passes every filter (filters AND together, values of one filter OR). */
export const matchesFilters = (subject: FilterSubject, filters: readonly StringFilter[]): boolean =>
  filters.every((filter) => {
    const { key, option, values } = filter
    if (key.startsWith('tag:')) {
      const tag = subject.tags.get(key.slice('tag:'.length))
      return tag !== undefined && (values.length === 0 || values.some((v) => compare(option, tag, v)))
    }
    switch (key) {
      case 'Name':
        // AWS compares names with or without their leading slash alike.
        return values.some((v) => compare(option, subject.name.replace(/^\//, ''), v.replace(/^\//, '')))
      case 'Path':
        return values.some((v) => underPath(subject.name, v, option === 'Recursive'))
      case 'Type':
        return values.some((v) => compare(option, subject.type, v))
      case 'KeyId':
        return subject.keyId !== undefined && values.some((v) => compare(option, subject.keyId as string, v))
      case 'Tier':
        return values.some((v) => compare(option, subject.tier, v))
      case 'DataType':
        return values.some((v) => compare(option, subject.dataType, v))
      default:
        // Label: the engine picks the labelled version before matching; here it only has to carry one.
        return values.some((v) => subject.labels.includes(v))
    }
  })
