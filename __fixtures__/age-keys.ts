/**
 * Key pairs made by the real tools, as a person makes them: `ssh-keygen` (OpenSSH) and
 * `age-keygen`, in a fresh private directory; and the real `age` CLI to decrypt. The tests of
 * src/delivery/ check what this project writes against what those programs read and print.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A key pair on disk: the private key's path (for `age -d -i`) and the public key's line. */
export interface KeyPair {
  readonly privateKeyPath: string
  readonly publicKey: string
}

/** A private temporary directory; `remove()` deletes it. */
export async function makeKeyDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'age-keys-'))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** `ssh-keygen -t <type> [-b bits] -N '' -f <dir>/<name>`; returns the pair. */
export async function sshKeygen(
  dir: string,
  name: string,
  type: 'ed25519' | 'rsa' | 'ecdsa' | 'dsa',
  bits?: number
): Promise<KeyPair> {
  const privateKeyPath = join(dir, name)
  const size = bits === undefined ? [] : ['-b', String(bits)]
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...size,
    '-N',
    '',
    '-C',
    `${name}@test`,
    '-f',
    privateKeyPath
  ])
  const publicKey = (await readFile(`${privateKeyPath}.pub`, 'utf8')).trim()
  return { privateKeyPath, publicKey }
}

/** `age-keygen -o <dir>/<name>`; the public key is the `age1…` line. */
export async function ageKeygen(dir: string, name: string): Promise<KeyPair> {
  const privateKeyPath = join(dir, name)
  execFileSync('age-keygen', ['-o', privateKeyPath], { stdio: 'pipe' })
  const publicKey = execFileSync('age-keygen', ['-y', privateKeyPath], { encoding: 'utf8' }).trim()
  return { privateKeyPath, publicKey }
}

/** `ssh-keygen -l -E sha256 -f <file>`'s fingerprint of a public key line (`SHA256:…`). */
export async function sshKeygenFingerprint(dir: string, publicKey: string): Promise<string> {
  const path = join(dir, `fingerprint-${process.hrtime.bigint()}.pub`)
  await writeFile(path, `${publicKey}\n`)
  const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path], {
    encoding: 'utf8'
  })
  return printed.split(' ')[1] ?? ''
}

/** What `age -d -i <identity>` makes of `ciphertext` (read from stdin). */
export function ageDecrypt(
  ciphertext: Uint8Array,
  identityPath: string
): { status: number | null; plaintext: Buffer; stderr: string } {
  const result = spawnSync('age', ['-d', '-i', identityPath], {
    input: ciphertext,
    maxBuffer: 64 * 1024 * 1024
  })
  return { status: result.status, plaintext: result.stdout, stderr: result.stderr.toString() }
}
