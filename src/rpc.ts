/**
 * One RPC operation with retries: sign (or build) the request afresh for every attempt, send it,
 * and retry what retry.ts says is retryable until the deadline. Shared by every operation the
 * action calls (VPC and STS), so they all follow the same rules.
 */
import type { Dispatcher } from 'undici'
import { sendSignedRequest, type JsonObject } from './client.js'
import {
  ApiError,
  CertificateNotReadyError,
  DeadlineError,
  UnexpectedResponseError
} from './errors.js'
import type { Redactor } from './redact.js'
import { retryUntilDeadline, type RetryEvent, type RetryPolicy } from './retry.js'
import type { Endpoint } from './settings.js'
import {
  buildAnonymousRequest,
  signRequest,
  type Credentials,
  type RpcRequest,
  type SignatureVersion
} from './signer.js'

/** Everything with a side effect, injected so tests and benchmarks control it. */
export interface RpcDependencies {
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

export type RpcAuthentication =
  | { kind: 'signed'; credentials: Credentials; signatureVersion: SignatureVersion }
  /** No credentials (STS AssumeRoleWithOIDC): `body` is sent form-encoded. */
  | { kind: 'anonymous'; body: Readonly<Record<string, string>> }

export interface RpcCall {
  endpoint: Endpoint
  action: string
  version: string
  params: Readonly<Record<string, string>>
  auth: RpcAuthentication
}

export interface RpcOutcome {
  answer: JsonObject
  attempts: number
  waitedMs: number
  /** When the last retried failure came, counted from the first attempt; undefined if none. */
  lastFailureMs: number | undefined
}

/** One line per retry: what happened, which request, which attempt, how long, how long is left. */
export function formatRetryLine(event: RetryEvent, action?: string): string {
  const { error } = event
  const what =
    error instanceof ApiError
      ? `${error.code}${error.requestId ? ` (RequestId: ${error.requestId})` : ''}`
      : error instanceof CertificateNotReadyError
        ? `Status ${JSON.stringify(error.status)}, not "normal" yet`
        : error instanceof UnexpectedResponseError
          ? `HTTP ${error.httpStatus}, not an API answer${error.requestId ? ` (RequestId: ${error.requestId})` : ''}`
          : error.message.replace(/\.$/, '')
  const which = action ? `${action} attempt` : 'Attempt'
  return `${which} ${event.attempt}: ${what}; retrying in ${(event.delayMs / 1000).toFixed(1)} s, ${Math.max(0, Math.round(event.remainingMs / 1000))} s left before timeout-seconds.`
}

/**
 * Calls `call.action` until it answers, fails for good, or `deadline` (ms on `deps.now`'s clock)
 * passes. `accept` may reject a 2xx answer (throw) — e.g. one without the expected field.
 */
export async function callRpc(
  call: RpcCall,
  deps: RpcDependencies,
  deadline: number,
  options: {
    accept?: (answer: JsonObject) => void
    logPrefix?: string
    leadingDelaysMs?: readonly number[]
  } = {}
): Promise<RpcOutcome> {
  const request: RpcRequest = {
    host: call.endpoint.hostHeader,
    action: call.action,
    version: call.version,
    params: call.params
  }
  const { auth } = call
  const outcome = await retryUntilDeadline(
    async () => {
      // The attempt gets what is left of the deadline, if that is less than its own timeout.
      const timeoutMs = Math.min(deps.policy.attemptTimeoutMs, deadline - deps.now())
      if (timeoutMs <= 0) throw new DeadlineError('no time left', new Error('not sent'), 0)
      // A fresh date and nonce for every attempt: a replayed signature would be refused.
      const context = { date: new Date(deps.now()), nonce: deps.newNonce() }
      const wire =
        auth.kind === 'signed'
          ? signRequest(auth.signatureVersion, request, auth.credentials, context)
          : buildAnonymousRequest(request, auth.body, context)
      const answer = await sendSignedRequest(wire, {
        origin: call.endpoint.origin,
        dispatcher: deps.dispatcher,
        timeoutMs,
        redact: deps.redact,
        now: deps.now,
        ...(deps.signal ? { signal: deps.signal } : {})
      })
      options.accept?.(answer)
      return answer
    },
    deps.policy,
    deadline,
    {
      now: deps.now,
      sleep: deps.sleep,
      random: deps.random,
      operation: call.action,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(options.leadingDelaysMs ? { leadingDelaysMs: options.leadingDelaysMs } : {}),
      onRetry: event => deps.log(formatRetryLine(event, options.logPrefix))
    }
  )
  return {
    answer: outcome.value,
    attempts: outcome.attempts,
    waitedMs: outcome.waitedMs,
    lastFailureMs: outcome.lastFailureMs
  }
}
