/**
 * One RPC operation with retries: build the request for the wire afresh for every attempt (signed
 * by signer.ts, or anonymous), send it (transport.ts), and retry what error-classification.ts
 * says is retryable until the deadline. Shared by every operation the action calls (VPC and STS),
 * so they all follow the same rules.
 */
import type { Dispatcher } from '../http/undici.js'
import {
  ApiError,
  CertificateNotReadyError,
  DeadlineError,
  UnexpectedResponseError
} from '../core/errors.js'
import type { Redactor } from '../core/redact.js'
import { retryUntilDeadline, type RetryEvent, type RetryPolicy } from '../http/retry.js'
import type { Endpoint } from './settings.js'
import {
  canonicalQueryString,
  formatTimestamp,
  signRequest,
  type Credentials,
  type RpcRequest,
  type SignatureVersion,
  type SignedRequest,
  type SigningContext
} from './signer.js'
import { sendSignedRequest, type JsonObject } from './transport.js'

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

/**
 * What every call of a run needs besides its own parameters, given once where a client is built
 * (vpc-client.ts, oidc.ts, id-token.ts): the side effects, and the run's one deadline.
 */
export interface CallContext {
  rpc: RpcDependencies
  /**
   * When the run gives up (`timeout-seconds` from its start): an absolute time in ms on
   * `rpc.now`'s clock. No attempt starts after it, and none runs past it.
   */
  deadline: number
}

type RpcAuthentication =
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

interface RpcOutcome {
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
 * An unsigned RPC request, as the official credentials library sends STS `AssumeRoleWithOIDC`:
 * the common parameters in the query, the operation's parameters form-encoded in the body (so a
 * token never appears in a URL that a proxy might log).
 */
function buildAnonymousRequest(
  request: RpcRequest,
  bodyParams: Readonly<Record<string, string>>,
  context: SigningContext
): SignedRequest {
  return {
    method: 'POST',
    queryString: canonicalQueryString({
      ...request.params,
      Action: request.action,
      Version: request.version,
      Format: 'JSON',
      Timestamp: formatTimestamp(context.date),
      SignatureNonce: context.nonce
    }),
    headers: { host: request.host, 'content-type': 'application/x-www-form-urlencoded' },
    body: canonicalQueryString(bodyParams)
  }
}

/**
 * Calls `call.action` until it answers, fails for good, or the context's deadline passes.
 * `accept` may reject a 2xx answer (throw) — e.g. one without the expected field.
 */
export async function callRpc(
  call: RpcCall,
  { rpc, deadline }: CallContext,
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
      const timeoutMs = Math.min(rpc.policy.attemptTimeoutMs, deadline - rpc.now())
      if (timeoutMs <= 0) throw new DeadlineError('no time left', new Error('not sent'), 0)
      // A fresh date and nonce for every attempt: a replayed signature would be refused.
      const context = { date: new Date(rpc.now()), nonce: rpc.newNonce() }
      const wire =
        auth.kind === 'signed'
          ? signRequest(auth.signatureVersion, request, auth.credentials, context)
          : buildAnonymousRequest(request, auth.body, context)
      const answer = await sendSignedRequest(wire, {
        origin: call.endpoint.origin,
        dispatcher: rpc.dispatcher,
        timeoutMs,
        redact: rpc.redact,
        now: rpc.now,
        ...(rpc.signal ? { signal: rpc.signal } : {})
      })
      options.accept?.(answer)
      return answer
    },
    rpc.policy,
    deadline,
    {
      now: rpc.now,
      sleep: rpc.sleep,
      random: rpc.random,
      operation: call.action,
      ...(rpc.signal ? { signal: rpc.signal } : {}),
      ...(options.leadingDelaysMs ? { leadingDelaysMs: options.leadingDelaysMs } : {}),
      onRetry: event => rpc.log(formatRetryLine(event, options.logPrefix))
    }
  )
  return {
    answer: outcome.value,
    attempts: outcome.attempts,
    waitedMs: outcome.waitedMs,
    lastFailureMs: outcome.lastFailureMs
  }
}
