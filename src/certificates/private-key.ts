/**
 * The private key of a new certificate, encrypted with the key-passphrase input before it is put
 * in a profile. Apart from profile.ts, which writes profiles, so that writing one does not load
 * `node:crypto` (connect writes its profile copy and starts against a time budget).
 */
import { createPrivateKey } from 'node:crypto'

/**
 * The private key re-encoded as encrypted PKCS#8 (`-----BEGIN ENCRYPTED PRIVATE KEY-----`,
 * PBES2 with AES-256-CBC), which OpenVPN and OpenSSL read with the passphrase.
 */
export function encryptPrivateKey(pem: string, passphrase: string): string {
  return createPrivateKey(pem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    .toString()
}
