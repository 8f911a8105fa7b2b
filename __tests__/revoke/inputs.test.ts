/**
 * The revoke action's inputs: exactly one of name, names, cert-id and cert-ids, each checked as
 * what it is; dry-run; the connection inputs read exactly as the main action reads them.
 */
import { describe, expect, test } from '@jest/globals'
import { inputErrorFrom, KEY_ID, KEY_SECRET, reader, VALID } from '../../__fixtures__/inputs.js'
import { readConnectionSettings } from '../../src/create/inputs.js'
import { readRevokeSettings } from '../../src/revoke/inputs.js'

function read(
  inputs: Record<string, string>,
  maskSecret: (value: string) => void = () => undefined
) {
  return readRevokeSettings(reader(inputs), {}, maskSecret)
}

describe('what to revoke', () => {
  test('name: one target; dry-run off by default', () => {
    const settings = read({ ...VALID, name: 'alice' })
    expect(settings.targets).toEqual([{ kind: 'name', name: 'alice' }])
    expect(settings.dryRun).toBe(false)
    expect(settings.sslVpnServerId).toBe(VALID['ssl-vpn-server-id'])
  })

  test('names: one per line, trimmed, blank lines skipped', () => {
    expect(read({ ...VALID, names: ' alice\n\nbob.smith \r\n' }).targets).toEqual([
      { kind: 'name', name: 'alice' },
      { kind: 'name', name: 'bob.smith' }
    ])
  })

  test('cert-id and cert-ids', () => {
    expect(read({ ...VALID, 'cert-id': 'vsc-bp1abc' }).targets).toEqual([
      { kind: 'cert-id', certId: 'vsc-bp1abc' }
    ])
    expect(read({ ...VALID, 'cert-ids': 'vsc-a1\n vsc-b2 \n' }).targets).toEqual([
      { kind: 'cert-id', certId: 'vsc-a1' },
      { kind: 'cert-id', certId: 'vsc-b2' }
    ])
  })

  test.each(['true', 'True', 'TRUE'])('dry-run %s', value => {
    expect(read({ ...VALID, name: 'alice', 'dry-run': value }).dryRun).toBe(true)
  })

  test.each([
    [{ ...VALID }, 'name/names/cert-id/cert-ids', /one of them is required/],
    [{ ...VALID, name: 'a1', names: 'b1' }, 'name/names', /are mutually exclusive/],
    [{ ...VALID, names: 'b1', 'cert-ids': 'vsc-1' }, 'names/cert-ids', /are mutually exclusive/],
    [
      { ...VALID, name: 'a1', 'cert-id': 'vsc-1' },
      'name/cert-id',
      /exactly one of name, names, cert-id and cert-ids/
    ],
    [{ ...VALID, name: '1abc' }, 'name', /"1abc" does not start with a letter/],
    [{ ...VALID, names: 'alice\nalice' }, 'names', /line 2: "alice" appears twice/],
    [
      { ...VALID, 'cert-id': 'vsc-ABC' },
      'cert-id',
      /"vsc-ABC" is not a certificate ID; expected "vsc-" followed by lowercase letters and digits/
    ],
    [{ ...VALID, 'cert-id': 'vss-abc' }, 'cert-id', /is not a certificate ID/],
    [{ ...VALID, 'cert-ids': 'vsc-a\nnope' }, 'cert-ids', /line 2: "nope" is not a certificate ID/],
    [{ ...VALID, 'cert-ids': 'vsc-a\nvsc-a' }, 'cert-ids', /line 2: "vsc-a" appears twice/],
    [
      { ...VALID, 'cert-ids': Array.from({ length: 201 }, (_, i) => `vsc-${i}`).join('\n') },
      'cert-ids',
      /at most 200 per step/
    ],
    [{ ...VALID, name: 'alice', 'dry-run': 'yes' }, 'dry-run', /"yes" is not a boolean/],
    [{ ...VALID, name: 'alice', 'ssl-vpn-server-id': '' }, 'ssl-vpn-server-id', /is required/]
  ])('%j → %s refused', (inputs, input, message) => {
    const error = inputErrorFrom(() => read(inputs))
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
  })
})

describe('connection inputs', () => {
  test('read exactly as the main action reads them, credentials masked first', () => {
    const inputs = { ...VALID, name: 'alice', 'signature-version': 'v1', 'timeout-seconds': '60' }
    const masked: string[] = []
    const {
      targets: _t,
      dryRun: _d,
      sslVpnServerId: _s,
      ...connection
    } = read(inputs, v => masked.push(v))
    expect(connection).toEqual(readConnectionSettings(reader(inputs), {}, () => undefined))
    expect(masked.slice(0, 2)).toEqual([KEY_ID, KEY_SECRET])
  })

  test('a bad region fails before the targets are looked at', () => {
    const error = inputErrorFrom(() => read({ ...VALID, 'region-id': 'Nope' }))
    expect(error.input).toBe('region-id')
  })
})
