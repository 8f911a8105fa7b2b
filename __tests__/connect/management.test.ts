import { describe, expect, test } from '@jest/globals'
import {
  lineSplitter,
  parseManagementLine,
  passwordCommand,
  pushedRoutes
} from '../../src/connect/management.js'

describe('parseManagementLine (management-notes.txt, OpenVPN 2.6)', () => {
  test.each([
    [
      '>STATE:1796457656,CONNECTED,SUCCESS,10.77.0.2,127.0.0.1,1194,,',
      {
        kind: 'state',
        name: 'CONNECTED',
        detail: 'SUCCESS',
        tunnelIp: '10.77.0.2',
        remote: '127.0.0.1',
        remotePort: '1194',
        tunnelIpv6: ''
      }
    ],
    ['>LOG:1796457656,W,WARNING: a, b', { kind: 'log', flags: 'W', message: 'WARNING: a, b' }],
    ['1796457656,I,OpenVPN 2.6.14', { kind: 'log', flags: 'I', message: 'OpenVPN 2.6.14' }],
    [">PASSWORD:Need 'Private Key' password", { kind: 'password-needed', what: 'Private Key' }],
    [">PASSWORD:Need 'Auth' username/password", { kind: 'password-needed', what: 'Auth' }],
    [
      ">PASSWORD:Verification Failed: 'Private Key'",
      { kind: 'password-failed', what: 'Private Key', detail: '' }
    ],
    [
      '>FATAL:Error: private key password verification failed',
      { kind: 'fatal', message: 'Error: private key password verification failed' }
    ],
    ['>HOLD:Waiting for hold release:0', { kind: 'hold' }],
    ['SUCCESS: pid=9626', { kind: 'pid', pid: 9626 }],
    [
      'SUCCESS: hold release succeeded',
      { kind: 'reply', ok: true, text: 'hold release succeeded' }
    ],
    ['ERROR: unknown command', { kind: 'reply', ok: false, text: 'unknown command' }],
    ['END', { kind: 'other', text: 'END' }]
  ])('%s', (line, event) => {
    expect(parseManagementLine(line)).toEqual(event)
  })
})

test('passwordCommand escapes quotes and backslashes, as the interface reads them', () => {
  expect(passwordCommand('Private Key', 'a "b" \\c')).toBe(
    'password "Private Key" "a \\"b\\" \\\\c"\n'
  )
})

test('lineSplitter: CR LF and LF, across chunks, the tail kept until its end', () => {
  const lines: string[] = []
  const feed = lineSplitter(line => lines.push(line))
  feed('>HOLD:x\r\n>LO')
  feed('G:1,I,y\nSUCC')
  expect(lines).toEqual(['>HOLD:x', '>LOG:1,I,y'])
  feed('ESS: pid=1\r\n')
  expect(lines.at(-1)).toBe('SUCCESS: pid=1')
})

describe('pushedRoutes', () => {
  test('IPv4 routes as network/prefix, IPv6 as given, redirect-gateway as 0.0.0.0/0', () => {
    expect(
      pushedRoutes(
        'route 10.78.0.0 255.255.0.0,route 172.16.5.1,route-ipv6 fd00::/64,redirect-gateway def1,route-gateway 10.77.0.1,topology subnet,ifconfig 10.77.0.2 255.255.255.0,cipher AES-256-GCM'
      )
    ).toEqual(['10.78.0.0/16', '172.16.5.1/32', 'fd00::/64', '0.0.0.0/0'])
  })

  test('a mask that is not a netmask, or a network that is not an address, is left out', () => {
    expect(pushedRoutes('route 10.0.0.0 255.0.255.0,route vpn.example 255.0.0.0')).toEqual([])
  })
})
