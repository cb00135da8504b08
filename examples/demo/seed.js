/**
 * What the demo plants in its local store. Every secret is fake, and says so: none of them may ever appear
 * in the demo's output (`__tests__/examples.test.ts` checks that).
 */

/** The parameters at the start, as `startLocalStore({ parameters })` takes them. */
export const parameters = {
  '/bots/superman/twitter-token': { value: 'fake-superman-token-0001', type: 'SecureString' },
  '/bots/batman/twitter-token': { value: 'fake-batman-token-0001', type: 'SecureString' },
  '/bots/shared/hashtags': { value: '#serverless,#aws', type: 'StringList' },
  '/shared/db-url': {
    value: 'postgres://app:fake-db-password-0001@db.example.invalid:5432/shop',
    type: 'SecureString',
  },
  '/shared/db-pool/max': '5',
  '/shared/db-pool/idle-timeout-ms': '10000',
}

/** The new values of step (c), the rotation. */
export const rotated = {
  '/bots/superman/twitter-token': 'fake-superman-token-0002',
  '/shared/db-url': 'postgres://app:fake-db-password-0002@db.example.invalid:5432/shop',
}

/** What serverless.yml's `environment` would hold: the last-resort fallbacks. */
export const deployTime = {
  TWITTER_ACCESS_TOKEN: 'fake-deploy-time-token',
  HASHTAGS: '#serverless',
}

/** Every secret the demo knows, whole or in part: the output must contain none of them. */
export const secretValues = [
  parameters['/bots/superman/twitter-token'].value,
  parameters['/bots/batman/twitter-token'].value,
  parameters['/shared/db-url'].value,
  'fake-db-password-0001',
  rotated['/bots/superman/twitter-token'],
  rotated['/shared/db-url'],
  'fake-db-password-0002',
  deployTime.TWITTER_ACCESS_TOKEN,
]
