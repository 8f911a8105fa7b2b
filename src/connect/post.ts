/**
 * The connect action's post step (`post-if: always()`, so also after a failure or cancellation):
 * disconnects, removes every file the main step wrote (its private directory: the profile copy,
 * OpenVPN's log, the management socket) and says how long the tunnel was up. With
 * `keep-connected: true` it leaves OpenVPN running and removes only the profile copy (OpenVPN
 * holds what it needs in memory). The main step saves a {@link ConnectRecord} as soon as it makes
 * its directory, and again once OpenVPN's pid is known, so a step that failed half-way is cleaned
 * up too. Nothing here fails the job: what cannot be undone is a warning.
 */
import { lstat, rm, unlink } from 'node:fs/promises'
import { basename, isAbsolute, join } from 'node:path'
import * as commands from '../runner/workflow-commands.js'
import { isRunning, stopOpenVpn } from './openvpn.js'

/** The saved state's name. */
export const STATE_CONNECTION = 'connection'
/** The private directory's name starts with this (mkdtemp adds six characters). */
export const WORK_DIR_PREFIX = 'ssl-vpn-connect-'
export const SOCKET_NAME = 'openvpn.sock'
export const LOG_NAME = 'openvpn.log'
export const PROFILE_COPY_NAME = 'profile.ovpn'

/** What the main step started and wrote, as the post step reads it back. */
export interface ConnectRecord {
  /** The private directory (absolute), holding every file the step wrote. */
  workDir: string
  /** OpenVPN's pid, once known. */
  pid: number | undefined
  /** OpenVPN runs as root through sudo. */
  sudo: boolean
  /** When OpenVPN reported the tunnel up (ms since the epoch); undefined if it never was. */
  connectedAt: number | undefined
  /** `keep-connected: true`. */
  keep: boolean
  /** The main step already stopped OpenVPN and removed its directory (it failed before up). */
  cleaned: boolean
}

/** The record from the saved state; undefined when there is none or it is not one of ours. */
export function parseConnectRecord(raw: string): ConnectRecord | undefined {
  if (raw === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return undefined
  }
  const record = value as Partial<ConnectRecord> | null
  const optionalNumber = (v: unknown) =>
    v === undefined || v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0)
  if (
    typeof record?.workDir !== 'string' ||
    !isAbsolute(record.workDir) ||
    !basename(record.workDir).startsWith(WORK_DIR_PREFIX) ||
    !optionalNumber(record.pid) ||
    !optionalNumber(record.connectedAt) ||
    typeof record.sudo !== 'boolean' ||
    typeof record.keep !== 'boolean' ||
    typeof record.cleaned !== 'boolean'
  ) {
    return undefined
  }
  return {
    workDir: record.workDir,
    pid: record.pid ?? undefined,
    sudo: record.sudo,
    connectedAt: record.connectedAt ?? undefined,
    keep: record.keep,
    cleaned: record.cleaned
  }
}

/** `3 min 12 s`, `850 ms`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** Where the post step reports. */
interface PostLog {
  info: (line: string) => void
  warning: (line: string) => void
}

/**
 * Removes the step's private directory: only when it is still a real directory (not a link) with
 * the name the step gave it. Never throws.
 */
export async function removeWorkDir(workDir: string, log: PostLog): Promise<void> {
  try {
    const info = await lstat(workDir)
    if (!info.isDirectory() || !basename(workDir).startsWith(WORK_DIR_PREFIX)) {
      log.warning(`Not removed: ${workDir} is no longer the directory this action made.`)
      return
    }
    await rm(workDir, { recursive: true, force: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warning(`Could not remove ${workDir} (${(error as Error).message}).`)
    }
  }
}

/** Disconnects (unless kept), removes the files, reports. Never throws. */
async function finishConnection(record: ConnectRecord, now: number, log: PostLog): Promise<void> {
  const upFor =
    record.connectedAt === undefined ? undefined : formatDuration(now - record.connectedAt)
  if (record.keep && record.connectedAt !== undefined) {
    await unlink(join(record.workDir, PROFILE_COPY_NAME)).catch(() => undefined)
    log.info(
      `keep-connected is true: OpenVPN (pid ${record.pid ?? '?'}) stays connected, up ${upFor} so far; its log is ${join(record.workDir, LOG_NAME)}. Stop it with: sudo kill ${record.pid ?? '<pid>'}`
    )
    return
  }
  if (record.cleaned) {
    log.info('The tunnel never came up and the main step already cleaned up: nothing to do.')
    return
  }
  if (record.pid !== undefined && isRunning(record.pid)) {
    const gone = await stopOpenVpn({
      socketPath: join(record.workDir, SOCKET_NAME),
      pid: record.pid,
      sudo: record.sudo
    })
    if (!gone) log.warning(`OpenVPN (pid ${record.pid}) did not exit after SIGTERM and SIGKILL.`)
  }
  await removeWorkDir(record.workDir, log)
  log.info(
    upFor === undefined
      ? `OpenVPN stopped; removed ${record.workDir}.`
      : `Disconnected: the tunnel was up for ${upFor}; removed ${record.workDir}.`
  )
}

/** The post step's entry: reads the main step's record and ends what it lists. */
export async function runConnectPost(): Promise<void> {
  const log: PostLog = {
    info: line => commands.info(line),
    warning: line => commands.warning(line)
  }
  try {
    const record = parseConnectRecord(commands.getState(STATE_CONNECTION))
    if (record === undefined) {
      commands.info('Nothing to disconnect: the main step started no OpenVPN.')
      return
    }
    await finishConnection(record, Date.now(), log)
  } catch (error) {
    commands.warning(`Disconnecting failed: ${(error as Error).message}.`)
  }
}
