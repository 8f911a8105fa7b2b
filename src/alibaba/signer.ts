/**
 * Request signing for Alibaba Cloud RPC APIs, as pure functions named after the spec's steps.
 *
 * - V3 `ACS3-HMAC-SHA256`: "Request syntax and signature method V3" (canonical request → string to
 *   sign → hex HMAC-SHA256 keyed with the bare secret, sent in `Authorization`).
 * - V1 `HMAC-SHA1`: "Request signatures" for RPC APIs (canonicalized query → string to sign with the
 *   canonical string encoded a second time → base64 HMAC-SHA1 keyed with `secret + '&'`).
 *
 * Nothing here reads a clock or a random source: `date` and `nonce` are parameters, so the official
 * test vectors are plain fixture tables (`__tests__/signer.test.ts`). The caller signs every attempt
 * afresh and sends exactly the query string returned here.
 */
import { createHash, createHmac } from 'node:crypto'

export type SignatureVersion = 'v3' | 'v1'

export interface Credentials {
  accessKeyId: string
  accessKeySecret: string
  /** Present for STS (temporary) keys. */
  securityToken?: string
}

/** One RPC call before signing. */
export interface RpcRequest {
  /** `host` or `host:port`, exactly as the HTTP `Host` header will carry it. */
  host: string
  action: string
  /** API version, e.g. `2016-04-28` for VPC. */
  version: string
  /** The operation's own parameters (RegionId, …), unencoded. */
  params: Readonly<Record<string, string>>
}

/** What goes on the wire: `POST /?<queryString>` with these headers and body (default empty). */
export interface SignedRequest {
  method: 'POST'
  queryString: string
  headers: Record<string, string>
  body?: string
}

/** The per-attempt inputs that must change on every attempt. */
export interface SigningContext {
  date: Date
  nonce: string
}

const V3_ALGORITHM = 'ACS3-HMAC-SHA256'
/** hex(sha256('')): every call here has an empty body. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/**
 * RFC 3986 percent-encoding over UTF-8: only `A-Z a-z 0-9 - _ . ~` stay literal, space is `%20`,
 * hex is uppercase. `encodeURIComponent` leaves `! ' ( ) *` literal, so those are added.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/** `YYYY-MM-DDTHH:mm:ssZ` in UTC without milliseconds, the form both versions require. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * Parameters sorted by name in plain code-unit order, each `encode(name)=encode(value)`, joined by
 * `&`. The same string is the V3 CanonicalQueryString, the V1 canonicalized query, and (for V3)
 * the query string sent.
 */
export function canonicalQueryString(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort()
    .map(name => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&')
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex')
}

// ---------------------------------------------------------------------------------------------
// V3

/**
 * CanonicalHeaders and SignedHeaders: `host`, `content-type` and every `x-acs-*` header, names
 * lowercased and sorted, values trimmed.
 */
function canonicalHeaders(headers: Readonly<Record<string, string>>): {
  canonical: string
  signedHeaders: string
} {
  const signed = Object.keys(headers)
    .map(name => [name.toLowerCase(), headers[name]?.trim() ?? ''] as const)
    .filter(([name]) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return {
    canonical: signed.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders: signed.map(([name]) => name).join(';')
  }
}

/** CanonicalRequest = METHOD \n / \n query \n headers \n signed headers \n hex(sha256(body)). */
export function canonicalRequestV3(
  method: string,
  query: string,
  headers: Readonly<Record<string, string>>,
  bodySha256: string
): { canonicalRequest: string; signedHeaders: string } {
  const { canonical, signedHeaders } = canonicalHeaders(headers)
  return {
    canonicalRequest: [method, '/', query, canonical, signedHeaders, bodySha256].join('\n'),
    signedHeaders
  }
}

/** StringToSign = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest)). */
function stringToSignV3(canonicalRequest: string): string {
  return `${V3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`
}

/** Signature = hex(HMAC-SHA256(secret, StringToSign)); the key is the bare secret. */
function signatureV3(accessKeySecret: string, stringToSign: string): string {
  return createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex')
}

/** Signs `request` with V3: the operation parameters travel in the query, the rest in headers. */
export function signV3(
  request: RpcRequest,
  credentials: Credentials,
  context: SigningContext
): SignedRequest {
  const headers: Record<string, string> = {
    host: request.host,
    'x-acs-action': request.action,
    'x-acs-version': request.version,
    'x-acs-date': formatTimestamp(context.date),
    'x-acs-signature-nonce': context.nonce,
    'x-acs-content-sha256': EMPTY_BODY_SHA256
  }
  if (credentials.securityToken !== undefined) {
    headers['x-acs-security-token'] = credentials.securityToken
  }
  const queryString = canonicalQueryString(request.params)
  const { canonicalRequest, signedHeaders } = canonicalRequestV3(
    'POST',
    queryString,
    headers,
    EMPTY_BODY_SHA256
  )
  const signature = signatureV3(credentials.accessKeySecret, stringToSignV3(canonicalRequest))
  headers['authorization'] =
    `${V3_ALGORITHM} Credential=${credentials.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`
  return { method: 'POST', queryString, headers }
}

// ---------------------------------------------------------------------------------------------
// V1

/** StringToSign = METHOD & %2F & percentEncode(canonicalized query): the query is encoded twice. */
export function stringToSignV1(method: string, params: Readonly<Record<string, string>>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQueryString(params))}`
}

/** Signature = base64(HMAC-SHA1(secret + '&', StringToSign)). */
export function signatureV1(accessKeySecret: string, stringToSign: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64')
}

/** Signs `request` with V1: common and operation parameters, and the signature, all in the query. */
export function signV1(
  request: RpcRequest,
  credentials: Credentials,
  context: SigningContext
): SignedRequest {
  const params: Record<string, string> = {
    ...request.params,
    Action: request.action,
    Version: request.version,
    Format: 'JSON',
    AccessKeyId: credentials.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: context.nonce,
    Timestamp: formatTimestamp(context.date)
  }
  if (credentials.securityToken !== undefined) {
    params['SecurityToken'] = credentials.securityToken
  }
  const signature = signatureV1(credentials.accessKeySecret, stringToSignV1('POST', params))
  return {
    method: 'POST',
    queryString: `${canonicalQueryString(params)}&Signature=${percentEncode(signature)}`,
    headers: { host: request.host }
  }
}

/** Signs with the chosen version. */
export function signRequest(
  version: SignatureVersion,
  request: RpcRequest,
  credentials: Credentials,
  context: SigningContext
): SignedRequest {
  return version === 'v3'
    ? signV3(request, credentials, context)
    : signV1(request, credentials, context)
}
