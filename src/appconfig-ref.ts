import type { ParameterRef } from './parameter.js'

/** The prefix that sends an entry to AWS AppConfig: `appconfig:<application>/<environment>/<profile>`. */
export const APPCONFIG = 'appconfig:'

/** AppConfig Data's limit on each identifier (`ApplicationIdentifier` and the others): a name or an id. */
const MAX_IDENTIFIER = 128
const SEGMENTS = ['application', 'environment', 'configuration profile'] as const

/**
 * Parses the part after `appconfig:`: three non-empty identifiers (names or ids) of at most 128 characters, as
 * StartConfigurationSession takes them. Throws a plain Error saying which segment is wrong; the caller adds the key.
 */
export const parseAppConfig = (body: string): ParameterRef => {
  const parts = body.split('/')
  if (parts.length !== 3) {
    throw new Error(
      `is not appconfig:<application>/<environment>/<profile> (${parts.length} segment${parts.length === 1 ? '' : 's'}, not 3; a name holding '/' is given by its id)`,
    )
  }
  parts.forEach((part, i) => {
    if (part.length === 0) throw new Error(`has an empty ${SEGMENTS[i]}`)
    if (part.length > MAX_IDENTIFIER) throw new Error(`has a ${SEGMENTS[i]} longer than ${MAX_IDENTIFIER} characters`)
  })
  return {
    kind: 'appconfig',
    id: `${APPCONFIG}${body}`,
    name: `${APPCONFIG}${body}`,
    selector: '',
    arn: '',
    pinned: false,
    recursive: false,
  }
}
