/**
 * End to end over dist/index.js: profiles only their owner can open. The action runs as the
 * runner runs it, against the VPC stand-in and the GitHub stand-in (a user's public keys), and
 * the REAL `age` CLI opens what it wrote, with OpenSSH private keys made here by ssh-keygen: an
 * Ed25519 key and an RSA key open the profile, another key does not; no plaintext profile is ever
 * on disk; the outputs and the summary name the file and the fingerprints ssh-keygen prints.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'
import {
  startGitHubStandIn,
  type GitHubStandIn,
  type GitHubStandInOptions
} from '../../test-server/github-stand-in.mjs'
import { ACTION_PATH, runAction, type RunResult } from '../../test-server/run-action.mjs'
import type { StandIn } from '../../test-server/stand-in.mjs'

const WORKFLOW = {
  GITHUB_REPOSITORY: 'acme/onboarding',
  GITHUB_RUN_ID: '6160',
  GITHUB_JOB: 'onboard',
  GITHUB_ACTION: 'certificates'
}
const GITHUB_TOKEN = 'ghs_E2eDeliveryToken0123456789abcdefGH'

/** An OpenSSH key pair made by ssh-keygen: the private key's path and the public key line. */
interface SshKey {
  path: string
  publicKey: string
  /** As `ssh-keygen -l -E sha256` prints it: `SHA256:…`. */
  fingerprint: string
}

let keysDir = ''
const keys: Record<'ed25519' | 'rsa' | 'ecdsa' | 'stranger', SshKey> = {} as never

function sshKeygen(type: string, name: string, bits?: number): SshKey {
  const path = join(keysDir, name)
  const made = spawnSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(bits ? ['-b', String(bits)] : []),
    '-N',
    '',
    '-C',
    `${name}@test`,
    '-f',
    path
  ])
  if (made.status !== 0) throw new Error(`ssh-keygen -t ${type}: ${made.stderr.toString()}`)
  const listed = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`])
  const fingerprint = /SHA256:\S+/.exec(listed.stdout.toString())?.[0]
  if (!fingerprint) throw new Error(`ssh-keygen -l: ${listed.stderr.toString()}`)
  return {
    path,
    publicKey: spawnSync('cat', [`${path}.pub`])
      .stdout.toString()
      .trim(),
    fingerprint
  }
}

/** The real age CLI: decrypts `file` with the private key at `identity`. */
function ageDecrypt(identity: string, file: string) {
  const result = spawnSync('age', ['-d', '-i', identity, file])
  return {
    status: result.status,
    plaintext: result.stdout.toString(),
    stderr: result.stderr.toString()
  }
}

beforeAll(async () => {
  keysDir = await mkdtemp(join(tmpdir(), 'delivery-keys-'))
  keys.ed25519 = sshKeygen('ed25519', 'alice-laptop')
  keys.rsa = sshKeygen('rsa', 'alice-desktop', 3072)
  keys.ecdsa = sshKeygen('ecdsa', 'alice-phone')
  keys.stranger = sshKeygen('ed25519', 'mallory')
})
afterAll(async () => {
  await rm(keysDir, { recursive: true, force: true })
})

const start = standInPerTest()
const githubs: GitHubStandIn[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(githubs.splice(0).map(g => g.close()))
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function github(options: GitHubStandInOptions): Promise<GitHubStandIn> {
  const s = await startGitHubStandIn({ token: GITHUB_TOKEN, ...options })
  githubs.push(s)
  return s
}

async function configDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'delivery-e2e-'))
  dirs.push(dir)
  return join(dir, 'profiles')
}

async function run(
  server: StandIn,
  gh: GitHubStandIn | undefined,
  inputs: Record<string, string>,
  state?: Record<string, string>,
  env: Record<string, string> = {}
): Promise<RunResult> {
  const result = await runAction({
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-standin0001',
      endpoint: server.endpoint,
      'access-key-id': DEFAULT_KEY.accessKeyId,
      'access-key-secret': DEFAULT_KEY.accessKeySecret,
      'timeout-seconds': '60',
      ...inputs
    },
    env: { ...WORKFLOW, ...(gh ? { GITHUB_API_URL: gh.url } : {}), ...env },
    ...(state ? { state } : {})
  })
  expectNoSecrets(result, [DEFAULT_KEY.accessKeyId, DEFAULT_KEY.accessKeySecret, GITHUB_TOKEN])
  return result
}

function block(profile: string, tag: string): string {
  const match = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(profile)
  if (!match?.[1]) throw new Error(`no <${tag}> block in the profile`)
  return match[1]
}

/** A profile that works: its certificate is the name's and signed by the CA, its key matches. */
function expectValidProfile(profile: string, name: string) {
  expect(profile).toMatch(/^client$/m)
  const cert = new X509Certificate(block(profile, 'cert'))
  expect(cert.checkPrivateKey(createPrivateKey(block(profile, 'key')))).toBe(true)
  expect(cert.verify(new X509Certificate(block(profile, 'ca')).publicKey)).toBe(true)
  expect(cert.subject).toContain(`CN=${name}`)
}

/** Every file in `dir` (none is a plaintext profile). */
async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort()
}

function creates(server: StandIn, name?: string): number {
  return server.calls.filter(
    c => c.action === 'CreateSslVpnClientCert' && (name === undefined || c.params['Name'] === name)
  ).length
}

describe('recipient: github:USER', () => {
  test('written only as <name>.ovpn.age, opened by the real age CLI with either usable key, not another; the post step removes it', async () => {
    const server = await start()
    const gh = await github({
      users: { 'alice-gh': [keys.ecdsa.publicKey, keys.ed25519.publicKey, keys.rsa.publicKey] }
    })
    const dir = await configDir()
    const result = await run(server, gh, {
      name: 'alice.smith',
      recipient: 'github:alice-gh',
      'config-dir': dir
    })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)

    const file = join(dir, 'alice.smith.ovpn.age')
    expect(result.outputs['config-file']).toBe(file)
    expect(JSON.parse(result.outputs['config-files'] ?? '')).toEqual({ 'alice.smith': file })
    expect(await filesIn(dir)).toEqual(['alice.smith.ovpn.age'])
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await readFile(file)).subarray(0, 22).toString()).toBe('age-encryption.org/v1\n')

    for (const key of [keys.ed25519, keys.rsa]) {
      const opened = ageDecrypt(key.path, file)
      expect(opened.stderr).toBe('')
      expect(opened.status).toBe(0)
      expectValidProfile(opened.plaintext, 'alice.smith')
    }
    const refused = ageDecrypt(keys.stranger.path, file)
    expect(refused.status).not.toBe(0)
    expect(refused.plaintext).toBe('')

    // The fingerprints are ssh-keygen's; the ECDSA key is skipped and said so.
    expect(JSON.parse(result.outputs['encrypted-to'] ?? '')).toEqual({
      'alice.smith': [
        { type: 'ssh-ed25519', fingerprint: keys.ed25519.fingerprint, from: 'github:alice-gh' },
        { type: 'ssh-rsa', fingerprint: keys.rsa.fingerprint, from: 'github:alice-gh' }
      ]
    })
    expect(result.stdout).toMatch(
      new RegExp(
        `Skipping a key of github:alice-gh \\(ecdsa-sha2-nistp256 ${keys.ecdsa.fingerprint.replace(/[+/]/g, '\\$&')}\\)`
      )
    )
    expect(result.summary).toContain(`<code>${keys.ed25519.fingerprint}</code>`)
    expect(result.summary).toContain('alice.smith.ovpn.age')
    // Anonymous: no github-token was given.
    expect(gh.requests.map(r => [r.path, r.status])).toEqual([['/users/alice-gh/keys', 200]])

    const post = await run(server, gh, { name: 'alice.smith' }, result.state)
    expect(post.exitCode).toBe(0)
    expect(await filesIn(dir)).toEqual([])
  })

  test('a GitHub account without a usable key fails before its certificate is created; once it has one, a re-run delivers', async () => {
    const server = await start()
    const gh = await github({ users: { 'bob-gh': [keys.ecdsa.publicKey] } })
    const dir = await configDir()
    const inputs = {
      name: 'bob',
      recipient: 'github:bob-gh',
      'config-dir': dir,
      'if-exists': 'reuse',
      'github-token': GITHUB_TOKEN
    }
    const first = await run(server, gh, inputs)
    expect(first.exitCode).toBe(1)
    expect(first.errors.join('\n')).toMatch(
      /github:bob-gh has no public SSH key age can encrypt to \(1 skipped, listed above\).*no certificate was created/
    )
    expect(creates(server)).toBe(0)
    expect(await filesIn(dir)).toEqual([])

    gh.setUserKeys('bob-gh', [keys.ecdsa.publicKey, keys.ed25519.publicKey])
    const again = await run(server, gh, inputs)
    expect(again.exitCode).toBe(0)
    expect(creates(server)).toBe(1)
    const opened = ageDecrypt(keys.ed25519.path, join(dir, 'bob.ovpn.age'))
    expect(opened.status).toBe(0)
    expectValidProfile(opened.plaintext, 'bob')
  })

  test.each([
    ['an unknown account (404)', {}, /GitHub has no account github:ghost \(HTTP 404/],
    [
      'the rate limit without a token (403)',
      { keysRateLimit: { after: 0 } },
      /HTTP 403: API rate limit exceeded.*pass github-token/
    ],
    [
      'a secondary rate limit (429)',
      { keysRateLimit: { after: 0, status: 429 as const } },
      /HTTP 429: You have exceeded a secondary rate limit.*pass github-token/
    ]
  ])('%s: one clear error, nothing created', async (_what, options, message) => {
    const server = await start()
    const gh = await github(options)
    const dir = await configDir()
    const result = await run(server, gh, {
      name: 'ghost1',
      recipient: 'github:ghost',
      'config-dir': dir
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /) // no stack trace
    expect(creates(server)).toBe(0)
  })
})

describe('recipient: keys given in the workflow', () => {
  test('an age1 key and an SSH key line: either opens it, and the outputs name both', async () => {
    const identity = join(keysDir, 'age-identity.txt')
    const made = spawnSync('age-keygen', ['-o', identity])
    expect(made.status).toBe(0)
    const ageRecipient = /public key: (age1\S+)/i.exec(made.stderr.toString())?.[1] ?? ''
    expect(ageRecipient).toMatch(/^age1[0-9a-z]{58}$/)
    const server = await start()
    const dir = await configDir()
    const result = await run(server, undefined, {
      name: 'erin',
      recipient: `${ageRecipient}\n${keys.ed25519.publicKey}`,
      'config-dir': dir
    })
    expect(result.exitCode).toBe(0)
    const file = join(dir, 'erin.ovpn.age')
    expect(await filesIn(dir)).toEqual(['erin.ovpn.age'])
    for (const key of [identity, keys.ed25519.path]) {
      const opened = ageDecrypt(key, file)
      expect(opened.status).toBe(0)
      expectValidProfile(opened.plaintext, 'erin')
    }
    expect(ageDecrypt(keys.rsa.path, file).status).not.toBe(0)
    expect(JSON.parse(result.outputs['encrypted-to'] ?? '')).toEqual({
      erin: [
        { type: 'x25519', fingerprint: ageRecipient, from: 'recipient' },
        { type: 'ssh-ed25519', fingerprint: keys.ed25519.fingerprint, from: 'recipient' }
      ]
    })
  })
})

describe('names: one recipient per line', () => {
  test('each person gets their own file; a plain line a plain profile; one without a usable key fails alone', async () => {
    const server = await start()
    const gh = await github({
      users: { 'alice-gh': [keys.ed25519.publicKey], 'carol-gh': [keys.ecdsa.publicKey] }
    })
    const dir = await configDir()
    const result = await run(server, gh, {
      names: [
        'alice.smith github:alice-gh',
        `bob ${keys.rsa.publicKey}`,
        'carol github:carol-gh',
        'dave'
      ].join('\n'),
      'config-dir': dir,
      'github-token': GITHUB_TOKEN
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toMatch(
      /1 of 4 certificates failed[\s\S]*- carol: .*github:carol-gh has no public SSH key/
    )
    expect(creates(server, 'carol')).toBe(0)
    expect(creates(server)).toBe(3)
    expect(await filesIn(dir)).toEqual(['alice.smith.ovpn.age', 'bob.ovpn.age', 'dave.ovpn'])

    const alice = ageDecrypt(keys.ed25519.path, join(dir, 'alice.smith.ovpn.age'))
    expectValidProfile(alice.plaintext, 'alice.smith')
    expect(ageDecrypt(keys.rsa.path, join(dir, 'alice.smith.ovpn.age')).status).not.toBe(0)
    const bob = ageDecrypt(keys.rsa.path, join(dir, 'bob.ovpn.age'))
    expectValidProfile(bob.plaintext, 'bob')
    expect(ageDecrypt(keys.ed25519.path, join(dir, 'bob.ovpn.age')).status).not.toBe(0)
    expectValidProfile(await readFile(join(dir, 'dave.ovpn'), 'utf8'), 'dave')

    expect(JSON.parse(result.outputs['encrypted-to'] ?? '')).toEqual({
      'alice.smith': [
        { type: 'ssh-ed25519', fingerprint: keys.ed25519.fingerprint, from: 'github:alice-gh' }
      ],
      bob: [{ type: 'ssh-rsa', fingerprint: keys.rsa.fingerprint, from: 'names line 2' }]
    })
    // With a token: every keys request carried it (the stand-in answers a wrong one 401).
    expect(gh.requests.every(r => r.status === 200)).toBe(true)

    // Carol adds a usable key; a re-run with if-exists: reuse fetches each reused certificate's
    // details again, encrypts it again, and creates only carol's.
    gh.setUserKeys('carol-gh', [keys.ecdsa.publicKey, keys.rsa.publicKey])
    await rm(join(dir, 'alice.smith.ovpn.age'))
    const again = await run(server, gh, {
      names: [
        'alice.smith github:alice-gh',
        `bob ${keys.rsa.publicKey}`,
        'carol github:carol-gh',
        'dave'
      ].join('\n'),
      'config-dir': dir,
      'if-exists': 'reuse',
      'github-token': GITHUB_TOKEN
    })
    expect(again.exitCode).toBe(0)
    expect(creates(server)).toBe(4)
    expect(creates(server, 'carol')).toBe(1)
    expect(await filesIn(dir)).toEqual([
      'alice.smith.ovpn.age',
      'bob.ovpn.age',
      'carol.ovpn.age',
      'dave.ovpn'
    ])
    expectValidProfile(
      ageDecrypt(keys.ed25519.path, join(dir, 'alice.smith.ovpn.age')).plaintext,
      'alice.smith'
    )
    expectValidProfile(ageDecrypt(keys.rsa.path, join(dir, 'carol.ovpn.age')).plaintext, 'carol')
  })
})

describe('checked before any network call', () => {
  test.each([
    [
      'a key line whose content is not a key',
      { name: 'alice', recipient: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIQ== x' },
      /^Input 'recipient': /
    ],
    [
      'an age1 key that is not Bech32',
      { names: `alice age1${'b'.repeat(58)}` },
      /^Input 'names': line 1: .*not a valid age recipient/
    ],
    [
      'no config-dir',
      { name: 'alice', recipient: 'github:alice-gh', 'config-dir': '' },
      /needs 'config-dir'/
    ],
    [
      'key-passphrase with every profile encrypted',
      { name: 'alice', recipient: 'github:alice-gh', 'key-passphrase': 'long enough' },
      /^Input 'key-passphrase': is not used with 'recipient'/
    ]
  ])('%s: the input is named, no API or GitHub request is made', async (_what, inputs, message) => {
    const server = await start()
    const gh = await github({ users: { 'alice-gh': [keys.ed25519.publicKey] } })
    const dir = await configDir()
    const result = await run(server, gh, { 'config-dir': dir, ...inputs })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(message)
    expect(server.calls).toEqual([])
    expect(gh.requests).toEqual([])
  })
})

describe('what a run loads: the GitHub client only for a github: recipient', () => {
  /** The chunk file beside the bundle whose source map lists a source matching `source`. */
  function chunkHolding(source: RegExp): string {
    const dir = dirname(ACTION_PATH)
    const found = readdirSync(dir).filter(name => {
      if (!/^\d+\.index\.js\.map$/.test(name)) return false
      const map = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { sources: string[] }
      return map.sources.some(s => source.test(s))
    })
    if (found.length !== 1) throw new Error(`${found.length} chunk files hold ${source}`)
    return found[0]!.replace(/\.map$/, '')
  }

  /**
   * The files of the bundle's folder the run loaded as modules, by name, as the preload
   * test-server/module-recorder.mjs recorded them (node:module hooks: every file loaded, the
   * bundle and each chunk file it `import()`s).
   */
  async function loadedFiles(
    server: StandIn,
    gh: GitHubStandIn | undefined,
    inputs: Record<string, string>
  ): Promise<string[]> {
    const record = join(await configDir(), '..', 'loaded-modules.txt')
    const recorder = new URL('../../test-server/module-recorder.mjs', import.meta.url)
    const result = await run(server, gh, inputs, undefined, {
      NODE_OPTIONS: `--import=${recorder.href}`,
      RECORD_MODULES_TO: record
    })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    const dir = dirname(ACTION_PATH)
    return (await readFile(record, 'utf8'))
      .split('\n')
      .filter(url => url.startsWith('file:') && dirname(fileURLToPath(url)) === dir)
      .map(url => basename(fileURLToPath(url)))
  }

  test('a key given in the workflow: the delivery chunk, not the one with Octokit; github:USER loads it', async () => {
    const delivery = chunkHolding(/src\/delivery\/deliver\.ts$/)
    const octokit = chunkHolding(/node_modules\/@octokit\/core\//)
    expect(octokit).not.toBe(delivery)
    const server = await start()

    const withKey = await loadedFiles(server, undefined, {
      name: 'frank',
      recipient: keys.ed25519.publicKey,
      'config-dir': await configDir()
    })
    // The bundle itself was recorded: the recorder works.
    expect(withKey).toContain(basename(ACTION_PATH))
    expect(withKey).toContain(delivery)
    expect(withKey).not.toContain(octokit)

    const gh = await github({ users: { 'grace-gh': [keys.ed25519.publicKey] } })
    const withAccount = await loadedFiles(server, gh, {
      name: 'grace',
      recipient: 'github:grace-gh',
      'config-dir': await configDir()
    })
    expect(withAccount).toEqual(expect.arrayContaining([delivery, octokit]))
  })
})
