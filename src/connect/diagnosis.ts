/**
 * Why a connection failed, in one line, from OpenVPN's own log: the first line that matches one
 * of {@link FAILURE_PATTERNS} (a table, most specific first), else what the last state says. Some
 * failures end the attempt at once ({@link isFinal}): OpenVPN would only retry the same thing.
 *
 * From the client's side, a client certificate the server refuses (revoked, deleted, expired,
 * issued by another CA) looks the same: OpenVPN's server drops the handshake after reading it
 * without telling the client why, and the client waits for its `hand-window` (60 s). The action
 * says what that silence most likely means.
 */

/** What connect knew when it gave up. */
export interface FailureFacts {
  /** OpenVPN's log messages so far, oldest first (already on one line, redacted). */
  log: readonly string[]
  /** The last state OpenVPN reported (WAIT, AUTH…), when any. */
  lastState: string | undefined
  /** `host:port/proto` of the profile's first remote. */
  remote: string | undefined
  /** Why connect stopped waiting. */
  ending: 'exited' | 'timeout' | 'fatal'
  timeoutSeconds: number
}

interface FailurePattern {
  test: RegExp
  /** The reason; `line` is OpenVPN's matching line, quoted. */
  reason: (line: string, facts: FailureFacts) => string
  /** OpenVPN would only retry the same thing: stop now rather than at the deadline. */
  final: boolean
}

const server = (facts: FailureFacts) => facts.remote ?? 'the server'

/** Most specific first; each names what to do. */
const FAILURE_PATTERNS: readonly FailurePattern[] = [
  {
    test: /private key password verification failed|Verification Failed: 'Private Key'/i,
    reason: () =>
      "Wrong key-passphrase: OpenVPN could not decrypt the profile's private key (private key password verification failed). Give the passphrase the profile was made with.",
    final: true
  },
  {
    test: /Data channel cipher negotiation failed|no shared cipher/i,
    reason: line =>
      `Cipher negotiation failed: the server offers none of the data ciphers this client allows (${line}). Check the profile's cipher and data-ciphers against the SSL server's encryption settings.`,
    final: true
  },
  {
    test: /AUTH_FAILED/,
    reason: line =>
      `The server refused this client (${line}): the client certificate may have been revoked, or the SSL server needs a username and password (two-factor authentication), which connect does not supply.`,
    final: true
  },
  {
    test: /VERIFY ERROR|certificate verify failed/i,
    reason: line =>
      `Certificate verify failed: the server's certificate does not verify against the profile's CA (${line}). Is the profile for this SSL server, and is the server's certificate current?`,
    final: true
  },
  {
    test: /alert certificate revoked/i,
    reason: line =>
      `The server refused the client certificate as revoked (${line}): create a new certificate (the create action) and use its profile.`,
    final: true
  },
  {
    test: /alert (unknown ca|bad certificate|certificate unknown|certificate expired)/i,
    reason: line =>
      `The server refused the client certificate (${line}): revoked, expired or not issued by this SSL server's CA.`,
    final: true
  },
  {
    // OpenVPN before 2.5 knows no --data-ciphers, and says its version at the end of the line.
    test: /Unrecognized option.*\bdata-ciphers\b.*\(2\.[0-4][.\d]*\)/i,
    reason: line =>
      `This runner's OpenVPN is older than 2.5, which connect needs (it has no --data-ciphers: ${line}): install a newer openvpn package before this step.`,
    final: true
  },
  {
    test: /Options error|Unrecognized option|Error opening configuration file/i,
    reason: line => `OpenVPN refused the profile: ${line}`,
    final: true
  },
  {
    test: /Cannot open TUN\/TAP dev|Cannot ioctl TUNSETIFF|ERROR: Cannot open TUN/i,
    reason: line =>
      `OpenVPN could not create the tun device (${line}): the runner needs /dev/net/tun and root (in a container: --device /dev/net/tun --cap-add NET_ADMIN).`,
    final: true
  },
  {
    test: /Cannot load (private key|certificate)|Cannot load inline/i,
    reason: line =>
      `OpenVPN could not load the profile's key or certificate (${line}): is the profile complete and its key in PEM form?`,
    final: true
  },
  {
    test: /ECONNREFUSED|Connection refused/i,
    reason: (line, facts) =>
      `Server unreachable: nothing answers at ${server(facts)} (${line}). Is the SSL server's address in the profile right, and is the SSL-VPN enabled on the gateway?`,
    final: false
  },
  {
    test: /Cannot resolve host address|RESOLVE: Cannot resolve|getaddrinfo/i,
    reason: (line, facts) =>
      `Server unreachable: the name in the profile does not resolve (${server(facts)}: ${line}).`,
    final: false
  },
  {
    test: /TLS key negotiation failed|TLS handshake failed/i,
    reason: (line, facts) =>
      `TLS handshake failed with ${server(facts)} (${line}): the server did not complete the handshake, often because it refused the client certificate (revoked, expired or not its CA's), or a firewall drops the traffic.`,
    final: false
  }
]

/** The pattern that matches `message`, if any. */
function patternOf(message: string): FailurePattern | undefined {
  return FAILURE_PATTERNS.find(p => p.test.test(message))
}

/** True when this log line means OpenVPN will not get anywhere by retrying. */
export function isFinal(message: string): boolean {
  return patternOf(message)?.final === true
}

/** What the last state means when the log says nothing specific. */
function fromState(facts: FailureFacts): string {
  const within = `within ${facts.timeoutSeconds} s`
  const handshakeStarted = facts.log.some(line => /^VERIFY OK: depth=0/.test(line))
  switch (facts.lastState) {
    case undefined:
    case 'CONNECTING':
    case 'RESOLVE':
    case 'TCP_CONNECT':
    case 'WAIT':
      return `Server unreachable: no answer from ${server(facts)} ${within} (OpenVPN state ${facts.lastState ?? 'CONNECTING'}). Is the address in the profile right, and does the runner's network let this traffic out?`
    case 'AUTH':
      return handshakeStarted
        ? `TLS handshake not completed ${within}: the server's certificate verified, then the server stopped answering after reading the client certificate. The SSL server most likely refused it: revoked (deleted), expired, or not issued by its CA.`
        : `TLS handshake not completed ${within} with ${server(facts)} (OpenVPN state AUTH): something answers there but the handshake does not finish.`
    case 'GET_CONFIG':
      return `The server did not send its configuration ${within} (OpenVPN state GET_CONFIG).`
    default:
      return `The tunnel was not up ${within} (OpenVPN's last state: ${facts.lastState}).`
  }
}

/**
 * One line saying why the connection failed: the latest log line a pattern knows (final ones
 * first), else what the last state means.
 */
export function describeConnectFailure(facts: FailureFacts): string {
  const lines = [...facts.log].reverse()
  const final = lines.find(line => patternOf(line)?.final === true)
  const known = final ?? lines.find(line => patternOf(line) !== undefined)
  if (known !== undefined) {
    const reason = patternOf(known)?.reason(quoteLine(known), facts) ?? known
    return facts.ending === 'timeout' && patternOf(known)?.final !== true
      ? `Not connected within ${facts.timeoutSeconds} s. ${reason}`
      : reason
  }
  if (facts.ending === 'timeout') return fromState(facts)
  const last = facts.log.at(-1)
  return `OpenVPN stopped before the tunnel was up${last === undefined ? '' : `; its last line: ${quoteLine(last)}`}.`
}

/** OpenVPN's line inside a message: quoted, without its OpenSSL error codes' noise cut short. */
function quoteLine(line: string): string {
  return `"${line.length > 200 ? `${line.slice(0, 199)}…` : line}"`
}
