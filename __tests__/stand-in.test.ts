/**
 * Tests of the local VPC API stand-in (test-server/stand-in.mjs) on its own: requests are signed
 * here with the official @alicloud/openapi-util, never with the action's code.
 */
import { readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash, createHmac, createPrivateKey, randomUUID, X509Certificate } from 'node:crypto'
import { Agent, request } from 'undici'
import openapiUtilModule from '@alicloud/openapi-util'
import {
  CA_CERT_PATH,
  CLIENT_CA_CERT_PATH,
  CLIENT_KEY_POOL_NAME,
  DEFAULT_CREDENTIALS,
  DEFAULT_RESOURCE_GROUP_ID,
  newStsCredential,
  prepareClientKeys,
  startStandIn,
  type Credential,
  type StandIn,
  type StandInOptions
} from '../test-server/stand-in.mjs'

const Util = openapiUtilModule.default
type TeaRequest = Parameters<typeof Util.getAuthorization>[0]

const DEFAULT_KEY = DEFAULT_CREDENTIALS[0] as Credential
const STS_KEY: Credential = {
  accessKeyId: 'STS.StandInTempKey0001',
  accessKeySecret: 'TempSecret/with+odd=chars',
  securityToken: 'CAIS+token/with=padding&more'
}
const SERVER = { RegionId: 'cn-hangzhou', SslVpnServerId: 'vss-standin0001' }
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex')

const agent = new Agent({ connect: { ca: readFileSync(CA_CERT_PATH) } })
const running: StandIn[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map(s => s.close()))
})

afterAll(async () => {
  await agent.close()
})

async function standIn(options: StandInOptions = {}): Promise<StandIn> {
  const s = await startStandIn(options)
  running.push(s)
  return s
}

// ------------------------------------------------------------------------------------------
// A tiny signed client (V3 and V1), built on the official library.
// ------------------------------------------------------------------------------------------

interface CallOptions {
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

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: Record<string, unknown> | undefined
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

function queryString(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map(k => `${rfc3986(k)}=${rfc3986(params[k] ?? '')}`)
    .join('&')
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function tokenFor(o: CallOptions, key: Credential): string | undefined {
  if (o.omitToken) return undefined
  return o.token ?? key.securityToken
}

function signV3(s: StandIn, o: CallOptions): { path: string; headers: Record<string, string> } {
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

function v1Params(o: CallOptions): Record<string, string> {
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

async function send(
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

async function call(s: StandIn, o: CallOptions = {}): Promise<Answer> {
  const { path, headers } = o.signature === 'v1' ? signV1(o) : signV3(s, o)
  return send(s, path, headers, o.headersTimeout)
}

function create(s: StandIn, extra: Record<string, string> = {}, o: CallOptions = {}) {
  return call(s, { ...o, params: { ...SERVER, ...extra } })
}

function expectError(answer: Answer, status: number, code: string): void {
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

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

// ------------------------------------------------------------------------------------------

describe('signatures and authentication', () => {
  test('V3 request creates a certificate', async () => {
    const s = await standIn()
    const answer = await create(s, { Name: 'Alice-laptop.1' })
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('application/json;charset=utf-8')
    expect(answer.json).toEqual({
      RequestId: expect.stringMatching(
        /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/
      ),
      SslVpnClientCertId: expect.stringMatching(/^vsc-[a-z0-9]{17}$/),
      Name: 'Alice-laptop.1'
    })
    expect(s.certificates).toEqual([
      expect.objectContaining({
        id: answer.json?.SslVpnClientCertId,
        name: 'Alice-laptop.1',
        regionId: 'cn-hangzhou',
        sslVpnServerId: 'vss-standin0001',
        clientToken: null
      })
    ])
    expect(s.calls).toEqual([
      expect.objectContaining({
        action: 'CreateSslVpnClientCert',
        signatureVersion: 'v3',
        accessKeyId: DEFAULT_KEY.accessKeyId,
        params: { ...SERVER, Name: 'Alice-laptop.1' },
        outcome: 'created',
        httpStatus: 200
      })
    ])
  })

  test('V1 request creates a certificate with a generated default name', async () => {
    const s = await standIn()
    const answer = await call(s, { signature: 'v1', params: { ...SERVER, ClientToken: 'tok-v1' } })
    expect(answer.status).toBe(200)
    expect(answer.json?.Name).toMatch(/^SslVpnClientCert-[a-z0-9]+$/)
    expect(s.calls[0]).toEqual(
      expect.objectContaining({
        signatureVersion: 'v1',
        clientToken: 'tok-v1',
        params: { ...SERVER, ClientToken: 'tok-v1' },
        outcome: 'created'
      })
    )
  })

  test('every answer carries a Date header', async () => {
    const s = await standIn()
    const answer = await create(s)
    expect(Math.abs(Date.parse(String(answer.headers.date)) - Date.now())).toBeLessThan(5000)
  })

  test('STS key: the security token is required and checked (V3 and V1)', async () => {
    const s = await standIn({ credentials: [DEFAULT_KEY, STS_KEY] })
    expectError(
      await create(s, {}, { key: STS_KEY, omitToken: true }),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey'
    )
    expectError(
      await create(s, {}, { key: STS_KEY, token: 'other-token' }),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey'
    )
    expectError(
      await create(s, {}, { key: STS_KEY, signature: 'v1', omitToken: true }),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey'
    )
    // A long-term key must not carry a token.
    expectError(
      await create(s, {}, { token: 'stray' }),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey'
    )
    expect((await create(s, {}, { key: STS_KEY })).status).toBe(200)
    expect((await create(s, {}, { key: STS_KEY, signature: 'v1' })).status).toBe(200)
    expect(s.certificates).toHaveLength(2)
  })

  test('V3 bad signature echoes the canonical request, security token included', async () => {
    const s = await standIn({ credentials: [STS_KEY] })
    const fixed = { key: STS_KEY, nonce: randomUUID(), date: new Date() }
    const answer = await create(s, {}, { ...fixed, signingSecret: 'wrong-secret' })
    expectError(answer, 400, 'SignatureDoesNotMatch')
    const message = String(answer.json?.Message)
    const prefix =
      'Specified signature is not matched with our calculation. server string to sign is:'
    expect(message.startsWith(prefix)).toBe(true)
    const canonical = message.slice(prefix.length)
    expect(canonical).toContain(`\nx-acs-security-token:${STS_KEY.securityToken}\n`)
    expect(canonical).toMatch(/^POST\n\/\nRegionId=cn-hangzhou&SslVpnServerId=vss-standin0001\n/)
    // It really is what the official library signs: HMACing it with the right secret gives the
    // signature of the same request signed correctly.
    const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`
    const fromEcho = createHmac('sha256', STS_KEY.accessKeySecret)
      .update(stringToSign)
      .digest('hex')
    const good = signV3(s, { ...fixed, params: { ...SERVER } })
    expect(good.headers.authorization).toMatch(new RegExp(`Signature=${fromEcho}$`))
    expect(s.certificates).toHaveLength(0)
  })

  test('V1 bad signature echoes the StringToSign with AccessKeyId and SecurityToken', async () => {
    const s = await standIn({ credentials: [STS_KEY] })
    const nonce = randomUUID()
    const date = new Date()
    const answer = await call(s, {
      signature: 'v1',
      key: STS_KEY,
      signingSecret: 'wrong-secret',
      nonce,
      date
    })
    expectError(answer, 400, 'SignatureDoesNotMatch')
    const message = String(answer.json?.Message)
    const stringToSign = message.split('server string to sign is:')[1] ?? ''
    expect(stringToSign.startsWith('POST&%2F&')).toBe(true)
    expect(stringToSign).toContain(`AccessKeyId%3D${rfc3986(STS_KEY.accessKeyId)}`)
    expect(stringToSign).toContain(
      `SecurityToken%3D${rfc3986(rfc3986(STS_KEY.securityToken ?? ''))}`
    )
    // The echoed string is exactly what the official library signs.
    const params = v1Params({ key: STS_KEY, nonce, date })
    const fromEcho = createHmac('sha1', `${STS_KEY.accessKeySecret}&`)
      .update(stringToSign)
      .digest('base64')
    expect(fromEcho).toBe(Util.getRPCSignature(params, 'POST', STS_KEY.accessKeySecret))
  })

  test('timestamps more than 15 minutes off the skewed server clock are expired', async () => {
    const skew = 20 * 60 * 1000
    const s = await standIn({ clockSkewMs: skew })
    const answer = await create(s)
    expectError(answer, 400, 'InvalidTimeStamp.Expired')
    expect(answer.json?.Message).toBe('Specified time stamp or date value is expired.')
    const serverDate = Date.parse(String(answer.headers.date))
    expect(Math.abs(serverDate - (Date.now() + skew))).toBeLessThan(5000)
    // Signed with the server's idea of the time, the call goes through.
    expect((await create(s, {}, { date: new Date(Date.now() + skew) })).status).toBe(200)
    expectError(
      await call(s, { signature: 'v1', date: new Date(Date.now() - 16 * 60 * 1000) }),
      400,
      'InvalidTimeStamp.Expired'
    )
  })

  test('a nonce cannot be used twice', async () => {
    const s = await standIn()
    const nonce = randomUUID()
    expect((await create(s, {}, { nonce })).status).toBe(200)
    const again = await create(s, {}, { nonce })
    expectError(again, 400, 'SignatureNonceUsed')
    expect(again.json?.Message).toBe('Specified signature nonce was used already.')
    expectError(await call(s, { signature: 'v1', nonce }), 400, 'SignatureNonceUsed')
    expect(s.certificates).toHaveLength(1)
  })

  test('unknown AccessKeyId, missing authentication, unknown action', async () => {
    const s = await standIn()
    expectError(
      await create(s, {}, { key: { accessKeyId: 'LTAI5tNobody', accessKeySecret: 'x' } }),
      404,
      'InvalidAccessKeyId.NotFound'
    )
    expectError(
      await send(s, `/?${queryString({ Action: 'CreateSslVpnClientCert', ...SERVER })}`, {}),
      400,
      'MissingAccessKeyId'
    )
    expectError(await call(s, { action: 'DeleteEverything' }), 400, 'InvalidAction.NotFound')
    expect(s.calls.map(c => c.outcome)).toEqual([
      'InvalidAccessKeyId.NotFound',
      'MissingAccessKeyId',
      'InvalidAction.NotFound'
    ])
  })

  test('V3 headers that must be signed are checked', async () => {
    const s = await standIn()
    const { path, headers } = signV3(s, {})
    const auth = String(headers.authorization).replace(';x-acs-signature-nonce', '')
    expectError(
      await send(s, path, { ...headers, authorization: auth }),
      400,
      'IncompleteSignature'
    )
    const other = signV3(s, {})
    expectError(
      await send(s, other.path, { ...other.headers, 'x-acs-version': '2014-05-26' }),
      400,
      'InvalidVersion'
    )
  })
})

describe('CreateSslVpnClientCert', () => {
  test('ClientToken: same parameters replay, other parameters mismatch', async () => {
    const s = await standIn({ busyAfterCreateMs: 10_000 })
    const first = await create(s, { ClientToken: 'tok-1', Name: 'dev1' })
    expect(first.status).toBe(200)
    // The gateway is busy now, but a replay still answers.
    const replay = await create(s, { ClientToken: 'tok-1', Name: 'dev1' })
    expect(replay.status).toBe(200)
    expect(replay.json?.SslVpnClientCertId).toBe(first.json?.SslVpnClientCertId)
    expect(replay.json?.Name).toBe('dev1')
    expect(replay.json?.RequestId).not.toBe(first.json?.RequestId)
    expectError(
      await create(s, { ClientToken: 'tok-1', Name: 'dev2' }),
      400,
      'IdempotentParameterMismatch'
    )
    expectError(
      await create(s, { ClientToken: 'tok-2', Name: 'dev1' }),
      400,
      'VpnGateway.Configuring'
    )
    expect(s.certificates).toHaveLength(1)
    expect(s.calls.map(c => c.outcome)).toEqual([
      'created',
      'replayed',
      'IdempotentParameterMismatch',
      'VpnGateway.Configuring'
    ])
  })

  test('without a ClientToken every call creates a new certificate', async () => {
    const s = await standIn()
    const a = await create(s, { Name: 'same' })
    const b = await create(s, { Name: 'same' })
    expect(a.json?.SslVpnClientCertId).not.toBe(b.json?.SslVpnClientCertId)
    expect(s.certificates).toHaveLength(2)
  })

  test('parameter validation: InvalidName, MissingParameter, unknown server or region', async () => {
    const s = await standIn()
    for (const bad of ['x', '1abc', 'has space', 'http://x', 'a'.repeat(129), 'ünïcode']) {
      const answer = await create(s, { Name: bad })
      expectError(answer, 400, 'InvalidName')
      expect(answer.json?.Message).toBe('The name is not valid')
    }
    expect((await create(s, { Name: 'ab' })).status).toBe(200)
    expect((await create(s, { Name: `a${'b'.repeat(127)}` })).status).toBe(200)
    expectError(await call(s, { params: { RegionId: 'cn-hangzhou' } }), 400, 'MissingParameter')
    expectError(
      await call(s, { params: { SslVpnServerId: 'vss-standin0001' } }),
      400,
      'MissingParameter'
    )
    expectError(
      await call(s, { params: { RegionId: 'cn-hangzhou', SslVpnServerId: 'vss-nope' } }),
      404,
      'InvalidSslVpnServerId.NotFound'
    )
    expectError(
      await call(s, { params: { RegionId: 'cn-beijing', SslVpnServerId: 'vss-standin0001' } }),
      404,
      'InvalidSslVpnServerId.NotFound'
    )
  })

  test('busyCalls: the first N calls answer VpnGateway.Configuring', async () => {
    const s = await standIn({ busyCalls: 2 })
    const first = await create(s)
    expectError(first, 400, 'VpnGateway.Configuring')
    expect(first.json?.Message).toBe('The specified service is configuring.')
    expectError(await create(s), 400, 'VpnGateway.Configuring')
    expect((await create(s)).status).toBe(200)
    s.setBusyCalls(1)
    expectError(await create(s), 400, 'VpnGateway.Configuring')
    expect((await create(s)).status).toBe(200)
  })

  test('busyForMs: Configuring until T ms after the first authenticated call', async () => {
    const s = await standIn({ busyForMs: 300 })
    expectError(await create(s, {}, { signingSecret: 'bad' }), 400, 'SignatureDoesNotMatch')
    await sleep(350) // the failed call above must not have started the clock
    expectError(await create(s), 400, 'VpnGateway.Configuring')
    await sleep(350)
    expect((await create(s)).status).toBe(200)
  })

  test('busyAfterCreateMs: the SSL server is busy after each creation', async () => {
    const servers = [
      { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0001' },
      { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0002' }
    ]
    const s = await standIn({ busyAfterCreateMs: 300, sslVpnServers: servers })
    expect((await create(s)).status).toBe(200)
    expectError(await create(s), 400, 'VpnGateway.Configuring')
    expect((await create(s, { SslVpnServerId: 'vss-standin0002' })).status).toBe(200)
    await sleep(350)
    expect((await create(s)).status).toBe(200)
  })
})

describe('faults', () => {
  test('error: reference codes use the page wording; custom ones pass through', async () => {
    const s = await standIn({
      faults: [
        { kind: 'error', code: 'Forbbiden.SubUser' },
        { kind: 'error', code: 'Resource.QuotaFull' },
        { kind: 'error', code: 'OperationConflict', headers: { 'x-extra': 'yes' } },
        { kind: 'error', code: 'Some.Custom', httpStatus: 418, message: 'teapot' }
      ]
    })
    const subUser = await create(s)
    expectError(subUser, 403, 'Forbbiden.SubUser')
    expect(subUser.json?.Message).toBe(
      'User not authorized to operate on the specified resource as your account is created by another user.'
    )
    const quota = await create(s)
    expectError(quota, 400, 'Resource.QuotaFull')
    expect(quota.json?.Message).toBe('The quota of resource is full')
    const conflict = await create(s)
    expectError(conflict, 409, 'OperationConflict')
    expect(conflict.headers['x-extra']).toBe('yes')
    const custom = await create(s)
    expectError(custom, 418, 'Some.Custom')
    expect(custom.json?.Message).toBe('teapot')
    expect((await create(s)).status).toBe(200)
    expect(s.calls.map(c => c.outcome)).toEqual([
      'fault:error',
      'fault:error',
      'fault:error',
      'fault:error',
      'created'
    ])
  })

  test('faults come before authentication and only hit their action', async () => {
    const s = await standIn({
      faults: [{ kind: 'throttle', action: 'DescribeSslVpnClientCerts' }]
    })
    s.injectFault({ kind: 'throttle', retryAfterMs: 1500 })
    const throttled = await create(s, {}, { signingSecret: 'bad' })
    expectError(throttled, 400, 'Throttling.User')
    expect(throttled.json?.Message).toBe('Request was denied due to user flow control.')
    expect(throttled.headers['x-acs-retry-after']).toBe('1500')
    expect((await create(s)).status).toBe(200)
    expect(s.faults).toEqual([{ kind: 'throttle', action: 'DescribeSslVpnClientCerts' }])
    const other = await call(s, { action: 'DescribeSslVpnClientCerts' })
    expectError(other, 400, 'Throttling.User')
    expect(other.headers['x-acs-retry-after']).toBeUndefined()
    expect(s.faults).toHaveLength(0)
  })

  test('status: JSON 503/500 and nginx HTML 502/504', async () => {
    const s = await standIn({
      faults: [
        { kind: 'status', status: 503, body: 'json' },
        { kind: 'status', status: 500, body: 'json' },
        { kind: 'status', status: 502, body: 'html' },
        { kind: 'status', status: 504 }
      ]
    })
    expectError(await create(s), 503, 'ServiceUnavailable')
    expectError(await create(s), 500, 'InternalError')
    const badGateway = await create(s)
    expect(badGateway.status).toBe(502)
    expect(badGateway.headers['content-type']).toBe('text/html')
    expect(badGateway.text).toContain('<h1>502 Bad Gateway</h1>')
    expect(badGateway.text).toContain('nginx')
    const timeout = await create(s)
    expect(timeout.status).toBe(504)
    expect(timeout.text).toContain('504 Gateway Time-out')
  })

  test('reset: the socket is destroyed without an answer', async () => {
    const s = await standIn({ faults: [{ kind: 'reset' }] })
    await expect(create(s)).rejects.toThrow()
    expect(s.certificates).toHaveLength(0)
    expect(s.calls[0]).toEqual(
      expect.objectContaining({ outcome: 'fault:reset', httpStatus: null })
    )
    expect((await create(s)).status).toBe(200)
  })

  test('lose-response: the certificate is created but the answer is lost', async () => {
    const s = await standIn({ faults: [{ kind: 'lose-response' }] })
    await expect(create(s, { ClientToken: 'tok-lost', Name: 'lost' })).rejects.toThrow()
    expect(s.certificates).toHaveLength(1)
    expect(s.calls[0]).toEqual(
      expect.objectContaining({
        outcome: 'fault:lose-response',
        innerOutcome: 'created',
        httpStatus: null
      })
    )
    // A retry with the same token gets the certificate that was created.
    const retry = await create(s, { ClientToken: 'tok-lost', Name: 'lost' })
    expect(retry.json?.SslVpnClientCertId).toBe(s.certificates[0]?.id)
    expect(s.calls[1]?.outcome).toBe('replayed')
  })

  test('hang: no answer until the client gives up; with ms, a late normal answer', async () => {
    const s = await standIn({ faults: [{ kind: 'hang' }, { kind: 'hang', ms: 200 }] })
    await expect(create(s, {}, { headersTimeout: 300 })).rejects.toThrow()
    const started = Date.now()
    const late = await create(s)
    expect(late.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(180)
    expect(s.calls[1]).toEqual(
      expect.objectContaining({ outcome: 'fault:hang', innerOutcome: 'created' })
    )
  })

  test('close() ends a request that hangs forever', async () => {
    const s = await startStandIn({ faults: [{ kind: 'hang' }] })
    const pending = create(s)
    while (s.calls.length === 0) await sleep(10)
    await s.close()
    await expect(pending).rejects.toThrow()
  })

  test('trickle: a correct answer, a few bytes at a time', async () => {
    const s = await standIn({ faults: [{ kind: 'trickle', chunkDelayMs: 5 }] })
    const answer = await create(s, { Name: 'slowly' })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual(
      expect.objectContaining({ SslVpnClientCertId: s.certificates[0]?.id, Name: 'slowly' })
    )
    expect(s.calls[0]?.innerOutcome).toBe('created')
  })

  test('not-json and missing-id: 200 answers a client must not trust', async () => {
    const s = await standIn({ faults: [{ kind: 'not-json' }, { kind: 'missing-id' }] })
    const html = await create(s)
    expect(html.status).toBe(200)
    expect(html.headers['content-type']).toBe('text/html')
    expect(html.json).toBeUndefined()
    const noId = await create(s)
    expect(noId.status).toBe(200)
    expect(noId.json).toEqual({ RequestId: expect.any(String) })
    expect(s.certificates).toHaveLength(0)
  })
})

describe('TLS', () => {
  test('untrusted mode fails verification against ca.pem', async () => {
    const s = await standIn({ tls: 'untrusted' })
    await expect(create(s)).rejects.toThrow(/self[- ]signed|unable to verify/i)
    expect(s.calls).toHaveLength(0)
  })
})

// ------------------------------------------------------------------------------------------
// DescribeSslVpnClientCert(s)
// ------------------------------------------------------------------------------------------

const DAY_MS = 24 * 60 * 60 * 1000
const TWO_SERVERS = [
  { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0001' },
  { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0002' },
  { regionId: 'cn-beijing', sslVpnServerId: 'vss-standin0003' }
]

function describeCert(s: StandIn, id: string, o: CallOptions = {}, regionId = 'cn-hangzhou') {
  return call(s, {
    ...o,
    action: 'DescribeSslVpnClientCert',
    params: { RegionId: regionId, SslVpnClientCertId: id }
  })
}

function listCerts(s: StandIn, params: Record<string, string> = {}, o: CallOptions = {}) {
  return call(s, {
    ...o,
    action: 'DescribeSslVpnClientCerts',
    params: { RegionId: 'cn-hangzhou', ...params }
  })
}

interface CertKey {
  SslVpnClientCertId: string
  Name: string
  SslVpnServerId: string
  RegionId: string
  Status: string
  CreateTime: number
  EndTime: number
  ResourceGroupId: string
}

interface CertList {
  TotalCount: number
  PageNumber: number
  PageSize: number
  SslVpnClientCertKeys: { SslVpnClientCertKey: CertKey[] }
}

async function listOk(s: StandIn, params: Record<string, string> = {}): Promise<CertList> {
  const answer = await listCerts(s, params)
  expect(answer.status).toBe(200)
  return answer.json as unknown as CertList
}

function keysOf(list: CertList): CertKey[] {
  return list.SslVpnClientCertKeys.SslVpnClientCertKey
}

async function createdId(s: StandIn, extra: Record<string, string> = {}): Promise<string> {
  const answer = await create(s, extra)
  expect(answer.status).toBe(200)
  return String(answer.json?.SslVpnClientCertId)
}

describe('DescribeSslVpnClientCert and DescribeSslVpnClientCerts', () => {
  test('Describe answers a key and a certificate that match, signed by CaCert', async () => {
    const s = await standIn()
    const id = await createdId(s, { Name: 'Alice-laptop.1' })
    // Concurrent first Describes share one issuance; later ones answer the cached material.
    const [a, b] = await Promise.all([describeCert(s, id), describeCert(s, id)])
    const c = await describeCert(s, id, { signature: 'v1' })
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200])
    const json = a.json ?? {}
    expect(json).toEqual({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      SslVpnClientCertId: id,
      Name: 'Alice-laptop.1',
      SslVpnServerId: 'vss-standin0001',
      RegionId: 'cn-hangzhou',
      ResourceGroupId: DEFAULT_RESOURCE_GROUP_ID,
      Status: 'normal',
      CreateTime: s.certificates[0]?.createdAt,
      EndTime: (s.certificates[0]?.createdAt ?? 0) + 1095 * DAY_MS,
      CaCert: readFileSync(CLIENT_CA_CERT_PATH, 'utf8'),
      ClientCert: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n/),
      ClientKey: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----\n/),
      ClientConfig: expect.any(String)
    })
    for (const other of [b.json, c.json]) {
      expect(other?.ClientCert).toBe(json.ClientCert)
      expect(other?.ClientKey).toBe(json.ClientKey)
    }

    const key = createPrivateKey(String(json.ClientKey)) // unencrypted: no passphrase needed
    const cert = new X509Certificate(String(json.ClientCert))
    const ca = new X509Certificate(String(json.CaCert))
    expect(cert.checkPrivateKey(key)).toBe(true)
    expect(cert.verify(ca.publicKey)).toBe(true)
    expect(cert.checkIssued(ca)).toBe(true)
    expect(cert.subject).toBe('CN=Alice-laptop.1')
    expect(cert.ca).toBe(false)
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']) // clientAuth
    expect(ca.subject).toContain('TEST-ONLY')
    expect(s.calls.map(call => [call.action, call.outcome])).toEqual([
      ['CreateSslVpnClientCert', 'created'],
      ['DescribeSslVpnClientCert', 'described'],
      ['DescribeSslVpnClientCert', 'described'],
      ['DescribeSslVpnClientCert', 'described']
    ])
  })

  test('each certificate gets its own key; ClientConfig names its files', async () => {
    const s = await standIn()
    const first = await createdId(s)
    const second = await createdId(s)
    const [a, b] = await Promise.all([describeCert(s, first), describeCert(s, second)])
    expect(a.json?.ClientKey).not.toBe(b.json?.ClientKey)
    expect(new X509Certificate(String(a.json?.ClientCert)).subject).toBe(
      `CN=${s.certificates[0]?.name}`
    )
    expect(String(b.json?.ClientConfig).split('\n')).toEqual([
      'client',
      'dev tun',
      'proto udp',
      'remote 198.51.100.7 1194',
      'resolv-retry infinite',
      'nobind',
      'persist-key',
      'persist-tun',
      'ca ca.crt',
      `cert ${second}.crt`,
      `key ${second}.key`,
      'keepalive 10 60',
      'verb 3'
    ])
  })

  test('ClientKey is an RSA-2048 key like the real one, its own for every certificate, PKCS#8 or PKCS#1', async () => {
    const pkcs8 = await standIn()
    const pkcs1 = await standIn({ clientKeyFormat: 'pkcs1' })
    const described = async (s: StandIn, count: number) => {
      const ids: string[] = []
      for (let i = 0; i < count; i++) ids.push(await createdId(s, { Name: `cert-${i}` }))
      const answers = await Promise.all(ids.map(id => describeCert(s, id)))
      return answers.map(a => a.json ?? {})
    }
    const ca = new X509Certificate(readFileSync(CLIENT_CA_CERT_PATH))
    const [first8, ...more8] = await described(pkcs8, 4)
    const [first1] = await described(pkcs1, 1)
    const keyPems: string[] = []
    for (const [json, header] of [
      ...[first8, ...more8].map(j => [j, 'PRIVATE KEY'] as const),
      [first1, 'RSA PRIVATE KEY'] as const
    ]) {
      const pem = String(json?.ClientKey)
      expect(pem.startsWith(`-----BEGIN ${header}-----\n`)).toBe(true)
      expect(pem.endsWith(`-----END ${header}-----\n`)).toBe(true)
      const key = createPrivateKey(pem)
      expect([key.asymmetricKeyType, key.asymmetricKeyDetails?.modulusLength]).toEqual([
        'rsa',
        2048
      ])
      const cert = new X509Certificate(String(json?.ClientCert))
      expect(cert.checkPrivateKey(key)).toBe(true)
      expect(cert.verify(ca.publicKey)).toBe(true)
      expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048)
      keyPems.push(String(key.export({ type: 'pkcs8', format: 'pem' })))
    }
    // Every certificate of one stand-in has its own key; stand-ins share the pool, so the first
    // certificate of each has the pool's first key.
    expect(new Set(keyPems.slice(0, 4)).size).toBe(4)
    expect(keyPems[4]).toBe(keyPems[0])
    await expect(startStandIn({ clientKeyFormat: 'der' as 'pkcs1' })).rejects.toThrow(
      /clientKeyFormat/
    )
  })

  test('the key pool is kept in the temp dir for later runs, readable by this user only', async () => {
    await prepareClientKeys(2)
    const dir = join(tmpdir(), CLIENT_KEY_POOL_NAME)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const saved = [0, 1].map(n => {
      const file = join(dir, `${n}.pem`)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      return readFileSync(file, 'utf8')
    })
    expect(saved[0]).not.toBe(saved[1])
    const s = await standIn()
    const id = await createdId(s)
    expect((await describeCert(s, id)).json?.ClientKey).toBe(saved[0])
  })

  test('pendingStatusMs: a new certificate reports the pending status, then normal', async () => {
    const s = await standIn({
      pendingStatusMs: 300,
      existingCertificates: [{ name: 'old-one' }],
      // Describe is never busy, even while Create is.
      busyAfterCreateMs: 10_000
    })
    const id = await createdId(s, { Name: 'fresh' })
    expectError(await create(s), 400, 'VpnGateway.Configuring')
    const pending = await describeCert(s, id)
    expect(pending.status).toBe(200)
    expect(pending.json?.Status).toBe('creating')
    expect(keysOf(await listOk(s)).map(k => [k.Name, k.Status])).toEqual([
      ['old-one', 'normal'],
      ['fresh', 'creating']
    ])
    await sleep(350)
    expect((await describeCert(s, id)).json?.Status).toBe('normal')
    expect(keysOf(await listOk(s, { Name: 'fresh' }))[0]?.Status).toBe('normal')

    const custom = await standIn({ pendingStatusMs: 10_000, pendingStatus: 'provisioning' })
    const other = await createdId(custom)
    expect(keysOf(await listOk(custom))[0]?.Status).toBe('provisioning')
    expect(custom.certificates[0]?.pendingUntil).toBe(
      (custom.certificates[0]?.createdAt ?? 0) + 10_000
    )
    expect(other).toMatch(/^vsc-/)
  })

  test('unknown id, another region or missing parameters are refused', async () => {
    const s = await standIn({ sslVpnServers: TWO_SERVERS })
    const id = await createdId(s)
    const unknown = await describeCert(s, 'vsc-doesnotexist00000')
    expectError(unknown, 404, 'InvalidSslVpnClientCertId.NotFound')
    expect(unknown.json?.Message).toBe('The specified SslVpnClientCertId does not exist.')
    // Certificates are regional.
    expectError(
      await describeCert(s, id, {}, 'cn-beijing'),
      404,
      'InvalidSslVpnClientCertId.NotFound'
    )
    expectError(
      await call(s, { action: 'DescribeSslVpnClientCert', params: { RegionId: 'cn-hangzhou' } }),
      400,
      'MissingParameter'
    )
    expectError(
      await call(s, { action: 'DescribeSslVpnClientCerts', params: {} }),
      400,
      'MissingParameter'
    )
    // Authentication applies as for Create.
    expectError(await describeCert(s, id, { signingSecret: 'wrong' }), 400, 'SignatureDoesNotMatch')
  })

  test('paging: 23 certificates in pages of 10, oldest first, no duplicates', async () => {
    const existing = Array.from({ length: 20 }, (_, i) => ({ name: `old-${i}` }))
    const s = await standIn({ existingCertificates: existing })
    for (const name of ['new-0', 'new-1', 'new-2']) await createdId(s, { Name: name })

    const pages = [
      await listOk(s),
      await listOk(s, { PageNumber: '2', PageSize: '10' }),
      await listOk(s, { PageNumber: '3' })
    ]
    expect(pages.map(p => [p.TotalCount, p.PageNumber, p.PageSize, keysOf(p).length])).toEqual([
      [23, 1, 10, 10],
      [23, 2, 10, 10],
      [23, 3, 10, 3]
    ])
    const names = pages.flatMap(p => keysOf(p).map(k => k.Name))
    expect(names).toEqual([...existing.map(e => e.name), 'new-0', 'new-1', 'new-2'])
    const ids = pages.flatMap(p => keysOf(p).map(k => k.SslVpnClientCertId))
    expect(new Set(ids).size).toBe(23)
    expect(ids).toEqual(s.certificates.map(c => c.id))
    const times = pages.flatMap(p => keysOf(p).map(k => k.CreateTime))
    expect(times).toEqual([...times].sort((x, y) => x - y))

    expect(keysOf(pages[2] as CertList)[2]).toEqual({
      SslVpnClientCertId: s.certificates[22]?.id,
      Name: 'new-2',
      SslVpnServerId: 'vss-standin0001',
      RegionId: 'cn-hangzhou',
      Status: 'normal',
      CreateTime: s.certificates[22]?.createdAt,
      EndTime: s.certificates[22]?.endTime,
      ResourceGroupId: DEFAULT_RESOURCE_GROUP_ID
    })
    const beyond = await listOk(s, { PageNumber: '4' })
    expect([beyond.TotalCount, keysOf(beyond)]).toEqual([23, []])
  })

  test('filters: exact Name, server, certificate id, region', async () => {
    const s = await standIn({
      sslVpnServers: TWO_SERVERS,
      existingCertificates: [
        { name: 'dev' },
        { name: 'dev', sslVpnServerId: 'vss-standin0002' },
        { name: 'dev2' },
        { name: 'dev', regionId: 'cn-beijing' }
      ]
    })
    const byName = await listOk(s, { Name: 'dev' })
    expect(keysOf(byName).map(k => k.SslVpnServerId)).toEqual([
      'vss-standin0001',
      'vss-standin0002'
    ])
    expect(byName.TotalCount).toBe(2)
    const onServer = await listOk(s, { SslVpnServerId: 'vss-standin0001' })
    expect(keysOf(onServer).map(k => k.Name)).toEqual(['dev', 'dev2'])
    const both = await listOk(s, { SslVpnServerId: 'vss-standin0002', Name: 'dev' })
    expect(keysOf(both).map(k => k.SslVpnClientCertId)).toEqual([s.certificates[1]?.id])
    const byId = await listOk(s, { SslVpnClientCertId: s.certificates[2]?.id ?? '' })
    expect(keysOf(byId).map(k => k.Name)).toEqual(['dev2'])
    expect((await listOk(s, { Name: 'de' })).TotalCount).toBe(0)
    expect((await listOk(s, { SslVpnServerId: 'vss-nope' })).TotalCount).toBe(0)
    const beijing = await listOk(s, { RegionId: 'cn-beijing' })
    expect(keysOf(beijing).map(k => [k.Name, k.SslVpnServerId, k.RegionId])).toEqual([
      ['dev', 'vss-standin0003', 'cn-beijing']
    ])
  })

  test('PageSize 1 to 50 and PageNumber from 1; anything else is InvalidParameter', async () => {
    const s = await standIn()
    const tooBig = await listCerts(s, { PageSize: '51' })
    expectError(tooBig, 400, 'InvalidParameter')
    expect(tooBig.json?.Message).toBe('The specified parameter "PageSize" is not valid.')
    for (const bad of [
      { PageSize: '0' },
      { PageSize: 'ten' },
      { PageNumber: '0' },
      { PageNumber: '-1' }
    ]) {
      expectError(await listCerts(s, bad), 400, 'InvalidParameter')
    }
    const widest = await listOk(s, { PageSize: '50' })
    expect([widest.PageSize, widest.TotalCount, keysOf(widest)]).toEqual([50, 0, []])
    expect(s.calls.map(c => c.outcome).slice(-2)).toEqual(['InvalidParameter', 'listed'])
  })

  test('existingCertificates: 60 across pages, duplicates allowed, describable', async () => {
    const existing = Array.from({ length: 60 }, (_, i) => ({ name: i < 2 ? 'same' : `cert-${i}` }))
    const s = await standIn({ existingCertificates: existing })
    expect(s.certificates).toHaveLength(60)
    const first = await listOk(s, { PageSize: '50' })
    const second = await listOk(s, { PageSize: '50', PageNumber: '2' })
    expect([first.TotalCount, keysOf(first).length, keysOf(second).length]).toEqual([60, 50, 10])
    expect((await listOk(s, { Name: 'same' })).TotalCount).toBe(2)
    const oldest = s.certificates[0]
    expect(oldest?.createdAt).toBeLessThan(Date.now() - 59 * 60_000)
    const described = await describeCert(s, oldest?.id ?? '')
    expect(described.json).toEqual(
      expect.objectContaining({ Name: 'same', Status: 'normal', CreateTime: oldest?.createdAt })
    )
    expect(s.calls).toHaveLength(4) // nothing was called to set them up

    await expect(startStandIn({ existingCertificates: [{ name: 'has space' }] })).rejects.toThrow(
      /existingCertificates\[0\]: invalid name/
    )
    await expect(
      startStandIn({ existingCertificates: [{ name: 'ok', sslVpnServerId: 'vss-nope' }] })
    ).rejects.toThrow(/no SSL server/)
  })

  test('existingCertificates: endTime in the past is expired, within 7 days expiring-soon', async () => {
    const day = 24 * 60 * 60 * 1000
    const s = await standIn({
      existingCertificates: [
        { name: 'old', endTime: Date.now() - day },
        { name: 'soon', endTime: Date.now() + 2 * day },
        { name: 'fresh' }
      ]
    })
    const statuses = keysOf(await listOk(s, { PageSize: '50' })).map(k => [k.Name, k.Status])
    expect(statuses).toEqual([
      ['old', 'expired'],
      ['soon', 'expiring-soon'],
      ['fresh', 'normal']
    ])
    await expect(
      startStandIn({ existingCertificates: [{ name: 'ok', endTime: Number.NaN }] })
    ).rejects.toThrow(/endTime must be a number/)
  })

  test('without SslVpnServerId: every SSL server of the region, across pages, no other region', async () => {
    const day = 24 * 60 * 60 * 1000
    const s = await standIn({
      sslVpnServers: TWO_SERVERS,
      existingCertificates: Array.from({ length: 55 }, (_, i) => ({
        name: `c-${i}`,
        sslVpnServerId: ['vss-standin0001', 'vss-standin0002', 'vss-standin0003'][i % 3],
        ...(i % 5 === 0 ? { endTime: Date.now() + (i - 25) * day } : {})
      }))
    })
    const first = await listOk(s, { PageSize: '50' })
    const second = await listOk(s, { PageSize: '50', PageNumber: '2' })
    const keys = [...keysOf(first), ...keysOf(second)]
    const inHangzhou = s.certificates.filter(c => c.regionId === 'cn-hangzhou')
    expect([first.TotalCount, keys.length]).toEqual([inHangzhou.length, inHangzhou.length])
    expect(new Set(keys.map(k => k.SslVpnServerId))).toEqual(
      new Set(['vss-standin0001', 'vss-standin0002'])
    )
    expect(keys.map(k => k.SslVpnClientCertId)).toEqual(inHangzhou.map(c => c.id))
    // Every entry says its server and both times; the scripted end times set the statuses.
    for (const key of keys) {
      const certificate = s.certificates.find(c => c.id === key.SslVpnClientCertId)
      expect(key).toMatchObject({
        SslVpnServerId: certificate?.sslVpnServerId,
        CreateTime: certificate?.createdAt,
        EndTime: certificate?.endTime
      })
      const left = (certificate?.endTime ?? 0) - Date.now()
      const expected = left <= 0 ? 'expired' : left <= 7 * day ? 'expiring-soon' : 'normal'
      expect([key.Name, key.Status]).toEqual([certificate?.name, expected])
    }
    expect(new Set(keys.map(k => k.Status))).toEqual(
      new Set(['expired', 'expiring-soon', 'normal'])
    )
  })

  test('existingCertificates: endTime 7 days ahead is expiring-soon, a moment more is normal', async () => {
    const week = 7 * 24 * 60 * 60 * 1000
    // The stand-in's own clock, so that the margin is not eaten by the time the test takes.
    const s = await standIn({
      existingCertificates: [
        { name: 'inside', endTime: Date.now() + week - 60_000 },
        { name: 'outside', endTime: Date.now() + week + 60_000 },
        { name: 'now', endTime: Date.now() }
      ]
    })
    const statuses = keysOf(await listOk(s)).map(k => [k.Name, k.Status])
    expect(statuses).toEqual([
      ['inside', 'expiring-soon'],
      ['outside', 'normal'],
      ['now', 'expired']
    ])
  })

  test('addCredential: a key issued at run time is accepted from then on', async () => {
    const s = await standIn()
    const sts = newStsCredential()
    expect(sts.accessKeyId).toMatch(/^STS\.NT[A-Za-z0-9]{26}$/)
    expect(sts.securityToken).toMatch(/^CAIS/)
    expectError(await listCerts(s, {}, { key: sts }), 404, 'InvalidAccessKeyId.NotFound')

    s.addCredential(sts)
    expect(s.credentials.map(c => c.accessKeyId)).toEqual([
      DEFAULT_KEY.accessKeyId,
      sts.accessKeyId
    ])
    expect((await listCerts(s, {}, { key: sts })).status).toBe(200)
    expect((await create(s, {}, { key: sts, signature: 'v1' })).status).toBe(200)
    expectError(
      await listCerts(s, {}, { key: sts, omitToken: true }),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey'
    )
    // The same AccessKeyId again replaces the old entry: its old token stops working.
    const refreshed = s.addCredential({ ...sts, securityToken: 'CAIS-refreshed' })
    expect(s.credentials).toHaveLength(2)
    expectError(
      await listCerts(s, {}, { key: sts }),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey'
    )
    expect((await listCerts(s, {}, { key: refreshed })).status).toBe(200)
  })

  test('faults can target the Describe actions', async () => {
    const s = await standIn({
      faults: [
        { kind: 'error', code: 'Throttling.Api', action: 'DescribeSslVpnClientCerts' },
        { kind: 'lose-response', action: 'DescribeSslVpnClientCert' }
      ]
    })
    const id = await createdId(s)
    expectError(await listCerts(s), 400, 'Throttling.Api')
    await expect(describeCert(s, id)).rejects.toThrow()
    expect((await describeCert(s, id)).json?.Status).toBe('normal')
    expect(s.calls.map(c => [c.action, c.outcome, c.innerOutcome])).toEqual([
      ['CreateSslVpnClientCert', 'created', null],
      ['DescribeSslVpnClientCerts', 'fault:error', null],
      ['DescribeSslVpnClientCert', 'fault:lose-response', 'described'],
      ['DescribeSslVpnClientCert', 'described', null]
    ])
  })
})

// ------------------------------------------------------------------------------------------
describe('DeleteSslVpnClientCert', () => {
  const SERVERS = [
    { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0001' },
    { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0002' }
  ]

  function deleteCert(
    s: StandIn,
    id: string,
    extra: Record<string, string> = {},
    o: CallOptions = {}
  ) {
    return call(s, {
      ...o,
      action: 'DeleteSslVpnClientCert',
      params: { RegionId: 'cn-hangzhou', SslVpnClientCertId: id, ...extra }
    })
  }

  const listedIds = async (s: StandIn, params: Record<string, string> = {}) =>
    (
      (await listCerts(s, params)).json?.SslVpnClientCertKeys as { SslVpnClientCertKey: CertKey[] }
    ).SslVpnClientCertKey.map(k => k.SslVpnClientCertId)

  test('signed and checked like every action (V3 and V1); answers only a RequestId', async () => {
    const s = await standIn({ existingCertificates: [{ name: 'alice' }, { name: 'bob' }] })
    const [alice, bob] = s.certificates.map(c => c.id) as [string, string]
    expectError(
      await deleteCert(s, alice, {}, { signingSecret: 'wrong' }),
      400,
      'SignatureDoesNotMatch'
    )
    expectError(
      await deleteCert(s, alice, {}, { key: STS_KEY }),
      404,
      'InvalidAccessKeyId.NotFound'
    )
    const v3 = await deleteCert(s, alice)
    expect(v3.status).toBe(200)
    expect(Object.keys(v3.json ?? {})).toEqual(['RequestId'])
    expect((await deleteCert(s, bob, {}, { signature: 'v1' })).status).toBe(200)
    expect(s.calls.map(c => c.outcome)).toEqual([
      'SignatureDoesNotMatch',
      'InvalidAccessKeyId.NotFound',
      'deleted',
      'deleted'
    ])
    expect(await listedIds(s)).toEqual([])
    expect(s.certificates.every(c => c.deletedAt !== null)).toBe(true)
  })

  test('not found: an unknown ID, another region, or one already deleted (404); parameters required', async () => {
    const s = await standIn({ existingCertificates: [{ name: 'alice' }] })
    const [alice] = s.certificates.map(c => c.id) as [string]
    expectError(await deleteCert(s, 'vsc-doesnotexist'), 404, 'InvalidSslVpnClientCertId.NotFound')
    expectError(
      await deleteCert(s, alice, { RegionId: 'cn-beijing' }),
      404,
      'InvalidSslVpnClientCertId.NotFound'
    )
    expect((await deleteCert(s, alice)).status).toBe(200)
    expectError(await deleteCert(s, alice), 404, 'InvalidSslVpnClientCertId.NotFound')
    expectError(await deleteCert(s, ''), 400, 'MissingParameter')
    expect(s.disconnections).toEqual({ 'vss-standin0001': 1 })
  })

  test('ClientToken: the same delete replays (even while busy), other parameters mismatch', async () => {
    const s = await standIn({
      busyAfterDeleteMs: 10_000,
      existingCertificates: [{ name: 'alice' }, { name: 'bob' }]
    })
    const [alice, bob] = s.certificates.map(c => c.id) as [string, string]
    expect((await deleteCert(s, alice, { ClientToken: 'del-1' })).status).toBe(200)
    const replay = await deleteCert(s, alice, { ClientToken: 'del-1' })
    expect(replay.status).toBe(200)
    expectError(
      await deleteCert(s, bob, { ClientToken: 'del-1' }),
      400,
      'IdempotentParameterMismatch'
    )
    expectError(
      await deleteCert(s, alice, { ClientToken: 'x'.repeat(65) }),
      400,
      'InvalidClientToken.Malformed'
    )
    expect(s.calls.map(c => c.outcome)).toEqual([
      'deleted',
      'replayed',
      'IdempotentParameterMismatch',
      'InvalidClientToken.Malformed'
    ])
    // A replay disconnects no one again.
    expect(s.disconnections).toEqual({ 'vss-standin0001': 1 })
  })

  test('busyAfterDeleteMs: the SSL server refuses deletes and creates meanwhile, others are free', async () => {
    const s = await standIn({
      busyAfterDeleteMs: 1_000,
      sslVpnServers: SERVERS,
      existingCertificates: [
        { name: 'alice' },
        { name: 'bob' },
        { name: 'carol', sslVpnServerId: 'vss-standin0002' }
      ]
    })
    const [alice, bob, carol] = s.certificates.map(c => c.id) as [string, string, string]
    expect((await deleteCert(s, alice)).status).toBe(200)
    // A concurrent delete on the same gateway is not supported.
    expectError(await deleteCert(s, bob), 400, 'VpnGateway.Configuring')
    expectError(await create(s, { Name: 'dave' }), 400, 'VpnGateway.Configuring')
    expect((await deleteCert(s, carol)).status).toBe(200)
    await sleep(1_050)
    expect((await deleteCert(s, bob)).status).toBe(200)
    expect(s.disconnections).toEqual({ 'vss-standin0001': 2, 'vss-standin0002': 1 })
  })

  test('busyAfterCreateMs makes a delete wait too', async () => {
    const s = await standIn({ busyAfterCreateMs: 1_000, existingCertificates: [{ name: 'alice' }] })
    const [alice] = s.certificates.map(c => c.id) as [string]
    await createdId(s, { Name: 'bob' })
    expectError(await deleteCert(s, alice), 400, 'VpnGateway.Configuring')
    await sleep(1_050)
    expect((await deleteCert(s, alice)).status).toBe(200)
  })

  test('deleteVisibleForMs: still listed and describable for a while, then gone from both', async () => {
    const s = await standIn({
      deleteVisibleForMs: 1_000,
      existingCertificates: [{ name: 'alice' }, { name: 'alice' }]
    })
    const [first, second] = s.certificates.map(c => c.id) as [string, string]
    expect((await deleteCert(s, first)).status).toBe(200)
    expect(await listedIds(s, { Name: 'alice' })).toEqual([first, second])
    expect(await listedIds(s, { SslVpnClientCertId: first })).toEqual([first])
    expect((await describeCert(s, first)).status).toBe(200)
    expect(s.listedCertificates().map(c => c.id)).toEqual([first, second])
    await sleep(1_050)
    expect(await listedIds(s, { Name: 'alice' })).toEqual([second])
    expect(await listedIds(s, { SslVpnClientCertId: first })).toEqual([])
    expectError(await describeCert(s, first), 404, 'InvalidSslVpnClientCertId.NotFound')
    expect(s.listedCertificates().map(c => c.id)).toEqual([second])
    expect(s.certificates).toHaveLength(2)
  })

  test('faults can target it: a scripted error, and a lost answer after the delete happened', async () => {
    const s = await standIn({
      existingCertificates: [{ name: 'alice' }, { name: 'bob' }],
      faults: [
        { kind: 'error', code: 'VpnGateway.FinancialLocked', action: 'DeleteSslVpnClientCert' },
        { kind: 'lose-response', action: 'DeleteSslVpnClientCert' }
      ]
    })
    const [alice, bob] = s.certificates.map(c => c.id) as [string, string]
    expectError(await deleteCert(s, alice), 400, 'VpnGateway.FinancialLocked')
    await expect(deleteCert(s, bob, { ClientToken: 'del-bob' })).rejects.toThrow()
    expect((await deleteCert(s, bob, { ClientToken: 'del-bob' })).status).toBe(200)
    expect(s.calls.map(c => [c.outcome, c.innerOutcome])).toEqual([
      ['fault:error', null],
      ['fault:lose-response', 'deleted'],
      ['replayed', null]
    ])
    expect(await listedIds(s)).toEqual([alice])
    expect(s.disconnections).toEqual({ 'vss-standin0001': 1 })
  })
})
