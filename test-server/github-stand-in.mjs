/**
 * A local HTTPS stand-in for the parts of the GitHub REST API that the actions use: a
 * repository's issues for the expiry report (list by label and state, with `Link` paging), create,
 * update (body, title, state), comments (list with `Link` paging, create, update by comment ID); and a user's public SSH keys for encrypted delivery
 * (`GET /users/{username}/keys`, paged the same way). Point `GITHUB_API_URL` at `url` (and trust
 * tls/ca.pem with NODE_EXTRA_CA_CERTS); the real `@actions/github` Octokit then runs against it.
 *
 * Every issue has an author (`user`): the token's identity for the issues the action opens
 * (`tokenUser`, default github-actions[bot], as for secrets.GITHUB_TOKEN), and whoever a test says
 * for the issues present from the start (default the same bot; a person's issue names a person).
 *
 * It checks the token (`Authorization: token …` or `Bearer …`), answers 401 without a valid one,
 * and in `forbidden` mode answers writes with the 403 GitHub gives a token without
 * `issues: write` ("Resource not accessible by integration"). A user's keys are public, as on
 * GitHub: asked for without a token they are answered; with a wrong token, 401. An unknown user is
 * a 404; `setKeysRateLimit` makes the keys answer GitHub's primary rate limit (403 with
 * `x-ratelimit-remaining: 0`) or its secondary one (429 with `retry-after`) after some requests.
 *
 * Usage:
 *   const github = await startGitHubStandIn({ token: 'ghs_test', repository: 'acme/vpn' })
 *   // … GITHUB_API_URL=github.url, github-token=ghs_test, GITHUB_REPOSITORY=acme/vpn …
 *   github.issues // what the action left behind
 *   await github.close()
 */
import https from 'node:https'
import { readFileSync } from 'node:fs'

const TLS = {
  cert: readFileSync(new URL('./tls/server.pem', import.meta.url)),
  key: readFileSync(new URL('./tls/server.key', import.meta.url))
}

/** @typedef {import('./github-stand-in.d.mts').GitHubIssue} GitHubIssue */
/** @typedef {import('./github-stand-in.d.mts').GitHubRequest} GitHubRequest */

const DEFAULT_PER_PAGE = 30
const MAX_PER_PAGE = 100
/** GitHub's hourly limit for requests without a token, which the keys endpoint reports. */
const ANONYMOUS_RATE_LIMIT = 60

/**
 * The `per_page` and `page` of a listing, as GitHub reads them: per_page 30 by default, at most
 * 100; page from 1.
 * @param {URL} url
 */
function pageOf(url) {
  const perPage = Math.min(
    MAX_PER_PAGE,
    Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE
  )
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1)
  return { perPage, page }
}

/**
 * One page of `items` and, when more follow, GitHub's `Link` header (rel="next" and rel="last",
 * the same URL with another `page`).
 * @template T
 * @param {URL} url
 * @param {readonly T[]} items
 * @returns {{ slice: T[], headers: Record<string, string> }}
 */
function paged(url, items) {
  const { perPage, page } = pageOf(url)
  const pages = Math.max(1, Math.ceil(items.length / perPage))
  const slice = items.slice((page - 1) * perPage, page * perPage)
  /** @type {Record<string, string>} */
  const headers = {}
  if (page < pages) {
    const next = new URL(url)
    next.searchParams.set('page', String(page + 1))
    const last = new URL(url)
    last.searchParams.set('page', String(pages))
    headers.link = `<${next.href}>; rel="next", <${last.href}>; rel="last"`
  }
  return { slice, headers }
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-request-id': `STANDIN:${Math.random().toString(16).slice(2, 10).toUpperCase()}`,
    ...headers
  })
  res.end(text)
}

/** @param {import('node:http').IncomingMessage} req */
function readJson(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      if (text === '') return resolve({})
      try {
        resolve(JSON.parse(text))
      } catch (error) {
        reject(error)
      }
    })
    req.on('error', reject)
  })
}

/**
 * Start the stand-in on a random loopback port with `options.issues` already filed.
 * @type {typeof import('./github-stand-in.d.mts').startGitHubStandIn}
 */
export async function startGitHubStandIn(options = {}) {
  const token = options.token ?? 'ghs_standin_token_0001'
  const repository = options.repository ?? 'acme/vpn-admin'
  const tokenUser = options.tokenUser ?? { login: 'github-actions[bot]', type: 'Bot' }
  /** @type {GitHubIssue[]} */
  const issues = (options.issues ?? []).map((issue, index) => ({
    number: index + 1,
    title: issue.title,
    body: issue.body ?? '',
    state: issue.state ?? 'open',
    labels: [...(issue.labels ?? [])],
    comments: [...(issue.comments ?? [])],
    pullRequest: issue.pullRequest ?? false,
    author: { ...(issue.author ?? tokenUser) }
  }))
  /** @type {GitHubRequest[]} */
  const requests = []
  // Comment IDs, unique across issues as GitHub's are: one list per issue, parallel to `comments`.
  /** @type {WeakMap<GitHubIssue, number[]>} */
  const commentIds = new WeakMap()
  let nextCommentId = 5001
  /** @param {GitHubIssue} issue */
  const idsOf = issue => {
    let ids = commentIds.get(issue)
    if (ids === undefined) commentIds.set(issue, (ids = []))
    while (ids.length < issue.comments.length) ids.push(nextCommentId++)
    return ids
  }
  /** @type {Map<string, { login: string, keys: string[] }>} */
  const users = new Map(
    Object.entries(options.users ?? {}).map(([login, keys]) => [
      login.toLowerCase(),
      { login, keys: [...keys] }
    ])
  )
  /** @type {{ forbidden: boolean, keysRateLimit: import('./github-stand-in.d.mts').KeysRateLimit | undefined, keyRequests: number }} */
  const state = {
    forbidden: options.forbidden ?? false,
    keysRateLimit: options.keysRateLimit,
    keyRequests: 0
  }
  /** @type {Set<import('node:stream').Duplex>} */
  const sockets = new Set()
  let base = ''

  /** @param {GitHubIssue} issue */
  const issueJson = issue => ({
    id: 1000 + issue.number,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: issue.labels.map(name => ({ name })),
    comments: issue.comments.length,
    user: { login: issue.author.login, type: issue.author.type },
    html_url: `https://github.example/${repository}/issues/${issue.number}`,
    url: `${base}/repos/${repository}/issues/${issue.number}`,
    ...(issue.pullRequest ? { pull_request: { url: 'x' } } : {})
  })

  /**
   * GET /users/{username}/keys: the user's public keys as GitHub lists them (`id` and `key`, the
   * key without its comment), paged; 404 for an unknown user; the rate limit when it is reached.
   * @param {string} username
   * @param {URL} url
   * @param {boolean} authorized
   * @param {(status: number, body: unknown, headers?: Record<string, string>) => void} reply
   */
  const answerKeys = (username, url, authorized, reply) => {
    state.keyRequests += 1
    const limit = state.keysRateLimit
    const reset = String(Math.floor(Date.now() / 1000) + 3600)
    const budget = authorized ? 5000 : ANONYMOUS_RATE_LIMIT
    if (limit !== undefined && state.keyRequests > limit.after) {
      const documentation_url =
        'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting'
      if (limit.status === 429) {
        reply(
          429,
          { message: 'You have exceeded a secondary rate limit.', documentation_url },
          { 'retry-after': '60' }
        )
      } else {
        reply(
          403,
          {
            message: `API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)`,
            documentation_url
          },
          {
            'x-ratelimit-limit': String(budget),
            'x-ratelimit-remaining': '0',
            'x-ratelimit-used': String(budget),
            'x-ratelimit-reset': reset
          }
        )
      }
      return
    }
    const rateHeaders = {
      'x-ratelimit-limit': String(budget),
      'x-ratelimit-remaining': String(Math.max(0, budget - state.keyRequests)),
      'x-ratelimit-reset': reset
    }
    const user = users.get(username.toLowerCase())
    if (user === undefined) {
      reply(
        404,
        {
          message: 'Not Found',
          documentation_url: 'https://docs.github.com/rest/users/keys#list-public-keys-for-a-user'
        },
        rateHeaders
      )
      return
    }
    const keys = user.keys.map((line, index) => ({
      id: 7000 + index,
      // GitHub drops the comment: the type and the base64 blob.
      key: line.trim().split(/\s+/).slice(0, 2).join(' ')
    }))
    const { slice, headers } = paged(url, keys)
    reply(200, slice, { ...rateHeaders, ...headers })
  }

  const server = https.createServer(TLS, async (req, res) => {
    req.on('error', () => {})
    res.on('error', () => {})
    const url = new URL(req.url ?? '/', base)
    const method = req.method ?? 'GET'
    /** @type {GitHubRequest} */
    const record = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0
    }
    requests.push(record)
    /** @type {(status: number, body: unknown, headers?: Record<string, string>) => void} */
    const reply = (status, body, headers) => {
      record.status = status
      sendJson(res, status, body, headers)
    }
    const authorization = req.headers.authorization ?? ''
    const authorized = authorization === `token ${token}` || authorization === `Bearer ${token}`
    // A user's keys are public: no token is fine, a wrong one is a 401 (as on GitHub).
    const keysOf = /^\/users\/([^/]+)\/keys$/.exec(url.pathname)
    if (keysOf && method === 'GET' && (authorized || authorization === '')) {
      answerKeys(decodeURIComponent(keysOf[1] ?? ''), url, authorized, reply)
      return
    }
    if (!authorized) {
      reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
      return
    }
    const prefix = `/repos/${repository}/issues`
    if (!url.pathname.startsWith(prefix)) {
      reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
      return
    }
    const rest = url.pathname.slice(prefix.length)
    if (method !== 'GET' && state.forbidden) {
      reply(403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
        status: '403'
      })
      return
    }
    let body
    try {
      body = method === 'GET' ? {} : await readJson(req)
    } catch {
      reply(400, { message: 'Problems parsing JSON' })
      return
    }
    record.body = body

    // GET /repos/{o}/{r}/issues?labels=&state=&per_page=&page=
    if (method === 'GET' && rest === '') {
      const wanted = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean)
      const stateFilter = url.searchParams.get('state') ?? 'open'
      const matching = issues
        .filter(i => stateFilter === 'all' || i.state === stateFilter)
        .filter(i => wanted.every(label => i.labels.includes(label)))
        // Newest first, as GitHub sorts by default (created, desc).
        .sort((a, b) => b.number - a.number)
      const { slice, headers } = paged(url, matching)
      reply(200, slice.map(issueJson), headers)
      return
    }
    // POST /repos/{o}/{r}/issues
    if (method === 'POST' && rest === '') {
      if (typeof body.title !== 'string' || body.title === '') {
        reply(422, {
          message: 'Validation Failed',
          errors: [{ field: 'title', code: 'missing_field' }]
        })
        return
      }
      /** @type {GitHubIssue} */
      const issue = {
        number: issues.length + 1,
        title: body.title,
        body: typeof body.body === 'string' ? body.body : '',
        state: 'open',
        labels: Array.isArray(body.labels) ? body.labels.map(String) : [],
        comments: [],
        pullRequest: false,
        author: { ...tokenUser }
      }
      issues.push(issue)
      reply(201, issueJson(issue))
      return
    }
    // PATCH /repos/{o}/{r}/issues/comments/{id}
    const commentMatch = /^\/comments\/(\d+)$/.exec(rest)
    if (commentMatch) {
      const id = Number(commentMatch[1])
      const owner = issues.find(i => idsOf(i).includes(id))
      if (method !== 'PATCH' || owner === undefined) {
        reply(404, { message: 'Not Found' })
        return
      }
      if (typeof body.body !== 'string' || body.body === '') {
        reply(422, { message: 'Validation Failed' })
        return
      }
      owner.comments[idsOf(owner).indexOf(id)] = body.body
      reply(200, { id, body: body.body })
      return
    }
    const match = /^\/(\d+)(\/comments)?$/.exec(rest)
    const issue = match ? issues.find(i => i.number === Number(match[1])) : undefined
    if (!match || !issue) {
      reply(404, { message: 'Not Found' })
      return
    }
    // PATCH /repos/{o}/{r}/issues/{n}
    if (method === 'PATCH' && !match[2]) {
      if (typeof body.title === 'string') issue.title = body.title
      if (typeof body.body === 'string') issue.body = body.body
      if (body.state === 'open' || body.state === 'closed') issue.state = body.state
      if (Array.isArray(body.labels)) issue.labels = body.labels.map(String)
      reply(200, issueJson(issue))
      return
    }
    // POST /repos/{o}/{r}/issues/{n}/comments
    if (method === 'POST' && match[2]) {
      if (typeof body.body !== 'string' || body.body === '') {
        reply(422, { message: 'Validation Failed' })
        return
      }
      issue.comments.push(body.body)
      const ids = idsOf(issue)
      reply(201, { id: ids[ids.length - 1], body: body.body })
      return
    }
    // GET /repos/{o}/{r}/issues/{n}/comments?per_page=&page= (oldest first, as GitHub lists them)
    if (method === 'GET' && match[2]) {
      const perPage = Math.min(
        MAX_PER_PAGE,
        Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE
      )
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1)
      const ids = idsOf(issue)
      const all = issue.comments.map((text, index) => ({ id: ids[index], body: text }))
      const pages = Math.max(1, Math.ceil(all.length / perPage))
      /** @type {Record<string, string>} */
      const headers = {}
      if (page < pages) {
        const next = new URL(url)
        next.searchParams.set('page', String(page + 1))
        headers.link = `<${next.href}>; rel="next"`
      }
      reply(200, all.slice((page - 1) * perPage, page * perPage), headers)
      return
    }
    if (method === 'GET' && !match[2]) {
      reply(200, issueJson(issue))
      return
    }
    reply(404, { message: 'Not Found' })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise(resolve =>
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined))
  )
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('github stand-in: no port')
  base = `https://127.0.0.1:${address.port}`
  return {
    url: base,
    token,
    repository,
    issues,
    requests,
    setForbidden: value => {
      state.forbidden = value
    },
    setUserKeys: (login, keys) => {
      if (keys === undefined) users.delete(login.toLowerCase())
      else users.set(login.toLowerCase(), { login, keys: [...keys] })
    },
    setKeysRateLimit: limit => {
      state.keysRateLimit = limit
      state.keyRequests = 0
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(() => resolve(undefined)))
    }
  }
}
