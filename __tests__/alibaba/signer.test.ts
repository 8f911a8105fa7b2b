import { describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import openapiUtil from '@alicloud/openapi-util'
import { V1_VECTORS, V3_VECTORS } from '../../__fixtures__/signature-vectors.js'
import {
  EMPTY_BODY_SHA256,
  canonicalQueryString,
  canonicalRequestV3,
  formatTimestamp,
  percentEncode,
  signRequest,
  signV1,
  signV3,
  signatureV1,
  stringToSignV1,
  type Credentials,
  type RpcRequest
} from '../../src/alibaba/signer.js'

// The official library is CommonJS compiled from TypeScript: its class is `exports.default`.
const Util = openapiUtil.default

const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')

describe('official test vectors', () => {
  test.each(V3_VECTORS)('V3: $title', vector => {
    const signed = signV3(vector.request, vector.credentials, {
      date: new Date(vector.date),
      nonce: vector.nonce
    })
    const { canonicalRequest, signedHeaders } = canonicalRequestV3(
      'POST',
      signed.queryString,
      signed.headers,
      EMPTY_BODY_SHA256
    )
    expect(signedHeaders).toBe(vector.signedHeaders)
    expect(sha256Hex(canonicalRequest)).toBe(vector.canonicalRequestSha256)
    expect(signed.headers['authorization']).toBe(
      `ACS3-HMAC-SHA256 Credential=${vector.credentials.accessKeyId},SignedHeaders=${vector.signedHeaders},Signature=${vector.signature}`
    )
  })

  test.each(V1_VECTORS)('V1: $title', vector => {
    const stringToSign = stringToSignV1(vector.method, vector.params)
    expect(stringToSign).toBe(vector.stringToSign)
    expect(signatureV1(vector.secret, stringToSign)).toBe(vector.signature)
  })
})

describe('percentEncode', () => {
  test.each([
    ['abcXYZ019-_.~', 'abcXYZ019-_.~'],
    [' ', '%20'],
    ['*', '%2A'],
    ["!'()", '%21%27%28%29'],
    ['+/=&:', '%2B%2F%3D%26%3A'],
    ['é', '%C3%A9'],
    ['😀', '%F0%9F%98%80']
  ])('%j → %s', (input, expected) => {
    expect(percentEncode(input)).toBe(expected)
  })
})

test('canonicalQueryString sorts by code unit and encodes names and values', () => {
  expect(canonicalQueryString({ b: '2', B: '1', a: 'x y', 'a~': '*' })).toBe(
    'B=1&a=x%20y&a~=%2A&b=2'
  )
  expect(canonicalQueryString({})).toBe('')
})

test('formatTimestamp drops milliseconds and uses UTC', () => {
  expect(formatTimestamp(new Date(Date.UTC(2026, 10, 27, 8, 5, 9, 999)))).toBe(
    '2026-11-27T08:05:09Z'
  )
})

// ---------------------------------------------------------------------------------------------
// Property tests: our signer against the official @alicloud/openapi-util on random requests.

/** Values with unicode and every character the reference calls out. */
const valueArbitrary = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...Array.from("+*~'()!/ :&=%?#aZ9é中😀")), maxLength: 20 }),
  fc.string({ maxLength: 20 })
)
/** Parameter names as APIs use them (the official V3 code does not encode names). */
const nameArbitrary = fc.stringMatching(/^[A-Za-z][A-Za-z0-9.]{0,15}$/)
const paramsArbitrary = fc.dictionary(nameArbitrary, valueArbitrary, { maxKeys: 8 })
const secretArbitrary = fc.string({ minLength: 1, maxLength: 40 })
const credentialsArbitrary: fc.Arbitrary<Credentials> = fc.record(
  {
    accessKeyId: fc.stringMatching(/^(STS\.)?[A-Za-z0-9]{8,24}$/),
    accessKeySecret: secretArbitrary,
    securityToken: fc.stringMatching(/^[A-Za-z0-9+/=]{10,200}$/)
  },
  { requiredKeys: ['accessKeyId', 'accessKeySecret'] }
)
const dateArbitrary = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2099-12-31T23:59:59Z'),
  noInvalidDate: true
})
const nonceArbitrary = fc.stringMatching(/^[0-9a-f]{32}$/)

function requestFor(params: Record<string, string>): RpcRequest {
  return {
    host: 'vpc.cn-hangzhou.aliyuncs.com',
    action: 'CreateSslVpnClientCert',
    version: '2016-04-28',
    params
  }
}

/** Parses a query string back into decoded name/value pairs. */
function decodeQuery(query: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (query === '') return out
  for (const pair of query.split('&')) {
    const [name = '', value = ''] = pair.split('=')
    out[decodeURIComponent(name)] = decodeURIComponent(value)
  }
  return out
}

describe('agrees with @alicloud/openapi-util (property tests)', () => {
  test('V3 Authorization header', () => {
    fc.assert(
      fc.property(
        paramsArbitrary,
        credentialsArbitrary,
        dateArbitrary,
        nonceArbitrary,
        (params, credentials, date, nonce) => {
          const signed = signV3(requestFor(params), credentials, { date, nonce })
          const { authorization, ...headers } = signed.headers
          const expected = Util.getAuthorization(
            { method: 'POST', pathname: '/', query: params, headers } as never,
            'ACS3-HMAC-SHA256',
            EMPTY_BODY_SHA256,
            credentials.accessKeyId,
            credentials.accessKeySecret
          )
          expect(authorization).toBe(expected)
          // What is sent is exactly what was signed: the query decodes back to the parameters.
          expect(decodeQuery(signed.queryString)).toEqual(params)
        }
      ),
      { numRuns: 300 }
    )
  })

  test('V1 Signature', () => {
    fc.assert(
      fc.property(
        paramsArbitrary,
        credentialsArbitrary,
        dateArbitrary,
        nonceArbitrary,
        (params, credentials, date, nonce) => {
          const signed = signV1(requestFor(params), credentials, { date, nonce })
          const sent = decodeQuery(signed.queryString)
          const { Signature: signature, ...signedParams } = sent
          expect(signature).toBe(
            Util.getRPCSignature(signedParams, 'POST', credentials.accessKeySecret)
          )
          // The operation's own parameters travel unchanged next to the common ones
          // (the common names win: an operation never uses them).
          for (const [name, value] of Object.entries(params)) {
            if (!(name in COMMON_V1_NAMES)) expect(sent[name]).toBe(value)
          }
        }
      ),
      { numRuns: 300 }
    )
  })
})

const COMMON_V1_NAMES = {
  Action: 1,
  Version: 1,
  Format: 1,
  AccessKeyId: 1,
  SignatureMethod: 1,
  SignatureVersion: 1,
  SignatureNonce: 1,
  Timestamp: 1,
  SecurityToken: 1
}

describe('every attempt is signed afresh', () => {
  const credentials = { accessKeyId: 'id', accessKeySecret: 'secret', securityToken: 'tok' }
  const request = requestFor({ RegionId: 'cn-hangzhou', ClientToken: 'same' })

  test.each(['v3', 'v1'] as const)('%s: a new nonce or date gives a new signature', version => {
    const a = signRequest(version, request, credentials, { date: new Date(0), nonce: 'n1' })
    const b = signRequest(version, request, credentials, { date: new Date(0), nonce: 'n2' })
    const c = signRequest(version, request, credentials, { date: new Date(1000), nonce: 'n1' })
    const signatureOf = (s: typeof a) =>
      version === 'v3' ? s.headers['authorization'] : decodeQuery(s.queryString)['Signature']
    expect(new Set([signatureOf(a), signatureOf(b), signatureOf(c)]).size).toBe(3)
  })

  test('STS: the security token is signed (V3 header, V1 parameter)', () => {
    const v3 = signV3(request, credentials, { date: new Date(0), nonce: 'n' })
    expect(v3.headers['x-acs-security-token']).toBe('tok')
    expect(v3.headers['authorization']).toContain('x-acs-security-token')
    const v1 = signV1(request, credentials, { date: new Date(0), nonce: 'n' })
    expect(decodeQuery(v1.queryString)['SecurityToken']).toBe('tok')
  })
})
