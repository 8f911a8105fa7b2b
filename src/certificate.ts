/**
 * The service: create one SSL-VPN client certificate with `CreateSslVpnClientCert` (VPC 2016-04-28),
 * retrying while the gateway is busy, with one ClientToken for every attempt and a fresh signature
 * (date, nonce) for each.
 */
import type { Dispatcher } from 'undici'
import { sendSignedRequest, stringField } from './client.js'
import { ApiError, UnexpectedResponseError } from './errors.js'
import type { Redactor } from './redact.js'
import { retryUntilDeadline, type RetryEvent, type RetryPolicy } from './retry.js'
import type { Settings } from './settings.js'
import { signRequest, type RpcRequest } from './signer.js'

export const VPC_API_VERSION = '2016-04-28'
export const CREATE_ACTION = 'CreateSslVpnClientCert'

export interface CertificateResult {
  certId: string
  name: string
  requestId: string
  clientToken: string
  attempts: number
  /** Time spent in backoff waits (the gateway busy, throttling, faults). */
  waitedMs: number
  elapsedMs: number
}

/** Everything with a side effect, injected so tests and benchmarks control it. */
export interface ServiceDependencies {
  dispatcher: Dispatcher
  policy: RetryPolicy
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  random: () => number
  newNonce: () => string
  signal?: AbortSignal
  redact: Redactor
  log: (line: string) => void
}

/** The operation's parameters, in the API's names. */
export function createRequestParams(settings: Settings): Record<string, string> {
  const params: Record<string, string> = {
    RegionId: settings.regionId,
    SslVpnServerId: settings.sslVpnServerId,
    ClientToken: settings.clientToken
  }
  if (settings.name !== undefined) params['Name'] = settings.name
  return params
}

/** One line per retry: what happened, which request, which attempt, how long, how long is left. */
export function formatRetryLine(event: RetryEvent): string {
  const { error } = event
  const what =
    error instanceof ApiError
      ? `${error.code}${error.requestId ? ` (RequestId: ${error.requestId})` : ''}`
      : error instanceof UnexpectedResponseError
        ? `HTTP ${error.httpStatus}, not an API answer${error.requestId ? ` (RequestId: ${error.requestId})` : ''}`
        : error.message.replace(/\.$/, '')
  return `Attempt ${event.attempt}: ${what}; retrying in ${(event.delayMs / 1000).toFixed(1)} s, ${Math.max(0, Math.round(event.remainingMs / 1000))} s left before timeout-seconds.`
}

/** Creates the certificate; throws the last error when it cannot (see retry.ts for which). */
export async function createClientCertificate(
  settings: Settings,
  deps: ServiceDependencies
): Promise<CertificateResult> {
  const started = deps.now()
  const request: RpcRequest = {
    host: settings.endpoint.hostHeader,
    action: CREATE_ACTION,
    version: VPC_API_VERSION,
    params: createRequestParams(settings)
  }
  const outcome = await retryUntilDeadline(
    async () => {
      // Signed afresh for every attempt: a new nonce and date each time, the same ClientToken.
      const signed = signRequest(settings.signatureVersion, request, settings.credentials, {
        date: new Date(deps.now()),
        nonce: deps.newNonce()
      })
      const answer = await sendSignedRequest(signed, {
        origin: settings.endpoint.origin,
        dispatcher: deps.dispatcher,
        timeoutMs: deps.policy.attemptTimeoutMs,
        redact: deps.redact,
        now: deps.now,
        ...(deps.signal ? { signal: deps.signal } : {})
      })
      const certId = stringField(answer, 'SslVpnClientCertId')
      const requestId = stringField(answer, 'RequestId') ?? ''
      if (certId === undefined) {
        throw new UnexpectedResponseError(
          200,
          `The API answered without an SslVpnClientCertId${requestId ? ` (RequestId: ${requestId})` : ''}, so no certificate ID can be reported.`,
          requestId || undefined
        )
      }
      return { certId, requestId, name: stringField(answer, 'Name') ?? settings.name ?? '' }
    },
    deps.policy,
    started + settings.timeoutMs,
    {
      now: deps.now,
      sleep: deps.sleep,
      random: deps.random,
      ...(deps.signal ? { signal: deps.signal } : {}),
      onRetry: event => deps.log(formatRetryLine(event))
    }
  )
  return {
    ...outcome.value,
    clientToken: settings.clientToken,
    attempts: outcome.attempts,
    waitedMs: outcome.waitedMs,
    elapsedMs: deps.now() - started
  }
}
