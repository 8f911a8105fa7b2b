/**
 * The GitHub issue client in-process: the real @actions/github Octokit, its requests answered by
 * an undici MockAgent (the action's dispatcher), on a virtual clock.
 */
import { describe, expect, test } from '@jest/globals'
import { virtualRunPerTest } from '../../__fixtures__/virtual-time.js'
import {
  CancelledError,
  DeadlineError,
  GitHubError,
  TransportError
} from '../../src/core/errors.js'
import {
  createIssueClient,
  type IssueClient,
  type GitHubSettings
} from '../../src/github/client.js'
import { createRedactor } from '../../src/core/redact.js'

const TOKEN = 'ghs_GitHubClientTestToken0123456789'
const API = 'https://api.github.test'
const SETTINGS: GitHubSettings = {
  token: TOKEN,
  apiUrl: API,
  owner: 'acme',
  repo: 'vpn-admin',
  label: 'ssl-vpn-expiry',
  title: 'SSL-VPN client certificates expiring',
  runUrl: undefined
}
const ISSUES = '/repos/acme/vpn-admin/issues'
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }

const run = virtualRunPerTest(() => ({ redact: createRedactor([TOKEN]) }))

/** What the interceptor saw of one request. */
interface Seen {
  method: string
  path: string
  query: URLSearchParams
  headers: Record<string, string>
  body: unknown
}

function headersOf(raw: unknown): Record<string, string> {
  const result: Record<string, string> = {}
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) result[String(raw[i]).toLowerCase()] = raw[i + 1]
  } else if (raw && typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw)) result[name.toLowerCase()] = String(value)
  }
  return result
}

/** An answer: `data` as JSON, or `raw` as it is. */
type Reply = { status: number; data?: unknown; raw?: string; headers?: Record<string, string> }

/** Answers every request to `origin` with `answer(seen, n)`, recording each; returns the record. */
function serve(answer: (seen: Seen, n: number) => Reply, origin = API): Seen[] {
  const seen: Seen[] = []
  run()
    .agent.get(origin)
    .intercept({ path: () => true, method: () => true })
    .reply(options => {
      const url = new URL(options.path, origin)
      const request: Seen = {
        method: options.method,
        path: url.pathname,
        query: url.searchParams,
        headers: headersOf(options.headers),
        body: typeof options.body === 'string' ? JSON.parse(options.body) : undefined
      }
      seen.push(request)
      run().clock.advance(50)
      const reply = answer(request, seen.length)
      return {
        statusCode: reply.status,
        data: reply.raw ?? (reply.data === undefined ? '' : JSON.stringify(reply.data)),
        responseOptions: { headers: { ...JSON_HEADERS, ...reply.headers } }
      }
    })
    .persist()
  return seen
}

function issue(number: number, change: Record<string, unknown> = {}) {
  return {
    id: 1000 + number,
    number,
    title: `issue ${number}`,
    body: `body ${number}`,
    state: 'open',
    labels: [{ name: 'ssl-vpn-expiry' }],
    html_url: `https://github.test/acme/vpn-admin/issues/${number}`,
    ...change
  }
}

function client(
  overrides: {
    deadlineInMs?: number
    settings?: Partial<GitHubSettings>
    signal?: AbortSignal
  } = {}
): Promise<IssueClient> {
  const { rpc, clock } = run()
  return createIssueClient({
    rpc: overrides.signal ? { ...rpc, signal: overrides.signal } : rpc,
    deadline: clock.now() + (overrides.deadlineInMs ?? 300_000),
    settings: { ...SETTINGS, ...overrides.settings }
  })
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e
  )

describe('listOpenIssues', () => {
  test('one page: the token as `token …`, the label and state asked for, oldest first', async () => {
    const seen = serve(() => ({ status: 200, data: [issue(9), issue(3), issue(5)] }))
    const issues = await (await client()).listOpenIssues()
    expect(issues.map(i => i.number)).toEqual([3, 5, 9])
    expect(issues[0]).toEqual({
      number: 3,
      title: 'issue 3',
      body: 'body 3',
      labels: ['ssl-vpn-expiry'],
      url: 'https://github.test/acme/vpn-admin/issues/3'
    })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ method: 'GET', path: ISSUES })
    expect(Object.fromEntries(seen[0]?.query ?? [])).toEqual({
      labels: 'ssl-vpn-expiry',
      state: 'open',
      per_page: '100',
      page: '1'
    })
    expect(seen[0]?.headers['authorization']).toBe(`token ${TOKEN}`)
  })

  test('pages asked for by number at the API, never at the URL a Link header names', async () => {
    const elsewhere = serve(() => ({ status: 200, data: [] }), 'https://attacker.test')
    const seen = serve((_request, n) => ({
      status: 200,
      data: [issue(n * 10)],
      headers:
        n < 3
          ? {
              link: `<https://attacker.test${ISSUES}?page=${n + 1}>; rel="next", <https://attacker.test${ISSUES}?page=9>; rel="last"`
            }
          : {}
    }))
    const issues = await (await client()).listOpenIssues()
    expect(seen.map(s => s.query.get('page'))).toEqual(['1', '2', '3'])
    expect(elsewhere).toHaveLength(0)
    expect(issues.map(i => i.number)).toEqual([10, 20, 30])
  })

  test('pull requests, closed issues and issues without the label are left alone', async () => {
    serve(() => ({
      status: 200,
      data: [
        issue(1),
        issue(2, { pull_request: { url: 'x' } }),
        issue(3, { state: 'closed' }),
        issue(4, { labels: [{ name: 'other' }] }),
        issue(5, { labels: ['ssl-vpn-expiry'], body: null, html_url: 'javascript:alert(1)' })
      ]
    }))
    const issues = await (await client()).listOpenIssues()
    expect(issues.map(i => [i.number, i.body, i.url])).toEqual([
      [1, 'body 1', 'https://github.test/acme/vpn-admin/issues/1'],
      [5, '', undefined]
    ])
  })

  test('a listing that never ends: refused after 10 pages', async () => {
    const seen = serve(request => ({
      status: 200,
      data: [issue(Number(request.query.get('page')))],
      headers: { link: `<${API}${ISSUES}?page=999>; rel="next"` }
    }))
    const error = await failureOf((await client()).listOpenIssues())
    expect(error).toBeInstanceOf(GitHubError)
    expect((error as Error).message).toMatch(
      /^More than 1000 open issues carry the label "ssl-vpn-expiry"; the report keeps one/
    )
    expect(seen).toHaveLength(10)
  })

  test.each<[string, unknown, RegExp]>([
    ['an object, not a list', { message: 'hi' }, /the issue listing is not a list/],
    ['an issue without a number', [{ title: 'x', labels: [] }], /has no issue number/],
    ['a number 0', [issue(0)], /has no issue number/],
    ['a title that is not text', [issue(1, { title: 5 })], /title or body that is not text/],
    ['labels that are not names', [issue(1, { labels: [{ id: 1 }] })], /labels that are not a list/]
  ])('%s: an unexpected answer', async (_what, data, message) => {
    serve(() => ({ status: 200, data }))
    const error = await failureOf((await client()).listOpenIssues())
    expect(error).toBeInstanceOf(GitHubError)
    expect((error as Error).message).toMatch(/^Unexpected answer from the GitHub API: /)
    expect((error as Error).message).toMatch(message)
  })

  test('GitHub Enterprise Server: requests under the API URL’s path', async () => {
    const seen = serve(() => ({ status: 200, data: [] }), 'https://ghes.test')
    await (await client({ settings: { apiUrl: 'https://ghes.test/api/v3' } })).listOpenIssues()
    expect(seen[0]?.path).toBe(`/api/v3${ISSUES}`)
  })
})

describe('writes', () => {
  test('createIssue: title, body and the label; the new issue read back', async () => {
    const seen = serve(request => ({
      status: 201,
      data: issue(12, { title: (request.body as { title: string }).title })
    }))
    const opened = await (await client()).createIssue('Expiring', 'the body')
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: ISSUES,
      body: { title: 'Expiring', body: 'the body', labels: ['ssl-vpn-expiry'] }
    })
    expect(opened).toMatchObject({ number: 12, title: 'Expiring', labels: ['ssl-vpn-expiry'] })
  })

  test('updateIssue, closeIssue, addComment: the issue’s endpoints', async () => {
    const seen = serve(request => ({
      status: request.method === 'POST' ? 201 : 200,
      data: request.method === 'POST' ? { id: 1, body: 'c' } : issue(4)
    }))
    const github = await client()
    await github.updateIssue(4, { title: 'T', body: 'B' })
    await github.closeIssue(4, 'completed')
    await github.addComment(4, 'a comment')
    expect(seen.map(s => [s.method, s.path, s.body])).toEqual([
      ['PATCH', `${ISSUES}/4`, { title: 'T', body: 'B' }],
      ['PATCH', `${ISSUES}/4`, { state: 'closed', state_reason: 'completed' }],
      ['POST', `${ISSUES}/4/comments`, { body: 'a comment' }]
    ])
  })
})

describe('failures: one message that says what to do, never the token', () => {
  const refusal = (status: number, message: string, headers: Record<string, string> = {}) =>
    serve(() => ({
      status,
      data: { message, documentation_url: 'https://docs.github.com/rest' },
      headers
    }))

  test.each<[string, number, string, Record<string, string>, RegExp]>([
    [
      'a token without issues: write',
      403,
      'Resource not accessible by integration',
      {},
      /^GitHub refused to open the tracking issue \(HTTP 403: Resource not accessible by integration\)\. The token may not write issues in this repository: give the job `permissions: issues: write`/
    ],
    [
      'the rate limit',
      403,
      'API rate limit exceeded for installation.',
      { 'x-ratelimit-remaining': '0' },
      /HTTP 403: API rate limit exceeded for installation\.\)\. GitHub's API rate limit was reached: re-run later\.$/
    ],
    [
      'a bad token',
      401,
      'Bad credentials',
      {},
      /HTTP 401: Bad credentials\)\. github-token was not accepted/
    ],
    [
      'no such repository',
      404,
      'Not Found',
      {},
      /HTTP 404: Not Found\)\. acme\/vpn-admin was not found at https:\/\/api\.github\.test, or the token cannot see it\.$/
    ],
    [
      'issues disabled',
      410,
      'Issues are disabled for this repo',
      {},
      /HTTP 410: .*\)\. Issues are disabled in acme\/vpn-admin: enable them, or leave github-token empty\.$/
    ],
    [
      'a server fault',
      502,
      'Server Error',
      {},
      /HTTP 502: Server Error\)\. A passing fault of GitHub, most likely: re-run\.$/
    ],
    [
      'a refused title',
      422,
      'Validation Failed',
      {},
      /^GitHub refused to open the tracking issue \(HTTP 422: Validation Failed\)\.$/
    ]
  ])('%s (HTTP %p)', async (_what, status, message, headers, expected) => {
    refusal(status, message, headers)
    const error = await failureOf((await client()).createIssue('T', 'B'))
    expect(error).toBeInstanceOf(GitHubError)
    expect(error).toMatchObject({ httpStatus: status })
    expect((error as Error).message).toMatch(expected)
  })

  test.each<[string, string, Record<string, string>, string]>([
    [
      'a number too large for a double (Octokit would make it a BigInt it cannot print)',
      '123456789012345678901234567890',
      {},
      ''
    ],
    [
      'such a number among the errors',
      '{"message":"Server Error","errors":[123456789012345678901234567890]}',
      {},
      ': Server Error'
    ],
    ['a proxy’s HTML page', '<html>Bad Gateway</html>', { 'content-type': 'text/html' }, ''],
    ['JSON that is not an object', '[null, true]', {}, ''],
    ['a message that is not text', '{"message":{"text":"x"}}', {}, '']
  ])(
    'an error answer of a shape nobody foresaw: %s → the HTTP status and what to do',
    async (_what, raw, headers, said) => {
      serve(() => ({ status: 502, raw, headers }))
      const error = await failureOf((await client()).createIssue('T', 'B'))
      expect(error).toBeInstanceOf(GitHubError)
      expect((error as Error).message).toBe(
        `GitHub refused to open the tracking issue (HTTP 502${said}). A passing fault of GitHub, most likely: re-run.`
      )
    }
  )

  test('a message that echoes the token is shown redacted, on one line', async () => {
    refusal(403, `token ${TOKEN} refused\nsecond line`)
    const message = String(((await failureOf((await client()).listOpenIssues())) as Error).message)
    expect(message).not.toContain(TOKEN)
    expect(message).toContain('token *** refused second line')
    expect(message).toMatch(/^GitHub refused to list the open issues labelled "ssl-vpn-expiry"/)
  })

  test('no connection: a TransportError naming the GitHub API', async () => {
    run()
      .agent.get(API)
      .intercept({ path: () => true, method: 'GET' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    const error = await failureOf((await client()).listOpenIssues())
    expect(error).toBeInstanceOf(TransportError)
    expect((error as Error).message).toMatch(/the GitHub API at https:\/\/api\.github\.test/)
  })

  test('no time left: a DeadlineError, and nothing sent', async () => {
    const seen = serve(() => ({ status: 200, data: [] }))
    const github = await client({ deadlineInMs: 0 })
    const error = await failureOf(github.listOpenIssues())
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error).toMatchObject({ attempts: 0 })
    expect(seen).toHaveLength(0)
  })

  test('cancelled: the cancellation, and nothing sent', async () => {
    const seen = serve(() => ({ status: 200, data: [] }))
    const cancellation = new AbortController()
    cancellation.abort(new CancelledError('received SIGTERM'))
    const error = await failureOf((await client({ signal: cancellation.signal })).listOpenIssues())
    expect(error).toBeInstanceOf(CancelledError)
    expect((error as Error).message).toBe('received SIGTERM')
    expect(seen).toHaveLength(0)
  })

  test('an answer over 8 MiB is not read whole', async () => {
    serve(() => ({ status: 200, data: ['x'.repeat(9 * 1024 * 1024)] }))
    const error = await failureOf((await client()).listOpenIssues())
    expect(error).toBeInstanceOf(GitHubError)
    expect((error as Error).message).toMatch(/answered more than 8 MiB/)
  })
})
