/**
 * What goes back on the wire: JSON answers and errors in the real service's shape (RequestId,
 * HostId, Code, Message, Recommend), HTML pages, the `Date` header from the server clock, and a
 * body trickled a few bytes at a time.
 */
import { newRequestId } from './helpers.mjs'
import { schedule, serverNow } from './state.mjs'

/** @typedef {import('../stand-in.d.mts').CallRecord} CallRecord */
/** @typedef {import('./api-errors.mjs').ApiError} ApiError */
/** @typedef {import('./state.mjs').State} State */

/**
 * @typedef {object} Reply
 * @property {number} status
 * @property {Record<string, string>} headers
 * @property {string} body
 * @property {string} outcome  what to record for the call
 * @property {string | null} requestId
 */

/**
 * @param {number} status
 * @param {Record<string, unknown>} payload  must contain RequestId
 * @param {Record<string, string>} headers
 * @param {string} outcome
 * @returns {Reply}
 */
export function jsonReply(status, payload, headers, outcome) {
  const requestId = /** @type {string} */ (payload.RequestId)
  return {
    status,
    headers: {
      'content-type': 'application/json;charset=utf-8',
      'x-acs-request-id': requestId,
      ...headers
    },
    body: JSON.stringify(payload),
    outcome,
    requestId
  }
}

/**
 * The real error shape: RequestId, HostId, Code, Message, Recommend.
 * @param {ApiError} error
 * @param {string | undefined} regionId
 * @returns {Reply}
 */
export function errorReply(error, regionId) {
  const requestId = newRequestId()
  return jsonReply(
    error.httpStatus,
    {
      RequestId: requestId,
      HostId: `vpc.${regionId || 'cn-hangzhou'}.aliyuncs.com`,
      Code: error.code,
      Message: error.message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=Vpc&requestId=${requestId}`
    },
    error.headers,
    error.code
  )
}

/**
 * @param {number} status
 * @param {string} body
 * @param {string} outcome
 * @returns {Reply}
 */
export function htmlReply(status, body, outcome) {
  return { status, headers: { 'content-type': 'text/html' }, body, outcome, requestId: null }
}

/**
 * Headers every answer carries; `Date` comes from the (possibly skewed) server clock so a client
 * can notice its own clock is off.
 * @param {State} state
 * @param {Reply} reply
 */
function responseHeaders(state, reply) {
  return {
    ...reply.headers,
    date: new Date(serverNow(state)).toUTCString(),
    'content-length': String(Buffer.byteLength(reply.body))
  }
}

/**
 * @param {State} state
 * @param {import('node:http').ServerResponse} res
 * @param {CallRecord} call
 * @param {Reply} reply
 */
export function send(state, res, call, reply) {
  call.httpStatus = reply.status
  call.requestId = reply.requestId
  if (res.destroyed) return
  res.writeHead(reply.status, responseHeaders(state, reply))
  res.end(reply.body)
}

/**
 * A correct answer whose body dribbles out a few bytes at a time.
 * @param {State} state
 * @param {import('node:http').ServerResponse} res
 * @param {CallRecord} call
 * @param {Reply} reply
 * @param {number} chunkDelayMs
 * @param {number} chunkBytes
 */
export function sendTrickled(state, res, call, reply, chunkDelayMs, chunkBytes) {
  call.httpStatus = reply.status
  call.requestId = reply.requestId
  if (res.destroyed) return
  res.writeHead(reply.status, responseHeaders(state, reply))
  res.flushHeaders()
  const bytes = Buffer.from(reply.body)
  let offset = 0
  const writeNext = () => {
    if (res.destroyed) return
    const chunk = bytes.subarray(offset, offset + chunkBytes)
    offset += chunkBytes
    if (offset >= bytes.length) {
      res.end(chunk)
      return
    }
    res.write(chunk)
    schedule(state, writeNext, chunkDelayMs)
  }
  schedule(state, writeNext, chunkDelayMs)
}

/**
 * A bug in the stand-in itself: answer 500 with the stack so the failing test shows it.
 * @param {import('node:http').ServerResponse} res
 * @param {unknown} error
 */
export function answerUnexpectedError(res, error) {
  if (res.destroyed || res.headersSent) return
  res.writeHead(500, { 'content-type': 'text/plain' })
  res.end(`stand-in bug: ${error instanceof Error ? error.stack : String(error)}`)
}
