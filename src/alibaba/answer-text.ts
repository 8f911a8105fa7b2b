/**
 * Everything the action takes from an API answer is hostile input: a custom `endpoint`, a
 * compromised front end or a TLS-inspecting proxy can write any answer. This module is the one way
 * answer text gets out: identifiers are checked against their shape before they are logged, used or
 * set as outputs (an answer that fails is an "unexpected answer", never a success), and free text
 * (messages, recommendations, body excerpts) is redacted, put on one line, stripped of characters
 * that hide or reorder text, and cut, so it can never start a line of the log, an annotation or an
 * output, nor break out of a summary cell.
 */
import { UnexpectedResponseError } from '../core/errors.js'
import type { Redactor } from '../core/redact.js'
import { cutText, escapeInvisible, quoteShown, revealsSecret, WITHHELD } from '../core/text.js'

/** The most of an answer that is read: an API answer is a few kilobytes. */
export const MAX_ANSWER_BYTES = 1024 * 1024
/** The most of a malformed value quoted in an error. */
const MAX_QUOTED_VALUE_LENGTH = 60

/** The longest name kept from an answer: the API allows 100; older certificates had up to 128. */
const MAX_ANSWER_NAME_LENGTH = 256

/** The shape an identifier from an answer must have. */
interface AnswerShape {
  pattern: RegExp
  /** What is expected, for the error: `expected <this>`. */
  expected: string
  /** Never quoted in an error (key material). */
  secret?: boolean
  /** A further check, e.g. that a time exists. */
  valid?: (value: string) => boolean
  /**
   * Set for free text that is taken whatever it holds: every string is accepted, in the form this
   * gives (one line, nothing hidden), redacted; `pattern` is then not used.
   */
  shown?: (value: string) => string
}

export const ANSWER_SHAPES = {
  requestId: { pattern: /^[A-Za-z0-9-]{1,128}$/, expected: '1 to 128 letters, digits and "-"' },
  code: {
    pattern: /^[A-Za-z0-9._-]{1,128}$/,
    expected: '1 to 128 letters, digits, ".", "_" and "-"'
  },
  certificateId: {
    pattern: /^vsc-[a-z0-9]{1,64}$/,
    expected: '"vsc-" followed by 1 to 64 lowercase letters and digits'
  },
  sslVpnServerId: {
    pattern: /^vss-[a-z0-9]{1,64}$/,
    expected: '"vss-" followed by 1 to 64 lowercase letters and digits'
  },
  /**
   * A certificate's name as the API gives it: not our input rule (input-rules.ts `NAME_PATTERN`,
   * for what we send), since the API allows 1 to 100 characters not starting with http:// or
   * https://, and older certificates carry spaces or CJK names (alibaba-cloud-api.md §9). Every
   * string is taken, so one odd certificate made in the console never stops a report, a revoke
   * or a sync of its server. It is kept in the form every log line, summary, issue and output
   * shows: characters that end a line or hide text (controls, U+2028, bidi overrides) as
   * `\uXXXX`, cut to 256 characters, secrets redacted. Names are compared with our inputs,
   * which never hold such characters, so matching is unchanged.
   */
  name: {
    pattern: /^/,
    expected: 'a string',
    shown: value => cutText(escapeInvisible(value), MAX_ANSWER_NAME_LENGTH)
  },
  status: {
    pattern: /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
    expected: 'a word of up to 64 letters, digits, "_" and "-", such as "normal"'
  },
  time: {
    pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/,
    expected: 'a UTC time such as "2025-03-01T12:00:00Z"',
    valid: value => !Number.isNaN(Date.parse(value))
  },
  /** `CaCert`, `ClientCert`: one or more PEM certificates (a CA may come with its chain). */
  certificatePem: {
    pattern:
      /^\s*(?:-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]{1,65536}-----END CERTIFICATE-----\s*){1,8}$/,
    expected: 'PEM certificates',
    secret: true
  },
  /** `ClientKey`: one PEM private key (PKCS#1, SEC1 or PKCS#8), nothing around it. */
  privateKeyPem: {
    pattern:
      /^\s*-----BEGIN ((?:RSA |EC )?)PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]{1,65536}-----END \1PRIVATE KEY-----\s*$/,
    expected: 'one PEM private key',
    secret: true
  },
  keyMaterial: {
    pattern: /^[\x21-\x7e]{1,16384}$/,
    expected: 'printable ASCII without spaces, at most 16384 characters',
    secret: true
  }
} as const satisfies Record<string, AnswerShape>

/** Which answer a value came from, for the error. */
export interface AnswerSource {
  /** The API action answered, e.g. `CreateSslVpnClientCert`. */
  action: string
  redact: Redactor
  /** Default 200. */
  httpStatus?: number
  /** The answer's RequestId, when already known to be well-formed. */
  requestId?: string | undefined
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** The error for an answer whose `field` (a path, e.g. `Credentials.Expiration`) is `problem`. */
export function unexpectedAnswer(
  source: AnswerSource,
  field: string,
  problem: string
): UnexpectedResponseError {
  const requestId = source.requestId ? ` (RequestId: ${source.requestId})` : ''
  return new UnexpectedResponseError(
    source.httpStatus ?? 200,
    `Unexpected answer to ${source.action}${requestId}: ${field} ${problem}. Something other than the Alibaba Cloud API answered, or changed the answer on its way (a proxy?); the answer was not used.`,
    source.requestId,
    field
  )
}

/**
 * A value taken from an answer, checked against its shape: undefined when absent, null or empty;
 * the value when it has the shape; otherwise an "unexpected answer" error naming `field` and the
 * action, quoting the value safely and cut (never a secret).
 */
export function checkedValue(
  value: unknown,
  field: string,
  shape: AnswerShape,
  source: AnswerSource
): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'string' && shape.shown !== undefined) {
    return source.redact(shape.shown(value))
  }
  if (typeof value === 'string' && shape.pattern.test(value) && (shape.valid?.(value) ?? true)) {
    return value
  }
  const shown =
    typeof value !== 'string'
      ? describeValue(value)
      : shape.secret
        ? 'malformed (not shown: it is a secret)'
        : quotedValue(value, source.redact)
  throw unexpectedAnswer(source, field, `is ${shown}; expected ${shape.expected}`)
}

/** `object[field]` checked as by {@link checkedValue}; `path` names the object in the error. */
export function answerField(
  object: Readonly<Record<string, unknown>> | undefined,
  field: string,
  shape: AnswerShape,
  source: AnswerSource,
  path = ''
): string | undefined {
  return checkedValue(object?.[field], `${path}${field}`, shape, source)
}

/** The latest time a millisecond field is believed to hold: 9999-12-31T23:59:59.999Z. */
const MAX_TIME_MS = 253_402_300_799_999

/**
 * `object[field]` as a time in whole milliseconds since 1970 (`CreateTime`, `EndTime`): undefined
 * when absent or null; the number when it is a whole number from 0 to the year 9999; otherwise an
 * "unexpected answer" error naming `field` (`path` names the object) and showing the value safely.
 */
export function answerMilliseconds(
  object: Readonly<Record<string, unknown>> | undefined,
  field: string,
  source: AnswerSource,
  path = ''
): number | undefined {
  const value = object?.[field]
  if (value === undefined || value === null) return undefined
  const whole = typeof value === 'number' && Number.isSafeInteger(value)
  if (whole && value >= 0 && value <= MAX_TIME_MS) return value
  const shown =
    typeof value === 'number'
      ? String(value)
      : typeof value === 'string'
        ? quotedValue(value, source.redact)
        : describeValue(value)
  throw unexpectedAnswer(
    source,
    `${path}${field}`,
    `is ${shown}; expected a whole number of milliseconds since 1970-01-01 (before the year 10000)`
  )
}

/** A malformed value, redacted, cut and quoted; withheld if a secret would survive unescaping. */
function quotedValue(value: string, redact: Redactor): string {
  const redacted = redact(value, MAX_QUOTED_VALUE_LENGTH)
  const cut = value.length > MAX_QUOTED_VALUE_LENGTH ? `${redacted}…` : redacted
  if (revealsSecret(cut, redact)) return `a value ${WITHHELD}`
  return `${quoteShown(cut)}${value.length > MAX_QUOTED_VALUE_LENGTH ? ` (${value.length} characters)` : ''}`
}
