/**
 * A self-contained OpenVPN profile from what DescribeSslVpnClientCert returns: its `ClientConfig`
 * refers to files (`ca ca.crt`, `cert <id>.crt`, `key <id>.key`); the profile carries them
 * inline instead (`<ca>…</ca>`, `<cert>…</cert>`, `<key>…</key>`), so one file is all a person
 * needs. The private key can be encrypted with a passphrase (PKCS#8, AES-256) so the profile can
 * travel separately from it; OpenVPN asks for the passphrase on connect.
 *
 * One writer puts profiles on disk ({@link writeProfile}; connect's transient copy, in a directory
 * of its own, is connect/work-dir.ts's): a file name made only from a valid name
 * or ID, directly inside a config-dir no other user can write to, written to a new private file
 * and renamed into place, so no other user can read the key at any moment and no link planted in
 * the directory can redirect it. The report's file goes through the same writer
 * ({@link writePrivateFile}), into RUNNER_TEMP.
 */
import { createPrivateKey, randomBytes } from 'node:crypto'
import { constants, type Stats } from 'node:fs'
import { lstat, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join, parse, resolve, sep } from 'node:path'
import { ProfileError } from '../core/errors.js'
import { NAME_PATTERN } from '../alibaba/rules.js'

interface ProfileMaterial {
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

/** How messages name the directory a file is written to, and what the file holds. */
export interface FilePlace {
  /** The input or variable that names the directory: `config-dir`, `RUNNER_TEMP`. */
  directory: string
  /** What one file holds, as messages name it: "a private key". */
  contents: string
  /** The files, as messages name them: "profiles". */
  files: string
  /** Why no other user may write in the directory: "profiles hold private keys". */
  why: string
}

const PROFILE_PLACE: FilePlace = {
  directory: 'config-dir',
  contents: 'a private key',
  files: 'profiles',
  why: 'profiles hold private keys'
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
 * Opens the directory (config-dir; created 0700 with its missing parents when it does not exist,
 * see {@link createPrivateDirectory}) without following a symbolic link, and makes sure no other user can change what is in it: a directory
 * of ours that group or others may write to is made 0700 (said in the log); one owned by another
 * user and writable by others is refused; a symbolic link is refused (give the directory itself).
 * Returns its absolute path and an open handle (the caller closes it).
 */
async function openPrivateDirectory(
  dir: string,
  place: FilePlace,
  log: (line: string) => void,
  signal: AbortSignal | undefined
): Promise<{ path: string; handle: FileHandle | undefined }> {
  const path = resolve(dir)
  // Windows has no symbolic-link-safe open of a directory nor POSIX modes: create, and done.
  if (process.platform === 'win32') {
    await createPrivateDirectory(path, place, signal)
    return { path, handle: undefined }
  }
  let handle: FileHandle
  try {
    handle = await openDirectory(path)
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw await refusal(path, place, error)
    await createPrivateDirectory(path, place, signal)
    handle = await openDirectory(path).catch(async (error: unknown) => {
      throw await refusal(path, place, error)
    })
  }
  try {
    const info = await handle.stat()
    const uid = process.getuid?.()
    if (uid !== undefined && (info.mode & WRITABLE_BY_OTHERS) !== 0) {
      if (info.uid !== uid) {
        throw new ProfileError(
          path,
          `${place.directory} ${path} is writable by other users (mode ${octal(info.mode)}) and owned by another user (uid ${info.uid}, not ${uid}): they could read or replace ${place.contents} written there. Use a directory of your own that only you can write to.`
        )
      }
      await handle.chmod(0o700)
      log(
        `${place.directory} ${path} was writable by other users (mode ${octal(info.mode)}); made it 0700, as ${place.why}.`
      )
    }
    return { path, handle }
  } catch (error) {
    await handle.close()
    throw error
  }
}

/**
 * The most components a directory path may have (`/home/runner/work/repo/repo/vpn` has 6):
 * {@link createPrivateDirectory} makes at most this many system calls of each kind.
 */
export const MAX_CONFIG_DIR_DEPTH = 64

/**
 * Creates the absolute `path` and its missing parents (each 0700), one level at a time: for each
 * component from the root down, a `stat` (a parent may be a link, as `/tmp` is on macOS; the last
 * component is checked without following by the open that follows), and a single-level `mkdir`
 * where nothing is. Every failure is a {@link ProfileError} naming the component.
 *
 * Why not `mkdir(path, { recursive: true })`: on a file system that refuses a new entry with
 * ENOENT although its parent exists (procfs: `config-dir: /proc/x`, or a link into it), Node's
 * recursive mkdir makes the parent, which exists, and retries the child, for ever, at 100 % CPU
 * in a thread the step only awaits: neither timeout-seconds nor the runner's SIGTERM could end
 * the step. Here each component costs at most two system calls that each return, so the whole
 * is bounded by the path's depth, and `signal` (the runner's cancellation) is checked between
 * levels. The create action's inputs also refuse config-dir under /proc, /sys and /dev first.
 */
async function createPrivateDirectory(
  path: string,
  place: FilePlace,
  signal: AbortSignal | undefined
): Promise<void> {
  const { root } = parse(path)
  const components = path
    .slice(root.length)
    .split(sep)
    .filter(part => part !== '')
  if (components.length > MAX_CONFIG_DIR_DEPTH) {
    throw new ProfileError(
      path,
      `${place.directory} ${path} is ${components.length} directories deep; at most ${MAX_CONFIG_DIR_DEPTH} are supported.`
    )
  }
  const cannotCreate = (at: string, problem: string) =>
    new ProfileError(path, `${place.directory} ${path} cannot be created: ${at} ${problem}.`)
  let current = root
  for (const component of components) {
    signal?.throwIfAborted()
    current = join(current, component)
    let info: Stats | undefined
    try {
      info = await stat(current)
    } catch (error) {
      if (errorCode(error) !== 'ENOENT')
        throw cannotCreate(current, `cannot be read (${reason(error)})`)
    }
    if (info?.isDirectory()) continue
    if (info !== undefined) throw cannotCreate(current, 'exists and is not a directory')
    try {
      await mkdir(current, { mode: 0o700 })
    } catch (error) {
      // Made meanwhile by another process: the next level (or the open) checks what it is.
      if (errorCode(error) === 'EEXIST') continue
      throw cannotCreate(current, `could not be made (${reason(error)})`)
    }
  }
}

function reason(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.message : String(error))
}

function openDirectory(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
}

/**
 * The error for a config-dir that cannot be opened as a directory of its own. With O_NOFOLLOW a
 * link fails as ELOOP, or as ENOTDIR with O_DIRECTORY (Linux): lstat tells which it is.
 */
async function refusal(path: string, place: FilePlace, error: unknown): Promise<Error> {
  const code = errorCode(error)
  if (code === 'ELOOP' || code === 'ENOTDIR') {
    const info = await lstat(path).catch(() => undefined)
    if (code === 'ELOOP' || info?.isSymbolicLink()) {
      return new ProfileError(
        path,
        `${place.directory} ${path} is a symbolic link; ${place.files} are only written to a real directory (give the directory it points to).`
      )
    }
    if (info === undefined) {
      return new ProfileError(
        path,
        `${place.directory} ${path} cannot be created: a directory in its path is a file.`
      )
    }
    return new ProfileError(path, `${place.directory} ${path} exists and is not a directory.`)
  }
  return error instanceof Error ? error : new Error(String(error))
}

/**
 * Checks config-dir (see {@link writeProfile}) before any certificate is made, so a directory
 * that will be refused fails the step first. Returns its absolute path.
 */
export async function prepareConfigDir(
  dir: string,
  log: (line: string) => void = () => undefined,
  signal?: AbortSignal
): Promise<string> {
  const { path, handle } = await openPrivateDirectory(dir, PROFILE_PLACE, log, signal)
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

/** Writes a profile as `fileName` directly inside config-dir `dir`: {@link writePrivateFile}. */
export function writeProfile(
  dir: string,
  fileName: string,
  content: string | Uint8Array,
  log: (line: string) => void = () => undefined,
  signal?: AbortSignal
): Promise<string> {
  return writePrivateFile(dir, fileName, content, PROFILE_PLACE, log, signal)
}

/**
 * Writes `fileName` directly inside `dir` and returns its absolute path. The content
 * goes to a new file in `dir` (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600 from its first moment),
 * fsynced, then renamed over the target: another user's file or an older, readable profile at the
 * target is replaced, never written into, and a symbolic link or anything but a regular file
 * there is refused with its path. The temporary file is removed when anything fails. `dir` is
 * checked, and created if missing, as config-dir is ({@link prepareConfigDir}); `place` names it
 * in messages.
 */
export async function writePrivateFile(
  dir: string,
  fileName: string,
  content: string | Uint8Array,
  place: FilePlace,
  log: (line: string) => void = () => undefined,
  signal?: AbortSignal
): Promise<string> {
  const { path: directory, handle: directoryHandle } = await openPrivateDirectory(
    dir,
    place,
    log,
    signal
  )
  try {
    const path = resolve(directory, fileName)
    // The name is checked where it is made (profileFileName); this is the second guard.
    if (basename(fileName) !== fileName || dirname(path) !== directory) {
      throw new ProfileError(
        path,
        `${path} is not directly inside ${place.directory} ${directory}.`
      )
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
          `${path} is a symbolic link; ${place.contents} is never written through one. Remove it (or choose another ${place.directory}) and re-run.`
        )
      }
      if (existing !== undefined && !existing.isFile()) {
        throw new ProfileError(
          path,
          `${path} exists and is not a regular file; remove it (or choose another ${place.directory}) and re-run.`
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
