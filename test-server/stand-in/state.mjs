/**
 * Everything one stand-in remembers (built by startStandIn in index.mjs, passed to every module as
 * `state`), its clock, and its timers: every wait goes through `schedule`, so that close() can
 * cancel them all.
 */

/** @typedef {import('../stand-in.d.mts').CallRecord} CallRecord */
/** @typedef {import('../stand-in.d.mts').Certificate} Certificate */
/** @typedef {import('../stand-in.d.mts').Credential} Credential */
/** @typedef {import('../stand-in.d.mts').Fault} Fault */
/** @typedef {import('../stand-in.d.mts').SslVpnServer} SslVpnServer */
/** @typedef {import('./client-keys.mjs').CertificateMaterial} CertificateMaterial */
/** @typedef {import('./create.mjs').CreateRequest} CreateRequest */
/** @typedef {import('./delete.mjs').DeleteRequest} DeleteRequest */
/** @typedef {import('./oidc-sts.mjs').OidcState} OidcState */

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
 * @property {import('../stand-in.d.mts').ListingFaults} listingFaults  how DescribeSslVpnClientCerts misbehaves
 */

/** @param {State} state */
export function serverNow(state) {
  return Date.now() + state.clockSkewMs
}

/**
 * A timer that close() cancels, so nothing keeps the process alive after the stand-in closed.
 * @param {State} state
 * @param {() => void} fn
 * @param {number} ms
 */
export function schedule(state, fn, ms) {
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
export function sleep(state, ms) {
  return new Promise(resolve => schedule(state, resolve, ms))
}
