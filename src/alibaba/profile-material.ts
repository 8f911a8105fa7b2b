/**
 * What a profile from an API answer may carry. DescribeSslVpnClientCert's `ClientConfig` becomes a
 * file people open with OpenVPN, so the answer is checked where it is read (vpc-details.ts), before
 * anything writes it anywhere.
 */

/**
 * OpenVPN directives that a profile from an API answer must not carry: each runs a program or
 * loads code on the computer that connects (`up`, `plugin`, …, all gated by `script-security`),
 * writes or reads files of that computer, opens a management port, or pulls in another config.
 * Alibaba Cloud's ClientConfig uses none of them; an answer that has one was written by someone
 * else, and a profile is opened by people who trust it.
 */
const UNSAFE_DIRECTIVES: ReadonlySet<string> = new Set([
  'script-security',
  'up',
  'down',
  'route-up',
  'route-pre-down',
  'ipchange',
  'tls-verify',
  'auth-user-pass-verify',
  'client-connect',
  'client-disconnect',
  'learn-address',
  'plugin',
  'setenv',
  'setenv-safe',
  'management',
  'management-client',
  'config',
  'cd',
  'chroot',
  'log',
  'log-append',
  'status',
  'writepid',
  'tmp-dir',
  'iproute'
])

/** Directives that prompt the user when bare (two-factor SSL-VPN), but read a local file with an argument. */
const UNSAFE_WITH_ARGUMENT: ReadonlySet<string> = new Set(['auth-user-pass', 'askpass'])

/**
 * The first directive of `clientConfig` that a profile must not carry (see UNSAFE_DIRECTIVES), or
 * an inline block other than the ones this action writes; undefined when there is none.
 */
export function unsafeDirective(clientConfig: string): string | undefined {
  for (const line of clientConfig.split(/\r?\n|\r/)) {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue
    const tag = /^<[^>]*>/.exec(trimmed)?.[0]
    if (tag !== undefined) return tag.slice(0, 40)
    const [first = '', ...args] = trimmed.split(/\s+/)
    const directive = first.replace(/^--/, '').toLowerCase()
    if (UNSAFE_DIRECTIVES.has(directive)) return first.slice(0, 40)
    if (UNSAFE_WITH_ARGUMENT.has(directive) && args.length > 0)
      return `${first} ${args[0]?.slice(0, 40)}`
  }
  return undefined
}
