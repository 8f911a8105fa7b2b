/**
 * End to end over dist/index.js: transport and HTTP faults between the runner and the API. The
 * action must never make a second certificate, never hang, and say what happened.
 */
import { describe, expect, test } from '@jest/globals'
import type { Fault } from '../../test-server/stand-in.mjs'
import { runAction, type RunOptions } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'
import { closedPort } from '../../__fixtures__/ports.js'
import {
  configuringAnswers,
  type ActionMoves,
  releaseBusyGateway,
  runActionWhile
} from '../../__fixtures__/wait-for.js'

const KEY = DEFAULT_KEY

const start = standInPerTest()

function inputs(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'region-id': 'cn-hangzhou',
    'ssl-vpn-server-id': 'vss-standin0001',
    name: 'faulty',
    endpoint,
    'access-key-id': KEY.accessKeyId,
    'access-key-secret': KEY.accessKeySecret,
    ...extra
  }
}

/** Runs the action, with the test's `moves` beside it (`runActionWhile`) when there are any. */
async function run(options: RunOptions, moves?: ActionMoves) {
  const result = await (moves ? runActionWhile(options, moves) : runAction(options))
  expectNoSecrets(result, [KEY.accessKeyId, KEY.accessKeySecret])
  return result
}

function retryLines(stdout: string): string[] {
  return stdout.split('\n').filter(line => line.startsWith('Attempt '))
}

describe('faults that are retried until the certificate is confirmed', () => {
  test('the create commits but the response is lost: the retry returns the same certificate', async () => {
    const server = await start({ faults: [{ kind: 'lose-response' }] })
    const result = await run({ inputs: inputs(server.endpoint) })
    expect(result.exitCode).toBe(0)
    expect(server.calls.map(c => [c.outcome, c.innerOutcome])).toEqual([
      ['fault:lose-response', 'created'],
      ['replayed', null]
    ])
    expect(server.certificates).toHaveLength(1)
    expect(result.outputs['cert-id']).toBe(server.certificates[0]?.id)
    expect(retryLines(result.stdout)[0]).toMatch(/^Attempt 1: Connection to .* failed/)
  })

  const retried: [string, Fault, RegExp][] = [
    ['a reset connection', { kind: 'reset' }, /Connection to .* failed/],
    ['500 with JSON', { kind: 'status', status: 500, body: 'json' }, /InternalError/],
    ['503 with JSON', { kind: 'status', status: 503, body: 'json' }, /ServiceUnavailable/],
    [
      '502 with an HTML page',
      { kind: 'status', status: 502, body: 'html' },
      /HTTP 502, not an API answer/
    ],
    [
      '504 with an HTML page',
      { kind: 'status', status: 504, body: 'html' },
      /HTTP 504, not an API answer/
    ],
    ['throttling without x-acs-retry-after', { kind: 'throttle' }, /Throttling\.User/]
  ]
  test.each(retried)('%s: retried once, one certificate', async (_what, fault, logged) => {
    const server = await start({ faults: [fault] })
    const result = await run({ inputs: inputs(server.endpoint) })
    expect(result.exitCode).toBe(0)
    expect(server.calls).toHaveLength(2)
    expect(server.certificates).toHaveLength(1)
    const lines = retryLines(result.stdout)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(logged)
  })

  test('throttling with x-acs-retry-after: waits what the API asks', async () => {
    const server = await start({ faults: [{ kind: 'throttle', retryAfterMs: 2_300 }] })
    const result = await run({ inputs: inputs(server.endpoint) })
    expect(result.exitCode).toBe(0)
    expect(retryLines(result.stdout)[0]).toContain('retrying in 2.3 s')
    const [first, second] = server.calls
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(2_200)
  })

  test('a slow, trickling answer is read to the end', async () => {
    const server = await start({ faults: [{ kind: 'trickle', chunkDelayMs: 20, chunkBytes: 3 }] })
    const result = await run({ inputs: inputs(server.endpoint) })
    expect(result.exitCode).toBe(0)
    expect(server.calls).toHaveLength(1)
    expect(result.outputs['cert-id']).toBe(server.certificates[0]?.id)
  })

  test('a hung attempt times out after 10 s and is retried with the same token', async () => {
    const server = await start({ faults: [{ kind: 'hang' }] })
    const result = await run({ inputs: inputs(server.endpoint) })
    expect(result.exitCode).toBe(0)
    expect(retryLines(result.stdout)[0]).toMatch(/^Attempt 1: No answer from .* within 10 s/)
    expect(server.calls).toHaveLength(2)
    expect(server.calls[0]?.clientToken).toBe(server.calls[1]?.clientToken)
    expect(server.certificates).toHaveLength(1)
  }, 40_000)
})

describe('faults that end the step', () => {
  test('a refused connection is retried until the deadline, then explained', async () => {
    const port = await closedPort()
    const result = await run({
      inputs: inputs(`127.0.0.1:${port}`, { 'timeout-seconds': '3' })
    })
    expect(result.exitCode).toBe(1)
    expect(retryLines(result.stdout).length).toBeGreaterThanOrEqual(2)
    expect(result.errors[0]).toMatch(/^Gave up after \d+ attempts: timeout-seconds \(3 s\) reached/)
    expect(result.errors[0]).toContain('ECONNREFUSED')
    // That the step ended by the deadline is the message above (the action's own clock); an
    // upper bound on wall-clock time would fail only because the machine is busy.
  })

  test.each([
    ['', undefined],
    [' even with NODE_TLS_REJECT_UNAUTHORIZED=0', '0']
  ])(
    'a certificate the runner does not trust: fails at once, says so%s',
    async (_what, rejectUnauthorized) => {
      const server = await start({ tls: 'untrusted' })
      const result = await run({
        inputs: inputs(server.endpoint),
        env: { NODE_TLS_REJECT_UNAUTHORIZED: rejectUnauthorized }
      })
      expect(result.exitCode).toBe(1)
      expect(server.calls).toHaveLength(0) // the handshake failed: no request was ever sent
      expect(server.certificates).toHaveLength(0)
      expect(retryLines(result.stdout)).toHaveLength(0)
      expect(result.errors[0]).toMatch(
        /TLS certificate of https:\/\/127\.0\.0\.1:\d+ was not trusted/
      )
      expect(result.errors[0]).toContain('NODE_EXTRA_CA_CERTS')
    }
  )

  test.each([
    ['a body that is not JSON', { kind: 'not-json' } as Fault, /not JSON/],
    [
      'JSON without SslVpnClientCertId',
      { kind: 'missing-id' } as Fault,
      /without an SslVpnClientCertId/
    ]
  ])('a 200 with %s: a clear error, never an empty output', async (_what, fault, message) => {
    const server = await start({ faults: [fault] })
    const result = await run({ inputs: inputs(server.endpoint) })
    expect(result.exitCode).toBe(1)
    expect(server.calls).toHaveLength(1)
    expect(result.errors[0]).toMatch(message)
    expect(result.outputs['cert-id']).toBeUndefined()
    expect(result.outputs['cert-ids']).toBe('{}')
    expect(Object.keys(result.outputs).sort()).toEqual([
      'cert-ids',
      'client-token',
      'config-files',
      'encrypted-to'
    ])
  })
})

describe('idempotency under a busy gateway', () => {
  test('busy after every create; two runs with the same client-token make one certificate', async () => {
    // Busy for a minute of the stand-in's clock, which never moves on here: the second run comes
    // while the gateway is busy however slow the machine, and its replay is answered all the same.
    const server = await start({ busyAfterCreateMs: 60_000 })
    const token = 'onboarding-2026-11-alice'
    const first = await run({ inputs: inputs(server.endpoint, { 'client-token': token }) })
    const second = await run({ inputs: inputs(server.endpoint, { 'client-token': token }) })
    expect([first.exitCode, second.exitCode]).toEqual([0, 0])
    expect(server.certificates).toHaveLength(1)
    expect(second.outputs['cert-id']).toBe(first.outputs['cert-id'])
    expect(server.calls.map(c => c.outcome)).toEqual(['created', 'replayed'])
    expect(server.calls.every(c => c.clientToken === token)).toBe(true)
  })

  test('busy after every create; a second name waits for the gateway, then gets its own', async () => {
    // Busy for a minute of the stand-in's clock, which the test moves on once the second run has
    // been told Configuring: the gateway is busy when it arrives however slow the machine is.
    const busyMs = 60_000
    const server = await start({ busyAfterCreateMs: busyMs })
    await run({ inputs: inputs(server.endpoint, { name: 'first' }) })
    const second = await run(
      { inputs: inputs(server.endpoint, { name: 'second' }) },
      releaseBusyGateway(server, busyMs)
    )
    expect(second.exitCode).toBe(0)
    expect(server.certificates.map(c => c.name)).toEqual(['first', 'second'])
    expect(configuringAnswers(server)).toBe(1)
  })
})
