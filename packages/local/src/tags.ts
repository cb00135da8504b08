import { SsmServiceError, validationError } from './errors.js'
import { type Input, requiredString } from './input.js'

/** A resource tag as the SSM API carries it. */
export interface Tag {
  Key: string
  Value: string
}

/** SSM allows 50 tags per resource (AddTagsToResource: TooManyTagsError). */
export const MAX_TAGS = 50
const MAX_KEY = 128
const MAX_VALUE = 256
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

const checkKey = (key: string): string => {
  if (key.length < 1 || key.length > MAX_KEY) {
    throw validationError('tags.member.key', `Member must have length less than or equal to ${MAX_KEY}`)
  }
  if (!TAG_CHARS.test(key)) throw validationError('tags.member.key', 'Member must satisfy regular expression pattern')
  if (/^aws:/i.test(key)) {
    throw new SsmServiceError('InvalidParameterValue', "Tag keys starting with 'aws:' are reserved by AWS.")
  }
  return key
}

/** Validates a `Tags` list: keys 1–128, values 0–256, AWS's tag characters, no `aws:` prefix. */
export const checkTags = (raw: Input[]): Tag[] =>
  raw.map((tag) => {
    const key = checkKey(requiredString(tag, 'Key'))
    const value = requiredString(tag, 'Value')
    if (value.length > MAX_VALUE || !TAG_CHARS.test(value)) {
      throw validationError('tags.member.value', `Member must have length less than or equal to ${MAX_VALUE}`)
    }
    return { Key: key, Value: value }
  })

/** Validates RemoveTagsFromResource's `TagKeys`. */
export const checkTagKeys = (keys: string[]): string[] => keys.map(checkKey)
