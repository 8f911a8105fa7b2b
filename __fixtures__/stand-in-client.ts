/**
 * A tiny signed client for the stand-in's own tests (__tests__/stand-in/): V3 and V1 requests
 * signed here with the official @alicloud/openapi-util, never with the action's code, so a signing
 * bug in the action cannot hide behind the same bug in the client that tests the stand-in. Its
 * HTTPS agent trusts the stand-in's test CA and is closed after the test file (`afterAll`).
 */
import { readFileSync } from 'node:fs'
import { createHash, randomUUID } from 'node:crypto'
import { afterAll, expect } from '@jest/globals'
import { Agent, request } from 'undici'
import openapiUtilModule from '@alicloud/openapi-util'
import { CA_CERT_PATH, type Credential, type StandIn } from '../test-server/stand-in.mjs'
import { DEFAULT_KEY } from './stand-in.js'

export const Util = openapiUtilModule.default
type TeaRequest = Parameters<typeof Util.getAuthorization>[0]

export const STS_KEY: Credential = {
  accessKeyId: 'STS.StandInTempKey0001',
  accessKeySecret: 'TempSecret/with+odd=chars',
  securityToken: 'CAIS+token/with=padding&more'
}
export const SERVER = { RegionId: 'cn-hangzhou', SslVpnServerId: 'vss-standin0001' }
export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex')

const agent = new Agent({ connect: { ca: readFileSync(CA_CERT_PATH) } })

afterAll(async () => {
  await agent.close()
})

export interface CallOptions {
  action?: string
  params?: Record<string, string>
  key?: Credential
  /** Sign with this secret instead of the key's own (a bad signature). */
  signingSecret?: string
  signature?: 'v1' | 'v3'
  nonce?: string
  date?: Date
  /** Leave the STS token out of the request even if the key has one. */
  omitToken?: boolean
  /** Override the token sent. */
  token?: string
  headersTimeout?: number
}

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: Record<string, unknown> | undefined
}

export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

export function queryString(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map(k => `${rfc3986(k)}=${rfc3986(params[k] ?? '')}`)
    .join('&')
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function tokenFor(o: CallOptions, key: Credential): string | undefined {
  if (o.omitToken) return undefined
  return o.token ?? key.securityToken
}

export function signV3(
  s: StandIn,
  o: CallOptions
): { path: string; headers: Record<string, string> } {
  const key = o.key ?? DEFAULT_KEY
  const query = o.params ?? { ...SERVER }
  const headers: Record<string, string> = {
    host: s.endpoint,
    'x-acs-action': o.action ?? 'CreateSslVpnClientCert',
    'x-acs-version': '2016-04-28',
    'x-acs-date': isoSeconds(o.date ?? new Date()),
    'x-acs-signature-nonce': o.nonce ?? randomUUID(),
    'x-acs-content-sha256': EMPTY_SHA256
  }
  const token = tokenFor(o, key)
  if (token !== undefined) headers['x-acs-security-token'] = token
  const authorization = Util.getAuthorization(
    { method: 'POST', pathname: '/', query, headers } as unknown as TeaRequest,
    'ACS3-HMAC-SHA256',
    EMPTY_SHA256,
    key.accessKeyId,
    o.signingSecret ?? key.accessKeySecret
  )
  // undici derives the Host header from the URL: do not send it twice.
  const sent: Record<string, string> = { ...headers, authorization }
  delete sent.host
  return { path: `/?${queryString(query)}`, headers: sent }
}

export function v1Params(o: CallOptions): Record<string, string> {
  const key = o.key ?? DEFAULT_KEY
  const params: Record<string, string> = {
    ...(o.params ?? SERVER),
    Action: o.action ?? 'CreateSslVpnClientCert',
    Version: '2016-04-28',
    Format: 'JSON',
    AccessKeyId: key.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: o.nonce ?? randomUUID(),
    Timestamp: isoSeconds(o.date ?? new Date())
  }
  const token = tokenFor(o, key)
  if (token !== undefined) params.SecurityToken = token
  return params
}

function signV1(o: CallOptions): { path: string; headers: Record<string, string> } {
  const key = o.key ?? DEFAULT_KEY
  const params = v1Params(o)
  params.Signature = Util.getRPCSignature(params, 'POST', o.signingSecret ?? key.accessKeySecret)
  return { path: `/?${queryString(params)}`, headers: {} }
}

export async function send(
  s: StandIn,
  path: string,
  headers: Record<string, string>,
  headersTimeout?: number
): Promise<Answer> {
  const res = await request(`${s.url}${path}`, {
    method: 'POST',
    headers,
    dispatcher: agent,
    ...(headersTimeout !== undefined ? { headersTimeout } : {})
  })
  const text = await res.body.text()
  let json: Record<string, unknown> | undefined
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    json = undefined
  }
  return { status: res.statusCode, headers: res.headers, text, json }
}

export async function call(s: StandIn, o: CallOptions = {}): Promise<Answer> {
  const { path, headers } = o.signature === 'v1' ? signV1(o) : signV3(s, o)
  return send(s, path, headers, o.headersTimeout)
}

export function create(s: StandIn, extra: Record<string, string> = {}, o: CallOptions = {}) {
  return call(s, { ...o, params: { ...SERVER, ...extra } })
}

export function expectError(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.json?.Code }).toEqual({ status, code })
  expect(answer.json).toEqual(
    expect.objectContaining({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      HostId: expect.stringMatching(/^vpc\..+\.aliyuncs\.com$/),
      Message: expect.any(String),
      Recommend: expect.stringMatching(/^https:\/\//)
    })
  )
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

// DescribeSslVpnClientCert(s) and DeleteSslVpnClientCert

export const DAY_MS = 24 * 60 * 60 * 1000
export const TWO_SERVERS = [
  { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0001' },
  { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0002' },
  { regionId: 'cn-beijing', sslVpnServerId: 'vss-standin0003' }
]

export function describeCert(
  s: StandIn,
  id: string,
  o: CallOptions = {},
  regionId = 'cn-hangzhou'
) {
  return call(s, {
    ...o,
    action: 'DescribeSslVpnClientCert',
    params: { RegionId: regionId, SslVpnClientCertId: id }
  })
}

export function listCerts(s: StandIn, params: Record<string, string> = {}, o: CallOptions = {}) {
  return call(s, {
    ...o,
    action: 'DescribeSslVpnClientCerts',
    params: { RegionId: 'cn-hangzhou', ...params }
  })
}

export interface CertKey {
  SslVpnClientCertId: string
  Name: string
  SslVpnServerId: string
  RegionId: string
  Status: string
  CreateTime: number
  EndTime: number
  ResourceGroupId: string
}

export interface CertList {
  TotalCount: number
  PageNumber: number
  PageSize: number
  SslVpnClientCertKeys: { SslVpnClientCertKey: CertKey[] }
}

export async function listOk(s: StandIn, params: Record<string, string> = {}): Promise<CertList> {
  const answer = await listCerts(s, params)
  expect(answer.status).toBe(200)
  return answer.json as unknown as CertList
}

export function keysOf(list: CertList): CertKey[] {
  return list.SslVpnClientCertKeys.SslVpnClientCertKey
}

export async function createdId(s: StandIn, extra: Record<string, string> = {}): Promise<string> {
  const answer = await create(s, extra)
  expect(answer.status).toBe(200)
  return String(answer.json?.SslVpnClientCertId)
}
