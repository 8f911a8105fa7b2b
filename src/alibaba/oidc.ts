/**
 * Keyless credentials: the job's GitHub OIDC token, exchanged with STS `AssumeRoleWithOIDC`
 * (2015-04-01, anonymous) for short-lived keys of a RAM role. The token and the keys are masked
 * the moment they exist; the token is never written anywhere.
 */
import { ANSWER_SHAPES, answerField, type AnswerSource } from './answer-text.js'
import {
  AttemptLimitError,
  CancelledError,
  DeadlineError,
  InputError,
  TransportError,
  UnexpectedResponseError
} from '../core/errors.js'
import { type CallContext } from '../http/call-context.js'
import { callRpc } from './rpc.js'
import { type Environment } from '../core/environment.js'
import type { CredentialSettings, OidcSettings } from './settings.js'
import type { Credentials } from './signer.js'
import { objectField, stringField, type JsonObject } from './transport.js'

const STS_API_VERSION = '2015-04-01'
const ASSUME_ROLE_WITH_OIDC = 'AssumeRoleWithOIDC'

/** The side effects and the run's deadline (rpc.ts), and what the exchange needs besides. */
export interface OidcDependencies extends CallContext {
  /**
   * Asks the runner's token service for a token with this audience, by `deadline` (the run's:
   * id-token.ts `requestIdToken` in production).
   */
  getIDToken: (audience: string, deadline: number) => Promise<string>
  /** Masks a secret in the runner's log and in everything this action prints. */
  mask: (secret: string) => void
  env: Environment
}

interface StsCredentials {
  credentials: Credentials
  /** ISO time the keys expire, as STS reports it. */
  expiration: string | undefined
  requestId: string | undefined
  attempts: number
}

/**
 * The job's OIDC token for `audience`. GitHub offers one only to jobs with
 * `permissions: id-token: write`; without it the request variables are absent.
 */
export async function fetchOidcToken(
  audience: string,
  deps: Pick<OidcDependencies, 'getIDToken' | 'mask' | 'env' | 'rpc' | 'deadline'>
): Promise<string> {
  if (!deps.env['ACTIONS_ID_TOKEN_REQUEST_URL'] || !deps.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
    throw new InputError(
      'role-to-assume',
      "needs the job's OIDC token, but GitHub did not offer one: add `permissions: id-token: write` (and `contents: read`) to the workflow or the job. (ACTIONS_ID_TOKEN_REQUEST_URL is not set.)",
      'credentials'
    )
  }
  let token: string
  try {
    token = await deps.getIDToken(audience, deps.deadline)
  } catch (error) {
    // Cancellation, the deadline and a bad runner variable are reported as such.
    if (
      error instanceof CancelledError ||
      error instanceof DeadlineError ||
      error instanceof AttemptLimitError ||
      error instanceof InputError
    ) {
      throw error
    }
    const detail = deps.rpc.redact(error instanceof Error ? error.message : String(error))
    throw new TransportError(
      `Could not get the OIDC token from GitHub (audience ${JSON.stringify(audience)}): ${detail}`,
      'OIDC_TOKEN',
      false
    )
  }
  deps.mask(token)
  return token
}

/** Exchanges `token` for STS keys; masks them before returning. Retries like every call. */
export async function assumeRoleWithOidc(
  oidc: OidcSettings,
  token: string,
  deps: OidcDependencies
): Promise<StsCredentials> {
  const { redact } = deps.rpc
  const { answer, attempts } = await callRpc(
    {
      endpoint: oidc.stsEndpoint,
      action: ASSUME_ROLE_WITH_OIDC,
      version: STS_API_VERSION,
      params: {},
      auth: {
        kind: 'anonymous',
        body: {
          RoleArn: oidc.roleArn,
          OIDCProviderArn: oidc.oidcProviderArn,
          OIDCToken: token,
          RoleSessionName: oidc.roleSessionName,
          DurationSeconds: String(oidc.durationSeconds)
        }
      }
    },
    deps,
    {
      logPrefix: ASSUME_ROLE_WITH_OIDC,
      accept: answer => {
        // Mask whatever came back before anything could print it, complete or not.
        const fields = objectField(answer, 'Credentials')
        for (const name of STS_KEY_FIELDS) {
          const value = stringField(fields, name)
          if (value !== undefined) deps.mask(value)
        }
        issuedCredentials(answer, redact)
      }
    }
  )
  return { ...issuedCredentials(answer, redact), attempts }
}

const STS_KEY_FIELDS = ['AccessKeyId', 'AccessKeySecret', 'SecurityToken'] as const

/**
 * The keys, expiration and RequestId of an AssumeRoleWithOIDC answer, each checked against its
 * shape (keys are never quoted). Throws when a key is missing or any is malformed.
 */
function issuedCredentials(
  answer: JsonObject,
  redact: AnswerSource['redact']
): Omit<StsCredentials, 'attempts'> {
  const requestId = stringField(answer, 'RequestId')
  const source = { action: ASSUME_ROLE_WITH_OIDC, redact, requestId }
  const fields = objectField(answer, 'Credentials')
  const [accessKeyId, accessKeySecret, securityToken] = STS_KEY_FIELDS.map(name =>
    answerField(fields, name, ANSWER_SHAPES.keyMaterial, source, 'Credentials.')
  )
  const expiration = answerField(fields, 'Expiration', ANSWER_SHAPES.time, source, 'Credentials.')
  if (!accessKeyId || !accessKeySecret || !securityToken) {
    throw new UnexpectedResponseError(
      200,
      `STS ${ASSUME_ROLE_WITH_OIDC} answered without complete Credentials${requestId ? ` (RequestId: ${requestId})` : ''}.`,
      requestId,
      'Credentials'
    )
  }
  return { credentials: { accessKeyId, accessKeySecret, securityToken }, expiration, requestId }
}

/** The keys to sign with: as given, or from the OIDC exchange. */
export async function obtainCredentials(
  settings: { credentials: CredentialSettings },
  deps: OidcDependencies
): Promise<Credentials> {
  const source = settings.credentials
  if (source.source !== 'oidc') return source.keys
  const token = await fetchOidcToken(source.oidc.audience, deps)
  const sts = await assumeRoleWithOidc(source.oidc, token, deps)
  deps.rpc.log(
    `Assumed ${source.oidc.roleArn} as session ${source.oidc.roleSessionName} with the job's OIDC token${sts.expiration ? `; keys valid until ${sts.expiration}` : ''} (RequestId: ${sts.requestId ?? 'none'}).`
  )
  return sts.credentials
}
