/**
 * The HTTP transport: one HTTPS round trip of an RPC request as rpc.ts built it for the wire, and
 * the translation of whatever comes back (or doesn't) into a JSON object or one of the action's
 * error classes (`toTransportError` serves the OIDC token request too). No retries here: see
 * rpc.ts and retry.ts.
 * The answer is hostile input: at most 1 MiB of it is read, and every text taken from it goes
 * through answer-text.ts.
 *
 * The network goes through an injected undici `Dispatcher` (in production an `EnvHttpProxyAgent`,
 * so `HTTPS_PROXY`/`NO_PROXY` work on self-hosted runners). TLS verification uses Node's defaults,
 * which include `NODE_EXTRA_CA_CERTS`; no `ca` option is passed, because that would disable it.
 */
import { request, type Dispatcher } from '../http/undici.js'
import {
  ANSWER_SHAPES,
  MAX_ANSWER_BYTES,
  answerField,
  checkedValue,
  unexpectedAnswer,
  type AnswerSource
} from './answer-text.js'
import { bodyExcerpt, shownAnswerText } from '../core/text.js'
import { ApiError, UnexpectedResponseError } from '../core/errors.js'
import { toTransportError } from '../http/transport-error.js'
import type { Redactor } from '../core/redact.js'
import type { SignedRequest } from './signer.js'

interface SendOptions {
  /** `https://host[:port]` */
  origin: string
  dispatcher: Dispatcher
  /** The attempt's own timeout; the whole round trip, body included, must fit in it. */
  timeoutMs: number
  /** Aborts the attempt when the workflow is cancelled. */
  signal?: AbortSignal
  redact: Redactor
  /** The local clock, to tell how far off it is from the server's `Date`. */
  now: () => number
}

export type JsonObject = Record<string, unknown>

/** Sends `signed` as `POST /?<query>` and returns the parsed JSON answer. */
export async function sendSignedRequest(
  signed: SignedRequest,
  options: SendOptions
): Promise<JsonObject> {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  let status: number
  let headers: Record<string, string | string[] | undefined>
  let text: string | undefined
  try {
    const response = await request(`${options.origin}/?${signed.queryString}`, {
      method: signed.method,
      headers: signed.headers,
      body: signed.body ?? '',
      dispatcher: options.dispatcher,
      signal
    })
    status = response.statusCode
    headers = response.headers
    text = await readBody(response.body, headerValue(headers, 'content-length'))
  } catch (error) {
    throw toTransportError(error, timeout.aborted, options)
  }
  const action = actionOf(signed)
  if (text === undefined) {
    throw unexpectedAnswer(
      { action, redact: options.redact, httpStatus: status },
      'body',
      `is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB (HTTP ${status}), so it was not read further; an API answer is a few kilobytes`
    )
  }
  return interpretResponse(status, headers, text, { ...options, action })
}

/** The action a request calls, for errors: from `x-acs-action` (V3) or the `Action` parameter. */
function actionOf(signed: SignedRequest): string {
  return (
    signed.headers['x-acs-action'] ??
    new URLSearchParams(signed.queryString).get('Action') ??
    'the API call'
  )
}

/**
 * The body as UTF-8 text, or undefined when it is longer than {@link MAX_ANSWER_BYTES}: then
 * reading stops there and the transfer is aborted, whatever `content-length` said.
 */
async function readBody(
  body: Dispatcher.ResponseData['body'],
  contentLength: string | undefined
): Promise<string | undefined> {
  if (Number(contentLength) > MAX_ANSWER_BYTES) {
    body.destroy()
    return undefined
  }
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    bytes += chunk.length
    // Leaving the loop destroys the body, which aborts the transfer.
    if (bytes > MAX_ANSWER_BYTES) return undefined
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string) {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * Turns an HTTP answer into a JSON object (2xx) or the matching error. Every answer's RequestId,
 * and an error's Code, are checked against their shape here; its Message and Recommend are made
 * safe to show (answer-text.ts). `action` names the call in errors.
 */
export function interpretResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
  options: Pick<SendOptions, 'redact' | 'now'> & { action?: string }
): JsonObject {
  const json = parseJsonObject(text)
  const source: AnswerSource = {
    action: options.action ?? 'the API call',
    redact: options.redact,
    httpStatus: status
  }
  if (status >= 200 && status < 300) {
    if (json) {
      answerField(json, 'RequestId', ANSWER_SHAPES.requestId, source)
      return json
    }
    throw new UnexpectedResponseError(
      status,
      `The API answered HTTP ${status} with a body that is not JSON (content-type: ${shownAnswerText(headerValue(headers, 'content-type') ?? 'none', options.redact, 80)}): ${bodyExcerpt(text, options.redact)}. A proxy or captive portal between the runner and the API may have answered instead.`
    )
  }
  const requestId =
    answerField(json, 'RequestId', ANSWER_SHAPES.requestId, source) ??
    checkedValue(
      headerValue(headers, 'x-acs-request-id'),
      'the x-acs-request-id header',
      ANSWER_SHAPES.requestId,
      source
    )
  const code = answerField(json, 'Code', ANSWER_SHAPES.code, { ...source, requestId })
  if (json && code) {
    const retryAfterHeader = headerValue(headers, 'x-acs-retry-after')?.trim()
    // An empty, malformed, zero or negative header means "no advice", not "retry at once".
    const retryAfter = retryAfterHeader ? Number(retryAfterHeader) : NaN
    const date = headerValue(headers, 'date')
    const serverDate = date ? new Date(date) : undefined
    const validDate = serverDate && !Number.isNaN(serverDate.getTime()) ? serverDate : undefined
    throw new ApiError({
      code,
      message: shownAnswerText(stringField(json, 'Message') ?? '(no message)', options.redact),
      requestId,
      httpStatus: status,
      recommend: mapDefined(stringField(json, 'Recommend'), text =>
        shownAnswerText(text, options.redact)
      ),
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      serverDate: validDate,
      clockSkewMs: validDate ? validDate.getTime() - options.now() : undefined
    })
  }
  throw new UnexpectedResponseError(
    status,
    `HTTP ${status} without an API error code: ${bodyExcerpt(text, options.redact)}${status >= 500 ? ' (likely from a proxy or load balancer in front of the API)' : ''}`,
    requestId
  )
}

function parseJsonObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as JsonObject)
      : undefined
  } catch {
    return undefined
  }
}

function mapDefined<T, U>(value: T | undefined, f: (value: T) => U): U | undefined {
  return value === undefined ? undefined : f(value)
}

/** A nested JSON object field, or undefined when absent or not an object. */
export function objectField(json: JsonObject | undefined, name: string): JsonObject | undefined {
  const value = json?.[name]
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined
}

export function stringField(json: JsonObject | undefined, name: string): string | undefined {
  const value = json?.[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}
