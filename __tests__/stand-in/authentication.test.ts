/**
 * The stand-in's authentication (test-server/stand-in/authentication.mjs): V3 and V1 signatures,
 * security tokens, timestamps, nonces, signed headers.
 * Requests are signed with the official @alicloud/openapi-util (__fixtures__/stand-in-client.ts).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'
import {
  Util,
  STS_KEY,
  SERVER,
  rfc3986,
  queryString,
  signV3,
  v1Params,
  send,
  call,
  create,
  expectError
} from '../../__fixtures__/stand-in-client.js'

const standIn = standInPerTest()

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
