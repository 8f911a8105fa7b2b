import { describe, expect, test } from '@jest/globals'
import {
  conflictingDirective,
  dataCiphersFor,
  hasEncryptedInlineKey,
  OPENVPN_DEFAULT_DATA_CIPHERS,
  remoteOf,
  secretBlocks
} from '../../src/connect/profile-options.js'

const ALIBABA = [
  'client',
  'dev tun',
  'proto udp',
  'remote 47.96.0.1 1194',
  'resolv-retry infinite',
  'nobind',
  'persist-key',
  'persist-tun',
  'ca ca.crt',
  'cert client.crt',
  'key client.key',
  'keepalive 10 60',
  'verb 3',
  'auth-nocache',
  'cipher AES-128-CBC',
  'comp-lzo'
].join('\n')

describe('dataCiphersFor (OpenVPN 2.6 no longer negotiates the profile’s cipher by itself)', () => {
  test("an Alibaba Cloud profile: its cipher is appended to OpenVPN's default list, nothing else", () => {
    expect(dataCiphersFor(ALIBABA)).toEqual({
      dataCiphers: `${OPENVPN_DEFAULT_DATA_CIPHERS}:AES-128-CBC`,
      appended: 'AES-128-CBC',
      weak: false
    })
  })

  test("the profile's own data-ciphers is kept and extended", () => {
    expect(dataCiphersFor('data-ciphers AES-256-GCM\ncipher AES-256-CBC').dataCiphers).toBe(
      'AES-256-GCM:AES-256-CBC'
    )
  })

  test.each([
    ['no cipher', 'client'],
    [
      'a cipher already listed (any case, optional marker)',
      'data-ciphers ?aes-128-cbc:AES-256-GCM\ncipher AES-128-CBC'
    ],
    ['cipher none', 'cipher none'],
    ['a cipher in a comment', '# cipher AES-128-CBC\n; cipher BF-CBC']
  ])('nothing is passed for %s', (_what, profile) => {
    expect(dataCiphersFor(profile)).toEqual({
      dataCiphers: undefined,
      appended: undefined,
      weak: false
    })
  })

  test('a 64-bit-block cipher is flagged weak', () => {
    expect(dataCiphersFor('cipher BF-CBC').weak).toBe(true)
  })

  test('the last cipher line wins, as in OpenVPN', () => {
    expect(dataCiphersFor('cipher BF-CBC\ncipher AES-192-CBC').appended).toBe('AES-192-CBC')
  })
})

describe('what else is read from a profile', () => {
  test('remoteOf: host, port and protocol of the first remote', () => {
    expect(remoteOf(ALIBABA)).toBe('47.96.0.1:1194/udp')
    expect(remoteOf('proto tcp-client\nremote vpn.example.com')).toBe(
      'vpn.example.com:1194/tcp-client'
    )
    expect(remoteOf('remote a.example 443 tcp')).toBe('a.example:443/tcp')
    expect(remoteOf('client')).toBeUndefined()
  })

  test('directives inside inline blocks are not directives', () => {
    expect(conflictingDirective('<ca>\nmanagement 1.2.3.4 1\n</ca>\nclient')).toBeUndefined()
    expect(remoteOf('<tls-auth>\nremote evil 1\n</tls-auth>\nremote good 1194')).toBe(
      'good:1194/udp'
    )
  })

  test('conflictingDirective: what the action sets itself', () => {
    expect(conflictingDirective(`${ALIBABA}\ndaemon`)).toBe('daemon')
    expect(conflictingDirective('--management-client')).toBe('management-client')
    expect(conflictingDirective(ALIBABA)).toBeUndefined()
  })

  test('hasEncryptedInlineKey: PKCS#8 and legacy encrypted PEM; a plain or file key is not', () => {
    expect(hasEncryptedInlineKey('<key>\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n</key>')).toBe(
      true
    )
    expect(hasEncryptedInlineKey('<key>\nProc-Type: 4,ENCRYPTED\n</key>')).toBe(true)
    expect(hasEncryptedInlineKey('<key>\n-----BEGIN PRIVATE KEY-----\nx\n</key>')).toBe(false)
    expect(hasEncryptedInlineKey(ALIBABA)).toBe(false)
  })

  test('secretBlocks: the key and tls keys, not the certificates', () => {
    const profile =
      '<ca>\nCA\n</ca>\n<cert>\nCERT\n</cert>\n<key>\nKEY\n</key>\n<tls-crypt>\nTLS\n</tls-crypt>'
    expect(secretBlocks(profile).map(b => b.trim())).toEqual(['KEY', 'TLS'])
  })
})
