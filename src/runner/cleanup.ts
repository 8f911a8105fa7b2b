/**
 * The post step (`action.yml` `post:`, `post-if: always()`): removes the profiles the main step
 * wrote, so private keys do not outlive the job on a self-hosted runner whose workspace persists.
 * The main step records each profile the moment it is written (`core.saveState`), so a step that
 * failed half-way is cleaned too; `keep-profiles: true` leaves them. The runner hands the saved
 * state to the post step as `STATE_<name>` variables, and runs the same bundle: phase.ts tells
 * the phases apart.
 *
 * Only what was recorded is removed: regular files directly inside the recorded config-dir named
 * like a profile (`.ovpn`, or `.ovpn.age` encrypted), never
 * through a symbolic link. A file already gone is no failure; nothing here fails the job.
 */
import * as core from '@actions/core'
import { lstat, unlink } from 'node:fs/promises'
import { dirname, isAbsolute } from 'node:path'

/** The {@link ProfileRecord} as JSON. */
export const STATE_PROFILES = 'profiles'

/** What the main step wrote, as the post step reads it back. */
export interface ProfileRecord {
  /** Absolute. */
  configDir: string
  /** Absolute paths, each directly inside configDir. */
  files: string[]
  /** `keep-profiles: true`: the post step removes nothing. */
  keep: boolean
}

/**
 * Returns the function that records a written profile (its absolute path) and saves the whole
 * record at once through `save` (the runner keeps the last value of a state).
 */
export function profileRecorder(
  keep: boolean,
  save: (value: string) => void
): (path: string) => void {
  let record: ProfileRecord | undefined
  return path => {
    record ??= { configDir: dirname(path), files: [], keep }
    if (!record.files.includes(path)) record.files.push(path)
    save(JSON.stringify(record))
  }
}

/** The record from the saved state; undefined when there is none or it is not one of ours. */
export function parseProfileRecord(raw: string): ProfileRecord | undefined {
  if (raw === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return undefined
  }
  const record = value as Partial<ProfileRecord> | null
  if (
    typeof record?.configDir !== 'string' ||
    !Array.isArray(record.files) ||
    !record.files.every(file => typeof file === 'string') ||
    typeof record.keep !== 'boolean'
  ) {
    return undefined
  }
  return { configDir: record.configDir, files: record.files, keep: record.keep }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

function reason(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.message : String(error))
}

/** Where the post step reports: `info` for what happened, `warning` for what it left. */
interface CleanupLog {
  info: (line: string) => void
  warning: (line: string) => void
}

/**
 * Removes every recorded profile that is still a regular file directly inside the recorded
 * config-dir (itself still a real directory). Never throws: what cannot be removed is a warning.
 */
export async function removeProfiles(record: ProfileRecord, log: CleanupLog): Promise<void> {
  const { configDir, files } = record
  if (record.keep) {
    log.info(
      `keep-profiles is true: leaving ${files.length} ${files.length === 1 ? 'profile' : 'profiles'} in ${configDir}.`
    )
    return
  }
  try {
    const info = await lstat(configDir)
    if (!info.isDirectory()) {
      log.warning(
        `config-dir ${configDir} is no longer a directory (a symbolic link?): removed nothing from it.`
      )
      return
    }
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      log.info(`config-dir ${configDir} is already gone: nothing to remove.`)
    } else {
      log.warning(`Could not check config-dir ${configDir} (${reason(error)}): removed nothing.`)
    }
    return
  }
  for (const file of files) {
    if (!isAbsolute(file) || dirname(file) !== configDir || !/\.ovpn(\.age)?$/.test(file)) {
      log.warning(`Not removed: ${file} is not a profile directly inside ${configDir}.`)
      continue
    }
    try {
      const info = await lstat(file)
      if (!info.isFile()) {
        log.warning(
          `Not removed: ${file} is no longer a regular file (${info.isSymbolicLink() ? 'a symbolic link' : 'something else'}); left as it is.`
        )
        continue
      }
      // unlink never follows a link: a file swapped for one since the check loses only the link.
      await unlink(file)
      log.info(`Removed profile ${file}.`)
    } catch (error) {
      if (errorCode(error) === 'ENOENT') log.info(`Profile ${file} is already gone.`)
      else log.warning(`Could not remove profile ${file} (${reason(error)}).`)
    }
  }
}

/** The post step's entry: reads the main step's record and removes what it lists. */
export async function runPost(): Promise<void> {
  try {
    const record = parseProfileRecord(core.getState(STATE_PROFILES))
    if (record === undefined) {
      core.info('No profiles were written: nothing to remove.')
      return
    }
    await removeProfiles(record, {
      info: line => core.info(line),
      warning: line => core.warning(line)
    })
  } catch (error) {
    core.warning(`Removing the profiles failed: ${reason(error)}.`)
  }
}
