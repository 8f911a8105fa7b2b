/**
 * connect's inputs: read and checked before anything runs; connect/action.yml declares exactly
 * the inputs read, and its defaults read as no value.
 */
import { describe, expect, test } from '@jest/globals'
import { join } from 'node:path'
import { reader } from '../../__fixtures__/inputs.js'
import { inputsNamedIn } from '../../__fixtures__/action-contract.js'
import { readConnectSettings } from '../../src/connect/inputs.js'
import type { InputReader } from '../../src/core/environment.js'
import { actionInputs, actionYmlPath, ACTION_YML_PATH } from '../../test-server/run-action.mjs'

const DECLARED = actionInputs(actionYmlPath('connect'))
const PROFILE =
  'client\nremote 127.0.0.1 1194\n<key>\n-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----\n</key>\n'

function read(inputs: Record<string, string>, masked: string[] = []) {
  return readConnectSettings(reader(inputs), secret => masked.push(secret))
}

describe('readConnectSettings', () => {
  test('a profile: masked whole and line by line (its key), before anything is checked', () => {
    const masked: string[] = []
    const settings = read({ profile: PROFILE, 'key-passphrase': ' pass phrase ' }, masked)
    expect(settings).toEqual({
      profile: { kind: 'text', text: PROFILE },
      keyPassphrase: ' pass phrase ',
      timeoutMs: 60_000,
      keepConnected: false
    })
    expect(masked).toEqual(
      expect.arrayContaining([PROFILE, 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49', ' pass phrase '])
    )
    // The server's address stays readable in messages.
    expect(masked).not.toContain('remote 127.0.0.1 1194')
  })

  test('a secret is masked even when another input is wrong', () => {
    const masked: string[] = []
    expect(() =>
      read({ profile: PROFILE, 'key-passphrase': 'secret-pass', 'timeout-seconds': 'soon' }, masked)
    ).toThrow("Input 'timeout-seconds'")
    expect(masked).toContain('secret-pass')
  })

  test.each([
    [{}, "Input 'config-file/profile': is required"],
    [{ 'config-file': 'a.ovpn', profile: PROFILE }, "Input 'config-file/profile': both are set"],
    [{ 'config-file': 'a.ovpn', 'key-passphrase': 'abc' }, "Input 'key-passphrase': is not valid"],
    [
      { profile: PROFILE, 'key-passphrase': 'good one\n' },
      "Input 'key-passphrase': contains a line break"
    ],
    [{ profile: PROFILE, 'timeout-seconds': '0' }, "Input 'timeout-seconds'"],
    [
      { profile: PROFILE, 'keep-connected': 'yes' },
      'Input \'keep-connected\': "yes" is not a boolean'
    ],
    [{ profile: 'x'.repeat(1024 * 1024 + 1) }, "Input 'profile': is 1048577 bytes"]
  ])('%o is refused: %s', (inputs, message) => {
    expect(() => read(inputs)).toThrow(message)
  })

  test('no secret in any refusal', () => {
    for (const inputs of [
      { 'config-file': 'a.ovpn', profile: PROFILE },
      { profile: PROFILE, 'key-passphrase': 'sec\nret-pass' }
    ]) {
      try {
        read(inputs)
      } catch (error) {
        expect(String(error)).not.toContain('MIGHAgEA')
        expect(String(error)).not.toContain('ret-pass')
      }
    }
  })
})

describe('connect/action.yml is the one source of its inputs', () => {
  const recording = (inputs: Record<string, string>, names: Set<string>): InputReader => {
    const get = reader(inputs)
    return (name, options) => {
      names.add(name)
      return get(name, options)
    }
  }

  test('the inputs read are exactly the inputs declared, none required', () => {
    const names = new Set<string>()
    readConnectSettings(recording({ profile: PROFILE }, names), () => undefined)
    expect([...names].sort()).toEqual(Object.keys(DECLARED).sort())
    expect(Object.values(DECLARED).filter(input => input.required)).toEqual([])
    const named = inputsNamedIn(join(ACTION_YML_PATH, '..', 'src', 'connect'), ['inputs.ts'])
    expect([...named].sort()).toEqual(Object.keys(DECLARED).sort())
  })

  test('its defaults read as no value', () => {
    const defaults = Object.fromEntries(
      Object.entries(DECLARED).flatMap(([name, { default: value }]) =>
        value === undefined ? [] : [[name, value]]
      )
    )
    expect(Object.keys(defaults).sort()).toEqual(['keep-connected', 'timeout-seconds'])
    expect(read({ profile: PROFILE, ...defaults })).toEqual(read({ profile: PROFILE }))
  })
})
