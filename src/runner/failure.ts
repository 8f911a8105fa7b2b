/**
 * Turns an error into the one message a user reads when the step fails: what happened, with the
 * API's code and RequestId, and for the known cases one line on what to do next.
 */
import { cutText, MAX_SHOWN_TEXT_LENGTH, singleLine } from '../alibaba/answer-text.js'
import {
  ApiError,
  AttemptLimitError,
  CancelledError,
  CertificateExistsError,
  DeadlineError,
  InputError,
  TransportError,
  UnexpectedResponseError
} from '../core/errors.js'

/** Facts about the run that make a hint concrete. */
export interface FailureContext {
  clientToken: string | undefined
  timeoutSeconds: number | undefined
  /** With keyless credentials: the STS endpoint in use and the run's region-id (see stsHint). */
  sts?: { origin: string; regionId: string } | undefined
}

/** One-line hints for the codes a user can act on. */
export const HINTS: Readonly<Record<string, string>> = {
  Forbidden:
    'The RAM identity behind these keys lacks permission: grant it vpc:CreateSslVpnClientCert on this SSL server (README, "Security").',
  'Forbbiden.SubUser':
    'This RAM user may not act on a resource of another account: grant vpc:CreateSslVpnClientCert on this SSL server from the owning account (README, "Security").',
  'Resource.QuotaFull':
    'The SSL server has reached its client-certificate quota: delete unused certificates (DeleteSslVpnClientCert) or raise the quota, then re-run.',
  'VpnGateway.FinancialLocked':
    'The VPN gateway is suspended for an overdue payment: top up the Alibaba Cloud account, then re-run.',
  InvalidName:
    'The name must be 2 to 128 characters: letters, digits, ".", "_" and "-", starting with a letter.',
  'InvalidTimeStamp.Expired':
    "The runner's clock is more than 15 minutes off: sync it (NTP) on a self-hosted runner.",
  SignatureDoesNotMatch:
    'The AccessKeySecret does not belong to this AccessKeyId (check the secret for stray characters), or with STS keys the security token does not match.',
  'InvalidAccessKeyId.NotFound':
    'This AccessKeyId does not exist or was deleted: check the secret, or create a new AccessKey in the RAM console.',
  'InvalidAccessKeyId.Inactive':
    'This AccessKey is disabled: enable it or use another one in the RAM console.',
  SignatureNonceUsed:
    'A request was replayed with a used nonce; this is a bug in the action if it persists: please report it.',
  IdempotentParameterMismatch:
    'This client-token was already used with other parameters (region, SSL server or name): use a new client-token, or the parameters of the first call.',
  // STS AssumeRoleWithOIDC (keyless credentials)
  'AuthenticationFail.NoPermission':
    'STS refused the exchange: check that the OIDC provider exists and that the role\'s trust policy allows it and this repository (README, "Keyless credentials").',
  'AuthenticationFail.OIDCToken.AudienceNotMatch':
    "The token's audience is not a client ID of the OIDC provider: set `audience` to one (default sts.aliyuncs.com).",
  'AuthenticationFail.OIDCToken.Expired':
    "The OIDC token expired before STS checked it: re-run, and check the runner's clock.",
  'AuthenticationFail.OIDCToken.Invalid':
    'STS could not read the OIDC token: this is a bug in the action if it persists: please report it.',
  'AuthenticationFail.OIDCToken.InvalidSignature':
    "STS could not verify the token's signature: check the OIDC provider's issuer URL (https://token.actions.githubusercontent.com) and fingerprint.",
  'EntityNotExist.Role': 'The role in role-to-assume does not exist: check the ARN.',
  'VpnGateway.Configuring':
    'The VPN gateway was still applying a change: raise timeout-seconds, or re-run later.'
}

/** Below this, the `Date` header (1 s resolution) cannot explain an expired timestamp. */
const CLOCK_SKEW_WORTH_REPORTING_MS = 60_000

function withRequestId(text: string, requestId: string | undefined): string {
  return requestId ? `${text} (RequestId: ${requestId})` : text
}

/** A clock difference as a person says it; `Date` has 1 s resolution, so no false precision. */
function formatDuration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000)
  if (seconds < 120) return `${seconds} s`
  const minutes = Math.round(seconds / 60)
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`
}

/** Text from an answer as one line of a message: whatever built the error, never more. */
function shown(text: string): string {
  return cutText(singleLine(text), MAX_SHOWN_TEXT_LENGTH)
}

function describeApiError(error: ApiError): string {
  const lines = [
    withRequestId(`${shown(error.code)}: ${shown(error.message)}`, shown(error.requestId ?? ''))
  ]
  const skew = error.clockSkewMs
  if (error.code === 'InvalidTimeStamp.Expired' && skew !== undefined && error.serverDate) {
    const serverDate = error.serverDate.toISOString()
    lines.push(
      Math.abs(skew) < CLOCK_SKEW_WORTH_REPORTING_MS
        ? `The runner's clock agrees with the API's within ${formatDuration(skew)} (server Date: ${serverDate}), so the request may have been held up on its way (a proxy?); re-run, and check the runner's network path.`
        : `The runner's clock is about ${formatDuration(skew)} ${skew > 0 ? 'behind' : 'ahead of'} the API's (server Date: ${serverDate}); the API accepts 15 minutes. Sync the runner's clock (NTP).`
    )
  } else {
    const hint = HINTS[error.code]
    if (hint) lines.push(hint)
    else if (error.recommend) lines.push(`Diagnosis: ${shown(error.recommend)}`)
  }
  return lines.join('\n')
}

/**
 * When STS could not be reached (a transport fault, or the deadline after transport faults): the
 * central endpoint is served from mainland China and often times out from elsewhere, so point at
 * the regional one of the run's region, unless that is the one that failed.
 */
function stsHint(error: Error, sts: FailureContext['sts']): string | undefined {
  const fault =
    error instanceof DeadlineError || error instanceof AttemptLimitError ? error.lastError : error
  if (!sts || !(fault instanceof TransportError) || fault.origin !== sts.origin) return undefined
  if (!fault.retryable && fault.transportCode !== 'ENOTFOUND') return undefined
  const regional = `sts.${sts.regionId}.aliyuncs.com`
  if (sts.origin === `https://${regional}`) return undefined
  return `STS at ${sts.origin} could not be reached. The central sts.aliyuncs.com is served from mainland China and often times out from elsewhere: a regional endpoint such as ${regional} may answer, set with the sts-endpoint input or the ALIBABA_CLOUD_STS_REGION (or ALIBABA_CLOUD_STS_ENDPOINT) variable.`
}

/** The failure message for `core.setFailed`. */
export function describeFailure(error: unknown, context: FailureContext): string {
  const reuse = context.clientToken
    ? `Re-run, or pass client-token: ${context.clientToken}, to get the same certificate without making a second one.`
    : undefined
  if (error instanceof InputError || error instanceof CertificateExistsError) return error.message
  if (error instanceof ApiError) return describeApiError(error)
  if (error instanceof DeadlineError && error.attempts === 0) {
    return `${error.operation ? `${error.operation} was not started` : 'Not attempted'}: timeout-seconds (${context.timeoutSeconds ?? '?'} s) was reached before its turn.`
  }
  if (error instanceof DeadlineError || error instanceof AttemptLimitError) {
    const last = describeFailure(error.lastError, {
      clientToken: undefined,
      timeoutSeconds: undefined
    })
    const limit =
      error instanceof DeadlineError
        ? `timeout-seconds (${context.timeoutSeconds ?? '?'} s) reached`
        : `the most attempts the action makes of ${error.operation ?? 'one operation'}`
    return [
      `Gave up after ${error.attempts} ${error.attempts === 1 ? 'attempt' : 'attempts'}: ${limit}. Last answer: ${last}`,
      stsHint(error, context.sts),
      reuse
    ]
      .filter(Boolean)
      .join('\n')
  }
  if (error instanceof CancelledError) {
    return ['The workflow was cancelled before the certificate was confirmed.', reuse]
      .filter(Boolean)
      .join('\n')
  }
  if (error instanceof UnexpectedResponseError || error instanceof TransportError) {
    return [
      error.message,
      stsHint(error, context.sts),
      error instanceof TransportError && !error.retryable ? undefined : reuse
    ]
      .filter(Boolean)
      .join('\n')
  }
  return error instanceof Error ? error.message : String(error)
}

/**
 * The failure message of a batch: how many failed, then one line per failed name with its error
 * (first line, with code and RequestId). The others were obtained; a re-run makes only these.
 */
export function describeBatchFailure(
  outcomes: ReadonlyArray<{ ok: boolean; requested: string | undefined; error?: Error }>,
  timeoutSeconds: number
): string {
  const failed = outcomes.filter(o => !o.ok)
  const lines = failed.map(o => {
    const text = describeFailure(o.error, { clientToken: undefined, timeoutSeconds })
    return `- ${o.requested ?? '(unnamed)'}: ${text.split('\n').join(' ')}`
  })
  return [
    `${failed.length} of ${outcomes.length} certificates failed (the others were obtained; a re-run makes only what is missing):`,
    ...lines
  ].join('\n')
}
