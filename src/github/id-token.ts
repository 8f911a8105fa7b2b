/**
 * The job's OIDC token from the runner's token service, asked for as @actions/core's `getIDToken`
 * asks (GET `ACTIONS_ID_TOKEN_REQUEST_URL` + `&audience=<encoded>`, `Authorization: Bearer
 * <ACTIONS_ID_TOKEN_REQUEST_TOKEN>`, answer `{ "value": "<JWT>" }`), but through the action's own
 * dispatcher: TLS verified whatever NODE_TLS_REJECT_UNAUTHORIZED says, the proxy rules of every
 * other call, the run's deadline, cancellation and the retry policy. @actions/core's client has
 * none of those. Redirects are not followed: the request carries the runner's bearer token.
 */
import { request } from '../http/undici.js'
import { shownAnswerText } from '../alibaba/answer-text.js'
import { DeadlineError, InputError, UnexpectedResponseError } from '../core/errors.js'
import type { Redactor } from '../core/redact.js'
import { retryUntilDeadline } from '../http/retry.js'
import { formatRetryLine, type CallContext } from '../alibaba/rpc.js'
import { toTransportError } from '../alibaba/transport.js'

const TOKEN_URL_VARIABLE = 'ACTIONS_ID_TOKEN_REQUEST_URL'
const REQUEST_TOKEN_VARIABLE = 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
/** The operation's name in retry lines and deadline errors. */
export const ID_TOKEN_OPERATION = 'OIDC token request'
/** GitHub's tokens are about 1 KB; an answer larger than this is not one of them. */
export const MAX_ANSWER_BYTES = 64 * 1024
const MAX_TOKEN_LENGTH = 16 * 1024
/** A JWT in compact form: header, payload and signature, each base64url. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
/** Longest piece of the service's own error message quoted. */
const MESSAGE_EXCERPT_LENGTH = 160

/**
 * The side effects and the run's deadline, as every API call has them (rpc.ts; the nonce is not
 * used), and what the request needs besides.
 */
export interface IdTokenDependencies extends CallContext {
  /** Masks a secret in the runner's log and in everything this action prints. */
  mask: (secret: string) => void
  env: Readonly<Record<string, string | undefined>>
}

/** The token service's URL from the runner: https only, since the request carries a bearer token. */
function tokenServiceUrl(raw: string): URL {
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  if (url?.protocol !== 'https:' || url.username !== '' || url.password !== '') {
    throw new InputError(
      TOKEN_URL_VARIABLE,
      'is not an https:// URL without user info; the request for the OIDC token carries the runner’s bearer token, so it only goes over verified TLS. The runner sets this variable: check that nothing in the workflow overrides it.',
      'environment'
    )
  }
  return url
}

/** The body as text, or undefined when it is longer than `maxBytes` (the rest is not read). */
async function readBounded(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  maxBytes: number
): Promise<string | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > maxBytes) {
      body.destroy()
      return undefined
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** `message` from a JSON error answer, redacted, on one line and short; '' when there is none. */
function serviceMessage(text: string, redact: Redactor): string {
  let message: unknown
  try {
    message = (JSON.parse(text) as { message?: unknown } | null)?.message
  } catch {
    return ''
  }
  if (typeof message !== 'string' || message === '') return ''
  // The same treatment as every API message (answer-text.ts): one line, cut, redacted.
  return `: ${JSON.stringify(shownAnswerText(message, redact, MESSAGE_EXCERPT_LENGTH))}`
}

/**
 * The token from the service's answer, masked before it is checked. An answer without a token of
 * the right shape is an unexpected answer; 5xx answers are retried (retry.ts), others are not.
 */
function interpretTokenAnswer(
  status: number,
  text: string | undefined,
  deps: { mask: IdTokenDependencies['mask']; redact: Redactor }
): string {
  const service = 'The OIDC token service'
  if (text === undefined) {
    throw new UnexpectedResponseError(
      status,
      `${service} answered HTTP ${status} with more than ${MAX_ANSWER_BYTES / 1024} KiB; a token answer is about 1 KB.`
    )
  }
  if (status < 200 || status >= 300) {
    const why =
      status === 401 || status === 403
        ? ` ${REQUEST_TOKEN_VARIABLE} was not accepted; it is valid only in the job the runner issued it for.`
        : status >= 300 && status < 400
          ? ' A redirect is not followed: the request carries the runner’s token.'
          : ''
    throw new UnexpectedResponseError(
      status,
      `${service} answered HTTP ${status}${serviceMessage(text, deps.redact)}.${why}`
    )
  }
  let value: unknown
  try {
    value = (JSON.parse(text) as { value?: unknown } | null)?.value
  } catch {
    value = undefined
  }
  // Masked first: whatever it is, it may be a token.
  if (typeof value === 'string' && value !== '') deps.mask(value)
  if (typeof value !== 'string' || value.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(value)) {
    throw new UnexpectedResponseError(
      status,
      `${service} answered HTTP ${status} without a token of the expected form: JSON {"value": "<JWT>"}, the JWT being three base64url parts joined by ".", at most ${MAX_TOKEN_LENGTH} characters.`
    )
  }
  return value
}

/**
 * Asks the runner's token service for the job's OIDC token for `audience`, retrying until the
 * deadline. The request token and the token are masked the moment they are read. The caller
 * checks first that both runner variables are set.
 */
export async function requestIdToken(
  audience: string,
  { rpc, deadline, mask, env }: IdTokenDependencies
): Promise<string> {
  const requestToken = env[REQUEST_TOKEN_VARIABLE] ?? ''
  mask(requestToken)
  const rawUrl = env[TOKEN_URL_VARIABLE] ?? ''
  const { origin } = tokenServiceUrl(rawUrl)
  // As @actions/core: the runner's URL already carries a query (`?api-version=2.0`).
  const url = `${rawUrl}&audience=${encodeURIComponent(audience)}`
  const headers = {
    authorization: `Bearer ${requestToken}`,
    accept: 'application/json',
    'user-agent': 'actions/oidc-client'
  }
  const { value } = await retryUntilDeadline(
    async () => {
      const timeoutMs = Math.min(rpc.policy.attemptTimeoutMs, deadline - rpc.now())
      if (timeoutMs <= 0) throw new DeadlineError('no time left', new Error('not sent'), 0)
      const timeout = AbortSignal.timeout(timeoutMs)
      const signal = rpc.signal ? AbortSignal.any([rpc.signal, timeout]) : timeout
      let status: number
      let text: string | undefined
      try {
        const response = await request(url, {
          method: 'GET',
          headers,
          dispatcher: rpc.dispatcher,
          signal
        })
        status = response.statusCode
        text = await readBounded(response.body, MAX_ANSWER_BYTES)
      } catch (error) {
        throw toTransportError(error, timeout.aborted, {
          origin,
          target: `the OIDC token service at ${origin}`,
          timeoutMs,
          redact: rpc.redact,
          ...(rpc.signal ? { signal: rpc.signal } : {})
        })
      }
      return interpretTokenAnswer(status, text, { mask, redact: rpc.redact })
    },
    rpc.policy,
    deadline,
    {
      now: rpc.now,
      sleep: rpc.sleep,
      random: rpc.random,
      operation: ID_TOKEN_OPERATION,
      ...(rpc.signal ? { signal: rpc.signal } : {}),
      onRetry: event => rpc.log(formatRetryLine(event, ID_TOKEN_OPERATION))
    }
  )
  return value
}
