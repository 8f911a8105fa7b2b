import { afterEach, describe, expect, test } from '@jest/globals'
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildInlineProfile,
  encryptPrivateKey,
  profileFileName,
  writeProfile
} from '../src/profile.js'

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
  })
})

describe('writeProfile', () => {
  let root: string | undefined
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true })
  })

  test('creates the directory 0700 and the file 0600; returns the absolute path', async () => {
    root = await mkdtemp(join(tmpdir(), 'profile-test-'))
    const path = await writeProfile(join(root, 'a', 'b'), 'x.ovpn', 'content\n')
    expect(path).toBe(join(root, 'a', 'b', 'x.ovpn'))
    expect(await readFile(path, 'utf8')).toBe('content\n')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(root, 'a', 'b'))).mode & 0o777).toBe(0o700)
  })

  test('an older, world-readable profile is overwritten and made 0600', async () => {
    root = await mkdtemp(join(tmpdir(), 'profile-test-'))
    await writeFile(join(root, 'x.ovpn'), 'old', { mode: 0o644 })
    const path = await writeProfile(root, 'x.ovpn', 'new')
    expect(await readFile(path, 'utf8')).toBe('new')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })
})
