/**
 * The certificate store every operation shares: recording a certificate (at run time or from the
 * `existingCertificates` option), the name and ClientToken rules, and what the Describe actions
 * show (listed or not, status).
 */
import { ApiError } from './api-errors.mjs'
import { randomLowerAlnum } from './helpers.mjs'
import { serverNow } from './state.mjs'

/** @typedef {import('../stand-in.d.mts').Certificate} Certificate */
/** @typedef {import('../stand-in.d.mts').ExistingCertificate} ExistingCertificate */
/** @typedef {import('../stand-in.d.mts').SslVpnServer} SslVpnServer */
/** @typedef {import('./state.mjs').State} State */

/** Every certificate is in the default resource group of the stand-in's imaginary account. */
export const DEFAULT_RESOURCE_GROUP_ID = 'rg-acfmstandin0001'

/** Real certificates are valid for 3 years (the reference sample: EndTime − CreateTime = 1095 days). */
export const CERTIFICATE_VALIDITY_DAYS = 1095
const DAY_MS = 24 * 60 * 60 * 1000
/** The reference page: `expiring-soon` means the certificate expires within one week. */
const EXPIRING_SOON_MS = 7 * DAY_MS

/**
 * The reference page's rule: 2–128 characters of letters, digits, `.`, `_`, `-`, starting with a
 * letter, not starting with http:// or https:// (already impossible with that alphabet; kept
 * explicit so the rule reads like the page).
 * @type {typeof import('../stand-in.d.mts').isValidName}
 */
export function isValidName(name) {
  if (/^https?:\/\//.test(name)) return false
  return /^[A-Za-z][A-Za-z0-9._-]{1,127}$/.test(name)
}

/**
 * A name a certificate made before the action (in the console, by another tool, years ago) may
 * carry: the current API's rule for Create and Modify (1 to 100 characters, not starting with
 * http:// or https://), with the older certificates' longer names (up to 128) and any characters,
 * spaces and CJK ones included (alibaba-cloud-api.md §9).
 * @type {typeof import('../stand-in.d.mts').isAllowedExistingName}
 */
export function isAllowedExistingName(name) {
  return name.length >= 1 && name.length <= 128 && !/^https?:\/\//.test(name)
}

/**
 * Create and Delete take the same ClientToken: 1 to 64 printable ASCII characters.
 * @param {string} token
 */
export function checkClientTokenFormat(token) {
  if (token.length === 0 || token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) {
    throw new ApiError('InvalidClientToken.Malformed')
  }
}

/**
 * Busy state is kept per SSL server (the gateway applies one change at a time).
 * @param {{ regionId?: string | undefined, sslVpnServerId?: string | undefined }} s
 */
export function gatewayKey(s) {
  return `${s.regionId ?? ''}/${s.sslVpnServerId ?? ''}`
}

/**
 * Record a new certificate (its PEM material is only made on first Describe: describe.mjs).
 * @param {State} state
 * @param {{ name: string, server: SslVpnServer, clientToken: string | null, createdAt: number, pendingUntil: number }} init
 * @returns {Certificate}
 */
export function addCertificate(state, init) {
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
export function addExistingCertificates(state, existing) {
  const startedAt = serverNow(state)
  existing.forEach((entry, index) => {
    if (!isAllowedExistingName(entry.name)) {
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

/**
 * Whether the Describe actions still show a certificate: always, until `deleteVisibleForMs`
 * after its deletion was accepted.
 * @param {State} state
 * @param {Certificate} certificate
 */
export function isListed(state, certificate) {
  return (
    certificate.deletedAt === null ||
    serverNow(state) < certificate.deletedAt + state.deleteVisibleForMs
  )
}

/**
 * The documented statuses (`normal`, `expiring-soon`, `expired`), plus the stand-in's pending
 * status for `pendingStatusMs` after creation: the real service documents no such status, but
 * Terraform waits for `normal` after creating, so a client must cope with something else first.
 * @param {State} state
 * @param {Certificate} certificate
 */
export function certificateStatus(state, certificate) {
  const now = serverNow(state)
  if (now < certificate.pendingUntil) return state.pendingStatus
  if (now >= certificate.endTime) return 'expired'
  if (now >= certificate.endTime - EXPIRING_SOON_MS) return 'expiring-soon'
  return 'normal'
}
