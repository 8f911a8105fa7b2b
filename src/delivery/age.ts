/**
 * The age v1 file format (age-encryption.org/v1, C2SP age.md) for encrypting, with the native
 * X25519 recipient stanza and the `ssh-ed25519` and `ssh-rsa` stanzas of the reference
 * implementation (filippo.io/age/agessh).
 */
import { randomBytes } from 'node:crypto'
import type { RecipientKey } from './recipients.js'

/** Returns `size` bytes from a CSPRNG; tests pass a deterministic one. */
export type RandomSource = (size: number) => Uint8Array

/**
 * Encrypts `plaintext` to every recipient, as one age v1 file (binary, not armored): a header with
 * one stanza per recipient and its MAC, then the STREAM payload in 64 KiB chunks.
 *
 * @param random the file key, ephemeral secrets and payload nonce come from it (RSA-OAEP's seed
 *   comes from Node's own CSPRNG)
 * @throws RecipientKeyError when `recipients` is empty
 */
export async function encryptAge(
  plaintext: Uint8Array,
  recipients: readonly RecipientKey[],
  random: RandomSource = randomBytes
): Promise<Uint8Array> {
  throw new Error(`not implemented yet: ${plaintext.length} ${recipients.length} ${random(0).length}`)
}
