/**
 * The action's error classes. Each carries the facts a user needs to act (which input, which API
 * code, which RequestId) and a stable `name`. All extend {@link ExpectedFailure}, so `main.ts` can
 * tell an expected failure (one line, no stack trace) from a bug without keeping a list. Which of
 * them are worth another attempt is decided in error-classification.ts.
 */

/**
 * A failure the action anticipates and explains in one line: anything else that is thrown is a
 * bug, reported with its stack trace (under debug logging). Every class below extends it; a new
 * one must too, and set its own `name`.
 */
export abstract class ExpectedFailure extends Error {
  /** The class's own name (`InputError`…), stable: tests and logs tell failures apart by it. */
  abstract override readonly name: string
}

/** A bad or missing input, found before any network call. */
export class InputError extends ExpectedFailure {
  override readonly name = 'InputError'

  /**
   * @param input the input's name as written in a workflow (`region-id`), or several joined by `/`
   * @param problem what is wrong and what is expected, in one sentence
   * @param source whether `input` names an action input or an environment variable
   */
  constructor(
    readonly input: string,
    problem: string,
    source: 'input' | 'environment' | 'credentials' = 'input'
  ) {
    const subject = {
      input: `Input '${input}'`,
      environment: `Environment variable ${input}`,
      credentials: 'Credentials'
    }
    super(`${subject[source]}: ${problem}`)
  }
}

/** The fields of an Alibaba Cloud error answer (`{ Code, Message, RequestId, HostId, Recommend }`). */
export interface ApiErrorFields {
  code: string
  message: string
  requestId: string | undefined
  httpStatus: number
  recommend: string | undefined
  /** Milliseconds from the `x-acs-retry-after` header, when the server sent one. */
  retryAfterMs: number | undefined
  /** The server's clock from the `Date` header, when it sent one (used to explain clock skew). */
  serverDate: Date | undefined
  /** Server clock minus local clock when the answer arrived (from `Date`; 1 s resolution). */
  clockSkewMs: number | undefined
}

/** An error answer from the API, with its code. Messages are already redacted. */
export class ApiError extends ExpectedFailure implements ApiErrorFields {
  override readonly name = 'ApiError'
  readonly code: string
  readonly requestId: string | undefined
  readonly httpStatus: number
  readonly recommend: string | undefined
  readonly retryAfterMs: number | undefined
  readonly serverDate: Date | undefined
  readonly clockSkewMs: number | undefined

  constructor(fields: ApiErrorFields) {
    super(fields.message)
    this.code = fields.code
    this.requestId = fields.requestId
    this.httpStatus = fields.httpStatus
    this.recommend = fields.recommend
    this.retryAfterMs = fields.retryAfterMs
    this.serverDate = fields.serverDate
    this.clockSkewMs = fields.clockSkewMs
  }
}

/**
 * An answer that is not an Alibaba Cloud API answer: an HTML page from a proxy, a 200 without the
 * expected field, a field of the wrong shape, a body that is not JSON or too large. `httpStatus`
 * tells whether it is worth retrying (5xx).
 */
export class UnexpectedResponseError extends ExpectedFailure {
  override readonly name = 'UnexpectedResponseError'

  /**
   * @param field what was wrong with the answer, when one part of it was (`SslVpnClientCertId`,
   *   `Credentials.Expiration`, `body` for an answer too large to read)
   */
  constructor(
    readonly httpStatus: number,
    message: string,
    readonly requestId: string | undefined = undefined,
    readonly field: string | undefined = undefined
  ) {
    super(message)
  }
}

/**
 * No answer at all: connection refused or reset, DNS failure, TLS failure, or the attempt's own
 * timeout. `retryable` is false for faults that another attempt cannot fix (an untrusted
 * certificate, an unknown host).
 */
export class TransportError extends ExpectedFailure {
  override readonly name = 'TransportError'

  /**
   * @param origin the `https://host[:port]` that could not be reached, when known (failure.ts
   * tells an unreachable STS endpoint by it)
   */
  constructor(
    message: string,
    readonly transportCode: string,
    readonly retryable: boolean,
    readonly origin: string | undefined = undefined
  ) {
    super(message)
  }
}

/**
 * The deadline (`timeout-seconds`) passed while the operation was still being retried, or before
 * it could start (`attempts` 0).
 */
export class DeadlineError extends ExpectedFailure {
  override readonly name = 'DeadlineError'

  /** @param operation what was being attempted (`CreateSslVpnClientCert`), when known */
  constructor(
    message: string,
    readonly lastError: Error,
    readonly attempts: number,
    readonly operation: string | undefined = undefined
  ) {
    super(message)
  }
}

/**
 * The operation failed the policy's `maxAttempts` times in a row, each time with a retryable error:
 * retrying stops before the deadline, so that no server answer can keep the action calling.
 */
export class AttemptLimitError extends ExpectedFailure {
  override readonly name = 'AttemptLimitError'

  constructor(
    message: string,
    readonly lastError: Error,
    readonly attempts: number,
    readonly operation: string | undefined = undefined
  ) {
    super(message)
  }
}

/** The certificate exists but its Status is not `normal` yet: worth asking again. */
export class CertificateNotReadyError extends ExpectedFailure {
  override readonly name = 'CertificateNotReadyError'

  constructor(
    readonly certId: string,
    readonly status: string
  ) {
    super(`certificate ${certId} has Status ${JSON.stringify(status)}, not "normal" yet`)
  }
}

/** `if-exists: fail` and a certificate of that name is already there. */
export class CertificateExistsError extends ExpectedFailure {
  override readonly name = 'CertificateExistsError'

  constructor(
    readonly certName: string,
    readonly existingIds: string[]
  ) {
    super(
      `A certificate named ${certName} already exists on this SSL server (${existingIds.join(', ')}), and if-exists is "fail". Use if-exists: reuse to return it, or another name.`
    )
  }
}

/**
 * A profile that cannot be written safely: config-dir or the file in its place is not what it
 * must be (a symbolic link, not a regular file, writable by another user). `path` is named in the
 * message.
 */
export class ProfileError extends ExpectedFailure {
  override readonly name = 'ProfileError'

  constructor(
    readonly path: string,
    message: string
  ) {
    super(message)
  }
}

/**
 * An error answer of the GitHub REST API, or an answer that is not what it documents (the
 * report's tracking issue): the message says what was refused and what to do.
 */
export class GitHubError extends ExpectedFailure {
  override readonly name = 'GitHubError'

  /** @param httpStatus the answer's status; 0 for an answer that was not what it should be */
  constructor(
    readonly httpStatus: number,
    message: string
  ) {
    super(message)
  }
}

/** The workflow was cancelled (SIGINT/SIGTERM) while the action was working. */
export class CancelledError extends ExpectedFailure {
  override readonly name = 'CancelledError'
}

/** A deleted certificate is still listed: its deletion is under way, worth listing again. */
export class CertificateStillListedError extends ExpectedFailure {
  override readonly name = 'CertificateStillListedError'

  constructor(readonly certId: string) {
    super(`${certId} is still listed (its deletion is under way)`)
  }
}

/** `cert-id` names a certificate of another SSL server than `ssl-vpn-server-id`: refused. */
export class CertificateElsewhereError extends ExpectedFailure {
  override readonly name = 'CertificateElsewhereError'

  constructor(
    readonly certId: string,
    readonly sslVpnServerId: string
  ) {
    super(
      `${certId} is a certificate of another SSL server, not of ${sslVpnServerId}: refused, nothing was deleted for it. Check cert-id, or ssl-vpn-server-id.`
    )
  }
}

/**
 * The API refused an operation for lack of permission (`Forbidden`, `Forbbiden.SubUser`), and it
 * is known not to mean something else: `permission` is the RAM action to grant.
 */
export class PermissionError extends ExpectedFailure {
  override readonly name = 'PermissionError'

  constructor(
    readonly permission: string,
    readonly code: string,
    readonly requestId: string | undefined,
    message: string
  ) {
    super(message)
  }
}
