/**
 * End to end, the sync sub-action: the bundle sync/action.yml names, run as the runner runs it
 * (INPUT_* variables with sync/action.yml's defaults, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files,
 * the roster in a GITHUB_WORKSPACE of its own), against the VPC stand-in and, for the plan
 * comment, the GitHub stand-in. Each scenario checks what the SSL server holds afterwards, which
 * calls were made (no change in plan mode, no call at all for a bad roster), the outputs, the
 * summary, and that no secret is shown.
 */
import { afterEach, describe, expect, test } from '@jest/globals'
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ageDecrypt as ageCliDecrypt,
  sshKeygen as makeSshKeyPair,
  sshKeygenFingerprint
} from '../../__fixtures__/age-keys.js'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY } from '../../__fixtures__/stand-in.js'
import { describeCert } from '../../__fixtures__/stand-in-client.js'
import { startGitHubStandIn } from '../../test-server/github-stand-in.mjs'
import { runAction, type RunResult } from '../../test-server/run-action.mjs'
import {
  startStandIn,
  type ExistingCertificate,
  type StandIn
} from '../../test-server/stand-in.mjs'
import { closedPort } from '../../__fixtures__/ports.js'

const DAY = 24 * 60 * 60 * 1000
const SERVER = 'vss-standin0001'
const GITHUB_TOKEN = 'ghs_E2eSyncToken0123456789abcdefGHIJKL'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map(c => c()))
})

async function vpcWith(existing: readonly ExistingCertificate[], options = {}): Promise<StandIn> {
  const vpc = await startStandIn({ existingCertificates: existing, ...options })
  cleanups.push(() => vpc.close())
  return vpc
}

async function workspace(roster: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sync-e2e-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'roster.yml'), roster)
  return dir
}

function rosterOf(...entries: string[]): string {
  return `certificates:\n${entries.map(e => `  - ${e}\n`).join('')}`
}

interface SyncRun {
  vpc: StandIn
  dir: string
  inputs?: Record<string, string>
  env?: Record<string, string>
}

async function sync({ vpc, dir, inputs = {}, env = {} }: SyncRun): Promise<RunResult> {
  const result = await runAction({
    action: 'sync',
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': SERVER,
      'access-key-id': DEFAULT_KEY.accessKeyId,
      'access-key-secret': DEFAULT_KEY.accessKeySecret,
      endpoint: vpc.endpoint,
      'roster-file': 'roster.yml',
      'timeout-seconds': '60',
      ...inputs
    },
    env: {
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: dir,
      GITHUB_REPOSITORY: 'acme/vpn-admin',
      GITHUB_RUN_ID: '7001',
      GITHUB_JOB: 'sync',
      GITHUB_ACTION: 'apply',
      ...env
    }
  })
  expectNoSecrets(result, [DEFAULT_KEY.accessKeySecret, GITHUB_TOKEN])
  return result
}

/** The names the SSL server lists now, sorted. */
const namesNow = (vpc: StandIn) =>
  vpc
    .listedCertificates()
    .map(c => c.name)
    .sort()
const changes = (vpc: StandIn) =>
  vpc.calls.filter(
    c => c.action === 'CreateSslVpnClientCert' || c.action === 'DeleteSslVpnClientCert'
  )
const plan = (result: RunResult) =>
  JSON.parse(result.outputs['plan'] ?? 'null') as {
    counts: Record<string, number>
    create: string[]
    revoke: { 'cert-id': string; name: string; reason: string }[]
  }

describe('sync, mode plan', () => {
  test('shows what would change, changes nothing, and keeps one pull-request comment updated on every push', async () => {
    const vpc = await vpcWith([
      { name: 'alice' },
      { name: 'bob' },
      { name: 'mallory' },
      { name: 'ci-runner-1' }
    ])
    const github = await startGitHubStandIn({
      token: GITHUB_TOKEN,
      issues: [
        {
          title: 'Add carol',
          pullRequest: true,
          comments: [`someone: <!-- ssl-vpn-sync-plan: ${SERVER} --> quoted`]
        }
      ]
    })
    cleanups.push(() => github.close())
    const dir = await workspace(rosterOf('name: alice', 'name: bob', 'name: carol'))
    const onPullRequest = {
      inputs: { 'github-token': GITHUB_TOKEN, ignore: 'ci-*' },
      env: { GITHUB_API_URL: github.url, GITHUB_REF: 'refs/pull/1/merge' }
    }
    const first = await sync({ vpc, dir, ...onPullRequest })
    expect(first.errors).toEqual([])
    expect(first.exitCode).toBe(0)
    expect(plan(first).create).toEqual(['carol'])
    expect(plan(first).revoke.map(r => [r.name, r.reason])).toEqual([['mallory', 'not-in-roster']])
    expect(first.outputs['changes']).toBe('true')
    expect(first.outputs['comment']).toBe('created')
    expect(changes(vpc)).toEqual([])
    // Listing pages only.
    expect(new Set(vpc.calls.map(c => c.action))).toEqual(new Set(['DescribeSslVpnClientCerts']))
    expect(first.summary).toContain('<code>carol</code>')
    expect(first.summary).toMatch(/1 to create, 1 to revoke, 2 kept/)
    const [pr] = github.issues
    expect(pr?.comments).toHaveLength(2)
    // The hand-written comment that quotes the marker (not at its start) is left alone.
    expect(pr?.comments[0]).toMatch(/^someone:/)
    expect(pr?.comments[1]).toMatch(new RegExp(`^<!-- ssl-vpn-sync-plan: ${SERVER} -->`))
    const fullPlan = JSON.parse(await readFile(first.outputs['plan-file'] ?? '', 'utf8')) as {
      ignored: { name: string }[]
    }
    expect(fullPlan.ignored.map(i => i.name)).toEqual(['ci-runner-1'])

    // The next push: dave added too. The same comment is rewritten, no new one.
    await writeFile(
      join(dir, 'roster.yml'),
      rosterOf('name: alice', 'name: bob', 'name: carol', 'name: dave')
    )
    const second = await sync({ vpc, dir, ...onPullRequest })
    expect(second.exitCode).toBe(0)
    expect(second.outputs['comment']).toBe('updated')
    expect(pr?.comments).toHaveLength(2)
    expect(pr?.comments[1]).toContain('<code>dave</code>')
    expect(github.requests.filter(r => r.method === 'PATCH').map(r => r.path)).toEqual([
      '/repos/acme/vpn-admin/issues/comments/5002'
    ])
    // Unchanged plan, from another run (a later push, maybe minutes later): the comment is not
    // written again for a new time or run link alone.
    const third = await sync({
      vpc,
      dir,
      ...onPullRequest,
      env: { ...onPullRequest.env, GITHUB_RUN_ID: '7002' }
    })
    expect(third.outputs['comment']).toBe('unchanged')
    expect(pr?.comments[1]).toContain('/actions/runs/7001')
    expect(changes(vpc)).toEqual([])
  })

  test('a token that may not comment: the plan is still in the summary and outputs; the step fails saying which permission', async () => {
    const vpc = await vpcWith([{ name: 'alice' }])
    const github = await startGitHubStandIn({
      token: GITHUB_TOKEN,
      forbidden: true,
      issues: [{ title: 'Add bob', pullRequest: true }]
    })
    cleanups.push(() => github.close())
    const dir = await workspace(rosterOf('name: alice', 'name: bob'))
    const result = await sync({
      vpc,
      dir,
      inputs: { 'github-token': GITHUB_TOKEN },
      env: { GITHUB_API_URL: github.url, GITHUB_REF: 'refs/pull/1/merge' }
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toEqual([
      expect.stringMatching(
        /^The plan comment on pull request #1 could not be kept: GitHub refused to comment on #1 \(HTTP 403.*permissions: pull-requests: write\)\.$/s
      )
    ])
    expect(result.summary).toContain('<code>bob</code>')
    expect(plan(result).create).toEqual(['bob'])
    expect(github.issues[0]?.comments).toEqual([])
  })

  test('with a token on a push (no pull request): no comment, said in the log', async () => {
    const vpc = await vpcWith([{ name: 'alice' }])
    const github = await startGitHubStandIn({ token: GITHUB_TOKEN })
    cleanups.push(() => github.close())
    const dir = await workspace(rosterOf('name: alice'))
    const result = await sync({
      vpc,
      dir,
      inputs: { 'github-token': GITHUB_TOKEN },
      env: { GITHUB_API_URL: github.url, GITHUB_REF: 'refs/heads/main' }
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      'Not a pull request run (GITHUB_REF is not refs/pull/…): no plan comment.'
    )
    expect(result.outputs['changes']).toBe('false')
    expect(github.requests).toEqual([])
  })

  test('max-revocations: a plan that revokes more fails the check, naming the input to set', async () => {
    const vpc = await vpcWith(['u1', 'u2', 'u3'].map(name => ({ name })))
    const dir = await workspace('certificates: []\n')
    const result = await sync({ vpc, dir, inputs: { 'max-revocations': '2' } })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toEqual([
      expect.stringMatching(
        /^The plan revokes 3 certificates, more than max-revocations \(2\); nothing was changed\. .*allow-mass-revocation: true/
      )
    ])
    expect(changes(vpc)).toEqual([])
  })
})

describe('sync, mode plan, github: recipients: the keys each new profile will be encrypted to, read as apply will', () => {
  async function keyDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'sync-plan-keys-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    return dir
  }

  test('an account with only an ECDSA key, or none GitHub knows: the plan shows the keys and marks those names, then fails naming the file, the line and what to do', async () => {
    const keysDir = await keyDir()
    const alice = await sshKeygen(keysDir, 'ed25519', 'alice')
    const bobPhone = await sshKeygen(keysDir, 'ecdsa', 'bob-phone')
    const github = await startGitHubStandIn({
      token: GITHUB_TOKEN,
      issues: [{ title: 'Add alice, bob and nemo', pullRequest: true }],
      users: {
        'alice-gh': [alice.publicKey],
        'bob-gh': [bobPhone.publicKey],
        'carol-gh': []
      }
    })
    cleanups.push(() => github.close())
    // carol is kept (already on the server): her account, which has no key, is not read.
    const vpc = await vpcWith([{ name: 'carol' }])
    const dir = await workspace(
      rosterOf(
        'name: alice.laptop\n    recipient: github:alice-gh',
        'name: bob.laptop\n    recipient: github:bob-gh',
        'name: carol\n    recipient: github:carol-gh',
        'name: nemo\n    recipient: github:ghost-gh'
      )
    )
    const result = await sync({
      vpc,
      dir,
      inputs: { 'github-token': GITHUB_TOKEN },
      env: { GITHUB_API_URL: github.url, GITHUB_REF: 'refs/pull/1/merge' }
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    const [bobLine, nemoLine, ...rest] = (result.errors[0] ?? '').split('\n')
    expect(rest).toEqual([])
    expect(bobLine).toMatch(
      /^"roster\.yml" line 5: "bob\.laptop": apply would fail this name: github:bob-gh has no public SSH key age can encrypt to \(GitHub lists 1: ecdsa-sha2-nistp256 SHA256:\S+; ECDSA and sk- keys are skipped\)\. Ask them to add an ssh-ed25519 or ssh-rsa \(2048 bits or more\) key to their GitHub account .*in the roster as the recipient\.$/
    )
    expect(nemoLine).toMatch(
      /^"roster\.yml" line 9: "nemo": apply would fail this name: GitHub has no account github:ghost-gh \(HTTP 404 /
    )
    // Only the creates' accounts, once each; nothing changed.
    expect(
      github.requests.filter(r => r.path.startsWith('/users/')).map(r => [r.path, r.status])
    ).toEqual([
      ['/users/alice-gh/keys', 200],
      ['/users/bob-gh/keys', 200],
      ['/users/ghost-gh/keys', 404]
    ])
    expect(changes(vpc)).toEqual([])
    // The summary and the comment show alice's key, and mark bob's and nemo's names.
    const comment = github.issues[0]?.comments[0] ?? ''
    expect(result.outputs['comment']).toBe('created')
    for (const text of [result.summary, comment]) {
      expect(text).toContain(
        `- <code>alice.laptop</code>: encrypted to ssh-ed25519 <code>${alice.fingerprint}</code> (github:alice-gh)`
      )
      expect(text).toMatch(
        /- <code>bob\.laptop<\/code>: ✗ <strong>apply would fail this name<\/strong>: github:bob-gh has no public SSH key age can encrypt to/
      )
      expect(text).toMatch(
        /- <code>nemo<\/code>: ✗ <strong>apply would fail this name<\/strong>: GitHub has no account github:ghost-gh/
      )
      expect(text).toMatch(/\[!CAUTION\]\n> Apply would fail 2 names/)
    }
    expect(result.stdout).toContain(
      `Skipping a key of github:bob-gh (ecdsa-sha2-nistp256 ${bobPhone.fingerprint})`
    )
    expect(JSON.parse(result.outputs['plan'] ?? '{}')).toMatchObject({
      create: ['alice.laptop', 'bob.laptop', 'nemo'],
      keys: {
        'alice.laptop': [
          { type: 'ssh-ed25519', fingerprint: alice.fingerprint, from: 'github:alice-gh' }
        ]
      }
    })
    const planFile = JSON.parse(await readFile(result.outputs['plan-file'] ?? '', 'utf8')) as {
      create: Record<string, unknown>[]
    }
    expect(planFile.create.map(c => Object.keys(c).sort())).toEqual([
      ['keys', 'name', 'reason'],
      ['name', 'reason', 'recipient-problem'],
      ['name', 'reason', 'recipient-problem']
    ])
  })

  test('every account has a key age can use: the plan passes and shows each fingerprint; an account two names share is read once', async () => {
    const keysDir = await keyDir()
    const alice = await sshKeygen(keysDir, 'ed25519', 'alice')
    const alicePhone = await sshKeygen(keysDir, 'ecdsa', 'alice-phone')
    const dave = await sshKeygen(keysDir, 'ed25519', 'dave')
    const github = await startGitHubStandIn({
      users: { 'alice-gh': [alicePhone.publicKey, alice.publicKey], 'dave-gh': [dave.publicKey] }
    })
    cleanups.push(() => github.close())
    const vpc = await vpcWith([])
    const dir = await workspace(
      rosterOf(
        'name: alice.laptop\n    recipient: github:alice-gh',
        'name: alice.desktop\n    recipient: github:alice-gh',
        'name: dave\n    recipient: github:dave-gh'
      )
    )
    // No token: anonymous reads, as apply makes them without one.
    const result = await sync({ vpc, dir, env: { GITHUB_API_URL: github.url } })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(github.requests.map(r => r.path)).toEqual([
      '/users/alice-gh/keys',
      '/users/dave-gh/keys'
    ])
    for (const name of ['alice.laptop', 'alice.desktop']) {
      expect(result.summary).toContain(
        `- <code>${name}</code>: encrypted to ssh-ed25519 <code>${alice.fingerprint}</code> (github:alice-gh; 1 key age cannot use skipped)`
      )
    }
    expect(result.summary).toContain(
      `- <code>dave</code>: encrypted to ssh-ed25519 <code>${dave.fingerprint}</code> (github:dave-gh)`
    )
    expect(result.summary).not.toContain('✗')
    expect(Object.keys(JSON.parse(result.outputs['plan'] ?? '{}').keys ?? {})).toEqual([
      'alice.laptop',
      'alice.desktop',
      'dave'
    ])
    expect(changes(vpc)).toEqual([])
  })

  test('GitHub unreachable: a warning naming what could not be checked; the plan passes', async () => {
    const vpc = await vpcWith([])
    const dir = await workspace(rosterOf('name: alice.laptop\n    recipient: github:alice-gh'))
    const port = await closedPort()
    const result = await sync({ vpc, dir, env: { GITHUB_API_URL: `https://127.0.0.1:${port}` } })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(
      /::warning::The keys of github:alice-gh \(the recipient of "alice\.laptop"\) could not be checked: .*ECONNREFUSED/
    )
    expect(result.summary).toMatch(
      /- <code>alice\.laptop<\/code>: ⚠ the keys of github:alice-gh could not be checked \(.*\); apply reads them again/
    )
    expect(plan(result).create).toEqual(['alice.laptop'])
  })

  test("GitHub's rate limit: a warning, the plan passes", async () => {
    const github = await startGitHubStandIn({
      users: { 'alice-gh': [] },
      keysRateLimit: { after: 0 }
    })
    cleanups.push(() => github.close())
    const vpc = await vpcWith([])
    const dir = await workspace(rosterOf('name: alice.laptop\n    recipient: github:alice-gh'))
    const result = await sync({ vpc, dir, env: { GITHUB_API_URL: github.url } })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(
      /::warning::The keys of github:alice-gh .*could not be checked: GitHub refused .*rate limit/
    )
  })
})

describe('sync, mode apply', () => {
  test('add, remove, rename and an expired entry: creates first, then revokes back to back, profiles written, report at the end', async () => {
    const yesterday = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10)
    const vpc = await vpcWith([
      { name: 'alice' },
      { name: 'bob.laptop' },
      { name: 'dave' },
      { name: 'mallory' },
      { name: 'ci-runner-1' }
    ])
    const dir = await workspace(
      rosterOf(
        'name: alice',
        'name: bob.desktop',
        `name: dave\n    expires: ${yesterday}`,
        'name: erin'
      )
    )
    const profiles = join(dir, 'profiles')
    const result = await sync({
      vpc,
      dir,
      inputs: { mode: 'apply', ignore: 'ci-*', 'config-dir': profiles }
    })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(namesNow(vpc)).toEqual(['alice', 'bob.desktop', 'ci-runner-1', 'erin'])
    const order = changes(vpc).map(
      c => `${c.action === 'CreateSslVpnClientCert' ? 'create' : 'delete'}`
    )
    // Every create before the first delete.
    expect(order.join(',')).toBe('create,create,delete,delete,delete')
    const created = JSON.parse(result.outputs['created'] ?? '{}') as Record<string, string>
    expect(Object.keys(created).sort()).toEqual(['bob.desktop', 'erin'])
    const revoked = JSON.parse(result.outputs['revoked'] ?? '[]') as string[]
    const revokedNames = revoked.map(id => vpc.certificates.find(c => c.id === id)?.name).sort()
    expect(revokedNames).toEqual(['bob.laptop', 'dave', 'mallory'])
    expect(vpc.disconnections[SERVER]).toBe(3)
    expect((await readdir(profiles)).sort()).toEqual(['bob.desktop.ovpn', 'erin.ovpn'])
    expect(result.summary).toMatch(
      /Revoked 3 back to back between \d{4}-\d\d-\d\d \d\d:\d\d:\d\d and .* UTC/
    )
    // The report after the changes, as report/ makes it.
    expect(result.outputs['certificate-count']).toBe('4')
    expect(result.summary).toContain('SSL-VPN client certificate expiry')
    expect(result.stdout).toMatch(/::warning::3 certificates were deleted on vss-standin0001/)

    // Run again: nothing left to do.
    const again = await sync({ vpc, dir, inputs: { mode: 'apply', ignore: 'ci-*' } })
    expect(again.exitCode).toBe(0)
    expect(plan(again).counts).toMatchObject({ create: 0, revoke: 0 })
    expect(changes(vpc)).toHaveLength(5)
  })

  test('rotate: an expiring certificate is replaced; the old one is revoked only once the new one is ready', async () => {
    const vpc = await vpcWith([{ name: 'alice', endTime: Date.now() + 3 * DAY }, { name: 'bob' }])
    const old = vpc.certificates.find(c => c.name === 'alice')?.id
    const dir = await workspace(rosterOf('name: alice', 'name: bob'))
    const result = await sync({ vpc, dir, inputs: { mode: 'apply', rotate: 'true' } })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(plan(result).revoke).toEqual([{ 'cert-id': old, name: 'alice', reason: 'rotated' }])
    const created = JSON.parse(result.outputs['created'] ?? '{}') as Record<string, string>
    expect(Object.keys(created)).toEqual(['alice'])
    expect(namesNow(vpc)).toEqual(['alice', 'bob'])
    expect(vpc.listedCertificates().map(c => c.id)).not.toContain(old)
    // Create, then the new one described (ready), then the old one deleted.
    const sequence = vpc.calls
      .filter(c => c.action !== 'DescribeSslVpnClientCerts')
      .map(c => `${c.action}${c.params['SslVpnClientCertId'] === created['alice'] ? ' (new)' : ''}`)
    expect(sequence.slice(0, 3)).toEqual([
      'CreateSslVpnClientCert',
      'DescribeSslVpnClientCert (new)',
      'DeleteSslVpnClientCert'
    ])
  })

  test('max-revocations tripped: nothing is created or revoked; allow-mass-revocation carries it out', async () => {
    const vpc = await vpcWith(['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map(name => ({ name })))
    const dir = await workspace(rosterOf('name: newcomer'))
    const refused = await sync({ vpc, dir, inputs: { mode: 'apply' } })
    expect(refused.exitCode).toBe(1)
    expect(refused.errors[0]).toMatch(/revokes 6 certificates, more than max-revocations \(5\)/)
    expect(changes(vpc)).toEqual([])
    const allowed = await sync({
      vpc,
      dir,
      inputs: { mode: 'apply', 'allow-mass-revocation': 'true' }
    })
    expect(allowed.exitCode).toBe(0)
    expect(namesNow(vpc)).toEqual(['newcomer'])
  })

  test('a failure halfway (a create refused): nothing revoked; the re-run finishes the job without duplicates', async () => {
    const vpc = await vpcWith([{ name: 'alice' }, { name: 'leaver1' }, { name: 'leaver2' }])
    const dir = await workspace(rosterOf('name: alice', 'name: bob', 'name: carol', 'name: dave'))
    // The first create (bob) is refused with an error that is not retried; carol and dave go on.
    vpc.injectFault({ kind: 'error', code: 'Resource.QuotaFull' })
    const first = await sync({ vpc, dir, inputs: { mode: 'apply' } })
    const creates = vpc.calls.filter(c => c.action === 'CreateSslVpnClientCert').length
    expect(first.exitCode).toBe(1)
    expect(first.errors[0]).toMatch(
      /No certificate was revoked because a create failed: re-run to finish/
    )
    expect(vpc.calls.filter(c => c.action === 'DeleteSslVpnClientCert')).toEqual([])
    expect(namesNow(vpc)).toEqual(['alice', 'carol', 'dave', 'leaver1', 'leaver2'])
    expect(creates).toBeGreaterThan(0)

    const second = await sync({ vpc, dir, inputs: { mode: 'apply' } })
    expect(second.errors).toEqual([])
    expect(second.exitCode).toBe(0)
    expect(namesNow(vpc)).toEqual(['alice', 'bob', 'carol', 'dave'])
    expect(JSON.parse(second.outputs['created'] ?? '{}')).toEqual({
      bob: expect.stringMatching(/^vsc-/)
    })
  })
})

/** An OpenSSH key pair made by ssh-keygen, and its fingerprint as `ssh-keygen -l` prints it. */
interface SshKey {
  path: string
  publicKey: string
  fingerprint: string
}

/** A key pair made by the real ssh-keygen, with the fingerprint it prints. */
async function sshKeygen(dir: string, type: 'ed25519' | 'ecdsa', name: string): Promise<SshKey> {
  const pair = await makeSshKeyPair(dir, name, type)
  const fingerprint = await sshKeygenFingerprint(dir, pair.publicKey)
  return { path: pair.privateKeyPath, publicKey: pair.publicKey, fingerprint }
}

/** The real age CLI: the profile `file` decrypted with the private key at `identity`. */
async function ageDecrypt(identity: string, file: string) {
  const { status, plaintext } = ageCliDecrypt(await readFile(file), identity)
  return { status, plaintext: plaintext.toString() }
}

describe('sync, mode apply, roster recipients: profiles only their person can open', () => {
  test('github:USER and key recipients get only <name>.ovpn.age, opened by the real age CLI; an account without a usable key fails before its create, and the re-run delivers it', async () => {
    const keysDir = await mkdtemp(join(tmpdir(), 'sync-keys-'))
    cleanups.push(() => rm(keysDir, { recursive: true, force: true }))
    const alice = await sshKeygen(keysDir, 'ed25519', 'alice')
    const bob = await sshKeygen(keysDir, 'ed25519', 'bob')
    const carolPhone = await sshKeygen(keysDir, 'ecdsa', 'carol-phone')
    const carol = await sshKeygen(keysDir, 'ed25519', 'carol')
    const stranger = await sshKeygen(keysDir, 'ed25519', 'mallory')
    const github = await startGitHubStandIn({
      token: GITHUB_TOKEN,
      users: { 'alice-gh': [alice.publicKey], 'carol-gh': [carolPhone.publicKey] }
    })
    cleanups.push(() => github.close())
    const vpc = await vpcWith([{ name: 'leaver' }])
    const dir = await workspace(
      rosterOf(
        'name: alice.laptop\n    recipient: github:alice-gh',
        `name: bob.desktop\n    recipient: ${bob.publicKey}`,
        'name: carol.laptop\n    recipient: github:carol-gh',
        'name: dave'
      )
    )
    const profiles = join(dir, 'profiles')
    const apply = {
      vpc,
      dir,
      inputs: { mode: 'apply', 'config-dir': profiles, 'github-token': GITHUB_TOKEN },
      env: { GITHUB_API_URL: github.url }
    }
    const createsOf = (name: string) =>
      vpc.calls.filter(c => c.action === 'CreateSslVpnClientCert' && c.params['Name'] === name)

    const first = await sync(apply)
    expect(first.exitCode).toBe(1)
    expect(first.errors.join('\n')).toMatch(
      /github:carol-gh has no public SSH key age can encrypt to .*no certificate was created/
    )
    // carol's account was read before her certificate would have been created: none was.
    expect(createsOf('carol.laptop')).toEqual([])
    expect(namesNow(vpc)).toEqual(['alice.laptop', 'bob.desktop', 'dave', 'leaver'])
    // Only encrypted files for those with a recipient; the plain one for dave.
    expect((await readdir(profiles)).sort()).toEqual([
      'alice.laptop.ovpn.age',
      'bob.desktop.ovpn.age',
      'dave.ovpn'
    ])
    for (const [key, name] of [
      [alice, 'alice.laptop'],
      [bob, 'bob.desktop']
    ] as const) {
      const file = join(profiles, `${name}.ovpn.age`)
      const opened = await ageDecrypt(key.path, file)
      expect(opened.status).toBe(0)
      expect(opened.plaintext).toMatch(/^client$/m)
      expect(opened.plaintext).toContain('<key>')
      expect((await ageDecrypt(stranger.path, file)).status).not.toBe(0)
    }
    expect(JSON.parse(first.outputs['config-files'] ?? '{}')).toEqual({
      'alice.laptop': join(profiles, 'alice.laptop.ovpn.age'),
      'bob.desktop': join(profiles, 'bob.desktop.ovpn.age'),
      dave: join(profiles, 'dave.ovpn')
    })
    expect(JSON.parse(first.outputs['encrypted-to'] ?? '{}')).toEqual({
      'alice.laptop': [
        { type: 'ssh-ed25519', fingerprint: alice.fingerprint, from: 'github:alice-gh' }
      ],
      'bob.desktop': [{ type: 'ssh-ed25519', fingerprint: bob.fingerprint, from: 'roster line 5' }]
    })
    expect(first.summary).toContain(`<code>${alice.fingerprint}</code>`)
    expect(first.summary).toContain(`<code>${join(profiles, 'bob.desktop.ovpn.age')}</code>`)
    // A create failed, so the leaver stays until the re-run.
    expect(vpc.calls.filter(c => c.action === 'DeleteSslVpnClientCert')).toEqual([])

    // carol adds a key age can use; the re-run creates and delivers hers, then revokes.
    github.setUserKeys('carol-gh', [carolPhone.publicKey, carol.publicKey])
    const again = await sync(apply)
    expect(again.errors).toEqual([])
    expect(again.exitCode).toBe(0)
    expect(createsOf('carol.laptop')).toHaveLength(1)
    expect(namesNow(vpc)).toEqual(['alice.laptop', 'bob.desktop', 'carol.laptop', 'dave'])
    const opened = await ageDecrypt(carol.path, join(profiles, 'carol.laptop.ovpn.age'))
    expect(opened.status).toBe(0)
    expect(opened.plaintext).toMatch(/^client$/m)
    expect(JSON.parse(again.outputs['encrypted-to'] ?? '{}')).toEqual({
      'carol.laptop': [
        { type: 'ssh-ed25519', fingerprint: carol.fingerprint, from: 'github:carol-gh' }
      ]
    })
    expect(await readdir(profiles)).not.toContain('carol.laptop.ovpn')
  })

  test('a certificate created whose profile was not written: named in the failure, which says to re-run with redeliver; a plain re-run keeps it without a profile; redeliver writes it (plain and age-encrypted, the oldest of two for a name), twice, with no Create or Delete call', async () => {
    const keysDir = await mkdtemp(join(tmpdir(), 'sync-redeliver-keys-'))
    cleanups.push(() => rm(keysDir, { recursive: true, force: true }))
    const bob = await sshKeygen(keysDir, 'ed25519', 'bob')
    const stranger = await sshKeygen(keysDir, 'ed25519', 'mallory')
    // alice has two certificates (the first is the older); newbie and bob.desktop are new.
    const vpc = await vpcWith([{ name: 'alice' }, { name: 'alice' }])
    const [aliceOlder] = vpc.certificates.map(c => c.id)
    const dir = await workspace(
      rosterOf('name: alice', 'name: newbie', `name: bob.desktop\n    recipient: ${bob.publicKey}`)
    )
    const profiles = join(dir, 'profiles')
    const apply = { mode: 'apply', 'config-dir': profiles }
    // Both creates succeed; waiting for each new certificate is refused (not retried).
    for (let i = 0; i < 2; i++) {
      vpc.injectFault({
        kind: 'error',
        code: 'Example.Refused',
        httpStatus: 400,
        action: 'DescribeSslVpnClientCert'
      })
    }
    const first = await sync({ vpc, dir, inputs: apply })
    expect(first.exitCode).toBe(1)
    expect(first.errors.join('\n')).toMatch(
      /newbie, bob\.desktop: created, but their profiles were not written; a re-run keeps them without writing one\. Re-run apply with redeliver: newbie, bob\.desktop \(and the same config-dir\) to write them from the certificates created; nothing more is created\./
    )
    expect(first.errors.join('\n')).not.toMatch(/if-exists/)
    expect(namesNow(vpc)).toEqual(['alice', 'alice', 'bob.desktop', 'newbie'])
    const idOf = (name: string) => vpc.certificates.find(c => c.name === name)?.id ?? ''

    // A plain re-run plans them as kept and writes nothing: the gap redeliver closes.
    const plain = await sync({ vpc, dir, inputs: apply })
    expect(plain.exitCode).toBe(0)
    expect(JSON.parse(plain.outputs['config-files'] ?? '')).toEqual({})
    expect(await readdir(profiles)).toEqual([])

    const creates = vpc.calls.filter(c => c.action === 'CreateSslVpnClientCert').length
    const redeliver = { ...apply, redeliver: 'newbie, bob.desktop\nalice' }
    const written: string[] = []
    for (const attempt of [1, 2]) {
      const from = vpc.calls.length
      const result = await sync({ vpc, dir, inputs: redeliver })
      expect({ attempt, errors: result.errors, exitCode: result.exitCode }).toEqual({
        attempt,
        errors: [],
        exitCode: 0
      })
      const calls = vpc.calls.slice(from)
      // Listings and one DescribeSslVpnClientCert per profile; no change, no ClientToken.
      expect(new Set(calls.map(c => c.action))).toEqual(
        new Set(['DescribeSslVpnClientCerts', 'DescribeSslVpnClientCert'])
      )
      expect(calls.filter(c => c.clientToken !== null || 'ClientToken' in c.params)).toEqual([])
      expect(
        calls
          .filter(c => c.action === 'DescribeSslVpnClientCert')
          .map(c => c.params['SslVpnClientCertId'])
      ).toEqual([aliceOlder, idOf('newbie'), idOf('bob.desktop')])
      expect(JSON.parse(result.outputs['redelivered'] ?? '')).toEqual({
        alice: aliceOlder,
        newbie: idOf('newbie'),
        'bob.desktop': idOf('bob.desktop')
      })
      expect(JSON.parse(result.outputs['created'] ?? '')).toEqual({})
      expect(JSON.parse(result.outputs['config-files'] ?? '')).toEqual({
        alice: join(profiles, 'alice.ovpn'),
        newbie: join(profiles, 'newbie.ovpn'),
        'bob.desktop': join(profiles, 'bob.desktop.ovpn.age')
      })
      expect(JSON.parse(result.outputs['encrypted-to'] ?? '')).toEqual({
        'bob.desktop': [
          { type: 'ssh-ed25519', fingerprint: bob.fingerprint, from: 'roster line 5' }
        ]
      })
      expect(result.summary).toContain(
        `<li>newbie: <code>${join(profiles, 'newbie.ovpn')}</code> (not encrypted: no recipient), re-delivered from <code>${idOf('newbie')}</code></li>`
      )
      expect(result.summary).toContain(`re-delivered from <code>${aliceOlder}</code>`)
      expect(result.stdout).toContain(
        `alice: Writing the profile of ${aliceOlder} again (redeliver); nothing is created.`
      )
      written.push(await readFile(join(profiles, 'newbie.ovpn'), 'utf8'))
      // The key material the stand-in holds for each certificate is in its profile, and in no
      // log line, output or summary.
      for (const name of ['newbie', 'bob.desktop', 'alice']) {
        const certId = name === 'alice' ? aliceOlder : idOf(name)
        const described = (await describeCert(vpc, certId ?? '')).json ?? {}
        const clientCert = String(described['ClientCert'])
        const clientKey = String(described['ClientKey'])
        const profile =
          name === 'bob.desktop'
            ? (await ageDecrypt(bob.path, join(profiles, 'bob.desktop.ovpn.age'))).plaintext
            : await readFile(join(profiles, `${name}.ovpn`), 'utf8')
        expect(profile).toContain(clientCert.trim())
        expect(profile).toContain(clientKey.trim())
        expect(profile).toMatch(/^client$/m)
        const bodyLines = clientKey.split('\n').filter(l => l.length > 40)
        expectNoSecrets(result, [clientKey, ...bodyLines])
      }
      expect(
        (await ageDecrypt(stranger.path, join(profiles, 'bob.desktop.ovpn.age'))).status
      ).not.toBe(0)
      for (const file of ['alice.ovpn', 'newbie.ovpn', 'bob.desktop.ovpn.age']) {
        expect((await stat(join(profiles, file))).mode & 0o777).toBe(0o600)
      }
      expect((await readdir(profiles)).sort()).toEqual([
        'alice.ovpn',
        'bob.desktop.ovpn.age',
        'newbie.ovpn'
      ])
    }
    // The same profile written again; nothing created, deleted or changed on the gateway.
    expect(written[1]).toBe(written[0])
    expect(vpc.calls.filter(c => c.action === 'CreateSslVpnClientCert')).toHaveLength(creates)
    expect(vpc.calls.filter(c => c.action === 'DeleteSslVpnClientCert')).toEqual([])
    expect(namesNow(vpc)).toEqual(['alice', 'alice', 'bob.desktop', 'newbie'])
  })

  test('a recipient key that is not one is refused with file and line, before any call', async () => {
    const vpc = await vpcWith([])
    // Well formed to the eye (the roster's form check passes it), but not a valid Ed25519 key.
    const broken = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'A'.repeat(43)} x@y`
    const dir = await workspace(rosterOf('name: alice', `name: bob\n    recipient: ${broken}`))
    const result = await sync({ vpc, dir, inputs: { mode: 'apply', 'config-dir': join(dir, 'p') } })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(
      /^Input 'roster-file': "roster\.yml" line 4: the recipient of bob: Not a public key age can encrypt to .*Expected/
    )
    expect(vpc.calls).toEqual([])
  })
})

describe('sync, redeliver', () => {
  test('mode plan shows a Re-deliver section (the certificate each profile would be written from; a name to create is delivered by its create), in the summary, the plan output and the plan file; nothing is called but the listing', async () => {
    const vpc = await vpcWith([{ name: 'alice' }, { name: 'alice' }])
    const [older] = vpc.certificates.map(c => c.id)
    const dir = await workspace(rosterOf('name: alice', 'name: carol'))
    const result = await sync({
      vpc,
      dir,
      inputs: { 'config-dir': join(dir, 'profiles'), redeliver: 'alice,carol' }
    })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.summary).toContain(
      '1 to create, 0 to revoke, 1 kept. 1 profile to re-deliver (redeliver).'
    )
    expect(result.summary).toContain('**Re-deliver** (2)')
    expect(result.summary).toContain(
      `- <code>alice</code> <code>${older}</code>: its profile is written again (the oldest usable of the 2 kept), nothing is created`
    )
    expect(result.summary).toContain(
      '- <code>carol</code>: created above; its new profile is written once'
    )
    expect(JSON.parse(result.outputs['plan'] ?? '')).toMatchObject({
      counts: { create: 1, revoke: 0, keep: 1, redeliver: 1 },
      create: ['carol'],
      redeliver: [{ name: 'alice', 'cert-id': older }]
    })
    const planFile = JSON.parse(await readFile(result.outputs['plan-file'] ?? '', 'utf8')) as {
      redeliver: unknown[]
    }
    expect(planFile.redeliver).toEqual([
      { name: 'alice', 'cert-id': older, kept: 2 },
      { name: 'carol', 'by-create': 'new' }
    ])
    expect(result.outputs['changes']).toBe('true')
    expect(new Set(vpc.calls.map(c => c.action))).toEqual(new Set(['DescribeSslVpnClientCerts']))
  })

  test.each([
    [
      'a name not in the roster',
      { redeliver: 'alice, alicia' },
      /^Input 'redeliver': "alicia" is not in "roster\.yml"; expected names of roster entries/
    ],
    [
      'no config-dir',
      { redeliver: 'alice', 'config-dir': '' },
      /^Input 'redeliver': names a certificate \("alice"\), but config-dir is empty; expected config-dir set to where their profiles are written\.$/
    ],
    [
      'a name an ignore pattern matches',
      { redeliver: 'ci-runner-1', ignore: 'ci-*' },
      /^Input 'redeliver': "ci-runner-1" matches the ignore pattern "ci-\*": sync never touches an ignored name/
    ],
    [
      'a pattern',
      { redeliver: 'ali*' },
      /^Input 'redeliver': "ali\*" is a pattern; expected names of roster entries, each written out/
    ],
    [
      'a name whose roster entry has expired (its certificates are being revoked)',
      { redeliver: 'gone' },
      /^Input 'redeliver': "gone": its entry in "roster\.yml" \(line 3\) expired on 2020-01-31, so apply revokes its certificates/
    ]
  ])('refused before any call: %s', async (_title, inputs, expected) => {
    const vpc = await vpcWith([{ name: 'alice' }, { name: 'gone' }, { name: 'ci-runner-1' }])
    const dir = await workspace(rosterOf('name: alice', 'name: gone\n    expires: 2020-01-31'))
    const result = await sync({
      vpc,
      dir,
      inputs: { mode: 'apply', 'config-dir': join(dir, 'profiles'), ...inputs }
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(expected)
    expect(vpc.calls).toEqual([])
  })
})

describe('sync, a hostile roster: refused with file and line, before any call', () => {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    ...'bcdefghi'
      .split('')
      .map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
    'certificates: *i'
  ].join('\n')
  test.each([
    [
      'huge',
      'certificates:\n' + '  - name: a\n'.repeat(120_000),
      /"roster.yml" is larger than 1048576 bytes/
    ],
    [
      'duplicate names',
      rosterOf('name: alice', 'name: bob', 'name: alice'),
      /"roster.yml" line 4: the name "alice" is already on line 2/
    ],
    [
      'a name the API refuses',
      rosterOf('name: "-alice"'),
      /"roster.yml" line 2: "-alice" is not a certificate name the API accepts/
    ],
    ['an alias bomb', bomb, /"roster.yml" line 1: has an anchor \(&a\)/],
    [
      'an unknown key',
      rosterOf('name: alice\n    admin: true'),
      /"roster.yml" line 3: "admin" is not a key of an entry/
    ]
  ])('%s', async (_title, text, expected) => {
    const vpc = await vpcWith([{ name: 'alice' }])
    const dir = await workspace(text)
    const result = await sync({ vpc, dir, inputs: { mode: 'apply' } })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^Input 'roster-file': /)
    expect(result.errors[0]).toMatch(expected)
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
    expect(vpc.calls).toEqual([])
  })

  test('a roster file outside the workspace is refused', async () => {
    const vpc = await vpcWith([])
    const dir = await workspace('certificates: []\n')
    const result = await sync({ vpc, dir, inputs: { 'roster-file': '../../etc/passwd' } })
    expect(result.errors).toEqual([
      expect.stringMatching(/^Input 'roster-file': "..\/..\/etc\/passwd" is outside the repository/)
    ])
    expect(vpc.calls).toEqual([])
  })
})
