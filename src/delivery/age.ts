/**
 * The age v1 file format (age-encryption.org/v1, C2SP age.md), encryption only, with the native
 * X25519 recipient stanza and the `ssh-ed25519` and `ssh-rsa` stanzas of the reference
 * implementation (filippo.io/age, agessh/agessh.go), which `age -d -i ~/.ssh/id_ed25519` reads.
 *
 * Why on `node:crypto` alone, without the npm `age-encryption` package: that package has no SSH
 * recipients, so the two SSH stanzas (the point of this module) would be written here anyway, on
 * `@noble/curves` and `@noble/hashes`; what it would save is the header and the STREAM payload,
 * about 60 lines. Node already has every primitive (X25519, HKDF-SHA-256, HMAC-SHA-256,
 * ChaCha20-Poly1305, RSA-OAEP-SHA-256 with a label), all in OpenSSL, so the module costs the
 * bundle no dependency and no ESM-only package (this module and recipients.ts add about 12 KB to a
 * minified bundle), and every byte it writes is checked by the real `age` CLI in the tests. The one
 * piece of curve arithmetic Node lacks, an Ed25519 public key's X25519 form with its validation,
 * is about 40 BigInt lines in recipients.ts.
 */
import {
  constants,
  createHash,
  createCipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  publicEncrypt,
  randomBytes,
  type KeyObject
} from 'node:crypto'
import { RecipientKeyError, type RecipientKey } from './recipients.js'

/** Returns `size` bytes from a CSPRNG; tests pass a deterministic one. */
export type RandomSource = (size: number) => Uint8Array

const VERSION_LINE = 'age-encryption.org/v1'
const FILE_KEY_BYTES = 16
const PAYLOAD_NONCE_BYTES = 16
/** The payload's plaintext chunk size (C2SP age.md, "Payload"). */
export const PAYLOAD_CHUNK_BYTES = 64 * 1024
/** Stanza bodies are base64 wrapped at 64 columns. */
const STANZA_LINE_LENGTH = 64

const X25519_LABEL = 'age-encryption.org/v1/X25519'
const SSH_ED25519_LABEL = 'age-encryption.org/v1/ssh-ed25519'
const SSH_RSA_LABEL = 'age-encryption.org/v1/ssh-rsa'

interface Stanza {
  readonly args: readonly string[]
  readonly body: Uint8Array
}

/**
 * Encrypts `plaintext` to every recipient, as one age v1 file (binary, not armored): a header with
 * one stanza per recipient and its MAC, then the STREAM payload in 64 KiB chunks. Any of the
 * recipients' private keys opens it (`age -d -i KEY`).
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
  if (recipients.length === 0) {
    throw new RecipientKeyError('An age file needs at least one recipient key.')
  }
  const fileKey = takeRandom(random, FILE_KEY_BYTES)
  const stanzas = recipients.map(recipient => wrapFileKey(fileKey, recipient, random))
  const header = encodeHeader(stanzas, fileKey)
  const nonce = takeRandom(random, PAYLOAD_NONCE_BYTES)
  const payloadKey = hkdf(fileKey, nonce, 'payload')
  return Buffer.concat([header, nonce, ...streamEncrypt(payloadKey, plaintext)])
}

/** `size` bytes from `random`, refusing a source that returns fewer (a broken test double). */
function takeRandom(random: RandomSource, size: number): Uint8Array {
  const bytes = random(size)
  if (bytes.length !== size) {
    throw new Error(`random source returned ${bytes.length} of ${size} bytes`)
  }
  return bytes
}

function wrapFileKey(fileKey: Uint8Array, recipient: RecipientKey, random: RandomSource): Stanza {
  switch (recipient.type) {
    case 'x25519':
      return x25519Stanza(fileKey, recipient.x25519PublicKey, random)
    case 'ssh-ed25519':
      return sshEd25519Stanza(fileKey, recipient.wire, recipient.x25519PublicKey, random)
    case 'ssh-rsa':
      return sshRsaStanza(
        fileKey,
        recipient.wire,
        rsaPublicKey(recipient.modulus, recipient.exponent)
      )
  }
}

/**
 * C2SP age.md, "X25519 recipient stanza": `-> X25519 <ephemeral share>`, body = the file key
 * sealed with HKDF(shared secret, salt = share || recipient, "age-encryption.org/v1/X25519").
 */
function x25519Stanza(fileKey: Uint8Array, recipient: Uint8Array, random: RandomSource): Stanza {
  const ephemeral = takeRandom(random, 32)
  const share = x25519PublicKey(ephemeral)
  const sharedSecret = x25519(ephemeral, recipient)
  const wrapKey = hkdf(sharedSecret, concat(share, recipient), X25519_LABEL)
  return { args: ['X25519', base64(share)], body: sealFileKey(wrapKey, fileKey) }
}

/**
 * agessh `Ed25519Recipient.Wrap`: `-> ssh-ed25519 <key tag> <ephemeral share>`. Like X25519 to
 * the key's Montgomery form, except that the shared secret is multiplied once more by a tweak
 * bound to the SSH key, HKDF(ikm = empty, salt = SSH wire key, label), and the label is
 * "age-encryption.org/v1/ssh-ed25519". (agessh calls `hkdf.New(sha256.New, nil, key, label)`,
 * whose second argument is the secret and third the salt.)
 */
function sshEd25519Stanza(
  fileKey: Uint8Array,
  sshWire: Uint8Array,
  recipient: Uint8Array,
  random: RandomSource
): Stanza {
  const ephemeral = takeRandom(random, 32)
  const share = x25519PublicKey(ephemeral)
  const tweak = hkdf(new Uint8Array(0), sshWire, SSH_ED25519_LABEL)
  const sharedSecret = x25519(tweak, x25519(ephemeral, recipient))
  const wrapKey = hkdf(sharedSecret, concat(share, recipient), SSH_ED25519_LABEL)
  return {
    args: ['ssh-ed25519', sshKeyTag(sshWire), base64(share)],
    body: sealFileKey(wrapKey, fileKey)
  }
}

/**
 * agessh `RSARecipient.Wrap`: `-> ssh-rsa <key tag>`, body = RSA-OAEP(SHA-256, label
 * "age-encryption.org/v1/ssh-rsa") of the file key.
 */
function sshRsaStanza(fileKey: Uint8Array, sshWire: Uint8Array, key: KeyObject): Stanza {
  const body = publicEncrypt(
    {
      key,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      oaepLabel: Buffer.from(SSH_RSA_LABEL)
    },
    fileKey
  )
  return { args: ['ssh-rsa', sshKeyTag(sshWire)], body }
}

/** agessh `sshFingerprint`: the first 4 bytes of SHA-256 of the SSH wire key, unpadded base64. */
function sshKeyTag(sshWire: Uint8Array): string {
  return base64(sha256(sshWire).subarray(0, 4))
}

/**
 * C2SP age.md, "Header": the version line, the stanzas (arguments on a `->` line, body in base64
 * wrapped at 64 columns, always ending with a line shorter than 64, possibly empty), then `---`
 * and the HMAC-SHA-256 of everything up to and including `---` under HKDF(file key, "header").
 */
function encodeHeader(stanzas: readonly Stanza[], fileKey: Uint8Array): Buffer {
  const lines = [VERSION_LINE]
  for (const { args, body } of stanzas) {
    lines.push(`-> ${args.join(' ')}`)
    const encoded = base64(body)
    for (let start = 0; ; start += STANZA_LINE_LENGTH) {
      const line = encoded.slice(start, start + STANZA_LINE_LENGTH)
      lines.push(line)
      if (line.length < STANZA_LINE_LENGTH) break
    }
  }
  const macInput = `${lines.join('\n')}\n---`
  const mac = createHmac('sha256', hkdf(fileKey, new Uint8Array(0), 'header'))
    .update(macInput)
    .digest()
  return Buffer.from(`${macInput} ${base64(mac)}\n`)
}

/**
 * C2SP age.md, "Payload": ChaCha20-Poly1305 over 64 KiB chunks, the nonce an 11-byte big-endian
 * chunk counter and a last byte of 1 on the final chunk, 0 before. The final chunk is empty only
 * when the whole plaintext is, so a plaintext of exactly 64 KiB is one final chunk.
 */
function streamEncrypt(payloadKey: Uint8Array, plaintext: Uint8Array): Buffer[] {
  const chunkCount = Math.max(1, Math.ceil(plaintext.length / PAYLOAD_CHUNK_BYTES))
  const chunks: Buffer[] = []
  for (let index = 0; index < chunkCount; index++) {
    const nonce = Buffer.alloc(12)
    nonce.writeUIntBE(index, 5, 6)
    nonce[11] = index === chunkCount - 1 ? 1 : 0
    const chunk = plaintext.subarray(index * PAYLOAD_CHUNK_BYTES, (index + 1) * PAYLOAD_CHUNK_BYTES)
    chunks.push(chacha20Poly1305(payloadKey, nonce, chunk))
  }
  return chunks
}

/** The stanzas' AEAD: ChaCha20-Poly1305 with the all-zero nonce (each wrap key is used once). */
function sealFileKey(wrapKey: Uint8Array, fileKey: Uint8Array): Buffer {
  return chacha20Poly1305(wrapKey, Buffer.alloc(12), fileKey)
}

/** Ciphertext followed by the 16-byte tag. */
function chacha20Poly1305(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
}

function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32))
}

// Node takes raw X25519 keys only inside DER: PKCS #8 and SPKI with the X25519 OID (RFC 8410).
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')

function x25519PrivateKey(scalar: Uint8Array): KeyObject {
  return createPrivateKey({
    key: concat(X25519_PKCS8_PREFIX, scalar),
    format: 'der',
    type: 'pkcs8'
  })
}

/** X25519(scalar, basepoint) (RFC 7748 §6.1). */
function x25519PublicKey(scalar: Uint8Array): Uint8Array {
  const spki = createPublicKey(x25519PrivateKey(scalar)).export({ format: 'der', type: 'spki' })
  return new Uint8Array(spki.subarray(X25519_SPKI_PREFIX.length))
}

/** X25519(scalar, u) (RFC 7748 §5); OpenSSL refuses an all-zero result (a small-order u). */
function x25519(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  const publicKey = createPublicKey({
    key: concat(X25519_SPKI_PREFIX, u),
    format: 'der',
    type: 'spki'
  })
  return new Uint8Array(diffieHellman({ privateKey: x25519PrivateKey(scalar), publicKey }))
}

function rsaPublicKey(modulus: Uint8Array, exponent: Uint8Array): KeyObject {
  const n = Buffer.from(modulus).toString('base64url')
  const e = Buffer.from(exponent).toString('base64url')
  return createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' })
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest()
}

/** age's base64: standard alphabet, no padding (C2SP age.md, "Conventions"). */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '')
}

function concat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts)
}
