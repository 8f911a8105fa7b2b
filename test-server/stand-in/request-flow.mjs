/**
 * The path of every API request: record → fault → body → authentication → the action's handler →
 * reply. Each step lives in its own module; this one decides their order, and which faults cut
 * it short (reset, hang, canned answers) or play on the real answer (lose-response, trickle).
 */
import { ApiError } from './api-errors.mjs'
import { authenticate, parseV3Authorization } from './authentication.mjs'
import { createSslVpnClientCert } from './create.mjs'
import { deleteSslVpnClientCert } from './delete.mjs'
import { describeSslVpnClientCert } from './describe.mjs'
import { cannedFaultReply, takeFault } from './faults.mjs'
import { headerValue, newRequestId } from './helpers.mjs'
import { describeSslVpnClientCerts } from './list.mjs'
import {
  ANONYMOUS_ACTIONS,
  answerOidcTokenRequest,
  assumeRoleWithOidc,
  OIDC_TOKEN_PATH
} from './oidc-sts.mjs'
import { errorReply, jsonReply, send, sendTrickled } from './replies.mjs'
import { sleep } from './state.mjs'

/** @typedef {import('../stand-in.d.mts').CallRecord} CallRecord */
/** @typedef {import('./replies.mjs').Reply} Reply */
/** @typedef {import('./state.mjs').State} State */

/**
 * What an action's handler returns: the answer's fields (RequestId is added here) and the outcome
 * to record in the call's CallRecord.
 * @typedef {{ outcome: string, fields: Record<string, unknown> }} HandlerResult
 */

/**
 * One handler per API action. A handler runs after authentication and returns the operation's
 * result fields (without RequestId) plus the outcome to record; it throws ApiError to refuse.
 * Another action: its handler in a module of its own (list.mjs is the smallest to copy), one line
 * here, its tests in __tests__/stand-in/.
 * @type {Record<string, (state: State, ctx: RequestContext) => HandlerResult | Promise<HandlerResult>>}
 */
const ACTION_HANDLERS = {
  AssumeRoleWithOIDC: assumeRoleWithOidc,
  CreateSslVpnClientCert: createSslVpnClientCert,
  DeleteSslVpnClientCert: deleteSslVpnClientCert,
  DescribeSslVpnClientCert: describeSslVpnClientCert,
  DescribeSslVpnClientCerts: describeSslVpnClientCerts
}

/**
 * @typedef {object} RequestContext
 * @property {import('node:http').IncomingMessage} req
 * @property {CallRecord} call
 * @property {Record<string, string>} query  decoded URL query parameters
 * @property {Record<string, string>} form   decoded form body parameters (usually none)
 * @property {Buffer} body
 * @property {Record<string, string>} params decoded operation parameters
 */

/** V1 common parameters: they authenticate the call and are not operation parameters. */
const V1_COMMON_PARAMS = [
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'SecurityToken'
]

/**
 * One request, start to finish: the OIDC token service's GET, or an API call: record it, play its
 * fault if one is queued for its action, read the body, authenticate, run the handler, reply.
 * @param {State} state
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
export async function handleRequest(state, req, res) {
  // Client gone (reset, timeout): nothing to do, but never crash the test process over it.
  req.on('error', () => {})
  res.on('error', () => {})

  const url = new URL(req.url ?? '/', 'https://stand-in.invalid')
  if (state.oidc && req.method === 'GET' && url.pathname === OIDC_TOKEN_PATH) {
    answerOidcTokenRequest(state, state.oidc, req, res, url)
    return
  }
  const query = Object.fromEntries(url.searchParams)
  const call = recordCall(state, req, query)

  const fault = takeFault(state, call.action)
  if (fault) call.outcome = `fault:${fault.kind}`

  // Faults that short-circuit: the request is never looked at further.
  switch (fault?.kind) {
    case 'reset':
      req.socket.destroy()
      return
    case 'hang':
      if (fault.ms === undefined) return // close() destroys the socket
      await sleep(state, fault.ms) // then answer normally, as a slow server would
      break
    case 'error':
    case 'throttle':
    case 'status':
    case 'not-json':
    case 'missing-id':
      send(state, res, call, cannedFaultReply(fault, query))
      return
  }

  const body = await readBody(req)
  const form = parseFormBody(req, body)
  const ctx = { req, call, query, form, body, params: operationParams(call, query, form) }
  call.params = ctx.params
  call.clientToken = ctx.params.ClientToken ?? null

  const reply = await processApiCall(state, ctx)
  if (fault) call.innerOutcome = reply.outcome
  else call.outcome = reply.outcome

  if (fault?.kind === 'lose-response') {
    // The work is done (certificate created, token remembered); only the answer is lost.
    call.httpStatus = null
    req.socket.destroy()
    return
  }
  if (fault?.kind === 'trickle') {
    sendTrickled(state, res, call, reply, fault.chunkDelayMs, fault.chunkBytes ?? 4)
    return
  }
  send(state, res, call, reply)
}

/**
 * Add a call record with what can be read before any check: it is filled in as the call proceeds.
 * @param {State} state
 * @param {import('node:http').IncomingMessage} req
 * @param {Record<string, string>} query
 * @returns {CallRecord}
 */
function recordCall(state, req, query) {
  const h = req.headers
  const signatureVersion =
    h.authorization !== undefined ? 'v3' : query.Signature !== undefined ? 'v1' : null
  const v3 = signatureVersion === 'v3'
  const action = (v3 ? headerValue(h['x-acs-action']) : query.Action) ?? null
  /** @type {CallRecord} */
  const call = {
    receivedAt: Date.now(),
    method: req.method ?? 'POST',
    action,
    signatureVersion,
    accessKeyId: v3
      ? (parseV3Authorization(h.authorization)?.accessKeyId ?? null)
      : (query.AccessKeyId ?? null),
    nonce: (v3 ? headerValue(h['x-acs-signature-nonce']) : query.SignatureNonce) ?? null,
    timestamp: (v3 ? headerValue(h['x-acs-date']) : query.Timestamp) ?? null,
    clientToken: query.ClientToken ?? null,
    params: operationParams({ signatureVersion }, query, {}),
    requestId: null,
    outcome: 'pending',
    innerOutcome: null,
    httpStatus: null
  }
  state.calls.push(call)
  return call
}

/**
 * Authenticate, then dispatch to the action's handler; every refusal becomes a JSON error reply.
 * @param {State} state
 * @param {RequestContext} ctx
 * @returns {Promise<Reply>}
 */
async function processApiCall(state, ctx) {
  try {
    if (!ANONYMOUS_ACTIONS.has(ctx.call.action ?? '')) authenticate(state, ctx)
    const handler = ctx.call.action ? ACTION_HANDLERS[ctx.call.action] : undefined
    if (!handler) throw new ApiError('InvalidAction.NotFound')
    const { outcome, fields } = await handler(state, ctx)
    return jsonReply(200, { RequestId: newRequestId(), ...fields }, {}, outcome)
  } catch (error) {
    if (!(error instanceof ApiError)) throw error
    return errorReply(error, ctx.params.RegionId)
  }
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<Buffer>} */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = []
  let size = 0
  for await (const chunk of req) {
    size += chunk.length
    if (size > 1024 * 1024) throw new Error('request body over 1 MiB: not an API call')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/**
 * The official SDK sends an empty body; a form body (older RPC clients) is accepted too.
 * @param {import('node:http').IncomingMessage} req
 * @param {Buffer} body
 * @returns {Record<string, string>}
 */
function parseFormBody(req, body) {
  const type = req.headers['content-type'] ?? ''
  if (body.length === 0 || !type.startsWith('application/x-www-form-urlencoded')) return {}
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')))
}

/**
 * Decoded operation parameters: for V1 the common (authentication) parameters are left out.
 * @param {{ signatureVersion: 'v1' | 'v3' | null }} call
 * @param {Record<string, string>} query
 * @param {Record<string, string>} form
 * @returns {Record<string, string>}
 */
function operationParams(call, query, form) {
  const all = { ...query, ...form }
  if (call.signatureVersion !== 'v3') {
    for (const name of V1_COMMON_PARAMS) delete all[name]
  }
  return all
}
