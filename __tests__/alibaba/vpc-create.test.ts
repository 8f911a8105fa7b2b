/**
 * CreateSslVpnClientCert (vpc-create.ts): retries on one ClientToken, fresh signatures, the
 * request's parameters, and the answer checked before its ID is used.
 */
import { describe, expect, test } from '@jest/globals'
import {
  vpcEndpoint,
  BUSY,
  CERTIFICATE,
  CREATED,
  signatureOf,
  START,
  TARGET,
  TOKEN
} from '../../__fixtures__/vpc-endpoint.js'
import { ApiError, DeadlineError, UnexpectedResponseError } from '../../src/core/errors.js'
import { createRequestParams } from '../../src/alibaba/vpc-create.js'

const { run, sleeps, captured, serve, client } = vpcEndpoint()

describe('createCertificate', () => {
  test('busy twice, then created: 3 attempts, one ClientToken, a fresh signature each time', async () => {
    serve(n => (n <= 2 ? BUSY : CREATED))
    const result = await client().createCertificate(CERTIFICATE)

    expect(result).toEqual({
      certId: 'vsc-bp1n8wcf134yl0osr0001',
      name: 'ci-cert',
      requestId: '606998F0-B94D-48FE-8316-ACA81BB230DA',
      clientToken: TOKEN,
      attempts: 3,
      waitedMs: sleeps().reduce((sum, ms) => sum + ms, 0),
      elapsedMs: run().clock.now() - START,
      // The second retry still found the gateway busy: after the first round trip and wait.
      busySeenMs: 2 * 120 + (sleeps()[0] ?? 0)
    })
    expect(sleeps()).toHaveLength(2)
    expect(result.elapsedMs).toBe(3 * 120 + result.waitedMs)

    expect(captured).toHaveLength(3)
    for (const request of captured) {
      expect(request.query.get('ClientToken')).toBe(TOKEN)
      expect(request.query.get('RegionId')).toBe('cn-hangzhou')
      expect(request.query.get('SslVpnServerId')).toBe('vss-bp1test0001')
      expect(request.query.get('Name')).toBe('ci-cert')
      expect(request.headers['x-acs-action']).toBe('CreateSslVpnClientCert')
      expect(request.headers['x-acs-version']).toBe('2016-04-28')
    }
    const nonces = captured.map(r => r.headers['x-acs-signature-nonce'])
    expect(nonces).toEqual(['nonce-1', 'nonce-2', 'nonce-3'])
    const signatures = captured.map(signatureOf)
    for (const signature of signatures) expect(signature).toMatch(/^[0-9a-f]{64}$/)
    expect(new Set(signatures).size).toBe(3)
    // Each attempt is dated by the (virtual) clock when it is signed.
    expect(captured[0]?.headers['x-acs-date']).toBe('2025-03-01T12:00:00Z')
  })

  test('one log line per retry, naming the code, RequestId and attempt', async () => {
    serve(n => (n <= 2 ? BUSY : CREATED))
    await client().createCertificate(CERTIFICATE)
    expect(run().logLines).toHaveLength(2)
    run().logLines.forEach((line, i) => {
      expect(line).toContain(`Attempt ${i + 1}: VpnGateway.Configuring (RequestId: REQ-BUSY)`)
    })
  })

  test('signature V1: the same ClientToken, a fresh nonce and signature in the query', async () => {
    serve(n => (n <= 1 ? BUSY : CREATED))
    const result = await client({
      target: { ...TARGET, signatureVersion: 'v1' }
    }).createCertificate(CERTIFICATE)
    expect(result.attempts).toBe(2)
    expect(captured.map(r => r.query.get('ClientToken'))).toEqual([TOKEN, TOKEN])
    expect(captured.map(r => r.query.get('SignatureNonce'))).toEqual(['nonce-1', 'nonce-2'])
    const [first, second] = captured.map(r => r.query.get('Signature'))
    expect(first).toBeTruthy()
    expect(second).toBeTruthy()
    expect(first).not.toBe(second)
  })

  test('without Name in the answer, the requested name is reported', async () => {
    serve(() => ({ ...CREATED, data: { RequestId: 'R', SslVpnClientCertId: 'vsc-1' } }))
    const result = await client().createCertificate(CERTIFICATE)
    expect(result.name).toBe('ci-cert')
    expect(captured).toHaveLength(1)
  })

  test('200 without SslVpnClientCertId: UnexpectedResponseError, not retried', async () => {
    serve(() => ({ ...CREATED, data: { RequestId: 'REQ-NOID' } }))
    const error = await client()
      .createCertificate(CERTIFICATE)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error).toMatchObject({ httpStatus: 200, requestId: 'REQ-NOID' })
    expect((error as Error).message).toContain('SslVpnClientCertId')
    expect(captured).toHaveLength(1)
  })

  test('a non-retryable code: exactly 1 request', async () => {
    serve(() => ({
      statusCode: 403,
      data: { RequestId: 'REQ-403', Code: 'Forbidden', Message: 'User not authorized.' }
    }))
    const error = await client()
      .createCertificate(CERTIFICATE)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'Forbidden', requestId: 'REQ-403', httpStatus: 403 })
    expect(captured).toHaveLength(1)
    expect(sleeps()).toHaveLength(0)
  })

  test('busy past timeout-seconds: DeadlineError, one request per attempt', async () => {
    serve(() => BUSY)
    const error = await client({ deadline: START + 20_000 })
      .createCertificate(CERTIFICATE)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
    const deadline = error as DeadlineError
    expect(deadline.attempts).toBe(captured.length)
    expect(deadline.lastError).toBeInstanceOf(ApiError)
    expect(run().clock.now() - START).toBeLessThanOrEqual(20_000 + 120)
    expect(new Set(captured.map(r => r.query.get('ClientToken')))).toEqual(new Set([TOKEN]))
  })
})

describe('createRequestParams', () => {
  const SETTINGS = { ...TARGET, ...CERTIFICATE }

  test('with a name: RegionId, SslVpnServerId, ClientToken and Name', () => {
    expect(createRequestParams(SETTINGS)).toEqual({
      RegionId: 'cn-hangzhou',
      SslVpnServerId: 'vss-bp1test0001',
      ClientToken: TOKEN,
      Name: 'ci-cert'
    })
  })

  test('without a name: no Name at all (not an empty one)', () => {
    const params = createRequestParams({ ...SETTINGS, name: undefined })
    expect(params).toEqual({
      RegionId: 'cn-hangzhou',
      SslVpnServerId: 'vss-bp1test0001',
      ClientToken: TOKEN
    })
    expect('Name' in params).toBe(false)
  })
})

describe('answers are checked before anything in them is used', () => {
  test('a created certificate whose answer names it otherwise keeps the name we sent', async () => {
    serve(() => ({
      statusCode: 200,
      data: { RequestId: 'REQ-1', SslVpnClientCertId: 'vsc-ok1', Name: 'ci-cert\r::error::forged' }
    }))
    const created = await client().createCertificate(CERTIFICATE)
    expect(created).toMatchObject({ certId: 'vsc-ok1', name: CERTIFICATE.name })
    expect(run().logLines.join('\n')).not.toContain('forged')
  })

  test.each([
    ['SslVpnClientCertId', { SslVpnClientCertId: 'vsc-1\n::add-mask::x', Name: 'ci-cert' }],
    ['SslVpnClientCertId', { SslVpnClientCertId: 'vsc-1\u2028x', Name: 'ci-cert' }],
    ['SslVpnClientCertId', { SslVpnClientCertId: '../../x', Name: 'ci-cert' }],
    ['SslVpnClientCertId', { SslVpnClientCertId: 42, Name: 'ci-cert' }]
  ])(
    'a created certificate with a malformed %s: unexpected answer, not retried',
    async (field, data) => {
      serve(() => ({ statusCode: 200, data: { RequestId: 'REQ-BAD', ...data } }))
      const error = (await client()
        .createCertificate(CERTIFICATE)
        .catch((e: unknown) => e)) as UnexpectedResponseError
      expect(error).toBeInstanceOf(UnexpectedResponseError)
      expect(error).toMatchObject({ httpStatus: 200, requestId: 'REQ-BAD', field })
      expect(error.message).toMatch(
        new RegExp(
          `^Unexpected answer to CreateSslVpnClientCert \\(RequestId: REQ-BAD\\): ${field} is `
        )
      )
      expect(error.message).not.toMatch(/[\r\n\u2028]/)
      expect(captured).toHaveLength(1)
      expect(run().logLines).toEqual([])
    }
  )
})
