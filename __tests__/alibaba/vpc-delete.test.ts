/**
 * DeleteSslVpnClientCert and the listings by ID (vpc-delete.ts): not-found counts as deleted,
 * waiting until gone, where a certificate named by ID is.
 */
import { describe, expect, test } from '@jest/globals'
import {
  vpcEndpoint,
  BUSY,
  JSON_HEADERS,
  signatureOf,
  START,
  TOKEN
} from '../../__fixtures__/vpc-endpoint.js'
import {
  ApiError,
  DeadlineError,
  InconsistentAnswerError,
  UnexpectedResponseError
} from '../../src/core/errors.js'

const { run, sleeps, captured, serve, client } = vpcEndpoint()

describe('deleteCertificate, waitUntilGone, findCertificateById', () => {
  const CERT = 'vsc-bp1old0000000000001'
  const DELETED = {
    statusCode: 200,
    data: { RequestId: 'REQ-DEL' },
    responseOptions: { headers: JSON_HEADERS }
  }
  const notFound = (code: string) => ({
    statusCode: 404,
    data: { RequestId: `REQ-${code.replace(/\./g, '-')}`, Code: code, Message: 'gone' },
    responseOptions: { headers: JSON_HEADERS }
  })
  const listingOn = (server: string | undefined, ...certIds: string[]) => ({
    statusCode: 200,
    data: {
      RequestId: 'REQ-LIST',
      TotalCount: certIds.length,
      PageNumber: 1,
      PageSize: 50,
      SslVpnClientCertKeys: {
        SslVpnClientCertKey: certIds.map(id => ({
          SslVpnClientCertId: id,
          ...(server === undefined ? {} : { SslVpnServerId: server }),
          Name: 'old',
          Status: 'normal',
          CreateTime: 1
        }))
      }
    },
    responseOptions: { headers: JSON_HEADERS }
  })
  const listing = (...certIds: string[]) => listingOn('vss-bp1test0001', ...certIds)

  test('delete: busy twice, then accepted; one ClientToken, the API names, a fresh signature each time', async () => {
    serve(n => (n <= 2 ? BUSY : DELETED))
    const result = await client().deleteCertificate({ certId: CERT, clientToken: TOKEN })
    expect(result).toEqual({
      certId: CERT,
      requestId: 'REQ-DEL',
      alreadyGone: false,
      notFoundCode: undefined,
      attempts: 3,
      waitedMs: sleeps().reduce((sum, ms) => sum + ms, 0),
      elapsedMs: run().clock.now() - START,
      busySeenMs: 2 * 120 + (sleeps()[0] ?? 0)
    })
    for (const request of captured) {
      expect(request.headers['x-acs-action']).toBe('DeleteSslVpnClientCert')
      expect(Object.fromEntries(request.query)).toEqual({
        RegionId: 'cn-hangzhou',
        SslVpnClientCertId: CERT,
        ClientToken: TOKEN
      })
    }
    expect(new Set(captured.map(signatureOf)).size).toBe(3)
    expect(run().logLines[0]).toContain('DeleteSslVpnClientCert attempt 1: VpnGateway.Configuring')
  })

  test.each(['InvalidSslVpnClientCertId.NotFound', 'InvalidInstanceId.NotFound'])(
    'delete answered %s: already gone, not an error, not retried',
    async code => {
      serve(() => notFound(code))
      const result = await client().deleteCertificate({ certId: CERT, clientToken: TOKEN })
      expect(result).toMatchObject({ alreadyGone: true, notFoundCode: code, attempts: 1 })
      expect(result.requestId).toBe(`REQ-${code.replace(/\./g, '-')}`)
      expect(captured).toHaveLength(1)
    }
  )

  test('delete answered Forbidden: thrown as it is (only a listing can tell what it means)', async () => {
    serve(() => ({ ...notFound('Forbidden'), statusCode: 403 }))
    const error = await client()
      .deleteCertificate({ certId: CERT, clientToken: TOKEN })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'Forbidden' })
  })

  test('a 200 without a RequestId is not an accepted delete', async () => {
    serve(() => ({ ...DELETED, data: {} }))
    const error = await client()
      .deleteCertificate({ certId: CERT, clientToken: TOKEN })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as Error).message).toMatch(
      /^Unexpected answer to DeleteSslVpnClientCert: no RequestId/
    )
  })

  test('waitUntilGone: lists by ID on this SSL server until it is no longer listed', async () => {
    serve(n => (n <= 2 ? listing(CERT) : listing()))
    const gone = await client().waitUntilGone(CERT)
    expect(gone.attempts).toBe(3)
    expect(gone.lastSeenMs).toBe(2 * 120 + (sleeps()[0] ?? 0))
    expect(gone.elapsedMs).toBe(run().clock.now() - START)
    for (const request of captured) {
      expect(request.headers['x-acs-action']).toBe('DescribeSslVpnClientCerts')
      expect(Object.fromEntries(request.query)).toMatchObject({
        SslVpnServerId: 'vss-bp1test0001',
        SslVpnClientCertId: CERT
      })
    }
    expect(run().logLines[0]).toBe(
      `DescribeSslVpnClientCerts attempt 1: ${CERT} is still listed (its deletion is under way); retrying in ${((sleeps()[0] ?? 0) / 1000).toFixed(1)} s, 300 s left before timeout-seconds.`
    )
  })

  test('waitUntilGone: the leading waits come first, then the backoff', async () => {
    serve(n => (n <= 3 ? listing(CERT) : listing()))
    await client().waitUntilGone(CERT, [1_000, 250])
    expect(sleeps().slice(0, 2)).toEqual([1_000, 250])
  })

  test('waitUntilGone: an answer without a TotalCount is not believed to mean gone', async () => {
    serve(() => ({ ...listing(), data: { RequestId: 'REQ-ODD' } }))
    await expect(client().waitUntilGone(CERT)).rejects.toBeInstanceOf(UnexpectedResponseError)
  })

  test('waitUntilGone: still listed at the deadline is a DeadlineError', async () => {
    serve(() => listing(CERT))
    const error = await client({ deadline: START + 20_000 })
      .waitUntilGone(CERT)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
  })

  test('findCertificateById: here, with one listing on this SSL server', async () => {
    serve(() => listing(CERT))
    expect(await client().findCertificateById(CERT)).toMatchObject({
      where: 'here',
      certificate: { certId: CERT, name: 'old' }
    })
    expect(captured).toHaveLength(1)
  })

  test('findCertificateById: elsewhere, told by a second, region-wide listing', async () => {
    serve(n => (n === 1 ? listing() : listingOn('vss-bp1other0002', CERT)))
    expect(await client().findCertificateById(CERT)).toEqual({ where: 'elsewhere' })
    expect(captured.map(r => r.query.get('SslVpnServerId'))).toEqual(['vss-bp1test0001', null])
    expect(captured.map(r => r.query.get('SslVpnClientCertId'))).toEqual([CERT, CERT])
  })

  test('findCertificateById: an answer that lists another ID is inconsistent (the filter was ignored)', async () => {
    serve(() => listing('vsc-somethingelse'))
    const error = await client()
      .findCertificateById(CERT)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect((error as Error).message).toMatch(
      /it lists vsc-somethingelse, though only vsc-bp1old0000000000001 was asked for/
    )
  })

  test.each([
    ['of another SSL server', 'vss-bp1other0002', /of SSL server vss-bp1other0002, though only/],
    ['without an SslVpnServerId', undefined, /without an SslVpnServerId, though only/]
  ])(
    'findCertificateById: the ID listed on this server’s listing but %s: inconsistent, never "here"',
    async (_what, server, message) => {
      serve(() => listingOn(server, CERT))
      const error = await client()
        .findCertificateById(CERT)
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(InconsistentAnswerError)
      expect((error as Error).message).toMatch(message)
      expect(captured).toHaveLength(1)
    }
  )

  test('waitUntilGone: a listing that ignores the ID filter is inconsistent, not retried', async () => {
    serve(() => listing('vsc-somethingelse'))
    const error = await client()
      .waitUntilGone(CERT)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect(captured).toHaveLength(1)
  })

  test('waitUntilGone: an entry of another SSL server is inconsistent, not "still listed"', async () => {
    serve(() => listingOn('vss-bp1other0002', CERT))
    await expect(client().waitUntilGone(CERT)).rejects.toBeInstanceOf(InconsistentAnswerError)
    expect(captured).toHaveLength(1)
  })

  test('waitUntilGone: a TotalCount that disagrees with the page is inconsistent', async () => {
    serve(() => ({ ...listing(), data: { ...listing().data, TotalCount: 1 } }))
    await expect(client().waitUntilGone(CERT)).rejects.toThrow(
      /it lists 0 certificates for a TotalCount of 1/
    )
  })
})
