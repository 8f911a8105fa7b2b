/**
 * Scripted faults: the queue (`faults` option, `injectFault`), each taken by the first request
 * for its action, and the canned answers of the kinds that answer without looking at the request.
 * The kinds that still process the call (hang with ms, lose-response, trickle) are played by
 * request-flow.mjs.
 */
import { ApiError } from './api-errors.mjs'
import { newRequestId } from './helpers.mjs'
import { errorReply, htmlReply, jsonReply } from './replies.mjs'

/** @typedef {import('../stand-in.d.mts').Fault} Fault */
/** @typedef {import('./replies.mjs').Reply} Reply */
/** @typedef {import('./state.mjs').State} State */

/** Canned JSON bodies for `{ kind: 'status', body: 'json' }` faults. */
const STATUS_CODES = {
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout'
}

/**
 * Take the first queued fault aimed at this action (CreateSslVpnClientCert unless it says
 * otherwise) that is due: one with `afterCalls: n` only once n requests of its action came before
 * this one. Requests for other actions leave the queue alone.
 * @param {State} state
 * @param {string | null} action
 */
export function takeFault(state, action) {
  if (action === null) return undefined
  // This request is recorded already: the ones of its action before it are the others.
  const earlier = state.calls.filter(c => c.action === action).length - 1
  const index = state.faults.findIndex(
    f => (f.action ?? 'CreateSslVpnClientCert') === action && earlier >= (f.afterCalls ?? 0)
  )
  if (index < 0) return undefined
  return state.faults.splice(index, 1)[0]
}

/**
 * Replies for faults that answer without looking at the request.
 * @param {Fault} fault
 * @param {Record<string, string>} query
 * @returns {Reply}
 */
export function cannedFaultReply(fault, query) {
  const outcome = `fault:${fault.kind}`
  const regionId = query.RegionId
  switch (fault.kind) {
    case 'error': {
      /** @type {{ message?: string, httpStatus?: number, headers?: Record<string, string> }} */
      const details = {}
      if (fault.message !== undefined) details.message = fault.message
      if (fault.httpStatus !== undefined) details.httpStatus = fault.httpStatus
      if (fault.headers !== undefined) details.headers = fault.headers
      return { ...errorReply(new ApiError(fault.code, details), regionId), outcome }
    }
    case 'throttle': {
      const headers =
        fault.retryAfterMs !== undefined ? { 'x-acs-retry-after': String(fault.retryAfterMs) } : {}
      return { ...errorReply(new ApiError('Throttling.User', { headers }), regionId), outcome }
    }
    case 'status': {
      const asHtml =
        (fault.body ?? (fault.status === 502 || fault.status === 504 ? 'html' : 'json')) === 'html'
      if (asHtml) return htmlReply(fault.status, nginxErrorPage(fault.status), outcome)
      const code =
        STATUS_CODES[/** @type {keyof typeof STATUS_CODES} */ (fault.status)] ?? 'UnknownError'
      return {
        ...errorReply(new ApiError(code, { httpStatus: fault.status }), regionId),
        outcome
      }
    }
    case 'not-json':
      return htmlReply(
        200,
        '<!DOCTYPE html><html><head><title>Welcome</title></head><body><p>Captive portal: please sign in.</p></body></html>\n',
        outcome
      )
    case 'missing-id':
      return jsonReply(200, { RequestId: newRequestId() }, {}, outcome)
    default:
      throw new Error(`fault ${fault.kind} has no canned reply`)
  }
}

/** What a proxy in front of the API answers when the backend is down. @param {number} status */
function nginxErrorPage(status) {
  const reason =
    {
      500: 'Internal Server Error',
      502: 'Bad Gateway',
      503: 'Service Temporarily Unavailable',
      504: 'Gateway Time-out'
    }[status] ?? 'Error'
  return (
    `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n` +
    `<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  )
}
