/**
 * The Big Data Batman bot from "Managing secrets, API keys and more with Serverless": it retweets tweets about
 * big data, slightly changed. A separate Twitter account, so a separate token, in a separate parameter that
 * only this function's role may read.
 */
import middy from '@middy/core'
import { secrets } from 'middy-secrets'
import { postTweet } from './twitter.js'

/**
 * This function's own map: Batman's token and the shared hashtags, nothing of Superman's. `setToEnv` stays
 * off (the default): the token lives on `context` only, never in `process.env`.
 */
export const options = {
  fetchData: {
    TWITTER_ACCESS_TOKEN: '/bots/batman/twitter-token',
    HASHTAGS: { name: '/bots/shared/hashtags', transform: 'stringList' },
  },
}

/**
 * @param {{ text?: string }} event a scheduled event; `text` stands in for the tweet the bot found
 * @param {import('aws-lambda').Context & { TWITTER_ACCESS_TOKEN: string, HASHTAGS: string[] }} context
 */
const batman = async (event, context) => {
  const found = event?.text ?? 'Big data is any data that no longer fits in a spreadsheet'
  const status = `${found.replace(/big data/gi, 'Big Data Batman')} ${context.HASHTAGS.join(' ')}`
  return postTweet(context.TWITTER_ACCESS_TOKEN, status)
}

/**
 * Builds the function: `overrides` are merged into the middleware's options (a local store, a short expiry).
 *
 * @param {Partial<import('middy-secrets').SecretsOptions>} [overrides]
 */
export const createHandler = (overrides = {}) => {
  const config = secrets({ ...options, ...overrides })
  return { handler: middy(batman).use(config), secrets: config }
}

// Built at load in Lambda (the first fetch overlaps the init phase); elsewhere only on first call, so that
// importing this file in a test or the demo never reaches for AWS.
let lambdaHandler = process.env.AWS_LAMBDA_FUNCTION_NAME ? createHandler().handler : undefined

/** The entry point serverless.yml names: `batman.handler`. */
export const handler = (event, context) => {
  lambdaHandler ??= createHandler().handler
  return lambdaHandler(event, context)
}
