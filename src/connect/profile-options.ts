/**
 * What connect reads from a profile before starting OpenVPN: the server it names, whether its key
 * is encrypted, the directives that would take OpenVPN out of the action's hands, and the data
 * ciphers OpenVPN 2.6 must be allowed to negotiate.
 *
 * OpenVPN 2.6 no longer adds the profile's `cipher` to `--data-ciphers` (2.5 did, and
 * `--compat-mode 2.4.x` does): an Alibaba Cloud profile (`cipher AES-128-CBC`) against an SSL
 * server that offers only AES-128-CBC fails with `AUTH_FAILED,Data channel cipher negotiation
 * failed (no shared cipher)`. {@link dataCiphersFor} appends the profile's own cipher, which the
 * profile already asks for, and nothing else; the log says so.
 */

/** OpenVPN 2.6's `--data-ciphers` when neither the command line nor the profile sets it. */
export const OPENVPN_DEFAULT_DATA_CIPHERS = 'AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305'

/** One directive line of a profile: its name (lowercase, without `--`) and its arguments. */
interface Directive {
  name: string
  args: string[]
}

/** The directives of a profile, in order; inline blocks (`<ca>…</ca>`) and comments skipped. */
function directivesOf(profile: string): Directive[] {
  const directives: Directive[] = []
  let inBlock: string | undefined
  for (const line of profile.split(/\r?\n|\r/)) {
    const trimmed = line.trim()
    if (inBlock !== undefined) {
      if (trimmed.toLowerCase() === `</${inBlock}>`) inBlock = undefined
      continue
    }
    const open = /^<([A-Za-z0-9-]+)>$/.exec(trimmed)
    if (open) {
      inBlock = open[1]?.toLowerCase()
      continue
    }
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue
    const [first = '', ...args] = trimmed.split(/\s+/)
    directives.push({ name: first.replace(/^--/, '').toLowerCase(), args })
  }
  return directives
}

/** The last value of a directive (OpenVPN keeps the last one given). */
function lastArgs(directives: Directive[], name: string): string[] | undefined {
  return directives.filter(d => d.name === name).at(-1)?.args
}

/** `host:port/proto` of the first `remote`, for messages; undefined when the profile has none. */
export function remoteOf(profile: string): string | undefined {
  const directives = directivesOf(profile)
  const remote = directives.find(d => d.name === 'remote')?.args
  if (remote === undefined || remote[0] === undefined) return undefined
  const proto = remote[2] ?? lastArgs(directives, 'proto')?.[0] ?? 'udp'
  return `${remote[0]}:${remote[1] ?? lastArgs(directives, 'port')?.[0] ?? '1194'}/${proto}`
}

/** True when the profile carries its private key inline and encrypted (PKCS#8 or legacy PEM). */
export function hasEncryptedInlineKey(profile: string): boolean {
  const key = /<key>([\s\S]*?)<\/key>/i.exec(profile)?.[1]
  return key !== undefined && /ENCRYPTED/.test(key)
}

/**
 * Directives that would take OpenVPN out of the action's hands: it runs OpenVPN in the foreground
 * of its own process, and drives it through its own management interface.
 */
const CONTROLLED_BY_THE_ACTION: ReadonlySet<string> = new Set([
  'daemon',
  'management',
  'management-client',
  'management-hold',
  'management-query-passwords'
])

/** The first directive of the profile that the action sets itself, or undefined. */
export function conflictingDirective(profile: string): string | undefined {
  return directivesOf(profile).find(d => CONTROLLED_BY_THE_ACTION.has(d.name))?.name
}

/** Ciphers with 64-bit blocks (SWEET32): OpenVPN warns about them, and so does the action. */
const SMALL_BLOCK_CIPHER = /^(BF|DES|DESX|DES-EDE|DES-EDE3|CAST5|IDEA|RC2)(-|$)/i

/** What {@link dataCiphersFor} decided. */
interface DataCipherChoice {
  /** The `--data-ciphers` value to pass; undefined to pass none (the profile's own list stands). */
  dataCiphers: string | undefined
  /** The profile's `cipher`, when it was appended to the list. */
  appended: string | undefined
  /** True when the appended cipher has a 64-bit block (weak; said as a warning). */
  weak: boolean
}

/**
 * The data ciphers to allow: the profile's `data-ciphers` (or `ncp-ciphers`), else OpenVPN's
 * default, with the profile's `cipher` appended when it is not in that list already (as OpenVPN
 * 2.5 did). `cipher none` is never appended.
 */
export function dataCiphersFor(profile: string): DataCipherChoice {
  const directives = directivesOf(profile)
  const cipher = lastArgs(directives, 'cipher')?.[0]
  const listed = (lastArgs(directives, 'data-ciphers') ?? lastArgs(directives, 'ncp-ciphers'))?.[0]
  const list = listed ?? OPENVPN_DEFAULT_DATA_CIPHERS
  const inList = (name: string) =>
    list
      .split(':')
      .map(entry => entry.replace(/^\?/, '').toUpperCase())
      .includes(name.toUpperCase())
  if (cipher === undefined || cipher.toLowerCase() === 'none' || inList(cipher)) {
    return { dataCiphers: undefined, appended: undefined, weak: false }
  }
  return {
    dataCiphers: `${list}:${cipher}`,
    appended: cipher,
    weak: SMALL_BLOCK_CIPHER.test(cipher)
  }
}

/** Inline blocks that hold secrets: the private key, and the static keys of tls-auth and tls-crypt. */
const SECRET_BLOCKS = /<(key|tls-auth|tls-crypt|tls-crypt-v2|secret|pkcs12)>([\s\S]*?)<\/\1>/gi

/**
 * The secret material of a profile, block by block, for masking: its other lines (the server's
 * address, certificates) are not secrets, and masking them would hide them from every message.
 */
export function secretBlocks(profile: string): string[] {
  return [...profile.matchAll(SECRET_BLOCKS)]
    .map(match => match[2] ?? '')
    .filter(b => b.trim() !== '')
}
