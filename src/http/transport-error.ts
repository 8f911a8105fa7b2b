/**
 * A failure without an HTTP answer (refused, reset, timed out, an untrusted certificate, a proxy
 * that would not tunnel) as one TransportError that says what happened, whether another attempt
 * may help, and what to do: for every HTTPS service the action calls (Alibaba Cloud, STS, GitHub,
 * the runner's token service). Proxy URLs are never shown: they may carry credentials.
 */
import { TransportError } from '../core/errors.js'
import type { Redactor } from '../core/redact.js'
import { shownAnswerText } from '../core/text.js'
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

/** The most levels of `cause` read from a failure. */
const MAX_CAUSE_DEPTH = 5
/** The longest detail of a failure shown: a socket or TLS message is well under this. */
const MAX_DETAIL_LENGTH = 300
/** Messages of wrappers that say nothing of what failed (undici's `fetch`). */
const UNINFORMATIVE_MESSAGES: ReadonlySet<string> = new Set(['fetch failed'])
/**
 * Node 24 appends a hint for its own command line to certificate errors ("; if the root CA is
 * installed locally, try running Node.js with --use-system-ca"). A workflow does not start Node,
 * and the action gives its own advice (NODE_EXTRA_CA_CERTS), so the hint is dropped: the message
 * then reads the same on every Node version.
 */
const NODE_CLI_HINT =
  /;\s*if the root CA is installed locally, try running Node\.js with --use-system-ca\.?$/

/**
 * An error and its causes, outermost first. undici's `fetch` throws "fetch failed" with the
 * socket's or TLS's error as its `cause`; a connection tried on several addresses (Node's
 * happy eyeballs) fails with an AggregateError whose `errors` hold one per address, the first
 * of which stands for them here.
 */
function causeChain(error: unknown): object[] {
  const chain: object[] = []
  for (let e: unknown = error; typeof e === 'object' && e !== null;) {
    if (chain.length >= MAX_CAUSE_DEPTH || chain.includes(e)) break
    chain.push(e)
    const { cause, errors } = e as { cause?: unknown; errors?: unknown }
    e = cause ?? (Array.isArray(errors) ? errors[0] : undefined)
  }
  return chain
}

/** The codes on an error and its causes, outermost first. */
function errorCodes(error: unknown): string[] {
  // undici wraps socket errors; the OS or TLS code may sit on the error or on its cause.
  return causeChain(error).flatMap(e => {
    const code = (e as { code?: unknown }).code
    return typeof code === 'string' ? [code] : []
  })
}

/**
 * What failed, in words: the messages of the error and its causes ({@link causeChain}), outermost
 * first, without wrappers that say nothing and without repeats, e.g. "connect ECONNREFUSED
 * 127.0.0.1:443" or "self-signed certificate" rather than "fetch failed". On one line, redacted,
 * cut: a message can quote a URL, and a URL can carry a secret.
 */
function describeErrorChain(error: unknown, redact: Redactor): string {
  const messages: string[] = []
  for (const e of causeChain(error)) {
    const message = (e as { message?: unknown }).message
    const trimmed = typeof message === 'string' ? message.trim().replace(NODE_CLI_HINT, '') : ''
    if (trimmed === '' || UNINFORMATIVE_MESSAGES.has(trimmed)) continue
    if (messages.some(shown => shown.includes(trimmed))) continue
    messages.push(trimmed)
  }
  if (messages.length === 0) {
    messages.push(error instanceof Error ? error.message || error.name : String(error))
  }
  return shownAnswerText(messages.join(': '), redact, MAX_DETAIL_LENGTH)
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
  const detail = describeErrorChain(error, options.redact)
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
