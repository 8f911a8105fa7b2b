import { describe, expect, test } from '@jest/globals'
import * as errors from '../../src/core/errors.js'
import {
  ApiError,
  AttemptLimitError,
  CancelledError,
  CertificateElsewhereError,
  CertificateExistsError,
  CertificateNotReadyError,
  CertificateStillListedError,
  DeadlineError,
  ExpectedFailure,
  GitHubError,
  InconsistentAnswerError,
  InputError,
  PermissionError,
  ProfileError,
  RecipientError,
  TransportError,
  UnexpectedResponseError
} from '../../src/core/errors.js'

const busy = new ApiError({
  code: 'VpnGateway.Configuring',
  message: 'busy',
  requestId: 'R1',
  httpStatus: 400,
  recommend: undefined,
  retryAfterMs: undefined,
  serverDate: undefined,
  clockSkewMs: undefined
})

/** One instance of every class errors.ts exports, by the name it must carry. */
const INSTANCES: Record<string, Error> = {
  InputError: new InputError('region-id', 'is empty'),
  ApiError: busy,
  UnexpectedResponseError: new UnexpectedResponseError(502, 'HTML page'),
  TransportError: new TransportError('reset', 'ECONNRESET', true),
  DeadlineError: new DeadlineError('deadline reached', busy, 3),
  AttemptLimitError: new AttemptLimitError('attempt limit reached', busy, 100),
  CertificateNotReadyError: new CertificateNotReadyError('vsc-1', 'creating'),
  CertificateExistsError: new CertificateExistsError('ci', ['vsc-1']),
  ProfileError: new ProfileError('/tmp/x', 'is a symbolic link'),
  CancelledError: new CancelledError('received SIGTERM'),
  GitHubError: new GitHubError(403, 'Resource not accessible by integration'),
  CertificateStillListedError: new CertificateStillListedError('vsc-1'),
  CertificateElsewhereError: new CertificateElsewhereError('vsc-1', 'vss-1'),
  PermissionError: new PermissionError('vpc:DeleteSslVpnClientCert', 'Forbidden', 'R1', 'refused'),
  InconsistentAnswerError: new InconsistentAnswerError(
    'DescribeSslVpnClientCerts',
    'every certificate on vss-1',
    'R1',
    'page 2 came back as PageNumber 1'
  ),
  RecipientError: new RecipientError('github:alice-gh has no public SSH key age can encrypt to')
}

describe('ExpectedFailure', () => {
  test.each(Object.entries(INSTANCES))(
    '%s is an expected failure, an Error, and carries its own name',
    (name, error) => {
      expect(error).toBeInstanceOf(ExpectedFailure)
      expect(error).toBeInstanceOf(Error)
      expect(error.name).toBe(name)
      expect(String(error)).toMatch(new RegExp(`^${name}: `))
    }
  )

  test('every error class errors.ts exports is listed above, so none is left out', () => {
    // Whatever they extend: one that extends Error directly would fail the test above.
    const classes = Object.entries(errors).filter(
      ([, value]) =>
        typeof value === 'function' && value.prototype instanceof Error && value !== ExpectedFailure
    )
    expect(classes.map(([name]) => name).sort()).toEqual(Object.keys(INSTANCES).sort())
  })

  test.each([
    ['a plain Error', new Error('bug')],
    ['a TypeError', new TypeError('undefined is not a function')],
    ['a look-alike', Object.assign(new Error('x'), { name: 'InputError' })]
  ])('%s is not: it is a bug, reported with its stack', (_what, error) => {
    expect(error).not.toBeInstanceOf(ExpectedFailure)
  })
})
