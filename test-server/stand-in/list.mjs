/**
 * DescribeSslVpnClientCerts: a page of certificates in one region, filtered by exact matches,
 * oldest first, without their PEM material.
 */
import { ApiError, missingParameter } from './api-errors.mjs'
import { certificateStatus, isListed } from './certificates.mjs'

/** @typedef {import('../stand-in.d.mts').Certificate} Certificate */
/** @typedef {import('./request-flow.mjs').RequestContext} RequestContext */
/** @typedef {import('./state.mjs').State} State */

/** DescribeSslVpnClientCerts paging, from its reference page. */
const DEFAULT_PAGE_SIZE = 10
const MAX_PAGE_SIZE = 50

/**
 * A page of certificates in one region, optionally filtered (exact matches), oldest first: new
 * certificates then land on the last page, so earlier pages stay stable while a client walks them.
 * The `listingFaults` option makes it misbehave: ignore PageNumber, undercount TotalCount, ignore
 * the SslVpnServerId filter.
 * @param {State} state
 * @param {RequestContext} ctx
 * @returns {import('./request-flow.mjs').HandlerResult}
 */
export function describeSslVpnClientCerts(state, ctx) {
  const p = ctx.params
  if (!p.RegionId) throw missingParameter('RegionId')
  const pageNumber = pageParameter(p, 'PageNumber', 1, Number.MAX_SAFE_INTEGER)
  const pageSize = pageParameter(p, 'PageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)

  const { ignorePageNumber, undercountTotal = 0, ignoreServerFilter } = state.listingFaults
  const matching = state.certificates
    .filter(
      c =>
        isListed(state, c) &&
        c.regionId === p.RegionId &&
        (!p.SslVpnServerId || ignoreServerFilter || c.sslVpnServerId === p.SslVpnServerId) &&
        (!p.Name || c.name === p.Name) &&
        (!p.SslVpnClientCertId || c.id === p.SslVpnClientCertId)
    )
    .sort((a, b) => a.createdAt - b.createdAt) // stable: same-millisecond ones keep their order
  // listingFaults: a listing that misbehaves, for clients that must not believe it.
  const served = ignorePageNumber ? 1 : pageNumber
  const page = matching.slice((served - 1) * pageSize, served * pageSize)

  return {
    outcome: 'listed',
    fields: {
      TotalCount: Math.max(0, matching.length - undercountTotal),
      PageNumber: ignorePageNumber === 'echo-served' ? served : pageNumber,
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
