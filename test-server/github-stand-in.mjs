/**
 * A local HTTPS stand-in for the part of the GitHub REST API that the expiry report and sync use:
 * a repository's issues (list by label and state, with `Link` paging), create, update (body,
 * title, state), comments (list with `Link` paging, create, update by comment ID). Point `GITHUB_API_URL` at `url` (and trust tls/ca.pem with
 * NODE_EXTRA_CA_CERTS); the real `@actions/github` Octokit then runs against it.
 *
 * It checks the token (`Authorization: token …` or `Bearer …`), answers 401 without a valid one,
 * and in `forbidden` mode answers writes with the 403 GitHub gives a token without
 * `issues: write` ("Resource not accessible by integration").
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
  /** @type {GitHubIssue[]} */
  const issues = (options.issues ?? []).map((issue, index) => ({
    number: index + 1,
    title: issue.title,
    body: issue.body ?? '',
    state: issue.state ?? 'open',
    labels: [...(issue.labels ?? [])],
    comments: [...(issue.comments ?? [])],
    pullRequest: issue.pullRequest ?? false
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
  const state = { forbidden: options.forbidden ?? false }
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
    html_url: `https://github.example/${repository}/issues/${issue.number}`,
    url: `${base}/repos/${repository}/issues/${issue.number}`,
    ...(issue.pullRequest ? { pull_request: { url: 'x' } } : {})
  })

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
    if (authorization !== `token ${token}` && authorization !== `Bearer ${token}`) {
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
      const perPage = Math.min(
        MAX_PER_PAGE,
        Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE
      )
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1)
      const matching = issues
        .filter(i => stateFilter === 'all' || i.state === stateFilter)
        .filter(i => wanted.every(label => i.labels.includes(label)))
        // Newest first, as GitHub sorts by default (created, desc).
        .sort((a, b) => b.number - a.number)
      const pages = Math.max(1, Math.ceil(matching.length / perPage))
      const slice = matching.slice((page - 1) * perPage, page * perPage)
      /** @type {Record<string, string>} */
      const headers = {}
      if (page < pages) {
        const next = new URL(url)
        next.searchParams.set('page', String(page + 1))
        const last = new URL(url)
        last.searchParams.set('page', String(pages))
        headers.link = `<${next.href}>; rel="next", <${last.href}>; rel="last"`
      }
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
        pullRequest: false
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
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(() => resolve(undefined)))
    }
  }
}
