/** The runner checks, in order, with a fake probe: what is missing is named, apt-get installs. */
import { describe, expect, test } from '@jest/globals'
import { RunnerError } from '../../src/connect/connect-errors.js'
import { prepareRunner, type RunnerProbe } from '../../src/connect/runner-setup.js'

interface FakeOptions {
  uid?: number
  platform?: NodeJS.Platform
  tun?: boolean
  executables?: string[]
  sudoAllowed?: boolean
  version?: string
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
      if (args.includes('--version'))
        return {
          code: 1,
          stdout: `OpenVPN ${options.version ?? '2.6.14'} x86_64-pc-linux-gnu\n`,
          stderr: ''
        }
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
  test('root with OpenVPN 2.6: runs it directly', async () => {
    const { probe } = fakeProbe()
    await expect(prepare(probe)).resolves.toEqual({
      path: '/usr/sbin/openvpn',
      sudo: false,
      version: '2.6.14'
    })
  })

  test('not root, password-less sudo: through sudo', async () => {
    const { probe } = fakeProbe({ uid: 1001, executables: ['openvpn', 'sudo'], sudoAllowed: true })
    await expect(prepare(probe)).resolves.toMatchObject({ sudo: true })
  })

  test('not root: the sudo check and the version probe run side by side; a sudo refusal is still the error', async () => {
    const running = new Set<string>()
    let overlapped = false
    const probe: RunnerProbe = {
      platform: 'linux',
      uid: 1001,
      isCharacterDevice: async () => true,
      findExecutable: async name => `/usr/sbin/${name}`,
      run: async (_command, args) => {
        const name = args.includes('--version') ? 'version' : 'sudo'
        running.add(name)
        if (running.size === 2) overlapped = true
        // The version answers first, and is good: the refusal must still be what is reported.
        await new Promise(resolve => setTimeout(resolve, name === 'sudo' ? 30 : 1))
        running.delete(name)
        return name === 'sudo'
          ? { code: 1, stdout: '', stderr: 'a password is required' }
          : { code: 1, stdout: 'OpenVPN 2.6.14 x86_64-pc-linux-gnu\n', stderr: '' }
      }
    }
    await expect(prepare(probe)).rejects.toThrow(/without password-less sudo/)
    expect(overlapped).toBe(true)
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
      'sudo -n env DEBIAN_FRONTEND=noninteractive /usr/sbin/apt-get install -y -qq --no-install-recommends openvpn',
      '/usr/sbin/openvpn --version'
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
    ],
    ['OpenVPN 2.4', { version: '2.4.12' }, /is OpenVPN 2.4.12; connect needs OpenVPN 2.5 or later/]
  ])('%s: refused, naming what is missing', async (_what, options, message) => {
    const { probe } = fakeProbe(options)
    const failure = prepare(probe)
    await expect(failure).rejects.toBeInstanceOf(RunnerError)
    await expect(failure).rejects.toThrow(message)
  })
})
