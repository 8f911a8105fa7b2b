/** runConnect in-process, with a fake system: the order of things and what is left behind. */
import { describe, expect, test } from '@jest/globals'
import { reader } from '../../__fixtures__/inputs.js'
import { ConnectFailure } from '../../src/connect/connect-errors.js'
import { runConnect, type ConnectIo, type ConnectSystem } from '../../src/connect/main.js'
import type { LaunchPlan, Tunnel } from '../../src/connect/openvpn.js'
import type { SummarySink } from '../../src/runner/summary.js'

const KEY_LINE = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg'
const PROFILE = `client\nremote 127.0.0.1 1194\ncipher AES-128-CBC\n<key>\n-----BEGIN PRIVATE KEY-----\n${KEY_LINE}\n-----END PRIVATE KEY-----\n</key>\n`
const TUNNEL: Tunnel = {
  pid: 4242,
  tunnelIp: '10.8.0.2',
  tunnelIpv6: '',
  interfaceName: 'tun0',
  routes: ['172.16.0.0/12'],
  remote: '127.0.0.1:1194',
  dataCipher: 'AES-128-CBC',
  version: '2.6.14',
  startedAt: 1_000
}

function harness(inputs: Record<string, string>, startTunnel: ConnectSystem['startTunnel']) {
  const lines: string[] = []
  const outputs: Record<string, string> = {}
  const state: Record<string, string> = {}
  const calls: string[] = []
  const summary: SummarySink = {
    addHeading: () => summary,
    addTable: () => summary,
    addRaw: text => {
      lines.push(`summary: ${text}`)
      return summary
    },
    write: async () => undefined
  }
  const io: ConnectIo = {
    getInput: reader(inputs),
    env: {
      PATH: '/usr/bin',
      RUNNER_TEMP: '/runner/temp',
      GITHUB_STEP_SUMMARY: '/summary',
      'INPUT_KEY-PASSPHRASE': 'x'
    },
    setOutput: (name, value) => (outputs[name] = value),
    saveState: (name, value) => (state[name] = value),
    summary,
    logger: {
      info: line => lines.push(`info: ${line}`),
      warning: line => lines.push(`warning: ${line}`),
      debug: line => lines.push(`debug: ${line}`),
      setFailed: line => lines.push(`failed: ${line}`),
      setSecret: () => undefined
    },
    now: () => 1_000,
    signal: new AbortController().signal
  }
  const plans: LaunchPlan[] = []
  const system: ConnectSystem = {
    prepareRunner: async () => {
      calls.push('prepareRunner')
      return { path: '/usr/sbin/openvpn', sudo: false }
    },
    makeWorkDir: async parent => {
      calls.push(`makeWorkDir ${parent}`)
      return `${parent}/ssl-vpn-connect-abc123`
    },
    writeProfileCopy: async (dir, name) => {
      calls.push(`writeProfileCopy ${dir} ${name}`)
      return `${dir}/${name}`
    },
    removeWorkDir: async dir => {
      calls.push(`removeWorkDir ${dir}`)
    },
    readProfileFile: async () => PROFILE,
    startTunnel: async (plan, context) => {
      plans.push(plan)
      calls.push('startTunnel')
      return startTunnel(plan, context)
    }
  }
  return { io, system, lines, outputs, state, calls, plans }
}

describe('runConnect', () => {
  test('a bad input fails before the runner is touched; the post step still knows it is one', async () => {
    const h = harness({ profile: PROFILE, 'timeout-seconds': 'soon' }, async () => TUNNEL)
    await runConnect(h.io, h.system)
    expect(h.calls).toEqual([])
    expect(h.state['isPost']).toBe('true')
    expect(h.lines.filter(l => l.startsWith('failed:'))).toEqual([
      expect.stringMatching(/^failed: Input 'timeout-seconds': "soon" is not valid/)
    ])
  })

  test("connected: the profile's cipher appended and said, outputs and summary set, the record saved for the post step", async () => {
    const h = harness(
      { profile: PROFILE, 'key-passphrase': 'pass-phrase' },
      async (_plan, context) => {
        context.onPid(4242)
        return TUNNEL
      }
    )
    await runConnect(h.io, h.system)
    expect(h.calls).toEqual([
      'prepareRunner',
      'makeWorkDir /runner/temp',
      'writeProfileCopy /runner/temp/ssl-vpn-connect-abc123 profile.ovpn',
      'startTunnel'
    ])
    expect(h.plans[0]?.dataCiphers).toBe('AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305:AES-128-CBC')
    expect(h.plans[0]?.env).toEqual({ PATH: '/usr/bin' })
    expect(h.outputs).toEqual({
      'tunnel-ip': '10.8.0.2',
      interface: 'tun0',
      pid: '4242',
      routes: '["172.16.0.0/12"]'
    })
    expect(h.lines).toContainEqual(
      expect.stringMatching(/^info: The profile asks for cipher AES-128-CBC/)
    )
    expect(h.lines).toContainEqual(
      expect.stringMatching(/^summary: <p>Connected to 127\.0\.0\.1:1194/)
    )
    expect(JSON.parse(h.state['connection'] ?? '')).toMatchObject({
      pid: 4242,
      connectedAt: 1_000,
      cleaned: false
    })
    expect(h.lines.join('\n')).not.toContain('pass-phrase')
    expect(h.lines.join('\n')).not.toContain(KEY_LINE)
  })

  test("OpenVPN's failure: one line, its last lines at debug, the directory removed and the record marked clean", async () => {
    const h = harness({ profile: PROFILE }, async () => {
      throw new ConnectFailure('Server unreachable: nothing answers.', [
        'read UDPv4 [ECONNREFUSED]'
      ])
    })
    await runConnect(h.io, h.system)
    expect(h.calls).toContain('removeWorkDir /runner/temp/ssl-vpn-connect-abc123')
    expect(h.lines).toContain('failed: Server unreachable: nothing answers.')
    expect(h.lines).toContain("debug: OpenVPN's last lines:\nread UDPv4 [ECONNREFUSED]")
    expect(JSON.parse(h.state['connection'] ?? '')).toMatchObject({ cleaned: true })
  })

  test('a profile that sets management itself is refused, naming the input', async () => {
    const h = harness({ profile: `${PROFILE}management 127.0.0.1 7505\n` }, async () => TUNNEL)
    await runConnect(h.io, h.system)
    expect(h.calls).toEqual([])
    expect(h.lines).toContainEqual(
      expect.stringMatching(/^failed: Input 'profile': the profile sets management/)
    )
  })
})
