/**
 * revocation.ts in virtual time: the real VPC client against a small simulated gateway (an undici
 * MockAgent whose answers follow the virtual clock): a delete keeps the gateway busy for a while
 * and the certificate listed for a while, as the real asynchronous delete does.
 */
import { describe, expect, test } from '@jest/globals'
import { virtualRunPerTest } from '../../__fixtures__/virtual-time.js'
import { BATCH_PACING } from '../../src/certificates/batch-pacing.js'
import {
  CancelledError,
  CertificateElsewhereError,
  DeadlineError,
  PermissionError
} from '../../src/core/errors.js'
import {
  disconnectionNote,
  revokeCertificates,
  revokeTargets,
  targetLabel,
  type CertificateRevocation
} from '../../src/certificates/revocation.js'
import { DEFAULT_RETRY_POLICY } from '../../src/http/retry.js'
import {
  createVpcClient,
  type ExistingCertificate,
  type VpcTarget
} from '../../src/alibaba/vpc-client.js'

const ORIGIN = 'https://vpc.cn-hangzhou.aliyuncs.com'
const SERVER = 'vss-bp1test0001'
const TARGET: VpcTarget = {
  regionId: 'cn-hangzhou',
  sslVpnServerId: SERVER,
  endpoint: { origin: ORIGIN, hostHeader: 'vpc.cn-hangzhou.aliyuncs.com' },
  signatureVersion: 'v3'
}
const KEYS = { accessKeyId: 'LTAI5tRevokeTestKey1', accessKeySecret: 'RevokeTestSecret01' }
/** Each round trip takes this long on the virtual clock. */
const ROUND_TRIP_MS = 100

const run = virtualRunPerTest()

interface SimulatedCertificate {
  certId: string
  name: string
  server: string
  deletedAt: number | undefined
}

interface Gateway {
  certificates: SimulatedCertificate[]
  /** Every request: action, its parameters, and what was answered. */
  requests: { action: string; params: Record<string, string>; answer: string; at: number }[]
}

/**
 * A gateway on the virtual clock: a delete keeps the SSL server busy for `busyAfterDeleteMs` and
 * the certificate listed for `visibleForMs`; `refuse` answers a delete of that ID with a code.
 */
function simulateGateway(
  certificates: { certId: string; name: string; server?: string }[],
  options: {
    busyAfterDeleteMs?: number
    visibleForMs?: number
    refuse?: Record<string, string>
    /** Every listing is answered Forbidden. */
    forbidListings?: boolean
  } = {}
): Gateway {
  const { agent, clock } = run()
  const gateway: Gateway = {
    certificates: certificates.map(c => ({ server: SERVER, ...c, deletedAt: undefined })),
    requests: []
  }
  let busyUntil = 0
  const listed = (c: SimulatedCertificate, now: number) =>
    c.deletedAt === undefined || now < c.deletedAt + (options.visibleForMs ?? 0)
  const refusals = { ...options.refuse }
  agent
    .get(ORIGIN)
    .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
    .reply(request => {
      const headers = request.headers as Record<string, string>
      const action = headers['x-acs-action'] ?? '?'
      const params = Object.fromEntries(new URLSearchParams(request.path.slice(2)))
      clock.advance(ROUND_TRIP_MS)
      const now = clock.now()
      const answer = (code: string, statusCode: number, data: object) => {
        gateway.requests.push({ action, params, answer: code, at: now })
        return {
          statusCode,
          data: { RequestId: `REQ-${gateway.requests.length}`, ...data },
          responseOptions: { headers: { 'content-type': 'application/json' } }
        }
      }
      const error = (code: string, statusCode = 400) =>
        answer(code, statusCode, { Code: code, Message: `${code} (simulated).` })
      if (action === 'DeleteSslVpnClientCert') {
        const id = params['SslVpnClientCertId'] ?? ''
        const refusal = refusals[id]
        if (refusal !== undefined) {
          delete refusals[id]
          return error(refusal, refusal.startsWith('Forb') ? 403 : 400)
        }
        if (now < busyUntil) return error('VpnGateway.Configuring')
        const certificate = gateway.certificates.find(c => c.certId === id)
        if (!certificate || certificate.deletedAt !== undefined) {
          return error('InvalidSslVpnClientCertId.NotFound', 404)
        }
        certificate.deletedAt = now
        busyUntil = now + (options.busyAfterDeleteMs ?? 0)
        return answer('deleted', 200, {})
      }
      if (options.forbidListings) return error('Forbidden', 403)
      const matching = gateway.certificates.filter(
        c =>
          listed(c, now) &&
          (!params['SslVpnServerId'] || c.server === params['SslVpnServerId']) &&
          (!params['Name'] || c.name === params['Name']) &&
          (!params['SslVpnClientCertId'] || c.certId === params['SslVpnClientCertId'])
      )
      return answer('listed', 200, {
        TotalCount: matching.length,
        PageNumber: 1,
        PageSize: 50,
        SslVpnClientCertKeys: {
          SslVpnClientCertKey: matching.map((c, i) => ({
            SslVpnClientCertId: c.certId,
            Name: c.name,
            Status: 'normal',
            CreateTime: i
          }))
        }
      })
    })
    .persist()
  return gateway
}

function vpc(timeoutMs = 300_000) {
  const { rpc, clock } = run()
  return createVpcClient({
    rpc,
    deadline: clock.now() + timeoutMs,
    mask: () => undefined,
    target: TARGET,
    credentials: KEYS
  })
}

const deps = (log: string[] = []) => ({
  log: (line: string) => log.push(line),
  deleteToken: (certId: string) => `token-${certId}`
})

const existing = (...ids: string[]): ExistingCertificate[] =>
  ids.map((certId, i) => ({ certId, name: 'old', status: 'normal', createTime: i }))

const deletesOf = (gateway: Gateway) =>
  gateway.requests.filter(r => r.action === 'DeleteSslVpnClientCert')

describe('revokeCertificates', () => {
  test('one at a time: each delete with its own token, the next only once the last is no longer listed', async () => {
    const gateway = simulateGateway(
      ['vsc-a', 'vsc-b', 'vsc-c'].map(certId => ({ certId, name: 'old' })),
      { busyAfterDeleteMs: 4_000, visibleForMs: 4_000 }
    )
    const log: string[] = []
    const results = await revokeCertificates(
      existing('vsc-a', 'vsc-b', 'vsc-c'),
      vpc(),
      SERVER,
      deps(log)
    )
    expect(results.map(r => [r.certId, r.ok])).toEqual([
      ['vsc-a', true],
      ['vsc-b', true],
      ['vsc-c', true]
    ])
    const accepted = deletesOf(gateway).filter(r => r.answer === 'deleted')
    expect(accepted.map(r => [r.params['SslVpnClientCertId'], r.params['ClientToken']])).toEqual([
      ['vsc-a', 'token-vsc-a'],
      ['vsc-b', 'token-vsc-b'],
      ['vsc-c', 'token-vsc-c']
    ])
    // Every delete came after a listing in which the previous certificate was gone.
    for (const [i, request] of accepted.entries()) {
      if (i === 0) continue
      const previous = gateway.certificates[i - 1]
      const lastListing = gateway.requests
        .filter(r => r.at < request.at && r.params['SslVpnClientCertId'] === previous?.certId)
        .at(-1)
      expect(lastListing?.action).toBe('DescribeSslVpnClientCerts')
      expect(lastListing?.at).toBeGreaterThanOrEqual((previous?.deletedAt ?? Infinity) + 4_000)
    }
    expect(log.filter(l => l.includes(disconnectionNote(SERVER)))).toHaveLength(3)
    expect(log[0]).toMatch(
      /^\[1\/3\] vsc-a: deleted after 1 attempt \(RequestId: REQ-1\): every client of vss-bp1test0001 was disconnected/
    )
  })

  test('a batch learns how long a deletion lasts: ten of them within 1.25× the gateway’s floor', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `vsc-${i}`)
    const busyMs = 5_000
    simulateGateway(
      ids.map(certId => ({ certId, name: 'old' })),
      { busyAfterDeleteMs: busyMs, visibleForMs: busyMs }
    )
    const started = run().clock.now()
    const results = await revokeCertificates(existing(...ids), vpc(), SERVER, deps())
    expect(results.every(r => r.ok)).toBe(true)
    const floorMs = ids.length * busyMs
    expect(run().clock.now() - started).toBeLessThanOrEqual(1.25 * floorMs)
    // Once learnt (a few certificates in), each wait is a probe step around the learnt length, not
    // the backoff: one delete, then at most the first listing and the probes.
    const calls = results.map(r => (r.ok ? r.attempts : 0))
    expect(Math.max(...calls.slice(3))).toBeLessThanOrEqual(2 + BATCH_PACING.probes)
  })

  test('a failure does not stop the others; it is recorded with its error', async () => {
    simulateGateway(
      ['vsc-a', 'vsc-b', 'vsc-c'].map(certId => ({ certId, name: 'old' })),
      { refuse: { 'vsc-b': 'VpnGateway.FinancialLocked' } }
    )
    const results = await revokeCertificates(
      existing('vsc-a', 'vsc-b', 'vsc-c'),
      vpc(),
      SERVER,
      deps()
    )
    expect(results.map(r => r.ok)).toEqual([true, false, true])
    const failed = results[1] as Extract<CertificateRevocation, { ok: false }>
    expect(failed.error).toMatchObject({ code: 'VpnGateway.FinancialLocked', requestId: 'REQ-3' })
  })

  test('already gone on delete (not found): revoked, no one disconnected by it', async () => {
    const gateway = simulateGateway([{ certId: 'vsc-a', name: 'old' }])
    gateway.certificates[0]!.deletedAt = run().clock.now()
    const log: string[] = []
    const [result] = await revokeCertificates(existing('vsc-a'), vpc(), SERVER, deps(log))
    expect(result).toMatchObject({ ok: true, alreadyGone: true })
    expect(log[0]).toBe(
      'vsc-a: already deleted: DeleteSslVpnClientCert answered InvalidSslVpnClientCertId.NotFound (RequestId: REQ-1); waiting until it is no longer listed.'
    )
  })

  test('Forbidden, and no longer listed: it is gone (Forbidden has meant "not found")', async () => {
    const gateway = simulateGateway([{ certId: 'vsc-a', name: 'old' }], {
      refuse: { 'vsc-a': 'Forbidden' }
    })
    gateway.certificates[0]!.deletedAt = run().clock.now()
    const [result] = await revokeCertificates(existing('vsc-a'), vpc(), SERVER, deps())
    expect(result).toMatchObject({ ok: true, alreadyGone: true, requestId: 'REQ-1' })
  })

  test('Forbidden, and still listed: a missing permission, named; nothing claimed', async () => {
    simulateGateway([{ certId: 'vsc-a', name: 'old' }], {
      refuse: { 'vsc-a': 'Forbbiden.SubUser' }
    })
    const [result] = await revokeCertificates(existing('vsc-a'), vpc(), SERVER, deps())
    expect(result?.ok).toBe(false)
    const { error } = result as Extract<CertificateRevocation, { ok: false }>
    expect(error).toBeInstanceOf(PermissionError)
    expect(error.message).toBe(
      'Forbbiden.SubUser: Forbbiden.SubUser (simulated) (RequestId: REQ-1). The RAM identity behind these keys lacks vpc:DeleteSslVpnClientCert on this certificate; it is still there: grant it (docs/revoke.md, "Permissions").'
    )
  })

  test('Forbidden, and the listing that would tell is refused too: that permission is named', async () => {
    simulateGateway([{ certId: 'vsc-a', name: 'old' }], {
      refuse: { 'vsc-a': 'Forbidden' },
      forbidListings: true
    })
    const [result] = await revokeCertificates(existing('vsc-a'), vpc(), SERVER, deps())
    const { error } = result as Extract<CertificateRevocation, { ok: false }>
    expect(error).toMatchObject({
      name: 'PermissionError',
      permission: 'vpc:DescribeSslVpnClientCerts'
    })
  })

  test('the deadline: what had no time left is not attempted', async () => {
    simulateGateway(
      ['vsc-a', 'vsc-b'].map(certId => ({ certId, name: 'old' })),
      { busyAfterDeleteMs: 60_000, visibleForMs: 60_000 }
    )
    const results = await revokeCertificates(
      existing('vsc-a', 'vsc-b'),
      vpc(30_000),
      SERVER,
      deps()
    )
    expect(results.map(r => r.ok)).toEqual([false, false])
    const [first, second] = results as Extract<CertificateRevocation, { ok: false }>[]
    expect(first?.error).toBeInstanceOf(DeadlineError)
    expect((first?.error as DeadlineError).attempts).toBeGreaterThan(0)
    expect(second?.error).toMatchObject({ attempts: 0, operation: 'DeleteSslVpnClientCert' })
  })

  test('a cancellation stops everything at once', async () => {
    simulateGateway(
      ['vsc-a', 'vsc-b'].map(certId => ({ certId, name: 'old' })),
      {
        busyAfterDeleteMs: 10_000,
        visibleForMs: 10_000
      }
    )
    const cancellation = new AbortController()
    const { rpc } = run()
    const client = createVpcClient({
      rpc: {
        ...rpc,
        signal: cancellation.signal,
        sleep: async (ms, signal) => {
          cancellation.abort(new CancelledError('received SIGTERM'))
          return rpc.sleep(ms, signal)
        }
      },
      deadline: run().clock.now() + 300_000,
      mask: () => undefined,
      target: TARGET,
      credentials: KEYS
    })
    await expect(
      revokeCertificates(existing('vsc-a', 'vsc-b'), client, SERVER, deps())
    ).rejects.toBeInstanceOf(CancelledError)
  })
})

describe('revokeTargets', () => {
  const request = { sslVpnServerId: SERVER, dryRun: false }

  test('looks every target up before deleting anything; each certificate deleted once', async () => {
    const gateway = simulateGateway([
      { certId: 'vsc-a1', name: 'alice' },
      { certId: 'vsc-a2', name: 'alice' },
      { certId: 'vsc-b1', name: 'bob' }
    ])
    const report = await revokeTargets(
      {
        ...request,
        targets: [
          { kind: 'name', name: 'alice' },
          { kind: 'cert-id', certId: 'vsc-a2' },
          { kind: 'name', name: 'nobody' }
        ]
      },
      vpc(),
      deps()
    )
    const firstDelete = gateway.requests.findIndex(r => r.action === 'DeleteSslVpnClientCert')
    expect(
      gateway.requests.slice(0, firstDelete).every(r => r.action === 'DescribeSslVpnClientCerts')
    ).toBe(true)
    expect(deletesOf(gateway).map(r => r.params['SslVpnClientCertId'])).toEqual([
      'vsc-a1',
      'vsc-a2'
    ])
    expect(
      report.resolutions.map(r => [targetLabel(r.target), r.certificates.map(c => c.certId)])
    ).toEqual([
      ['alice', ['vsc-a1', 'vsc-a2']],
      ['vsc-a2', ['vsc-a2']],
      ['nobody', []]
    ])
    expect(report.revocations.map(r => r.certId)).toEqual(['vsc-a1', 'vsc-a2'])
  })

  test('an ID of another SSL server is refused, nothing deleted for it; the others go ahead', async () => {
    const gateway = simulateGateway([
      { certId: 'vsc-x', name: 'xx', server: 'vss-other0001' },
      { certId: 'vsc-y', name: 'yy' }
    ])
    const report = await revokeTargets(
      {
        ...request,
        targets: [
          { kind: 'cert-id', certId: 'vsc-x' },
          { kind: 'cert-id', certId: 'vsc-y' }
        ]
      },
      vpc(),
      deps()
    )
    expect(report.resolutions[0]?.error).toBeInstanceOf(CertificateElsewhereError)
    expect(deletesOf(gateway).map(r => r.params['SslVpnClientCertId'])).toEqual(['vsc-y'])
    expect(gateway.certificates[0]?.deletedAt).toBeUndefined()
  })

  test('dry run: looked up, nothing deleted', async () => {
    const gateway = simulateGateway([{ certId: 'vsc-a1', name: 'alice' }])
    const report = await revokeTargets(
      { ...request, dryRun: true, targets: [{ kind: 'name', name: 'alice' }] },
      vpc(),
      deps()
    )
    expect(report).toMatchObject({ dryRun: true, revocations: [] })
    expect(report.resolutions[0]?.certificates.map(c => c.certId)).toEqual(['vsc-a1'])
    expect(deletesOf(gateway)).toEqual([])
  })

  test('a listing refused for lack of permission names vpc:DescribeSslVpnClientCerts', async () => {
    const { agent } = run()
    agent
      .get(ORIGIN)
      .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
      .reply(() => ({
        statusCode: 403,
        data: { RequestId: 'REQ-F', Code: 'Forbidden', Message: 'User not authorized.' },
        responseOptions: { headers: { 'content-type': 'application/json' } }
      }))
      .persist()
    const report = await revokeTargets(
      { ...request, targets: [{ kind: 'name', name: 'alice' }] },
      vpc(),
      deps()
    )
    const { error } = report.resolutions[0] ?? {}
    expect(error).toBeInstanceOf(PermissionError)
    expect(error?.message).toBe(
      'Forbidden: User not authorized (RequestId: REQ-F). The RAM identity behind these keys lacks vpc:DescribeSslVpnClientCerts on this SSL server, so nothing could be looked up or deleted for it: grant it (docs/revoke.md, "Permissions").'
    )
    expect(report.revocations).toEqual([])
  })

  test('no time left before a lookup: not attempted', async () => {
    simulateGateway([{ certId: 'vsc-a1', name: 'alice' }])
    const report = await revokeTargets(
      { ...request, targets: [{ kind: 'name', name: 'alice' }] },
      vpc(0),
      deps()
    )
    expect(report.resolutions[0]?.error).toMatchObject({ name: 'DeadlineError', attempts: 0 })
  })
})

test('the policy the pacing test relies on is the default one', () => {
  expect(run().rpc.policy).toBe(DEFAULT_RETRY_POLICY)
})
