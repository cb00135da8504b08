/** What a call fails with, for asserting on its name and fields. */
import { SsmServiceError } from '../../src/errors.js'

/** The error a promise rejects with; fails the test if it resolves. */
export const rejection = async (promise: Promise<unknown>): Promise<Error & Record<string, any>> => {
  try {
    await promise
  } catch (error) {
    return error as Error & Record<string, any>
  }
  throw new Error('expected a rejection')
}

/** Runs `fn` and returns the SsmServiceError it throws; fails the test if it throws anything else or nothing. */
export const failure = (fn: () => unknown): SsmServiceError => {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(SsmServiceError)
    return error as SsmServiceError
  }
  throw new Error('expected an SsmServiceError')
}
