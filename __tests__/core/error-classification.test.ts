import { describe, expect, test } from '@jest/globals'
import { isRetryable } from '../../src/core/error-classification.js'
import {
  ApiError,
  CancelledError,
  DeadlineError,
  TransportError,
  UnexpectedResponseError,
  type ApiErrorFields
} from '../../src/core/errors.js'

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

describe('isRetryable', () => {
  // Reference alibaba-cloud-api.md §3: code, its HTTP status, retry?
  test.each([
    ['VpnGateway.Configuring', 400, true],
    ['Throttling', 400, true],
    ['Throttling.User', 400, true],
    ['Throttling.Api', 429, true],
    ['Throttling.Resource', 400, true],
    ['Vpc.Throttling.Burst', 400, true],
    ['ServiceUnavailable', 503, true],
    ['InternalError', 500, true],
    ['OperationConflict', 409, true],
    ['Forbidden', 403, false],
    ['Forbbiden.SubUser', 403, false],
    ['Resource.QuotaFull', 400, false],
    ['VpnGateway.FinancialLocked', 400, false],
    ['InvalidName', 400, false],
    ['SignatureDoesNotMatch', 400, false],
    ['SignatureDoesNotMatch', 403, false],
    ['InvalidAccessKeyId.NotFound', 404, false],
    ['InvalidTimeStamp.Expired', 400, false],
    ['SignatureNonceUsed', 400, false],
    ['IdempotentParameterMismatch', 400, false],
    // classified by code, not by status
    ['InternalError', 400, true],
    ['ServiceUnavailable', 400, true],
    // any 5xx, even with a code nobody listed
    ['Vpc.SomethingNew', 500, true],
    ['Vpc.SomethingNew', 502, true],
    ['Vpc.SomethingNew', 400, false],
    ['throttling.lowercase', 400, false]
  ])('ApiError %s (HTTP %d): %s', (code, status, expected) => {
    expect(isRetryable(apiError(code, status))).toBe(expected)
  })

  test.each([
    [502, true],
    [503, true],
    [504, true],
    [500, true],
    [200, false],
    [404, false],
    [400, false]
  ])('UnexpectedResponseError HTTP %d: %s', (status, expected) => {
    expect(isRetryable(new UnexpectedResponseError(status, 'not an API answer'))).toBe(expected)
  })

  test.each([
    [true, true],
    [false, false]
  ])('TransportError with retryable=%s: %s', (retryable, expected) => {
    expect(isRetryable(new TransportError('no answer', 'ECONNRESET', retryable))).toBe(expected)
  })

  test.each([
    ['a plain Error', new Error('bug')],
    ['a TypeError', new TypeError('bug')],
    ['a DeadlineError', new DeadlineError('late', apiError('VpnGateway.Configuring'), 3)],
    ['a CancelledError', new CancelledError('cancelled')],
    ['a string', 'VpnGateway.Configuring'],
    ['undefined', undefined],
    ['a look-alike object', { code: 'VpnGateway.Configuring', httpStatus: 503 }]
  ])('%s is not retryable', (_what, error) => {
    expect(isRetryable(error)).toBe(false)
  })
})
