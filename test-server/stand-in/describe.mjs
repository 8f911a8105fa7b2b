/**
 * DescribeSslVpnClientCert: one certificate with real PEM material (made on first Describe by
 * client-keys.mjs, then the same every time) and an OpenVPN ClientConfig shaped like the real one.
 */
import { ApiError, missingParameter } from './api-errors.mjs'
import { certificateStatus, isListed } from './certificates.mjs'
import { generateMaterial } from './client-keys.mjs'

/** @typedef {import('../stand-in.d.mts').Certificate} Certificate */
/** @typedef {import('./client-keys.mjs').CertificateMaterial} CertificateMaterial */
/** @typedef {import('./request-flow.mjs').RequestContext} RequestContext */
/** @typedef {import('./state.mjs').State} State */

/** The SSL-VPN server's public address in ClientConfig: a documentation address (RFC 5737). */
const SSL_VPN_REMOTE = '198.51.100.7 1194'

/**
 * One certificate with its PEM material and OpenVPN config. Never busy: only Create is.
 * @param {State} state
 * @param {RequestContext} ctx
 * @returns {Promise<import('./request-flow.mjs').HandlerResult>}
 */
export async function describeSslVpnClientCert(state, ctx) {
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
    material = generateMaterial(certificate.name, state.clientKeysUsed++, state.clientKeyFormat)
    state.materials.set(certificate.id, material)
    // A failure (no openssl?) is not cached: the next Describe tries again.
    material.catch(() => state.materials.delete(certificate.id))
  }
  return material
}

/**
 * An OpenVPN client config shaped like the real one: it names the files a user saves next to it
 * (`ca.crt`, `<id>.crt`, `<id>.key`) rather than embedding the PEM.
 * @type {typeof import('../stand-in.d.mts').clientConfig}
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
