/**
 * End to end over the main action's bundle: `if-exists: replace` (rotation). A new certificate is
 * created and waited for until usable (its profile written with config-dir), and only then is every
 * other certificate of that exact name on the SSL server revoked, one at a time, by the revoke
 * action's own machinery; if the new one fails, nothing is deleted; a re-run of the same job gets
 * the same new certificate back and deletes nothing more.
 */
import { afterEach, describe, expect, test } from '@jest/globals'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CallRecord, StandIn } from '../../test-server/stand-in.mjs'
import { runAction, type RunOptions, type RunResult } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'
import {
  releaseBusyGateway,
  runActionWhile,
  type ActionMoves
} from '../../__fixtures__/wait-for.js'

const SERVER = 'vss-standin0001'
const OTHER_SERVER = 'vss-standin0002'
const TWO_SERVERS = [
  { regionId: 'cn-hangzhou', sslVpnServerId: SERVER },
  { regionId: 'cn-hangzhou', sslVpnServerId: OTHER_SERVER }
]
const WORKFLOW = {
  GITHUB_REPOSITORY: 'acme/rotation',
  GITHUB_RUN_ID: '31337',
  GITHUB_JOB: 'rotate',
  GITHUB_ACTION: 'certificate'
}

const start = standInPerTest()
const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

/** Runs the action; with `moves`, the test's moves beside it (`runActionWhile`). */
async function run(
  server: StandIn,
  inputs: Record<string, string>,
  moves?: ActionMoves
): Promise<RunResult> {
  const options: RunOptions = {
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': SERVER,
      endpoint: server.endpoint,
      'access-key-id': DEFAULT_KEY.accessKeyId,
      'access-key-secret': DEFAULT_KEY.accessKeySecret,
      'if-exists': 'replace',
      ...inputs
    },
    env: WORKFLOW,
    killAfterMs: 90_000
  }
  const result = await (moves ? runActionWhile(options, moves) : runAction(options))
  expectNoSecrets(result, [DEFAULT_KEY.accessKeyId, DEFAULT_KEY.accessKeySecret])
  return result
}

const listed = (s: StandIn) => s.listedCertificates().map(c => c.id)
const ofAction = (calls: CallRecord[], action: string) => calls.filter(c => c.action === action)
const json = (result: RunResult, name: string): unknown =>
  JSON.parse(result.outputs[name] ?? 'null')
const warnings = (result: RunResult) =>
  [...result.stdout.matchAll(/^::warning::(.*)$/gm)].map(m => m[1] ?? '')

/** Index of the first call of `action` in `calls` (-1 when there is none). */
const firstOf = (calls: CallRecord[], action: string) => calls.findIndex(c => c.action === action)

describe('if-exists: replace', () => {
  test('without config-dir: the new certificate is waited for until usable, then every other of that name is revoked, one at a time', async () => {
    // Real time, and no Configuring is expected: the busy windows end before the pending status
    // (create) or the listing (delete) the action waits for, so they only trap an action that
    // would not wait, however slow the machine.
    const server = await start({
      sslVpnServers: TWO_SERVERS,
      pendingStatusMs: 1_500,
      busyAfterCreateMs: 1_000,
      busyAfterDeleteMs: 1_000,
      deleteVisibleForMs: 1_000,
      existingCertificates: [
        { name: 'alice' },
        { name: 'alice.old' },
        { name: 'alice' },
        { name: 'alice', sslVpnServerId: OTHER_SERVER }
      ]
    })
    const [old1, near, old2, elsewhere] = server.certificates.map(c => c.id)
    const result = await run(server, { name: 'alice' })
    expect(result.exitCode).toBe(0)
    const fresh = result.outputs['cert-id']
    expect(fresh).toMatch(/^vsc-/)
    expect(result.outputs['created']).toBe('true')
    expect(result.outputs['status']).toBe('normal')
    expect(json(result, 'replaced-cert-ids')).toEqual([old1, old2])

    const calls = server.calls
    // Usable first: the last Describe (Status normal) comes before the first delete.
    const describes = ofAction(calls, 'DescribeSslVpnClientCert')
    expect(describes.length).toBeGreaterThanOrEqual(2)
    const created = server.certificates.find(c => c.id === fresh)
    expect(describes.at(-1)?.receivedAt).toBeGreaterThanOrEqual(created?.pendingUntil ?? Infinity)
    expect(calls.indexOf(describes.at(-1) as CallRecord)).toBeLessThan(
      firstOf(calls, 'DeleteSslVpnClientCert')
    )
    // Exactly the others of that name on this SSL server, one at a time.
    const done = ofAction(calls, 'DeleteSslVpnClientCert').filter(c => c.outcome === 'deleted')
    expect(done.map(c => c.params['SslVpnClientCertId'])).toEqual([old1, old2])
    const firstOld2 = calls.find(
      c => c.action === 'DeleteSslVpnClientCert' && c.params['SslVpnClientCertId'] === old2
    )
    const old1Gone = calls
      .slice(0, calls.indexOf(firstOld2 as CallRecord))
      .filter(
        c => c.params['SslVpnClientCertId'] === old1 && c.action === 'DescribeSslVpnClientCerts'
      )
      .at(-1)
    const old1Record = server.certificates.find(c => c.id === old1)
    expect(old1Gone?.receivedAt).toBeGreaterThanOrEqual((old1Record?.deletedAt ?? Infinity) + 1_000)
    expect(listed(server).sort()).toEqual([near, elsewhere, fresh].sort())
    expect(server.disconnections).toEqual({ [SERVER]: 2 })

    expect(warnings(result)).toEqual([
      `2 certificates were deleted on ${SERVER}: each delete disconnected every client of that SSL server (2 times in all); the other users must reconnect.`
    ])
    expect(result.summary).toContain(`replaced <code>${old1}</code>, <code>${old2}</code>`)
    expect(result.summary).toContain(
      `<strong>Every client of SSL server <code>${SERVER}</code> was disconnected</strong> by each delete of an old certificate (2 in all)`
    )
  }, 90_000)

  test('with config-dir: the new profile is written before any old certificate is deleted', async () => {
    const server = await start({ existingCertificates: [{ name: 'bob' }] })
    const [old] = server.certificates.map(c => c.id)
    const dir = await mkdtemp(join(tmpdir(), 'replace-e2e-'))
    dirs.push(dir)
    const result = await run(server, { name: 'bob', 'config-dir': dir })
    expect(result.exitCode).toBe(0)
    const file = result.outputs['config-file'] ?? ''
    expect(file).toBe(join(dir, 'bob.ovpn'))
    const profile = await readFile(file, 'utf8')
    const block = (tag: string) =>
      new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(profile)?.[1] ?? ''
    const cert = new X509Certificate(block('cert'))
    expect(cert.checkPrivateKey(createPrivateKey(block('key')))).toBe(true)
    expect(cert.subject).toContain('CN=bob')
    const written = result.stdout.indexOf(`Profile written: ${file}`)
    const deleted = result.stdout.indexOf('deleted after')
    expect(written).toBeGreaterThanOrEqual(0)
    expect(deleted).toBeGreaterThan(written)
    expect(json(result, 'replaced-cert-ids')).toEqual([old])
    expect(listed(server)).toEqual([result.outputs['cert-id']])
  })

  test('the new certificate fails: nothing is deleted', async () => {
    const server = await start({
      existingCertificates: [{ name: 'carol' }, { name: 'carol' }],
      faults: [{ kind: 'error', code: 'Resource.QuotaFull' }]
    })
    const before = listed(server)
    const result = await run(server, { name: 'carol' })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/^Resource\.QuotaFull: /)
    expect(ofAction(server.calls, 'DeleteSslVpnClientCert')).toEqual([])
    expect(listed(server)).toEqual(before)
    expect(json(result, 'replaced-cert-ids')).toEqual([])
    expect(server.disconnections).toEqual({})
    expect(warnings(result)).toEqual([])
  })

  test('the new certificate is never usable before timeout-seconds: nothing is deleted', async () => {
    const server = await start({
      pendingStatusMs: 120_000,
      existingCertificates: [{ name: 'dave' }]
    })
    const [old] = server.certificates.map(c => c.id)
    const result = await run(server, { name: 'dave', 'timeout-seconds': '4' })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(
      /^Gave up after \d+ attempts?: timeout-seconds \(4 s\) reached/
    )
    expect(ofAction(server.calls, 'DeleteSslVpnClientCert')).toEqual([])
    expect(listed(server)).toContain(old)
    // The new certificate exists: it is named, so that it is not lost (a re-run gets it back).
    const fresh = server.certificates.find(c => c.id !== old)?.id
    expect(fresh).toMatch(/^vsc-/)
    expect(result.outputs['cert-id']).toBe(fresh)
    expect(result.outputs['created']).toBe('true')
    expect(result.outputs['status']).toBe('')
    expect(json(result, 'cert-ids')).toEqual({ dave: fresh })
    expect(json(result, 'replaced-cert-ids')).toEqual([])
    expect(result.errors[0]).toContain(
      `\nA new certificate was created before the failure (a re-run gets it back, not a second one, and finishes the rotation):\n- dave: new certificate ${fresh}, created but not seen ready; no old certificate was deleted`
    )
    expect(result.summary).toMatch(
      new RegExp(
        `<code>${fresh}</code></td><td><strong>failed</strong>: [^<]*; created, not seen ready; no old certificate was deleted</td>`
      )
    )
  })

  test('a re-run of the same job gets the same new certificate back (same ClientToken) and deletes nothing more', async () => {
    const server = await start({ existingCertificates: [{ name: 'erin' }, { name: 'erin' }] })
    const first = await run(server, { name: 'erin' })
    expect(first.exitCode).toBe(0)
    expect((json(first, 'replaced-cert-ids') as string[]).length).toBe(2)
    const from = server.calls.length
    const again = await run(server, { name: 'erin' })
    const rerun = server.calls.slice(from)
    expect(again.exitCode).toBe(0)
    expect(again.outputs['cert-id']).toBe(first.outputs['cert-id'])
    expect(again.outputs['client-token']).toBe(first.outputs['client-token'])
    expect(ofAction(rerun, 'CreateSslVpnClientCert').map(c => c.outcome)).toEqual(['replayed'])
    expect(ofAction(rerun, 'DeleteSslVpnClientCert')).toEqual([])
    expect(json(again, 'replaced-cert-ids')).toEqual([])
    expect(again.stdout).toContain('No other certificate is named erin: nothing to revoke.')
    expect(listed(server)).toEqual([first.outputs['cert-id']])
    expect(server.disconnections).toEqual({ [SERVER]: 2 })
  })

  test('names: each name rotated in turn, each create and delete retried while the gateway is busy; replaced-cert-ids is one flat array', async () => {
    // Busy after each create and delete for a minute of the stand-in's clock, moved on once the
    // action was told Configuring: every call after the first create meets the busy gateway
    // however slow the machine, and must be retried to get through.
    const busyMs = 60_000
    const server = await start({
      busyAfterCreateMs: busyMs,
      busyAfterDeleteMs: busyMs,
      existingCertificates: [{ name: 'ann' }, { name: 'ben' }, { name: 'ben' }, { name: 'cy' }]
    })
    const [ann, ben1, ben2, cy] = server.certificates.map(c => c.id)
    const result = await run(server, { names: 'ann\nben' }, releaseBusyGateway(server, busyMs))
    expect(result.exitCode).toBe(0)
    expect(json(result, 'replaced-cert-ids')).toEqual([ann, ben1, ben2])
    const certIds = json(result, 'cert-ids') as Record<string, string>
    expect(Object.keys(certIds)).toEqual(['ann', 'ben'])
    expect(listed(server).sort()).toEqual([cy, certIds['ann'], certIds['ben']].sort())
    expect(server.disconnections).toEqual({ [SERVER]: 3 })
    // Each met the gateway busy once, and its retry, with the same token, went through.
    const busy = server.calls.filter(c => c.outcome === 'VpnGateway.Configuring')
    expect(busy.map(c => [c.action, c.params['Name'] ?? c.params['SslVpnClientCertId']])).toEqual([
      ['DeleteSslVpnClientCert', ann],
      ['CreateSslVpnClientCert', 'ben'],
      ['DeleteSslVpnClientCert', ben1],
      ['DeleteSslVpnClientCert', ben2]
    ])
    for (const call of busy) {
      const next = server.calls.slice(server.calls.indexOf(call) + 1)
      expect(next.find(c => c.action === call.action)).toMatchObject({
        clientToken: call.clientToken,
        outcome: expect.stringMatching(/^(created|deleted)$/)
      })
    }
  }, 90_000)

  test('an old certificate that cannot be revoked fails the step, named; the new one is still the output', async () => {
    const server = await start({
      existingCertificates: [{ name: 'fay' }, { name: 'fay' }],
      faults: [
        { action: 'DeleteSslVpnClientCert', kind: 'error', code: 'VpnGateway.FinancialLocked' }
      ]
    })
    const [old1, old2] = server.certificates.map(c => c.id)
    const result = await run(server, { name: 'fay' })
    const refused = ofAction(server.calls, 'DeleteSslVpnClientCert')[0]
    expect(result.exitCode).toBe(1)
    expect(result.errors).toEqual([
      `An old certificate could not be revoked (the new ones are ready; a re-run returns them and revokes only what is left):\n- ${old1} (old fay): VpnGateway.FinancialLocked: The specified service is financial locked. (RequestId: ${refused?.requestId}) The VPN gateway is suspended for an overdue payment: top up the Alibaba Cloud account, then re-run.`
    ])
    expect(result.outputs['cert-id']).toMatch(/^vsc-/)
    expect(json(result, 'replaced-cert-ids')).toEqual([old2])
    expect(listed(server).sort()).toEqual([old1, result.outputs['cert-id']].sort())
    expect(result.summary).toContain(`<strong>not revoked</strong>: <code>${old1}</code>`)
  })

  test('without a name it is refused before any call', async () => {
    const server = await start({ existingCertificates: [{ name: 'gil' }] })
    const result = await run(server, {})
    expect(result.exitCode).toBe(1)
    expect(result.errors).toEqual([
      `Input 'if-exists': "replace" looks certificates up by name: give 'name' (or 'names').`
    ])
    expect(server.calls).toEqual([])
  })
})
