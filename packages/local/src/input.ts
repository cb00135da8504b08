import { serializationError, validationError } from './errors.js'

/** A request body after its top-level shape was checked. */
export type Input = Record<string, unknown>

/** Request bodies are JSON objects; `undefined`/`null` (an empty body) reads as `{}`. */
export const asInput = (input: unknown): Input => {
  if (input === undefined || input === null) return {}
  if (typeof input !== 'object' || Array.isArray(input)) throw serializationError('<body>', 'a JSON object')
  return input as Input
}

const camel = (key: string): string => key.charAt(0).toLowerCase() + key.slice(1)

const missing = (key: string) => validationError(camel(key), 'Member must not be null')

export const optionalString = (input: Input, key: string): string | undefined => {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw serializationError(key, 'a string')
  return value
}

export const requiredString = (input: Input, key: string): string => {
  const value = optionalString(input, key)
  if (value === undefined) throw missing(key)
  return value
}

export const optionalBoolean = (input: Input, key: string): boolean | undefined => {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw serializationError(key, 'a boolean')
  return value
}

export const optionalInteger = (input: Input, key: string): number | undefined => {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) throw serializationError(key, 'an integer')
  return value
}

export const optionalStringArray = (input: Input, key: string): string[] | undefined => {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw serializationError(key, 'a list of strings')
  }
  return value as string[]
}

export const requiredStringArray = (input: Input, key: string): string[] => {
  const value = optionalStringArray(input, key)
  if (value === undefined) throw missing(key)
  return value
}

export const optionalObjectArray = (input: Input, key: string): Input[] | undefined => {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))) {
    throw serializationError(key, 'a list of objects')
  }
  return value as Input[]
}
