/**
 * OpenVPN's management protocol, the part connect speaks (management-notes.txt of OpenVPN 2.6):
 * one line per message, real-time notifications prefixed with `>` (`>STATE:`, `>LOG:`,
 * `>PASSWORD:`, `>FATAL:`, `>HOLD:`), command replies `SUCCESS: …` or `ERROR: …`, and the history
 * that `log on all` prints first as bare `time,flags,message` lines ended by `END`. Pure functions:
 * the socket is openvpn.ts's.
 */

/** One line from OpenVPN's management interface, parsed. */
export type ManagementEvent =
  | {
      kind: 'state'
      /** CONNECTING, WAIT, AUTH, GET_CONFIG, ASSIGN_IP, ADD_ROUTES, CONNECTED, RECONNECTING, EXITING… */
      name: string
      /** The reason of a RECONNECTING or EXITING (`tls-error`, `auth-failure`…), SUCCESS or ERROR. */
      detail: string
      /** The tunnel's local IPv4 address (ASSIGN_IP, CONNECTED). */
      tunnelIp: string
      /** The server's address and port (CONNECTED). */
      remote: string
      remotePort: string
      /** The tunnel's local IPv6 address, when there is one. */
      tunnelIpv6: string
    }
  | { kind: 'log'; flags: string; message: string }
  | { kind: 'password-needed'; what: string }
  | { kind: 'password-failed'; what: string; detail: string }
  | { kind: 'fatal'; message: string }
  | { kind: 'hold' }
  | { kind: 'pid'; pid: number }
  | { kind: 'reply'; ok: boolean; text: string }
  | { kind: 'other'; text: string }

/** A log line as `log on all` prints its history, and `>LOG:` its real-time lines. */
const LOG_LINE = /^(\d+),([A-Z]*),(.*)$/s

/** Parses one line (without its CR LF). */
export function parseManagementLine(line: string): ManagementEvent {
  const colon = line.indexOf(':')
  const head = colon < 0 ? line : line.slice(0, colon)
  const rest = colon < 0 ? '' : line.slice(colon + 1)
  switch (head) {
    case '>STATE': {
      const [
        ,
        name = '',
        detail = '',
        tunnelIp = '',
        remote = '',
        remotePort = '',
        ,
        ,
        tunnelIpv6 = ''
      ] = rest.split(',')
      return { kind: 'state', name, detail, tunnelIp, remote, remotePort, tunnelIpv6 }
    }
    case '>LOG': {
      const match = LOG_LINE.exec(rest)
      return match
        ? { kind: 'log', flags: match[2] ?? '', message: match[3] ?? '' }
        : { kind: 'log', flags: '', message: rest }
    }
    case '>PASSWORD': {
      const needed = /^Need '([^']*)'/.exec(rest)
      if (needed) return { kind: 'password-needed', what: needed[1] ?? '' }
      const failed = /^Verification Failed: '([^']*)'\s*(.*)$/.exec(rest)
      if (failed) return { kind: 'password-failed', what: failed[1] ?? '', detail: failed[2] ?? '' }
      return { kind: 'other', text: line }
    }
    case '>FATAL':
      return { kind: 'fatal', message: rest }
    case '>HOLD':
      return { kind: 'hold' }
    case 'SUCCESS': {
      const pid = /^\s*pid=(\d{1,10})$/.exec(rest)
      if (pid) return { kind: 'pid', pid: Number(pid[1]) }
      return { kind: 'reply', ok: true, text: rest.trim() }
    }
    case 'ERROR':
      return { kind: 'reply', ok: false, text: rest.trim() }
  }
  const history = LOG_LINE.exec(line)
  if (history) return { kind: 'log', flags: history[2] ?? '', message: history[3] ?? '' }
  return { kind: 'other', text: line }
}

/**
 * A `password` command: the value in double quotes, `\` and `"` escaped, as the management
 * interface reads it. The value never contains a line break (inputs.ts refuses one).
 */
export function passwordCommand(what: string, value: string): string {
  const escape = (text: string) => text.replace(/[\\"]/g, c => `\\${c}`)
  return `password "${escape(what)}" "${escape(value)}"\n`
}

/** The commands sent once connected: history and real-time log and state, the pid, then go. */
export const START_COMMANDS = 'log on all\nstate on\npid\nhold release\n'

/** The longest line kept: a PUSH_REPLY is at most a few KB; anything longer is cut. */
const MAX_MANAGEMENT_LINE = 16 * 1024

/** Splits a stream of text into lines (CR LF or LF), keeping the unfinished tail. */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let pending = ''
  return chunk => {
    pending += chunk
    let at: number
    while ((at = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, at).replace(/\r$/, '').slice(0, MAX_MANAGEMENT_LINE))
      pending = pending.slice(at + 1)
    }
    if (pending.length > MAX_MANAGEMENT_LINE) {
      onLine(pending.slice(0, MAX_MANAGEMENT_LINE))
      pending = ''
    }
  }
}

/**
 * The routes a server pushed, from the `PUSH: Received control message: 'PUSH_REPLY,…'` log line:
 * `route network netmask` as `network/prefix`, `route-ipv6 network/prefix` as it is.
 */
export function pushedRoutes(pushReply: string): string[] {
  const routes: string[] = []
  for (const option of pushReply.split(',')) {
    const [name, network, mask] = option.trim().split(/\s+/)
    if (name === 'route' && network !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(network)) {
      const prefix = mask === undefined ? 32 : netmaskPrefix(mask)
      if (prefix !== undefined) routes.push(`${network}/${prefix}`)
    } else if (
      name === 'route-ipv6' &&
      network !== undefined &&
      /^[0-9a-fA-F:]+\/\d{1,3}$/.test(network)
    ) {
      routes.push(network)
    } else if (name === 'redirect-gateway') {
      // Every IPv4 route through the tunnel (OpenVPN adds 0.0.0.0/1 and 128.0.0.0/1).
      routes.push('0.0.0.0/0')
    }
  }
  return [...new Set(routes)]
}

/** `255.255.0.0` → 16; undefined for a mask that is not contiguous ones then zeros. */
function netmaskPrefix(mask: string): number | undefined {
  const parts = mask.split('.').map(Number)
  if (parts.length !== 4 || parts.some(p => !Number.isInteger(p) || p < 0 || p > 255))
    return undefined
  const bits = parts.map(p => p.toString(2).padStart(8, '0')).join('')
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') < 0 ? 32 : bits.indexOf('0')) : undefined
}
