import { SsmServiceError } from './errors.js'
import { asInput, type Input } from './input.js'

/** One handler per operation a JSON 1.1 service (SSM, Secrets Manager) serves, given the checked request body. */
export type Handlers<Operation extends string> = { readonly [K in Operation]: (input: Input) => unknown }

/**
 * Runs one operation: its body must be a JSON object (an empty body reads as `{}`). An operation without a handler
 * (a name of `Object.prototype` included) is `UnknownOperationException`, as AWS answers a target it does not serve;
 * its body is not looked at.
 */
export const dispatch = <Operation extends string>(
  handlers: Handlers<Operation>,
  operation: string,
  input: unknown,
): unknown => {
  if (!Object.hasOwn(handlers, operation)) {
    throw new SsmServiceError('UnknownOperationException', `Unknown operation ${operation}`)
  }
  return handlers[operation as Operation](asInput(input))
}
