/**
 * A local HTTPS stand-in for the Alibaba Cloud VPC API (version 2016-04-28), for tests and the demo.
 *
 * It checks requests the way the real service does (signature V3 `ACS3-HMAC-SHA256` and V1
 * `HMAC-SHA1`, clock skew, nonce reuse, STS tokens, ClientToken idempotency) and can misbehave on
 * demand (busy gateway, throttling, 5xx, resets, hangs, lost responses, slow bodies). Signatures are
 * verified with the official `@alicloud/openapi-util`, never with the action's own code, so a signing
 * bug in the action cannot hide behind the same bug here.
 *
 * Actions: CreateSslVpnClientCert, DescribeSslVpnClientCert (real PEM material: an RSA-2048 key
 * from a pool cached in the temp dir, and a certificate signed by the test-only tls/client-ca.pem
 * with the `openssl` CLI on first Describe), DescribeSslVpnClientCerts and DeleteSslVpnClientCert
 * (asynchronous: the gateway is busy and the certificate still listed for a while; every delete
 * disconnects every client of the SSL server, counted).
 *
 * Plain JavaScript ESM with JSDoc types (see stand-in.d.mts), runnable by `node` 20 without a loader.
 *
 * Usage:
 *   const standIn = await startStandIn({ busyCalls: 2 })
 *   // … point a client at standIn.url, trusting tls/ca.pem …
 *   await standIn.close()
 */
import https from 'node:https'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  createHash,
  createHmac,
  createPrivateKey,
  generateKeyPair,
  randomBytes,
  randomInt,
  randomUUID,
  timingSafeEqual
} from 'node:crypto'
import openapiUtilModule from '@alicloud/openapi-util'

/** @typedef {import('./stand-in.d.mts').StandInOptions} StandInOptions */
/** @typedef {import('./stand-in.d.mts').StandIn} StandIn */
/** @typedef {import('./stand-in.d.mts').Credential} Credential */
/** @typedef {import('./stand-in.d.mts').SslVpnServer} SslVpnServer */
/** @typedef {import('./stand-in.d.mts').Fault} Fault */
/** @typedef {import('./stand-in.d.mts').CallRecord} CallRecord */
/** @typedef {import('./stand-in.d.mts').Certificate} Certificate */
/** @typedef {import('./stand-in.d.mts').ExistingCertificate} ExistingCertificate */

// The package is CommonJS compiled from TypeScript: the class sits on `.default`.
const Util = openapiUtilModule.default ?? openapiUtilModule
const generateKeyPairAsync = promisify(generateKeyPair)

export const API_VERSION = '2016-04-28'

/** Absolute path of the test-only CA that signed `server.pem` (for NODE_EXTRA_CA_CERTS). */
export const CA_CERT_PATH = fileURLToPath(new URL('./tls/ca.pem', import.meta.url))

/** Absolute path of the test-only CA that signs the SSL-VPN client certificates (`CaCert`). */
export const CLIENT_CA_CERT_PATH = fileURLToPath(new URL('./tls/client-ca.pem', import.meta.url))
const CLIENT_CA_KEY_PATH = fileURLToPath(new URL('./tls/client-ca.key', import.meta.url))
/** OpenSSL settings (subject, extensions) for client certificates; also keeps system configs out. */
const CLIENT_CERT_CONFIG_PATH = fileURLToPath(new URL('./tls/client-cert.cnf', import.meta.url))

/** Every certificate is in the default resource group of the stand-in's imaginary account. */
export const DEFAULT_RESOURCE_GROUP_ID = 'rg-acfmstandin0001'

/** The Status a certificate reports for `pendingStatusMs` after its creation (a stand-in choice). */
export const DEFAULT_PENDING_STATUS = 'creating'

/** Real certificates are valid for 3 years (the reference sample: EndTime − CreateTime = 1095 days). */
const CERTIFICATE_VALIDITY_DAYS = 1095
const DAY_MS = 24 * 60 * 60 * 1000
/** The reference page: `expiring-soon` means the certificate expires within one week. */
const EXPIRING_SOON_MS = 7 * DAY_MS

/** DescribeSslVpnClientCerts paging, from its reference page. */
const DEFAULT_PAGE_SIZE = 10
const MAX_PAGE_SIZE = 50

/** The SSL-VPN server's public address in ClientConfig: a documentation address (RFC 5737). */
const SSL_VPN_REMOTE = '198.51.100.7 1194'

/** @type {readonly Credential[]} */
export const DEFAULT_CREDENTIALS = Object.freeze([
  Object.freeze({
    accessKeyId: 'LTAI5tStandInKeyId0001',
    accessKeySecret: 'StandInSecret+/=0001xyz'
  })
])

/** @type {readonly SslVpnServer[]} */
export const DEFAULT_SSL_VPN_SERVERS = Object.freeze([
  Object.freeze({ regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0001' })
])

/** The real service rejects timestamps more than 15 minutes away from its clock. */
const MAX_CLOCK_DISTANCE_MS = 15 * 60 * 1000

/** hex(sha256('')): the x-acs-content-sha256 of the official SDK's empty POST body. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** Headers every V3 request must sign (x-acs-security-token too, when it is sent). */
const REQUIRED_V3_SIGNED_HEADERS = [
  'host',
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256'
]

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
 * Status and message for the codes the stand-in knows. The first six are copied exactly from the
 * CreateSslVpnClientCert reference page; the others follow the real service's wording.
 * @type {Record<string, [number, string]>}
 */
const KNOWN_ERRORS = {
  'Forbbiden.SubUser': [
    403,
    'User not authorized to operate on the specified resource as your account is created by another user.'
  ],
  Forbidden: [403, 'User not authorized to operate on the specified resource.'],
  'Resource.QuotaFull': [400, 'The quota of resource is full'],
  'VpnGateway.Configuring': [400, 'The specified service is configuring.'],
  'VpnGateway.FinancialLocked': [400, 'The specified service is financial locked.'],
  InvalidName: [400, 'The name is not valid'],

  Throttling: [400, 'Request was denied due to request throttling.'],
  'Throttling.User': [400, 'Request was denied due to user flow control.'],
  'Throttling.Api': [400, 'Request was denied due to api flow control.'],
  ServiceUnavailable: [503, 'The request has failed due to a temporary failure of the server.'],
  InternalError: [
    500,
    'The request processing has failed due to some unknown error, exception or failure.'
  ],
  OperationConflict: [409, 'Request was denied due to conflict with a previous request.'],
  SignatureDoesNotMatch: [400, 'Specified signature is not matched with our calculation.'],
  IncompleteSignature: [400, 'The request signature does not conform to Aliyun standards.'],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.'],
  'InvalidSecurityToken.MismatchWithAccessKey': [
    400,
    'Specified SecurityToken mismatch with the AccessKey.'
  ],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.'],
  'InvalidTimeStamp.Format': [400, 'Specified time stamp or date value is not well formatted.'],
  SignatureNonceUsed: [400, 'Specified signature nonce was used already.'],
  IdempotentParameterMismatch: [
    400,
    'Request uses a client token in a previous request but is not identical to that request.'
  ],
  'InvalidClientToken.Malformed': [
    400,
    'The specified ClientToken is not valid: use at most 64 ASCII characters.'
  ],
  'InvalidSslVpnServerId.NotFound': [404, 'The specified SslVpnServerId does not exist.'],
  'InvalidSslVpnClientCertId.NotFound': [404, 'The specified SslVpnClientCertId does not exist.'],
  InvalidParameter: [400, 'The specified parameter is not valid.'],
  'InvalidAction.NotFound': [400, 'Specified api is not found, please check your url and method.'],
  InvalidVersion: [400, 'Specified parameter Version is not valid.'],
  InvalidSignatureMethod: [400, 'Specified signature method is not supported.'],
  InvalidSignatureVersion: [400, 'Specified signature version is not supported.'],
  InvalidContentSha256: [
    400,
    'The x-acs-content-sha256 header does not match the SHA-256 of the request body.'
  ],
  'InvalidParameter.Format': [400, 'The stand-in only answers JSON: send Format=JSON.'],
  MissingParameter: [
    400,
    'The input parameter that is mandatory for processing this request is not supplied.'
  ],
  MissingAccessKeyId: [400, 'AccessKeyId is mandatory for this action.']
}

/** Canned JSON bodies for `{ kind: 'status', body: 'json' }` faults. */
const STATUS_CODES = {
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout'
}

/** An answer the stand-in gives as a JSON error: thrown by checks, turned into a reply. */
class ApiError extends Error {
  /**
   * @param {string} code
   * @param {{ message?: string, httpStatus?: number, headers?: Record<string, string> }} [details]
   */
  constructor(code, details = {}) {
    const [defaultStatus, defaultMessage] = KNOWN_ERRORS[code] ?? [
      400,
      `The request failed: ${code}.`
    ]
    super(details.message ?? defaultMessage)
    this.code = code
    this.httpStatus = details.httpStatus ?? defaultStatus
    this.headers = details.headers ?? {}
  }
}

/** @typedef {{ outcome: string, fields: Record<string, unknown> }} HandlerResult */

/**
 * One handler per API action. A handler runs after authentication and returns the operation's
 * result fields (without RequestId) plus the outcome to record; it throws ApiError to refuse.
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
 * @typedef {object} State
 * @property {Credential[]} credentials
 * @property {SslVpnServer[]} sslVpnServers
 * @property {number} clockSkewMs
 * @property {number} busyCalls             remaining Create calls to answer Configuring
 * @property {number} busyForMs
 * @property {number} busyAfterCreateMs
 * @property {number | null} firstCreateAt  server-clock time of the first authenticated Create
 * @property {Map<string, number>} gatewayBusyUntil  per SSL server, after a creation or a deletion
 * @property {Map<string, Set<string>>} noncesByKey
 * @property {Map<string, { request: CreateRequest, certificate: Certificate }>} clientTokens
 * @property {Fault[]} faults
 * @property {CallRecord[]} calls
 * @property {Certificate[]} certificates
 * @property {number} pendingStatusMs
 * @property {string} pendingStatus
 * @property {Map<string, Promise<CertificateMaterial>>} materials  by certificate id, made lazily
 * @property {number} clientKeysUsed        pool keys handed out so far (the next one's index)
 * @property {'pkcs8' | 'pkcs1'} clientKeyFormat
 * @property {Set<NodeJS.Timeout>} timers
 * @property {boolean} closed
 * @property {OidcState | null} oidc  the runner's token service and STS, when enabled
 * @property {number} busyAfterDeleteMs
 * @property {number} deleteVisibleForMs
 * @property {Map<string, { request: DeleteRequest }>} deleteTokens  ClientTokens of accepted deletes
 * @property {Record<string, number>} disconnections  per SSL server id: deletes that ended every connection
 */

/**
 * @typedef {object} OidcState
 * @property {string} roleArn
 * @property {string} oidcProviderArn
 * @property {string} audience           the provider's client ID, which tokens must carry
 * @property {string} requestToken       what ACTIONS_ID_TOKEN_REQUEST_TOKEN must be
 * @property {number} maxSessionDurationSeconds
 * @property {number} tokenLifetimeMs
 * @property {Buffer} signingKey
 * @property {{ audience: string, token: string, expiresAt: number }[]} issued
 * @property {{ audience: string | null, authorized: boolean }[]} tokenRequests
 */

/**
 * @typedef {object} RequestContext
 * @property {import('node:http').IncomingMessage} req
 * @property {CallRecord} call
 * @property {Record<string, string>} query  decoded URL query parameters
 * @property {Record<string, string>} form   decoded form body parameters (usually none)
 * @property {Buffer} body
 * @property {Record<string, string>} params decoded operation parameters
 */

/**
 * @typedef {object} CreateRequest
 * @property {string | undefined} regionId
 * @property {string | undefined} sslVpnServerId
 * @property {string | undefined} name
 */

/**
 * Start the stand-in on an HTTPS port and resolve once it listens.
 * @param {StandInOptions} [options]
 * @returns {Promise<StandIn>}
 */
export async function startStandIn(options = {}) {
  const host = options.host ?? '127.0.0.1'
  if (!['pkcs8', 'pkcs1', undefined].includes(options.clientKeyFormat)) {
    throw new TypeError(`clientKeyFormat: expected 'pkcs8' or 'pkcs1'`)
  }
  /** @type {State} */
  const state = {
    credentials: (options.credentials ?? DEFAULT_CREDENTIALS).map(c => ({ ...c })),
    sslVpnServers: (options.sslVpnServers ?? DEFAULT_SSL_VPN_SERVERS).map(s => ({ ...s })),
    clockSkewMs: options.clockSkewMs ?? 0,
    busyCalls: options.busyCalls ?? 0,
    busyForMs: options.busyForMs ?? 0,
    busyAfterCreateMs: options.busyAfterCreateMs ?? 0,
    firstCreateAt: null,
    gatewayBusyUntil: new Map(),
    noncesByKey: new Map(),
    clientTokens: new Map(),
    faults: [...(options.faults ?? [])],
    calls: [],
    certificates: [],
    pendingStatusMs: options.pendingStatusMs ?? 0,
    pendingStatus: options.pendingStatus ?? DEFAULT_PENDING_STATUS,
    materials: new Map(),
    clientKeysUsed: 0,
    clientKeyFormat: options.clientKeyFormat ?? 'pkcs8',
    timers: new Set(),
    closed: false,
    oidc: options.oidc ? oidcState(options.oidc) : null,
    busyAfterDeleteMs: options.busyAfterDeleteMs ?? 0,
    deleteVisibleForMs: options.deleteVisibleForMs ?? 0,
    deleteTokens: new Map(),
    disconnections: {}
  }
  addExistingCertificates(state, options.existingCertificates ?? [])

  const server = https.createServer(loadTlsMaterial(options.tls ?? 'trusted'), (req, res) => {
    handleRequest(state, req, res).catch(error => answerUnexpectedError(res, error))
  })

  // Remember every connection so close() can end hung and keep-alive ones at once.
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve(undefined)
    })
  })

  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : Number(options.port)
  const hostInUrl = host.includes(':') ? `[${host}]` : host

  return {
    url: `https://${hostInUrl}:${port}`,
    host,
    port,
    endpoint: `${hostInUrl}:${port}`,
    calls: state.calls,
    certificates: state.certificates,
    faults: state.faults,
    credentials: state.credentials,
    sslVpnServers: state.sslVpnServers,
    disconnections: state.disconnections,
    listedCertificates() {
      return state.certificates.filter(c => isListed(state, c))
    },
    injectFault(fault) {
      state.faults.push(fault)
    },
    addCredential(credential) {
      return addCredential(state, credential)
    },
    oidc: state.oidc
      ? {
          tokenRequestUrl: `https://${hostInUrl}:${port}${OIDC_TOKEN_PATH}?api-version=2.0`,
          requestToken: state.oidc.requestToken,
          roleArn: state.oidc.roleArn,
          oidcProviderArn: state.oidc.oidcProviderArn,
          audience: state.oidc.audience,
          issued: state.oidc.issued,
          tokenRequests: state.oidc.tokenRequests
        }
      : null,
    setBusyCalls(n) {
      state.busyCalls = n
    },
    now() {
      return serverNow(state)
    },
    async close() {
      if (state.closed) return
      state.closed = true
      for (const timer of state.timers) clearTimeout(timer)
      state.timers.clear()
      const closed = new Promise(resolve => server.close(() => resolve(undefined)))
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections()
      await closed
    }
  }
}

/** @param {'trusted' | 'untrusted'} mode */
function loadTlsMaterial(mode) {
  const base = mode === 'untrusted' ? 'untrusted' : 'server'
  return {
    cert: readFileSync(new URL(`./tls/${base}.pem`, import.meta.url)),
    key: readFileSync(new URL(`./tls/${base}.key`, import.meta.url))
  }
}

// ---------------------------------------------------------------------------------------------
// Request flow: record → fault → (body) → auth → action handler → reply
// ---------------------------------------------------------------------------------------------

/**
 * @param {State} state
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
async function handleRequest(state, req, res) {
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
 * Take the first queued fault aimed at this action (CreateSslVpnClientCert unless it says
 * otherwise). Requests for other actions leave the queue alone.
 * @param {State} state
 * @param {string | null} action
 */
function takeFault(state, action) {
  if (action === null) return undefined
  const index = state.faults.findIndex(f => (f.action ?? 'CreateSslVpnClientCert') === action)
  if (index < 0) return undefined
  return state.faults.splice(index, 1)[0]
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

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/**
 * What either signature version yields: who signed, when, with which nonce, and a way to check
 * the signature against a secret.
 * @typedef {object} SignedRequest
 * @property {string} accessKeyId
 * @property {string} timestamp
 * @property {string} nonce
 * @property {string | undefined} securityToken
 * @property {(secret: string) => { ok: boolean, serverStringToSign: string }} verify
 */

/**
 * Order as the real gateway: well-formed → known key → fresh timestamp → signature → STS token →
 * unused nonce. The nonce is only burnt once the signature proved the caller owns the key.
 * @param {State} state
 * @param {RequestContext} ctx
 */
function authenticate(state, ctx) {
  const signed =
    ctx.call.signatureVersion === 'v3'
      ? parseV3Request(ctx)
      : ctx.call.signatureVersion === 'v1'
        ? parseV1Request(ctx)
        : missingAuthentication(ctx)

  const credential = state.credentials.find(c => c.accessKeyId === signed.accessKeyId)
  if (!credential) throw new ApiError('InvalidAccessKeyId.NotFound')

  checkTimestamp(state, signed.timestamp)

  const { ok, serverStringToSign } = signed.verify(credential.accessKeySecret)
  if (!ok) {
    // Deliberately echoes the string-to-sign, secrets-adjacent values included, as the real
    // service does: the action must redact it before logging.
    throw new ApiError('SignatureDoesNotMatch', {
      message: `Specified signature is not matched with our calculation. server string to sign is:${serverStringToSign}`
    })
  }

  if ((credential.securityToken ?? undefined) !== signed.securityToken) {
    throw new ApiError('InvalidSecurityToken.MismatchWithAccessKey')
  }

  claimNonce(state, signed.accessKeyId, signed.nonce)
}

/** @param {RequestContext} ctx @returns {never} */
function missingAuthentication(ctx) {
  if (ctx.call.action === null) throw missingParameter('Action')
  throw new ApiError('MissingAccessKeyId')
}

/**
 * Signature V3: everything is in headers; the query is signed as the canonical query string.
 * @param {RequestContext} ctx
 * @returns {SignedRequest}
 */
function parseV3Request(ctx) {
  const { req } = ctx
  const auth = parseV3Authorization(req.headers.authorization)
  if (!auth) throw new ApiError('IncompleteSignature')

  for (const name of ['x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce']) {
    if (!headerValue(req.headers[name])) throw missingParameter(name)
  }
  const contentSha256 = headerValue(req.headers['x-acs-content-sha256'])
  if (!contentSha256) throw missingParameter('x-acs-content-sha256')
  if (headerValue(req.headers['x-acs-version']) !== API_VERSION)
    throw new ApiError('InvalidVersion')

  const securityToken = headerValue(req.headers['x-acs-security-token'])
  const mustSign = [...REQUIRED_V3_SIGNED_HEADERS]
  if (securityToken !== undefined) mustSign.push('x-acs-security-token')
  const unsigned = mustSign.filter(name => !auth.signedHeaders.includes(name))
  if (unsigned.length > 0) {
    throw new ApiError('IncompleteSignature', {
      message: `The request signature does not conform to Aliyun standards. Headers not signed: ${unsigned.join(', ')}.`
    })
  }

  const bodySha256 = createHash('sha256').update(ctx.body).digest('hex')
  if (contentSha256 !== bodySha256) throw new ApiError('InvalidContentSha256')

  // Only the headers the client says it signed take part, with their received values.
  /** @type {Record<string, string>} */
  const signedHeaderValues = {}
  for (const name of auth.signedHeaders)
    signedHeaderValues[name] = headerValue(req.headers[name]) ?? ''

  const request = {
    method: req.method ?? 'POST',
    pathname: '/',
    query: ctx.query,
    headers: signedHeaderValues
  }

  return {
    accessKeyId: auth.accessKeyId,
    timestamp: /** @type {string} */ (headerValue(req.headers['x-acs-date'])),
    nonce: /** @type {string} */ (headerValue(req.headers['x-acs-signature-nonce'])),
    securityToken,
    verify(secret) {
      const expected = Util.getAuthorization(
        request,
        'ACS3-HMAC-SHA256',
        bodySha256,
        auth.accessKeyId,
        secret
      )
      const expectedSignature = /Signature=([0-9a-f]+)$/.exec(expected)?.[1] ?? ''
      return {
        ok: safeEqual(expectedSignature, auth.signature),
        serverStringToSign: v3CanonicalRequest(request, bodySha256)
      }
    }
  }
}

/**
 * @param {string | undefined} header
 * @returns {{ accessKeyId: string, signedHeaders: string[], signature: string } | null}
 */
function parseV3Authorization(header) {
  if (!header) return null
  const match =
    /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$/.exec(
      header
    )
  if (!match) return null
  return {
    accessKeyId: /** @type {string} */ (match[1]),
    signedHeaders: /** @type {string} */ (match[2]).split(';'),
    signature: /** @type {string} */ (match[3])
  }
}

/**
 * The V3 canonical request, built the same way as `Util.getAuthorization` (which does not expose
 * it); used only for the SignatureDoesNotMatch message.
 * @param {{ method: string, pathname: string, query: Record<string, string>, headers: Record<string, string> }} request
 * @param {string} payloadSha256
 */
function v3CanonicalRequest(request, payloadSha256) {
  const canonicalQuery = Object.keys(request.query)
    .sort()
    .map(name => `${name}=${percentEncode(request.query[name] ?? '')}`)
    .join('&')
  const names = Object.keys(request.headers)
    .map(name => name.toLowerCase())
    .filter(name => name.startsWith('x-acs-') || name === 'host' || name === 'content-type')
    .sort()
  const canonicalHeaders = names
    .map(name => `${name}:${(request.headers[name] ?? '').trim()}\n`)
    .join('')
  return [
    request.method,
    request.pathname,
    canonicalQuery,
    canonicalHeaders,
    names.join(';'),
    payloadSha256
  ].join('\n')
}

/**
 * Signature V1: every common parameter travels in the query (or a form body).
 * @param {RequestContext} ctx
 * @returns {SignedRequest}
 */
function parseV1Request(ctx) {
  const all = { ...ctx.query, ...ctx.form }
  for (const name of [
    'AccessKeyId',
    'Signature',
    'SignatureMethod',
    'SignatureVersion',
    'SignatureNonce',
    'Timestamp',
    'Action',
    'Version'
  ]) {
    if (!all[name])
      throw new ApiError(`Missing${name}`, { message: `${name} is mandatory for this action.` })
  }
  if (all.Version !== API_VERSION) throw new ApiError('InvalidVersion')
  if (all.SignatureMethod !== 'HMAC-SHA1') throw new ApiError('InvalidSignatureMethod')
  if (all.SignatureVersion !== '1.0') throw new ApiError('InvalidSignatureVersion')
  // Without Format=JSON the real service answers XML, which the stand-in does not speak.
  if (all.Format !== 'JSON') throw new ApiError('InvalidParameter.Format')

  const { Signature: signature, ...signedParams } = all
  const method = ctx.req.method ?? 'POST'
  return {
    accessKeyId: /** @type {string} */ (all.AccessKeyId),
    timestamp: /** @type {string} */ (all.Timestamp),
    nonce: /** @type {string} */ (all.SignatureNonce),
    securityToken: all.SecurityToken,
    verify(secret) {
      const expected = Util.getRPCSignature(signedParams, method, secret)
      return {
        ok: safeEqual(expected, /** @type {string} */ (signature)),
        serverStringToSign: v1StringToSign(signedParams, method)
      }
    }
  }
}

/**
 * The V1 StringToSign (`METHOD&%2F&encode(canonical)`); `Util.getRPCSignature` does not expose it.
 * @param {Record<string, string>} params
 * @param {string} method
 */
function v1StringToSign(params, method) {
  const canonical = Object.keys(params)
    .sort()
    .map(name => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&')
  return `${method}&${percentEncode('/')}&${percentEncode(canonical)}`
}

/**
 * @param {State} state
 * @param {string} timestamp
 */
function checkTimestamp(state, timestamp) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(timestamp)) {
    throw new ApiError('InvalidTimeStamp.Format')
  }
  const sent = Date.parse(timestamp)
  if (Number.isNaN(sent)) throw new ApiError('InvalidTimeStamp.Format')
  if (Math.abs(serverNow(state) - sent) > MAX_CLOCK_DISTANCE_MS) {
    throw new ApiError('InvalidTimeStamp.Expired')
  }
}

/**
 * @param {State} state
 * @param {string} accessKeyId
 * @param {string} nonce
 */
function claimNonce(state, accessKeyId, nonce) {
  let seen = state.noncesByKey.get(accessKeyId)
  if (!seen) state.noncesByKey.set(accessKeyId, (seen = new Set()))
  if (seen.has(nonce)) throw new ApiError('SignatureNonceUsed')
  seen.add(nonce)
}

// ---------------------------------------------------------------------------------------------
// CreateSslVpnClientCert
// ---------------------------------------------------------------------------------------------

/**
 * Order after authentication: ClientToken replay (answers even while busy) → busy gateway →
 * parameter validation → create.
 * @param {State} state
 * @param {RequestContext} ctx
 */
function createSslVpnClientCert(state, ctx) {
  const p = ctx.params
  /** @type {CreateRequest} */
  const request = {
    regionId: p.RegionId || undefined,
    sslVpnServerId: p.SslVpnServerId || undefined,
    name: p.Name
  }
  const now = serverNow(state)
  state.firstCreateAt ??= now

  const token = p.ClientToken
  if (token !== undefined) {
    if (token.length === 0 || token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) {
      throw new ApiError('InvalidClientToken.Malformed')
    }
    const earlier = state.clientTokens.get(token)
    if (earlier) {
      if (!sameCreateRequest(earlier.request, request))
        throw new ApiError('IdempotentParameterMismatch')
      const { certificate } = earlier
      return {
        outcome: 'replayed',
        fields: { SslVpnClientCertId: certificate.id, Name: certificate.name }
      }
    }
  }

  checkGatewayNotBusy(state, request, now)
  const server = validateCreateRequest(state, request)

  const certificate = addCertificate(state, {
    name: request.name ?? `SslVpnClientCert-${randomLowerAlnum(8)}`,
    server,
    clientToken: token ?? null,
    createdAt: now,
    pendingUntil: now + state.pendingStatusMs
  })
  if (token !== undefined) state.clientTokens.set(token, { request, certificate })
  if (state.busyAfterCreateMs > 0) {
    state.gatewayBusyUntil.set(gatewayKey(server), now + state.busyAfterCreateMs)
  }
  return {
    outcome: 'created',
    fields: { SslVpnClientCertId: certificate.id, Name: certificate.name }
  }
}

/**
 * The gateway answers Configuring: for the first `busyCalls` calls that get this far, until
 * `busyForMs` after the first authenticated Create, and for `busyAfterCreateMs` after each creation
 * on the same SSL server.
 * @param {State} state
 * @param {CreateRequest} request
 * @param {number} now
 */
function checkGatewayNotBusy(state, request, now) {
  const configuring = () => new ApiError('VpnGateway.Configuring')
  if (state.busyCalls > 0) {
    state.busyCalls -= 1
    throw configuring()
  }
  if (state.firstCreateAt !== null && now < state.firstCreateAt + state.busyForMs)
    throw configuring()
  const until = state.gatewayBusyUntil.get(gatewayKey(request))
  if (until !== undefined && now < until) throw configuring()
}

/**
 * @param {State} state
 * @param {CreateRequest} request
 * @returns {SslVpnServer}
 */
function validateCreateRequest(state, request) {
  if (!request.regionId) throw missingParameter('RegionId')
  if (!request.sslVpnServerId) throw missingParameter('SslVpnServerId')
  const server = state.sslVpnServers.find(
    s => s.sslVpnServerId === request.sslVpnServerId && s.regionId === request.regionId
  )
  if (!server) throw new ApiError('InvalidSslVpnServerId.NotFound')
  if (request.name !== undefined && !isValidName(request.name)) throw new ApiError('InvalidName')
  return server
}

/**
 * The reference page's rule: 2–128 characters of letters, digits, `.`, `_`, `-`, starting with a
 * letter, not starting with http:// or https:// (already impossible with that alphabet; kept
 * explicit so the rule reads like the page).
 * @param {string} name
 */
export function isValidName(name) {
  if (/^https?:\/\//.test(name)) return false
  return /^[A-Za-z][A-Za-z0-9._-]{1,127}$/.test(name)
}

/** @param {CreateRequest} a @param {CreateRequest} b */
function sameCreateRequest(a, b) {
  return a.regionId === b.regionId && a.sslVpnServerId === b.sslVpnServerId && a.name === b.name
}

/** @param {{ regionId?: string | undefined, sslVpnServerId?: string | undefined }} s */
function gatewayKey(s) {
  return `${s.regionId ?? ''}/${s.sslVpnServerId ?? ''}`
}

/**
 * Record a new certificate (its PEM material is only made on first Describe, see below).
 * @param {State} state
 * @param {{ name: string, server: SslVpnServer, clientToken: string | null, createdAt: number, pendingUntil: number }} init
 * @returns {Certificate}
 */
function addCertificate(state, init) {
  /** @type {Certificate} */
  const certificate = {
    id: `vsc-${randomLowerAlnum(17)}`,
    name: init.name,
    regionId: init.server.regionId,
    sslVpnServerId: init.server.sslVpnServerId,
    resourceGroupId: DEFAULT_RESOURCE_GROUP_ID,
    clientToken: init.clientToken,
    createdAt: init.createdAt,
    endTime: init.createdAt + CERTIFICATE_VALIDITY_DAYS * DAY_MS,
    pendingUntil: init.pendingUntil,
    deletedAt: null
  }
  state.certificates.push(certificate)
  return certificate
}

/**
 * The `existingCertificates` option: certificates made before the stand-in started, one minute
 * apart and oldest first, so that listing order is the option's order. They are never pending;
 * an `endTime` in the past makes one expired (within 7 days from now, expiring-soon).
 * A mistake in the option throws here, at start, rather than surfacing as a puzzling API answer.
 * @param {State} state
 * @param {readonly ExistingCertificate[]} existing
 */
function addExistingCertificates(state, existing) {
  const startedAt = serverNow(state)
  existing.forEach((entry, index) => {
    if (!isValidName(entry.name)) {
      throw new TypeError(
        `existingCertificates[${index}]: invalid name ${JSON.stringify(entry.name)}`
      )
    }
    if (entry.endTime !== undefined && !Number.isFinite(entry.endTime)) {
      throw new TypeError(`existingCertificates[${index}]: endTime must be a number (ms)`)
    }
    const createdAt = startedAt - (existing.length - index) * 60_000
    const certificate = addCertificate(state, {
      name: entry.name,
      server: serverForExisting(state, entry, index),
      clientToken: null,
      createdAt,
      pendingUntil: createdAt
    })
    if (entry.endTime !== undefined) certificate.endTime = entry.endTime
  })
}

/**
 * The SSL server an existing certificate belongs to: the one named (by id and/or region), else the
 * first configured server.
 * @param {State} state
 * @param {ExistingCertificate} entry
 * @param {number} index
 * @returns {SslVpnServer}
 */
function serverForExisting(state, entry, index) {
  const server = state.sslVpnServers.find(
    s =>
      (entry.sslVpnServerId === undefined || s.sslVpnServerId === entry.sslVpnServerId) &&
      (entry.regionId === undefined || s.regionId === entry.regionId)
  )
  if (!server) {
    throw new TypeError(
      `existingCertificates[${index}]: no SSL server ${entry.regionId ?? '*'}/${entry.sslVpnServerId ?? '*'} in sslVpnServers`
    )
  }
  return server
}

// ---------------------------------------------------------------------------------------------
// DeleteSslVpnClientCert
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {object} DeleteRequest
 * @property {string | undefined} regionId
 * @property {string | undefined} certId
 */

/**
 * Order after authentication, as for Create: ClientToken replay (answers even while busy) → busy
 * gateway → parameters → delete. The real operation is asynchronous and answers only a RequestId;
 * here the certificate is marked deleted at once, stays listed (Describe too) for
 * `deleteVisibleForMs`, and its SSL server answers VpnGateway.Configuring to creates and deletes
 * for `busyAfterDeleteMs`. Every accepted delete disconnects every client of that SSL server
 * (counted in `disconnections`). A certificate that does not exist, or whose deletion was already
 * accepted, answers InvalidSslVpnClientCertId.NotFound (404, the code and status the reference
 * documents for ModifySslVpnClientCert; the Delete page lists only Forbidden and Configuring).
 * @param {State} state
 * @param {RequestContext} ctx
 */
function deleteSslVpnClientCert(state, ctx) {
  const p = ctx.params
  /** @type {DeleteRequest} */
  const request = { regionId: p.RegionId || undefined, certId: p.SslVpnClientCertId || undefined }
  const now = serverNow(state)
  const token = p.ClientToken
  if (token !== undefined) {
    if (token.length === 0 || token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) {
      throw new ApiError('InvalidClientToken.Malformed')
    }
    const earlier = state.deleteTokens.get(token)
    if (earlier) {
      if (
        earlier.request.regionId !== request.regionId ||
        earlier.request.certId !== request.certId
      ) {
        throw new ApiError('IdempotentParameterMismatch')
      }
      return { outcome: 'replayed', fields: {} }
    }
  }
  if (!request.regionId) throw missingParameter('RegionId')
  if (!request.certId) throw missingParameter('SslVpnClientCertId')
  const certificate = state.certificates.find(
    c => c.id === request.certId && c.regionId === request.regionId
  )
  // The busy check needs the certificate's SSL server; an unknown certificate has none.
  if (certificate) checkGatewayNotBusyAfterChange(state, certificate, now)
  if (!certificate || certificate.deletedAt !== null) {
    throw new ApiError('InvalidSslVpnClientCertId.NotFound')
  }
  certificate.deletedAt = now
  if (token !== undefined) state.deleteTokens.set(token, { request })
  const key = gatewayKey(certificate)
  if (state.busyAfterDeleteMs > 0) {
    state.gatewayBusyUntil.set(
      key,
      Math.max(state.gatewayBusyUntil.get(key) ?? 0, now + state.busyAfterDeleteMs)
    )
  }
  state.disconnections[certificate.sslVpnServerId] =
    (state.disconnections[certificate.sslVpnServerId] ?? 0) + 1
  return { outcome: 'deleted', fields: {} }
}

/**
 * Configuring while the SSL server applies a creation or a deletion (busyAfterCreateMs,
 * busyAfterDeleteMs). `busyCalls` and `busyForMs` script Create alone.
 * @param {State} state
 * @param {{ regionId?: string | undefined, sslVpnServerId?: string | undefined }} server
 * @param {number} now
 */
function checkGatewayNotBusyAfterChange(state, server, now) {
  const until = state.gatewayBusyUntil.get(gatewayKey(server))
  if (until !== undefined && now < until) throw new ApiError('VpnGateway.Configuring')
}

/**
 * Whether the Describe actions still show a certificate: always, until `deleteVisibleForMs`
 * after its deletion was accepted.
 * @param {State} state
 * @param {Certificate} certificate
 */
function isListed(state, certificate) {
  return (
    certificate.deletedAt === null ||
    serverNow(state) < certificate.deletedAt + state.deleteVisibleForMs
  )
}

// ---------------------------------------------------------------------------------------------
// DescribeSslVpnClientCert
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {object} CertificateMaterial
 * @property {string} caCert      PEM
 * @property {string} clientCert  PEM, CN = the certificate's name, signed by the client CA
 * @property {string} clientKey   unencrypted RSA-2048 PEM (PKCS#8, or PKCS#1 with clientKeyFormat)
 */

/** Read once: every certificate's CaCert is this same PEM. */
const CLIENT_CA_PEM = readFileSync(CLIENT_CA_CERT_PATH, 'utf8')

/**
 * One certificate with its PEM material and OpenVPN config. Never busy: only Create is.
 * @param {State} state
 * @param {RequestContext} ctx
 */
async function describeSslVpnClientCert(state, ctx) {
  const certificate = findCertificate(state, ctx.params)
  // Status is read before the (slow) material so that it reflects when the call arrived.
  const status = certificateStatus(state, certificate)
  const material = await certificateMaterial(state, certificate)
  return {
    outcome: 'described',
    fields: {
      SslVpnClientCertId: certificate.id,
      Name: certificate.name,
      SslVpnServerId: certificate.sslVpnServerId,
      RegionId: certificate.regionId,
      ResourceGroupId: certificate.resourceGroupId,
      Status: status,
      CreateTime: certificate.createdAt,
      EndTime: certificate.endTime,
      CaCert: material.caCert,
      ClientCert: material.clientCert,
      ClientKey: material.clientKey,
      ClientConfig: clientConfig(certificate.id)
    }
  }
}

/**
 * Certificates are regional: one in another region is as unknown as a made-up id.
 * @param {State} state
 * @param {Record<string, string>} params
 * @returns {Certificate}
 */
function findCertificate(state, params) {
  if (!params.RegionId) throw missingParameter('RegionId')
  if (!params.SslVpnClientCertId) throw missingParameter('SslVpnClientCertId')
  const certificate = state.certificates.find(
    c => c.id === params.SslVpnClientCertId && c.regionId === params.RegionId && isListed(state, c)
  )
  if (!certificate) throw new ApiError('InvalidSslVpnClientCertId.NotFound')
  return certificate
}

/**
 * The documented statuses (`normal`, `expiring-soon`, `expired`), plus the stand-in's pending
 * status for `pendingStatusMs` after creation: the real service documents no such status, but
 * Terraform waits for `normal` after creating, so a client must cope with something else first.
 * @param {State} state
 * @param {Certificate} certificate
 */
function certificateStatus(state, certificate) {
  const now = serverNow(state)
  if (now < certificate.pendingUntil) return state.pendingStatus
  if (now >= certificate.endTime) return 'expired'
  if (now >= certificate.endTime - EXPIRING_SOON_MS) return 'expiring-soon'
  return 'normal'
}

/**
 * The material is made on first demand and cached (as a promise, so concurrent Describes of one
 * certificate share the work): Create stays fast, and tests that never Describe pay nothing.
 * The n-th certificate of this stand-in to be described gets the n-th key of the shared pool, so
 * that every certificate of one stand-in has its own key (as the real service issues them).
 * @param {State} state
 * @param {Certificate} certificate
 * @returns {Promise<CertificateMaterial>}
 */
function certificateMaterial(state, certificate) {
  let material = state.materials.get(certificate.id)
  if (!material) {
    material = generateMaterial(state, certificate.name, state.clientKeysUsed++)
    state.materials.set(certificate.id, material)
    // A failure (no openssl?) is not cached: the next Describe tries again.
    material.catch(() => state.materials.delete(certificate.id))
  }
  return material
}

/**
 * Pool key `keyIndex` and a client certificate for it signed by the test-only client CA. Node
 * cannot issue certificates, so the `openssl` CLI signs: `req -new` for the CSR (it needs the key
 * in a file) and `x509 -req` to sign it, which OpenSSL 1.1, 3 and LibreSSL all understand. The key
 * file lives in a private temporary directory for the few milliseconds needed.
 * @param {State} state
 * @param {string} commonName
 * @param {number} keyIndex
 * @returns {Promise<CertificateMaterial>}
 */
async function generateMaterial(state, commonName, keyIndex) {
  const pkcs8 = await clientKeyAt(keyIndex)
  const clientKey =
    state.clientKeyFormat === 'pkcs1'
      ? /** @type {string} */ (createPrivateKey(pkcs8).export({ type: 'pkcs1', format: 'pem' }))
      : pkcs8
  const dir = await mkdtemp(join(tmpdir(), 'stand-in-cert-'))
  try {
    const keyPath = join(dir, 'client.key')
    await writeFile(keyPath, pkcs8, { mode: 0o600 })
    const csr = await openssl([
      'req',
      '-new',
      '-key',
      keyPath,
      '-subj',
      `/CN=${escapeSubjectValue(commonName)}`,
      '-config',
      CLIENT_CERT_CONFIG_PATH
    ])
    const clientCert = await openssl(
      [
        'x509',
        '-req',
        '-CA',
        CLIENT_CA_CERT_PATH,
        '-CAkey',
        CLIENT_CA_KEY_PATH,
        '-set_serial',
        randomSerial(),
        '-days',
        String(CERTIFICATE_VALIDITY_DAYS),
        '-sha256',
        '-extfile',
        CLIENT_CERT_CONFIG_PATH,
        '-extensions',
        'client_cert'
      ],
      csr
    )
    return { caCert: CLIENT_CA_PEM, clientCert, clientKey }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// The client key pool
// ---------------------------------------------------------------------------------------------

/**
 * The real service answers RSA-2048 keys, and a key's size is what costs a client the most (every
 * line of it is a secret to mask), so the stand-in answers keys of that size too. Generating one
 * takes 50–200 ms of CPU, so keys come from a pool shared by every stand-in of a process and kept
 * on disk between runs: key n is `<tmpdir>/<CLIENT_KEY_POOL_NAME>/<n>.pem`, made the first time
 * some stand-in needs an n-th key. Change the name when the keys must change: the old pool is then
 * simply no longer read.
 */
export const CLIENT_KEY_POOL_NAME = 'ssl-vpn-stand-in-keys-rsa2048-pkcs8-v1'
const CLIENT_KEY_BITS = 2048

/** @type {Array<Promise<string> | undefined>} key n (PKCS#8 PEM), once asked for */
const clientKeyPool = []
/** @type {Promise<string | undefined> | undefined} the pool's directory, or undefined: no disk cache */
let clientKeyPoolDir

/**
 * Fills the pool up to `count` keys ahead of need (e.g. before timing something that describes
 * many certificates), generating at most four at a time off the main thread.
 * @param {number} count
 */
export async function prepareClientKeys(count) {
  for (let next = 0; next < count;) {
    const batch = []
    for (; next < count && batch.length < 4; next++) batch.push(clientKeyAt(next))
    await Promise.all(batch)
  }
}

/**
 * Key n of the pool: from memory, else from disk, else generated (and saved for the next run).
 * @param {number} index
 * @returns {Promise<string>}
 */
function clientKeyAt(index) {
  let key = clientKeyPool[index]
  if (!key) {
    key = loadOrGenerateClientKey(index)
    clientKeyPool[index] = key
    key.catch(() => (clientKeyPool[index] = undefined))
  }
  return key
}

/** @param {number} index */
async function loadOrGenerateClientKey(index) {
  const dir = await (clientKeyPoolDir ??= openClientKeyPoolDir())
  const file = dir && join(dir, `${index}.pem`)
  if (file) {
    const saved = await readFile(file, 'utf8').catch(() => '')
    if (isClientPoolKey(saved)) return saved
  }
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: CLIENT_KEY_BITS })
  const pem = /** @type {string} */ (privateKey.export({ type: 'pkcs8', format: 'pem' }))
  if (file) {
    // Written aside and renamed, so that another process reading the pool (parallel test workers)
    // sees either no file or a whole key. A pool that cannot be written only costs time.
    const aside = `${file}.${process.pid}.${randomLowerAlnum(8)}`
    await writeFile(aside, pem, { mode: 0o600 })
      .then(() => rename(aside, file))
      .catch(() => rm(aside, { force: true }))
  }
  return pem
}

/**
 * The pool's directory, private to this user: created with mode 0700, and not used at all when it
 * already exists with other permissions or another owner (the system's temp dir is shared).
 * @returns {Promise<string | undefined>}
 */
async function openClientKeyPoolDir() {
  const dir = join(tmpdir(), CLIENT_KEY_POOL_NAME)
  try {
    await mkdir(dir, { mode: 0o700, recursive: true })
    const info = await stat(dir)
    const ownedByUs = typeof process.getuid !== 'function' || info.uid === process.getuid()
    return info.isDirectory() && ownedByUs && (info.mode & 0o077) === 0 ? dir : undefined
  } catch {
    return undefined
  }
}

/** Whether `pem` is a whole, unencrypted RSA key of the pool's size (a saved file may be cut short). */
function isClientPoolKey(/** @type {string} */ pem) {
  if (!pem.startsWith('-----BEGIN PRIVATE KEY-----')) return false
  try {
    const key = createPrivateKey(pem)
    return (
      key.asymmetricKeyType === 'rsa' && key.asymmetricKeyDetails?.modulusLength === CLIENT_KEY_BITS
    )
  } catch {
    return false
  }
}

/**
 * Run the openssl CLI with `input` on stdin; resolve with its stdout.
 * @param {string[]} args
 * @param {string} [input]
 * @returns {Promise<string>}
 */
function openssl(args, input = '') {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout)
      const notInstalled = /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT'
      reject(
        new Error(
          notInstalled
            ? 'the stand-in needs the openssl CLI on PATH to issue client certificates'
            : `openssl ${args[0]} failed: ${stderr.trim() || error.message}`
        )
      )
    })
    // If openssl exits before reading stdin, the write fails with EPIPE; the exit status says why.
    child.stdin?.on('error', () => {})
    child.stdin?.end(input)
  })
}

/** A positive 128-bit serial number, as `-set_serial` takes it. */
function randomSerial() {
  const bytes = randomBytes(16)
  bytes[0] = /** @type {number} */ (bytes[0]) & 0x7f
  return `0x${bytes.toString('hex')}`
}

/**
 * `-subj` treats `/`, `+`, `=` and `\` as syntax. Names allowed by isValidName contain none, but
 * escaping keeps a future looser name rule from producing a wrong subject.
 * @param {string} value
 */
function escapeSubjectValue(value) {
  return value.replace(/[\\/+=]/g, c => `\\${c}`)
}

/**
 * An OpenVPN client config shaped like the real one: it names the files a user saves next to it
 * (`ca.crt`, `<id>.crt`, `<id>.key`) rather than embedding the PEM.
 * @param {string} certificateId
 */
export function clientConfig(certificateId) {
  return [
    'client',
    'dev tun',
    'proto udp',
    `remote ${SSL_VPN_REMOTE}`,
    'resolv-retry infinite',
    'nobind',
    'persist-key',
    'persist-tun',
    'ca ca.crt',
    `cert ${certificateId}.crt`,
    `key ${certificateId}.key`,
    'keepalive 10 60',
    'verb 3'
  ].join('\n') // no final newline, like the reference page's sample
}

// ---------------------------------------------------------------------------------------------
// DescribeSslVpnClientCerts
// ---------------------------------------------------------------------------------------------

/**
 * A page of certificates in one region, optionally filtered (exact matches), oldest first: new
 * certificates then land on the last page, so earlier pages stay stable while a client walks them.
 * @param {State} state
 * @param {RequestContext} ctx
 */
function describeSslVpnClientCerts(state, ctx) {
  const p = ctx.params
  if (!p.RegionId) throw missingParameter('RegionId')
  const pageNumber = pageParameter(p, 'PageNumber', 1, Number.MAX_SAFE_INTEGER)
  const pageSize = pageParameter(p, 'PageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)

  const matching = state.certificates
    .filter(
      c =>
        isListed(state, c) &&
        c.regionId === p.RegionId &&
        (!p.SslVpnServerId || c.sslVpnServerId === p.SslVpnServerId) &&
        (!p.Name || c.name === p.Name) &&
        (!p.SslVpnClientCertId || c.id === p.SslVpnClientCertId)
    )
    .sort((a, b) => a.createdAt - b.createdAt) // stable: same-millisecond ones keep their order
  const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize)

  return {
    outcome: 'listed',
    fields: {
      TotalCount: matching.length,
      PageNumber: pageNumber,
      PageSize: pageSize,
      SslVpnClientCertKeys: { SslVpnClientCertKey: page.map(c => certificateKey(state, c)) }
    }
  }
}

/**
 * A list entry: the certificate without its PEM material and config.
 * @param {State} state
 * @param {Certificate} certificate
 */
function certificateKey(state, certificate) {
  return {
    SslVpnClientCertId: certificate.id,
    Name: certificate.name,
    SslVpnServerId: certificate.sslVpnServerId,
    RegionId: certificate.regionId,
    Status: certificateStatus(state, certificate),
    CreateTime: certificate.createdAt,
    EndTime: certificate.endTime,
    ResourceGroupId: certificate.resourceGroupId
  }
}

/**
 * An optional integer parameter from 1 to max; absent or empty means the default.
 * @param {Record<string, string>} params
 * @param {string} name
 * @param {number} fallback
 * @param {number} max
 */
function pageParameter(params, name, fallback, max) {
  const raw = params[name]
  if (raw === undefined || raw === '') return fallback
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!(value >= 1 && value <= max)) {
    throw new ApiError('InvalidParameter', {
      message: `The specified parameter "${name}" is not valid.`
    })
  }
  return value
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

/**
 * Accept one more key pair from now on (e.g. STS keys issued during a test). A key with the same
 * AccessKeyId is replaced, as a refreshed STS token would be.
 * @param {State} state
 * @param {Credential} credential
 * @returns {Credential}  the stored copy
 */
function addCredential(state, credential) {
  if (!credential.accessKeyId || !credential.accessKeySecret) {
    throw new TypeError('addCredential: accessKeyId and accessKeySecret are required')
  }
  const copy = { ...credential }
  const index = state.credentials.findIndex(c => c.accessKeyId === credential.accessKeyId)
  if (index >= 0) state.credentials[index] = copy
  else state.credentials.push(copy)
  return copy
}

/**
 * A random STS-shaped key (`STS.` AccessKeyId, secret, `CAIS…` security token), for addCredential.
 * @param {{ accessKeyId?: string, accessKeySecret?: string, securityToken?: string }} [overrides]
 * @returns {Credential & { securityToken: string }}
 */
export function newStsCredential(overrides = {}) {
  return {
    accessKeyId: `STS.NT${randomAlnum(26)}`,
    accessKeySecret: randomAlnum(44),
    securityToken: `CAIS${randomBytes(240).toString('base64')}`,
    ...overrides
  }
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

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
function jsonReply(status, payload, headers, outcome) {
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
function errorReply(error, regionId) {
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
 * Replies for faults that answer without looking at the request.
 * @param {Fault} fault
 * @param {Record<string, string>} query
 * @returns {Reply}
 */
function cannedFaultReply(fault, query) {
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

/**
 * @param {number} status
 * @param {string} body
 * @param {string} outcome
 * @returns {Reply}
 */
function htmlReply(status, body, outcome) {
  return { status, headers: { 'content-type': 'text/html' }, body, outcome, requestId: null }
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
function send(state, res, call, reply) {
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
function sendTrickled(state, res, call, reply, chunkDelayMs, chunkBytes) {
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
function answerUnexpectedError(res, error) {
  if (res.destroyed || res.headersSent) return
  res.writeHead(500, { 'content-type': 'text/plain' })
  res.end(`stand-in bug: ${error instanceof Error ? error.stack : String(error)}`)
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** @param {State} state */
function serverNow(state) {
  return Date.now() + state.clockSkewMs
}

/**
 * A timer that close() cancels, so nothing keeps the process alive after the stand-in closed.
 * @param {State} state
 * @param {() => void} fn
 * @param {number} ms
 */
function schedule(state, fn, ms) {
  if (state.closed) return
  const timer = setTimeout(() => {
    state.timers.delete(timer)
    fn()
  }, ms)
  state.timers.add(timer)
}

/**
 * Resolves after ms, or never if the stand-in closes first (the socket is gone by then anyway).
 * @param {State} state
 * @param {number} ms
 * @returns {Promise<void>}
 */
function sleep(state, ms) {
  return new Promise(resolve => schedule(state, resolve, ms))
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

/** @param {string} name */
function missingParameter(name) {
  return new ApiError('MissingParameter', {
    message: `The input parameter "${name}" that is mandatory for processing this request is not supplied.`
  })
}

/** @param {string | string[] | undefined} value */
function headerValue(value) {
  return Array.isArray(value) ? value.join(',') : value
}

/** RFC 3986 as Alibaba signs: only A-Z a-z 0-9 - _ . ~ stay literal. @param {string} value */
function percentEncode(value) {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/** Constant-time comparison of two signatures. @param {string} a @param {string} b */
function safeEqual(a, b) {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function newRequestId() {
  return randomUUID().toUpperCase()
}

/** @param {number} length */
function randomLowerAlnum(length) {
  return randomFrom('abcdefghijklmnopqrstuvwxyz0123456789', length)
}

/** @param {number} length */
function randomAlnum(length) {
  return randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', length)
}

/** @param {string} alphabet @param {number} length */
function randomFrom(alphabet, length) {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)]
  return out
}

// ---------------------------------------------------------------------------------------------
// Keyless credentials: the runner's OIDC token service and STS AssumeRoleWithOIDC
// ---------------------------------------------------------------------------------------------

/** Where the stand-in's token service answers (ACTIONS_ID_TOKEN_REQUEST_URL points here). */
const OIDC_TOKEN_PATH = '/_oidc/token'
const STS_API_VERSION = '2015-04-01'
/** Actions that carry no signature: STS checks the OIDC token instead. */
const ANONYMOUS_ACTIONS = new Set(['AssumeRoleWithOIDC'])
const ROLE_SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/

export const DEFAULT_OIDC = Object.freeze({
  roleArn: 'acs:ram::1234567890123456:role/github-ssl-vpn-onboarding',
  oidcProviderArn: 'acs:ram::1234567890123456:oidc-provider/github-actions',
  audience: 'sts.aliyuncs.com'
})

/**
 * @param {NonNullable<StandInOptions['oidc']>} options
 * @returns {OidcState}
 */
function oidcState(options) {
  return {
    roleArn: options.roleArn ?? DEFAULT_OIDC.roleArn,
    oidcProviderArn: options.oidcProviderArn ?? DEFAULT_OIDC.oidcProviderArn,
    audience: options.audience ?? DEFAULT_OIDC.audience,
    requestToken: options.requestToken ?? `runner-${randomAlnum(32)}`,
    maxSessionDurationSeconds: options.maxSessionDurationSeconds ?? 3600,
    tokenLifetimeMs: options.tokenLifetimeMs ?? 5 * 60_000,
    signingKey: randomBytes(32),
    issued: [],
    tokenRequests: []
  }
}

/** @param {Buffer | string} data */
function base64url(data) {
  return Buffer.from(data).toString('base64url')
}

/**
 * GitHub's token service, as `core.getIDToken` calls it: GET the request URL plus `&audience=`,
 * with `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>`, answered `{ "value": <JWT> }`.
 * The JWT is signed with the stand-in's own HMAC key, which its STS then checks.
 * @param {State} state
 * @param {OidcState} oidc
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 */
function answerOidcTokenRequest(state, oidc, req, res, url) {
  const audience = url.searchParams.get('audience')
  const authorized = req.headers.authorization === `Bearer ${oidc.requestToken}`
  oidc.tokenRequests.push({ audience, authorized })
  if (!authorized) {
    res.writeHead(401, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ message: 'Bad credentials' }))
    return
  }
  const now = serverNow(state)
  const expiresAt = now + oidc.tokenLifetimeMs
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'stand-in' }))
  const payload = base64url(
    JSON.stringify({
      iss: 'https://token.actions.githubusercontent.com',
      aud: audience ?? 'https://github.com/stand-in',
      sub: 'repo:acme/onboarding:ref:refs/heads/main',
      repository: 'acme/onboarding',
      iat: Math.floor(now / 1000),
      exp: Math.floor(expiresAt / 1000),
      jti: randomAlnum(16)
    })
  )
  const signature = createHmac('sha256', oidc.signingKey).update(`${header}.${payload}`).digest()
  const token = `${header}.${payload}.${base64url(signature)}`
  oidc.issued.push({ audience: audience ?? '', token, expiresAt })
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ count: 1, value: token }))
}

/**
 * STS AssumeRoleWithOIDC (2015-04-01), anonymous: checks the token (signature, expiry, audience),
 * the provider and role ARNs, the session name and duration; issues STS keys that the VPC side
 * accepts from then on, only together with their security token.
 * @param {State} state
 * @param {RequestContext} ctx
 * @returns {HandlerResult}
 */
function assumeRoleWithOidc(state, ctx) {
  const oidc = state.oidc
  if (!oidc) throw new ApiError('InvalidAction.NotFound')
  const p = ctx.params
  // Version is a common parameter, so it is in the query, not among the operation's parameters.
  if (ctx.query.Version !== STS_API_VERSION) {
    throw new ApiError('InvalidVersion', {
      httpStatus: 400,
      message: `Specified parameter Version is not valid: ${ctx.query.Version}.`
    })
  }
  for (const name of ['RoleArn', 'OIDCProviderArn', 'OIDCToken', 'RoleSessionName']) {
    if (!p[name]) throw missingParameter(name)
  }
  const unauthorized = (/** @type {string} */ code, /** @type {string} */ message) =>
    new ApiError(code, { httpStatus: 401, message })
  const token = oidc.issued.find(t => t.token === p.OIDCToken)
  const [header, payload, signature] = (p.OIDCToken ?? '').split('.')
  if (!header || !payload || !signature) {
    throw unauthorized(
      'AuthenticationFail.OIDCToken.Invalid',
      "The number of Jwt field should be divided into 3 parts with '.' ."
    )
  }
  const expected = createHmac('sha256', oidc.signingKey).update(`${header}.${payload}`).digest()
  if (!token || base64url(expected) !== signature) {
    throw unauthorized(
      'AuthenticationFail.OIDCToken.InvalidSignature',
      'OIDC token validate failed: invalid signature.'
    )
  }
  if (serverNow(state) >= token.expiresAt) {
    throw unauthorized('AuthenticationFail.OIDCToken.Expired', 'This JsonWebToken is expired.')
  }
  if (token.audience !== oidc.audience) {
    throw unauthorized('AuthenticationFail.OIDCToken.AudienceNotMatch', 'Invalid audience.')
  }
  if (p.OIDCProviderArn !== oidc.oidcProviderArn) {
    throw unauthorized('AuthenticationFail.NoPermission', 'No such OIDC Provider registered.')
  }
  if (p.RoleArn !== oidc.roleArn) {
    throw new ApiError('EntityNotExist.Role', {
      httpStatus: 404,
      message: 'The specified Role not exists.'
    })
  }
  if (!ROLE_SESSION_NAME.test(p.RoleSessionName ?? '')) {
    throw new ApiError('InvalidParameter.RoleSessionName', {
      httpStatus: 400,
      message: 'The parameter RoleSessionName is wrongly formed.'
    })
  }
  const duration = Number(p.DurationSeconds ?? '3600')
  if (!Number.isInteger(duration) || duration < 900 || duration > oidc.maxSessionDurationSeconds) {
    throw new ApiError('InvalidParameter.DurationSeconds', {
      httpStatus: 400,
      message: `The Min/Max value of DurationSeconds is 15min/${oidc.maxSessionDurationSeconds / 60}min.`
    })
  }
  const credential = addCredential(state, newStsCredential())
  const roleName = oidc.roleArn.split('/').pop()
  return {
    outcome: 'assumed',
    fields: {
      AssumedRoleUser: {
        Arn: `${oidc.roleArn.replace(':role/', ':assumed-role/')}/${p.RoleSessionName}`,
        AssumedRoleId: `34458433936495****:${roleName}`
      },
      Credentials: {
        AccessKeyId: credential.accessKeyId,
        AccessKeySecret: credential.accessKeySecret,
        SecurityToken: credential.securityToken,
        Expiration: new Date(serverNow(state) + duration * 1000)
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z')
      },
      SourceIdentity: ''
    }
  }
}
