import { expect, test } from '@jest/globals'
import { openVpnEnvironment } from '../../src/connect/main.js'
import { openVpnArguments, type LaunchPlan } from '../../src/connect/openvpn.js'

const PLAN: LaunchPlan = {
  command: { path: '/usr/sbin/openvpn', sudo: true },
  configPath: '/tmp/ssl-vpn-connect-x/profile.ovpn',
  socketPath: '/tmp/ssl-vpn-connect-x/openvpn.sock',
  logPath: '/tmp/ssl-vpn-connect-x/openvpn.log',
  dataCiphers: 'AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305:AES-128-CBC',
  env: { PATH: '/usr/bin' }
}

test("the profile comes first, so the action's options override it; the management socket is this user's only", () => {
  const args = openVpnArguments(PLAN, 'runner')
  expect(args.slice(0, 2)).toEqual(['--config', PLAN.configPath])
  expect(args).toEqual(
    expect.arrayContaining([
      '--management-hold',
      '--management-query-passwords',
      '--management-client-user'
    ])
  )
  expect(args.join(' ')).toContain(
    `--management ${PLAN.socketPath} unix --management-client-user runner`
  )
  expect(args.slice(-2)).toEqual(['--data-ciphers', PLAN.dataCiphers])
  expect(openVpnArguments({ ...PLAN, dataCiphers: undefined }, 'runner')).not.toContain(
    '--data-ciphers'
  )
})

test("OpenVPN's environment is PATH only, never the step's inputs; the runner's tracking ID unless kept", () => {
  const env = {
    PATH: '/usr/bin',
    'INPUT_KEY-PASSPHRASE': 'secret',
    INPUT_PROFILE: 'client',
    RUNNER_TRACKING_ID: 'github_1'
  }
  expect(openVpnEnvironment(env, false)).toEqual({
    PATH: '/usr/bin',
    RUNNER_TRACKING_ID: 'github_1'
  })
  expect(openVpnEnvironment(env, true)).toEqual({ PATH: '/usr/bin' })
})
