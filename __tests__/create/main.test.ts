/**
 * The main step's wiring, in-process: runAction with a fake runner (inputs, outputs, state,
 * summary, log), a virtual clock and an undici MockAgent in place of the network.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { join, resolve } from 'node:path'
import { reader } from '../../__fixtures__/inputs.js'
import { STATE_PROFILES, parseProfileRecord } from '../../src/runner/cleanup.js'
import { STATE_IS_POST } from '../../src/runner/phase.js'
import { CancelledError } from '../../src/core/errors.js'
import type { ActionIo } from '../../src/create/main.js'
import { type Environment } from '../../src/core/environment.js'
import { RunAgent } from '../../__fixtures__/run-agent.js'

// A bug's stack goes through stack-trace.ts on its way to the debug log; in-process there is no
// bundle to map, so a stand-in marks what passed through it.
const readableStack = jest.fn((stack: string) => `(readable) ${stack}`)
jest.unstable_mockModule('../../src/core/stack-trace.js', () => ({ readableStack }))
const { runAction } = await import('../../src/create/main.js')

const VPC = 'https://vpc.cn-hangzhou.aliyuncs.com'
const STS = 'https://sts.aliyuncs.com'
const TOKEN_SERVICE = 'https://runner.invalid'
const KEY_ID = 'LTAI5tMainTestKeyId01'
const KEY_SECRET = 'MainTestSecret0123456789abcdef'
const GIVEN_TOKEN = 'main-test-token-0001'
const INPUTS = {
  'access-key-id': KEY_ID,
  'access-key-secret': KEY_SECRET,
  'region-id': 'cn-hangzhou',
  'ssl-vpn-server-id': 'vss-bp1main0001',
  name: 'ci-cert',
  'client-token': GIVEN_TOKEN
}
const START = Date.parse('2026-01-01T00:00:00Z')
const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIBmainTestCert0001==\n-----END CERTIFICATE-----\n'
const PEM_KEY =
  '-----BEGIN PRIVATE KEY-----\nMIIEmainTestKey0001secret==\n-----END PRIVATE KEY-----\n'

type Answer = { statusCode: number; data: object }
const created = (certId: string, name: string): Answer => ({
  statusCode: 200,
  data: { RequestId: `REQ-${certId}`, SslVpnClientCertId: certId, Name: name }
})
const apiError = (code: string, statusCode = 403): Answer => ({
  statusCode,
  data: { RequestId: `REQ-${code.replace(/\./g, '-')}`, Code: code, Message: `${code} (test).` }
})
const BUSY = apiError('VpnGateway.Configuring', 400)

/** What the fake runner saw, in order and by kind. */
interface Recorded {
  /** Every call in order: `state …`, `output …`, `request …`, `info …`, `warning …`, … */
  events: string[]
  outputs: Record<string, string>
  state: Record<string, string>
  failures: string[]
  warnings: string[]
  debug: string[]
  masked: string[]
  /** The API actions requested, in order. */
  requests: string[]
  summaryWrites: string[]
  /** Profiles written: path → content. */
  profiles: Map<string, string | Uint8Array>
}

let agent: RunAgent
let recorded: Recorded
let time: number

beforeEach(() => {
  agent = new RunAgent()
  agent.disableNetConnect()
  time = START
  recorded = {
    events: [],
    outputs: {},
    state: {},
    failures: [],
    warnings: [],
    debug: [],
    masked: [],
    requests: [],
    summaryWrites: [],
    profiles: new Map()
  }
})
afterEach(async () => {
  await agent.close()
})

/** Lower-cased headers, from either form undici gives. */
function headersOf(raw: unknown): Record<string, string> {
  const result: Record<string, string> = {}
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) result[String(raw[i]).toLowerCase()] = raw[i + 1]
  } else if (raw && typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw)) result[name.toLowerCase()] = String(value)
  }
  return result
}

/** Answers the API requests at `origin`: `answer(action, n)` for the n-th (1-based) of them. */
function serve(origin: string, answer: (action: string, n: number) => Answer) {
  let n = 0
  agent
    .get(origin)
    .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
    .reply<object>(options => {
      const action =
        headersOf(options.headers)['x-acs-action'] ??
        new URLSearchParams(options.path.slice(2)).get('Action') ??
        '?'
      recorded.requests.push(action)
      recorded.events.push(`request ${action}`)
      time += 100
      return {
        ...answer(action, ++n),
        responseOptions: { headers: { 'content-type': 'application/json' } }
      }
    })
    .persist()
}

/** The fake runner and machine around runAction; `overrides` replace any part. */
function fakeIo(
  inputs: Record<string, string>,
  env: Environment = {},
  overrides: Partial<ActionIo> = {}
): ActionIo {
  const event = (kind: string) => (text: string) => recorded.events.push(`${kind} ${text}`)
  const summary: ActionIo['summary'] = {
    addHeading: text => (recorded.summaryWrites.push(`heading ${text}`), summary),
    addTable: () => summary,
    addRaw: text => (recorded.summaryWrites.push(text), summary),
    write: async () => recorded.summaryWrites.push('write')
  }
  return {
    getInput: reader(inputs),
    env,
    setOutput: (name, value) => {
      recorded.outputs[name] = value
      event('output')(`${name}=${value}`)
    },
    saveState: (name, value) => {
      recorded.state[name] = value
      event('state')(`${name}=${value}`)
    },
    summary,
    logger: {
      info: event('info'),
      warning: line => {
        recorded.warnings.push(line)
        event('warning')(line)
      },
      debug: line => {
        recorded.debug.push(line)
        event('debug')(line)
      },
      setFailed: message => {
        recorded.failures.push(message)
        event('failed')(message)
      },
      setSecret: secret => recorded.masked.push(secret)
    },
    now: () => time,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason
      time += ms
    },
    random: () => 0.5,
    newNonce: () => `nonce-${time}-${recorded.requests.length}`,
    randomClientToken: () => 'random-client-token',
    createDispatcher: () => agent,
    signal: new AbortController().signal,
    prepareConfigDir: async dir => resolve(dir),
    writeProfile: async (dir, fileName, content) => {
      const path = join(resolve(dir), fileName)
      recorded.profiles.set(path, content)
      return path
    },
    ...overrides
  }
}

describe('one certificate', () => {
  test('obtained: its outputs, no failure, the post step marked first', async () => {
    serve(VPC, () => created('vsc-main0001', 'ci-cert'))
    await runAction(fakeIo(INPUTS))
    expect(recorded.failures).toEqual([])
    expect(recorded.outputs).toEqual({
      'client-token': GIVEN_TOKEN,
      'cert-id': 'vsc-main0001',
      name: 'ci-cert',
      'request-id': 'REQ-vsc-main0001',
      created: 'true',
      status: '',
      'cert-ids': JSON.stringify({ 'ci-cert': 'vsc-main0001' }),
      'config-files': '{}',
      'encrypted-to': '{}'
    })
    expect(recorded.events[0]).toBe(`state ${STATE_IS_POST}=true`)
    expect(recorded.requests).toEqual(['CreateSslVpnClientCert'])
    // The keys were masked in the runner's log before anything was sent.
    expect(recorded.masked).toEqual(expect.arrayContaining([KEY_ID, KEY_SECRET]))
    expect(agent.destroyed).toBe(1)
  })

  test('failed: the one error is the message, not a batch summary', async () => {
    serve(VPC, () => apiError('Forbidden'))
    await runAction(fakeIo(INPUTS))
    expect(recorded.failures).toHaveLength(1)
    const [message] = recorded.failures
    expect(recorded.warnings).toEqual([])
    expect(message).toMatch(/Forbidden/)
    expect(message).toMatch(/REQ-Forbidden/)
    expect(message).not.toMatch(/certificates failed/)
    expect(recorded.outputs['cert-id']).toBeUndefined()
    expect(recorded.outputs['cert-ids']).toBe('{}')
  })

  test('client-token is an output before the first call, and stays after a failure', async () => {
    serve(VPC, () => apiError('Forbidden'))
    await runAction(fakeIo(INPUTS))
    const output = recorded.events.indexOf(`output client-token=${GIVEN_TOKEN}`)
    const firstCall = recorded.events.findIndex(e => e.startsWith('request '))
    expect(output).toBeGreaterThanOrEqual(0)
    expect(firstCall).toBeGreaterThan(output)
    expect(recorded.outputs['client-token']).toBe(GIVEN_TOKEN)
    expect(recorded.failures).toHaveLength(1)
  })

  test('an input error fails before any call, with no stack trace', async () => {
    serve(VPC, () => created('vsc-main0001', 'ci-cert'))
    await runAction(fakeIo({ ...INPUTS, 'region-id': 'Not A Region' }))
    expect(recorded.failures).toEqual([
      expect.stringMatching(/^Input 'region-id': "Not A Region" is not a region ID/)
    ])
    expect(recorded.requests).toEqual([])
    expect(recorded.debug).toEqual([])
  })
})

describe('several certificates (names)', () => {
  const BATCH = { ...INPUTS, name: '', 'client-token': '', names: 'alice\nbob' }

  test('one fails: the batch message names it, and the one obtained is an output', async () => {
    serve(VPC, (_action, n) => (n === 1 ? created('vsc-alice', 'alice') : apiError('Forbidden')))
    await runAction(
      fakeIo(BATCH, { GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '42', GITHUB_JOB: 'vpn' })
    )
    expect(recorded.failures).toHaveLength(1)
    const [message] = recorded.failures
    expect(message).toMatch(/^1 of 2 certificates failed/)
    expect(message).toMatch(/^- bob: .*Forbidden/m)
    expect(message).not.toMatch(/- alice/)
    expect(JSON.parse(recorded.outputs['cert-ids'] ?? '')).toEqual({ alice: 'vsc-alice' })
    // The single-certificate outputs belong to one certificate: none with two.
    expect(recorded.outputs['cert-id']).toBeUndefined()
    expect(recorded.outputs['client-token']).toBeUndefined()
  })

  test('all obtained: no failure', async () => {
    serve(VPC, (_action, n) =>
      n === 1 ? created('vsc-alice', 'alice') : created('vsc-bob', 'bob')
    )
    await runAction(fakeIo(BATCH))
    expect(recorded.failures).toEqual([])
    expect(JSON.parse(recorded.outputs['cert-ids'] ?? '')).toEqual({
      alice: 'vsc-alice',
      bob: 'vsc-bob'
    })
  })
})

test('cancelled mid-wait: a warning, and the failure names the token to re-use', async () => {
  serve(VPC, () => BUSY)
  const cancellation = new AbortController()
  const sleeps: number[] = []
  await runAction(
    fakeIo(INPUTS, undefined, {
      signal: cancellation.signal,
      // The runner cancels while the action waits out the busy gateway.
      sleep: (ms, signal) =>
        new Promise((_resolve, reject) => {
          sleeps.push(ms)
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
          setImmediate(() => cancellation.abort(new CancelledError('received SIGTERM')))
        })
    })
  )
  expect(sleeps).toHaveLength(1)
  expect(recorded.requests).toEqual(['CreateSslVpnClientCert'])
  expect(recorded.warnings).toEqual(['Cancelled (received SIGTERM).'])
  expect(recorded.failures).toHaveLength(1)
  expect(recorded.failures[0]).toMatch(/cancelled/)
  expect(recorded.failures[0]).toContain(`client-token: ${GIVEN_TOKEN}`)
  expect(recorded.outputs['client-token']).toBe(GIVEN_TOKEN)
  expect(recorded.debug).toEqual([])
})

describe('job summary', () => {
  test('written when GITHUB_STEP_SUMMARY is set', async () => {
    serve(VPC, () => created('vsc-main0001', 'ci-cert'))
    await runAction(fakeIo(INPUTS, { GITHUB_STEP_SUMMARY: '/runner/summary' }))
    expect(recorded.summaryWrites).toContain('write')
    expect(recorded.summaryWrites.join('\n')).toMatch(/vss-bp1main0001/)
  })

  test('not written without it', async () => {
    serve(VPC, () => created('vsc-main0001', 'ci-cert'))
    await runAction(fakeIo(INPUTS))
    expect(recorded.summaryWrites).toEqual([])
  })
})

test('post-step state: isPost before anything else, each profile recorded as written', async () => {
  serve(VPC, action =>
    action === 'CreateSslVpnClientCert'
      ? created('vsc-main0001', 'ci-cert')
      : {
          statusCode: 200,
          data: {
            RequestId: 'REQ-DESCRIBE',
            SslVpnClientCertId: 'vsc-main0001',
            Name: 'ci-cert',
            Status: 'normal',
            CaCert: PEM_CERT,
            ClientCert: PEM_CERT,
            ClientKey: PEM_KEY,
            ClientConfig: 'client\ndev tun\nproto udp\nremote 192.0.2.1 1194\nca ca.crt\n'
          }
        }
  )
  await runAction(fakeIo({ ...INPUTS, 'config-dir': 'out' }))
  expect(recorded.failures).toEqual([])
  expect(recorded.events[0]).toBe(`state ${STATE_IS_POST}=true`)
  const path = join(resolve('out'), 'ci-cert.ovpn')
  expect(recorded.outputs['config-file']).toBe(path)
  expect(recorded.profiles.get(path)).toContain('<key>')
  expect(parseProfileRecord(recorded.state[STATE_PROFILES] ?? '')).toEqual({
    configDir: resolve('out'),
    files: [path],
    keep: false
  })
  // The key from the answer was masked before the profile was written.
  expect(recorded.masked).toContain(PEM_KEY)
})

describe('stack traces', () => {
  test('a bug: its stack, through readableStack, at debug level', async () => {
    serve(VPC, () => created('vsc-main0001', 'ci-cert'))
    const bug = new TypeError('boom: a bug in the summary')
    await runAction(
      fakeIo(
        INPUTS,
        { GITHUB_STEP_SUMMARY: '/runner/summary' },
        {
          summary: {
            addHeading: () => {
              throw bug
            },
            addTable: () => {
              throw bug
            },
            addRaw: () => {
              throw bug
            },
            write: async () => undefined
          }
        }
      )
    )
    expect(recorded.failures).toEqual(['boom: a bug in the summary'])
    expect(recorded.debug).toEqual([readableStack(bug.stack ?? '')])
    expect(recorded.debug[0]).toMatch(/^\(readable\) TypeError: boom/)
  })

  test('an expected failure: none', async () => {
    serve(VPC, () => apiError('Forbidden'))
    await runAction(fakeIo(INPUTS))
    expect(recorded.failures).toHaveLength(1)
    expect(recorded.debug).toEqual([])
  })
})

describe('the network', () => {
  test('the proxy variable is read, masked and handed to the dispatcher factory', async () => {
    serve(VPC, () => created('vsc-main0001', 'ci-cert'))
    const proxies: unknown[] = []
    await runAction(
      fakeIo(
        INPUTS,
        { HTTPS_PROXY: 'http://user:Proxy-Pa55@proxy.internal:3128' },
        {
          createDispatcher: proxy => {
            proxies.push(proxy)
            return agent
          }
        }
      )
    )
    expect(proxies).toEqual([
      { url: 'http://user:Proxy-Pa55@proxy.internal:3128/', variable: 'HTTPS_PROXY' }
    ])
    expect(recorded.masked).toContain('Proxy-Pa55')
    expect(recorded.failures).toEqual([])
  })

  test('a malformed proxy variable fails the step, named, before any call', async () => {
    serve(VPC, () => created('vsc-main0001', 'ci-cert'))
    await runAction(fakeIo(INPUTS, { HTTPS_PROXY: 'socks5://proxy.internal:1080' }))
    expect(recorded.failures).toEqual([
      expect.stringMatching(/^Environment variable HTTPS_PROXY: is not a usable proxy URL/)
    ])
    expect(recorded.requests).toEqual([])
  })

  test('keyless: the OIDC token and STS go through the same dispatcher as the VPC call', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2lnbmF0dXJl'
    agent
      .get(TOKEN_SERVICE)
      .intercept({ path: p => p.startsWith('/token?'), method: 'GET' })
      .reply(() => {
        recorded.events.push('request OIDC token')
        return { statusCode: 200, data: { value: jwt } }
      })
    serve(STS, () => ({
      statusCode: 200,
      data: {
        RequestId: 'REQ-STS',
        Credentials: {
          AccessKeyId: 'STS.MainTestIssued01',
          AccessKeySecret: 'IssuedSecret0123456789',
          SecurityToken: 'CAISmainTestIssuedToken',
          Expiration: '2026-01-01T01:00:00Z'
        }
      }
    }))
    serve(VPC, () => created('vsc-main0001', 'ci-cert'))
    const { 'access-key-id': _id, 'access-key-secret': _secret, ...noKeys } = INPUTS
    await runAction(
      fakeIo(
        {
          ...noKeys,
          'role-to-assume': 'acs:ram::1234567890123456:role/ci',
          'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/github'
        },
        {
          ACTIONS_ID_TOKEN_REQUEST_URL: `${TOKEN_SERVICE}/token?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token'
        }
      )
    )
    expect(recorded.failures).toEqual([])
    expect(recorded.events.filter(e => e.startsWith('request '))).toEqual([
      'request OIDC token',
      'request AssumeRoleWithOIDC',
      'request CreateSslVpnClientCert'
    ])
    expect(recorded.masked).toEqual(
      expect.arrayContaining([
        'runner-request-token',
        jwt,
        'STS.MainTestIssued01',
        'IssuedSecret0123456789',
        'CAISmainTestIssuedToken'
      ])
    )
    expect(recorded.outputs['cert-id']).toBe('vsc-main0001')
  })
})
