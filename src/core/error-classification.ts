/**
 * Which failures are worth another attempt: one pure function over the error's class and fields,
 * driven by a constant list of API codes. The retry loop (retry.ts) asks it and knows nothing of
 * codes; the errors themselves are in errors.ts.
 */
import {
  ApiError,
  CertificateNotReadyError,
  CertificateStillListedError,
  TransportError,
  UnexpectedResponseError
} from './errors.js'

/**
 * API codes worth another attempt with the same ClientToken (reference: alibaba-cloud-api.md §3).
 * Any code containing `Throttling` is retryable too (see {@link isRetryable}).
 */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'VpnGateway.Configuring',
  'ServiceUnavailable',
  'InternalError',
  'OperationConflict'
])

function isThrottling(code: string): boolean {
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
  // A certificate whose deletion is under way: wait for it the same way.
  if (error instanceof CertificateStillListedError) return true
  return false
}
