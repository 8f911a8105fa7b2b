/**
 * sync's outputs: the plan within GitHub's output limits (counts only past the cap), counts and
 * `changes`, and after apply the IDs created and revoked; no value ever holds a line break.
 */
import { describe, expect, test } from '@jest/globals'
import type { Plan } from '../../src/sync/plan.js'
import {
  fullPlan,
  MAX_PLAN_OUTPUT_BYTES,
  planOutput,
  setApplyOutputs,
  setPlanOutputs
} from '../../src/sync/outputs.js'
import { EMPTY_PLAN } from '../../__fixtures__/plans.js'

const EMPTY = EMPTY_PLAN
const revocation = (name: string, n: number) => ({
  certId: `vsc-${n}`,
  name,
  status: 'normal',
  endTime: 0,
  reason: 'not-in-roster' as const
})

function sink() {
  const outputs: Record<string, string> = {}
  return { outputs, setOutput: (name: string, value: string) => void (outputs[name] = value) }
}

describe('planOutput', () => {
  test('counts and names', () => {
    const plan = {
      ...EMPTY,
      create: [{ name: 'carol', recipient: undefined, reason: 'new' as const }],
      revoke: [revocation('mallory', 1)]
    }
    expect(JSON.parse(planOutput(plan))).toEqual({
      counts: { create: 1, revoke: 1, keep: 0, ignored: 0 },
      create: ['carol'],
      revoke: [{ 'cert-id': 'vsc-1', name: 'mallory', reason: 'not-in-roster' }],
      truncated: false
    })
  })

  test('plan mode, github: recipients: keys by name in the output; keys, the problem or why not checked per create in the plan file', () => {
    const key = { type: 'ssh-ed25519', fingerprint: 'SHA256:abc', from: 'github:alice-gh' }
    const plan: Plan = {
      ...EMPTY,
      create: [
        {
          name: 'alice',
          recipient: 'github:alice-gh',
          reason: 'new',
          github: { status: 'keys', username: 'alice-gh', keys: [key], skipped: 0 }
        },
        {
          name: 'bob',
          recipient: 'github:bob-gh',
          reason: 'rotation',
          github: { status: 'problem', username: 'bob-gh', message: 'no key' }
        },
        {
          name: 'carol',
          recipient: 'github:carol-gh',
          reason: 'new',
          github: { status: 'unchecked', username: 'carol-gh', message: 'unreachable' }
        },
        { name: 'dave', recipient: undefined, reason: 'new' }
      ]
    }
    expect(JSON.parse(planOutput(plan))).toMatchObject({
      create: ['alice', 'bob', 'carol', 'dave'],
      keys: { alice: [key] }
    })
    expect(
      fullPlan(plan, { sslVpnServerId: 'vss-1', regionId: 'cn-hangzhou', checkedAt: 0 }).create
    ).toEqual([
      { name: 'alice', reason: 'new', keys: [key] },
      { name: 'bob', reason: 'rotation', 'recipient-problem': 'no key' },
      { name: 'carol', reason: 'new', 'recipient-unchecked': 'unreachable' },
      { name: 'dave', reason: 'new' }
    ])
  })

  test('past the cap: counts only, marked truncated', () => {
    const revoke = Array.from({ length: 5000 }, (_, i) => revocation('x'.repeat(120), i))
    const output = planOutput({ ...EMPTY, revoke })
    expect(output.length).toBeLessThan(MAX_PLAN_OUTPUT_BYTES)
    expect(JSON.parse(output)).toEqual({
      counts: { create: 0, revoke: 5000, keep: 0, ignored: 0 },
      create: [],
      revoke: [],
      truncated: true
    })
  })

  test('a name with a line break (any string, from the listing) stays on one line', () => {
    const { outputs, setOutput } = sink()
    setPlanOutputs(
      { setOutput },
      { ...EMPTY, revoke: [revocation('a\nb\u2028c', 1)] },
      '/tmp/plan.json'
    )
    expect(outputs['plan']).not.toMatch(/[\n\u2028]/)
    expect(JSON.parse(outputs['plan'] ?? '').revoke[0].name).toBe('a\nb\u2028c')
    expect(outputs).toMatchObject({
      'plan-file': '/tmp/plan.json',
      'create-count': '0',
      'revoke-count': '1',
      changes: 'true'
    })
  })
})

describe('setApplyOutputs', () => {
  test('created: name → ID of each certificate obtained; revoked: the IDs gone', () => {
    const { outputs, setOutput } = sink()
    setApplyOutputs(
      { setOutput },
      [
        {
          ok: true,
          requested: 'carol',
          clientToken: 't',
          certId: 'vsc-c',
          name: 'carol',
          created: true,
          status: undefined,
          configFile: undefined,
          requestId: 'r',
          attempts: 1,
          waitedMs: 0
        },
        { ok: false, requested: 'dave', clientToken: 't', error: new Error('refused') }
      ],
      [],
      [
        {
          ok: true,
          certId: 'vsc-m',
          name: 'mallory',
          requestId: 'r',
          alreadyGone: false,
          attempts: 1,
          waitedMs: 0
        },
        { ok: false, certId: 'vsc-n', name: 'nina', error: new Error('failed') }
      ]
    )
    expect(outputs).toEqual({
      created: '{"carol":"vsc-c"}',
      redelivered: '{}',
      revoked: '["vsc-m"]',
      'config-files': '{}',
      'encrypted-to': '{}'
    })
  })

  test('config-files and encrypted-to: each profile written, and the keys an encrypted one opens with', () => {
    const outputs: Record<string, string> = {}
    const obtained = (name: string, configFile: string) => ({
      ok: true as const,
      requested: name,
      clientToken: 't',
      certId: `vsc-${name}`,
      name,
      created: true,
      status: 'normal',
      configFile,
      requestId: 'r',
      attempts: 1,
      waitedMs: 0
    })
    const key = { type: 'ssh-ed25519', fingerprint: 'SHA256:abc', from: 'github:alice-gh' }
    setApplyOutputs(
      { setOutput: (name, value) => (outputs[name] = value) },
      [
        { ...obtained('alice', '/p/alice.ovpn.age'), encryptedTo: [key] },
        obtained('bob', '/p/bob.ovpn')
      ],
      [],
      []
    )
    expect(JSON.parse(outputs['config-files'] ?? '')).toEqual({
      alice: '/p/alice.ovpn.age',
      bob: '/p/bob.ovpn'
    })
    expect(JSON.parse(outputs['encrypted-to'] ?? '')).toEqual({ alice: [key] })
  })

  test('redelivered: name → the ID whose profile was written again; its profile is in config-files and encrypted-to as a new one is; a failed one is in none', () => {
    const outputs: Record<string, string> = {}
    const key = { type: 'ssh-ed25519', fingerprint: 'SHA256:erin', from: 'roster line 4' }
    setApplyOutputs(
      { setOutput: (name, value) => (outputs[name] = value) },
      [],
      [
        {
          ok: true,
          name: 'erin',
          certId: 'vsc-erin',
          status: 'normal',
          configFile: '/p/erin.ovpn.age',
          encryptedTo: [key]
        },
        {
          ok: true,
          name: 'frank',
          certId: 'vsc-frank',
          status: 'normal',
          configFile: '/p/frank.ovpn',
          encryptedTo: undefined
        },
        { ok: false, name: 'gina', certId: 'vsc-gina', error: new Error('disk full') }
      ],
      []
    )
    expect(outputs).toEqual({
      created: '{}',
      redelivered: '{"erin":"vsc-erin","frank":"vsc-frank"}',
      revoked: '[]',
      'config-files': '{"erin":"/p/erin.ovpn.age","frank":"/p/frank.ovpn"}',
      'encrypted-to': JSON.stringify({ erin: [key] })
    })
  })
})
