/**
 * CreateSslVpnClientCert: ClientToken idempotency, the scripted busy gateway (busyCalls, busyForMs,
 * busyAfterCreateMs), parameter validation, and the new certificate.
 */
import { ApiError, missingParameter } from './api-errors.mjs'
import { addCertificate, checkClientTokenFormat, gatewayKey, isValidName } from './certificates.mjs'
import { randomLowerAlnum } from './helpers.mjs'
import { serverNow } from './state.mjs'

/** @typedef {import('../stand-in.d.mts').SslVpnServer} SslVpnServer */
/** @typedef {import('./request-flow.mjs').RequestContext} RequestContext */
/** @typedef {import('./state.mjs').State} State */

/**
 * @typedef {object} CreateRequest
 * @property {string | undefined} regionId
 * @property {string | undefined} sslVpnServerId
 * @property {string | undefined} name
 */

/**
 * Order after authentication: ClientToken replay (answers even while busy) → busy gateway →
 * parameter validation → create.
 * @param {State} state
 * @param {RequestContext} ctx
 * @returns {import('./request-flow.mjs').HandlerResult}
 */
export function createSslVpnClientCert(state, ctx) {
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
    checkClientTokenFormat(token)
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

/** @param {CreateRequest} a @param {CreateRequest} b */
function sameCreateRequest(a, b) {
  return a.regionId === b.regionId && a.sslVpnServerId === b.sslVpnServerId && a.name === b.name
}
