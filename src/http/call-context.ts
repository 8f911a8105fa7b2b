/**
 * What every call to an outside service needs besides its own parameters: the side effects
 * (dispatcher, clock, sleep, randomness, log, redaction, cancellation), injected so tests and
 * benchmarks control them, and the run's one deadline. Built once per run (runner/composition.ts)
 * and shared by the Alibaba Cloud and GitHub sides.
 */
import type { Redactor } from '../core/redact.js'
import type { RetryPolicy } from './retry.js'
import type { Dispatcher } from './undici.js'

/** Everything with a side effect, injected so tests and benchmarks control it. */
export interface RpcDependencies {
  dispatcher: Dispatcher
  policy: RetryPolicy
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  random: () => number
  newNonce: () => string
  signal?: AbortSignal
  redact: Redactor
  log: (line: string) => void
  /** The run's tally of every call it makes (composition.ts keeps one per step); none in a test that needs none. */
  usage?: ApiUsage
}

/**
 * What a run spent on the API across every operation and certificate, failed ones included: each
 * request sent (every attempt, not each operation) and each backoff wait served in full.
 */
export interface ApiUsage {
  calls: number
  waitedMs: number
}

/**
 * What every call of a run needs besides its own parameters, given once where a client is built
 * (alibaba/vpc-client.ts, alibaba/oidc.ts, github/id-token.ts, github/client.ts): the side effects, and the run's one deadline.
 */
export interface CallContext {
  rpc: RpcDependencies
  /**
   * When the run gives up (`timeout-seconds` from its start): an absolute time in ms on
   * `rpc.now`'s clock. No attempt starts after it, and none runs past it.
   */
  deadline: number
}
