import { describe, expect, test } from '@jest/globals'
import {
  ApiError,
  AttemptLimitError,
  CancelledError,
  DeadlineError,
  InputError,
  TransportError,
  UnexpectedResponseError,
  type ApiErrorFields
} from '../../src/core/errors.js'
import { describeFailure, HINTS, type FailureContext } from '../../src/runner/failure.js'

function apiError(fields: Partial<ApiErrorFields> & { code: string }): ApiError {
  return new ApiError({
    message: 'The message from the API.',
    requestId: '606998F0-B94D-48FE-8316-ACA81BB230DA',
    httpStatus: 400,
    recommend: undefined,
    retryAfterMs: undefined,
    serverDate: undefined,
    clockSkewMs: undefined,
    ...fields
  })
}

const TOKEN = 'gha-0123456789abcdef0123456789abcdef01234567'
const CONTEXT: FailureContext = { clientToken: TOKEN, timeoutSeconds: 300 }
const NO_CONTEXT: FailureContext = { clientToken: undefined, timeoutSeconds: undefined }

describe('describeFailure: API errors', () => {
  test('every non-retryable code of reference §3, and the busy gateway, has a hint', () => {
    expect(Object.keys(HINTS)).toEqual(
      expect.arrayContaining([
        'Forbidden',
        'Forbbiden.SubUser',
        'Resource.QuotaFull',
        'VpnGateway.FinancialLocked',
        'InvalidName',
        'InvalidTimeStamp.Expired',
        'SignatureDoesNotMatch',
        'InvalidAccessKeyId.NotFound',
        'SignatureNonceUsed',
        'IdempotentParameterMismatch',
        'VpnGateway.Configuring'
      ])
    )
  })

  test.each(Object.entries(HINTS))(
    '%s: "Code: Message (RequestId: X)" and the hint',
    (code, hint) => {
      const error = apiError({ code, message: `Message for ${code}.`, requestId: 'REQ-42' })
      expect(describeFailure(error, CONTEXT)).toBe(
        `${code}: Message for ${code}. (RequestId: REQ-42)\n${hint}`
      )
    }
  )

  test('without a RequestId there is no empty "(RequestId: )"', () => {
    const text = describeFailure(apiError({ code: 'Forbidden', requestId: undefined }), CONTEXT)
    expect(text.split('\n')[0]).toBe('Forbidden: The message from the API.')
    expect(text).not.toContain('RequestId')
  })

  test('an unknown code with Recommend shows the diagnosis link', () => {
    const recommend = 'https://api.aliyun.com/troubleshoot?q=Vpc.NewCode&product=Vpc'
    const text = describeFailure(apiError({ code: 'Vpc.NewCode', recommend }), CONTEXT)
    const lines = text.split('\n')
    expect(lines[0]).toBe(
      'Vpc.NewCode: The message from the API. (RequestId: 606998F0-B94D-48FE-8316-ACA81BB230DA)'
    )
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(recommend)
  })

  test('an unknown code without Recommend is one line', () => {
    const text = describeFailure(apiError({ code: 'Vpc.NewCode' }), CONTEXT)
    expect(text).toBe(
      'Vpc.NewCode: The message from the API. (RequestId: 606998F0-B94D-48FE-8316-ACA81BB230DA)'
    )
  })

  describe('InvalidTimeStamp.Expired with the measured clock skew', () => {
    const serverDate = new Date('2025-03-01T12:00:00.000Z')
    const expired = (clockSkewMs: number) =>
      apiError({ code: 'InvalidTimeStamp.Expired', serverDate, clockSkewMs })

    test('server ahead: the runner is behind, by 20 minutes', () => {
      const text = describeFailure(expired(20 * 60_000), CONTEXT)
      expect(text.split('\n')[0]).toMatch(/^InvalidTimeStamp\.Expired: /)
      expect(text).toMatch(/runner's clock is about 20 min behind the API's/)
      expect(text).toContain(serverDate.toISOString())
      expect(text).toMatch(/15 minutes/)
      expect(text).toMatch(/NTP/)
    })

    test('server behind: the runner is ahead, by 3 hours', () => {
      const text = describeFailure(expired(-3 * 3_600_000), CONTEXT)
      expect(text).toMatch(/about 3 h ahead of the API's/)
      expect(text).not.toMatch(/behind/)
    })

    test('a skew under two minutes is given in seconds', () => {
      expect(describeFailure(expired(-90_000), CONTEXT)).toMatch(/about 90 s ahead of/)
      expect(describeFailure(expired(16 * 60_000 + 30_000), CONTEXT)).toMatch(/about 17 min behind/)
    })

    test('a skew too small to explain the error does not blame the clock', () => {
      const text = describeFailure(expired(3_000), CONTEXT)
      expect(text).toMatch(/agrees with the API's within 3 s/)
      expect(text).not.toMatch(/NTP/)
    })

    test('a skew without a server date gives the generic hint, never "undefined"', () => {
      const text = describeFailure(
        apiError({ code: 'InvalidTimeStamp.Expired', clockSkewMs: 20 * 60_000 }),
        CONTEXT
      )
      expect(text.split('\n')[1]).toBe(HINTS['InvalidTimeStamp.Expired'])
      expect(text).not.toContain('undefined')
    })

    test('without a measured skew, the generic hint', () => {
      const text = describeFailure(apiError({ code: 'InvalidTimeStamp.Expired' }), CONTEXT)
      expect(text.split('\n')[1]).toBe(HINTS['InvalidTimeStamp.Expired'])
    })
  })
})

describe('describeFailure: text from the answer', () => {
  test('message, code, RequestId and Recommend are one line each and cut, however built', () => {
    const text = describeFailure(
      apiError({
        code: 'Some.Code\n::add-mask::x',
        message: `first\n::error::forged\u2028${'m'.repeat(5_000)}`,
        requestId: 'R\r::group::x',
        recommend: `https://r\n\n# Heading ${'r'.repeat(5_000)}`
      }),
      NO_CONTEXT
    )
    const lines = text.split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      /^Some\.Code ::add-mask::x: first ::error::forged m+… \(RequestId: R ::group::x\)$/
    )
    expect(lines[1]).toMatch(/^Diagnosis: https:\/\/r # Heading r+…$/)
    for (const line of lines) expect(line.length).toBeLessThan(700)
  })
})

describe('describeFailure: other errors', () => {
  test('DeadlineError: attempts, the timeout, the last answer and the client-token to re-use', () => {
    const last = apiError({
      code: 'VpnGateway.Configuring',
      message: 'The specified service is configuring.',
      requestId: 'REQ-LAST'
    })
    const text = describeFailure(new DeadlineError('deadline reached', last, 37), CONTEXT)
    expect(text).toMatch(/37 attempts/)
    expect(text).toMatch(/timeout-seconds \(300 s\)/)
    expect(text).toContain('VpnGateway.Configuring: The specified service is configuring.')
    expect(text).toContain('RequestId: REQ-LAST')
    expect(text).toContain(`client-token: ${TOKEN}`)
  })

  test('DeadlineError after a transport fault names the fault', () => {
    const last = new TransportError(
      'No answer from https://vpc.example.test within 10 s.',
      'ATTEMPT_TIMEOUT',
      true
    )
    const text = describeFailure(new DeadlineError('deadline reached', last, 4), CONTEXT)
    expect(text).toMatch(/4 attempts/)
    expect(text).toContain('No answer from https://vpc.example.test within 10 s.')
    expect(text).toContain(TOKEN)
  })

  test('DeadlineError without a token does not invent one', () => {
    const last = apiError({ code: 'VpnGateway.Configuring' })
    const text = describeFailure(new DeadlineError('deadline reached', last, 2), {
      clientToken: undefined,
      timeoutSeconds: 60
    })
    expect(text).toMatch(/2 attempts/)
    expect(text).toMatch(/60 s/)
    expect(text).not.toContain('client-token:')
  })

  test('CancelledError mentions the token to re-use', () => {
    const text = describeFailure(new CancelledError('received SIGTERM'), CONTEXT)
    expect(text).toMatch(/cancelled/i)
    expect(text).toContain(TOKEN)
  })

  test('InputError passes through unchanged', () => {
    const error = new InputError('region-id', 'is required, e.g. "cn-hangzhou".')
    expect(describeFailure(error, CONTEXT)).toBe(
      `Input 'region-id': is required, e.g. "cn-hangzhou".`
    )
    expect(describeFailure(error, NO_CONTEXT)).toBe(error.message)
  })

  test('a retryable transport fault or a proxy page: the message and the token to re-use', () => {
    const transport = new TransportError(
      'Connection to https://h failed (ECONNRESET: reset).',
      'ECONNRESET',
      true
    )
    const proxy = new UnexpectedResponseError(
      502,
      'HTTP 502 without an API error code: "Bad Gateway"'
    )
    for (const error of [transport, proxy]) {
      const text = describeFailure(error, CONTEXT)
      expect(text.split('\n')[0]).toBe(error.message)
      expect(text).toContain(TOKEN)
    }
  })

  test('a permanent transport fault: the message alone (re-running will not help)', () => {
    const error = new TransportError(
      'The TLS certificate of https://h was not trusted.',
      'CERT_HAS_EXPIRED',
      false
    )
    expect(describeFailure(error, CONTEXT)).toBe(error.message)
  })

  test('anything else: its message, or its text', () => {
    expect(describeFailure(new TypeError('x is undefined'), CONTEXT)).toBe('x is undefined')
    expect(describeFailure('a string', CONTEXT)).toBe('a string')
  })
})

describe('describeFailure: deadlines and limits name the operation', () => {
  test('an operation not started before the deadline is named', () => {
    const error = new DeadlineError('x', new Error('not started'), 0, 'CreateSslVpnClientCert')
    expect(describeFailure(error, CONTEXT)).toBe(
      'CreateSslVpnClientCert was not started: timeout-seconds (300 s) was reached before its turn.'
    )
    // A batch name that never got its turn keeps the old wording.
    expect(describeFailure(new DeadlineError('x', new Error('x'), 0), CONTEXT)).toMatch(
      /^Not attempted: timeout-seconds \(300 s\)/
    )
  })

  test('AttemptLimitError: the count, the operation, the last answer, the token to re-use', () => {
    const last = apiError({ code: 'Throttling.User', requestId: 'REQ-T' })
    const text = describeFailure(
      new AttemptLimitError('limit', last, 100, 'CreateSslVpnClientCert'),
      CONTEXT
    )
    expect(text).toMatch(
      /^Gave up after 100 attempts: the most attempts the action makes of CreateSslVpnClientCert\. Last answer: Throttling\.User/
    )
    expect(text).toContain('RequestId: REQ-T')
    expect(text).toContain(`client-token: ${TOKEN}`)
  })
})

describe('describeFailure: STS out of reach points at a regional endpoint', () => {
  const STS = { origin: 'https://sts.aliyuncs.com', regionId: 'eu-central-1' }
  const HINT = /regional endpoint such as sts\.eu-central-1\.aliyuncs\.com/
  const fault = (origin: string, code = 'ECONNRESET', retryable = true) =>
    new TransportError(`Connection to ${origin} failed (${code}: x).`, code, retryable, origin)

  test.each([
    ['a retryable fault', fault(STS.origin)],
    ['an unknown host', fault(STS.origin, 'ENOTFOUND', false)],
    [
      'the deadline after transport faults',
      new DeadlineError('x', fault(STS.origin), 4, 'AssumeRoleWithOIDC')
    ],
    ['the attempt limit after transport faults', new AttemptLimitError('x', fault(STS.origin), 100)]
  ])('%s at the STS endpoint: hinted', (_what, error) => {
    const text = describeFailure(error, { ...CONTEXT, sts: STS })
    expect(text).toMatch(HINT)
    expect(text).toContain('ALIBABA_CLOUD_STS_REGION')
    expect(text).toContain('sts-endpoint')
  })

  test.each([
    ['not keyless (no STS in the context)', fault(STS.origin), undefined],
    ['another origin (the VPC API)', fault('https://vpc.eu-central-1.aliyuncs.com'), STS],
    [
      'an untrusted certificate (no endpoint fixes that)',
      fault(STS.origin, 'CERT_HAS_EXPIRED', false),
      STS
    ],
    [
      'an API answer, not a transport fault',
      new DeadlineError('x', apiError({ code: 'Throttling.User' }), 3),
      STS
    ],
    [
      'the regional endpoint itself',
      fault('https://sts.eu-central-1.aliyuncs.com'),
      { origin: 'https://sts.eu-central-1.aliyuncs.com', regionId: 'eu-central-1' }
    ]
  ])('%s: no hint', (_what, error, sts) => {
    expect(describeFailure(error, { ...CONTEXT, sts })).not.toMatch(/regional endpoint/)
  })
})
