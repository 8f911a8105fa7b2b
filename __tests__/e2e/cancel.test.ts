/**
 * End to end over the bundles: cancellation. When a workflow is cancelled the runner sends
 * SIGINT, then SIGTERM. The action must stop at once — mid-backoff or mid-request — say it was
 * cancelled and which ClientToken to re-use, and exit non-zero. The revoke action, cancelled
 * midway, must still set its outputs and summary for what was deleted, and name what remains.
 */
import { describe, expect, test } from '@jest/globals'
import type { CallRecord, StandIn, StandInOptions } from '../../test-server/stand-in.mjs'
import { runAction, type RunOptions } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'
import { runActionWhile, type ActionMoves } from '../../__fixtures__/wait-for.js'

const KEY = DEFAULT_KEY
const startStandIn = standInPerTest()

/** Runs the action, with the test's `moves` beside it when there are any. */
const runWith = (options: RunOptions, moves?: ActionMoves) =>
  moves ? runActionWhile(options, moves) : runAction(options)

/** Runs `action` (the main one when undefined) on names alice, bob and carol, as `workflow`. */
const runOnThreeNames = (
  server: StandIn,
  action: 'revoke' | undefined,
  workflow: Record<string, string>,
  moves?: ActionMoves
) =>
  runWith(
    {
      ...(action === undefined ? {} : { action }),
      inputs: {
        'region-id': 'cn-hangzhou',
        'ssl-vpn-server-id': 'vss-standin0001',
        endpoint: server.endpoint,
        'access-key-id': KEY.accessKeyId,
        'access-key-secret': KEY.accessKeySecret,
        names: 'alice\nbob\ncarol'
      },
      env: workflow,
      killAfterMs: 60_000
    },
    moves
  )

/**
 * Runs the action and sends `signal` as soon as `ready(stdout, server)` holds (`what` names that
 * moment if it never comes). Resolves with the result, the stand-in's calls at the signal and the
 * time from the signal to the process's exit.
 */
async function runAndSignal(
  options: StandInOptions,
  signal: NodeJS.Signals,
  what: string,
  ready: (stdout: string, server: StandIn) => boolean
) {
  const server = await startStandIn(options)
  let stdout = ''
  let signalledAt = 0
  let callsAtSignal = -1
  const result = await runActionWhile(
    {
      inputs: {
        'region-id': 'cn-hangzhou',
        'ssl-vpn-server-id': 'vss-standin0001',
        endpoint: server.endpoint,
        'access-key-id': KEY.accessKeyId,
        'access-key-secret': KEY.accessKeySecret,
        'client-token': 'cancel-me-token-0001'
      },
      onStdout: chunk => (stdout += chunk)
    },
    // Polls the stand-in too: a hung request prints nothing new.
    async action => {
      await action.signalWhen(() => ready(stdout, server), { what, signal })
      signalledAt = performance.now()
      callsAtSignal = server.calls.length
    }
  )
  const exitedAt = performance.now()
  expectNoSecrets(result, [KEY.accessKeyId, KEY.accessKeySecret])
  return { result, server, stopMs: exitedAt - signalledAt, callsAtSignal }
}

test.each(['SIGINT', 'SIGTERM'] as const)(
  '%s in the middle of a backoff wait: stops at once, names the token, exits non-zero',
  async signal => {
    // Busy for good; the third wait is 2–4 s long, so a prompt stop is distinguishable from waiting it out.
    const { result, server, stopMs, callsAtSignal } = await runAndSignal(
      { busyCalls: 1_000 },
      signal,
      'the third attempt in the log',
      stdout => stdout.includes('Attempt 3:')
    )
    expect(result.exitCode).toBe(1)
    expect(result.signal).toBeNull() // it exited by itself, not killed by the signal
    expect(server.calls.length).toBe(callsAtSignal) // no attempt after the signal
    expect(result.stdout).toContain(`::warning::Cancelled (received ${signal}).`)
    expect(result.errors[0]).toContain('cancelled')
    expect(result.errors[0]).toContain('client-token: cancel-me-token-0001')
    expect(result.outputs['client-token']).toBe('cancel-me-token-0001')
    // A figure for the log, not an assertion: "no call after the signal" above is the check that
    // it stopped mid-wait (waiting it out would have made another attempt).
    console.info(`${signal} during backoff: exited ${stopMs.toFixed(0)} ms after the signal`)
  }
)

test('SIGINT during a hung request: the request is abandoned and the action exits', async () => {
  const { result, server, stopMs } = await runAndSignal(
    { faults: [{ kind: 'hang' }] },
    'SIGINT',
    'the first request, held by the stand-in',
    (_stdout, s) => s.calls.length === 1
  )
  expect(result.exitCode).toBe(1)
  expect(server.certificates).toHaveLength(0)
  expect(result.errors[0]).toContain('client-token: cancel-me-token-0001')
  expect(result.signal).toBeNull() // it exited by itself, not killed by the guard
  expect(result.errors[0]).toContain('cancelled')
  // Not waiting for the 10 s attempt timeout that would otherwise have ended the request: that
  // timeout would say "No answer … within 10 s" and retry. Shown by what happened, not by a time.
  expect(result.stdout).not.toContain('No answer from')
  expect(server.calls).toHaveLength(1)
  console.info(`SIGINT during a hung request: exited ${stopMs.toFixed(0)} ms after the signal`)
})

describe('the revoke action (revoke/action.yml)', () => {
  const WORKFLOW = {
    GITHUB_REPOSITORY: 'acme/offboarding',
    GITHUB_RUN_ID: '9002',
    GITHUB_JOB: 'offboard',
    GITHUB_ACTION: 'revoke'
  }
  const deletes = (calls: readonly CallRecord[]) =>
    calls.filter(c => c.action === 'DeleteSslVpnClientCert')

  const revoke = (server: StandIn, moves?: ActionMoves) =>
    runOnThreeNames(server, 'revoke', WORKFLOW, moves)

  test('SIGTERM during the third of six deletes: outputs and summary for the two gone, the four left named, and a re-run finishes', async () => {
    // The third delete hangs: the signal comes while it is under way, after two were confirmed gone.
    const server = await startStandIn({
      existingCertificates: ['alice', 'alice', 'bob', 'bob', 'carol', 'carol'].map(name => ({
        name
      })),
      faults: [{ action: 'DeleteSslVpnClientCert', kind: 'hang', afterCalls: 2 }]
    })
    const [a1, a2, b1, b2, c1, c2] = server.certificates.map(c => c.id)
    let callsAtSignal = -1
    // The stand-in's state, not the clock: the signal goes once the third delete has arrived.
    const result = await revoke(server, async action => {
      await action.signalWhen(() => deletes(server.calls).some(c => c.outcome === 'fault:hang'), {
        what: 'the third delete, held by the stand-in'
      })
      callsAtSignal = server.calls.length
    })
    expectNoSecrets(result, [KEY.accessKeyId, KEY.accessKeySecret])

    expect(callsAtSignal).toBeGreaterThan(0)
    expect(result.exitCode).toBe(1)
    expect(result.signal).toBeNull() // it wrote its outputs and exited by itself
    expect(server.calls.length).toBe(callsAtSignal) // nothing sent after the signal
    expect(deletes(server.calls).map(c => c.outcome)).toEqual(['deleted', 'deleted', 'fault:hang'])
    expect(server.listedCertificates().map(c => c.id)).toEqual([b1, b2, c1, c2])
    expect(server.disconnections).toEqual({ 'vss-standin0001': 2 })

    expect(result.outputs).toEqual({
      'revoked-cert-ids': JSON.stringify([a1, a2]),
      absent: '[]',
      count: '2'
    })
    expect(result.errors).toEqual([
      [
        'Cancelled (received SIGTERM): 2 of 6 certificates found were revoked; what remains:',
        `- ${b1} (bob): cancelled during its delete: it may be gone already, or still work`,
        `- ${b2} (bob): not revoked, cancelled before its turn; it still works`,
        `- ${c1} (carol): not revoked, cancelled before its turn; it still works`,
        `- ${c2} (carol): not revoked, cancelled before its turn; it still works`,
        'A re-run of this job finishes the revocation: it deletes only what is left, re-sending the same deletes (ClientTokens), so nothing is done twice.'
      ].join('\n')
    ])
    expect(result.stdout).toContain('::warning::Cancelled (received SIGTERM).')
    expect(result.stdout).toContain(
      '::warning::2 certificates were deleted on vss-standin0001: each delete disconnected every client of that SSL server (2 times in all)'
    )
    expect(result.summary).toContain(
      '<strong>Cancelled</strong> (received SIGTERM): 2 of 6 certificates found were revoked before it.'
    )
    for (const id of [a1, a2]) {
      expect(result.summary).toMatch(new RegExp(`<code>${id}</code></td><td>alice</td><td>revoked`))
    }
    for (const id of [b1, b2, c1, c2]) {
      expect(result.summary).toMatch(
        new RegExp(`<code>${id}</code></td><td>(bob|carol)</td><td><strong>not revoked</strong>`)
      )
    }

    // The re-run of the same job: the four left go.
    const from = server.calls.length
    const again = await revoke(server)
    expect(again.exitCode).toBe(0)
    expect(JSON.parse(again.outputs['revoked-cert-ids'] ?? 'null')).toEqual([b1, b2, c1, c2])
    expect(JSON.parse(again.outputs['absent'] ?? 'null')).toEqual(['alice'])
    const rerun = deletes(server.calls.slice(from))
    expect(rerun.map(c => c.outcome)).toEqual(['deleted', 'deleted', 'deleted', 'deleted'])
    expect(server.listedCertificates()).toEqual([])
    expect(server.disconnections).toEqual({ 'vss-standin0001': 6 })
  })
})

describe('the main action with if-exists: replace (rotation)', () => {
  const WORKFLOW = {
    GITHUB_REPOSITORY: 'acme/rotation',
    GITHUB_RUN_ID: '9003',
    GITHUB_JOB: 'rotate',
    GITHUB_ACTION: 'certificate'
  }
  const ofAction = (calls: readonly CallRecord[], action: string) =>
    calls.filter(c => c.action === action)
  const json = (outputs: Record<string, string>, name: string): unknown =>
    JSON.parse(outputs[name] ?? 'null')

  function rotate(server: StandIn, moves?: ActionMoves) {
    return runWith(
      {
        inputs: {
          'region-id': 'cn-hangzhou',
          'ssl-vpn-server-id': 'vss-standin0001',
          endpoint: server.endpoint,
          'access-key-id': KEY.accessKeyId,
          'access-key-secret': KEY.accessKeySecret,
          name: 'alice',
          'if-exists': 'replace'
        },
        env: WORKFLOW,
        killAfterMs: 60_000
      },
      moves
    )
  }

  /**
   * Rotates alice and sends SIGTERM once the stand-in holds a request of `action`: its state (the
   * request held has arrived), not the clock.
   */
  async function rotateAndSignal(server: StandIn, action: string) {
    let callsAtSignal = -1
    const result = await rotate(server, async running => {
      await running.signalWhen(
        () => ofAction(server.calls, action).some(c => c.outcome === 'fault:hang'),
        { what: `a ${action} held by the stand-in` }
      )
      callsAtSignal = server.calls.length
    })
    expectNoSecrets(result, [KEY.accessKeyId, KEY.accessKeySecret])
    expect(callsAtSignal).toBeGreaterThan(0)
    expect(result.exitCode).toBe(1)
    expect(result.signal).toBeNull() // it wrote its account and exited by itself
    expect(server.calls.length).toBe(callsAtSignal) // nothing sent after the signal
    expect(result.stdout).toContain('::warning::Cancelled (received SIGTERM).')
    return result
  }

  test('SIGTERM while the second old certificate is being deleted: outputs, summary and error name the new one, the old one gone and the old one left; a re-run finishes', async () => {
    const server = await startStandIn({
      existingCertificates: [{ name: 'alice' }, { name: 'alice' }],
      faults: [{ action: 'DeleteSslVpnClientCert', kind: 'hang', afterCalls: 1 }]
    })
    const [old1, old2] = server.certificates.map(c => c.id)
    const result = await rotateAndSignal(server, 'DeleteSslVpnClientCert')
    const fresh = server.certificates[2]?.id
    expect(fresh).toMatch(/^vsc-/)
    expect(ofAction(server.calls, 'DeleteSslVpnClientCert').map(c => c.outcome)).toEqual([
      'deleted',
      'fault:hang'
    ])
    expect(server.listedCertificates().map(c => c.id)).toEqual([old2, fresh])

    const token = result.outputs['client-token']
    expect(token).toMatch(/\S/)
    expect(result.outputs['cert-id']).toBe(fresh)
    expect(result.outputs['created']).toBe('true')
    expect(result.outputs['status']).toBe('normal')
    expect(json(result.outputs, 'cert-ids')).toEqual({ alice: fresh })
    expect(json(result.outputs, 'replaced-cert-ids')).toEqual([old1])
    expect(result.errors).toEqual([
      [
        'Cancelled (received SIGTERM) during the rotation of alice; how far it got:',
        `- alice: new certificate ${fresh}, created and ready`,
        `- ${old1} (old alice): revoked`,
        `- ${old2} (old alice): cancelled during its delete: it may be gone already, or still work`,
        `A re-run of this job finishes the rotation: it gets the same new certificate back (client-token: ${token}), not a second one, and revokes only the old certificates left.`
      ].join('\n')
    ])
    expect(result.stdout).toContain(
      '::warning::One certificate was deleted on vss-standin0001: each delete disconnected every client of that SSL server'
    )
    expect(result.summary).toContain('<strong>Cancelled</strong> (received SIGTERM)')
    expect(result.summary).toContain(`<code>${fresh}</code>`)
    expect(result.summary).toContain(`replaced <code>${old1}</code>`)
    expect(result.summary).toContain(`<strong>not revoked</strong>: <code>${old2}</code>`)

    // The re-run of the same job: the same new certificate, and the old one left goes.
    const from = server.calls.length
    const again = await rotate(server)
    expect(again.exitCode).toBe(0)
    expect(again.outputs['cert-id']).toBe(fresh)
    expect(json(again.outputs, 'replaced-cert-ids')).toEqual([old2])
    expect(
      ofAction(server.calls.slice(from), 'CreateSslVpnClientCert').map(c => c.outcome)
    ).toEqual(['replayed'])
    expect(server.listedCertificates().map(c => c.id)).toEqual([fresh])
  })

  test('SIGTERM while the new certificate is waited for: it is named, created but not seen ready, and no old one was deleted', async () => {
    const server = await startStandIn({
      existingCertificates: [{ name: 'alice' }, { name: 'alice' }],
      faults: [{ action: 'DescribeSslVpnClientCert', kind: 'hang' }]
    })
    const [old1, old2] = server.certificates.map(c => c.id)
    const result = await rotateAndSignal(server, 'DescribeSslVpnClientCert')
    const fresh = server.certificates[2]?.id
    expect(fresh).toMatch(/^vsc-/)
    expect(ofAction(server.calls, 'DeleteSslVpnClientCert')).toEqual([])
    expect(server.listedCertificates().map(c => c.id)).toEqual([old1, old2, fresh])

    const token = result.outputs['client-token']
    expect(result.outputs['cert-id']).toBe(fresh)
    expect(result.outputs['created']).toBe('true')
    expect(result.outputs['status']).toBe('')
    expect(json(result.outputs, 'cert-ids')).toEqual({ alice: fresh })
    expect(json(result.outputs, 'replaced-cert-ids')).toEqual([])
    expect(result.errors).toEqual([
      [
        'Cancelled (received SIGTERM) during the rotation of alice; how far it got:',
        `- alice: new certificate ${fresh}, created but not yet seen ready; no old certificate was deleted`,
        `A re-run of this job finishes the rotation: it gets the same new certificate back (client-token: ${token}), not a second one, and revokes only the old certificates left.`
      ].join('\n')
    ])
    expect(result.stdout).not.toContain('each delete disconnected')
    expect(result.summary).toContain('<strong>Cancelled</strong> (received SIGTERM)')
    expect(result.summary).toContain(`<code>${fresh}</code>`)
    expect(result.summary).toContain('no old certificate was deleted')
  })

  test('SIGTERM while the create is under way: no certificate is named, none was deleted, the token to re-use is', async () => {
    const server = await startStandIn({
      existingCertificates: [{ name: 'alice' }],
      faults: [{ kind: 'hang' }]
    })
    const [old] = server.certificates.map(c => c.id)
    const result = await rotateAndSignal(server, 'CreateSslVpnClientCert')
    expect(server.listedCertificates().map(c => c.id)).toEqual([old])

    const token = result.outputs['client-token']
    expect(result.outputs['cert-id']).toBeUndefined()
    expect(json(result.outputs, 'cert-ids')).toEqual({})
    expect(json(result.outputs, 'replaced-cert-ids')).toEqual([])
    expect(result.errors).toEqual([
      [
        'Cancelled (received SIGTERM) during the rotation of alice; how far it got:',
        '- alice: no new certificate confirmed: cancelled during its create (it may exist; the re-run gets it back rather than a second one); no old certificate was deleted',
        `A re-run of this job finishes the rotation: it gets the same new certificate back (client-token: ${token}), not a second one, and revokes only the old certificates left.`
      ].join('\n')
    ])
    expect(result.summary).toContain('<strong>Cancelled</strong> (received SIGTERM)')
  })
})

describe('the main action, a batch (names) without if-exists: replace', () => {
  const WORKFLOW = {
    GITHUB_REPOSITORY: 'acme/onboarding',
    GITHUB_RUN_ID: '9004',
    GITHUB_JOB: 'onboard',
    GITHUB_ACTION: 'certificates'
  }
  const json = (outputs: Record<string, string>, name: string): unknown =>
    JSON.parse(outputs[name] ?? 'null')

  const onboard = (server: StandIn, moves?: ActionMoves) =>
    runOnThreeNames(server, undefined, WORKFLOW, moves)

  test("SIGTERM during bob's create: alice's outputs and summary are set, bob and carol are named, and a re-run makes only what is missing", async () => {
    const server = await startStandIn({
      faults: [{ action: 'CreateSslVpnClientCert', kind: 'hang', afterCalls: 1 }]
    })
    let callsAtSignal = -1
    const result = await onboard(server, async action => {
      await action.signalWhen(
        () =>
          server.calls.some(
            c => c.action === 'CreateSslVpnClientCert' && c.outcome === 'fault:hang'
          ),
        { what: "bob's create, held by the stand-in" }
      )
      callsAtSignal = server.calls.length
    })
    expectNoSecrets(result, [KEY.accessKeyId, KEY.accessKeySecret])
    expect(callsAtSignal).toBeGreaterThan(0)
    expect(result.exitCode).toBe(1)
    expect(result.signal).toBeNull()
    expect(server.calls.length).toBe(callsAtSignal)

    const [alice] = server.certificates.map(c => c.id)
    expect(alice).toMatch(/^vsc-/)
    expect(json(result.outputs, 'cert-ids')).toEqual({ alice })
    expect(result.errors).toEqual([
      [
        'Cancelled (received SIGTERM) after 1 of 3 certificates were obtained; how far it got:',
        `- alice: created ${alice} (in the outputs)`,
        '- bob: cancelled during its create (it may exist; the re-run gets it back rather than a second one)',
        '- carol: not started',
        'A re-run of this job makes only what is missing: every name keeps its ClientToken, so a certificate created before the cancellation comes back, not a second one.'
      ].join('\n')
    ])
    expect(result.summary).toContain('<strong>Cancelled</strong> (received SIGTERM)')
    expect(result.summary).toContain(`<code>${alice}</code>`)

    // The re-run of the same job: alice back (replayed), bob and carol made once each.
    const again = await onboard(server)
    expect(again.exitCode).toBe(0)
    const ids = json(again.outputs, 'cert-ids') as Record<string, string>
    expect(ids['alice']).toBe(alice)
    expect(Object.keys(ids).sort()).toEqual(['alice', 'bob', 'carol'])
    expect(server.listedCertificates()).toHaveLength(3)
  })
})
