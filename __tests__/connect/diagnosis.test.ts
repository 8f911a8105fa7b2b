import { describe, expect, test } from '@jest/globals'
import { describeConnectFailure, isFinal, type FailureFacts } from '../../src/connect/diagnosis.js'

const base: FailureFacts = {
  log: [],
  lastState: undefined,
  remote: '47.96.0.1:1194/udp',
  ending: 'timeout',
  timeoutSeconds: 60
}

describe("describeConnectFailure: one line from OpenVPN's own log", () => {
  test.each([
    [
      'wrong passphrase',
      [
        'Cannot load private key file [[INLINE]]',
        'Error: private key password verification failed'
      ],
      'fatal',
      /^Wrong key-passphrase/
    ],
    [
      'cipher negotiation',
      [
        'AUTH: Received control message: AUTH_FAILED,Data channel cipher negotiation failed (no shared cipher)'
      ],
      'fatal',
      /^Cipher negotiation failed/
    ],
    [
      'server certificate',
      ['VERIFY ERROR: depth=0, error=certificate has expired: CN=server'],
      'fatal',
      /^Certificate verify failed/
    ],
    [
      'revoked alert',
      ['OpenSSL: error:0A000414:SSL routines::sslv3 alert certificate revoked'],
      'fatal',
      /as revoked/
    ],
    [
      'connection refused',
      ['read UDPv4 [ECONNREFUSED]: Connection refused (fd=5,code=111)'],
      'timeout',
      /^Not connected within 60 s\. Server unreachable: nothing answers at 47\.96\.0\.1:1194\/udp/
    ],
    [
      'an options error before the management interface',
      [
        'Options error: Unrecognized option or missing or extra parameter(s) in profile.ovpn:3: bogus (2.6.14)'
      ],
      'exited',
      /^OpenVPN refused the profile: "Options error/
    ],
    [
      'OpenVPN 2.4, which has no --data-ciphers',
      [
        'Options error: Unrecognized option or missing or extra parameter(s) in [CMD-LINE]:1: data-ciphers (2.4.12)'
      ],
      'exited',
      /^This runner's OpenVPN is older than 2\.5, which connect needs \(it has no --data-ciphers: "Options error/
    ]
  ] as const)('%s', (_what, log, ending, expected) => {
    expect(describeConnectFailure({ ...base, log, ending })).toMatch(expected)
  })

  test('a Note that mentions cipher negotiation is not a failure', () => {
    const note =
      'Note: --cipher is not set. OpenVPN versions before 2.5 defaulted to BF-CBC as fallback when cipher negotiation failed in this case.'
    expect(isFinal(note)).toBe(false)
    expect(describeConnectFailure({ ...base, log: [note], lastState: 'WAIT' })).toMatch(
      /^Server unreachable: no answer/
    )
  })

  test('silence after the server verified: the client certificate was most likely refused', () => {
    const log = ['VERIFY OK: depth=1, CN=CA', 'VERIFY OK: depth=0, CN=server']
    expect(describeConnectFailure({ ...base, log, lastState: 'AUTH' })).toMatch(
      /^TLS handshake not completed within 60 s: .*revoked \(deleted\), expired, or not issued by its CA/
    )
  })

  test('a final line wins over a later retryable one', () => {
    const log = [
      'VERIFY ERROR: depth=0, error=unable to get issuer',
      'read UDPv4 [ECONNREFUSED]: Connection refused'
    ]
    expect(describeConnectFailure({ ...base, log })).toMatch(/^Certificate verify failed/)
  })
})
