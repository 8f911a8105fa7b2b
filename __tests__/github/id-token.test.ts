import { beforeEach, describe, expect, test } from '@jest/globals'
import { virtualRunPerTest } from '../../__fixtures__/virtual-time.js'
import {
  CancelledError,
  DeadlineError,
  InputError,
  TransportError,
  UnexpectedResponseError
} from '../../src/core/errors.js'
import {
  ID_TOKEN_OPERATION,
  MAX_ANSWER_BYTES,
  requestIdToken,
  type IdTokenDependencies
} from '../../src/github/id-token.js'
import { createSecretRegistry } from '../../src/core/redact.js'
import { DEFAULT_RETRY_POLICY } from '../../src/http/retry.js'
import type { RpcDependencies } from '../../src/alibaba/rpc.js'

const SERVICE = 'https://token.actions.example'
const ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: `${SERVICE}/idtoken/run-1?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token-0001'
}
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJzdHMuYWxpeXVuY3MuY29tIn0.c2lnbmF0dXJl'
const JSON_HEADERS = { 'content-type': 'application/json' }

let seen: { path: string; headers: Record<string, string> }[]
let masked: string[]
/** Every secret, masked into `masked` and redacted from what the run prints. */
let secrets: ReturnType<typeof createSecretRegistry>

beforeEach(() => {
  seen = []
  masked = []
  secrets = createSecretRegistry(secret => masked.push(secret))
})
const run = virtualRunPerTest(() => ({ start: 1_800_000_000_000, redact: secrets.redact }))
/** The mock token service. */
const service = () => run().agent.get(SERVICE)
/** The virtual time now. */
const now = () => run().clock.now()
/** The waits so far, in ms. */
const sleeps = () => run().clock.sleeps.map(s => s.ms)

function headersOf(raw: unknown): Record<string, string> {
  const result: Record<string, string> = {}
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [name, value] of Object.entries(raw)) result[name.toLowerCase()] = String(value)
  }
  return result
}

/** Answers the n-th request (1-based) with `answer(n)`. */
function answers(answer: (n: number) => { statusCode: number; data?: string | object }) {
  service()
    .intercept({ path: p => p.startsWith('/idtoken/'), method: 'GET' })
    .reply(opts => {
      seen.push({ path: opts.path, headers: headersOf(opts.headers) })
      const { statusCode, data = '' } = answer(seen.length)
      return { statusCode, data, responseOptions: { headers: JSON_HEADERS } }
    })
    .persist()
}

/** The request's dependencies: the run's, with a deadline a minute away unless overridden. */
function deps(
  overrides: {
    rpc?: Partial<RpcDependencies>
    deadline?: number
    env?: IdTokenDependencies['env']
  } = {}
): IdTokenDependencies {
  return {
    rpc: { ...run().rpc, ...overrides.rpc },
    deadline: overrides.deadline ?? now() + 60_000,
    mask: secrets.mask,
    env: overrides.env ?? ENV
  }
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e
  )

describe('requestIdToken, as @actions/core asks', () => {
  test('GET the URL + &audience=<encoded>, bearer request token; the token, masked', async () => {
    answers(() => ({ statusCode: 200, data: { count: 1, value: JWT } }))
    const token = await requestIdToken('https://github.com/acme org', deps())
    expect(token).toBe(JWT)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.path).toBe(
      '/idtoken/run-1?api-version=2.0&audience=https%3A%2F%2Fgithub.com%2Facme%20org'
    )
    expect(seen[0]?.headers).toMatchObject({
      authorization: `Bearer ${ENV.ACTIONS_ID_TOKEN_REQUEST_TOKEN}`,
      accept: 'application/json'
    })
    // The request token before anything is sent, the token before it is checked.
    expect(masked).toEqual([ENV.ACTIONS_ID_TOKEN_REQUEST_TOKEN, JWT])
  })

  test('a 5xx is retried after the policy’s wait; the deadline is shared', async () => {
    answers(n =>
      n === 1 ? { statusCode: 503, data: 'busy' } : { statusCode: 200, data: { value: JWT } }
    )
    expect(await requestIdToken('aud', deps())).toBe(JWT)
    expect(seen).toHaveLength(2)
    expect(sleeps()).toHaveLength(1)
    expect(sleeps()[0]).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.minDelayMs)
  })

  test.each([
    [401, /HTTP 401: "Bad credentials"\. ACTIONS_ID_TOKEN_REQUEST_TOKEN was not accepted/],
    [403, /HTTP 403: "Bad credentials"\. ACTIONS_ID_TOKEN_REQUEST_TOKEN was not accepted/],
    [404, /HTTP 404: "Bad credentials"\.$/]
  ])('HTTP %d: an unexpected answer, not retried', async (status, message) => {
    answers(() => ({ statusCode: status, data: { message: 'Bad credentials' } }))
    const error = await failure(requestIdToken('aud', deps()))
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as Error).message).toMatch(message)
    expect(seen).toHaveLength(1)
  })

  test('a redirect is not followed: the request carries the runner’s token', async () => {
    service()
      .intercept({ path: p => p.startsWith('/idtoken/'), method: 'GET' })
      .reply(() => {
        seen.push({ path: '', headers: {} })
        return {
          statusCode: 302,
          data: '',
          responseOptions: { headers: { location: 'https://elsewhere.example/steal' } }
        }
      })
    const error = await failure(requestIdToken('aud', deps()))
    expect((error as Error).message).toMatch(/HTTP 302\. A redirect is not followed/)
    expect(seen).toHaveLength(1)
  })

  test('the service’s own message is redacted and kept to one line', async () => {
    answers(() => ({
      statusCode: 401,
      data: { message: `token ${ENV.ACTIONS_ID_TOKEN_REQUEST_TOKEN} rejected\n::error::x` }
    }))
    const error = (await failure(requestIdToken('aud', deps()))) as Error
    expect(error.message).not.toContain(ENV.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
    expect(error.message).toContain('token *** rejected ::error::x')
    expect(error.message).not.toContain('\n')
  })

  test.each([
    ['no value', { count: 1 }],
    ['a value that is not a string', { value: 42 }],
    ['an empty value', { value: '' }],
    ['two parts', { value: 'abc.def' }],
    ['a part that is not base64url', { value: 'abc.d+f.ghi' }],
    ['a line break inside', { value: 'abc.def.ghi\n::error::x' }],
    ['an overlong token', { value: `a.${'b'.repeat(20_000)}.c` }],
    ['not JSON', '<html>captive portal</html>'],
    ['JSON null', 'null']
  ])('200 with %s: an unexpected answer; a string value is masked first', async (_what, data) => {
    answers(() => ({ statusCode: 200, data }))
    const error = (await failure(requestIdToken('aud', deps()))) as Error
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error.message).toMatch(/without a token of the expected form/)
    const value = typeof data === 'object' && 'value' in data ? data.value : undefined
    if (typeof value === 'string' && value !== '') {
      expect(masked).toContain(value)
      expect(error.message).not.toContain(value)
    }
    expect(seen).toHaveLength(1)
  })

  test('an answer larger than the bound is not read to the end', async () => {
    answers(() => ({ statusCode: 200, data: `{"value":"${'a'.repeat(MAX_ANSWER_BYTES)}"}` }))
    const error = (await failure(requestIdToken('aud', deps()))) as Error
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error.message).toMatch(/more than 64 KiB/)
  })

  test.each([
    ['plain http', 'http://token.example/idtoken?api-version=2.0'],
    ['user info', 'https://user:pass@token.example/idtoken?api-version=2.0'],
    ['not a URL', 'token service']
  ])('a token URL with %s is refused before any request, naming the variable', async (_w, url) => {
    answers(() => ({ statusCode: 200, data: { value: JWT } }))
    const error = (await failure(
      requestIdToken('aud', deps({ env: { ...ENV, ACTIONS_ID_TOKEN_REQUEST_URL: url } }))
    )) as InputError
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toMatch(/^Environment variable ACTIONS_ID_TOKEN_REQUEST_URL: /)
    expect(error.message).not.toContain(url)
    expect(seen).toHaveLength(0)
  })
})

describe('requestIdToken: deadline and cancellation', () => {
  test('past the deadline: not started, and says which operation', async () => {
    answers(() => ({ statusCode: 200, data: { value: JWT } }))
    const error = (await failure(
      requestIdToken('aud', deps({ deadline: now() - 1 }))
    )) as DeadlineError
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error.attempts).toBe(0)
    expect(error.operation).toBe(ID_TOKEN_OPERATION)
    expect(seen).toHaveLength(0)
  })

  test('the attempt gets the time left, not its own 10 s', async () => {
    service()
      .intercept({ path: p => p.startsWith('/idtoken/'), method: 'GET' })
      .reply(200, { value: JWT }, { headers: JSON_HEADERS })
      .delay(5_000)
    const started = Date.now()
    const error = (await failure(
      requestIdToken('aud', deps({ rpc: { now: Date.now }, deadline: Date.now() + 200 }))
    )) as DeadlineError
    expect(Date.now() - started).toBeLessThan(DEFAULT_RETRY_POLICY.attemptTimeoutMs / 2)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error.attempts).toBe(1)
    expect(error.lastError).toBeInstanceOf(TransportError)
    expect(error.lastError.message).toMatch(
      /^No answer from the OIDC token service at https:\/\/token\.actions\.example within 0\.[12] s\.$/
    )
  })

  test('cancelled while the service hangs: the cancellation, at once', async () => {
    service()
      .intercept({ path: p => p.startsWith('/idtoken/'), method: 'GET' })
      .reply(200, { value: JWT }, { headers: JSON_HEADERS })
      .delay(5_000)
    const controller = new AbortController()
    const reason = new CancelledError('received SIGTERM')
    setTimeout(() => controller.abort(reason), 50)
    const started = Date.now()
    const error = await failure(
      requestIdToken(
        'aud',
        deps({ rpc: { now: Date.now, signal: controller.signal }, deadline: Date.now() + 60_000 })
      )
    )
    expect(error).toBe(reason)
    expect(Date.now() - started).toBeLessThan(2_000)
  })
})
