import { beforeEach, describe, expect, test } from '@jest/globals'
import { virtualRunPerTest } from '../../__fixtures__/virtual-time.js'
import {
  ApiError,
  DeadlineError,
  TransportError,
  UnexpectedResponseError,
  type ApiErrorFields
} from '../../src/core/errors.js'
import { createRedactor } from '../../src/core/redact.js'
import { DEFAULT_RETRY_POLICY } from '../../src/http/retry.js'
import { callRpc, formatRetryLine } from '../../src/alibaba/rpc.js'

const ORIGIN = 'https://sts.aliyuncs.com'

describe('callRpc, anonymous (STS AssumeRoleWithOIDC)', () => {
  const run = virtualRunPerTest(() => ({ redact: createRedactor(['the-oidc-token']) }))
  /** The mock STS endpoint. */
  const sts = () => run().agent.get(ORIGIN)
  const requests: { path: string; body: string; headers: Record<string, string> }[] = []

  beforeEach(() => {
    requests.length = 0
  })

  test('sends the operation parameters in a form body, the common ones in the query; retries', async () => {
    let calls = 0
    sts()
      .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
      .reply<object>(opts => {
        requests.push({
          path: opts.path,
          body: String(opts.body),
          headers: opts.headers as Record<string, string>
        })
        calls++
        return calls === 1
          ? {
              statusCode: 400,
              data: { Code: 'Throttling.User', Message: 'slow down', RequestId: 'R1' }
            }
          : { statusCode: 200, data: { RequestId: 'R2', Credentials: { AccessKeyId: 'STS.x' } } }
      })
      .persist()
    const log = run().logLines
    const outcome = await callRpc(
      {
        endpoint: { origin: ORIGIN, hostHeader: 'sts.aliyuncs.com' },
        action: 'AssumeRoleWithOIDC',
        version: '2015-04-01',
        params: {},
        auth: {
          kind: 'anonymous',
          body: { OIDCToken: 'the-oidc-token', RoleArn: 'acs:ram::1:role/r' }
        }
      },
      run().withDeadlineIn(60_000),
      { logPrefix: 'AssumeRoleWithOIDC' }
    )
    expect(outcome.attempts).toBe(2)
    expect(outcome.answer['RequestId']).toBe('R2')
    const [first, second] = requests
    const query = new URLSearchParams(first?.path.slice(2))
    expect(query.get('Action')).toBe('AssumeRoleWithOIDC')
    expect(query.get('Version')).toBe('2015-04-01')
    expect(query.get('Format')).toBe('JSON')
    expect(query.get('OIDCToken')).toBeNull() // never in a URL
    expect(first?.path).not.toContain('the-oidc-token')
    expect(new URLSearchParams(first?.body).get('OIDCToken')).toBe('the-oidc-token')
    expect(first?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(first?.headers['authorization']).toBeUndefined()
    // A fresh nonce for the retry.
    expect(new URLSearchParams(second?.path.slice(2)).get('SignatureNonce')).not.toBe(
      query.get('SignatureNonce')
    )
    expect(log).toHaveLength(1)
    expect(log[0]).toMatch(/^AssumeRoleWithOIDC attempt 1: Throttling\.User \(RequestId: R1\)/)
  })

  const call = {
    endpoint: { origin: ORIGIN, hostHeader: 'sts.aliyuncs.com' },
    action: 'AssumeRoleWithOIDC',
    version: '2015-04-01',
    params: {},
    auth: { kind: 'anonymous' as const, body: { OIDCToken: 'the-oidc-token' } }
  }

  test('past the deadline: nothing is sent, and the error says which operation', async () => {
    let calls = 0
    sts()
      .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
      .reply(() => {
        calls++
        return { statusCode: 200, data: { RequestId: 'R' } }
      })
      .persist()
    const error = await callRpc(call, run().withDeadlineIn(-1)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error).toMatchObject({ attempts: 0, operation: 'AssumeRoleWithOIDC' })
    expect(calls).toBe(0)
  })

  test('an attempt gets the time left, not the policy’s 10 s (real clock)', async () => {
    sts()
      .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
      .reply(200, { RequestId: 'R' })
      .delay(5_000)
    const started = Date.now()
    const realClock = { rpc: { ...run().rpc, now: Date.now }, deadline: Date.now() + 300 }
    const error = await callRpc(call, realClock).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(DEFAULT_RETRY_POLICY.attemptTimeoutMs / 2)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error).toMatchObject({ attempts: 1, operation: 'AssumeRoleWithOIDC' })
    // The time left when the attempt started: 0.3 s, less what signing took.
    expect((error as DeadlineError).lastError.message).toMatch(
      /^No answer from https:\/\/sts\.aliyuncs\.com within 0\.[23] s\.$/
    )
  })
})

describe('formatRetryLine', () => {
  const busy = (fields: Partial<ApiErrorFields> = {}) =>
    new ApiError({
      code: 'VpnGateway.Configuring',
      message: 'The specified service is configuring.',
      requestId: 'REQ-7',
      httpStatus: 400,
      recommend: undefined,
      retryAfterMs: undefined,
      serverDate: undefined,
      clockSkewMs: undefined,
      ...fields
    })

  test('an API error: code, RequestId, attempt, the wait in seconds, the seconds left', () => {
    const line = formatRetryLine({ attempt: 3, error: busy(), delayMs: 1_500, remainingMs: 42_400 })
    expect(line).toContain('Attempt 3')
    expect(line).toContain('VpnGateway.Configuring')
    expect(line).toContain('RequestId: REQ-7')
    expect(line).toMatch(/retrying in 1\.5 s/)
    expect(line).toMatch(/\b42 s left/)
    expect(line).not.toContain('\n')
  })

  test('without a RequestId, no empty parentheses', () => {
    const line = formatRetryLine({
      attempt: 1,
      error: busy({ requestId: undefined }),
      delayMs: 750,
      remainingMs: 299_000
    })
    expect(line).not.toContain('RequestId')
    expect(line).toMatch(/retrying in 0\.8 s|retrying in 0\.75 s/)
    expect(line).toMatch(/\b299 s left/)
  })

  test('a proxy answer shows its HTTP status', () => {
    const line = formatRetryLine({
      attempt: 2,
      error: new UnexpectedResponseError(502, 'HTTP 502 without an API error code: "Bad Gateway"'),
      delayMs: 2_000,
      remainingMs: 10_000
    })
    expect(line).toContain('Attempt 2')
    expect(line).toContain('HTTP 502')
    expect(line).toMatch(/retrying in 2\.0 s/)
    expect(line).toMatch(/\b10 s left/)
  })

  test('a transport fault shows its message', () => {
    const line = formatRetryLine({
      attempt: 4,
      error: new TransportError(
        'Connection to https://h failed (ECONNRESET: reset).',
        'ECONNRESET',
        true
      ),
      delayMs: 5_000,
      remainingMs: 60_000
    })
    expect(line).toContain('ECONNRESET')
    expect(line).toContain('Attempt 4')
    expect(line).toMatch(/retrying in 5\.0 s/)
  })

  test('never a negative time left', () => {
    const line = formatRetryLine({ attempt: 9, error: busy(), delayMs: 0, remainingMs: -300 })
    expect(line).not.toMatch(/-\d+(\.\d+)? s/)
    expect(line).toMatch(/\b0 s left/)
  })
})
