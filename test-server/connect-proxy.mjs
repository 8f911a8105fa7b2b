/**
 * A minimal HTTP CONNECT proxy on loopback, for end-to-end tests of the action's proxy support
 * (HTTPS_PROXY, HTTP_PROXY, NO_PROXY through undici's EnvHttpProxyAgent).
 *
 * It only ever tunnels to loopback: a CONNECT to any other host is answered 403, so a test that
 * goes wrong can never send traffic off this machine. `localhost` is mapped to 127.0.0.1 here
 * rather than resolved, for the same reason. Plain (non-CONNECT) proxy requests are recorded and
 * answered 502; nothing is ever forwarded for them.
 *
 * With `tls: 'trusted'` it listens as an https:// proxy with the stand-in's certificate (signed by
 * tls/ca.pem); with `tls: 'untrusted'`, with the self-signed tls/untrusted.pem, as an impostor would.
 * `connections` counts every client that reached it, finished TLS handshake or not.
 *
 * Plain JavaScript ESM with JSDoc types (see connect-proxy.d.mts), no dependencies.
 *
 * Usage:
 *   const proxy = await startConnectProxy()
 *   // … HTTPS_PROXY=proxy.url …
 *   proxy.tunnels // [{ target: 'localhost:8443', at: 1700000000000, status: 200, proxyAuthorization: null }]
 *   await proxy.close()
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { connect, isIPv4 } from 'node:net'

/** @typedef {import('./connect-proxy.d.mts').TunnelRecord} TunnelRecord */
/** @typedef {import('./connect-proxy.d.mts').ProxiedRequest} ProxiedRequest */

/**
 * The loopback address to connect to for a CONNECT target's host (`hostname` as in a URL: IPv6 in
 * brackets), or null when the host is not loopback (and must not be reached).
 * @type {typeof import('./connect-proxy.d.mts').loopbackAddress}
 */
export function loopbackAddress(hostname) {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (host === 'localhost') return '127.0.0.1'
  if (isIPv4(host) && host.startsWith('127.')) return host
  if (host === '::1') return '::1'
  return null
}

/**
 * Splits a CONNECT request target (`host:port`, `[v6]:port`) into the address to dial and the port,
 * or null when it is malformed or not loopback.
 * @param {string | undefined} target
 * @returns {{ address: string, port: number } | null}
 */
function parseTarget(target) {
  if (!target || /[/?#@\s]/.test(target)) return null
  let url
  try {
    url = new URL(`http://${target}`)
  } catch {
    return null
  }
  const port = Number(url.port)
  // URL drops the default port 80; a CONNECT target must name its port explicitly anyway.
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null
  const address = loopbackAddress(url.hostname)
  return address ? { address, port } : null
}

/**
 * Writes a bare HTTP/1.1 status line on a raw socket and ends it.
 * @param {import('node:stream').Duplex} socket
 * @param {number} status
 * @param {string} reason
 */
function answerAndEnd(socket, status, reason) {
  if (socket.destroyed) return
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\nProxy-Agent: connect-proxy-test\r\n\r\n`
  )
}

/**
 * Start the proxy and resolve once it listens.
 * @type {typeof import('./connect-proxy.d.mts').startConnectProxy}
 */
export async function startConnectProxy({
  host = '127.0.0.1',
  port = 0,
  refuse = false,
  tls = undefined
} = {}) {
  /** @type {TunnelRecord[]} */
  const tunnels = []
  let connections = 0
  /** @type {ProxiedRequest[]} */
  const requests = []
  // Every socket, client side and upstream, so close() can end open tunnels at once.
  /** @type {Set<import('node:stream').Duplex>} */
  const sockets = new Set()
  /** @param {import('node:stream').Duplex} socket */
  const track = socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  let closed = false

  /** @type {import('node:http').RequestListener} */
  const onRequest = (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', at: Date.now() })
    res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' })
    res.end('This test proxy only tunnels (CONNECT).\n')
  }
  const base = tls === 'untrusted' ? 'untrusted' : 'server'
  const server = tls
    ? createTlsServer(
        {
          cert: readFileSync(new URL(`./tls/${base}.pem`, import.meta.url)),
          key: readFileSync(new URL(`./tls/${base}.key`, import.meta.url))
        },
        onRequest
      )
    : createServer(onRequest)
  server.on('connection', socket => {
    connections++
    track(socket)
  })
  // A client that refuses the certificate ends the handshake: nothing to answer.
  server.on('tlsClientError', (_error, socket) => socket.destroy())

  server.on('connect', (req, clientSocket, head) => {
    /** @type {TunnelRecord} */
    const record = {
      target: req.url ?? '',
      at: Date.now(),
      status: null,
      proxyAuthorization: req.headers['proxy-authorization'] ?? null
    }
    tunnels.push(record)
    // Errors (a client that resets) must not crash the test process.
    clientSocket.on('error', () => undefined)
    if (closed) {
      clientSocket.destroy()
      return
    }
    if (refuse) {
      record.status = 403
      answerAndEnd(clientSocket, 403, 'Forbidden')
      return
    }
    const parsed = parseTarget(req.url)
    if (!parsed) {
      record.status = 403
      answerAndEnd(clientSocket, 403, 'Forbidden')
      return
    }

    const upstream = connect({ host: parsed.address, port: parsed.port })
    track(upstream)
    let established = false
    upstream.on('error', () => {
      if (!established) {
        record.status = 502
        answerAndEnd(clientSocket, 502, 'Bad Gateway')
      } else {
        clientSocket.destroy()
      }
    })
    upstream.on('connect', () => {
      if (clientSocket.destroyed) {
        upstream.destroy()
        return
      }
      established = true
      record.status = 200
      clientSocket.write(
        'HTTP/1.1 200 Connection Established\r\nProxy-Agent: connect-proxy-test\r\n\r\n'
      )
      if (head && head.length > 0) upstream.write(head)
      upstream.pipe(clientSocket)
      clientSocket.pipe(upstream)
    })
    clientSocket.on('close', () => upstream.destroy())
    upstream.on('close', () => clientSocket.destroy())
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(undefined)
    })
  })

  const address = server.address()
  const boundPort = typeof address === 'object' && address ? address.port : Number(port)
  const hostInUrl = host.includes(':') ? `[${host}]` : host

  return {
    url: `${tls ? 'https' : 'http'}://${hostInUrl}:${boundPort}`,
    port: boundPort,
    tunnels,
    requests,
    get connections() {
      return connections
    },
    async close() {
      if (closed) return
      closed = true
      const stopped = new Promise(resolve => server.close(() => resolve(undefined)))
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections()
      await stopped
    }
  }
}
