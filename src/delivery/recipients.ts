/**
 * One public key a profile can be encrypted to, parsed from what a person or GitHub gives: an
 * OpenSSH `authorized_keys`-style line (`ssh-ed25519 AAAA… [comment]`, `ssh-rsa AAAA… [comment]`)
 * or an age X25519 recipient (`age1…`, Bech32). Keys that are well formed but that age cannot
 * encrypt to (ECDSA, FIDO `sk-` keys, DSA, RSA under 2048 bits, certificates, age plugin
 * recipients) come back as an {@link UnusableKey} with the reason, so a caller can skip them with a
 * note; anything else is a {@link RecipientKeyError} that quotes at most a short, cleaned prefix.
 */
import { ExpectedFailure } from '../errors.js'

/** Longest key line accepted, in characters: an RSA-16384 line with a long comment fits. */
export const MAX_RECIPIENT_KEY_LENGTH = 8192

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
  throw new RecipientKeyError(`not implemented yet: ${text.length}`)
}
