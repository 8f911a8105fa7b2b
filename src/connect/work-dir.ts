/**
 * The connect step's files before OpenVPN starts: its private directory, the copy of a profile
 * given as text, and the profile a config-file names. All synchronous, on purpose: each is a
 * syscall or two of microseconds, the step has nothing else to do meanwhile, and the first
 * asynchronous file call of a process starts libuv's thread pool, which cost the step 5–9 ms
 * before OpenVPN could start (bench/connect.mjs).
 *
 * The copy is not written through certificates/profile.ts's writer: that one guards a config-dir
 * other users may reach (a link planted there, an older readable profile to replace, a directory
 * to create and check). Here the directory is the step's own, made by mkdtemp (0700) a moment
 * before, so nobody else can have put anything in it; the file is still created O_EXCL|O_NOFOLLOW
 * with mode 0600. It is read by OpenVPN at once and removed by the post step: nothing to fsync.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeSync
} from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../core/errors.js'
import { MAX_PROFILE_BYTES } from './inputs.js'
import { WORK_DIR_PREFIX } from './post.js'

/** `O_NOFOLLOW` where the platform has it (connect runs on Linux, which does). */
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0

/** Makes the step's private directory (0700) in `parent`; returns its path. */
export function makeWorkDir(parent: string): string {
  return mkdtempSync(join(parent, WORK_DIR_PREFIX))
}

/** Writes `text` as a new 0600 file `name` in the step's own directory; returns its path. */
export function writeProfileCopy(workDir: string, name: string, text: string): string {
  const path = join(workDir, name)
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW,
    0o600
  )
  try {
    // The umask can only take bits away; 0600 exactly, whatever it is.
    fchmodSync(fd, 0o600)
    const bytes = Buffer.from(text, 'utf8')
    let written = 0
    while (written < bytes.length) written += writeSync(fd, bytes, written)
  } finally {
    closeSync(fd)
  }
  return path
}

/** A config-file's text: a regular file of at most {@link MAX_PROFILE_BYTES}, read once. */
export function readProfileFile(path: string): string {
  const shown = JSON.stringify(path.slice(0, 200))
  let fd
  try {
    fd = openSync(path, constants.O_RDONLY)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new InputError(
      'config-file',
      `${shown} cannot be read (${code ?? 'error'}); expected the path of an OpenVPN profile, such as the create step's config-file output in the same job.`
    )
  }
  try {
    const info = fstatSync(fd)
    if (!info.isFile()) {
      throw new InputError(
        'config-file',
        `${shown} is not a regular file; expected an OpenVPN profile.`
      )
    }
    if (info.size > MAX_PROFILE_BYTES) {
      throw new InputError(
        'config-file',
        `${shown} is ${info.size} bytes; expected an OpenVPN profile of at most ${MAX_PROFILE_BYTES} bytes.`
      )
    }
    return readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
}
