/**
 * DescribeSslVpnClientCert (vpc-details.ts): key material masked before it is checked, and the
 * answer proven to be of the certificate and SSL server asked for.
 */
import { describe, expect, test } from '@jest/globals'
import { vpcEndpoint, JSON_HEADERS, START } from '../../__fixtures__/vpc-endpoint.js'
import { InconsistentAnswerError, UnexpectedResponseError } from '../../src/core/errors.js'

const { captured, serve, client } = vpcEndpoint()

describe('waitUntilReady', () => {
  test('waitUntilReady masks the key material whole and line by line, before checking it', async () => {
    const keyLine = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4KSsJLoglRUu42my'
    const key = `-----BEGIN PRIVATE KEY-----\n${keyLine}\n-----END PRIVATE KEY-----`
    serve(() => ({
      statusCode: 200,
      data: {
        RequestId: 'REQ-D',
        SslVpnClientCertId: 'vsc-ok1',
        Name: 'ci-cert',
        Status: 'normal',
        CaCert: 'ca',
        ClientCert: 'cert',
        ClientKey: key,
        ClientConfig: 'client\nremote vpn.example 1194'
      }
    }))
    const masked: string[] = []
    const error = await client({ mask: text => masked.push(text) })
      .waitUntilReady('vsc-ok1')
      .catch((e: unknown) => e)
    // 'ca' and 'cert' are no PEM blocks: the answer is refused, after everything was masked.
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(masked).toEqual([
      'ca',
      'cert',
      key,
      keyLine,
      'client\nremote vpn.example 1194',
      'remote vpn.example 1194'
    ])
  })
})

describe('answers are checked before anything in them is used', () => {
  const DEADLINE = START + 60_000
  test('a Describe answer with a malformed Status: unexpected answer, after the material is masked', async () => {
    const masked: string[] = []
    serve(() => ({
      statusCode: 200,
      data: {
        RequestId: 'REQ-D',
        SslVpnClientCertId: 'vsc-ok1',
        Name: 'ci-cert',
        Status: 'normal\n::stop-commands::x',
        CaCert: 'ca',
        ClientCert: 'cert',
        ClientKey: 'key',
        ClientConfig: 'config'
      }
    }))
    const mask = (text: string) => masked.push(text)
    const error = await client({ deadline: DEADLINE, mask })
      .waitUntilReady('vsc-ok1')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error).toMatchObject({ field: 'Status' })
    expect(masked).toEqual(['ca', 'cert', 'key', 'config'])
  })
})

describe('answers are proven to be of what was asked for', () => {
  const described = (fields: Record<string, unknown>) => ({
    statusCode: 200,
    data: { RequestId: 'REQ-D', Name: 'ci-cert', Status: 'normal', ...fields },
    responseOptions: { headers: JSON_HEADERS }
  })

  test.each<[string, Record<string, unknown>, RegExp]>([
    [
      'of another certificate',
      { SslVpnClientCertId: 'vsc-other1' },
      /answered inconsistently for certificate vsc-ok1 \(RequestId: REQ-D\): the answer is of vsc-other1\./
    ],
    ['of no certificate', {}, /the answer names no SslVpnClientCertId/],
    [
      'on another SSL server',
      { SslVpnClientCertId: 'vsc-ok1', SslVpnServerId: 'vss-bp1other0002' },
      /the certificate is on SSL server vss-bp1other0002, not on vss-bp1test0001/
    ]
  ])(
    'DescribeSslVpnClientCert answered %s: inconsistent, not retried, no material used',
    async (_what, fields, message) => {
      serve(() => described(fields))
      const error = await client()
        .waitUntilReady('vsc-ok1')
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(InconsistentAnswerError)
      expect(error).toMatchObject({ operation: 'DescribeSslVpnClientCert', requestId: 'REQ-D' })
      expect((error as Error).message).toMatch(message)
      expect(captured).toHaveLength(1)
    }
  )
})
