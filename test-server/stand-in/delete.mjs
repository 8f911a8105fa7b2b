/**
 * DeleteSslVpnClientCert: asynchronous as the real one (the certificate stays listed for a while,
 * the SSL server is busy meanwhile), idempotent with a ClientToken, and counted: every accepted
 * delete disconnects every client of the SSL server.
 */
import { ApiError, missingParameter } from './api-errors.mjs'
import { checkClientTokenFormat, gatewayKey } from './certificates.mjs'
import { serverNow } from './state.mjs'

/** @typedef {import('./request-flow.mjs').RequestContext} RequestContext */
/** @typedef {import('./state.mjs').State} State */

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
 * @returns {import('./request-flow.mjs').HandlerResult}
 */
export function deleteSslVpnClientCert(state, ctx) {
  const p = ctx.params
  /** @type {DeleteRequest} */
  const request = { regionId: p.RegionId || undefined, certId: p.SslVpnClientCertId || undefined }
  const now = serverNow(state)
  const token = p.ClientToken
  if (token !== undefined) {
    checkClientTokenFormat(token)
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
