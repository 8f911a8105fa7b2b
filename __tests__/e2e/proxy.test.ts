/**
 * End to end through a proxy: the bundled dist/index.js, run as the runner runs it, reaching the
 * local HTTPS stand-in through a real HTTP CONNECT proxy on loopback (test-server/connect-proxy.mjs).
 * The action's dispatcher is undici's EnvHttpProxyAgent, so HTTPS_PROXY/https_proxy, HTTP_PROXY and
 * NO_PROXY/no_proxy decide whether a call is tunnelled.
 *
 * The endpoint is `localhost:PORT` (the stand-in's certificate covers localhost), so that the CONNECT
 * target and NO_PROXY matching are about a host name, as with the real API.
 */
import { afterEach, describe, expect, test } from '@jest/globals'
import { startStandIn, type StandIn, type StandInOptions } from '../../test-server/stand-in.mjs'
import {
  startConnectProxy,
  type ConnectProxy,
  type ConnectProxyOptions
} from '../../test-server/connect-proxy.mjs'
import { runAction, type RunOptions } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'

const KEY = {
  accessKeyId: 'LTAI5tProxyKeyId0001',
  accessKeySecret: 'proxy+Secret/With=Odd&Chars~*'
}
const SERVER = { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-proxy0001' }
const ALL_SECRETS = [KEY.accessKeyId, KEY.accessKeySecret]

let standIn: StandIn | undefined
const proxies: ConnectProxy[] = []
afterEach(async () => {
  await Promise.all([standIn?.close(), ...proxies.splice(0).map(p => p.close())])
  standIn = undefined
})

async function start(options: StandInOptions = {}): Promise<StandIn> {
  standIn = await startStandIn({ credentials: [KEY], sslVpnServers: [SERVER], ...options })
  return standIn
}

async function proxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const started = await startConnectProxy(options)
  proxies.push(started)
  return started
}

/** The endpoint input, by host name; also the CONNECT target the proxy should see. */
function endpointOf(server: StandIn): string {
  return `localhost:${server.port}`
}

function inputs(server: StandIn, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'region-id': SERVER.regionId,
    'ssl-vpn-server-id': SERVER.sslVpnServerId,
    endpoint: endpointOf(server),
    'access-key-id': KEY.accessKeyId,
    'access-key-secret': KEY.accessKeySecret,
    ...extra
  }
}

async function run(options: RunOptions) {
  const result = await runAction(options)
  expectNoSecrets(result, ALL_SECRETS)
  return result
}

/** The action succeeded, made one certificate with one call, and reported its id. */
function expectOneCertificate(result: Awaited<ReturnType<typeof run>>, server: StandIn) {
  expect(result.errors).toEqual([])
  expect(result.exitCode).toBe(0)
  expect(server.calls.map(c => c.outcome)).toEqual(['created'])
  expect(server.certificates).toHaveLength(1)
  expect(result.outputs['cert-id']).toBe(server.certificates[0]?.id)
}

/** Exactly one established tunnel to the stand-in per call it recorded. */
function expectTunnelPerCall(through: ConnectProxy, server: StandIn) {
  expect(server.calls.length).toBeGreaterThan(0)
  expect(through.tunnels.map(t => [t.target, t.status])).toEqual(
    server.calls.map(() => [endpointOf(server), 200])
  )
  expect(through.requests).toEqual([])
}

describe('through an HTTPS proxy', () => {
  test.each(['HTTPS_PROXY', 'https_proxy'])(
    '%s: the call goes through one CONNECT tunnel to the endpoint',
    async variable => {
      const server = await start()
      const through = await proxy()
      const result = await run({ inputs: inputs(server), env: { [variable]: through.url } })
      expectOneCertificate(result, server)
      expectTunnelPerCall(through, server)
    }
  )

  test('retries of a busy gateway all go through the proxy (keep-alive may reuse a tunnel)', async () => {
    const server = await start({ busyCalls: 2 })
    const through = await proxy()
    const result = await run({ inputs: inputs(server), env: { HTTPS_PROXY: through.url } })
    expect(result.exitCode).toBe(0)
    expect(server.calls.map(c => c.outcome)).toEqual([
      'VpnGateway.Configuring',
      'VpnGateway.Configuring',
      'created'
    ])
    // The only route to the API is the proxy; undici keeps the tunnel alive between attempts.
    expect(through.tunnels.length).toBeGreaterThanOrEqual(1)
    expect(through.tunnels.length).toBeLessThanOrEqual(server.calls.length)
    for (const tunnel of through.tunnels) {
      expect([tunnel.target, tunnel.status]).toEqual([endpointOf(server), 200])
    }
  })

  test('HTTPS_PROXY wins over HTTP_PROXY for the https API', async () => {
    const server = await start()
    const httpsProxy = await proxy()
    const httpProxy = await proxy({ refuse: true })
    const result = await run({
      inputs: inputs(server),
      env: { HTTPS_PROXY: httpsProxy.url, HTTP_PROXY: httpProxy.url }
    })
    expectOneCertificate(result, server)
    expectTunnelPerCall(httpsProxy, server)
    expect(httpProxy.tunnels).toEqual([])
  })

  test('HTTP_PROXY alone is used for the https API too (undici falls back to it)', async () => {
    const server = await start()
    const through = await proxy()
    const result = await run({ inputs: inputs(server), env: { HTTP_PROXY: through.url } })
    expectOneCertificate(result, server)
    expectTunnelPerCall(through, server)
  })
})

describe('NO_PROXY', () => {
  test.each([
    { variable: 'NO_PROXY', value: () => 'localhost' },
    { variable: 'no_proxy', value: (server: StandIn) => `example.test, .localhost:${server.port}` }
  ])('$variable covering the host: a direct connection, no tunnel', async ({ variable, value }) => {
    const server = await start()
    const through = await proxy()
    const result = await run({
      inputs: inputs(server),
      env: { HTTPS_PROXY: through.url, [variable]: value(server) }
    })
    expectOneCertificate(result, server)
    expect(through.tunnels).toEqual([])
    expect(through.requests).toEqual([])
  })

  test('entries match host names literally: 127.0.0.1 does not cover localhost', async () => {
    const server = await start()
    const through = await proxy()
    const result = await run({
      inputs: inputs(server),
      env: { HTTPS_PROXY: through.url, NO_PROXY: '127.0.0.1' }
    })
    expectOneCertificate(result, server)
    expectTunnelPerCall(through, server)
  })
})

describe('a proxy that refuses the tunnel', () => {
  test('403 to CONNECT: fails at once (no retry), naming the proxy, no certificate', async () => {
    const server = await start()
    const refusing = await proxy({ refuse: true })
    const result = await run({
      inputs: inputs(server, { 'timeout-seconds': '60' }),
      env: { HTTPS_PROXY: refusing.url },
      killAfterMs: 30_000
    })
    expect(result.signal).toBeNull()
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    const [error] = result.errors
    expect(error).toContain('The proxy from HTTPS_PROXY/HTTP_PROXY answered HTTP 403')
    expect(error).toContain(`https://${endpointOf(server)}`)
    expect(error).toContain('never reached the API')
    expect(error).not.toContain(refusing.url) // a proxy URL may carry credentials
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /) // no stack trace
    // Nothing reached the API, and the refusal was not retried: it is the proxy's policy.
    expect(server.calls).toEqual([])
    expect(server.certificates).toEqual([])
    expect(result.outputs['cert-id']).toBeUndefined()
    expect(result.outputs['client-token']).toBeTruthy()
    expect(refusing.tunnels.map(t => [t.target, t.status])).toEqual([[endpointOf(server), 403]])
    expect(result.stdout).not.toMatch(/^Attempt /m)
  })
})
