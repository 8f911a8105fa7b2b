/**
 * End to end over dist/index.js: cancellation. When a workflow is cancelled the runner sends
 * SIGINT, then SIGTERM. The action must stop at once — mid-backoff or mid-request — say it was
 * cancelled and which ClientToken to re-use, and exit non-zero.
 */
import { expect, test } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import type { StandIn, StandInOptions } from '../../test-server/stand-in.mjs'
import { runAction } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'

const KEY = DEFAULT_KEY
const startStandIn = standInPerTest()

/**
 * Runs the action and sends `signal` as soon as `ready(stdout)` holds. Resolves with the result
 * and the time from the signal to the process's exit.
 */
async function runAndSignal(
  options: StandInOptions,
  signal: NodeJS.Signals,
  ready: (stdout: string, server: StandIn) => boolean
) {
  const server = await startStandIn(options)
  let child: ChildProcess | undefined
  let stdout = ''
  let signalledAt = 0
  let callsAtSignal = 0
  const resultPromise = runAction({
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-standin0001',
      endpoint: server.endpoint,
      'access-key-id': KEY.accessKeyId,
      'access-key-secret': KEY.accessKeySecret,
      'client-token': 'cancel-me-token-0001'
    },
    onSpawn: spawned => (child = spawned),
    onStdout: chunk => {
      stdout += chunk
      if (!signalledAt && ready(stdout, server)) {
        signalledAt = performance.now()
        callsAtSignal = server.calls.length
        child?.kill(signal)
      }
    }
  })
  // A hung request prints nothing new: poll the stand-in for the call instead.
  const poll = setInterval(() => {
    if (!signalledAt && child && ready(stdout, server)) {
      signalledAt = performance.now()
      callsAtSignal = server.calls.length
      child.kill(signal)
    }
  }, 50)
  const result = await resultPromise
  clearInterval(poll)
  const exitedAt = performance.now()
  expectNoSecrets(result, [KEY.accessKeyId, KEY.accessKeySecret])
  return {
    result,
    server,
    stopMs: exitedAt - signalledAt,
    signalled: signalledAt > 0,
    callsAtSignal
  }
}

test.each(['SIGINT', 'SIGTERM'] as const)(
  '%s in the middle of a backoff wait: stops at once, names the token, exits non-zero',
  async signal => {
    // Busy for good; the third wait is 2–4 s long, so a prompt stop is distinguishable from waiting it out.
    const { result, server, stopMs, signalled, callsAtSignal } = await runAndSignal(
      { busyCalls: 1_000 },
      signal,
      stdout => stdout.includes('Attempt 3:')
    )
    expect(signalled).toBe(true)
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
  const { result, server, stopMs, signalled } = await runAndSignal(
    { faults: [{ kind: 'hang' }] },
    'SIGINT',
    (_stdout, s) => s.calls.length === 1
  )
  expect(signalled).toBe(true)
  expect(result.exitCode).toBe(1)
  expect(server.certificates).toHaveLength(0)
  expect(result.errors[0]).toContain('client-token: cancel-me-token-0001')
  console.info(`SIGINT during a hung request: exited ${stopMs.toFixed(0)} ms after the signal`)
  // Not waiting for the 10 s attempt timeout that would otherwise have ended the request.
  expect(stopMs).toBeLessThan(5_000)
})
