/**
 * One public key a profile can be encrypted to, parsed from what a person or GitHub gives: an
 * OpenSSH `authorized_keys`-style line (`ssh-ed25519 AAAA… [comment]`, `ssh-rsa AAAA… [comment]`)
 * or an age X25519 recipient (`age1…`, Bech32). Keys that are well formed but that age cannot
 * encrypt to (ECDSA, FIDO `sk-` keys, DSA, RSA under 2048 bits, certificates, age plugin
 * recipients) come back as an {@link UnusableKey} with the reason, so a caller can skip them with a
 * note; anything else is a {@link RecipientKeyError} that quotes at most a short, cleaned prefix.
 */
import { createHash } from 'node:crypto'
import { cutText, singleLine } from '../alibaba/answer-text.js'
import { ExpectedFailure } from '../core/errors.js'

/** Longest key line accepted, in characters: an RSA-16384 line with a long comment fits. */
export const MAX_RECIPIENT_KEY_LENGTH = 8192
/** RSA moduli accepted: age's own floor (agessh refuses smaller keys), and a sane ceiling. */
const MIN_RSA_BITS = 2048
const MAX_RSA_BITS = 16384
/** How much of a rejected text an error quotes: enough to recognise it, too little to matter. */
const MAX_QUOTED_PREFIX = 20
/** How much of a key's comment is kept. */
const MAX_COMMENT_LENGTH = 100

interface SshKeyFields {
  /** OpenSSH's fingerprint, as `ssh-keygen -l -E sha256` prints it: `SHA256:` + unpadded base64. */
  readonly fingerprint: string
  /** The key on one line without its comment: `ssh-ed25519 AAAA…`. */
  readonly publicKey: string
  /** The line's comment (cleaned to one line, cut), or `''`. */
  readonly comment: string
  /** The SSH wire encoding of the public key (RFC 4253 §6.6), the bytes the fingerprint hashes. */
  readonly wire: Uint8Array
}

interface SshEd25519Key extends SshKeyFields {
  readonly type: 'ssh-ed25519'
  /** The Ed25519 key's point as an X25519 (Montgomery u) public key, 32 bytes little-endian. */
  readonly x25519PublicKey: Uint8Array
}

interface SshRsaKey extends SshKeyFields {
  readonly type: 'ssh-rsa'
  /** The modulus's size in bits (≥ 2048). */
  readonly bits: number
  /** Big-endian, without leading zero bytes. */
  readonly modulus: Uint8Array
  /** Big-endian, without leading zero bytes. */
  readonly exponent: Uint8Array
}

interface X25519Key {
  readonly type: 'x25519'
  /** The `age1…` recipient itself (lower case): it is its own fingerprint. */
  readonly fingerprint: string
  /** The same `age1…` string. */
  readonly publicKey: string
  readonly comment: ''
  /** 32 bytes. */
  readonly x25519PublicKey: Uint8Array
}

/** A key a profile can be encrypted to with `encryptAge`. */
export type RecipientKey = SshEd25519Key | SshRsaKey | X25519Key

/** A well-formed key that age cannot encrypt to, and why. */
export interface UnusableKey {
  readonly type: 'unusable'
  /** The key's type as written (`ecdsa-sha2-nistp256`, `sk-ssh-ed25519@openssh.com`, `age1pq`…). */
  readonly keyType: string
  /** Its fingerprint (`SHA256:…`) for SSH keys, so a note can name it; undefined for age keys. */
  readonly fingerprint: string | undefined
  /** One sentence, e.g. "age cannot encrypt to ECDSA keys". */
  readonly reason: string
}

/** Text that is not a public key: garbage, a truncated key, a private key pasted by mistake. */
export class RecipientKeyError extends ExpectedFailure {
  override readonly name = 'RecipientKeyError'
}

/**
 * Parses one public key: an OpenSSH `authorized_keys`-style line without options (`<type> <base64>
 * [comment]`) or an age `age1…` recipient.
 *
 * @returns the key, or {@link UnusableKey} for a well-formed key age cannot encrypt to
 * @throws RecipientKeyError for anything else (its message never quotes more than a short prefix)
 */
export function parseRecipientKey(text: string): RecipientKey | UnusableKey {
  const line = text.trim()
  if (looksLikePrivateKey(line)) {
    // Quote nothing: even a prefix of an age secret key is secret.
    throw new RecipientKeyError(
      'This is a private key, not a public one: give the public key (the `.pub` file, or the ' +
        '`age1…` line age-keygen prints), and treat the private key as exposed.'
    )
  }
  if (text.length > MAX_RECIPIENT_KEY_LENGTH) {
    throw invalidKey(text, `it is longer than ${MAX_RECIPIENT_KEY_LENGTH} characters`)
  }
  if (/^age1/i.test(line)) return parseAgeRecipient(line)
  return parseSshKey(line)
}

function looksLikePrivateKey(line: string): boolean {
  return /^AGE-(PLUGIN-[A-Z0-9-]+-|SECRET-KEY-)/i.test(line) || /PRIVATE KEY/.test(line)
}

/** The error for `text`, quoting a short prefix of it with control characters escaped. */
function invalidKey(text: string, problem: string): RecipientKeyError {
  // Escape first, then cut, so an escaped control character cannot lengthen the quote.
  const prefix = cutText(singleLine(text.slice(0, 4 * MAX_QUOTED_PREFIX)), MAX_QUOTED_PREFIX)
  return new RecipientKeyError(
    `Not a public key age can encrypt to ("${prefix}"): ${problem}. Expected one line ` +
      '"ssh-ed25519 AAAA… [comment]", "ssh-rsa AAAA… [comment]" or "age1…".'
  )
}

// --- OpenSSH public keys (RFC 4253 §6.6, RFC 8709 §4) ---------------------------------------

/** Why age cannot use a key, by the type OpenSSH names it with (prefixes end in `-`). */
const UNUSABLE_SSH_TYPES: readonly (readonly [string, string])[] = [
  [
    'sk-',
    'it is a FIDO security key (sk-), which can sign but cannot decrypt; age has no recipient type for it'
  ],
  ['ecdsa-sha2-', 'age cannot encrypt to ECDSA keys'],
  ['ssh-dss', 'age cannot encrypt to DSA keys (and OpenSSH no longer accepts them)'],
  ['ssh-ed448', 'age cannot encrypt to Ed448 keys']
]

function unusableReason(keyType: string): string {
  if (keyType.includes('-cert-v')) return 'it is an OpenSSH certificate; give the plain public key'
  const known = UNUSABLE_SSH_TYPES.find(([prefix]) => keyType.startsWith(prefix))
  return known?.[1] ?? `age cannot encrypt to ${keyType} keys`
}

const SSH_KEY_TYPE = /^[a-z0-9][a-z0-9@.-]{0,63}$/
/** Canonical padded base64, as OpenSSH writes it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function parseSshKey(line: string): RecipientKey | UnusableKey {
  const [keyType = '', encoded = '', ...commentWords] = line.split(/[ \t]+/)
  if (!SSH_KEY_TYPE.test(keyType)) throw invalidKey(line, 'it does not start with a key type')
  if (encoded === '' || !BASE64.test(encoded)) {
    throw invalidKey(line, 'the key type is not followed by the key in base64')
  }
  const wire = new Uint8Array(Buffer.from(encoded, 'base64'))
  const reader = new WireReader(wire, line)
  const innerType = Buffer.from(reader.string()).toString('latin1')
  if (innerType !== keyType) {
    throw invalidKey(line, 'the key inside is not of the type the line names')
  }
  const fingerprint = `SHA256:${createHash('sha256').update(wire).digest('base64').replace(/=+$/, '')}`
  const common = {
    fingerprint,
    publicKey: `${keyType} ${encoded}`,
    comment: cutText(singleLine(commentWords.join(' ')), MAX_COMMENT_LENGTH),
    wire
  }
  if (keyType === 'ssh-ed25519') {
    const point = reader.string()
    reader.end()
    if (point.length !== 32) throw invalidKey(line, 'an Ed25519 key is 32 bytes')
    return { type: keyType, ...common, x25519PublicKey: ed25519ToX25519(point, line) }
  }
  if (keyType === 'ssh-rsa') {
    const exponent = reader.positiveInteger()
    const modulus = reader.positiveInteger()
    reader.end()
    const bits = bitLength(modulus)
    const e = exponent.length <= 4 ? Buffer.from(exponent).readUIntBE(0, exponent.length) : 0
    if (e < 3 || e % 2 === 0 || modulus[modulus.length - 1]! % 2 === 0) {
      throw invalidKey(line, 'its RSA exponent or modulus is not valid')
    }
    if (bits < MIN_RSA_BITS) {
      return unusable(
        keyType,
        fingerprint,
        `its RSA key has ${bits} bits; age requires at least ${MIN_RSA_BITS}`
      )
    }
    if (bits > MAX_RSA_BITS) {
      return unusable(
        keyType,
        fingerprint,
        `its RSA key has ${bits} bits; at most ${MAX_RSA_BITS} are accepted`
      )
    }
    return { type: keyType, ...common, bits, modulus, exponent }
  }
  return unusable(keyType, fingerprint, unusableReason(keyType))
}

function unusable(keyType: string, fingerprint: string | undefined, reason: string): UnusableKey {
  return { type: 'unusable', keyType, fingerprint, reason }
}

/** Reads the SSH wire format's `string` and `mpint` (RFC 4251 §5) from a key blob. */
class WireReader {
  private offset = 0

  constructor(
    private readonly bytes: Uint8Array,
    private readonly line: string
  ) {}

  string(): Uint8Array {
    if (this.offset + 4 > this.bytes.length) throw this.truncated()
    const length = new DataView(this.bytes.buffer, this.bytes.byteOffset).getUint32(this.offset)
    const start = this.offset + 4
    if (length > this.bytes.length - start) throw this.truncated()
    this.offset = start + length
    return this.bytes.subarray(start, this.offset)
  }

  /** An `mpint` that must be positive, without its leading zero byte. */
  positiveInteger(): Uint8Array {
    const value = this.string()
    const first = value.findIndex(byte => byte !== 0)
    // Negative (the top bit set) or zero: not an RSA exponent or modulus.
    if (value.length === 0 || value[0]! & 0x80 || first === -1) {
      throw invalidKey(this.line, 'its RSA numbers are not valid')
    }
    return value.subarray(first)
  }

  end(): void {
    if (this.offset !== this.bytes.length) {
      throw invalidKey(this.line, 'the key has extra bytes at its end')
    }
  }

  private truncated(): RecipientKeyError {
    return invalidKey(this.line, 'the key is truncated')
  }
}

function bitLength(bigEndian: Uint8Array): number {
  return (bigEndian.length - 1) * 8 + (bigEndian[0] ?? 0).toString(2).length
}

// --- Ed25519 → X25519 (RFC 7748 §4.1, RFC 8032 §5.1.3) ----------------------------------------

const P = 2n ** 255n - 19n
/** The Edwards curve's d = −121665/121666 mod p (RFC 8032 §5.1). */
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n
/**
 * X25519 public keys of small order, which would make every shared secret zero (from
 * https://cr.yp.to/ecdh.html#validate; Node's X25519 refuses them at encryption time).
 */
const SMALL_ORDER_U: ReadonlySet<bigint> = new Set([
  0n,
  1n,
  P - 1n,
  littleEndianToBigInt(
    Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex')
  ),
  littleEndianToBigInt(
    Buffer.from('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', 'hex')
  )
])

/**
 * The Montgomery u-coordinate of an Ed25519 public key, as age's agessh takes it
 * (`edwards25519.Point.BytesMontgomery`): the birational map of RFC 7748 §4.1,
 * u = (1 + y) / (1 − y) mod p. The point is first checked to be a valid encoding
 * (RFC 8032 §5.1.3: y < p, and x² = (y² − 1) / (d·y² + 1) has a root).
 */
function ed25519ToX25519(encoded: Uint8Array, line: string): Uint8Array {
  const value = littleEndianToBigInt(encoded)
  const y = value & ((1n << 255n) - 1n)
  const xIsOdd = value >> 255n === 1n
  const ySquared = (y * y) % P
  const u = mod(ySquared - 1n)
  const v = mod(D * ySquared + 1n)
  // A square root candidate of u/v (RFC 8032 §5.1.3 step 2), then whether it squares to ±u/v.
  const x = mod(u * power(v, 3n) * power(u * power(v, 7n), (P - 5n) / 8n))
  const vxx = mod(v * x * x)
  const onCurve = vxx === u || vxx === mod(-u)
  if (y >= P || !onCurve || (u === 0n && xIsOdd) || y === 1n) {
    throw invalidKey(line, 'its Ed25519 key is not a valid point')
  }
  const montgomery = mod((1n + y) * power(mod(1n - y), P - 2n))
  if (SMALL_ORDER_U.has(montgomery)) throw invalidKey(line, 'its Ed25519 key is a weak point')
  return bigIntToLittleEndian(montgomery)
}

function mod(value: bigint): bigint {
  const r = value % P
  return r < 0n ? r + P : r
}

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n
  let b = mod(base)
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P
    b = (b * b) % P
  }
  return result
}

function littleEndianToBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`)
}

function bigIntToLittleEndian(value: bigint): Uint8Array {
  return new Uint8Array(Buffer.from(value.toString(16).padStart(64, '0'), 'hex').reverse())
}

// --- age recipients (Bech32, BIP 173) -------------------------------------------------------

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const BECH32_GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]

function parseAgeRecipient(line: string): RecipientKey | UnusableKey {
  if (line !== line.toLowerCase() && line !== line.toUpperCase()) {
    throw invalidKey(line, 'an age recipient is not mixed case')
  }
  const text = line.toLowerCase()
  const separator = text.lastIndexOf('1')
  const hrp = text.slice(0, separator)
  // The human-readable part is shown in a note when the key is unusable: letters and digits only.
  if (!/^age[a-z0-9]{0,40}$/.test(hrp)) throw invalidKey(line, 'it is not an age recipient')
  const data = [...text.slice(separator + 1)].map(c => BECH32_CHARSET.indexOf(c))
  if (data.length < 6 || data.includes(-1) || bech32Polymod([...hrpExpand(hrp), ...data]) !== 1) {
    throw invalidKey(line, 'it is not a valid age recipient (Bech32 checksum or characters)')
  }
  if (hrp !== 'age') {
    // age1pq1…, age1tag1…, age1yubikey1…: post-quantum, tagged and plugin recipients.
    return unusable(hrp, undefined, `only X25519 (age1…) recipients are supported, not ${hrp}1…`)
  }
  const key = fromFiveBitGroups(data.slice(0, -6))
  if (key?.length !== 32) throw invalidKey(line, 'an X25519 age recipient holds 32 bytes')
  // X25519 ignores the top bit and reduces mod p (RFC 7748 §5).
  if (SMALL_ORDER_U.has(mod(littleEndianToBigInt(key) & ((1n << 255n) - 1n)))) {
    throw invalidKey(line, 'it is a weak X25519 point')
  }
  return { type: 'x25519', fingerprint: text, publicKey: text, comment: '', x25519PublicKey: key }
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map(c => c.charCodeAt(0))
  return [...codes.map(c => c >> 5), 0, ...codes.map(c => c & 31)]
}

function bech32Polymod(values: readonly number[]): number {
  let checksum = 1
  for (const value of values) {
    const top = checksum >>> 25
    checksum = ((checksum & 0x1ffffff) << 5) ^ value
    BECH32_GENERATORS.forEach((generator, bit) => {
      if ((top >>> bit) & 1) checksum ^= generator
    })
  }
  return checksum >>> 0
}

/** 5-bit groups → bytes; undefined when the padding is not zero bits shorter than a group. */
function fromFiveBitGroups(groups: readonly number[]): Uint8Array | undefined {
  const bytes: number[] = []
  let accumulator = 0
  let bits = 0
  for (const group of groups) {
    accumulator = ((accumulator << 5) | group) & 0xfff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      bytes.push((accumulator >> bits) & 0xff)
    }
  }
  if (bits >= 5 || (accumulator & ((1 << bits) - 1)) !== 0) return undefined
  return new Uint8Array(bytes)
}
