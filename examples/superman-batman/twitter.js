import { createHash } from 'node:crypto'

/**
 * The first 8 hex digits of a secret's SHA-256: enough to tell two tokens apart in a log line, useless to
 * sign anything with. The examples print this, never the secret.
 *
 * @param {string} secret
 * @returns {string}
 */
export const fingerprint = (secret) => createHash('sha256').update(secret).digest('hex').slice(0, 8)

/**
 * @typedef {object} Tweet
 * @property {string} status what would be posted
 * @property {{ length: number, sha256: string }} signedWith the token that would sign it, by length and fingerprint
 */

/**
 * A stand-in for Twitter's API, so the examples run offline: it posts nothing and returns what it would post.
 * It reports the token by length and fingerprint only, so its result is safe to log.
 *
 * @param {string} token the bot's access token
 * @param {string} status the text to post
 * @returns {Promise<Tweet>}
 */
export const postTweet = async (token, status) => ({
  status,
  signedWith: { length: token.length, sha256: fingerprint(token) },
})
