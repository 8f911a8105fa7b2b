/** The runner checks, in order, with a fake probe: what is missing is named, apt-get installs. */
import { describe, expect, test } from '@jest/globals'
import { RunnerError } from '../../src/connect/connect-errors.js'
import {
  parseOpenVpnVersion,
  prepareRunner,
  unsupportedVersion,
  type RunnerProbe
} from '../../src/connect/runner-setup.js'

interface FakeOptions {
  uid?: number
  platform?: NodeJS.Platform
  tun?: boolean
  executables?: string[]
  sudoAllowed?: boolean
  aptFails?: boolean
}

function fakeProbe(options: FakeOptions = {}) {
  const executables = new Set(options.executables ?? ['openvpn'])
  const commands: string[] = []
  const probe: RunnerProbe = {
    platform: options.platform ?? 'linux',
    uid: options.uid ?? 0,
    isCharacterDevice: async () => options.tun ?? true,
    findExecutable: async name => (executables.has(name) ? `/usr/sbin/${name}` : undefined),
    run: async (command, args) => {
      commands.push([command, ...args].join(' '))
      if (args.includes('true'))
        return { code: options.sudoAllowed ? 0 : 1, stdout: '', stderr: 'a password is required' }
      if (args.includes('install')) {
        if (options.aptFails)
          return { code: 100, stdout: '', stderr: 'E: Unable to locate package openvpn\n' }
        executables.add('openvpn')
      }
      return { code: 0, stdout: '', stderr: '' }
    }
  }
  return { probe, commands }
}

const signal = new AbortController().signal
const prepare = (probe: RunnerProbe) =>
  prepareRunner(probe, '/usr/bin:/bin', signal, () => undefined)

describe('prepareRunner', () => {
  test('root with OpenVPN: runs it directly, starting no process to ask its version (its first log line says it)', async () => {
    const { probe, commands } = fakeProbe()
    await expect(prepare(probe)).resolves.toEqual({ path: '/usr/sbin/openvpn', sudo: false })
    expect(commands).toEqual([])
  })

  test('not root, password-less sudo: through sudo', async () => {
    const { probe } = fakeProbe({ uid: 1001, executables: ['openvpn', 'sudo'], sudoAllowed: true })
    await expect(prepare(probe)).resolves.toMatchObject({ sudo: true })
  })

  test('missing OpenVPN with apt-get: installs it (through sudo, with a non-interactive frontend)', async () => {
    const { probe, commands } = fakeProbe({
      uid: 1001,
      executables: ['sudo', 'apt-get'],
      sudoAllowed: true
    })
    await expect(prepare(probe)).resolves.toMatchObject({ path: '/usr/sbin/openvpn' })
    expect(commands).toEqual([
      '/usr/sbin/sudo -n true',
      'sudo -n env DEBIAN_FRONTEND=noninteractive /usr/sbin/apt-get update -qq',
      'sudo -n env DEBIAN_FRONTEND=noninteractive /usr/sbin/apt-get install -y -qq --no-install-recommends openvpn'
    ])
  })

  test.each([
    [
      'not Linux',
      { platform: 'darwin' as const },
      /^connect runs on Linux runners \(this one is darwin\)/
    ],
    [
      'no tun device',
      { tun: false },
      /no \/dev\/net\/tun.*--device \/dev\/net\/tun --cap-add NET_ADMIN/
    ],
    [
      'not root and no sudo',
      { uid: 1001, executables: ['openvpn'] },
      /runs as uid 1001 without password-less sudo/
    ],
    [
      'sudo asks for a password',
      { uid: 1001, executables: ['openvpn', 'sudo'], sudoAllowed: false },
      /without password-less sudo/
    ],
    [
      'no OpenVPN and no apt-get',
      { executables: [] },
      /^OpenVPN is not installed and this runner has no apt-get to install it: install OpenVPN 2.5 or later/
    ],
    [
      'apt-get fails',
      { executables: ['apt-get'], aptFails: true },
      /^Installing OpenVPN failed \(apt-get install exited with 100: "E: Unable to locate package openvpn"\)/
    ]
  ])('%s: refused, naming what is missing', async (_what, options, message) => {
    const { probe } = fakeProbe(options)
    const failure = prepare(probe)
    await expect(failure).rejects.toBeInstanceOf(RunnerError)
    await expect(failure).rejects.toThrow(message)
  })
})

describe("OpenVPN's version, from its first log line", () => {
  test.each([
    ['OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL]', '2.6.14'],
    ['OpenVPN 2.5 x86_64-pc-linux-gnu', '2.5'],
    ['library versions: OpenSSL 3.0.17 1 Jul 2025, LZO 2.10', undefined],
    ['OpenVPN 2.6.14', undefined]
  ])('%s → %s', (line, version) => {
    expect(parseOpenVpnVersion(line)).toBe(version)
  })

  test.each([
    ['2.4.12', /^\/usr\/sbin\/openvpn is OpenVPN 2\.4\.12; connect needs OpenVPN 2\.5 or later/],
    ['1.9', /is OpenVPN 1\.9; connect needs OpenVPN 2\.5 or later/]
  ])('%s is refused, naming the binary and what is needed', (version, message) => {
    expect(unsupportedVersion(version, '/usr/sbin/openvpn')).toMatch(message)
  })

  test.each(['2.5.0', '2.6.14', '3.0'])('%s is accepted', version => {
    expect(unsupportedVersion(version, '/usr/sbin/openvpn')).toBeUndefined()
  })
})
