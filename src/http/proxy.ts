/**
 * The proxy variables, and the one dispatcher that every connection of the action goes through.
 *
 * undici's EnvHttpProxyAgent reads HTTPS_PROXY and friends itself, and a value it cannot parse makes
 * its constructor throw with the whole URL, password included, in Node's crash output. So the
 * variables are read here first: any credentials in them masked at once, the one that applies
 * checked, and the agent handed that checked value. Errors name the variable, never its value.
 *
 * TLS is verified on every connection: to the API or token service (`connect`), to an https://
 * proxy (`proxyTls`) and inside a proxy's tunnel (`requestTls`). `rejectUnauthorized` is set
 * explicitly each time, so that NODE_TLS_REJECT_UNAUTHORIZED=0 in a workflow's env cannot turn
 * verification off. No `ca` is given, so Node's roots plus NODE_EXTRA_CA_CERTS (a corporate CA)
 * stay in force.
 */
import { EnvHttpProxyAgent, Pool, type buildConnector, type Dispatcher } from './undici.js'
import { InputError } from '../core/errors.js'

/** Connecting (TCP + TLS) gets this long; the attempt as a whole gets the policy's timeout. */
const CONNECT_TIMEOUT_MS = 10_000
const TLS_OPTIONS = { timeout: CONNECT_TIMEOUT_MS, rejectUnauthorized: true } as const

/**
 * The variables undici reads, as [lowercase, uppercase] pairs: the lowercase one wins when set at
 * all (even empty), and the https pair wins over the http pair for https:// requests, which are the
 * only requests this action makes.
 */
const PROXY_VARIABLE_PAIRS = [
  ['https_proxy', 'HTTPS_PROXY'],
  ['http_proxy', 'HTTP_PROXY']
] as const

/** The proxy for the action's requests: a checked URL and the variable it came from. */
export interface ProxySettings {
  url: string
  variable: string
}

const EXPECTED =
  'expected http://host:port or https://host:port, with an optional user:password@ before the host (percent-encode any "@", ":", "/", "?", "#" or "%" in them, e.g. "#" as %23)'

/**
 * Masks what may be a password in a proxy variable: the whole value, its user info and its
 * password, raw and percent-decoded. Works on malformed values too (that is when they get printed),
 * so it parses nothing: the user info is everything between the scheme and the last "@".
 */
export function maskProxyCredentials(raw: string, mask: (secret: string) => void): void {
  const value = raw.trim()
  const afterScheme = value.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '')
  const at = afterScheme.lastIndexOf('@')
  if (at <= 0) return
  const userInfo = afterScheme.slice(0, at)
  mask(value)
  mask(userInfo)
  const colon = userInfo.indexOf(':')
  const password = colon < 0 ? '' : userInfo.slice(colon + 1)
  if (password === '') return
  mask(password)
  let decoded = password
  try {
    decoded = decodeURIComponent(password)
  } catch {
    // A malformed escape: the raw form is masked, and parseProxyUrl refuses the value.
  }
  if (decoded !== password) mask(decoded)
}

/**
 * Checks one proxy variable's value (trimmed, not empty) and returns the URL to give undici. Each
 * refusal says what is wrong and what is expected, without quoting any part of the value.
 */
export function parseProxyUrl(value: string, variable: string): string {
  // Typed as a whole, so that control flow knows it does not return.
  const refuse: (problem: string) => never = problem => {
    throw new InputError(
      variable,
      `is not a usable proxy URL: ${problem}; ${EXPECTED}.`,
      'environment'
    )
  }
  if (/[\s\p{Cc}]/u.test(value)) refuse('it contains a space or a control character')
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase()
  if (scheme === undefined) refuse('it does not start with http:// or https://')
  if (scheme !== 'http' && scheme !== 'https') {
    refuse(
      scheme.startsWith('socks')
        ? 'SOCKS proxies are not supported (undici, which the action uses, has only experimental SOCKS support)'
        : 'its scheme is not http:// or https://'
    )
  }
  // WHATWG URL would read an unencoded "#" or "?" as the end of the host: `user:Pa55#w0rd@proxy`
  // names the host "user". Refuse instead of connecting somewhere else.
  if (/[#?]/.test(value)) refuse('it contains "#" or "?", which would end the host part early')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return refuse('it is not a valid URL (no host, a bad port, or an unencoded "/" in a password?)')
  }
  if (url.hostname === '') refuse('it has no host')
  if (url.pathname !== '/' && url.pathname !== '') refuse('it has a path after the host')
  if ((url.username === '') !== (url.password === '')) {
    refuse('it has a user name without a password, or a password without a user name')
  }
  try {
    decodeURIComponent(url.username)
    decodeURIComponent(url.password)
  } catch {
    refuse('its user name or password has a malformed %-escape')
  }
  return url.href
}

/**
 * The proxy the action's requests go through, chosen as undici does, or undefined for direct
 * connections. Every proxy variable's credentials are masked first, used or not; only the
 * variable that applies is checked. A blank value counts as unset.
 */
export function readProxySettings(
  env: Readonly<Record<string, string | undefined>>,
  mask: (secret: string) => void
): ProxySettings | undefined {
  for (const name of PROXY_VARIABLE_PAIRS.flat()) {
    const raw = env[name]
    if (raw) maskProxyCredentials(raw, mask)
  }
  for (const [lower, upper] of PROXY_VARIABLE_PAIRS) {
    const variable = env[lower] !== undefined ? lower : upper
    const value = (env[variable] ?? '').trim()
    if (value !== '') {
      const url = parseProxyUrl(value, variable)
      // The normalised URL percent-encodes what the value did not: another form of the password.
      maskProxyCredentials(url, mask)
      return { url, variable }
    }
  }
  return undefined
}

const PROXY_VARIABLE = Symbol('proxy variable')

/** The proxy variable, when `error` (or one of its causes) is a failure to connect to the proxy. */
export function proxyVariableOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const variable = (e as { [PROXY_VARIABLE]?: unknown })[PROXY_VARIABLE]
    if (typeof variable === 'string') return variable
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** Marks `error` as a failure to connect to the proxy from `variable` (see proxyVariableOf). */
export function markAsProxyFailure(error: unknown, variable: string): void {
  if (error && typeof error === 'object' && !Object.hasOwn(error, PROXY_VARIABLE)) {
    Object.defineProperty(error, PROXY_VARIABLE, { value: variable })
  }
}

/** A connector that marks its failures as the proxy's, so that errors can name the proxy. */
function markingFailures(connect: buildConnector.connector, variable: string) {
  return (options: buildConnector.Options, callback: buildConnector.Callback) => {
    connect(options, (...args) => {
      markAsProxyFailure(args[0], variable)
      callback(...args)
    })
  }
}

/** The dispatcher for every request of the run: NO_PROXY is read by undici, the rest is given. */
export function createDispatcher(proxy: ProxySettings | undefined): Dispatcher {
  return new EnvHttpProxyAgent({
    httpProxy: '',
    httpsProxy: proxy?.url ?? '',
    connect: TLS_OPTIONS,
    // Through a proxy, the TLS session to the API runs inside the tunnel: same rules.
    requestTls: TLS_OPTIONS,
    proxyTls: TLS_OPTIONS,
    ...(proxy
      ? {
          // How undici's ProxyAgent builds its connection to the proxy, with failures marked.
          clientFactory: (origin: URL, options: object) => {
            const { connect } = options as { connect: buildConnector.connector }
            return new Pool(origin, { connect: markingFailures(connect, proxy.variable) })
          }
        }
      : {})
  })
}
