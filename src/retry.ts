/**
 * When to retry and how long to wait: the policy is data, the decisions are pure functions, and the
 * loop takes its clock, sleep and randomness as parameters so tests and benchmarks run it in
 * virtual time.
 */
import {
  ApiError,
  CancelledError,
  CertificateNotReadyError,
  DeadlineError,
  TransportError,
  UnexpectedResponseError
} from './errors.js'

export interface RetryPolicy {
  /** Upper bound of the first backoff wait. */
  readonly initialDelayMs: number
  /** Each later wait's upper bound is the previous one times this. */
  readonly multiplier: number
  /** No single wait is longer than this (a server's `x-acs-retry-after` excepted, up to the deadline). */
  readonly maxDelayMs: number
  /** Share of each wait that is random: 0 = fixed schedule, 1 = "full jitter". */
  readonly jitterRatio: number
  /** How long one attempt may take before it is abandoned and retried. */
  readonly attemptTimeoutMs: number
}

/**
 * The default policy. A `VpnGateway.Configuring` gateway usually settles within seconds to a couple
 * of minutes; starting at 1 s and doubling to a 5 s cap finds the end of a short configuration
 * quickly and, for long ones, polls about every 4–5 s (Terraform's 10 s cap overshoots by 5 s on
 * average). Half of each wait is jitter, so that several jobs waiting on one gateway spread out
 * instead of calling in lockstep. Attempts get 10 s: the official SDKs use 3 s read timeouts, but
 * a busy API answers slower and a false timeout costs a whole backoff.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  initialDelayMs: 1_000,
  multiplier: 2,
  maxDelayMs: 5_000,
  jitterRatio: 0.5,
  attemptTimeoutMs: 10_000
}

/**
 * API codes worth another attempt with the same ClientToken (reference: alibaba-cloud-api.md §3).
 * Any code containing `Throttling` is retryable too (see {@link isRetryable}).
 */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'VpnGateway.Configuring',
  'ServiceUnavailable',
  'InternalError',
  'OperationConflict'
])

export function isThrottling(code: string): boolean {
  return code.includes('Throttling')
}

/** Whether another attempt, with the same ClientToken, may succeed where this one failed. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ApiError) {
    return RETRYABLE_CODES.has(error.code) || isThrottling(error.code) || error.httpStatus >= 500
  }
  if (error instanceof UnexpectedResponseError) return error.httpStatus >= 500
  if (error instanceof TransportError) return error.retryable
  // A certificate that is still being issued: wait for it like for a busy gateway.
  if (error instanceof CertificateNotReadyError) return true
  return false
}

/**
 * The wait before attempt `attempt + 1`, after `attempt` (1-based) failed: an exponential upper
 * bound `min(maxDelayMs, initialDelayMs * multiplier^(attempt-1))`, of which `jitterRatio` is drawn
 * at random. `random` returns a number in [0, 1).
 */
export function computeBackoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number
): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt - 1)
  )
  const fixed = ceiling * (1 - policy.jitterRatio)
  return Math.round(fixed + ceiling * policy.jitterRatio * random())
}

/**
 * The wait to use: the server's `x-acs-retry-after` when it sent one (throttling), else the
 * backoff; clamped to the time left so that no wait runs past the deadline.
 */
export function chooseDelay(
  policy: RetryPolicy,
  attempt: number,
  error: unknown,
  remainingMs: number,
  random: () => number
): number {
  const serverDelay = error instanceof ApiError ? error.retryAfterMs : undefined
  const delay = serverDelay ?? computeBackoffDelay(policy, attempt, random)
  return Math.max(0, Math.min(delay, remainingMs))
}

/** One failed attempt that will be retried, as reported to the log. */
export interface RetryEvent {
  attempt: number
  error: Error
  delayMs: number
  remainingMs: number
}

export interface RetryEnvironment {
  now: () => number
  /** Resolves after `ms`; rejects with CancelledError when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  random: () => number
  signal?: AbortSignal
  onRetry?: (event: RetryEvent) => void
}

export interface RetryOutcome<T> {
  value: T
  attempts: number
  /** Total time spent in backoff waits. */
  waitedMs: number
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, or the deadline passes.
 * No attempt starts after `deadline`; an attempt that started before it may run for up to its own
 * timeout past it. The operation receives its 1-based attempt number.
 */
export async function retryUntilDeadline<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  deadline: number,
  env: RetryEnvironment
): Promise<RetryOutcome<T>> {
  let waitedMs = 0
  for (let attempt = 1; ; attempt++) {
    if (env.signal?.aborted) throw new CancelledError('cancelled')
    try {
      const value = await operation(attempt)
      return { value, attempts: attempt, waitedMs }
    } catch (error) {
      if (env.signal?.aborted) throw new CancelledError('cancelled')
      if (!(error instanceof Error) || !isRetryable(error)) throw error
      const remainingMs = deadline - env.now()
      if (remainingMs <= 0) {
        throw new DeadlineError('deadline reached', error, attempt)
      }
      const delayMs = chooseDelay(policy, attempt, error, remainingMs, env.random)
      env.onRetry?.({ attempt, error, delayMs, remainingMs })
      await env.sleep(delayMs, env.signal)
      waitedMs += delayMs
    }
  }
}
