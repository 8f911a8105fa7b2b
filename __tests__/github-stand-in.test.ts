/**
 * Tests of the GitHub REST stand-in (test-server/github-stand-in.mjs) on its own, driven by the
 * real @actions/github Octokit (as the report uses it), over TLS trusted through the test CA.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { readFileSync } from 'node:fs'
import { Agent, fetch as undiciFetch } from 'undici'
import { CA_CERT_PATH } from '../test-server/stand-in.mjs'
import {
  startGitHubStandIn,
  type GitHubStandIn,
  type GitHubStandInOptions
} from '../test-server/github-stand-in.mjs'

const agent = new Agent({ connect: { ca: readFileSync(CA_CERT_PATH) } })
const running: GitHubStandIn[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map(s => s.close()))
})
afterAll(async () => {
  await agent.close()
})

async function standIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  const s = await startGitHubStandIn(options)
  running.push(s)
  return s
}

/** An Octokit against the stand-in, as the report builds one (its own fetch and dispatcher). */
function octokitFor(s: GitHubStandIn, token = s.token) {
  const fetch = ((url: string, init: RequestInit) =>
    undiciFetch(url, {
      ...(init as object),
      dispatcher: agent
    })) as unknown as typeof globalThis.fetch
  return getOctokit(token, { baseUrl: s.url, request: { fetch } })
}

const [owner, repo] = ['acme', 'vpn-admin']
const LABEL = 'ssl-vpn-expiry'

/** The status of a failed request (Octokit throws an HttpError carrying it). */
async function statusOf(request: Promise<unknown>): Promise<number> {
  return request.then(
    () => 200,
    (error: unknown) => (error as { status: number }).status
  )
}

describe('the token', () => {
  test('`token …` and `Bearer …` are accepted; another token or none is a 401', async () => {
    const s = await standIn({ token: 'ghs_right' })
    const listed = await octokitFor(s).rest.issues.listForRepo({ owner, repo })
    expect(listed.status).toBe(200)
    const bearer = await undiciFetch(`${s.url}/repos/${owner}/${repo}/issues`, {
      headers: { authorization: 'Bearer ghs_right' },
      dispatcher: agent
    })
    expect(bearer.status).toBe(200)
    await bearer.body?.cancel()
    const wrong = await octokitFor(s, 'ghs_wrong')
      .rest.issues.listForRepo({ owner, repo })
      .catch((e: unknown) => e as { status: number; message: string })
    expect(wrong).toMatchObject({ status: 401, message: expect.stringMatching(/^Bad credentials/) })
    const none = await undiciFetch(`${s.url}/repos/${owner}/${repo}/issues`, { dispatcher: agent })
    expect(none.status).toBe(401)
    await none.body?.cancel()
  })
})

describe('listing', () => {
  const ISSUES = [
    { title: 'one', labels: [LABEL] },
    { title: 'two', labels: ['other'] },
    { title: 'three', labels: [LABEL, 'other'], state: 'closed' as const },
    { title: 'four', labels: [LABEL], pullRequest: true },
    { title: 'five', labels: [LABEL] }
  ]

  test('by label and state (open by default), newest first; pull requests listed as such', async () => {
    const s = await standIn({ issues: ISSUES })
    const octokit = octokitFor(s)
    const open = await octokit.rest.issues.listForRepo({ owner, repo, labels: LABEL })
    expect(open.data.map(i => [i.number, i.title, Boolean(i.pull_request)])).toEqual([
      [5, 'five', false],
      [4, 'four', true],
      [1, 'one', false]
    ])
    expect(open.data[2]?.labels).toEqual([{ name: LABEL }])
    const all = await octokit.rest.issues.listForRepo({ owner, repo, labels: LABEL, state: 'all' })
    expect(all.data.map(i => i.number)).toEqual([5, 4, 3, 1])
    const closed = await octokit.rest.issues.listForRepo({ owner, repo, state: 'closed' })
    expect(closed.data.map(i => i.number)).toEqual([3])
    const both = await octokit.rest.issues.listForRepo({ owner, repo, labels: `${LABEL},other` })
    expect(both.data).toEqual([])
  })

  test('Link paging: rel="next" and rel="last" until the last page; Octokit pages through', async () => {
    const s = await standIn({
      issues: Array.from({ length: 5 }, (_, i) => ({ title: `i${i}`, labels: [LABEL] }))
    })
    const octokit = octokitFor(s)
    const first = await octokit.rest.issues.listForRepo({ owner, repo, per_page: 2 })
    expect(first.headers.link).toMatch(/[?&]page=2>; rel="next", <[^>]*[?&]page=3>; rel="last"$/)
    const last = await octokit.rest.issues.listForRepo({ owner, repo, per_page: 2, page: 3 })
    expect(last.headers.link).toBeUndefined()
    expect(last.data.map(i => i.number)).toEqual([1])
    const every = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      per_page: 2
    })
    expect(every.map(i => i.number)).toEqual([5, 4, 3, 2, 1])
    expect(s.requests.filter(r => r.method === 'GET').length).toBe(5)
  })

  test('per_page is at most 100', async () => {
    const s = await standIn({
      issues: Array.from({ length: 101 }, (_, i) => ({ title: `i${i}`, labels: [] }))
    })
    const page = await octokitFor(s).rest.issues.listForRepo({ owner, repo, per_page: 500 })
    expect(page.data).toHaveLength(100)
  })
})

describe('writes', () => {
  test('create: numbered after the last, open, with its labels; a missing title is a 422', async () => {
    const s = await standIn({ issues: [{ title: 'old' }] })
    const octokit = octokitFor(s)
    const created = await octokit.rest.issues.create({
      owner,
      repo,
      title: 'Expiring',
      body: 'b',
      labels: [LABEL]
    })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({ number: 2, title: 'Expiring', body: 'b', state: 'open' })
    expect(created.data.labels).toEqual([{ name: LABEL }])
    expect(created.data.html_url).toBe(`https://github.example/${owner}/${repo}/issues/2`)
    expect(s.issues[1]).toEqual({
      number: 2,
      title: 'Expiring',
      body: 'b',
      state: 'open',
      labels: [LABEL],
      comments: [],
      pullRequest: false,
      author: { login: 'github-actions[bot]', type: 'Bot' }
    })
    expect(created.data.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' })
    expect(await statusOf(octokit.rest.issues.create({ owner, repo, title: '' }))).toBe(422)
  })

  test('authors: a person’s issue names the person; the token’s issues name the token’s user', async () => {
    const alice = { login: 'alice', type: 'User' } as const
    const s = await standIn({
      issues: [{ title: 'mine', labels: [LABEL], author: alice }],
      tokenUser: { login: 'ops-bot', type: 'Bot' }
    })
    const octokit = octokitFor(s)
    await octokit.rest.issues.create({ owner, repo, title: 'by the token' })
    const listed = await octokit.rest.issues.listForRepo({ owner, repo })
    expect(listed.data.map(i => [i.number, i.user?.login, i.user?.type])).toEqual([
      [2, 'ops-bot', 'Bot'],
      [1, 'alice', 'User']
    ])
  })

  test('update: title, body, state and labels; get reads it back; an unknown issue is a 404', async () => {
    const s = await standIn({ issues: [{ title: 'a', body: 'x', labels: [LABEL] }] })
    const octokit = octokitFor(s)
    await octokit.rest.issues.update({ owner, repo, issue_number: 1, title: 'b', body: 'y' })
    await octokit.rest.issues.update({
      owner,
      repo,
      issue_number: 1,
      state: 'closed',
      state_reason: 'completed'
    })
    const got = await octokit.rest.issues.get({ owner, repo, issue_number: 1 })
    expect(got.data).toMatchObject({ title: 'b', body: 'y', state: 'closed' })
    expect(s.requests.at(-2)?.body).toEqual({ state: 'closed', state_reason: 'completed' })
    await octokit.rest.issues.update({ owner, repo, issue_number: 1, labels: ['x'] })
    expect(s.issues[0]?.labels).toEqual(['x'])
    expect(await statusOf(octokit.rest.issues.get({ owner, repo, issue_number: 9 }))).toBe(404)
  })

  test('comments: kept in order; an empty one is a 422', async () => {
    const s = await standIn({ issues: [{ title: 'a' }] })
    const octokit = octokitFor(s)
    const first = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 1,
      body: 'first'
    })
    expect(first.status).toBe(201)
    await octokit.rest.issues.createComment({ owner, repo, issue_number: 1, body: 'second' })
    expect(s.issues[0]?.comments).toEqual(['first', 'second'])
    const issue = await octokit.rest.issues.get({ owner, repo, issue_number: 1 })
    expect(issue.data.comments).toBe(2)
    expect(
      await statusOf(octokit.rest.issues.createComment({ owner, repo, issue_number: 1, body: '' }))
    ).toBe(422)
  })

  test('forbidden: reads answer, every write is a 403 as for a token without issues: write', async () => {
    const s = await standIn({ issues: [{ title: 'a', labels: [LABEL] }], forbidden: true })
    const octokit = octokitFor(s)
    expect((await octokit.rest.issues.listForRepo({ owner, repo })).data).toHaveLength(1)
    const refused = await octokit.rest.issues
      .create({ owner, repo, title: 'x' })
      .catch((e: unknown) => e as { status: number; response: { data: { message: string } } })
    expect(refused).toMatchObject({
      status: 403,
      response: { data: { message: 'Resource not accessible by integration' } }
    })
    expect(
      await statusOf(octokit.rest.issues.update({ owner, repo, issue_number: 1, body: 'x' }))
    ).toBe(403)
    expect(
      await statusOf(octokit.rest.issues.createComment({ owner, repo, issue_number: 1, body: 'x' }))
    ).toBe(403)
    expect(s.issues).toHaveLength(1)
    expect(s.issues[0]?.body).toBe('')
    s.setForbidden(false)
    expect(await statusOf(octokit.rest.issues.create({ owner, repo, title: 'x' }))).toBe(200)
    expect(s.issues).toHaveLength(2)
  })

  test('another repository is a 404; every request is recorded with its status', async () => {
    const s = await standIn({ repository: 'acme/vpn-admin' })
    const octokit = octokitFor(s)
    expect(await statusOf(octokit.rest.issues.listForRepo({ owner: 'acme', repo: 'other' }))).toBe(
      404
    )
    await octokit.rest.issues.create({ owner, repo, title: 't', labels: [LABEL] })
    expect(s.requests.map(r => [r.method, r.path, r.status])).toEqual([
      ['GET', '/repos/acme/other/issues', 404],
      ['POST', '/repos/acme/vpn-admin/issues', 201]
    ])
    expect(s.requests[1]?.body).toEqual({ title: 't', labels: [LABEL] })
  })
})

describe('a user’s public keys (GET /users/{username}/keys)', () => {
  const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'
  const keyLine = (i: number) =>
    `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${String(i).padStart(43, 'A')}`

  test('without a token, as GitHub answers anyone: id and key, the comment dropped', async () => {
    const s = await standIn({ users: { 'alice-gh': [`${ED25519} alice@laptop`] } })
    const answer = await undiciFetch(`${s.url}/users/alice-gh/keys`, { dispatcher: agent })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('x-ratelimit-limit')).toBe('60')
    expect(await answer.json()).toEqual([{ id: 7000, key: ED25519 }])
    const withToken = await octokitFor(s).rest.users.listPublicKeysForUser({ username: 'Alice-GH' })
    expect(withToken.data).toEqual([{ id: 7000, key: ED25519 }])
    expect(withToken.headers['x-ratelimit-limit']).toBe('5000')
  })

  test('a wrong token is a 401; an unknown user a 404; a user with no keys an empty list', async () => {
    const s = await standIn({ users: { 'no-keys': [] } })
    expect(
      await statusOf(octokitFor(s, 'ghs_wrong').rest.users.listPublicKeysForUser({ username: 'x' }))
    ).toBe(401)
    const octokit = octokitFor(s)
    expect(await statusOf(octokit.rest.users.listPublicKeysForUser({ username: 'ghost' }))).toBe(
      404
    )
    const none = await octokit.rest.users.listPublicKeysForUser({ username: 'no-keys' })
    expect(none.data).toEqual([])
    expect(none.headers.link).toBeUndefined()
  })

  test('Link paging, per_page at most 100; Octokit pages through every key in order', async () => {
    const keys = Array.from({ length: 205 }, (_, i) => keyLine(i))
    const s = await standIn({ users: { many: keys } })
    const octokit = octokitFor(s)
    const first = await octokit.rest.users.listPublicKeysForUser({
      username: 'many',
      per_page: 500
    })
    expect(first.data).toHaveLength(100)
    expect(first.headers.link).toMatch(/[?&]page=2>; rel="next", <[^>]*[?&]page=3>; rel="last"$/)
    const every = await octokit.paginate(octokit.rest.users.listPublicKeysForUser, {
      username: 'many',
      per_page: 100
    })
    expect(every.map(k => k.key)).toEqual(keys)
    expect(s.requests.slice(1).map(r => r.query['page'] ?? '1')).toEqual(['1', '2', '3'])
  })

  test('setUserKeys adds, changes and removes a user', async () => {
    const s = await standIn()
    const octokit = octokitFor(s)
    s.setUserKeys('bob', [ED25519])
    expect((await octokit.rest.users.listPublicKeysForUser({ username: 'bob' })).data).toHaveLength(
      1
    )
    s.setUserKeys('bob', undefined)
    expect(await statusOf(octokit.rest.users.listPublicKeysForUser({ username: 'bob' }))).toBe(404)
  })

  test.each([
    [403, { 'x-ratelimit-remaining': '0' }, /^API rate limit exceeded/],
    [429, { 'retry-after': '60' }, /secondary rate limit/]
  ] as const)(
    'rate limit: after the allowed requests, %i as GitHub answers it; lifted again',
    async (status, headers, message) => {
      const s = await standIn({ users: { a: [ED25519] }, keysRateLimit: { after: 2, status } })
      const octokit = octokitFor(s)
      await octokit.rest.users.listPublicKeysForUser({ username: 'a' })
      await octokit.rest.users.listPublicKeysForUser({ username: 'ghost' }).catch(() => undefined)
      const refused = await octokit.rest.users
        .listPublicKeysForUser({ username: 'a' })
        .catch(
          (e: unknown) =>
            e as { status: number; response: { headers: object; data: { message: string } } }
        )
      expect(refused).toMatchObject({
        status,
        response: { headers, data: { message: expect.stringMatching(message) } }
      })
      s.setKeysRateLimit(undefined)
      expect(await statusOf(octokit.rest.users.listPublicKeysForUser({ username: 'a' }))).toBe(200)
    }
  )
})

describe('comments of an issue or pull request (sync)', () => {
  test('listed oldest first with IDs unique across issues, paged with Link; updated by ID; an unknown ID is a 404', async () => {
    const s = await standIn({
      issues: [
        { title: 'one', comments: ['a1'] },
        { title: 'pr', pullRequest: true, comments: ['b1', 'b2', 'b3'] }
      ]
    })
    const octokit = octokitFor(s)
    const page1 = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: 2,
      per_page: 2
    })
    expect(page1.data.map(c => c.body)).toEqual(['b1', 'b2'])
    expect(page1.headers.link).toMatch(/rel="next"/)
    const page2 = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: 2,
      per_page: 2,
      page: 2
    })
    expect(page2.data.map(c => c.body)).toEqual(['b3'])
    expect(page2.headers.link).toBeUndefined()
    const [first] = (await octokit.rest.issues.listComments({ owner, repo, issue_number: 1 })).data
    const ids = [first?.id, ...page1.data.map(c => c.id), ...page2.data.map(c => c.id)]
    expect(new Set(ids).size).toBe(4)
    const created = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 2,
      body: 'b4'
    })
    expect(ids).not.toContain(created.data.id)
    await octokit.rest.issues.updateComment({
      owner,
      repo,
      comment_id: page1.data[1]?.id ?? 0,
      body: 'b2, edited'
    })
    expect(s.issues[1]?.comments).toEqual(['b1', 'b2, edited', 'b3', 'b4'])
    expect(s.issues[0]?.comments).toEqual(['a1'])
    expect(
      await statusOf(octokit.rest.issues.updateComment({ owner, repo, comment_id: 999, body: 'x' }))
    ).toBe(404)
  })
})
