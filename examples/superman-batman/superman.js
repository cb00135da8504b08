/**
 * The Serverless Superman bot from "Managing secrets, API keys and more with Serverless": every ten minutes it
 * retweets a tweet about serverless, slightly changed. Its Twitter token was a plain-text environment variable
 * in serverless.yml; here it is a SecureString in Parameter Store that only this function's role may read.
 */
import middy from '@middy/core'
import { secrets } from 'middy-secrets'
import { postTweet } from './twitter.js'

/**
 * This function's own map: Superman's token and the hashtags both bots share, nothing of Batman's.
 * `setToEnv` stays off (the default): the token lives on `context` only, not in `process.env`, where any
 * library that dumps the environment into a log or an error report would show it.
 */
export const options = {
  fetchData: {
    TWITTER_ACCESS_TOKEN: '/bots/superman/twitter-token',
    // Not a secret: a StringList, read as an array.
    HASHTAGS: { name: '/bots/shared/hashtags', transform: 'stringList' },
  },
}

/**
 * @param {{ text?: string }} event a scheduled event; `text` stands in for the tweet the bot found
 * @param {import('aws-lambda').Context & { TWITTER_ACCESS_TOKEN: string, HASHTAGS: string[] }} context
 */
const superman = async (event, context) => {
  const found = event?.text ?? 'Shipping a serverless app before lunch'
  const status = `${found.replace(/serverless/gi, 'Serverless Superman')} ${context.HASHTAGS.join(' ')}`
  return postTweet(context.TWITTER_ACCESS_TOKEN, status)
}

/**
 * Builds the function: `overrides` are merged into the middleware's options, so the demo and the tests can
 * point `awsClientOptions` at a local store and shorten `cacheExpiry`.
 *
 * @param {Partial<import('middy-secrets').SecretsOptions>} [overrides]
 */
export const createHandler = (overrides = {}) => {
  const config = secrets({ ...options, ...overrides })
  return { handler: middy(superman).use(config), secrets: config }
}

// In Lambda the handler is built as the module loads, so its first fetch runs during the init phase. Anywhere
// else (the demo, tests) importing this file must not reach for AWS, so there it is built on its first call.
let lambdaHandler = process.env.AWS_LAMBDA_FUNCTION_NAME ? createHandler().handler : undefined

/** The entry point serverless.yml names: `superman.handler`. */
export const handler = (event, context) => {
  lambdaHandler ??= createHandler().handler
  return lambdaHandler(event, context)
}
