import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { MockAgent, type Interceptable } from 'undici'
import { interpretResponse, sendSignedRequest } from '../../src/alibaba/transport.js'
import { toTransportError } from '../../src/http/transport-error.js'
import {
  ApiError,
  CancelledError,
  TransportError,
  UnexpectedResponseError
} from '../../src/core/errors.js'
import { MAX_ANSWER_BYTES } from '../../src/alibaba/answer-text.js'
import { MAX_SHOWN_TEXT_LENGTH } from '../../src/core/text.js'
import { markAsProxyFailure } from '../../src/http/proxy.js'
import { createRedactor } from '../../src/core/redact.js'
import { signRequest, type SignedRequest } from '../../src/alibaba/signer.js'

const ORIGIN = 'https://vpc.cn-hangzhou.aliyuncs.com'
const KEY_ID = 'LTAI5tClientTestKeyId'
const KEY_SECRET = 'ClientTestSecret+/=0123456789'
const redact = createRedactor([KEY_ID, KEY_SECRET])
const NOW = Date.parse('2025-03-01T12:00:00.000Z')
const now = () => NOW
const JSON_HEADERS = { 'content-type': 'application/json;charset=utf-8' }

/** Runs `fn`, expecting it to throw, and returns what it threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('interpretResponse', () => {
  test('2xx JSON: the object', () => {
    const body = { RequestId: 'REQ-1', SslVpnClientCertId: 'vsc-bp1n8wcf134yl0osr', Name: 'n' }
    expect(interpretResponse(200, JSON_HEADERS, JSON.stringify(body), { redact, now })).toEqual(
      body
    )
  })

  test.each([
    ['an HTML page', '<html><body><h1>Login required</h1></body></html>', 'text/html'],
    ['a JSON array', '[1,2]', 'application/json'],
    ['an empty body', '', undefined]
  ])('2xx with %s: UnexpectedResponseError naming the content-type', (_what, body, type) => {
    const headers = type === undefined ? {} : { 'content-type': type }
    const error = thrownBy(() => interpretResponse(200, headers, body, { redact, now }))
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    const unexpected = error as UnexpectedResponseError
    expect(unexpected.httpStatus).toBe(200)
    expect(unexpected.message).toContain(`content-type: ${type ?? 'none'}`)
    expect(unexpected.message).not.toMatch(/[<>]/)
  })

  test('400 JSON error: ApiError with every field', () => {
    const date = 'Sat, 01 Mar 2025 12:00:02 GMT'
    const error = thrownBy(() =>
      interpretResponse(
        400,
        { ...JSON_HEADERS, 'x-acs-retry-after': '1500', date },
        JSON.stringify({
          Message: 'The specified service is configuring.',
          Code: 'VpnGateway.Configuring',
          HostId: 'vpc.cn-hangzhou.aliyuncs.com',
          RequestId: '079874CD-AEC1-43E6-AC03-ADD96B6E4907',
          Recommend: 'https://api.aliyun.com/troubleshoot?q=VpnGateway.Configuring'
        }),
        { redact, now }
      )
    )
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      code: 'VpnGateway.Configuring',
      message: 'The specified service is configuring.',
      requestId: '079874CD-AEC1-43E6-AC03-ADD96B6E4907',
      httpStatus: 400,
      recommend: 'https://api.aliyun.com/troubleshoot?q=VpnGateway.Configuring',
      retryAfterMs: 1500,
      serverDate: new Date('2025-03-01T12:00:02.000Z'),
      // the server's clock is 2 s ahead of the injected local clock
      clockSkewMs: 2_000
    })
  })

  test('a server clock behind the local one gives a negative skew', () => {
    const error = thrownBy(() =>
      interpretResponse(
        400,
        { date: 'Sat, 01 Mar 2025 11:40:00 GMT' },
        '{"Code":"InvalidTimeStamp.Expired","Message":"expired","RequestId":"R"}',
        { redact, now }
      )
    ) as ApiError
    expect(error.clockSkewMs).toBe(-20 * 60_000)
  })

  test.each([
    ['absent', {}],
    ['not a number', { 'x-acs-retry-after': 'soon' }],
    ['negative', { 'x-acs-retry-after': '-5' }],
    ['empty', { 'x-acs-retry-after': '' }],
    ['zero (a request storm if taken literally)', { 'x-acs-retry-after': '0' }],
    ['zero, spelled otherwise', { 'x-acs-retry-after': ' 0.0 ' }],
    ['infinite', { 'x-acs-retry-after': 'Infinity' }]
  ])('x-acs-retry-after %s: no server wait', (_what, headers) => {
    const error = thrownBy(() =>
      interpretResponse(400, headers, '{"Code":"Throttling.User","Message":"m"}', { redact, now })
    ) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.retryAfterMs).toBeUndefined()
  })

  test('no or an invalid Date header: no server date and no skew', () => {
    for (const headers of [{}, { date: 'yesterday-ish' }]) {
      const error = thrownBy(() =>
        interpretResponse(400, headers, '{"Code":"Forbidden","Message":"m"}', { redact, now })
      ) as ApiError
      expect(error.serverDate).toBeUndefined()
      expect(error.clockSkewMs).toBeUndefined()
    }
  })

  test('the RequestId falls back to the x-acs-request-id header', () => {
    const error = thrownBy(() =>
      interpretResponse(
        503,
        { 'x-acs-request-id': 'HDR-REQ' },
        '{"Code":"ServiceUnavailable","Message":"m"}',
        { redact, now }
      )
    ) as ApiError
    expect(error.requestId).toBe('HDR-REQ')
    expect(error.httpStatus).toBe(503)
  })

  test('the message passes through the redactor (secrets and the string to sign)', () => {
    const message = `Specified signature is not matched. AccessKeyId ${KEY_ID}; server string to sign is:POST&%2F&AccessKeyId%3D${KEY_ID}`
    const error = thrownBy(() =>
      interpretResponse(
        400,
        JSON_HEADERS,
        JSON.stringify({ Code: 'SignatureDoesNotMatch', Message: message, RequestId: 'R' }),
        { redact, now }
      )
    ) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.message).not.toContain(KEY_ID)
    expect(error.message).toContain('***')
    expect(error.message).toMatch(/^Specified signature is not matched/)
  })

  test('every text taken from the answer and shown to the user is redacted, Recommend too', () => {
    const error = thrownBy(() =>
      interpretResponse(
        400,
        JSON_HEADERS,
        JSON.stringify({
          Code: 'SignatureDoesNotMatch',
          Message: 'm',
          // percent-encoded: a form the runner's exact-value masking does not catch
          Recommend: `https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&k=${encodeURIComponent(KEY_SECRET)}`
        }),
        { redact, now }
      )
    ) as ApiError
    expect(error.recommend).toMatch(
      /^https:\/\/api\.aliyun\.com\/troubleshoot\?q=SignatureDoesNotMatch/
    )
    expect(error.recommend).not.toContain(encodeURIComponent(KEY_SECRET))
  })

  test('502 HTML: UnexpectedResponseError with a short, tag-free excerpt', () => {
    const page = `<html>\n<head><title>502 Bad Gateway</title><style>body { color: red }</style><script>var t = 1</script></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n`
    const error = thrownBy(() =>
      interpretResponse(502, { 'content-type': 'text/html' }, page, { redact, now })
    )
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    const unexpected = error as UnexpectedResponseError
    expect(unexpected.httpStatus).toBe(502)
    expect(unexpected.message).toContain('502 Bad Gateway')
    expect(unexpected.message).toContain('nginx')
    expect(unexpected.message).not.toMatch(/[<>\n]/)
    expect(unexpected.message).not.toContain('color: red')
    expect(unexpected.message).not.toContain('var t')
  })

  test('a long page is cut to a readable excerpt', () => {
    const page = `<p>${'word '.repeat(2_000)}</p>`
    const error = thrownBy(() => interpretResponse(504, {}, page, { redact, now })) as Error
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error.message.length).toBeLessThan(400)
  })

  test('a page quoting a secret is redacted', () => {
    const error = thrownBy(() =>
      interpretResponse(502, {}, `<p>denied for ${KEY_ID}</p>`, { redact, now })
    ) as Error
    expect(error.message).not.toContain(KEY_ID)
  })

  test('no piece of a secret survives where the excerpt is cut', () => {
    // The secret starts a few characters before the excerpt's cut (160 characters).
    const page = `<p>${'x'.repeat(150)} ${KEY_SECRET} tail</p>`
    const error = thrownBy(() => interpretResponse(502, {}, page, { redact, now })) as Error
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error.message).not.toContain(KEY_SECRET.slice(0, 8))
  })

  test('an empty 5xx body says so', () => {
    const error = thrownBy(() => interpretResponse(503, {}, '', { redact, now })) as Error
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error.message).toContain('an empty body')
  })

  test('a 4xx JSON answer without Code: UnexpectedResponseError with its RequestId', () => {
    const error = thrownBy(() =>
      interpretResponse(404, JSON_HEADERS, '{"RequestId":"REQ-404","Message":"Not Found"}', {
        redact,
        now
      })
    )
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error).toMatchObject({ httpStatus: 404, requestId: 'REQ-404' })
  })
})

describe('interpretResponse: answers are hostile input', () => {
  const options = { redact, now, action: 'CreateSslVpnClientCert' }
  const LINE_BREAKS = ['\n', '\r', '\r\n', '\u2028', '\u2029', '\u0085']

  test.each(LINE_BREAKS.map(b => [JSON.stringify(b), b]))(
    'a %s in Message or Recommend never reaches the error: one line, the rest kept',
    (_shown, lineBreak) => {
      const error = thrownBy(() =>
        interpretResponse(
          400,
          JSON_HEADERS,
          JSON.stringify({
            Code: 'Some.Code',
            Message: `bad${lineBreak}::add-mask::x${lineBreak}${lineBreak}# Heading`,
            Recommend: `https://r${lineBreak}::error title=t::forged`,
            RequestId: 'REQ-1'
          }),
          options
        )
      ) as ApiError
      expect(error).toBeInstanceOf(ApiError)
      expect(error.message).toBe('bad ::add-mask::x # Heading')
      expect(error.recommend).toBe('https://r ::error title=t::forged')
    }
  )

  test.each([
    ['Code', { Code: 'Forbidden\n::add-mask::x', RequestId: 'REQ-1' }, 'Code'],
    ['Code', { Code: 'A'.repeat(129), RequestId: 'REQ-1' }, 'Code'],
    ['RequestId', { Code: 'Forbidden', RequestId: 'REQ\r::group::x' }, 'RequestId'],
    ['RequestId', { Code: 'Forbidden', RequestId: 'REQ\u2028x' }, 'RequestId']
  ])('an error answer with a malformed %s: unexpected answer naming it', (_what, body, field) => {
    const error = thrownBy(() =>
      interpretResponse(403, JSON_HEADERS, JSON.stringify({ Message: 'm', ...body }), options)
    ) as UnexpectedResponseError
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error).toMatchObject({ httpStatus: 403, field })
    expect(error.message).toMatch(
      new RegExp(
        `^Unexpected answer to CreateSslVpnClientCert(?: \\(RequestId: REQ-1\\))?: ${field} is "`
      )
    )
    expect(error.message).not.toMatch(/[\r\n\u2028\u2029]/)
  })

  test('a malformed x-acs-request-id header: unexpected answer naming the header', () => {
    const error = thrownBy(() =>
      interpretResponse(503, { 'x-acs-request-id': 'a b' }, '{"Code":"X","Message":"m"}', options)
    ) as UnexpectedResponseError
    expect(error).toMatchObject({ httpStatus: 503, field: 'the x-acs-request-id header' })
  })

  test('a 2xx answer with a malformed RequestId is not a success', () => {
    const error = thrownBy(() =>
      interpretResponse(
        200,
        JSON_HEADERS,
        JSON.stringify({ RequestId: 'R\n::add-mask::x', SslVpnClientCertId: 'vsc-1' }),
        options
      )
    )
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error).toMatchObject({ httpStatus: 200, field: 'RequestId' })
  })

  test('a huge Message is cut to a few hundred characters', () => {
    const error = thrownBy(() =>
      interpretResponse(
        400,
        JSON_HEADERS,
        JSON.stringify({ Code: 'X', Message: `start ${'m'.repeat(500_000)}` }),
        options
      )
    ) as ApiError
    expect(error.message).toMatch(/^start m+…$/)
    expect(error.message.length).toBeLessThanOrEqual(MAX_SHOWN_TEXT_LENGTH)
  })

  test.each([
    ['\\/-escaped', (s: string) => s.replaceAll('/', '\\/')],
    [
      'lower-case percent-encoded',
      (s: string) => encodeURIComponent(s).replace(/%../g, e => e.toLowerCase())
    ],
    [
      '\\u-escaped',
      (s: string) => s.replace(/[+/=]/g, c => `\\u00${c.charCodeAt(0).toString(16)}`)
    ],
    ['HTML-escaped', (s: string) => s.replace(/[+/=]/g, c => `&#x${c.charCodeAt(0).toString(16)};`)]
  ])('a secret echoed %s is redacted, in a JSON message and in a page', (_what, escape) => {
    const echoed = escape(KEY_SECRET)
    const json = thrownBy(() =>
      interpretResponse(
        400,
        JSON_HEADERS,
        JSON.stringify({ Code: 'X', Message: `k=${echoed}` }),
        options
      )
    ) as ApiError
    expect(json.message).toBe('k=***')
    const page = thrownBy(() =>
      interpretResponse(502, {}, `<p>k=${echoed}</p>`, options)
    ) as UnexpectedResponseError
    expect(page.message).toContain('"k=***"')
  })
})

describe('toTransportError', () => {
  const options = { origin: ORIGIN, timeoutMs: 10_000, redact }
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

  test.each([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID'
  ])(
    'an untrusted certificate (%s, nested in cause): permanent, names NODE_EXTRA_CA_CERTS',
    code => {
      const error = new TypeError('fetch failed', { cause: withCode('certificate problem', code) })
      const transport = toTransportError(error, false, options)
      expect(transport).toBeInstanceOf(TransportError)
      expect(transport).toMatchObject({ transportCode: code, retryable: false })
      expect(transport.message).toContain('NODE_EXTRA_CA_CERTS')
      expect(transport.message).toContain(ORIGIN)
    }
  )

  test.each([
    ['ECONNRESET', true],
    ['ECONNREFUSED', true],
    ['ETIMEDOUT', true],
    ['EAI_AGAIN', true],
    ['UND_ERR_SOCKET', true],
    ['ENOTFOUND', false],
    ['ERR_SSL_WRONG_VERSION_NUMBER', false]
  ])('%s: retryable=%s', (code, retryable) => {
    const transport = toTransportError(withCode(`${code} happened`, code), false, options)
    expect(transport).toBeInstanceOf(TransportError)
    expect(transport).toMatchObject({ transportCode: code, retryable })
    expect(transport.message).toContain(code)
    expect(transport.message).toContain(ORIGIN)
  })

  test('the attempt’s own timeout: ATTEMPT_TIMEOUT, retryable, says how long', () => {
    const transport = toTransportError(new DOMException('timed out', 'TimeoutError'), true, options)
    expect(transport).toMatchObject({ transportCode: 'ATTEMPT_TIMEOUT', retryable: true })
    expect(transport.message).toContain('10 s')
    expect(transport.message).toContain(ORIGIN)
  })

  test('a cancelled workflow: the cancellation itself, not a transport fault', () => {
    const controller = new AbortController()
    const reason = new CancelledError('received SIGTERM')
    controller.abort(reason)
    expect(
      toTransportError(new Error('aborted'), false, { ...options, signal: controller.signal })
    ).toBe(reason)
  })

  test('the detail is redacted', () => {
    const transport = toTransportError(
      withCode(`reset while sending ${KEY_ID}`, 'ECONNRESET'),
      false,
      options
    )
    expect(transport.message).not.toContain(KEY_ID)
  })

  describe('the cause, from the error’s cause chain, on one line', () => {
    // What undici's fetch throws: "fetch failed", with the socket's or TLS's error as its cause.
    const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause })

    test.each([
      [
        'a closed port',
        withCode('connect ECONNREFUSED 127.0.0.1:40709', 'ECONNREFUSED'),
        /^Connection to https:\S+ failed \(ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:40709\)\.$/
      ],
      [
        'a name that does not resolve',
        withCode('getaddrinfo ENOTFOUND api.github.invalid', 'ENOTFOUND'),
        /^Cannot reach https:\S+ \(ENOTFOUND: getaddrinfo ENOTFOUND api\.github\.invalid\)\.$/
      ],
      [
        'a self-signed certificate',
        withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'),
        /^The TLS certificate of https:\S+ was not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate\)\./
      ],
      [
        'a self-signed certificate, with the hint Node 24 adds for its own command line',
        withCode(
          'self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca',
          'DEPTH_ZERO_SELF_SIGNED_CERT'
        ),
        /^The TLS certificate of https:\S+ was not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate\)\. The action always verifies TLS; .*NODE_EXTRA_CA_CERTS/
      ],
      [
        'a certificate of an unknown CA',
        withCode('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
        /\(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\)/
      ],
      [
        'a port fetch refuses, without a code',
        new Error('bad port'),
        /^Connection to https:\S+ failed \(UNKNOWN: bad port\)\.$/
      ]
    ])('%s: the cause is shown, not "fetch failed"', (_what, cause, message) => {
      const transport = toTransportError(fetchFailed(cause), false, options)
      expect(transport.message).toMatch(message)
      expect(transport.message).not.toContain('fetch failed')
    })

    test('every address refused (happy eyeballs’ AggregateError): the first one’s code and words', () => {
      const refused = new AggregateError(
        [
          withCode('connect ECONNREFUSED ::1:40709', 'ECONNREFUSED'),
          withCode('connect ECONNREFUSED 127.0.0.1:40709', 'ECONNREFUSED')
        ],
        ''
      )
      const transport = toTransportError(fetchFailed(refused), false, options)
      expect(transport).toMatchObject({ transportCode: 'ECONNREFUSED', retryable: true })
      expect(transport.message).toContain('(ECONNREFUSED: connect ECONNREFUSED ::1:40709)')
    })

    test('several informative levels: outermost first, joined on one line, redacted, cut', () => {
      const inner = withCode(
        `socket hang up\nwhile sending ${KEY_ID}\r\n${'x'.repeat(1000)}`,
        'ECONNRESET'
      )
      const outer = new Error('Secure connection failed', { cause: inner })
      const transport = toTransportError(fetchFailed(outer), false, options)
      expect(transport.message).toMatch(
        /\(ECONNRESET: Secure connection failed: socket hang up while sending /
      )
      expect(transport.message).not.toContain(KEY_ID)
      expect(transport.message).not.toMatch(/[\r\n]/)
      expect(transport.message.length).toBeLessThan(500)
    })

    test('a cause that points back at itself is read once', () => {
      const looping = withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')
      Object.assign(looping, { cause: looping })
      const transport = toTransportError(fetchFailed(looping), false, options)
      expect(transport.message).toContain('(ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1)')
    })
  })

  test('every transport fault carries the origin it could not reach', () => {
    for (const error of [
      toTransportError(withCode('x', 'ECONNRESET'), false, options),
      toTransportError(withCode('x', 'ENOTFOUND'), false, options),
      toTransportError(withCode('x', 'CERT_HAS_EXPIRED'), false, options),
      toTransportError(
        new Error('Proxy response (403) !== 200 when HTTP Tunneling'),
        false,
        options
      ),
      toTransportError(new Error('timeout'), true, options)
    ]) {
      expect(error).toBeInstanceOf(TransportError)
      expect((error as TransportError).origin).toBe(ORIGIN)
    }
  })

  test('an attempt cut short by the deadline says how long it had, in tenths', () => {
    const transport = toTransportError(new Error('timeout'), true, { ...options, timeoutMs: 987 })
    expect(transport.message).toBe(`No answer from ${ORIGIN} within 1 s.`)
    const short = toTransportError(new Error('timeout'), true, { ...options, timeoutMs: 240 })
    expect(short.message).toBe(`No answer from ${ORIGIN} within 0.2 s.`)
  })

  test('`target` names what was called; the origin stays the origin', () => {
    const transport = toTransportError(withCode('x', 'DEPTH_ZERO_SELF_SIGNED_CERT'), false, {
      ...options,
      target: `the OIDC token service at ${ORIGIN}`
    })
    expect(transport.message).toMatch(/^The TLS certificate of the OIDC token service at https:/)
    expect(transport).toMatchObject({ origin: ORIGIN, retryable: false })
  })

  describe('failures of the connection to the proxy (marked by proxy.ts)', () => {
    const proxyFailure = (code: string, message: string, variable = 'HTTPS_PROXY') => {
      const error = withCode(message, code)
      markAsProxyFailure(error, variable)
      return error
    }

    test.each([
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID'
    ])('an untrusted proxy certificate (%s): the proxy named, not the API; permanent', code => {
      const transport = toTransportError(proxyFailure(code, 'certificate problem'), false, options)
      expect(transport).toMatchObject({ transportCode: code, retryable: false })
      expect(transport.message).toMatch(
        /^The TLS certificate of the proxy from HTTPS_PROXY was not trusted/
      )
      expect(transport.message).toContain('neither its credentials nor the request')
      expect(transport.message).toContain('NODE_EXTRA_CA_CERTS')
    })

    test('undici’s wrapper for a proxy with the wrong host name: the inner TLS code', () => {
      const inner = proxyFailure(
        'ERR_TLS_CERT_ALTNAME_INVALID',
        "Hostname/IP does not match certificate's altnames"
      )
      const wrapped = Object.assign(new Error('Secure Proxy Connection failed', { cause: inner }), {
        code: 'UND_ERR_PRX_TLS'
      })
      const transport = toTransportError(wrapped, false, options)
      expect(transport).toMatchObject({
        transportCode: 'ERR_TLS_CERT_ALTNAME_INVALID',
        retryable: false
      })
      expect(transport.message).toMatch(/the proxy from HTTPS_PROXY was not trusted/)
    })

    test.each([
      ['ECONNREFUSED', true, /^Connection to the proxy from http_proxy failed \(ECONNREFUSED/],
      ['ENOTFOUND', false, /^Cannot reach the proxy from http_proxy \(ENOTFOUND/]
    ])('%s: retryable=%s, the proxy named by its variable', (code, retryable, message) => {
      const transport = toTransportError(
        proxyFailure(code, `${code} proxy.corp:3128`, 'http_proxy'),
        false,
        options
      )
      expect(transport).toMatchObject({ transportCode: code, retryable })
      expect(transport.message).toMatch(message)
      expect(transport.message).toContain(`the request for ${ORIGIN} was not sent`)
    })
  })
})

describe('sendSignedRequest through a MockAgent', () => {
  let agent: MockAgent
  let pool: Interceptable
  let signed: SignedRequest

  beforeEach(() => {
    agent = new MockAgent()
    agent.disableNetConnect()
    pool = agent.get(ORIGIN)
    signed = signRequest(
      'v3',
      {
        host: 'vpc.cn-hangzhou.aliyuncs.com',
        action: 'CreateSslVpnClientCert',
        version: '2016-04-28',
        params: { RegionId: 'cn-hangzhou', SslVpnServerId: 'vss-a1', ClientToken: 'tok-1' }
      },
      { accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET },
      { date: new Date(NOW), nonce: 'nonce-1' }
    )
  })

  afterEach(async () => {
    await agent.close()
  })

  const send = (extra: { signal?: AbortSignal; timeoutMs?: number } = {}) =>
    sendSignedRequest(signed, {
      origin: ORIGIN,
      dispatcher: agent,
      timeoutMs: extra.timeoutMs ?? 5_000,
      redact,
      now,
      ...(extra.signal ? { signal: extra.signal } : {})
    })

  const onPostToRoot = { path: (path: string) => path.startsWith('/?'), method: 'POST' }

  test('success: POST /?<the signed query> with the signed headers; the JSON answer', async () => {
    const seen: { path: string; method: string; authorization: unknown }[] = []
    pool.intercept(onPostToRoot).reply(opts => {
      const headers = opts.headers as Record<string, string> | undefined
      seen.push({ path: opts.path, method: opts.method, authorization: headers?.['authorization'] })
      return {
        statusCode: 200,
        data: { RequestId: 'REQ-OK', SslVpnClientCertId: 'vsc-1' },
        responseOptions: { headers: JSON_HEADERS }
      }
    })
    await expect(send()).resolves.toEqual({ RequestId: 'REQ-OK', SslVpnClientCertId: 'vsc-1' })
    expect(seen).toEqual([
      {
        path: `/?${signed.queryString}`,
        method: 'POST',
        authorization: signed.headers['authorization']
      }
    ])
  })

  test('an error answer: ApiError', async () => {
    pool
      .intercept(onPostToRoot)
      .reply(
        400,
        { Code: 'VpnGateway.Configuring', Message: 'configuring', RequestId: 'REQ-B' },
        { headers: { ...JSON_HEADERS, date: new Date(NOW + 1_000).toUTCString() } }
      )
    const error = await send().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      code: 'VpnGateway.Configuring',
      requestId: 'REQ-B',
      httpStatus: 400,
      clockSkewMs: 1_000
    })
  })

  test('a proxy page: UnexpectedResponseError', async () => {
    pool.intercept(onPostToRoot).reply(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', {
      headers: { 'content-type': 'text/html' }
    })
    const error = await send().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error).toMatchObject({ httpStatus: 502 })
  })

  test('an answer of exactly 1 MiB is read', async () => {
    const pad = 'A'.repeat(MAX_ANSWER_BYTES - JSON.stringify({ RequestId: 'R', Pad: '' }).length)
    const body = JSON.stringify({ RequestId: 'R', Pad: pad })
    expect(Buffer.byteLength(body)).toBe(MAX_ANSWER_BYTES)
    pool.intercept(onPostToRoot).reply(200, body, { headers: JSON_HEADERS })
    await expect(send()).resolves.toMatchObject({ RequestId: 'R' })
  })

  test.each([
    ['1 MiB + 1 byte', MAX_ANSWER_BYTES + 1],
    ['8 MiB', 8 * MAX_ANSWER_BYTES]
  ])('an answer of %s: unexpected answer, naming the action and the body', async (_what, size) => {
    const body = `{"Code":"X","Message":"${'A'.repeat(size - 25)}"}`
    pool.intercept(onPostToRoot).reply(400, body, { headers: JSON_HEADERS })
    const error = (await send().catch((e: unknown) => e)) as UnexpectedResponseError
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error).toMatchObject({ httpStatus: 400, field: 'body' })
    expect(error.message).toMatch(
      /^Unexpected answer to CreateSslVpnClientCert: body is larger than 1 MiB \(HTTP 400\)/
    )
  })

  test('no answer (replyWithError): TransportError', async () => {
    pool
      .intercept(onPostToRoot)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    const error = await send().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransportError)
    expect(error).toMatchObject({ transportCode: 'ECONNRESET', retryable: true })
  })

  test('an answer slower than the attempt timeout: ATTEMPT_TIMEOUT', async () => {
    pool.intercept(onPostToRoot).reply(200, { RequestId: 'late' }).delay(2_000)
    const error = await send({ timeoutMs: 50 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransportError)
    expect(error).toMatchObject({ transportCode: 'ATTEMPT_TIMEOUT', retryable: true })
  })

  test('a cancelled workflow: rejects with the cancellation', async () => {
    pool.intercept(onPostToRoot).reply(200, { RequestId: 'never' }).delay(2_000)
    const controller = new AbortController()
    const reason = new CancelledError('received SIGINT')
    setTimeout(() => controller.abort(reason), 20)
    await expect(send({ signal: controller.signal })).rejects.toBe(reason)
  })
})
