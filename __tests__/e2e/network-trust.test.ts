/**
 * End to end over dist/index.js: the network as an attacker or a broken network sees it. One row
 * per attack, each a run of the bundled action as the runner runs it:
 *
 * - proxy variables that are malformed (the password must never show, the variable is named);
 * - NODE_TLS_REJECT_UNAUTHORIZED=0 with an impostor https:// proxy or OIDC token service (no
 *   credential may reach either);
 * - `timeout-seconds` as a deadline: listings that never end, answers slower than the deadline, a
 *   hung token service, SIGTERM while the token is fetched;
 * - `x-acs-retry-after` values that would make a request storm;
 * - the STS endpoint variables (ALIBABA_CLOUD_STS_ENDPOINT / _REGION) and the hint when STS is
 *   out of reach.
 *
 * The runs are slow (a Node process each), so each group runs its rows in `beforeAll`, a few at a
 * time; every row is its own test. Nothing leaves the machine: every endpoint is on loopback, and a
 * call to a real Alibaba Cloud host goes to a local CONNECT proxy that only records its target.
 *
 * No assertion here reads the test's own clock (the machine may be loaded): that a deadline held is
 * shown by the action's own clock (the Timestamp it signs each request with, the time it gave an
 * attempt, in its message) and by what the endpoints received; the wall-clock figures are only
 * printed.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { DEFAULT_RETRY_POLICY } from '../../src/http/retry.js'
import {
  startConnectProxy,
  type ConnectProxy,
  type ConnectProxyOptions
} from '../../test-server/connect-proxy.mjs'
import {
  startHostile,
  type Hostile,
  type HostileReply,
  type HostileRequest
} from '../../test-server/hostile.mjs'
import { runAction, type RunOptions, type RunResult } from '../../test-server/run-action.mjs'
import { startStandIn, type StandIn, type StandInOptions } from '../../test-server/stand-in.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY } from '../../__fixtures__/stand-in.js'
import { runActionWhile } from '../../__fixtures__/wait-for.js'
import { inParallel } from '../../__fixtures__/in-parallel.js'
import { closedPort } from '../../__fixtures__/ports.js'

/** How many actions run at once within a group. */
const PARALLEL = 4
/** A run that should end by itself but is stuck is killed after this (the old bundle's rows). */
const KILL_AFTER_MS = 20_000

const KEY = DEFAULT_KEY
const SERVER = { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0001' }
const KEY_INPUTS = { 'access-key-id': KEY.accessKeyId, 'access-key-secret': KEY.accessKeySecret }

// Everything a test starts, closed at the end.
const closers: (() => Promise<unknown>)[] = []
afterAll(async () => {
  await Promise.all(closers.splice(0).map(close => close()))
})

async function standIn(options: StandInOptions = {}): Promise<StandIn> {
  const started = await startStandIn(options)
  closers.push(() => started.close())
  return started
}

async function hostile(
  respond: (request: HostileRequest) => HostileReply | Promise<HostileReply>
): Promise<Hostile> {
  const started = await startHostile(respond)
  closers.push(() => started.close())
  return started
}

async function proxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const started = await startConnectProxy(options)
  closers.push(() => started.close())
  return started
}

function vpcInputs(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'region-id': SERVER.regionId,
    'ssl-vpn-server-id': SERVER.sslVpnServerId,
    endpoint,
    ...KEY_INPUTS,
    ...extra
  }
}

/** Runs `run` over `rows`, PARALLEL at a time. */
const runRows = <R>(rows: readonly R[], run: (row: R) => Promise<void>) =>
  inParallel(rows, PARALLEL, run)

/** stdout and stderr without the `::add-mask::` commands, which is how secrets get masked. */
function shown(result: RunResult): string {
  return [result.stdout, result.stderr, result.outputFile, result.summary]
    .join('\n')
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
}

function expectNoStackTrace(result: RunResult) {
  expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
}

/** A failed run: it ended by itself, exit code 1, one annotation. */
function expectOneFailure(result: RunResult): string {
  expect(result.signal).toBeNull()
  expect(result.exitCode).toBe(1)
  expect(result.errors).toHaveLength(1)
  expectNoStackTrace(result)
  return result.errors[0] ?? ''
}

// ---------------------------------------------------------------------------------------------
// 5. Proxy variables: a malformed one is an error that names it and never shows its value.
// ---------------------------------------------------------------------------------------------

interface ProxyRow {
  title: string
  /** `{proxy}` is replaced by the URL of a working local proxy (host:port, no scheme). */
  env: Record<string, string>
  /** Refused: the variable named and the problem; accepted: undefined. */
  refused?: { variable: string; problem: RegExp }
  /** Must not appear anywhere, in any encoding. */
  secrets: string[]
  /** Pieces of a secret (around the character that breaks it) that must not appear either. */
  parts?: string[]
  /** Accepted with credentials: the Proxy-Authorization the proxy must receive. */
  authorization?: string
}

const PASSWORD = 'Pa55#w0rd'
const PROXY_ROWS: ProxyRow[] = [
  {
    title: 'HTTPS_PROXY with an unencoded "#" in the password',
    env: { HTTPS_PROXY: `http://bot:${PASSWORD}@proxy.invalid:3128` },
    refused: { variable: 'HTTPS_PROXY', problem: /contains "#" or "\?"/ },
    secrets: [PASSWORD, `http://bot:${PASSWORD}@proxy.invalid:3128`],
    parts: ['Pa55', 'w0rd']
  },
  {
    title: 'https_proxy with an unencoded "#" after digits (parses, but as another host)',
    env: { https_proxy: 'http://bot:3128#Secr3t@proxy.invalid:3128' },
    refused: { variable: 'https_proxy', problem: /contains "#" or "\?"/ },
    secrets: ['3128#Secr3t'],
    parts: ['Secr3t']
  },
  {
    title: 'HTTPS_PROXY with an unencoded "?" in the password',
    env: { HTTPS_PROXY: 'http://bot:Pa55?w0rd@proxy.invalid:3128' },
    refused: { variable: 'HTTPS_PROXY', problem: /contains "#" or "\?"/ },
    secrets: ['Pa55?w0rd'],
    parts: ['w0rd']
  },
  {
    title: 'HTTPS_PROXY with an unencoded "/" in the password',
    env: { HTTPS_PROXY: 'http://bot:Pa55/w0rd@proxy.invalid:3128' },
    refused: { variable: 'HTTPS_PROXY', problem: /is not a valid URL/ },
    secrets: ['Pa55/w0rd'],
    parts: ['w0rd']
  },
  {
    title: 'HTTP_PROXY (alone) without a scheme',
    env: { HTTP_PROXY: 'bot:S3cretPass@proxy.invalid:3128' },
    refused: { variable: 'HTTP_PROXY', problem: /does not start with http:\/\/ or https:\/\// },
    secrets: ['S3cretPass', 'bot:S3cretPass@proxy.invalid:3128']
  },
  {
    title: 'HTTPS_PROXY with socks5://',
    env: { HTTPS_PROXY: 'socks5://bot:S0cksPass@127.0.0.1:1080' },
    refused: { variable: 'HTTPS_PROXY', problem: /SOCKS proxies are not supported/ },
    secrets: ['S0cksPass']
  },
  {
    title: 'HTTPS_PROXY with an unsupported scheme',
    env: { HTTPS_PROXY: 'ftp://bot:FtpPass99@proxy.invalid:21' },
    refused: { variable: 'HTTPS_PROXY', problem: /scheme is not http:\/\/ or https:\/\// },
    secrets: ['FtpPass99']
  },
  {
    title: 'HTTPS_PROXY with a space in the password',
    env: { HTTPS_PROXY: 'http://bot:Pa55 w0rd@proxy.invalid:3128' },
    refused: { variable: 'HTTPS_PROXY', problem: /contains a space or a control character/ },
    secrets: ['Pa55 w0rd'],
    parts: ['Pa55', 'w0rd']
  },
  {
    title: 'HTTPS_PROXY with an empty host',
    env: { HTTPS_PROXY: 'http://bot:N0HostPass@:3128' },
    refused: { variable: 'HTTPS_PROXY', problem: /is not a valid URL/ },
    secrets: ['N0HostPass']
  },
  {
    title: 'HTTPS_PROXY with a malformed %-escape in the password',
    env: { HTTPS_PROXY: 'http://bot:Bad%zzEscape@proxy.invalid:3128' },
    refused: { variable: 'HTTPS_PROXY', problem: /malformed %-escape/ },
    secrets: ['Bad%zzEscape'],
    parts: ['zzEscape']
  },
  {
    title: 'HTTPS_PROXY with a user name but no password',
    env: { HTTPS_PROXY: 'http://lonely-user@proxy.invalid:3128' },
    refused: { variable: 'HTTPS_PROXY', problem: /user name without a password/ },
    secrets: ['http://lonely-user@proxy.invalid:3128']
  },
  {
    title: 'HTTPS_PROXY with a path',
    env: { HTTPS_PROXY: 'http://proxy.invalid:3128/some/path' },
    refused: { variable: 'HTTPS_PROXY', problem: /has a path/ },
    secrets: ['http://proxy.invalid:3128/some/path']
  },
  {
    title: 'https_proxy (malformed) wins over HTTPS_PROXY (fine), as in undici',
    env: { https_proxy: 'http://bot:Lower#Case@proxy.invalid:3128', HTTPS_PROXY: 'http://{proxy}' },
    refused: { variable: 'https_proxy', problem: /contains "#" or "\?"/ },
    secrets: ['Lower#Case'],
    parts: ['Lower', 'Case']
  },
  {
    title: 'accepted: an "@" in the password (the last "@" ends the user info)',
    env: { HTTPS_PROXY: 'http://bot:p@ss!word@{proxy}' },
    secrets: ['p@ss!word'],
    authorization: `Basic ${Buffer.from('bot:p@ss!word').toString('base64')}`
  },
  {
    title: 'accepted: blanks around the value',
    env: { HTTPS_PROXY: '  http://{proxy} \n' },
    secrets: []
  },
  {
    title: 'accepted: a malformed HTTP_PROXY is not used when HTTPS_PROXY is set',
    env: { HTTPS_PROXY: 'http://{proxy}', HTTP_PROXY: 'http://bot:Unused#Pass@proxy.invalid:1' },
    secrets: ['Unused#Pass'],
    parts: ['Unused', 'Pass']
  }
]

describe('5. proxy variables', () => {
  const outcomes = new Map<ProxyRow, { result: RunResult; server: StandIn; via: ConnectProxy }>()

  beforeAll(async () => {
    await runRows(PROXY_ROWS, async row => {
      const server = await standIn()
      const via = await proxy()
      const env: Record<string, string> = {}
      for (const [name, value] of Object.entries(row.env)) {
        env[name] = value.replace('{proxy}', `127.0.0.1:${via.port}`)
      }
      const result = await runAction({
        inputs: vpcInputs(`localhost:${server.port}`, { 'timeout-seconds': '10' }),
        env,
        killAfterMs: KILL_AFTER_MS
      })
      outcomes.set(row, { result, server, via })
    })
  }, 240_000)

  test.each(PROXY_ROWS.map(row => [row.title, row] as const))('%s', (_title, row) => {
    const outcome = outcomes.get(row)
    if (!outcome) throw new Error('no run')
    const { result, server, via } = outcome
    expectNoSecrets(result, [KEY.accessKeySecret, ...row.secrets])
    for (const part of row.parts ?? []) expect(shown(result)).not.toContain(part)
    if (row.refused) {
      const error = expectOneFailure(result)
      expect(error).toMatch(
        new RegExp(`^Environment variable ${row.refused.variable}: is not a usable proxy URL: `)
      )
      expect(error).toMatch(row.refused.problem)
      expect(error).toContain('expected http://host:port or https://host:port')
      // Refused before any connection.
      expect(server.calls).toEqual([])
      expect(via.connections).toBe(0)
      return
    }
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(server.calls.map(c => c.outcome)).toEqual(['created'])
    expect(via.tunnels.map(t => [t.target, t.status])).toEqual([[`localhost:${server.port}`, 200]])
    expect(via.tunnels[0]?.proxyAuthorization ?? undefined).toBe(row.authorization)
  })
})

// ---------------------------------------------------------------------------------------------
// 6. NODE_TLS_REJECT_UNAUTHORIZED=0 turns off nothing: not for a proxy, not for the token service.
// ---------------------------------------------------------------------------------------------

const PROXY_PASSWORD = 'Pr0xy-Pass-9f1c'

describe('6. TLS verification, NODE_TLS_REJECT_UNAUTHORIZED=0 notwithstanding', () => {
  let impostorProxy: { result: RunResult; server: StandIn; via: ConnectProxy } | undefined
  let trustedProxy: { result: RunResult; server: StandIn; via: ConnectProxy } | undefined
  let impostorTokenService: { result: RunResult; server: StandIn } | undefined

  beforeAll(async () => {
    const viaProxy = async (tls: 'trusted' | 'untrusted') => {
      const server = await standIn()
      const via = await proxy({ tls })
      const result = await runAction({
        inputs: vpcInputs(`localhost:${server.port}`, { 'timeout-seconds': '10' }),
        env: {
          NODE_TLS_REJECT_UNAUTHORIZED: '0',
          HTTPS_PROXY: `https://bot:${PROXY_PASSWORD}@localhost:${via.port}`
        },
        killAfterMs: KILL_AFTER_MS
      })
      return { result, server, via }
    }
    const tokenService = async () => {
      // The stand-in plays the token service, on a certificate nobody trusts.
      const server = await standIn({ tls: 'untrusted', oidc: {} })
      const result = await runAction(
        oidcRun(server, server.endpoint, { 'timeout-seconds': '10' }, undefined, {
          NODE_TLS_REJECT_UNAUTHORIZED: '0'
        })
      )
      return { result, server }
    }
    ;[impostorProxy, trustedProxy, impostorTokenService] = await Promise.all([
      viaProxy('untrusted'),
      viaProxy('trusted'),
      tokenService()
    ])
  }, 120_000)

  test('an https:// proxy with an untrusted certificate: no CONNECT, no credentials; the proxy is named', () => {
    if (!impostorProxy) throw new Error('no run')
    const { result, server, via } = impostorProxy
    // The action reached the impostor but stopped at its certificate: nothing was sent over it.
    expect(via.connections).toBeGreaterThan(0)
    expect(via.tunnels).toEqual([])
    expect(server.calls).toEqual([])
    expectNoSecrets(result, [KEY.accessKeySecret, PROXY_PASSWORD])
    const error = expectOneFailure(result)
    expect(error).toMatch(/^The TLS certificate of the proxy from HTTPS_PROXY was not trusted/)
    expect(error).toContain('neither its credentials nor the request')
    expect(error).not.toContain(`localhost:${via.port}`) // named by its variable, not its value
    // Not retried: an untrusted certificate stays untrusted.
    expect(result.stdout).not.toMatch(/^Attempt /m)
  })

  test('an https:// proxy with a trusted certificate works, credentials sent inside TLS', () => {
    if (!trustedProxy) throw new Error('no run')
    const { result, server, via } = trustedProxy
    expectNoSecrets(result, [KEY.accessKeySecret, PROXY_PASSWORD])
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(server.calls.map(c => c.outcome)).toEqual(['created'])
    expect(via.tunnels.map(t => [t.target, t.status, t.proxyAuthorization])).toEqual([
      [
        `localhost:${server.port}`,
        200,
        `Basic ${Buffer.from(`bot:${PROXY_PASSWORD}`).toString('base64')}`
      ]
    ])
  })

  test('an OIDC token service with an untrusted certificate never receives the bearer token', () => {
    if (!impostorTokenService) throw new Error('no run')
    const { result, server } = impostorTokenService
    const oidc = server.oidc
    if (!oidc) throw new Error('no oidc')
    expect(oidc.tokenRequests).toEqual([])
    expect(oidc.issued).toEqual([])
    expect(server.calls).toEqual([])
    expectNoSecrets(result, [oidc.requestToken])
    const error = expectOneFailure(result)
    expect(error).toMatch(/OIDC token/)
    expect(error).toMatch(
      /The TLS certificate of the OIDC token service at https:\/\/127\.0\.0\.1:\d+ was not trusted/
    )
  })
})

// ---------------------------------------------------------------------------------------------
// 7. timeout-seconds is a deadline: for listings, slow answers, the token service and signals.
// ---------------------------------------------------------------------------------------------

const LIST = 'DescribeSslVpnClientCerts'
const PAGE_SIZE = 50

/** A DescribeSslVpnClientCerts page of `count` certificates named otherwise. */
function listPage(pageNumber: number, totalCount: unknown, count = PAGE_SIZE): HostileReply {
  return {
    json: {
      RequestId: `list-${pageNumber}`,
      TotalCount: totalCount,
      PageNumber: pageNumber,
      PageSize: PAGE_SIZE,
      SslVpnClientCertKeys: {
        SslVpnClientCertKey: Array.from({ length: count }, (_, i) => ({
          SslVpnClientCertId: `vsc-other${pageNumber}x${i}`,
          SslVpnServerId: SERVER.sslVpnServerId,
          Name: `other-${pageNumber}-${i}`,
          Status: 'normal',
          CreateTime: 1_700_000_000_000
        }))
      }
    }
  }
}

const CREATED: HostileReply = {
  json: { RequestId: 'create-1', SslVpnClientCertId: 'vsc-fabricated00001', Name: 'alice' }
}

interface ListingRow {
  title: string
  timeoutSeconds: number
  respond: (pageNumber: number) => HostileReply
  check: (result: RunResult, lists: HostileRequest[], all: HostileRequest[]) => void
}

const pageOf = (request: HostileRequest) => Number(request.params['PageNumber'] ?? '0')

/**
 * From the first request's signed time to the last's, in ms: the action's own clock (the V3
 * `x-acs-date`, or V1 `Timestamp`, whole seconds), however late a loaded machine delivered them.
 */
function signedSpanMs(requests: readonly HostileRequest[]): number {
  const signedAt = requests.map(r =>
    Date.parse(r.headers['x-acs-date'] ?? r.params['Timestamp'] ?? '')
  )
  expect(signedAt.every(Number.isFinite)).toBe(true)
  return Math.max(...signedAt) - Math.min(...signedAt)
}

/**
 * The time the action gave the attempt that got no answer, from its message ("No answer from …
 * within 0.9 s"): the time left before the deadline, or the policy's own attempt timeout.
 */
function attemptSeconds(error: string): number {
  const within = /No answer from .* within (\d+(?:\.\d+)?) s\./.exec(error)?.[1]
  expect(within).toBeDefined()
  return Number(within)
}

const LISTING_ROWS: ListingRow[] = [
  {
    title: 'a TotalCount that grows with every page: stopped at page 2 as inconsistent, no create',
    timeoutSeconds: 10,
    respond: page => listPage(page, (page + 1) * PAGE_SIZE),
    check: (result, lists, all) => {
      // The first page said 100 certificates, the second 150: the listing is not believed.
      expect(expectOneFailure(result)).toMatch(
        /DescribeSslVpnClientCerts answered inconsistently .*: page 2 says TotalCount 150, page 1 said 100/
      )
      expect(lists.map(pageOf)).toEqual([1, 2])
      expect(all.map(r => r.action)).toEqual([LIST, LIST])
    }
  },
  {
    title: 'a TotalCount of a billion: one page, an unexpected answer, no create',
    timeoutSeconds: 10,
    respond: page => listPage(page, 1_000_000_000),
    check: (result, lists, all) => {
      const error = expectOneFailure(result)
      expect(error).toMatch(/TotalCount of 1000000000 certificates/)
      expect(error).toMatch(/more than the 5000 \(100 pages\)/)
      expect(lists).toHaveLength(1)
      expect(all).toHaveLength(1)
    }
  },
  ...['60', -50, 12.5, null].map((total): ListingRow => ({
    title: `a TotalCount of ${JSON.stringify(total)}: an unexpected answer, no create`,
    timeoutSeconds: 10,
    respond: page => listPage(page, total),
    check: (result, lists, all) => {
      expect(expectOneFailure(result)).toMatch(
        /DescribeSslVpnClientCerts answered a TotalCount that is not a whole number/
      )
      expect(lists).toHaveLength(1)
      expect(all).toHaveLength(1)
    }
  })),
  {
    title: 'a page with more certificates than the PageSize: an unexpected answer',
    timeoutSeconds: 10,
    respond: page => listPage(page, 60, 60),
    check: (result, lists) => {
      expect(expectOneFailure(result)).toMatch(/a page of 60 certificates for a PageSize of 50/)
      expect(lists).toHaveLength(1)
    }
  },
  {
    title: '100 slow pages, timeout-seconds 3: paging stops at the deadline',
    timeoutSeconds: 3,
    respond: page => ({ ...listPage(page, 100 * PAGE_SIZE), delayMs: 400 }),
    check: (result, lists, all) => {
      const error = expectOneFailure(result)
      expect(error).toMatch(/timeout-seconds \(3 s\)/)
      // Each page takes at least 400 ms (a slower machine fits fewer), and no page is asked for
      // after the deadline, by the action's own clock: the signed time of the last request is
      // within timeout-seconds of the first (whole seconds, so a slow machine cannot fail this).
      expect(lists.length).toBeGreaterThan(1)
      expect(lists.length).toBeLessThanOrEqual(1 + Math.ceil(3_000 / 400))
      expect(all).toEqual(lists)
      expect(signedSpanMs(all)).toBeLessThanOrEqual(3_000)
      console.info(`100 slow pages, timeout-seconds 3: the step took ${result.durationMs} ms`)
    }
  }
]

describe('7. timeout-seconds is a deadline', () => {
  describe('listings (if-exists: reuse)', () => {
    const outcomes = new Map<ListingRow, { result: RunResult; endpoint: Hostile }>()

    beforeAll(async () => {
      await runRows(LISTING_ROWS, async row => {
        const endpoint = await hostile(request =>
          request.action === LIST ? row.respond(pageOf(request)) : CREATED
        )
        const result = await runAction({
          inputs: vpcInputs(endpoint.endpoint, {
            name: 'alice',
            'if-exists': 'reuse',
            'timeout-seconds': String(row.timeoutSeconds)
          }),
          killAfterMs: KILL_AFTER_MS
        })
        outcomes.set(row, { result, endpoint })
      })
    }, 240_000)

    test.each(LISTING_ROWS.map(row => [row.title, row] as const))('%s', (_title, row) => {
      const outcome = outcomes.get(row)
      if (!outcome) throw new Error('no run')
      const { result, endpoint } = outcome
      expect(result.signal).toBeNull() // ended by itself, not killed
      expectNoSecrets(result, [KEY.accessKeySecret])
      const all = [...endpoint.requests]
      row.check(
        result,
        all.filter(r => r.action === LIST),
        all
      )
    })
  })

  describe('answers slower than the deadline, and the token service', () => {
    let slow: { result: RunResult; endpoint: Hostile } | undefined
    let hungToken: { result: RunResult; tokenService: Hostile } | undefined
    let signalled:
      | {
          result: RunResult
          tokenService: Hostile
          tokenRequest: 'abandoned' | 'answered' | undefined
          stopMs: number
        }
      | undefined

    beforeAll(async () => {
      const slowAnswers = async () => {
        // Every answer would take 9 s; timeout-seconds is 1.
        const endpoint = await hostile(request => ({
          ...(request.action === LIST ? listPage(1, 0, 0) : CREATED),
          delayMs: 9_000
        }))
        const result = await runAction({
          inputs: vpcInputs(endpoint.endpoint, {
            name: 'alice',
            'if-exists': 'reuse',
            'timeout-seconds': '1'
          }),
          killAfterMs: KILL_AFTER_MS
        })
        return { result, endpoint }
      }
      const hungTokenService = async () => {
        const tokenService = await hostile(() => ({ hang: true }))
        const server = await standIn({ oidc: {} })
        const result = await runAction(
          oidcRun(server, server.endpoint, { 'timeout-seconds': '2' }, tokenService)
        )
        return { result, tokenService }
      }
      const sigtermDuringTokenFetch = async () => {
        // The token service answers a good token after 8 s, within the 10 s attempt timeout: a
        // bundle that acted on the signal only when the attempt ended would get it (and go on);
        // one that abandons the request at the signal closes the connection first. Which of the
        // two happened is recorded here, an event, not a time taken.
        let tokenRequest: 'abandoned' | 'answered' | undefined
        const answerAfterMs = 0.8 * DEFAULT_RETRY_POLICY.attemptTimeoutMs
        const tokenService = await hostile(() => ({
          stream: res =>
            new Promise<void>(resolve => {
              const answer = setTimeout(() => {
                tokenRequest ??= 'answered'
                res.end(JSON.stringify({ value: 'header.payload.signature' }))
                resolve()
              }, answerAfterMs)
              res.socket?.once('close', () => {
                clearTimeout(answer)
                tokenRequest ??= 'abandoned'
                resolve()
              })
            })
        }))
        const server = await standIn({ oidc: {} })
        let signalledAt = 0
        const result = await runActionWhile(
          {
            ...oidcRun(server, server.endpoint, { 'timeout-seconds': '60' }, tokenService),
            // Longer than the 10 s attempt timeout: a bundle that ignored the signal would show it
            // by what it did (the attempt timing out, another request) rather than by being killed.
            killAfterMs: 3 * DEFAULT_RETRY_POLICY.attemptTimeoutMs
          },
          async action => {
            await action.signalWhen(() => tokenService.requests.length > 0, {
              what: 'the request to the token service'
            })
            signalledAt = performance.now()
          }
        )
        const exitedAt = performance.now()
        return {
          result,
          tokenService,
          tokenRequest,
          stopMs: signalledAt ? exitedAt - signalledAt : Infinity
        }
      }
      ;[slow, hungToken, signalled] = await Promise.all([
        slowAnswers(),
        hungTokenService(),
        sigtermDuringTokenFetch()
      ])
    }, 120_000)

    test('9 s answers, timeout-seconds 1: the first attempt is cut at the deadline, nothing starts after it', () => {
      if (!slow) throw new Error('no run')
      const { result, endpoint } = slow
      const error = expectOneFailure(result)
      expect(result.signal).toBeNull() // ended by itself, not killed
      expect(error).toMatch(/timeout-seconds \(1 s\)/)
      // The listing's attempt got the 1 s left, not its own 10 s (the action says how long it
      // gave it); create was never started.
      expect(attemptSeconds(error)).toBeLessThanOrEqual(1)
      expect(DEFAULT_RETRY_POLICY.attemptTimeoutMs).toBeGreaterThan(1_000)
      expect(endpoint.requests.map(r => r.action)).toEqual([LIST])
      console.info(`9 s answers, timeout-seconds 1: the step took ${result.durationMs} ms`)
    })

    test('a hung token service, timeout-seconds 2: the step ends by the deadline', () => {
      if (!hungToken) throw new Error('no run')
      const { result, tokenService } = hungToken
      const error = expectOneFailure(result)
      expect(result.signal).toBeNull() // ended by itself, not killed
      expect(error).toMatch(/timeout-seconds \(2 s\)/)
      expect(error).toMatch(/OIDC token service/)
      // Its one attempt was cut at the deadline (the action says how long it gave it), not left to
      // run its own 10 s.
      expect(attemptSeconds(error)).toBeLessThanOrEqual(2)
      expect(tokenService.requests).toHaveLength(1)
      console.info(`a hung token service, timeout-seconds 2: the step took ${result.durationMs} ms`)
    })

    test('SIGTERM while the token service hangs: the request is abandoned and the step exits, cancelled', () => {
      if (!signalled) throw new Error('no run')
      const { result, tokenService, tokenRequest, stopMs } = signalled
      expect(result.signal).toBeNull() // it exited by itself, not killed
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain('::warning::Cancelled (received SIGTERM).')
      expect(result.errors[0]).toMatch(/cancelled/)
      // Not ended by the attempt's own timeout (it would say "No answer from … within 10 s" and
      // try again): one request, abandoned at the signal. Shown by what happened, not by a time.
      expect(result.stdout + result.errors.join('\n')).not.toContain('No answer from')
      expect(tokenService.requests).toHaveLength(1)
      // The connection was closed by the action before the token service's answer was due.
      expect(tokenRequest).toBe('abandoned')
      console.info(`SIGTERM during the token request: exited ${stopMs.toFixed(0)} ms after it`)
    })
  })
})

/** A run with keyless credentials; the token service is the stand-in's unless `tokenService`. */
function oidcRun(
  server: StandIn,
  stsEndpoint: string | undefined,
  extraInputs: Record<string, string> = {},
  tokenService?: Hostile,
  extraEnv: Record<string, string | undefined> = {}
): RunOptions {
  const oidc = server.oidc
  if (!oidc) throw new Error('the stand-in has no OIDC side')
  return {
    inputs: {
      'region-id': SERVER.regionId,
      'ssl-vpn-server-id': SERVER.sslVpnServerId,
      name: 'keyless',
      endpoint: server.endpoint,
      ...(stsEndpoint === undefined ? {} : { 'sts-endpoint': stsEndpoint }),
      'role-to-assume': oidc.roleArn,
      'oidc-provider-arn': oidc.oidcProviderArn,
      ...extraInputs
    },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: tokenService
        ? `${tokenService.url}/_oidc/token?api-version=2.0`
        : oidc.tokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
      ...extraEnv
    },
    killAfterMs: KILL_AFTER_MS
  }
}

// ---------------------------------------------------------------------------------------------
// 8. x-acs-retry-after: zero, negative or garbage is no advice; any wait is at least the minimum.
// ---------------------------------------------------------------------------------------------

/**
 * Long enough for a second attempt however slow the machine (the first backoff is at most
 * initialDelayMs), short enough to bound a storm: the verdicts below come from the policy, not
 * from how fast this machine is.
 */
const STORM_SECONDS = 5
const policy = DEFAULT_RETRY_POLICY
/** Without advice the backoff applies: its shortest first wait is initialDelayMs × (1 − jitter). */
const NO_ADVICE_MAX_CALLS =
  1 + Math.ceil((STORM_SECONDS * 1000) / (policy.initialDelayMs * (1 - policy.jitterRatio)))
/** With advice shorter than the floor, the floor applies. */
const FLOOR_MAX_CALLS = 1 + Math.ceil((STORM_SECONDS * 1000) / policy.minDelayMs)

const RETRY_AFTER_ROWS = [
  { value: '0', maxCalls: NO_ADVICE_MAX_CALLS },
  { value: '-5', maxCalls: NO_ADVICE_MAX_CALLS },
  { value: 'abc', maxCalls: NO_ADVICE_MAX_CALLS },
  { value: '1', maxCalls: FLOOR_MAX_CALLS }
]

describe('8. x-acs-retry-after cannot make a request storm', () => {
  const outcomes = new Map<string, { result: RunResult; endpoint: Hostile }>()

  beforeAll(async () => {
    await runRows(RETRY_AFTER_ROWS, async ({ value }) => {
      const endpoint = await hostile(() => ({
        status: 400,
        headers: { 'content-type': 'application/json', 'x-acs-retry-after': value },
        body: JSON.stringify({
          RequestId: 'throttled',
          Code: 'Throttling.User',
          Message: 'Request was denied due to user flow control.'
        })
      }))
      const result = await runAction({
        inputs: vpcInputs(endpoint.endpoint, { 'timeout-seconds': String(STORM_SECONDS) }),
        killAfterMs: KILL_AFTER_MS
      })
      outcomes.set(value, { result, endpoint })
    })
  }, 120_000)

  test.each(RETRY_AFTER_ROWS)(
    `x-acs-retry-after: $value → at most $maxCalls calls in ${STORM_SECONDS} s`,
    ({ value, maxCalls }) => {
      const outcome = outcomes.get(value)
      if (!outcome) throw new Error('no run')
      const { result, endpoint } = outcome
      const error = expectOneFailure(result)
      expect(error).toMatch(
        new RegExp(
          `^Gave up after \\d+ attempts?: timeout-seconds \\(${STORM_SECONDS} s\\) reached`
        )
      )
      // The answers were read as throttling (the last attempt, clamped to the time left, may be
      // cut by the deadline on a busy machine, so its own outcome is not what is checked).
      expect(result.stdout).toMatch(
        /attempt 1: Throttling\.User \(RequestId: throttled\); retrying/i
      )
      expect(endpoint.requests.length).toBeGreaterThan(1)
      expect(endpoint.requests.length).toBeLessThanOrEqual(maxCalls)
      // Every announced wait is at least the policy's floor (or what was left before the deadline).
      for (const [, seconds, left] of result.stdout.matchAll(
        /retrying in ([\d.]+) s, (\d+) s left/g
      )) {
        expect(Number(seconds) * 1000).toBeGreaterThanOrEqual(
          Math.min(policy.minDelayMs, Number(left) * 1000) - 100
        )
      }
    }
  )
})

// ---------------------------------------------------------------------------------------------
// Also: STS endpoint variables, and a hint when STS cannot be reached.
// ---------------------------------------------------------------------------------------------

interface StsRow {
  title: string
  /** The sts-endpoint input ('{standin}' = the stand-in), or undefined for none. */
  input?: string
  env: Record<string, string>
  timeoutSeconds?: number
  check: (outcome: { result: RunResult; server: StandIn; via: ConnectProxy }) => void
}

const assumedAtStandIn = ({ result, server, via }: Parameters<StsRow['check']>[0]) => {
  expect(result.errors).toEqual([])
  expect(result.exitCode).toBe(0)
  expect(server.calls.map(c => [c.action, c.outcome])).toEqual([
    ['AssumeRoleWithOIDC', 'assumed'],
    ['CreateSslVpnClientCert', 'created']
  ])
  expect(via.tunnels).toEqual([])
}

/** STS was called at `host` (through the recording proxy, which refuses anything off loopback). */
const calledAt =
  (host: string) =>
  ({ result, server, via }: Parameters<StsRow['check']>[0]) => {
    expect(via.tunnels.map(t => t.target)).toEqual([`${host}:443`])
    expect(server.calls).toEqual([])
    expect(expectOneFailure(result)).toMatch(/answered HTTP 403/)
  }

const STS_ROWS: StsRow[] = [
  {
    title: 'no input, no variable: sts.aliyuncs.com',
    env: {},
    check: calledAt('sts.aliyuncs.com')
  },
  {
    title: 'ALIBABA_CLOUD_STS_REGION: sts.<region>.aliyuncs.com',
    env: { ALIBABA_CLOUD_STS_REGION: 'ap-southeast-1' },
    check: calledAt('sts.ap-southeast-1.aliyuncs.com')
  },
  {
    title: 'ALIBABA_CLOUD_STS_ENDPOINT is used',
    env: { ALIBABA_CLOUD_STS_ENDPOINT: '{standin}' },
    check: assumedAtStandIn
  },
  {
    title: 'ALIBABA_CLOUD_STS_ENDPOINT wins over ALIBABA_CLOUD_STS_REGION',
    env: { ALIBABA_CLOUD_STS_ENDPOINT: '{standin}', ALIBABA_CLOUD_STS_REGION: 'ap-southeast-1' },
    check: assumedAtStandIn
  },
  {
    title: 'the sts-endpoint input wins over both variables',
    input: '{standin}',
    env: {
      ALIBABA_CLOUD_STS_ENDPOINT: 'sts.eu-central-1.aliyuncs.com',
      ALIBABA_CLOUD_STS_REGION: 'ap-southeast-1'
    },
    check: assumedAtStandIn
  },
  {
    title: 'a malformed ALIBABA_CLOUD_STS_REGION is named',
    env: { ALIBABA_CLOUD_STS_REGION: 'AP_Southeast 1' },
    check: ({ result, server, via }) => {
      expect(expectOneFailure(result)).toMatch(
        /^Environment variable ALIBABA_CLOUD_STS_REGION: "AP_Southeast 1" is not a region ID/
      )
      expect([server.calls, server.oidc?.tokenRequests, via.tunnels]).toEqual([[], [], []])
    }
  },
  {
    title: 'a malformed ALIBABA_CLOUD_STS_ENDPOINT is named',
    env: { ALIBABA_CLOUD_STS_ENDPOINT: 'http://sts.example.test' },
    check: ({ result, server, via }) => {
      expect(expectOneFailure(result)).toMatch(
        /^Environment variable ALIBABA_CLOUD_STS_ENDPOINT: "http:\/\/sts\.example\.test" uses plain http/
      )
      expect([server.calls, server.oidc?.tokenRequests, via.tunnels]).toEqual([[], [], []])
    }
  },
  {
    title:
      'STS out of reach (connection refused until the deadline): a regional endpoint is hinted',
    input: '127.0.0.1:{closed}',
    env: {},
    timeoutSeconds: 3,
    check: ({ result, server }) => {
      const error = expectOneFailure(result)
      expect(error).toMatch(/^Gave up after \d+ attempts?: timeout-seconds \(3 s\) reached/)
      expect(error).toMatch(/ECONNREFUSED/)
      expect(error).toContain('a regional endpoint such as sts.cn-hangzhou.aliyuncs.com')
      expect(error).toContain('ALIBABA_CLOUD_STS_REGION')
      expect(server.calls).toEqual([])
    }
  }
]

describe('STS endpoint: the input, ALIBABA_CLOUD_STS_ENDPOINT, ALIBABA_CLOUD_STS_REGION', () => {
  const outcomes = new Map<StsRow, { result: RunResult; server: StandIn; via: ConnectProxy }>()

  beforeAll(async () => {
    await runRows(STS_ROWS, async row => {
      const server = await standIn({ oidc: {} })
      // Loopback goes direct; anything else reaches this proxy, which records it and refuses it.
      const via = await proxy({ refuse: true })
      const closed = row.input?.includes('{closed}') ? await closedPort() : 0
      const place = (value: string) =>
        value.replace('{standin}', server.endpoint).replace('{closed}', String(closed))
      const env: Record<string, string> = { HTTPS_PROXY: via.url, NO_PROXY: '127.0.0.1' }
      for (const [name, value] of Object.entries(row.env)) env[name] = place(value)
      const result = await runAction(
        oidcRun(
          server,
          row.input === undefined ? undefined : place(row.input),
          { 'timeout-seconds': String(row.timeoutSeconds ?? 10) },
          undefined,
          env
        )
      )
      outcomes.set(row, { result, server, via })
    })
  }, 240_000)

  test.each(STS_ROWS.map(row => [row.title, row] as const))('%s', (_title, row) => {
    const outcome = outcomes.get(row)
    if (!outcome) throw new Error('no run')
    const { oidc } = outcome.server
    expectNoSecrets(outcome.result, [oidc?.requestToken, ...(oidc?.issued.map(t => t.token) ?? [])])
    row.check(outcome)
  })
})

// ---------------------------------------------------------------------------------------------
// A proxy that is down is named by its variable, not by its URL.
// ---------------------------------------------------------------------------------------------

test('a proxy that refuses connections: named by its variable, retried until the deadline', async () => {
  const server = await standIn()
  const port = await closedPort()
  const result = await runAction({
    inputs: vpcInputs(`localhost:${server.port}`, { 'timeout-seconds': '2' }),
    env: { HTTPS_PROXY: `http://bot:D0wnProxyPass@127.0.0.1:${port}` },
    killAfterMs: KILL_AFTER_MS
  })
  expectNoSecrets(result, [KEY.accessKeySecret, 'D0wnProxyPass'])
  const error = expectOneFailure(result)
  expect(error).toMatch(/Connection to the proxy from HTTPS_PROXY failed \(ECONNREFUSED/)
  expect(error).toMatch(/timeout-seconds \(2 s\)/)
  expect(server.calls).toEqual([])
})
