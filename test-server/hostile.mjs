/**
 * A scriptable hostile HTTPS endpoint, for tests that treat every answer as an attack: it answers
 * whatever the test's `respond` function says (any status, headers, body, delay, a stream of any
 * size, a dropped socket), and can forward a request to a real stand-in and hand the genuine answer
 * to the test to tamper with. It checks nothing: authentication is the stand-in's job.
 *
 * Served with the test-only `tls/server.pem` (trusted through NODE_EXTRA_CA_CERTS = tls/ca.pem),
 * on 127.0.0.1 only.
 *
 * Usage:
 *   const hostile = await startHostile(async request => {
 *     if (request.action !== 'CreateSslVpnClientCert') return request.forward()
 *     return { status: 200, json: { RequestId: 'r', SslVpnClientCertId: 'vsc-1\n::add-mask::x' } }
 *   }, { upstream: standIn.url })
 */
import https from 'node:https'
import { readFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'

const TLS = {
  cert: readFileSync(new URL('./tls/server.pem', import.meta.url)),
  key: readFileSync(new URL('./tls/server.key', import.meta.url)),
  ca: readFileSync(new URL('./tls/ca.pem', import.meta.url))
}

/** @typedef {import('./hostile.d.mts').HostileRequest} HostileRequest */
/** @typedef {import('./hostile.d.mts').HostileReply} HostileReply */

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<Buffer>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** @param {string | string[] | undefined} value */
function first(value) {
  return Array.isArray(value) ? value[0] : value
}

/**
 * Sends `request` on to `upstream` (a stand-in) unchanged and returns its answer.
 * @param {string} upstream
 * @param {HostileRequest} request
 * @returns {Promise<import('./hostile.d.mts').ForwardedAnswer>}
 */
function forward(upstream, request) {
  const url = new URL(request.url, upstream)
  return new Promise((resolve, reject) => {
    // The original Host header stays: V3 signatures cover it, and the stand-in checks them.
    const headers = { ...request.headers }
    const req = https.request(
      url,
      { method: request.method, headers, ca: TLS.ca, rejectUnauthorized: true },
      res => {
        /** @type {Buffer[]} */
        const chunks = []
        res.on('data', chunk => chunks.push(chunk))
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          let json
          try {
            json = JSON.parse(body)
          } catch {
            json = undefined
          }
          /** @type {Record<string, string>} */
          const plain = {}
          for (const [name, value] of Object.entries(res.headers)) {
            const v = first(value)
            if (v !== undefined) plain[name] = v
          }
          resolve({ status: res.statusCode ?? 0, headers: plain, body, json })
        })
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end(request.body)
  })
}

/**
 * Start the endpoint on a random loopback port; `respond` decides every answer.
 * @type {typeof import('./hostile.d.mts').startHostile}
 */
export async function startHostile(respond, options = {}) {
  /** @type {HostileRequest[]} */
  const requests = []
  /** @type {Set<import('node:stream').Duplex>} */
  const sockets = new Set()
  let closing = false

  const server = https.createServer({ cert: TLS.cert, key: TLS.key }, async (req, res) => {
    req.on('error', () => {})
    res.on('error', () => {})
    const body = await readBody(req).catch(() => Buffer.alloc(0))
    const url = new URL(req.url ?? '/', 'https://hostile.invalid')
    const text = body.toString('utf8')
    const form =
      /application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '') && text
        ? Object.fromEntries(new URLSearchParams(text))
        : {}
    const query = Object.fromEntries(url.searchParams)
    /** @type {Record<string, string>} */
    const headers = {}
    for (const [name, value] of Object.entries(req.headers)) {
      const v = first(value)
      if (v !== undefined) headers[name] = v
    }
    /** @type {HostileRequest} */
    const request = {
      index: requests.length,
      receivedAt: Date.now(),
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: url.pathname,
      headers,
      body: text,
      action: headers['x-acs-action'] ?? query.Action ?? form.Action ?? null,
      params: { ...query, ...form },
      forward: () => {
        if (!options.upstream) throw new Error('hostile: no upstream to forward to')
        return forward(options.upstream, request)
      }
    }
    requests.push(request)
    /** @type {HostileReply} */
    let reply
    try {
      reply = await respond(request)
    } catch (error) {
      res.writeHead(599, { 'content-type': 'text/plain' })
      res.end(`hostile: respond threw: ${error instanceof Error ? error.message : error}`)
      return
    }
    if (reply.delayMs) await delay(reply.delayMs)
    if (closing) return
    if (reply.destroy) {
      req.socket.destroy()
      return
    }
    if (reply.hang) return // close() destroys the socket
    const json = reply.json === undefined ? undefined : JSON.stringify(reply.json)
    const replyHeaders = {
      ...(json !== undefined ? { 'content-type': 'application/json;charset=utf-8' } : {}),
      ...(reply.headers ?? {})
    }
    res.writeHead(reply.status ?? 200, replyHeaders)
    if (typeof reply.stream === 'function') {
      await reply.stream(res).catch(() => {})
      if (!res.writableEnded && !res.destroyed) res.end()
      return
    }
    res.end(json ?? reply.body ?? '')
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('clientError', (_error, socket) => socket.destroy())
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('hostile: no port')
  const port = address.port
  return {
    url: `https://127.0.0.1:${port}`,
    endpoint: `127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      closing = true
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(() => resolve(undefined)))
    }
  }
}

/**
 * Writes `bytes` bytes of `filler` to `res` without holding them in memory at once (for answers of
 * tens or hundreds of megabytes), stopping early when the client goes away. `prefix` is written
 * first (e.g. '{"Code":"X","Message":"'), `suffix` last (e.g. '"}').
 * @type {typeof import('./hostile.d.mts').writeLargeBody}
 */
export async function writeLargeBody(res, bytes, prefix = '', suffix = '') {
  const chunk = Buffer.alloc(64 * 1024, 'A')
  if (prefix) res.write(prefix)
  let left = bytes
  while (left > 0 && !res.destroyed) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
    left -= piece.length
    if (!res.write(piece)) {
      await new Promise(resolve => {
        res.once('drain', resolve)
        res.once('close', resolve)
      })
    }
  }
  if (!res.destroyed) res.end(suffix)
}
