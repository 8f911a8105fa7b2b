import { describe, expect, test } from '@jest/globals'
import { virtualClock } from '../../__fixtures__/virtual-time.js'
import {
  ApiError,
  AttemptLimitError,
  CancelledError,
  DeadlineError,
  TransportError,
  UnexpectedResponseError,
  type ApiErrorFields
} from '../../src/core/errors.js'
import {
  chooseDelay,
  computeBackoffDelay,
  DEFAULT_RETRY_POLICY,
  retryUntilDeadline,
  type RetryEvent,
  type RetryPolicy
} from '../../src/http/retry.js'

function apiError(code: string, httpStatus = 400, extra: Partial<ApiErrorFields> = {}): ApiError {
  return new ApiError({
    code,
    message: `${code} message`,
    requestId: 'REQ-1',
    httpStatus,
    recommend: undefined,
    retryAfterMs: undefined,
    serverDate: undefined,
    clockSkewMs: undefined,
    ...extra
  })
}

/** The largest number `random` may return ([0, 1)). */
const ALMOST_ONE = 1 - Number.EPSILON

/** A policy with round numbers, so the arithmetic below can be checked by eye. */
const TEST_POLICY: RetryPolicy = {
  initialDelayMs: 1_000,
  multiplier: 2,
  maxDelayMs: 5_000,
  minDelayMs: 100,
  maxAttempts: 1_000,
  jitterRatio: 0.5,
  attemptTimeoutMs: 10_000
}

test('the default policy is the one bench/ chose: 2.5 s ×1.5 to a 9 s cap, 40 % jitter, 10 s attempts', () => {
  expect(DEFAULT_RETRY_POLICY).toEqual({
    initialDelayMs: 2_500,
    multiplier: 1.5,
    maxDelayMs: 9_000,
    minDelayMs: 250,
    maxAttempts: 100,
    jitterRatio: 0.4,
    attemptTimeoutMs: 10_000
  })
  const ceilings = [1, 2, 3, 4, 5, 6].map(a =>
    Math.round(computeBackoffDelay(DEFAULT_RETRY_POLICY, a, () => ALMOST_ONE))
  )
  expect(ceilings).toEqual([2500, 3750, 5625, 8438, 9000, 9000])
})

describe('computeBackoffDelay', () => {
  const policy = TEST_POLICY
  /** The documented upper bound: min(maxDelayMs, initialDelayMs * multiplier^(attempt-1)). */
  const ceiling = (attempt: number) =>
    Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1))
  const attempts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

  test('the test policy: 1 s doubling to a 5 s cap, half of it jitter', () => {
    expect(attempts.map(ceiling)).toEqual([
      1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000, 5000, 5000
    ])
  })

  test.each(attempts)('attempt %d stays within [ceiling × (1 − jitter), ceiling]', attempt => {
    const low = computeBackoffDelay(policy, attempt, () => 0)
    const high = computeBackoffDelay(policy, attempt, () => ALMOST_ONE)
    const mid = computeBackoffDelay(policy, attempt, () => 0.5)
    expect(low).toBe(ceiling(attempt) * (1 - policy.jitterRatio))
    expect(high).toBeLessThanOrEqual(ceiling(attempt))
    expect(high).toBeGreaterThan(ceiling(attempt) - 1)
    expect(mid).toBeGreaterThanOrEqual(low)
    expect(mid).toBeLessThanOrEqual(high)
    for (const delay of [low, mid, high]) {
      expect(delay).toBeLessThanOrEqual(policy.maxDelayMs)
      expect(Number.isInteger(delay)).toBe(true)
    }
  })

  test('grows, then caps at maxDelayMs', () => {
    for (const random of [() => 0, () => ALMOST_ONE]) {
      const delays = attempts.map(attempt => computeBackoffDelay(policy, attempt, random))
      for (let i = 1; i < delays.length; i++) {
        expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] ?? Infinity)
      }
      expect(delays[0]).toBeLessThan(delays[3] ?? 0)
      expect(new Set(delays.slice(3)).size).toBe(1)
    }
    expect(computeBackoffDelay(policy, 10, () => ALMOST_ONE)).toBe(policy.maxDelayMs)
  })

  test('no overflow or cap escape at a very late attempt', () => {
    expect(computeBackoffDelay(policy, 5_000, () => ALMOST_ONE)).toBe(policy.maxDelayMs)
  })

  test('jitterRatio 0 is a fixed schedule; 1 is full jitter', () => {
    const fixed: RetryPolicy = { ...policy, jitterRatio: 0 }
    const full: RetryPolicy = { ...policy, jitterRatio: 1 }
    expect(computeBackoffDelay(fixed, 2, () => 0)).toBe(2000)
    expect(computeBackoffDelay(fixed, 2, () => ALMOST_ONE)).toBe(2000)
    expect(computeBackoffDelay(full, 2, () => 0)).toBe(0)
    expect(computeBackoffDelay(full, 2, () => 0.25)).toBe(500)
  })
})

describe('chooseDelay', () => {
  const policy = TEST_POLICY

  test('honours the server’s x-acs-retry-after, even above maxDelayMs', () => {
    const throttled = apiError('Throttling.User', 400, { retryAfterMs: 7_000 })
    expect(chooseDelay(policy, 1, throttled, 60_000, () => 0)).toBe(7_000)
    expect(chooseDelay(policy, 9, throttled, 60_000, () => ALMOST_ONE)).toBe(7_000)
  })

  test('clamps the server’s wait to the time left', () => {
    const throttled = apiError('Throttling.User', 400, { retryAfterMs: 7_000 })
    expect(chooseDelay(policy, 1, throttled, 3_000, () => 0)).toBe(3_000)
  })

  test('without a server wait, it is the backoff', () => {
    const busy = apiError('VpnGateway.Configuring')
    for (const attempt of [1, 2, 3, 6]) {
      expect(chooseDelay(policy, attempt, busy, 60_000, () => 0.3)).toBe(
        computeBackoffDelay(policy, attempt, () => 0.3)
      )
    }
    expect(
      chooseDelay(policy, 2, new TransportError('x', 'ECONNRESET', true), 60_000, () => 0)
    ).toBe(1_000)
  })

  test('clamps the backoff to the time left, and never goes negative', () => {
    const busy = apiError('VpnGateway.Configuring')
    expect(chooseDelay(policy, 6, busy, 1_200, () => ALMOST_ONE)).toBe(1_200)
    expect(chooseDelay(policy, 6, busy, 0, () => ALMOST_ONE)).toBe(0)
    expect(chooseDelay(policy, 6, busy, -50, () => ALMOST_ONE)).toBe(0)
  })
})

describe('retryUntilDeadline in virtual time', () => {
  const policy = TEST_POLICY
  /** Each attempt takes this long on the fake clock. */
  const ATTEMPT_MS = 250

  test('succeeds after N busy answers, with N + 1 attempts and every wait counted', async () => {
    const clock = virtualClock()
    const busyAnswers = 6
    const seen: number[] = []
    const outcome = await retryUntilDeadline(
      async attempt => {
        seen.push(attempt)
        clock.advance(ATTEMPT_MS)
        if (attempt <= busyAnswers) throw apiError('VpnGateway.Configuring')
        return 'vsc-created'
      },
      policy,
      clock.now() + 300_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0.5 }
    )
    expect(outcome.value).toBe('vsc-created')
    expect(outcome.attempts).toBe(busyAnswers + 1)
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(clock.sleeps).toHaveLength(busyAnswers)
    expect(outcome.waitedMs).toBe(clock.sleeps.reduce((sum, s) => sum + s.ms, 0))
    // The waits follow the backoff: 1 s doubling to a 5 s cap, 3/4 of each with random 0.5.
    expect(clock.sleeps.map(s => s.ms)).toEqual([750, 1500, 3000, 3750, 3750, 3750])
  })

  test('succeeds at once without waiting', async () => {
    const clock = virtualClock()
    const outcome = await retryUntilDeadline(async () => 42, policy, clock.now() + 1_000, {
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0.5
    })
    expect(outcome).toEqual({ value: 42, attempts: 1, waitedMs: 0 })
  })

  test.each([
    ['a non-retryable API code', apiError('Forbidden', 403)],
    ['a non-retryable transport fault', new TransportError('bad cert', 'CERT_HAS_EXPIRED', false)],
    ['a 200 without the expected field', new UnexpectedResponseError(200, 'no id')],
    ['a bug', new TypeError('undefined is not a function')]
  ])('%s is thrown as is after exactly 1 attempt', async (_what, error) => {
    const clock = virtualClock()
    let calls = 0
    const run = retryUntilDeadline(
      async () => {
        calls++
        throw error
      },
      policy,
      clock.now() + 300_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0.5 }
    )
    await expect(run).rejects.toBe(error)
    expect(calls).toBe(1)
    expect(clock.sleeps).toHaveLength(0)
  })

  test('a thrown non-Error is passed through after 1 attempt', async () => {
    const clock = virtualClock()
    let calls = 0
    const run = retryUntilDeadline(
      async () => {
        calls++
        throw 'a string'
      },
      policy,
      clock.now() + 300_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0.5 }
    )
    await expect(run).rejects.toBe('a string')
    expect(calls).toBe(1)
  })

  test('the deadline: DeadlineError with the last error and the count; no attempt after it', async () => {
    const clock = virtualClock()
    const deadline = clock.now() + 30_000
    const starts: number[] = []
    const thrown: ApiError[] = []
    const run = retryUntilDeadline(
      async () => {
        starts.push(clock.now())
        clock.advance(ATTEMPT_MS)
        const error = apiError('VpnGateway.Configuring', 400, { requestId: `REQ-${starts.length}` })
        thrown.push(error)
        throw error
      },
      policy,
      deadline,
      {
        now: clock.now,
        sleep: async (ms, signal) => {
          // No wait may run past the deadline.
          expect(ms).toBeLessThanOrEqual(deadline - clock.now())
          await clock.sleep(ms, signal)
        },
        random: () => ALMOST_ONE
      }
    )
    const error = await run.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
    if (!(error instanceof DeadlineError)) return
    expect(error.attempts).toBe(starts.length)
    expect(error.lastError).toBe(thrown.at(-1))
    expect(starts.length).toBeGreaterThan(5)
    for (const start of starts) expect(start).toBeLessThanOrEqual(deadline)
    // The last wait was clamped so that the last attempt started right at the deadline.
    expect(starts.at(-1)).toBe(deadline)
  })

  test('a server wait longer than the time left is cut to the time left', async () => {
    const clock = virtualClock()
    const deadline = clock.now() + 10_000
    const starts: number[] = []
    const run = retryUntilDeadline(
      async () => {
        starts.push(clock.now())
        clock.advance(ATTEMPT_MS)
        throw apiError('Throttling.User', 400, { retryAfterMs: 60_000 })
      },
      policy,
      deadline,
      { now: clock.now, sleep: clock.sleep, random: () => 0 }
    )
    await expect(run).rejects.toBeInstanceOf(DeadlineError)
    expect(clock.sleeps.map(s => s.ms)).toEqual([10_000 - ATTEMPT_MS])
    for (const wait of clock.sleeps) expect(wait.at + wait.ms).toBeLessThanOrEqual(deadline)
    expect(starts).toHaveLength(2)
  })

  test('an attempt that itself runs past the deadline ends the loop', async () => {
    const clock = virtualClock()
    const run = retryUntilDeadline(
      async () => {
        clock.advance(45_000)
        throw new TransportError('No answer within 45 s.', 'ATTEMPT_TIMEOUT', true)
      },
      policy,
      clock.now() + 30_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0.5 }
    )
    const error = await run.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
    expect((error as DeadlineError).attempts).toBe(1)
    expect((error as DeadlineError).lastError).toBeInstanceOf(TransportError)
    expect(clock.sleeps).toHaveLength(0)
  })

  test('an already aborted signal: CancelledError, no attempt', async () => {
    const clock = virtualClock()
    const controller = new AbortController()
    controller.abort()
    let calls = 0
    const run = retryUntilDeadline(
      async () => {
        calls++
        return 1
      },
      policy,
      clock.now() + 300_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0.5, signal: controller.signal }
    )
    await expect(run).rejects.toBeInstanceOf(CancelledError)
    expect(calls).toBe(0)
  })

  test('aborted during an attempt: CancelledError, not a retry', async () => {
    const clock = virtualClock()
    const controller = new AbortController()
    let calls = 0
    const run = retryUntilDeadline(
      async () => {
        calls++
        controller.abort()
        throw new TransportError('aborted', 'UND_ERR_ABORTED', true)
      },
      policy,
      clock.now() + 300_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0.5, signal: controller.signal }
    )
    await expect(run).rejects.toBeInstanceOf(CancelledError)
    expect(calls).toBe(1)
    expect(clock.sleeps).toHaveLength(0)
  })

  test('aborted during a wait: the signal reaches sleep, and no further attempt starts', async () => {
    const clock = virtualClock()
    const controller = new AbortController()
    let calls = 0
    const run = retryUntilDeadline(
      async () => {
        calls++
        throw apiError('VpnGateway.Configuring')
      },
      policy,
      clock.now() + 300_000,
      {
        now: clock.now,
        sleep: clock.sleep,
        random: () => 0.5,
        signal: controller.signal,
        onRetry: () => controller.abort()
      }
    )
    await expect(run).rejects.toBeInstanceOf(CancelledError)
    expect(calls).toBe(1)
  })

  test('onRetry reports each failed attempt with its wait and the time left', async () => {
    const clock = virtualClock()
    const deadline = clock.now() + 60_000
    const events: RetryEvent[] = []
    const failures: { error: Error; remainingMs: number }[] = []
    const outcome = await retryUntilDeadline(
      async attempt => {
        clock.advance(ATTEMPT_MS)
        if (attempt <= 3) {
          const error =
            attempt === 2
              ? apiError('Throttling.User', 400, { retryAfterMs: 2_500 })
              : apiError('VpnGateway.Configuring')
          failures.push({ error, remainingMs: deadline - clock.now() })
          throw error
        }
        return 'ok'
      },
      policy,
      deadline,
      { now: clock.now, sleep: clock.sleep, random: () => 0, onRetry: e => events.push(e) }
    )
    expect(outcome.attempts).toBe(4)
    expect(events.map(e => e.attempt)).toEqual([1, 2, 3])
    expect(events.map(e => e.delayMs)).toEqual(clock.sleeps.map(s => s.ms))
    // random 0: half of 1 s, then the server's 2.5 s, then half of 4 s.
    expect(events.map(e => e.delayMs)).toEqual([500, 2_500, 2_000])
    events.forEach((event, i) => {
      expect(event.error).toBe(failures[i]?.error)
      expect(event.remainingMs).toBe(failures[i]?.remainingMs)
      expect(event.delayMs).toBeLessThanOrEqual(event.remainingMs)
    })
  })
})

describe('leading delays (a batch’s pacing, batch-pacing.ts)', () => {
  test('chooseDelay takes the leading delays first, then the backoff from its first step', () => {
    const busy = apiError('VpnGateway.Configuring')
    const leading = [1_900, 250]
    const delays = [1, 2, 3, 4].map(a =>
      chooseDelay(TEST_POLICY, a, busy, 60_000, () => 0, leading)
    )
    expect(delays).toEqual([1_900, 250, 500, 1_000])
    // The server's x-acs-retry-after still wins.
    const throttled = apiError('Throttling.User', 400, { retryAfterMs: 7_000 })
    expect(chooseDelay(TEST_POLICY, 1, throttled, 60_000, () => 0, leading)).toBe(7_000)
  })

  test('retryUntilDeadline reports when the last retried failure came', async () => {
    const clock = virtualClock()
    let calls = 0
    const outcome = await retryUntilDeadline(
      async () => {
        clock.advance(100)
        if (++calls < 3) throw apiError('VpnGateway.Configuring')
        return 'ok'
      },
      TEST_POLICY,
      clock.now() + 60_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0, leadingDelaysMs: [400, 250] }
    )
    expect(outcome.attempts).toBe(3)
    expect(outcome.lastFailureMs).toBe(100 + 400 + 100)
  })
})

describe('the floor, the attempt limit, and the deadline before every attempt', () => {
  const policy: RetryPolicy = { ...TEST_POLICY, minDelayMs: 500, maxAttempts: 6 }

  test.each([1, 100, 499])(
    'a server advice of %d ms is raised to the floor (500 ms)',
    retryAfterMs => {
      const throttled = apiError('Throttling.User', 400, { retryAfterMs })
      expect(chooseDelay(policy, 1, throttled, 60_000, () => 0)).toBe(500)
    }
  )

  test('backoff and leading delays below the floor are raised to it; the time left still wins', () => {
    const busy = apiError('VpnGateway.Configuring')
    const full: RetryPolicy = { ...policy, jitterRatio: 1 }
    expect(chooseDelay(full, 1, busy, 60_000, () => 0)).toBe(500)
    expect(chooseDelay(policy, 1, busy, 60_000, () => 0, [0, 100])).toBe(500)
    expect(chooseDelay(policy, 1, busy, 300, () => 0)).toBe(300)
  })

  test('no attempt starts after the deadline, the first one included', async () => {
    const clock = virtualClock()
    let calls = 0
    const error = await retryUntilDeadline(
      async () => {
        calls++
        return 'late'
      },
      policy,
      clock.now() - 1,
      { now: clock.now, sleep: clock.sleep, random: () => 0, operation: 'CreateSslVpnClientCert' }
    ).catch((e: unknown) => e)
    expect(calls).toBe(0)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error).toMatchObject({ attempts: 0, operation: 'CreateSslVpnClientCert' })
    expect((error as Error).message).toBe(
      'CreateSslVpnClientCert not started: timeout-seconds reached'
    )
  })

  test('each attempt is told the time left', async () => {
    const clock = virtualClock()
    const deadline = clock.now() + 10_000
    const left: number[] = []
    await retryUntilDeadline(
      async (attempt, remainingMs) => {
        left.push(remainingMs)
        clock.advance(1_000)
        if (attempt < 3) throw apiError('VpnGateway.Configuring')
        return 'ok'
      },
      policy,
      deadline,
      { now: clock.now, sleep: clock.sleep, random: () => 0 }
    )
    expect(left[0]).toBe(10_000)
    const waits = clock.sleeps.map(s => s.ms)
    expect(left).toEqual([
      10_000,
      10_000 - 1_000 - (waits[0] ?? 0),
      10_000 - 2_000 - (waits[0] ?? 0) - (waits[1] ?? 0)
    ])
  })

  test('an attempt that finds no time left: the deadline, with the last real failure', async () => {
    const clock = virtualClock()
    const busy = apiError('VpnGateway.Configuring')
    let calls = 0
    const error = await retryUntilDeadline(
      async () => {
        calls++
        if (calls === 1) throw busy
        throw new DeadlineError('no time left', new Error('not sent'), 0)
      },
      policy,
      clock.now() + 60_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0, operation: 'DescribeSslVpnClientCert' }
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error).toMatchObject({
      attempts: 1,
      lastError: busy,
      operation: 'DescribeSslVpnClientCert'
    })
  })

  test('maxAttempts: AttemptLimitError with the last error, even with time left', async () => {
    const clock = virtualClock()
    const starts: number[] = []
    const error = await retryUntilDeadline(
      async () => {
        starts.push(clock.now())
        throw apiError('Throttling.User', 400, { retryAfterMs: 1 })
      },
      policy,
      clock.now() + 3_600_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0, operation: 'CreateSslVpnClientCert' }
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AttemptLimitError)
    expect(error).toMatchObject({ attempts: 6, operation: 'CreateSslVpnClientCert' })
    expect(starts).toHaveLength(6)
    // The server asked for 1 ms each time; every wait was the floor.
    expect(clock.sleeps.map(s => s.ms)).toEqual([500, 500, 500, 500, 500])
  })

  test('the default limit leaves the benchmarked schedule alone: 290 s busy is waited out', async () => {
    const clock = virtualClock()
    const start = clock.now()
    const outcome = await retryUntilDeadline(
      async () => {
        const startedAt = clock.now()
        clock.advance(100)
        if (startedAt - start < 290_000) throw apiError('VpnGateway.Configuring')
        return 'ok'
      },
      DEFAULT_RETRY_POLICY,
      start + 300_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0 }
    )
    // random 0: the shortest waits, so the most attempts any seed can make.
    expect(outcome.attempts).toBeLessThan(DEFAULT_RETRY_POLICY.maxAttempts)
  })

  test('a cancellation keeps its reason (which signal arrived)', async () => {
    const clock = virtualClock()
    const controller = new AbortController()
    const reason = new CancelledError('received SIGTERM')
    const error = await retryUntilDeadline(
      async () => {
        controller.abort(reason)
        throw new TransportError('aborted', 'UND_ERR_ABORTED', true)
      },
      policy,
      clock.now() + 60_000,
      { now: clock.now, sleep: clock.sleep, random: () => 0, signal: controller.signal }
    ).catch((e: unknown) => e)
    expect(error).toBe(reason)
  })
})
