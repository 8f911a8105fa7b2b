/**
 * A self-contained OpenVPN profile from what DescribeSslVpnClientCert returns: its `ClientConfig`
 * refers to files (`ca ca.crt`, `cert <id>.crt`, `key <id>.key`); the profile carries them
 * inline instead (`<ca>…</ca>`, `<cert>…</cert>`, `<key>…</key>`), so one file is all a person
 * needs. The private key can be encrypted with a passphrase (PKCS#8, AES-256) so the profile can
 * travel separately from it; OpenVPN asks for the passphrase on connect.
 *
 * One writer puts profiles on disk ({@link writeProfile}): a file name made only from a valid name
 * or ID, directly inside a config-dir no other user can write to, written to a new private file
 * and renamed into place, so no other user can read the key at any moment and no link planted in
 * the directory can redirect it.
 */
import { createPrivateKey, randomBytes } from 'node:crypto'
import { constants, type Stats } from 'node:fs'
import { lstat, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { ProfileError } from '../core/errors.js'
import { NAME_PATTERN } from '../core/input-rules.js'

interface ProfileMaterial {
  caCert: string
  clientCert: string
  clientKey: string
}

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

/** SslVpnClientCertId: `vsc-` and lowercase letters and digits. */
const CERT_ID_PATTERN = /^vsc-[a-z0-9]{1,64}$/

/**
 * `<name>.ovpn`, or `<cert-id>.ovpn` when there is no name; undefined when the name (or, without
 * one, the ID) does not pass its rule (input-rules.ts `NAME_PATTERN`, {@link CERT_ID_PATTERN}): an
 * API answer never chooses a path.
 */
export function profileFileName(name: string | undefined, certId: string): string | undefined {
  if (name !== undefined && name !== '') {
    return NAME_PATTERN.test(name) ? `${name}.ovpn` : undefined
  }
  return CERT_ID_PATTERN.test(certId) ? `${certId}.ovpn` : undefined
}

/** `O_NOFOLLOW`/`O_DIRECTORY` are POSIX: absent on Windows, where they are 0 (no effect). */
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0
const O_DIRECTORY = constants.O_DIRECTORY ?? 0
/** Group or others may write (create, rename, delete entries) in a directory with these bits. */
const WRITABLE_BY_OTHERS = 0o022

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

/**
 * Opens config-dir (created 0700 with its missing parents when it does not exist) without
 * following a symbolic link, and makes sure no other user can change what is in it: a directory
 * of ours that group or others may write to is made 0700 (said in the log); one owned by another
 * user and writable by others is refused; a symbolic link is refused (give the directory itself).
 * Returns its absolute path and an open handle (the caller closes it).
 */
async function openConfigDir(
  dir: string,
  log: (line: string) => void
): Promise<{ path: string; handle: FileHandle | undefined }> {
  const path = resolve(dir)
  // Windows has no symbolic-link-safe open of a directory nor POSIX modes: create, and done.
  if (process.platform === 'win32') {
    await mkdir(path, { recursive: true, mode: 0o700 })
    return { path, handle: undefined }
  }
  let handle: FileHandle
  try {
    handle = await openDirectory(path)
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw await refusal(path, error)
    await mkdir(path, { recursive: true, mode: 0o700 })
    handle = await openDirectory(path).catch(async (error: unknown) => {
      throw await refusal(path, error)
    })
  }
  try {
    const info = await handle.stat()
    const uid = process.getuid?.()
    if (uid !== undefined && (info.mode & WRITABLE_BY_OTHERS) !== 0) {
      if (info.uid !== uid) {
        throw new ProfileError(
          path,
          `config-dir ${path} is writable by other users (mode ${octal(info.mode)}) and owned by another user (uid ${info.uid}, not ${uid}): they could read or replace a private key written there. Use a directory of your own that only you can write to.`
        )
      }
      await handle.chmod(0o700)
      log(
        `config-dir ${path} was writable by other users (mode ${octal(info.mode)}); made it 0700, as profiles hold private keys.`
      )
    }
    return { path, handle }
  } catch (error) {
    await handle.close()
    throw error
  }
}

function openDirectory(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
}

/**
 * The error for a config-dir that cannot be opened as a directory of its own. With O_NOFOLLOW a
 * link fails as ELOOP, or as ENOTDIR with O_DIRECTORY (Linux): lstat tells which it is.
 */
async function refusal(path: string, error: unknown): Promise<Error> {
  const code = errorCode(error)
  if (code === 'ELOOP' || code === 'ENOTDIR') {
    const info = await lstat(path).catch(() => undefined)
    if (code === 'ELOOP' || info?.isSymbolicLink()) {
      return new ProfileError(
        path,
        `config-dir ${path} is a symbolic link; profiles are only written to a real directory (give the directory it points to).`
      )
    }
    return new ProfileError(path, `config-dir ${path} exists and is not a directory.`)
  }
  return error instanceof Error ? error : new Error(String(error))
}

/**
 * Checks config-dir (see {@link writeProfile}) before any certificate is made, so a directory
 * that will be refused fails the step first. Returns its absolute path.
 */
export async function prepareConfigDir(
  dir: string,
  log: (line: string) => void = () => undefined
): Promise<string> {
  const { path, handle } = await openConfigDir(dir, log)
  await handle?.close()
  return path
}

/** What is at `path` now, without following a link; undefined when nothing is. */
async function lstatIfPresent(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Writes a profile as `fileName` directly inside `dir` and returns its absolute path. The content
 * goes to a new file in `dir` (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600 from its first moment),
 * fsynced, then renamed over the target: another user's file or an older, readable profile at the
 * target is replaced, never written into, and a symbolic link or anything but a regular file
 * there is refused with its path. The temporary file is removed when anything fails.
 */
export async function writeProfile(
  dir: string,
  fileName: string,
  content: string,
  log: (line: string) => void = () => undefined
): Promise<string> {
  const { path: directory, handle: directoryHandle } = await openConfigDir(dir, log)
  try {
    const path = resolve(directory, fileName)
    // The name is checked where it is made (profileFileName); this is the second guard.
    if (basename(fileName) !== fileName || dirname(path) !== directory) {
      throw new ProfileError(path, `${path} is not directly inside config-dir ${directory}.`)
    }
    const temporary = join(directory, `.${fileName}.${randomBytes(8).toString('hex')}.tmp`)
    let created = false
    let renamed = false
    try {
      const file = await open(
        temporary,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW,
        0o600
      )
      created = true
      try {
        // The umask can only take bits away; 0600 exactly, whatever it is.
        await file.chmod(0o600)
        await file.writeFile(content)
        await file.sync()
      } finally {
        await file.close()
      }
      const existing = await lstatIfPresent(path)
      if (existing?.isSymbolicLink()) {
        throw new ProfileError(
          path,
          `${path} is a symbolic link; a private key is never written through one. Remove it (or choose another config-dir) and re-run.`
        )
      }
      if (existing !== undefined && !existing.isFile()) {
        throw new ProfileError(
          path,
          `${path} exists and is not a regular file; remove it (or choose another config-dir) and re-run.`
        )
      }
      await rename(temporary, path)
      renamed = true
    } finally {
      if (created && !renamed) await unlink(temporary).catch(() => undefined)
    }
    // The rename itself is durable once the directory is synced (not every file system can).
    await directoryHandle?.sync().catch(() => undefined)
    return path
  } finally {
    await directoryHandle?.close()
  }
}
