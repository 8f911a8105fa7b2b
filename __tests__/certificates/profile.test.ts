import { afterEach, describe, expect, test } from '@jest/globals'
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import {
  chmod,
  chown,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProfileError } from '../../src/core/errors.js'
import {
  buildInlineProfile,
  encryptPrivateKey,
  MAX_CONFIG_DIR_DEPTH,
  prepareConfigDir,
  profileFileName,
  writePrivateFile,
  writeProfile
} from '../../src/certificates/profile.js'

const CONFIG = [
  'client',
  'dev tun',
  'proto udp',
  'remote 198.51.100.7 1194',
  'ca ca.crt',
  'cert vsc-abc.crt',
  'key vsc-abc.key',
  'verb 3'
].join('\n')
const MATERIAL = {
  caCert: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
  clientCert: '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----',
  clientKey: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n'
}

describe('buildInlineProfile', () => {
  test('replaces each file reference by its inline block, in place, keeping the rest', () => {
    expect(buildInlineProfile(CONFIG, MATERIAL)).toBe(
      [
        'client',
        'dev tun',
        'proto udp',
        'remote 198.51.100.7 1194',
        '<ca>',
        '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----',
        '</ca>',
        '<cert>',
        '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----',
        '</cert>',
        '<key>',
        '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----',
        '</key>',
        'verb 3',
        ''
      ].join('\n')
    )
  })

  test('CRLF configs, and a directive the config lacks is appended', () => {
    const profile = buildInlineProfile('client\r\nca ca.crt\r\n\r\n', MATERIAL)
    expect(profile).toMatch(/^client\n<ca>\n/)
    expect(profile).toContain('<cert>\n-----BEGIN CERTIFICATE-----\nCLIENT')
    expect(profile).toContain('<key>\n')
    expect(profile).not.toMatch(/\r/)
    expect(profile.endsWith('</key>\n')).toBe(true)
  })

  test('directives that only start with the same letters are left alone', () => {
    const profile = buildInlineProfile('cipher AES-256-GCM\ncert-type client\nca ca.crt', MATERIAL)
    expect(profile).toContain('cipher AES-256-GCM')
    expect(profile).toContain('cert-type client')
  })
})

describe('encryptPrivateKey', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()

  test('PKCS#8 encrypted: opens with the passphrase only, to the same key', () => {
    const encrypted = encryptPrivateKey(pem, 'open sesame')
    expect(encrypted).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/)
    expect(() => createPrivateKey(encrypted)).toThrow()
    expect(() => createPrivateKey({ key: encrypted, passphrase: 'wrong' })).toThrow()
    const opened = createPrivateKey({ key: encrypted, passphrase: 'open sesame' })
    expect(opened.export({ type: 'pkcs8', format: 'pem' })).toBe(pem)
  })

  test('two encryptions differ (random salt and IV)', () => {
    expect(encryptPrivateKey(pem, 'p4ss')).not.toBe(encryptPrivateKey(pem, 'p4ss'))
  })

  test('the result is not a certificate-shaped string by accident', () => {
    expect(() => new X509Certificate(encryptPrivateKey(pem, 'p4ss'))).toThrow()
  })
})

describe('profileFileName', () => {
  test('the requested name, else the certificate ID', () => {
    expect(profileFileName('alice.smith', 'vsc-1')).toBe('alice.smith.ovpn')
    expect(profileFileName(undefined, 'vsc-1')).toBe('vsc-1.ovpn')
    expect(profileFileName('', 'vsc-abc123')).toBe('vsc-abc123.ovpn')
  })

  test.each([
    ['../../../x', 'vsc-1'],
    ['a/b', 'vsc-1'],
    ['..', 'vsc-1'],
    ['.hidden', 'vsc-1'],
    ['x', 'vsc-1'], // too short for a name: no fallback to the ID either
    ['a\nb', 'vsc-1'],
    [undefined, 'vsc-1/../../y'],
    [undefined, '../vsc-1'],
    [undefined, 'vsc-ABC'],
    [undefined, ''],
    ['', 'vsc-']
  ])('%j / %j: no file name (an answer never chooses a path)', (name, certId) => {
    expect(profileFileName(name, certId)).toBeUndefined()
  })
})

describe('writeProfile', () => {
  let root = ''
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true })
    root = ''
  })
  const asRoot = process.getuid?.() === 0

  async function fresh(): Promise<string> {
    root = await mkdtemp(join(tmpdir(), 'profile-test-'))
    return root
  }

  /** Fails the test with the error's message when `promise` does not reject with a ProfileError. */
  async function profileError(promise: Promise<unknown>): Promise<ProfileError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ProfileError)
    return error as ProfileError
  }

  test('creates the directory 0700 and the file 0600; returns the absolute path', async () => {
    await fresh()
    const path = await writeProfile(join(root, 'a', 'b'), 'x.ovpn', 'content\n')
    expect(path).toBe(join(root, 'a', 'b', 'x.ovpn'))
    expect(await readFile(path, 'utf8')).toBe('content\n')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(root, 'a', 'b'))).mode & 0o777).toBe(0o700)
    expect(await readdir(join(root, 'a', 'b'))).toEqual(['x.ovpn']) // no temporary file left
  })

  test('a relative config-dir resolves from the working directory', async () => {
    await fresh()
    const cwd = process.cwd()
    process.chdir(root)
    try {
      expect(await writeProfile('rel', 'x.ovpn', 'c')).toBe(join(root, 'rel', 'x.ovpn'))
    } finally {
      process.chdir(cwd)
    }
  })

  test('an older, world-readable profile is replaced by a new 0600 file, never written into', async () => {
    await fresh()
    await writeFile(join(root, 'x.ovpn'), 'old', { mode: 0o644 })
    await chmod(join(root, 'x.ovpn'), 0o644)
    await link(join(root, 'x.ovpn'), join(root, 'reader'))
    const path = await writeProfile(root, 'x.ovpn', 'new')
    expect(await readFile(path, 'utf8')).toBe('new')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    // Whoever held the old file holds the old text, with its old mode.
    expect(await readFile(join(root, 'reader'), 'utf8')).toBe('old')
    expect((await stat(join(root, 'reader'))).mode & 0o777).toBe(0o644)
    expect((await stat(path)).ino).not.toBe((await stat(join(root, 'reader'))).ino)
  })

  test('0600 whatever the umask', async () => {
    await fresh()
    const previous = process.umask(0o000)
    try {
      const path = await writeProfile(root, 'x.ovpn', 'c')
      expect((await stat(path)).mode & 0o777).toBe(0o600)
    } finally {
      process.umask(previous)
    }
  })

  test('writePrivateFile: another place, the same guards, named as that place', async () => {
    await fresh()
    const place = {
      directory: 'RUNNER_TEMP',
      contents: 'the report',
      files: 'report files',
      why: 'the report file is written there'
    }
    const path = await writePrivateFile(join(root, 'temp'), 'r.json', '{}\n', place)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    await symlink(join(root, 'victim'), join(root, 'temp', 'link.json'))
    const error = await profileError(writePrivateFile(join(root, 'temp'), 'link.json', '{}', place))
    expect(error.message).toBe(
      `${join(root, 'temp', 'link.json')} is a symbolic link; the report is never written through one. Remove it (or choose another RUNNER_TEMP) and re-run.`
    )
  })

  test('a symbolic link at the target is refused with its path; its target untouched', async () => {
    await fresh()
    await writeFile(join(root, 'victim'), 'victim', { mode: 0o644 })
    await chmod(join(root, 'victim'), 0o644)
    await mkdir(join(root, 'dir'), { mode: 0o700 })
    await symlink(join(root, 'victim'), join(root, 'dir', 'x.ovpn'))
    const error = await profileError(writeProfile(join(root, 'dir'), 'x.ovpn', 'key'))
    expect(error.message).toBe(
      `${join(root, 'dir', 'x.ovpn')} is a symbolic link; a private key is never written through one. Remove it (or choose another config-dir) and re-run.`
    )
    expect(await readFile(join(root, 'victim'), 'utf8')).toBe('victim')
    expect((await stat(join(root, 'victim'))).mode & 0o777).toBe(0o644)
    expect(await readdir(join(root, 'dir'))).toEqual(['x.ovpn']) // the temporary file is gone
    expect((await lstat(join(root, 'dir', 'x.ovpn'))).isSymbolicLink()).toBe(true)
  })

  test('a directory or a FIFO at the target is refused', async () => {
    await fresh()
    await mkdir(join(root, 'x.ovpn'))
    const error = await profileError(writeProfile(root, 'x.ovpn', 'key'))
    expect(error.message).toMatch(/x\.ovpn exists and is not a regular file/)
    if (process.platform !== 'win32') {
      execFileSync('mkfifo', [join(root, 'y.ovpn')])
      const fifo = await profileError(writeProfile(root, 'y.ovpn', 'key'))
      expect(fifo.path).toBe(join(root, 'y.ovpn'))
    }
    expect((await readdir(root)).sort()).toEqual(['x.ovpn', 'y.ovpn'])
  })

  test('a file name that is not a plain name inside config-dir is refused (second guard)', async () => {
    await fresh()
    await mkdir(join(root, 'dir'))
    for (const name of ['../x.ovpn', 'sub/x.ovpn', '..', '.']) {
      const error = await profileError(writeProfile(join(root, 'dir'), name, 'key'))
      expect(error.message).toMatch(/is not directly inside config-dir/)
    }
    expect(await readdir(root)).toEqual(['dir'])
    expect(await readdir(join(root, 'dir'))).toEqual([])
  })

  test('config-dir that is a symbolic link is refused, nothing written where it points', async () => {
    await fresh()
    await mkdir(join(root, 'real'), { mode: 0o700 })
    await symlink(join(root, 'real'), join(root, 'link'))
    const error = await profileError(writeProfile(join(root, 'link'), 'x.ovpn', 'key'))
    expect(error.message).toBe(
      `config-dir ${join(root, 'link')} is a symbolic link; profiles are only written to a real directory (give the directory it points to).`
    )
    expect(await readdir(join(root, 'real'))).toEqual([])
  })

  test('missing parents are made one level at a time, each 0700', async () => {
    await fresh()
    await prepareConfigDir(join(root, 'a', 'b', 'c'))
    for (const dir of ['a', 'a/b', 'a/b/c']) {
      expect((await lstat(join(root, dir))).mode & 0o777).toBe(0o700)
    }
  })

  test('a parent that is a link to a directory is followed (as /tmp is on macOS)', async () => {
    await fresh()
    await mkdir(join(root, 'real'), { mode: 0o700 })
    await symlink(join(root, 'real'), join(root, 'link'))
    expect(await prepareConfigDir(join(root, 'link', 'sub'))).toBe(join(root, 'link', 'sub'))
    expect(await readdir(join(root, 'real'))).toEqual(['sub'])
  })

  // Node's recursive mkdir spins for ever here (procfs answers ENOENT under an existing parent);
  // on that code this test never ends and fails on jest's timeout.
  test('a config-dir inside /proc through a link: a ProfileError naming where, not a spin', async () => {
    await fresh()
    await symlink('/proc', join(root, 'kernel'))
    const dir = join(root, 'kernel', 'nope', 'deeper')
    const error = await profileError(prepareConfigDir(dir))
    expect(error.message).toBe(
      `config-dir ${dir} cannot be created: ${join(root, 'kernel', 'nope')} could not be made (ENOENT).`
    )
  }, 20_000)

  test('a file in the middle of the path is named', async () => {
    await fresh()
    await writeFile(join(root, 'file'), '')
    const dir = join(root, 'file', 'sub')
    const error = await profileError(prepareConfigDir(dir))
    expect(error.message).toBe(
      `config-dir ${dir} cannot be created: a directory in its path is a file.`
    )
  })

  test(`deeper than ${MAX_CONFIG_DIR_DEPTH} directories: refused, nothing made`, async () => {
    await fresh()
    const dir = join(root, ...Array.from({ length: MAX_CONFIG_DIR_DEPTH }, (_, i) => `d${i}`))
    const error = await profileError(prepareConfigDir(dir))
    expect(error.message).toMatch(
      new RegExp(`is \\d+ directories deep; at most ${MAX_CONFIG_DIR_DEPTH} are supported\\.$`)
    )
    expect(await readdir(root)).toEqual([])
  })

  test('cancelled: stops before making anything, with the cancellation as the error', async () => {
    await fresh()
    const cancellation = new AbortController()
    const reason = new Error('received SIGTERM')
    cancellation.abort(reason)
    const error = await prepareConfigDir(join(root, 'a', 'b'), undefined, cancellation.signal).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBe(reason)
    expect(await readdir(root)).toEqual([])
  })

  test('config-dir that is a file is refused', async () => {
    await fresh()
    await writeFile(join(root, 'file'), '')
    const error = await profileError(prepareConfigDir(join(root, 'file')))
    expect(error.message).toBe(`config-dir ${join(root, 'file')} exists and is not a directory.`)
  })

  test.each([
    ['0777', 0o777],
    ['0775', 0o775],
    ['0757', 0o757],
    ['1777', 0o1777]
  ])('config-dir of ours with mode %s is made 0700, and said so', async (_label, mode) => {
    await fresh()
    await mkdir(join(root, 'dir'))
    await chmod(join(root, 'dir'), mode)
    const log: string[] = []
    await writeProfile(join(root, 'dir'), 'x.ovpn', 'key', line => log.push(line))
    expect((await stat(join(root, 'dir'))).mode & 0o7777).toBe(0o700)
    expect(log).toEqual([
      `config-dir ${join(root, 'dir')} was writable by other users (mode 0${(mode & 0o777).toString(8)}); made it 0700, as profiles hold private keys.`
    ])
  })

  test('config-dir of ours that only others may read (0755) is left as it is', async () => {
    await fresh()
    await mkdir(join(root, 'dir'))
    await chmod(join(root, 'dir'), 0o755)
    const log: string[] = []
    await writeProfile(join(root, 'dir'), 'x.ovpn', 'key', line => log.push(line))
    expect((await stat(join(root, 'dir'))).mode & 0o777).toBe(0o755)
    expect(log).toEqual([])
  })

  // Only root can give a directory to another user.
  ;(asRoot ? test : test.skip)(
    'config-dir of another user: refused when others may write to it, used when not',
    async () => {
      await fresh()
      await mkdir(join(root, 'shared'))
      await chmod(join(root, 'shared'), 0o777)
      await chown(join(root, 'shared'), 65_534, 65_534)
      const error = await profileError(writeProfile(join(root, 'shared'), 'x.ovpn', 'key'))
      expect(error.message).toBe(
        `config-dir ${join(root, 'shared')} is writable by other users (mode 0777) and owned by another user (uid 65534, not 0): they could read or replace a private key written there. Use a directory of your own that only you can write to.`
      )
      expect(await readdir(join(root, 'shared'))).toEqual([])
      expect((await stat(join(root, 'shared'))).mode & 0o777).toBe(0o777)

      await chmod(join(root, 'shared'), 0o755)
      const path = await writeProfile(join(root, 'shared'), 'x.ovpn', 'key')
      expect((await stat(path)).mode & 0o777).toBe(0o600)
    }
  )

  test('the temporary file is removed when the write fails', async () => {
    await fresh()
    await mkdir(join(root, 'dir'), { mode: 0o700 })
    // A directory at the target makes the rename fail after the temporary file was written.
    await mkdir(join(root, 'dir', 'x.ovpn'))
    await profileError(writeProfile(join(root, 'dir'), 'x.ovpn', 'key'))
    expect(await readdir(join(root, 'dir'))).toEqual(['x.ovpn'])
  })
})
