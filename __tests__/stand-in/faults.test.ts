/**
 * Scripted faults (test-server/stand-in/faults.mjs, played by request-flow.mjs).
 * Requests are signed with the official @alicloud/openapi-util (__fixtures__/stand-in-client.ts).
 */
import { startStandIn } from '../../test-server/stand-in.mjs'
import { standInPerTest } from '../../__fixtures__/stand-in.js'
import {
  call,
  create,
  expectError,
  sleep,
  describeCert,
  listCerts,
  createdId
} from '../../__fixtures__/stand-in-client.js'

const standIn = standInPerTest()

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

  test('afterCalls: the fault waits until that many requests of its action came', async () => {
    const s = await standIn({
      faults: [{ kind: 'error', code: 'Some.Custom', afterCalls: 2 }]
    })
    expect((await listCerts(s)).status).toBe(200) // another action: not counted
    expect((await create(s)).status).toBe(200)
    expect((await create(s)).status).toBe(200)
    expectError(await create(s), 400, 'Some.Custom')
    expect((await create(s)).status).toBe(200)
    expect(s.calls.map(c => c.outcome)).toEqual([
      'listed',
      'created',
      'created',
      'fault:error',
      'created'
    ])
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
