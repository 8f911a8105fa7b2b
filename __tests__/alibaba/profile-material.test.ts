import { describe, expect, test } from '@jest/globals'
import { unsafeDirective } from '../../src/alibaba/profile-material.js'

describe('unsafeDirective', () => {
  const SAFE = [
    'client',
    'dev tun',
    'proto udp',
    'remote 198.51.100.7 1194',
    '# up /bin/sh (a comment)',
    '; plugin x.so (a comment)',
    'ca ca.crt',
    'cert vsc-1.crt',
    'key vsc-1.key',
    'auth-user-pass',
    'verb 3'
  ].join('\n')

  test('a configuration like the API sends has none', () => {
    expect(unsafeDirective(SAFE)).toBeUndefined()
  })

  test.each([
    ['script-security 2', 'script-security'],
    ['  up /bin/sh', 'up'],
    ['--down /tmp/x', '--down'],
    ['PLUGIN x.so', 'PLUGIN'],
    ['management 0.0.0.0 7505', 'management'],
    ['log-append /etc/profile', 'log-append'],
    ['config /tmp/other.conf', 'config'],
    ['auth-user-pass /home/me/creds.txt', 'auth-user-pass /home/me/creds.txt'],
    ['<connection>', '<connection>'],
    ['</ca>', '</ca>']
  ])('%j is refused, named as %j', (line, named) => {
    expect(unsafeDirective(`${SAFE}\n${line}`)).toBe(named)
    expect(unsafeDirective(`${SAFE}\r${line}`)).toBe(named)
  })
})
