/**
 * End to end over dist/index.js: private keys on disk. Each row is an attack on where a profile
 * goes (a path as the answer's name or ID, a link or another user's file planted in config-dir, a
 * config-dir others can write to or that is a link), or a promise about what stays on disk (the
 * post step, keep-profiles), about key-passphrase, or about which certificate `reuse` returns.
 *
 * Every row runs the main step, then the post step as the runner does (`post-if: always()`, the
 * main step's saved state as STATE_* variables), through a proxy (test-server/hostile.mjs) in
 * front of the row's own stand-in, which sees every key the API hands out and can tamper with
 * the answers. A row then checks what is on disk in its own directory, everything in it (nothing
 * outside config-dir, a planted link's target untouched, profiles 0600) and what the runner shows
 * (one clear error naming the path; no key material anywhere).
 *
 * The tests run as root here, so "another user" is simulated: files and directories are handed to
 * uid 65534 (nobody) with chown, which only root may do; the rows that need it are left out when
 * not run as root. Signature v1 is used because the proxy forwards with the stand-in's Host.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto'
import {
  chmod,
  chown,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  symlink,
  writeFile
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_SSL_VPN_SERVERS,
  startStandIn,
  type StandIn,
  type StandInOptions
} from '../../test-server/stand-in.mjs'
import { startHostile, type HostileReply, type HostileRequest } from '../../test-server/hostile.mjs'
import { runAction, type RunResult } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'

const [KEY] = DEFAULT_CREDENTIALS
const [SERVER] = DEFAULT_SSL_VPN_SERVERS
if (!KEY || !SERVER) throw new Error('the stand-in has no default credentials or SSL server')
/** Valid inputs every row starts from (config-dir is the row's). */
const BASE_INPUTS = {
  'region-id': SERVER.regionId,
  'ssl-vpn-server-id': SERVER.sslVpnServerId,
  'access-key-id': KEY.accessKeyId,
  'access-key-secret': KEY.accessKeySecret,
  'signature-version': 'v1',
  'timeout-seconds': '30'
}

/** How many rows run at once (each is two Node processes, one after the other). */
const PARALLEL = 3
const AS_ROOT = process.getuid?.() === 0
/** "Another user". */
const NOBODY = 65_534
const DAY_MS = 24 * 60 * 60 * 1000

/** What a row's hooks and checks work with. */
interface Context {
  /** The row's own directory: everything the row puts on disk is in here. */
  root: string
  /** The config-dir input (root/profiles unless the row says otherwise). */
  configDir: string
  standIn: StandIn
  /** Every ClientKey the API answered, as it went by. */
  keys: string[]
  /** What a row's hooks noted for its check. */
  notes: Record<string, unknown>
}

interface Outcome {
  ctx: Context
  main: RunResult
  post: RunResult
  /** API calls the main step made (the post step must make none). */
  mainCalls: number
  /** Everything in root after each step: relative path → "file 0600", "dir 0700", "link -> x". */
  afterMain: Record<string, string>
  /** After the row's `between` hook. */
  beforePost: Record<string, string>
  afterPost: Record<string, string>
  /** What the row's `between` hook threw (its checks of what a later step sees), if anything. */
  betweenError: unknown
}

interface Row {
  title: string
  standIn?: StandInOptions
  /** Over the base inputs; config-dir defaults to ctx.configDir. */
  inputs: (ctx: Context) => Record<string, string>
  /** config-dir relative to root (default "profiles"). */
  configDir?: string
  /** Changes a genuine answer in place, on its way to the action. */
  tamper?: (action: string | null, answer: Record<string, unknown>) => void
  /** Answers instead of the stand-in (undefined: forward). */
  answer?: (request: HostileRequest, ctx: Context) => HostileReply | undefined
  /** Before the main step. */
  prepare?: (ctx: Context) => Promise<void>
  /** Between the main step and the post step: what a later step of the job sees or does. */
  between?: (ctx: Context) => Promise<void>
  check: (outcome: Outcome) => Promise<void>
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`
}

/** Everything under `root`, without following links. */
async function tree(root: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {}
  async function walk(dir: string): Promise<void> {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name)
      const info = await lstat(path)
      const key = relative(root, path)
      if (info.isSymbolicLink()) {
        found[key] = `link -> ${relative(root, resolve(dir, await readlink(path)))}`
      } else if (info.isDirectory()) {
        found[key] = `dir ${octal(info.mode)}`
        await walk(path)
      } else {
        found[key] = `file ${octal(info.mode)}`
      }
    }
  }
  await walk(root)
  return found
}

function block(profile: string, tag: string): string {
  const match = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(profile)
  if (!match?.[1]) throw new Error(`no <${tag}> block in the profile`)
  return match[1]
}

/** The lines of a key long enough to identify it (armour lines are public). */
function keyLines(pem: string): string[] {
  return pem
    .split('\n')
    .map(line => line.trim())
    .filter(line => line.length >= 16 && !line.startsWith('-----'))
}

/** A written profile: mode 0600, ours, and its key matches its certificate. */
async function expectGoodProfile(path: string, passphrase?: string): Promise<string> {
  const info = await lstat(path)
  expect(info.isFile()).toBe(true)
  expect(octal(info.mode)).toBe('0600')
  expect(info.uid).toBe(process.getuid?.())
  const profile = await readFile(path, 'utf8')
  const key = createPrivateKey({ key: block(profile, 'key'), passphrase })
  expect(new X509Certificate(block(profile, 'cert')).checkPrivateKey(key)).toBe(true)
  return profile
}

/** One clear error that names `path`, without a stack trace. */
function expectOneError(result: RunResult, ...parts: (string | RegExp)[]): void {
  expect(result.exitCode).toBe(1)
  expect(result.errors).toHaveLength(1)
  const [error = ''] = result.errors
  for (const part of parts) {
    if (typeof part === 'string') expect(error).toContain(part)
    else expect(error).toMatch(part)
  }
  expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
}

/** The API calls of the main step. */
function actions({ ctx, mainCalls }: Outcome): string[] {
  return ctx.standIn.calls.slice(0, mainCalls).map(c => `${c.action}:${c.outcome}`)
}

/** An EC key and its self-signed certificate, for a canned DescribeSslVpnClientCert answer. */
function cannedMaterial() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  return { clientKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}

const ROWS: Row[] = [
  {
    title: "attack: the answer's Name is a path (../../../x), no name input",
    configDir: 'a/b/c/profiles',
    inputs: () => ({}),
    tamper: (action, answer) => {
      if (action === 'CreateSslVpnClientCert' || action === 'DescribeSslVpnClientCert') {
        answer['Name'] = '../../../x'
      }
    },
    check: async outcome => {
      const { main, afterMain } = outcome
      expectOneError(
        main,
        '"../../../x"',
        /^Unexpected answer to CreateSslVpnClientCert .*: Name is "\.\.\/\.\.\/\.\.\/x"; expected 2 to 128 characters/
      )
      // Refused before the key was even fetched.
      expect(actions(outcome)).toEqual(['CreateSslVpnClientCert:created'])
      expect(afterMain).toEqual({
        a: 'dir 0700',
        'a/b': 'dir 0700',
        'a/b/c': 'dir 0700',
        'a/b/c/profiles': 'dir 0700'
      })
    }
  },
  {
    title: "attack: the answer's ID is a path and it has no Name",
    configDir: 'a/b/c/profiles',
    inputs: () => ({}),
    tamper: (action, answer) => {
      if (action === 'CreateSslVpnClientCert') {
        answer['SslVpnClientCertId'] = 'vsc-1/../../../y'
        delete answer['Name']
      }
    },
    // The stand-in knows no such ID: a canned, ready answer with a real key stands in for it.
    answer: (request, ctx) => {
      if (request.action !== 'DescribeSslVpnClientCert') return undefined
      const { clientKey } = cannedMaterial()
      ctx.keys.push(clientKey)
      return {
        json: {
          RequestId: 'canned',
          SslVpnClientCertId: request.params['SslVpnClientCertId'],
          Status: 'normal',
          CaCert: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----',
          ClientCert: '-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----',
          ClientKey: clientKey,
          ClientConfig: 'client\nremote 198.51.100.7 1194'
        }
      }
    },
    check: async outcome => {
      const { main, afterMain } = outcome
      expectOneError(
        main,
        '"vsc-1/../../../y"',
        /^Unexpected answer to CreateSslVpnClientCert .*: SslVpnClientCertId is "vsc-1\/\.\.\/\.\.\/\.\.\/y"; expected "vsc-" followed by/
      )
      expect(actions(outcome)).toEqual(['CreateSslVpnClientCert:created'])
      expect(afterMain).toEqual({
        a: 'dir 0700',
        'a/b': 'dir 0700',
        'a/b/c': 'dir 0700',
        'a/b/c/profiles': 'dir 0700'
      })
    }
  },
  {
    title: 'attack: a symbolic link planted at config-dir/alice.ovpn, to a file of the victim',
    inputs: () => ({ name: 'alice' }),
    prepare: async ctx => {
      await mkdir(ctx.configDir, { mode: 0o700 })
      await writeFile(join(ctx.root, 'victim'), 'victim\n', { mode: 0o644 })
      await symlink(join(ctx.root, 'victim'), join(ctx.configDir, 'alice.ovpn'))
    },
    check: async ({ ctx, main, afterMain, afterPost }) => {
      expectOneError(main, join(ctx.configDir, 'alice.ovpn'), /is a symbolic link/)
      expect(await readFile(join(ctx.root, 'victim'), 'utf8')).toBe('victim\n')
      const expected = {
        profiles: 'dir 0700',
        'profiles/alice.ovpn': 'link -> victim',
        victim: 'file 0644' // its mode unchanged, and no temporary file left behind
      }
      expect(afterMain).toEqual(expected)
      expect(afterPost).toEqual(expected)
    }
  },
  {
    title: 'attack: a dangling symbolic link planted at config-dir/alice.ovpn',
    inputs: () => ({ name: 'alice' }),
    prepare: async ctx => {
      await mkdir(ctx.configDir, { mode: 0o700 })
      await symlink(join(ctx.root, 'stolen.ovpn'), join(ctx.configDir, 'alice.ovpn'))
    },
    check: async ({ ctx, main, afterMain }) => {
      expectOneError(main, join(ctx.configDir, 'alice.ovpn'), /is a symbolic link/)
      expect(afterMain).toEqual({
        profiles: 'dir 0700',
        'profiles/alice.ovpn': 'link -> stolen.ovpn'
      })
    }
  },
  {
    title: 'attack: a file of another mode (0666) planted at config-dir/alice.ovpn',
    inputs: () => ({ name: 'alice' }),
    prepare: async ctx => {
      await mkdir(ctx.configDir, { mode: 0o700 })
      const planted = join(ctx.configDir, 'alice.ovpn')
      await writeFile(planted, 'planted\n')
      await chmod(planted, 0o666)
      if (AS_ROOT) await chown(planted, NOBODY, NOBODY)
      // Whoever planted it keeps a way to read it: another name for the same file.
      await link(planted, join(ctx.root, 'planted-link'))
    },
    between: async ctx => {
      ctx.notes['profile'] = await expectGoodProfile(join(ctx.configDir, 'alice.ovpn'))
    },
    check: async ({ ctx, main, afterMain, afterPost }) => {
      expect(main.exitCode).toBe(0)
      const written = join(ctx.configDir, 'alice.ovpn')
      expect(main.outputs['config-file']).toBe(written)
      // The planted file never received the key, nor a new mode: it was replaced, not written.
      expect(await readFile(join(ctx.root, 'planted-link'), 'utf8')).toBe('planted\n')
      const planted = await lstat(join(ctx.root, 'planted-link'))
      expect(octal(planted.mode)).toBe('0666')
      if (AS_ROOT) expect(planted.uid).toBe(NOBODY)
      expect(afterMain).toEqual({
        'planted-link': 'file 0666',
        profiles: 'dir 0700',
        'profiles/alice.ovpn': 'file 0600'
      })
      expect(afterPost).toEqual({ 'planted-link': 'file 0666', profiles: 'dir 0700' })
    }
  },
  {
    title: 'attack: an older profile of ours, readable by all (0644)',
    inputs: () => ({ name: 'alice' }),
    prepare: async ctx => {
      await mkdir(ctx.configDir, { mode: 0o700 })
      const older = join(ctx.configDir, 'alice.ovpn')
      await writeFile(older, 'older profile\n')
      await chmod(older, 0o644)
      // A reader that opened the old file keeps reading that file: a hard link stands for it.
      await link(older, join(ctx.root, 'reader'))
    },
    between: async ctx => {
      ctx.notes['profile'] = await expectGoodProfile(join(ctx.configDir, 'alice.ovpn'))
    },
    check: async ({ ctx, main, afterMain }) => {
      expect(main.exitCode).toBe(0)
      // The new key went to a new 0600 file; the readable one still holds the old text only.
      expect(await readFile(join(ctx.root, 'reader'), 'utf8')).toBe('older profile\n')
      expect(afterMain).toEqual({
        profiles: 'dir 0700',
        'profiles/alice.ovpn': 'file 0600',
        reader: 'file 0644'
      })
    }
  },
  ...([0o777, 0o770] as const).map((mode): Row => ({
    title: `attack: config-dir of ours that others can write to (${octal(mode)}) is made 0700`,
    inputs: () => ({ name: 'alice' }),
    prepare: async ctx => {
      await mkdir(ctx.configDir)
      await chmod(ctx.configDir, mode)
    },
    between: async ctx => {
      ctx.notes['profile'] = await expectGoodProfile(join(ctx.configDir, 'alice.ovpn'))
    },
    check: async ({ ctx, main, afterMain }) => {
      expect(main.exitCode).toBe(0)
      expect(main.stdout).toContain(
        `config-dir ${ctx.configDir} was writable by other users (mode ${octal(mode)}); made it 0700`
      )
      expect(afterMain).toEqual({ profiles: 'dir 0700', 'profiles/alice.ovpn': 'file 0600' })
    }
  })),
  ...(AS_ROOT
    ? [
        {
          title: 'attack: config-dir of another user that others can write to (0777) is refused',
          inputs: () => ({ name: 'alice' }),
          prepare: async (ctx: Context) => {
            await mkdir(ctx.configDir)
            await chmod(ctx.configDir, 0o777)
            await chown(ctx.configDir, NOBODY, NOBODY)
          },
          check: async ({ ctx, main, afterMain }: Outcome) => {
            expectOneError(
              main,
              `config-dir ${ctx.configDir} is writable by other users (mode 0777)`,
              /owned by another user \(uid 65534/
            )
            expect(ctx.standIn.calls).toHaveLength(0) // refused before any certificate is made
            expect(afterMain).toEqual({ profiles: 'dir 0777' })
          }
        }
      ]
    : []),
  {
    title: 'attack: config-dir is a symbolic link to a directory of ours',
    configDir: 'link',
    inputs: () => ({ name: 'alice' }),
    prepare: async ctx => {
      await mkdir(join(ctx.root, 'real'), { mode: 0o700 })
      await symlink(join(ctx.root, 'real'), ctx.configDir)
    },
    check: async ({ ctx, main, afterMain }) => {
      expectOneError(main, `config-dir ${ctx.configDir} is a symbolic link`)
      expect(ctx.standIn.calls).toHaveLength(0)
      expect(afterMain).toEqual({ link: 'link -> real', real: 'dir 0700' })
    }
  },
  {
    title: 'post step: removes every profile written, also of a step that failed half-way',
    standIn: { faults: [{ kind: 'error', code: 'Resource.QuotaFull' }] },
    inputs: () => ({ names: 'ann\nben\ncat' }),
    prepare: async ctx => {
      await mkdir(ctx.configDir, { mode: 0o700 })
      await writeFile(join(ctx.configDir, 'notes.txt'), 'not ours\n', { mode: 0o600 })
      await writeFile(join(ctx.configDir, 'dave.ovpn'), 'not written by this step\n', {
        mode: 0o600
      })
    },
    between: async ctx => {
      // A later step of the job still has the profiles.
      for (const name of ['ben', 'cat']) {
        ctx.notes[name] = await expectGoodProfile(join(ctx.configDir, `${name}.ovpn`))
      }
    },
    check: async ({ ctx, main, post, afterMain, afterPost }) => {
      expect(main.exitCode).toBe(1)
      expect(main.errors[0]).toMatch(/^1 of 3 certificates failed/)
      expect(afterMain).toEqual({
        profiles: 'dir 0700',
        'profiles/ben.ovpn': 'file 0600',
        'profiles/cat.ovpn': 'file 0600',
        'profiles/dave.ovpn': 'file 0600',
        'profiles/notes.txt': 'file 0600'
      })
      expect(afterPost).toEqual({
        profiles: 'dir 0700',
        'profiles/dave.ovpn': 'file 0600',
        'profiles/notes.txt': 'file 0600'
      })
      for (const name of ['ben', 'cat']) {
        expect(post.stdout).toContain(`Removed profile ${join(ctx.configDir, `${name}.ovpn`)}.`)
      }
    }
  },
  {
    title: 'post step: keep-profiles: true leaves the profile',
    inputs: () => ({ name: 'alice', 'keep-profiles': 'true' }),
    between: async ctx => {
      ctx.notes['profile'] = await expectGoodProfile(join(ctx.configDir, 'alice.ovpn'))
    },
    check: async ({ ctx, post, afterPost }) => {
      expect(post.stdout).toContain(`keep-profiles is true: leaving 1 profile in ${ctx.configDir}.`)
      expect(afterPost).toEqual({ profiles: 'dir 0700', 'profiles/alice.ovpn': 'file 0600' })
      expect(await readFile(join(ctx.configDir, 'alice.ovpn'), 'utf8')).toBe(ctx.notes['profile'])
    }
  },
  {
    title: 'post step: a profile already gone is no failure',
    inputs: () => ({ names: 'ann\nben' }),
    between: async ctx => {
      ctx.notes['profile'] = await expectGoodProfile(join(ctx.configDir, 'ben.ovpn'))
      await rm(join(ctx.configDir, 'ann.ovpn'))
    },
    check: async ({ ctx, main, post, afterPost }) => {
      expect(main.exitCode).toBe(0)
      expect(post.stdout).toContain(`Profile ${join(ctx.configDir, 'ann.ovpn')} is already gone.`)
      expect(post.stdout).toContain(`Removed profile ${join(ctx.configDir, 'ben.ovpn')}.`)
      expect(afterPost).toEqual({ profiles: 'dir 0700' })
    }
  },
  {
    title: 'post step: a profile swapped for a symbolic link is left, its target untouched',
    inputs: () => ({ name: 'alice' }),
    between: async ctx => {
      ctx.notes['profile'] = await expectGoodProfile(join(ctx.configDir, 'alice.ovpn'))
      await writeFile(join(ctx.root, 'victim'), 'victim\n', { mode: 0o644 })
      await rm(join(ctx.configDir, 'alice.ovpn'))
      await symlink(join(ctx.root, 'victim'), join(ctx.configDir, 'alice.ovpn'))
    },
    check: async ({ ctx, post, afterPost }) => {
      expect(post.stdout).toContain(
        `::warning::Not removed: ${join(ctx.configDir, 'alice.ovpn')} is no longer a regular file (a symbolic link)`
      )
      expect(await readFile(join(ctx.root, 'victim'), 'utf8')).toBe('victim\n')
      expect(afterPost).toEqual({
        profiles: 'dir 0700',
        'profiles/alice.ovpn': 'link -> victim',
        victim: 'file 0644'
      })
    }
  },
  {
    title: 'key-passphrase with surrounding spaces: the key opens with exactly that',
    inputs: () => ({ name: 'bob', 'key-passphrase': '  correct horse  ' }),
    between: async ctx => {
      const path = join(ctx.configDir, 'bob.ovpn')
      ctx.notes['profile'] = await expectGoodProfile(path, '  correct horse  ')
    },
    check: async ({ ctx, main }) => {
      expect(main.exitCode).toBe(0)
      const encrypted = block(String(ctx.notes['profile']), 'key')
      expect(encrypted).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
      for (const other of ['correct horse', '  correct horse', 'correct horse  ']) {
        expect(() => createPrivateKey({ key: encrypted, passphrase: other })).toThrow()
      }
      expect(main.stdout).toContain('::add-mask::  correct horse  ')
    }
  },
  {
    title: 'reuse: the oldest usable certificate, skipping an expired older one; its RequestId',
    standIn: {
      existingCertificates: [
        { name: 'dup', endTime: Date.now() - DAY_MS },
        { name: 'dup' },
        { name: 'dup' }
      ]
    },
    inputs: () => ({ name: 'dup', 'if-exists': 'reuse', 'config-dir': '' }),
    check: async outcome => {
      const { ctx, main } = outcome
      expect(main.exitCode).toBe(0)
      const [expired, oldestUsable] = ctx.standIn.certificates
      expect(actions(outcome)).toEqual(['DescribeSslVpnClientCerts:listed'])
      expect(main.outputs['cert-id']).toBe(oldestUsable?.id)
      expect(main.outputs['created']).toBe('false')
      expect(main.outputs['status']).toBe('normal')
      expect(main.outputs['request-id']).toBe(ctx.standIn.calls[0]?.requestId)
      expect(main.outputs['request-id']).toMatch(/^[0-9A-F-]{36}$/)
      expect(main.stdout).toContain(`${expired?.id} (Status "expired")`)
    }
  },
  {
    title: 'reuse: none of that name usable (all expired), so one is created',
    standIn: {
      existingCertificates: [
        { name: 'dup', endTime: Date.now() - 2 * DAY_MS },
        { name: 'dup', endTime: Date.now() - DAY_MS }
      ]
    },
    inputs: () => ({ name: 'dup', 'if-exists': 'reuse', 'config-dir': '' }),
    check: async outcome => {
      const { ctx, main } = outcome
      expect(main.exitCode).toBe(0)
      expect(actions(outcome)).toEqual([
        'DescribeSslVpnClientCerts:listed',
        'CreateSslVpnClientCert:created'
      ])
      const [first, second, created] = ctx.standIn.certificates
      expect(main.outputs['cert-id']).toBe(created?.id)
      expect(main.outputs['created']).toBe('true')
      expect(main.outputs['request-id']).toBe(ctx.standIn.calls[1]?.requestId)
      expect(main.stdout).toContain(`${first?.id} (Status "expired"), ${second?.id}`)
    }
  },
  {
    title: 'reuse: an expiring-soon certificate is still usable (control)',
    standIn: { existingCertificates: [{ name: 'dup', endTime: Date.now() + DAY_MS }] },
    inputs: () => ({ name: 'dup', 'if-exists': 'reuse', 'config-dir': '' }),
    check: async outcome => {
      const { ctx, main } = outcome
      expect(main.exitCode).toBe(0)
      expect(main.outputs['cert-id']).toBe(ctx.standIn.certificates[0]?.id)
      expect(main.outputs['status']).toBe('expiring-soon')
      expect(actions(outcome)).toEqual(['DescribeSslVpnClientCerts:listed'])
    }
  }
]

/** Headers of a forwarded answer that no longer fit once the body is re-serialised. */
const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive'])

const roots: string[] = []
const outcomes = new Map<Row, { outcome: Outcome } | { error: unknown }>()

async function runRow(row: Row): Promise<Outcome> {
  const root = await mkdtemp(join(tmpdir(), 'profiles-e2e-'))
  roots.push(root)
  const standIn = await startStandIn(row.standIn ?? {})
  const ctx: Context = {
    root,
    configDir: join(root, row.configDir ?? 'profiles'),
    standIn,
    keys: [],
    notes: {}
  }
  const proxy = await startHostile(
    async request => {
      const canned = row.answer?.(request, ctx)
      if (canned) return canned
      const answer = await request.forward()
      const headers = Object.fromEntries(
        Object.entries(answer.headers).filter(([name]) => !HOP_HEADERS.has(name))
      )
      const json: unknown = answer.json
      if (json === null || typeof json !== 'object') {
        return { status: answer.status, headers, body: answer.body }
      }
      const fields = json as Record<string, unknown>
      if (typeof fields['ClientKey'] === 'string') ctx.keys.push(fields['ClientKey'])
      row.tamper?.(request.action, fields)
      return { status: answer.status, headers, body: JSON.stringify(fields) }
    },
    { upstream: standIn.url }
  )
  try {
    await row.prepare?.(ctx)
    const inputs = {
      ...BASE_INPUTS,
      endpoint: proxy.endpoint,
      'config-dir': ctx.configDir,
      ...row.inputs(ctx)
    }
    const env = {
      GITHUB_REPOSITORY: 'acme/profiles',
      GITHUB_RUN_ID: '4242',
      GITHUB_JOB: 'keys',
      GITHUB_ACTION: 'profiles'
    }
    const main = await runAction({ inputs, env })
    const mainCalls = standIn.calls.length
    const afterMain = await tree(root)
    let betweenError: unknown
    await Promise.resolve(row.between?.(ctx)).catch((error: unknown) => (betweenError = error))
    const beforePost = await tree(root)
    const post = await runAction({ inputs, env, state: main.state })
    const afterPost = await tree(root)
    return { ctx, main, post, mainCalls, afterMain, beforePost, afterPost, betweenError }
  } finally {
    await proxy.close()
    await standIn.close()
  }
}

beforeAll(async () => {
  const queue = [...ROWS]
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        outcomes.set(
          row,
          await runRow(row).then(
            outcome => ({ outcome }),
            (error: unknown) => ({ error })
          )
        )
      }
    })
  )
}, 600_000)

afterAll(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true })
})

function outcomeOf(row: Row): Outcome {
  const ran = outcomes.get(row)
  if (ran === undefined) throw new Error('the row did not run')
  if ('error' in ran) throw ran.error
  return ran.outcome
}

describe.each(ROWS.map(row => [row.title, row] as const))('%s', (_title, row) => {
  test('on disk and in the log', async () => {
    const outcome = outcomeOf(row)
    if (outcome.betweenError !== undefined) throw outcome.betweenError
    await row.check(outcome)
  })

  test('the post step never fails, calls no API and touches nothing outside config-dir', () => {
    const { ctx, post, mainCalls, beforePost, afterPost } = outcomeOf(row)
    expect(post.exitCode).toBe(0)
    expect(post.errors).toEqual([])
    expect(ctx.standIn.calls).toHaveLength(mainCalls)
    const configDir = relative(ctx.root, ctx.configDir)
    const outside = (snapshot: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(snapshot).filter(([path]) => !path.startsWith(`${configDir}/`))
      )
    expect(outside(afterPost)).toEqual(outside(beforePost))
  })

  test('no key material and no secret in any output', () => {
    const { ctx, main, post } = outcomeOf(row)
    const profile = typeof ctx.notes['profile'] === 'string' ? ctx.notes['profile'] : ''
    const secrets = [
      KEY.accessKeyId,
      KEY.accessKeySecret,
      row.inputs(ctx)['key-passphrase'],
      ...ctx.keys,
      ...ctx.keys.flatMap(keyLines),
      ...(profile ? keyLines(block(profile, 'key')) : [])
    ]
    expectNoSecrets(main, secrets)
    expectNoSecrets(post, secrets)
  })
})
