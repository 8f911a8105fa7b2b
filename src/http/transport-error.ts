/**
 * A failure without an HTTP answer (refused, reset, timed out, an untrusted certificate, a proxy
 * that would not tunnel) as one TransportError that says what happened, whether another attempt
 * may help, and what to do: for every HTTPS service the action calls (Alibaba Cloud, STS, GitHub,
 * the runner's token service). Proxy URLs are never shown: they may carry credentials.
 */
import { TransportError } from '../core/errors.js'
import type { Redactor } from '../core/redact.js'
import { proxyVariableOf } from './proxy.js'

interface TransportErrorOptions {
  /** `https://host[:port]` */
  origin: string
  /** The attempt's own timeout. */
  timeoutMs: number
  signal?: AbortSignal | undefined
  redact: Redactor
  /** What was called, in the messages (default: its origin). */
  target?: string
}

/** TLS failures that no retry can fix: the server's certificate is not trusted for this host. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH'
])

/** Transport faults that will not go away by trying again. */
const PERMANENT_TRANSPORT_CODES = new Set(['ENOTFOUND', 'ERR_INVALID_URL', 'UND_ERR_INVALID_ARG'])

function errorCodes(error: unknown): string[] {
  // undici wraps socket errors; the OS or TLS code may sit on the error or on its cause.
  const codes: string[] = []
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string') codes.push(code)
    e = (e as { cause?: unknown }).cause
  }
  return codes
}

/** Whole seconds, or tenths when the attempt was cut short by the deadline. */
function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`
}

/**
 * Classifies a failure without an HTTP answer. `target` names what was called in the messages
 * (default: its origin).
 */
export function toTransportError(
  error: unknown,
  timedOut: boolean,
  options: TransportErrorOptions
): Error {
  const { origin } = options
  const target = options.target ?? origin
  if (options.signal?.aborted) return options.signal.reason as Error
  if (timedOut) {
    return new TransportError(
      `No answer from ${target} within ${formatSeconds(options.timeoutMs)}.`,
      'ATTEMPT_TIMEOUT',
      true,
      origin
    )
  }
  const codes = errorCodes(error)
  // A TLS verdict is the most telling code, wherever undici put it.
  const code = codes.find(c => UNTRUSTED_CERTIFICATE_CODES.has(c)) ?? codes[0] ?? 'UNKNOWN'
  const detail = options.redact(error instanceof Error ? error.message : String(error))
  const proxyVariable = proxyVariableOf(error)
  if (proxyVariable !== undefined)
    return proxyTransportError(proxyVariable, code, detail, target, origin)
  // undici: "Proxy response (403) !== 200 when HTTP Tunneling". The proxy's URL is not shown: it
  // may carry credentials.
  const proxyStatus = /Proxy response \((\d{3})\)/.exec(detail)?.[1]
  if (proxyStatus !== undefined) {
    const status = Number(proxyStatus)
    const advice =
      status === 407
        ? ' It wants credentials: give them in the proxy URL (http://user:password@proxy:port), from a secret.'
        : status < 500
          ? ' Check HTTPS_PROXY/HTTP_PROXY, or list the API host in NO_PROXY if it should be reached directly.'
          : ''
    return new TransportError(
      `The proxy from HTTPS_PROXY/HTTP_PROXY answered HTTP ${status} instead of opening a tunnel to ${target}; the request never reached ${target === origin ? 'the API' : 'it'}.${advice}`,
      `PROXY_${status}`,
      // A refusal is the proxy's policy; a 5xx may be a passing fault of the proxy or upstream.
      status >= 500,
      origin
    )
  }
  if (UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return new TransportError(
      `The TLS certificate of ${target} was not trusted (${code}: ${detail}). The action always verifies TLS; if a corporate proxy or private CA signs it, add that CA with NODE_EXTRA_CA_CERTS in the workflow's env.`,
      code,
      false,
      origin
    )
  }
  if (PERMANENT_TRANSPORT_CODES.has(code) || /^ERR_(SSL|TLS)_/.test(code)) {
    return new TransportError(`Cannot reach ${target} (${code}: ${detail}).`, code, false, origin)
  }
  return new TransportError(
    `Connection to ${target} failed (${code}: ${detail}).`,
    code,
    true,
    origin
  )
}

/**
 * A failure of the connection to the proxy itself (proxy.ts tags those): named by its variable,
 * never by its URL, which may carry credentials.
 */
function proxyTransportError(
  variable: string,
  code: string,
  detail: string,
  target: string,
  origin: string
): TransportError {
  const proxy = `the proxy from ${variable}`
  if (UNTRUSTED_CERTIFICATE_CODES.has(code) || code === 'UND_ERR_PRX_TLS') {
    return new TransportError(
      `The TLS certificate of ${proxy} was not trusted (${code}: ${detail}), so nothing was sent to the proxy: neither its credentials nor the request for ${target}. The action always verifies TLS, NODE_TLS_REJECT_UNAUTHORIZED notwithstanding; if a private CA signs the proxy's certificate, add that CA with NODE_EXTRA_CA_CERTS in the workflow's env.`,
      code,
      false,
      origin
    )
  }
  const permanent = PERMANENT_TRANSPORT_CODES.has(code) || /^ERR_(SSL|TLS)_/.test(code)
  const what = permanent ? `Cannot reach ${proxy}` : `Connection to ${proxy} failed`
  return new TransportError(
    `${what} (${code}: ${detail}); the request for ${target} was not sent. Check ${variable}, or list the host in NO_PROXY if it should be reached directly.`,
    code,
    !permanent,
    origin
  )
}
