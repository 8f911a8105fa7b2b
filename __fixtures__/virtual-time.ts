/**
 * Virtual time for the unit tests of everything that waits or calls the network: a fake clock
 * whose `sleep` advances it (and records the wait) instead of waiting, deterministic randomness
 * and nonces, an undici `MockAgent` in place of the network, and the log captured.
 *
 * - `virtualClock()` alone drives the retry loop (retry.ts takes `now`, `sleep` and `random`).
 * - `virtualRun()` builds the `RpcDependencies` every client takes (rpc.ts), around a clock.
 * - `virtualRunPerTest()` gives each test a fresh run and closes its agent afterwards.
 */
import { afterEach, beforeEach } from '@jest/globals'
import { MockAgent } from 'undici'
import { CancelledError } from '../src/core/errors.js'
import { createRedactor, type Redactor } from '../src/core/redact.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../src/http/retry.js'
import type { CallContext, RpcDependencies } from '../src/alibaba/rpc.js'

/** Where virtual time starts unless a test says otherwise (2023-11-14T22:13:20Z). */
const VIRTUAL_START = 1_700_000_000_000

export interface VirtualClock {
  /** The virtual time, in ms. */
  now: () => number
  /** Moves the clock on, as an attempt that takes `ms` would. */
  advance: (ms: number) => void
  /** Records the wait and advances the clock by `ms`; rejects, as sleep.ts does, once aborted. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Every wait so far, with the virtual time it started at. */
  readonly sleeps: { ms: number; at: number }[]
}

export function virtualClock(start: number = VIRTUAL_START): VirtualClock {
  let time = start
  const sleeps: { ms: number; at: number }[] = []
  return {
    now: () => time,
    advance: ms => {
      time += ms
    },
    sleeps,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new CancelledError('cancelled during the wait')
      sleeps.push({ ms, at: time })
      time += ms
    }
  }
}

export interface VirtualRunOptions {
  /** Default VIRTUAL_START. */
  start?: number
  /** Default: a redactor that knows no secret. */
  redact?: Redactor
  /** Default 0.5: every backoff wait halfway between its jittered bounds. */
  random?: () => number
  /** Default DEFAULT_RETRY_POLICY. */
  policy?: RetryPolicy
  /** Default: each line appended to `logLines`. */
  log?: (line: string) => void
}

export interface VirtualRun {
  clock: VirtualClock
  /** The network: no connection leaves it (`disableNetConnect`). */
  agent: MockAgent
  /** What `rpc.log` received, unless a `log` was given. */
  logLines: string[]
  rpc: RpcDependencies
  /** The side effects with a deadline `ms` from now on the virtual clock. */
  withDeadlineIn: (ms: number) => CallContext
}

/**
 * The side effects of a run in virtual time: nonces `nonce-1`, `nonce-2`…, the clock's `sleep`,
 * the agent as dispatcher. Close `agent` when done (`virtualRunPerTest` does).
 */
export function virtualRun(options: VirtualRunOptions = {}): VirtualRun {
  const clock = virtualClock(options.start)
  const agent = new MockAgent()
  agent.disableNetConnect()
  const logLines: string[] = []
  let nonces = 0
  const rpc: RpcDependencies = {
    dispatcher: agent,
    policy: options.policy ?? DEFAULT_RETRY_POLICY,
    now: clock.now,
    sleep: clock.sleep,
    random: options.random ?? (() => 0.5),
    newNonce: () => `nonce-${++nonces}`,
    redact: options.redact ?? createRedactor([]),
    log: options.log ?? (line => logLines.push(line))
  }
  return {
    clock,
    agent,
    logLines,
    rpc,
    withDeadlineIn: ms => ({ rpc, deadline: clock.now() + ms })
  }
}

/**
 * A fresh `virtualRun(options())` before each test, its agent closed after it. Returns the
 * function that gives the current test's run. `options` is called per test, so it may read
 * state the file's own `beforeEach` set.
 */
export function virtualRunPerTest(options: () => VirtualRunOptions = () => ({})): () => VirtualRun {
  let current: VirtualRun | undefined
  beforeEach(() => {
    current = virtualRun(options())
  })
  afterEach(async () => {
    await current?.agent.close()
    current = undefined
  })
  return () => {
    if (current === undefined) throw new Error('virtualRunPerTest: used outside a test')
    return current
  }
}
