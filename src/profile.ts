/**
 * A self-contained OpenVPN profile from what DescribeSslVpnClientCert returns: its `ClientConfig`
 * refers to files (`ca ca.crt`, `cert <id>.crt`, `key <id>.key`); the profile carries them
 * inline instead (`<ca>…</ca>`, `<cert>…</cert>`, `<key>…</key>`), so one file is all a person
 * needs. The private key can be encrypted with a passphrase (PKCS#8, AES-256) so the profile can
 * travel separately from it; OpenVPN asks for the passphrase on connect.
 */
import { createPrivateKey } from 'node:crypto'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'

export interface ProfileMaterial {
  caCert: string
  clientCert: string
  clientKey: string
}

/** The directives whose file argument is replaced by an inline block. */
const INLINE_DIRECTIVES = ['ca', 'cert', 'key'] as const
type InlineDirective = (typeof INLINE_DIRECTIVES)[number]

function inlineBlock(directive: InlineDirective, pem: string): string {
  return `<${directive}>\n${pem.trim()}\n</${directive}>`
}

/**
 * The profile: `clientConfig` with each `ca`/`cert`/`key <file>` line replaced by the inline
 * block (a directive the config lacks is appended), and a final newline.
 */
export function buildInlineProfile(clientConfig: string, material: ProfileMaterial): string {
  const pems: Record<InlineDirective, string> = {
    ca: material.caCert,
    cert: material.clientCert,
    key: material.clientKey
  }
  const inlined = new Set<InlineDirective>()
  const lines = clientConfig.split(/\r?\n/).map(line => {
    const directive = /^\s*(ca|cert|key)\s+\S.*$/.exec(line)?.[1] as InlineDirective | undefined
    if (directive === undefined) return line
    inlined.add(directive)
    return inlineBlock(directive, pems[directive])
  })
  for (const directive of INLINE_DIRECTIVES) {
    if (!inlined.has(directive)) lines.push(inlineBlock(directive, pems[directive]))
  }
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop()
  return `${lines.join('\n')}\n`
}

/**
 * The private key re-encoded as encrypted PKCS#8 (`-----BEGIN ENCRYPTED PRIVATE KEY-----`,
 * PBES2 with AES-256-CBC), which OpenVPN and OpenSSL read with the passphrase.
 */
export function encryptPrivateKey(pem: string, passphrase: string): string {
  return createPrivateKey(pem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    .toString()
}

/** `<name>.ovpn`, or `<cert-id>.ovpn` for a certificate named by the API. Names are file-safe. */
export function profileFileName(name: string | undefined, certId: string): string {
  return `${name || certId}.ovpn`
}

/**
 * Writes the profile readable by the owner only (0600), in a directory created private (0700)
 * when it does not exist yet. Returns the file's absolute path.
 */
export async function writeProfile(
  dir: string,
  fileName: string,
  content: string
): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const path = resolve(join(dir, fileName))
  await writeFile(path, content, { mode: 0o600 })
  // writeFile's mode only applies when it creates the file: an older profile keeps its mode.
  await chmod(path, 0o600)
  return path
}
