/**
 * Authentication as the real gateway checks it: signature V3 (`ACS3-HMAC-SHA256`, headers) and V1
 * (`HMAC-SHA1`, query), verified with the official `@alicloud/openapi-util` and never with the
 * action's own signer; timestamps within 15 minutes of the (skewed) server clock; nonces used once
 * per key; an STS key only with its own security token.
 */
import { createHash } from 'node:crypto'
import openapiUtilModule from '@alicloud/openapi-util'
import { ApiError, missingParameter } from './api-errors.mjs'
import { headerValue, percentEncode, safeEqual } from './helpers.mjs'
import { serverNow } from './state.mjs'

/** @typedef {import('./request-flow.mjs').RequestContext} RequestContext */
/** @typedef {import('./state.mjs').State} State */

// The package is CommonJS compiled from TypeScript: the class sits on `.default`.
const Util = openapiUtilModule.default ?? openapiUtilModule
/** @typedef {Parameters<typeof Util.getAuthorization>[0]} TeaRequest  the SDK's Request class */

/**
 * The VPC API version every request must name.
 * @type {typeof import('../stand-in.d.mts').API_VERSION}
 */
export const API_VERSION = '2016-04-28'

/**
 * hex(sha256('')): the x-acs-content-sha256 of the official SDK's empty POST body.
 * @type {typeof import('../stand-in.d.mts').EMPTY_BODY_SHA256}
 */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** The real service rejects timestamps more than 15 minutes away from its clock. */
const MAX_CLOCK_DISTANCE_MS = 15 * 60 * 1000

/** Headers every V3 request must sign (x-acs-security-token too, when it is sent). */
const REQUIRED_V3_SIGNED_HEADERS = [
  'host',
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256'
]

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
export function authenticate(state, ctx) {
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
      // The SDK's Request class also has protocol, port and body, which signing does not read.
      const expected = Util.getAuthorization(
        /** @type {TeaRequest} */ (/** @type {unknown} */ (request)),
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
export function parseV3Authorization(header) {
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
