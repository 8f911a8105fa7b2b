import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { CancelledError } from '../../src/core/errors.js'
import { sleep } from '../../src/core/sleep.js'

describe('sleep', () => {
  beforeEach(() => {
    jest.useFakeTimers()
  })

  afterEach(() => {
    jest.useRealTimers()
  })

  /** Tracks whether a promise has settled, and how. */
  function track(promise: Promise<void>) {
    const state: { settled: 'pending' | 'resolved' | 'rejected'; reason?: unknown } = {
      settled: 'pending'
    }
    promise.then(
      () => {
        state.settled = 'resolved'
      },
      (reason: unknown) => {
        state.settled = 'rejected'
        state.reason = reason
      }
    )
    return state
  }

  test('resolves after the given time, not before', async () => {
    const state = track(sleep(1_000))
    await jest.advanceTimersByTimeAsync(999)
    expect(state.settled).toBe('pending')
    await jest.advanceTimersByTimeAsync(1)
    expect(state.settled).toBe('resolved')
  })

  test('with a signal that never aborts, resolves too and leaves no listener', async () => {
    const controller = new AbortController()
    const removed = jest.spyOn(controller.signal, 'removeEventListener')
    const state = track(sleep(500, controller.signal))
    await jest.advanceTimersByTimeAsync(500)
    expect(state.settled).toBe('resolved')
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function))
    // A later cancellation does not reach a finished wait.
    controller.abort(new CancelledError('late'))
    await jest.advanceTimersByTimeAsync(0)
    expect(state.settled).toBe('resolved')
  })

  test('an already aborted signal: rejects at once with its reason, no timer left', async () => {
    const controller = new AbortController()
    const reason = new CancelledError('received SIGTERM')
    controller.abort(reason)
    const state = track(sleep(60_000, controller.signal))
    await jest.advanceTimersByTimeAsync(0)
    expect(state.settled).toBe('rejected')
    expect(state.reason).toBe(reason)
    expect(jest.getTimerCount()).toBe(0)
  })

  test('aborted mid-wait: rejects promptly with the reason and clears its timer', async () => {
    const controller = new AbortController()
    const reason = new CancelledError('received SIGINT')
    const state = track(sleep(60_000, controller.signal))
    await jest.advanceTimersByTimeAsync(1_000)
    expect(state.settled).toBe('pending')
    controller.abort(reason)
    await jest.advanceTimersByTimeAsync(0)
    expect(state.settled).toBe('rejected')
    expect(state.reason).toBe(reason)
    expect(jest.getTimerCount()).toBe(0)
  })

  test('aborted without a reason: rejects with the signal’s own AbortError', async () => {
    const controller = new AbortController()
    const state = track(sleep(60_000, controller.signal))
    controller.abort()
    await jest.advanceTimersByTimeAsync(0)
    expect(state.settled).toBe('rejected')
    expect(state.reason).toBe(controller.signal.reason)
    expect((state.reason as { name?: unknown }).name).toBe('AbortError')
  })
})
