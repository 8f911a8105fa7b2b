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
 * disconnects every client of the SSL server, counted). With `oidc`, also the runner's OIDC token
 * service and STS AssumeRoleWithOIDC.
 *
 * Plain JavaScript ESM with JSDoc types, runnable by `node` 20 without a loader. The public API is
 * declared in ../stand-in.d.mts and imported as ../stand-in.mjs; `npm run build` checks this
 * folder against it. This module starts the server and holds the public API; one module per
 * concern does the rest:
 *
 *   request-flow.mjs    the path of a request: record → fault → body → auth → handler → reply
 *   authentication.mjs  V3/V1 signatures, timestamps, nonces, STS tokens
 *   create.mjs, delete.mjs, describe.mjs, list.mjs   one per VPC action
 *   oidc-sts.mjs        the runner's OIDC token service and STS AssumeRoleWithOIDC
 *   certificates.mjs    the certificate store: names, ClientTokens, listing, status
 *   client-keys.mjs     the RSA key pool and client certificate signing (openssl)
 *   credentials.mjs     accepted key pairs, STS-shaped keys
 *   faults.mjs          the scripted fault queue and its canned answers
 *   replies.mjs         JSON, error and HTML answers on the wire
 *   api-errors.mjs      ApiError and the known codes' statuses and messages
 *   state.mjs           what a stand-in remembers, its clock and timers
 *   helpers.mjs         small pure helpers
 *
 * Usage:
 *   const standIn = await startStandIn({ busyCalls: 2 })
 *   // … point a client at standIn.url, trusting tls/ca.pem …
 *   await standIn.close()
 */
import { readFileSync } from 'node:fs'
import https from 'node:https'
import { fileURLToPath } from 'node:url'
import { addExistingCertificates, isListed } from './certificates.mjs'
import { addCredential, DEFAULT_CREDENTIALS } from './credentials.mjs'
import { OIDC_TOKEN_PATH, oidcState } from './oidc-sts.mjs'
import { answerUnexpectedError } from './replies.mjs'
import { handleRequest } from './request-flow.mjs'
import { serverNow } from './state.mjs'

export { API_VERSION, EMPTY_BODY_SHA256 } from './authentication.mjs'
export { DEFAULT_RESOURCE_GROUP_ID, isAllowedExistingName, isValidName } from './certificates.mjs'
export { CLIENT_CA_CERT_PATH, CLIENT_KEY_POOL_NAME, prepareClientKeys } from './client-keys.mjs'
export { DEFAULT_CREDENTIALS, newStsCredential } from './credentials.mjs'
export { clientConfig } from './describe.mjs'
export { DEFAULT_OIDC } from './oidc-sts.mjs'

/** @typedef {import('../stand-in.d.mts').SslVpnServer} SslVpnServer */
/** @typedef {import('./state.mjs').State} State */

/**
 * Absolute path of the test-only CA that signed `server.pem` (for NODE_EXTRA_CA_CERTS).
 * @type {typeof import('../stand-in.d.mts').CA_CERT_PATH}
 */
export const CA_CERT_PATH = fileURLToPath(new URL('../tls/ca.pem', import.meta.url))

/**
 * The Status a certificate reports for `pendingStatusMs` after its creation (a stand-in choice).
 * @type {typeof import('../stand-in.d.mts').DEFAULT_PENDING_STATUS}
 */
export const DEFAULT_PENDING_STATUS = 'creating'

/**
 * The one SSL server a stand-in has unless started with `sslVpnServers`.
 * @type {typeof import('../stand-in.d.mts').DEFAULT_SSL_VPN_SERVERS}
 */
export const DEFAULT_SSL_VPN_SERVERS = Object.freeze([
  Object.freeze({ regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0001' })
])

/**
 * Start the stand-in on an HTTPS port and resolve once it listens.
 * @type {typeof import('../stand-in.d.mts').startStandIn}
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
    disconnections: {},
    listingFaults: { ...options.listingFaults }
  }
  addExistingCertificates(state, options.existingCertificates ?? [])

  const server = https.createServer(loadTlsMaterial(options.tls ?? 'trusted'), (req, res) => {
    handleRequest(state, req, res).catch(error => answerUnexpectedError(res, error))
  })

  // Remember every connection so close() can end hung and keep-alive ones at once.
  /** @type {Set<import('node:stream').Duplex>} */
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
    advanceClock(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advanceClock: ms must be >= 0')
      state.clockSkewMs += ms
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
    cert: readFileSync(new URL(`../tls/${base}.pem`, import.meta.url)),
    key: readFileSync(new URL(`../tls/${base}.key`, import.meta.url))
  }
}
