/**
 * How long to wait and when to stop: the policy is data, the waits are pure functions, and the
 * loop takes its clock, sleep and randomness as parameters so tests and benchmarks run it in
 * virtual time. Which failures are retried is error-classification.ts's call; a batch's leading
 * waits come from batch-pacing.ts.
 */
import { isRetryable } from '../core/error-classification.js'
import { ApiError, AttemptLimitError, CancelledError, DeadlineError } from '../core/errors.js'

export interface RetryPolicy {
  /** Upper bound of the first backoff wait. */
  readonly initialDelayMs: number
  /** Each later wait's upper bound is the previous one times this. */
  readonly multiplier: number
  /** No single wait is longer than this (a server's `x-acs-retry-after` excepted, up to the deadline). */
  readonly maxDelayMs: number
  /** No wait is shorter than this (the server's advice included), unless less time is left. */
  readonly minDelayMs: number
  /** Attempts of one operation, the first included, before it gives up even with time left. */
  readonly maxAttempts: number
  /** Share of each wait that is random: 0 = fixed schedule, 1 = "full jitter". */
  readonly jitterRatio: number
  /** How long one attempt may take before it is abandoned and retried. */
  readonly attemptTimeoutMs: number
}

/**
 * The default policy, chosen with `npm run bench` (bench/README.md, part 2): against a gateway busy
 * for T = 2, 5, 30, 120 and 290 s it overshoots T by a median of 0.6, 0.8, 2.7, 3.5 and 3.8 s
 * (Terraform's 0.5, 1, 2, 4, 8, 10 s… schedule: 1.9, 3.0, 6.3, 7.2, 8.9 s) with 2, 3, 7, 20 and 43
 * calls (Terraform: 4, 5, 8, 17, 34).
 *
 * - 2.5 s first wait: Terraform's 0.5 s and 1 s polls rarely find a gateway done; 2.5 s still
 *   catches a 2 s configuration on the second call.
 * - ×1.5 growth to a 9 s cap: a 5 s configuration is caught by the third call, and long ones are
 *   polled every 7.3 s on average (Terraform: 10 s), halving the overshoot for ~1.2× the calls.
 * - 40 % of each wait is random: the least jitter that keeps 20 jobs waiting on one gateway from
 *   polling in lockstep (without jitter they take ~4× the time the gateway needs; with it, ~1.6×).
 * - 10 s per attempt: the official SDKs use 3 s read timeouts, but a busy API answers slower and a
 *   false timeout costs a whole backoff.
 * - At least 250 ms between attempts: a server that advises `x-acs-retry-after: 1` (or a bug that
 *   makes any wait zero) gets at most 4 calls a second, not a storm. 250 ms is the shortest wait
 *   the action already makes on purpose (the probe step of batch-pacing.ts), so the floor changes
 *   none of the schedules bench/ measured.
 * - At most 100 attempts per operation: even when every answer asks for the shortest wait, one
 *   operation makes a bounded number of calls. The backoff alone needs more than 8 minutes for 100
 *   attempts (43 calls for a gateway busy 290 s), so only a server advising short waits meets it.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  initialDelayMs: 2_500,
  multiplier: 1.5,
  maxDelayMs: 9_000,
  minDelayMs: 250,
  maxAttempts: 100,
  jitterRatio: 0.4,
  attemptTimeoutMs: 10_000
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
 * The wait to use: the server's `x-acs-retry-after` when it sent one (throttling), else a leading
 * delay when the caller knows better (batch pacing), else the backoff (counted from the first
 * attempt after the leading delays); never shorter than the policy's `minDelayMs`, and clamped to
 * the time left so that no wait runs past the deadline.
 */
export function chooseDelay(
  policy: RetryPolicy,
  attempt: number,
  error: unknown,
  remainingMs: number,
  random: () => number,
  leadingDelaysMs: readonly number[] = []
): number {
  const serverDelay = error instanceof ApiError ? error.retryAfterMs : undefined
  const delay =
    serverDelay ??
    leadingDelaysMs[attempt - 1] ??
    computeBackoffDelay(policy, attempt - leadingDelaysMs.length, random)
  return Math.max(0, Math.min(Math.max(delay, policy.minDelayMs), remainingMs))
}

/** One failed attempt that will be retried, as reported to the log. */
export interface RetryEvent {
  attempt: number
  error: Error
  delayMs: number
  remainingMs: number
}

interface RetryEnvironment {
  now: () => number
  /** Resolves after `ms`; rejects with CancelledError when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  random: () => number
  signal?: AbortSignal
  onRetry?: (event: RetryEvent) => void
  /** Waits to use before the policy's backoff (batch-pacing.ts). */
  leadingDelaysMs?: readonly number[]
  /** What is attempted (`CreateSslVpnClientCert`), for the errors that end the loop. */
  operation?: string
}

interface RetryOutcome<T> {
  value: T
  attempts: number
  /** Total time spent in backoff waits. */
  waitedMs: number
  /** When the last retried failure came, counted from the start; undefined if none. */
  lastFailureMs: number | undefined
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, fails `policy.maxAttempts`
 * times, or the deadline passes. No attempt starts after `deadline`, the first included; an
 * attempt gets the time left (`deadline - now`) as its second argument, and one that finds no time
 * to do anything throws a DeadlineError, which ends the loop like the deadline itself. The
 * operation receives its 1-based attempt number.
 */
export async function retryUntilDeadline<T>(
  operation: (attempt: number, remainingMs: number) => Promise<T>,
  policy: RetryPolicy,
  deadline: number,
  env: RetryEnvironment
): Promise<RetryOutcome<T>> {
  const started = env.now()
  let waitedMs = 0
  let lastFailureMs: number | undefined
  let lastError: Error | undefined
  const deadlineReached = (attempts: number) =>
    lastError === undefined
      ? new DeadlineError(
          `${env.operation ?? 'the operation'} not started: timeout-seconds reached`,
          new Error('not started'),
          0,
          env.operation
        )
      : new DeadlineError('deadline reached', lastError, attempts, env.operation)
  // The signal's own reason when it is one (main.ts says which signal arrived).
  const cancelled = () =>
    env.signal?.reason instanceof CancelledError
      ? env.signal.reason
      : new CancelledError('cancelled')
  for (let attempt = 1; ; attempt++) {
    if (env.signal?.aborted) throw cancelled()
    const remainingMs = deadline - env.now()
    if (remainingMs < 0) throw deadlineReached(attempt - 1)
    try {
      const value = await operation(attempt, remainingMs)
      return { value, attempts: attempt, waitedMs, lastFailureMs }
    } catch (error) {
      if (env.signal?.aborted) throw cancelled()
      // The attempt found no time left to do anything: it did not happen.
      if (error instanceof DeadlineError) throw deadlineReached(attempt - 1)
      if (!(error instanceof Error) || !isRetryable(error)) throw error
      lastError = error
      lastFailureMs = env.now() - started
      const remainingMs = deadline - env.now()
      if (remainingMs <= 0) throw deadlineReached(attempt)
      if (attempt >= policy.maxAttempts) {
        throw new AttemptLimitError('attempt limit reached', error, attempt, env.operation)
      }
      const delayMs = chooseDelay(
        policy,
        attempt,
        error,
        remainingMs,
        env.random,
        env.leadingDelaysMs
      )
      env.onRetry?.({ attempt, error, delayMs, remainingMs })
      await env.sleep(delayMs, env.signal)
      waitedMs += delayMs
    }
  }
}
