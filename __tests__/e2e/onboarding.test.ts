/**
 * End to end over dist/index.js: onboarding. Reuse by name, wait until ready, a protected
 * OpenVPN profile that works, and batches that survive a failure and re-run without duplicates.
 */
import { afterEach, describe, expect, test } from '@jest/globals'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { StandIn } from '../../test-server/stand-in.mjs'
import { runAction, type RunOptions, type RunResult } from '../../test-server/run-action.mjs'
import { everythingShown, expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'
import {
  releaseBusyGateway,
  runActionWhile,
  type ActionMoves
} from '../../__fixtures__/wait-for.js'

const KEY = DEFAULT_KEY
const WORKFLOW = {
  GITHUB_REPOSITORY: 'acme/onboarding',
  GITHUB_RUN_ID: '5150',
  GITHUB_JOB: 'onboard',
  GITHUB_ACTION: 'certificates'
}

const start = standInPerTest()
const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onboarding-e2e-'))
  dirs.push(dir)
  return dir
}

/** Runs the action; with `moves`, the test's moves beside it (`runActionWhile`). */
async function run(
  server: StandIn,
  inputs: Record<string, string>,
  extra: Partial<RunOptions> = {},
  moves?: ActionMoves
) {
  const options: RunOptions = {
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-standin0001',
      endpoint: server.endpoint,
      'access-key-id': KEY.accessKeyId,
      'access-key-secret': KEY.accessKeySecret,
      ...inputs
    },
    env: { ...WORKFLOW, ...extra.env }
  }
  const result = await (moves ? runActionWhile(options, moves) : runAction(options))
  expectNoSecrets(result, [KEY.accessKeyId, KEY.accessKeySecret, inputs['key-passphrase']])
  return result
}

function actions(server: StandIn): string[] {
  return server.calls.map(c => `${c.action}:${c.outcome}`)
}

/** The profile's content, line by line, appears nowhere a person or a log could see it. */
function expectProfileNotShown(result: RunResult, profile: string) {
  const shown = everythingShown(result)
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const line of profile.split('\n')) {
    if (line.length >= 16 && !line.startsWith('-----')) expect(shown).not.toContain(line)
  }
}

function block(profile: string, tag: string): string {
  const match = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(profile)
  if (!match?.[1]) throw new Error(`no <${tag}> block in the profile`)
  return match[1]
}

describe('if-exists', () => {
  test('reuse: finds the certificate of that exact name across pages; creates nothing', async () => {
    // 55 certificates named "dup" (two pages of 50), plus near-misses that must not match.
    const server = await start({
      existingCertificates: [
        ...Array.from({ length: 55 }, () => ({ name: 'dup' })),
        { name: 'dup2' },
        { name: 'Dup' }
      ]
    })
    const oldest = server.certificates[0]
    const result = await run(server, { name: 'dup', 'if-exists': 'reuse' })
    expect(result.exitCode).toBe(0)
    expect(actions(server)).toEqual([
      'DescribeSslVpnClientCerts:listed',
      'DescribeSslVpnClientCerts:listed'
    ])
    expect(server.calls.map(c => c.params['PageNumber'])).toEqual(['1', '2'])
    expect(result.outputs['cert-id']).toBe(oldest?.id)
    expect(result.outputs['created']).toBe('false')
    expect(result.outputs['status']).toBe('normal')
    expect(server.certificates).toHaveLength(57)
    expect(result.stdout).toContain('the oldest of 55 with that name')
  })

  test('reuse: none of that name yet, so one is created', async () => {
    const server = await start({ existingCertificates: [{ name: 'someone.else' }] })
    const result = await run(server, { name: 'newcomer', 'if-exists': 'reuse' })
    expect(result.exitCode).toBe(0)
    expect(actions(server)).toEqual([
      'DescribeSslVpnClientCerts:listed',
      'CreateSslVpnClientCert:created'
    ])
    expect(result.outputs['created']).toBe('true')
    expect(JSON.parse(result.outputs['cert-ids'] ?? '')).toEqual({
      newcomer: result.outputs['cert-id']
    })
  })

  test('fail: a certificate of that name exists, so the step fails without creating', async () => {
    const server = await start({ existingCertificates: [{ name: 'taken' }] })
    const result = await run(server, { name: 'taken', 'if-exists': 'fail' })
    expect(result.exitCode).toBe(1)
    expect(actions(server)).toEqual(['DescribeSslVpnClientCerts:listed'])
    expect(result.errors[0]).toContain(
      `A certificate named taken already exists on this SSL server (${server.certificates[0]?.id})`
    )
  })
})

describe('config-dir: a ready, self-contained, protected OpenVPN profile', () => {
  test('waits until Status is normal, then writes a profile whose key matches its certificate', async () => {
    const server = await start({ pendingStatusMs: 1_500 })
    const dir = join(await tempDir(), 'profiles', 'new')
    const result = await run(server, { name: 'alice', 'config-dir': dir })
    expect(result.exitCode).toBe(0)

    // Polled while the certificate was not ready, then read once it was.
    const describes = server.calls.filter(c => c.action === 'DescribeSslVpnClientCert')
    expect(describes.length).toBeGreaterThanOrEqual(2)
    expect(result.stdout).toMatch(
      /DescribeSslVpnClientCert attempt 1: Status "creating", not "normal" yet/
    )
    expect(result.outputs['status']).toBe('normal')

    const file = result.outputs['config-file'] ?? ''
    expect(file).toBe(join(dir, 'alice.ovpn'))
    expect(JSON.parse(result.outputs['config-files'] ?? '')).toEqual({ alice: file })
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(dirname(file))).mode & 0o777).toBe(0o700)

    const profile = await readFile(file, 'utf8')
    expect(profile).toMatch(/^client$/m)
    expect(profile).toMatch(/^remote \S+ \d+$/m)
    expect(profile).not.toMatch(/^(ca|cert|key) \S+$/m) // no file references left
    const ca = new X509Certificate(block(profile, 'ca'))
    const cert = new X509Certificate(block(profile, 'cert'))
    const key = createPrivateKey(block(profile, 'key'))
    expect(cert.checkPrivateKey(key)).toBe(true)
    expect(cert.verify(ca.publicKey)).toBe(true)
    expect(cert.subject).toContain('CN=alice')
    expectProfileNotShown(result, profile)
    // The runner masks every line of the key before anything could print it.
    for (const line of block(profile, 'key')
      .split('\n')
      .filter(l => !l.startsWith('-----'))) {
      expect(result.stdout).toContain(`::add-mask::${line}`)
    }
  })

  test('key-passphrase: the key is encrypted, opens with the passphrase and not without', async () => {
    const server = await start()
    const dir = await tempDir()
    const passphrase = 'correct horse battery staple'
    const result = await run(server, {
      name: 'bob',
      'config-dir': dir,
      'key-passphrase': passphrase
    })
    expect(result.exitCode).toBe(0)
    const profile = await readFile(join(dir, 'bob.ovpn'), 'utf8')
    const encrypted = block(profile, 'key')
    expect(encrypted).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
    expect(() => createPrivateKey(encrypted)).toThrow()
    expect(() => createPrivateKey({ key: encrypted, passphrase: 'wrong passphrase' })).toThrow()
    const key = createPrivateKey({ key: encrypted, passphrase })
    expect(new X509Certificate(block(profile, 'cert')).checkPrivateKey(key)).toBe(true)
    expectProfileNotShown(result, profile)
    expect(result.stdout).toContain(`::add-mask::${passphrase}`)
  })
})

describe('names: a batch', () => {
  test('one at a time, a failure does not stop the others, each create waits for the busy gateway, and a re-run creates only what is missing', async () => {
    // The first create is refused (quota); the gateway is busy after each create for a minute of
    // the stand-in's clock, moved on once the action was told Configuring: every create after the
    // first meets the busy gateway however slow the machine, and must be retried to get through.
    const busyMs = 60_000
    const server = await start({
      busyAfterCreateMs: busyMs,
      faults: [{ kind: 'error', code: 'Resource.QuotaFull' }]
    })
    const dir = await tempDir()
    const names = ['ann', 'ben', 'cat', 'dan', 'eve']
    const first = await run(
      server,
      { names: names.join('\n'), 'config-dir': dir },
      {},
      releaseBusyGateway(server, busyMs)
    )
    expect(first.exitCode).toBe(1)
    expect(first.errors).toHaveLength(1)
    const [summaryLine, ...failedLines] = (first.errors[0] ?? '').split('\n')
    expect(summaryLine).toMatch(/^1 of 5 certificates failed/)
    expect(failedLines).toEqual([
      expect.stringMatching(/^- ann: Resource\.QuotaFull: .*RequestId: /)
    ])
    expect(server.certificates.map(c => c.name)).toEqual(['ben', 'cat', 'dan', 'eve'])
    expect(JSON.parse(first.outputs['cert-ids'] ?? '')).toEqual(
      Object.fromEntries(server.certificates.map(c => [c.name, c.id]))
    )
    expect(Object.keys(JSON.parse(first.outputs['config-files'] ?? ''))).toEqual([
      'ben',
      'cat',
      'dan',
      'eve'
    ])
    expect(first.outputs['cert-id']).toBeUndefined() // several certificates: the JSON maps only
    // Each name had its own token; creates never overlapped (one at a time).
    const creates = server.calls.filter(c => c.action === 'CreateSslVpnClientCert')
    expect(new Set(creates.map(c => c.clientToken)).size).toBe(5)
    // cat, dan and eve met the gateway busy after the create before theirs, and were retried
    // with the same token until created.
    const busy = creates.filter(c => c.outcome === 'VpnGateway.Configuring')
    expect(busy.map(c => c.params['Name'])).toEqual(['cat', 'dan', 'eve'])
    for (const call of busy) {
      expect(
        creates.find(c => c.outcome === 'created' && c.params['Name'] === call.params['Name'])
          ?.clientToken
      ).toBe(call.clientToken)
    }
    expect(first.summary).toContain('<strong>failed</strong>')
    expect((first.summary.match(/>created</g) ?? []).length).toBe(4)

    const callsBefore = server.calls.length
    const second = await run(
      server,
      { names: names.join('\n'), 'config-dir': dir },
      {},
      releaseBusyGateway(server, busyMs)
    )
    expect(second.exitCode).toBe(0)
    expect(server.certificates.map(c => c.name).sort()).toEqual([...names].sort())
    const rerunCreates = server.calls
      .slice(callsBefore)
      .filter(c => c.action === 'CreateSslVpnClientCert' && c.outcome !== 'VpnGateway.Configuring')
      .map(c => c.outcome)
    expect(rerunCreates.sort()).toEqual(['created', 'replayed', 'replayed', 'replayed', 'replayed'])
    // ann, created now, waited for the gateway still busy after eve's create; the replays are
    // answered even while it is busy after ann's.
    expect(
      server.calls
        .slice(callsBefore)
        .filter(c => c.outcome === 'VpnGateway.Configuring')
        .map(c => c.params['Name'])
    ).toEqual(['ann'])
    expect(Object.keys(JSON.parse(second.outputs['config-files'] ?? '')).sort()).toEqual(
      [...names].sort()
    )
  }, 90_000)
})
