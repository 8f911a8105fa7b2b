/**
 * The real clock's wait, for production use (tests and benchmarks inject their own).
 * Rejects with the signal's reason as soon as the workflow is cancelled, even mid-wait.
 */
import { CancelledError } from './errors.js'

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new CancelledError('cancelled'))
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason ?? new CancelledError('cancelled'))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
