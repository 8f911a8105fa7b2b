/**
 * The VPC client's unit tests (__tests__/alibaba/vpc-*.test.ts) share one mock endpoint on the
 * virtual clock (virtual-time.ts): the requests it saw, answers scripted per request, and a client
 * of it with timeout-seconds' default deadline. `vpcEndpoint()` is called once at the top of a
 * test file; it registers the per-test hooks and returns what the tests use.
 */
import { beforeEach } from '@jest/globals'
import { virtualRunPerTest } from './virtual-time.js'
import { createRedactor } from '../src/core/redact.js'
import {
  createVpcClient,
  type NewCertificate,
  type VpcClient,
  type VpcClientParameters,
  type VpcTarget
} from '../src/alibaba/vpc-client.js'

export const ORIGIN = 'https://vpc.cn-hangzhou.aliyuncs.com'
export const TOKEN = 'gha-0123456789abcdef0123456789abcdef01234567'
export const START = Date.parse('2025-03-01T12:00:00.000Z')
export const JSON_HEADERS = { 'content-type': 'application/json' }

export const KEYS = { accessKeyId: 'LTAI5tCertTestKeyId', accessKeySecret: 'CertTestSecret0123' }
export const TARGET = {
  regionId: 'cn-hangzhou',
  sslVpnServerId: 'vss-bp1test0001',
  endpoint: { origin: ORIGIN, hostHeader: 'vpc.cn-hangzhou.aliyuncs.com' },
  signatureVersion: 'v3'
} satisfies VpcTarget
export const CERTIFICATE: NewCertificate = { name: 'ci-cert', clientToken: TOKEN }
/** timeout-seconds' default. */
export const TIMEOUT_MS = 300_000

export const BUSY = {
  statusCode: 400,
  data: {
    RequestId: 'REQ-BUSY',
    HostId: 'vpc.cn-hangzhou.aliyuncs.com',
    Code: 'VpnGateway.Configuring',
    Message: 'The specified service is configuring.'
  },
  responseOptions: { headers: JSON_HEADERS }
}
export const CREATED = {
  statusCode: 200,
  data: {
    RequestId: '606998F0-B94D-48FE-8316-ACA81BB230DA',
    SslVpnClientCertId: 'vsc-bp1n8wcf134yl0osr0001',
    Name: 'ci-cert'
  },
  responseOptions: { headers: JSON_HEADERS }
}

/** What the interceptor saw of one request. */
export interface Captured {
  query: URLSearchParams
  headers: Record<string, string>
}

function headersOf(raw: unknown): Record<string, string> {
  const result: Record<string, string> = {}
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2)
      result[String(raw[i]).toLowerCase()] = String(raw[i + 1])
  } else if (raw && typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw)) result[name.toLowerCase()] = String(value)
  }
  return result
}

export function signatureOf(request: Captured): string | undefined {
  return (
    /Signature=([0-9a-f]+)$/.exec(request.headers['authorization'] ?? '')?.[1] ??
    request.query.get('Signature') ??
    undefined
  )
}

/** The mock endpoint and a client of it, fresh for each test of the file that calls it. */
export function vpcEndpoint() {
  const run = virtualRunPerTest(() => ({
    start: START,
    redact: createRedactor([KEYS.accessKeyId, KEYS.accessKeySecret])
  }))
  /** The waits so far, in ms. */
  const sleeps = () => run().clock.sleeps.map(s => s.ms)
  const captured: Captured[] = []
  beforeEach(() => {
    captured.length = 0
  })

  /** Answers the n-th request (1-based) with `answer(n)`, recording each request. */
  function serve(answer: (n: number) => { statusCode: number; data?: object | string }) {
    const { agent } = run()
    agent
      .get(ORIGIN)
      .intercept({ path: path => path.startsWith('/?'), method: 'POST' })
      .reply(opts => {
        captured.push({
          query: new URLSearchParams(opts.path.slice(2)),
          headers: headersOf(opts.headers)
        })
        // Each round trip takes 120 ms on the virtual clock.
        run().clock.advance(120)
        return answer(captured.length)
      })
      .persist()
  }

  /** A client of the mock endpoint, by default with timeout-seconds' default deadline. */
  function client(overrides: Partial<VpcClientParameters> = {}): VpcClient {
    return createVpcClient({
      rpc: run().rpc,
      deadline: run().clock.now() + TIMEOUT_MS,
      target: TARGET,
      credentials: KEYS,
      mask: () => undefined,
      ...overrides
    })
  }
  return { run, sleeps, captured, serve, client }
}
