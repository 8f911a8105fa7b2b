/**
 * The connect action's step (`connect/action.yml`): read the settings, check the runner (and
 * install OpenVPN when it can), start OpenVPN on the profile, wait until OpenVPN says the tunnel
 * is up, write the outputs. {@link runConnect} takes the outside world as one {@link ConnectIo}
 * and the system as one {@link ConnectSystem}, so a test runs it in-process; {@link run} is the
 * live wrapper, through the same composition as every action (composition.ts).
 */
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { STATE_IS_POST } from '../runner/phase.js'
import { liveRunnerIo, runLiveWith, type RunnerIo } from '../runner/live.js'
import * as commands from '../runner/workflow-commands.js'
import { CancelledError, ExpectedFailure, InputError } from '../core/errors.js'
import { createSecretRegistry } from '../core/redact.js'
import type { Environment } from '../core/environment.js'
import { readableStack } from '../core/stack-trace.js'
import { ConnectFailure } from './connect-errors.js'
import { maskProfile, readConnectSettings, type ConnectSettings } from './inputs.js'
import { startTunnel, type ConnectContext, type LaunchPlan, type Tunnel } from './openvpn.js'
import { connectOutputs, describeTunnel, writeConnectSummary } from './outputs.js'
import {
  LOG_NAME,
  PROFILE_COPY_NAME,
  removeWorkDir,
  SOCKET_NAME,
  STATE_CONNECTION,
  type ConnectRecord
} from './post.js'
import {
  conflictingDirective,
  dataCiphersFor,
  hasEncryptedInlineKey,
  remoteOf
} from './profile-options.js'
import { prepareRunner, type OpenVpnCommand } from './runner-setup.js'
import { liveProbe } from './system.js'
import { makeWorkDir, readProfileFile, writeProfileCopy } from './work-dir.js'

/** The part of the runner the step uses. */
export type ConnectIo = Pick<
  RunnerIo,
  'getInput' | 'env' | 'setOutput' | 'saveState' | 'summary' | 'logger' | 'now' | 'signal'
>

/** The system the step drives: live, or a test's fakes. */
export interface ConnectSystem {
  prepareRunner: (
    pathVariable: string | undefined,
    signal: AbortSignal,
    log: (line: string) => void
  ) => Promise<OpenVpnCommand>
  /** Makes the step's private directory (0700) in `parent`. */
  makeWorkDir: (parent: string) => Promise<string>
  /** Writes a profile given as text to a new 0600 file in that directory; returns its path. */
  writeProfileCopy: (workDir: string, name: string, text: string) => Promise<string>
  removeWorkDir: (dir: string) => Promise<void>
  /** The profile file's text: a regular file of at most MAX_PROFILE_BYTES (inputs.ts). */
  readProfileFile: (path: string) => Promise<string>
  startTunnel: (plan: LaunchPlan, context: ConnectContext) => Promise<Tunnel>
}

/** A unix socket's path must fit in 108 bytes; beyond this, the directory goes to the OS's temp. */
const MAX_WORK_DIR_PARENT_LENGTH = 70

/**
 * The connect step, as the runner starts it: the live runner without any network client (connect
 * calls no API) and through workflow-commands.ts rather than `@actions/core` (the same bytes,
 * some 20 ms less to load), so the step's start is Node's and OpenVPN's.
 */
export async function run(): Promise<void> {
  await runLiveWith(
    signal => liveRunnerIo(commands, signal),
    io => runConnect(io)
  )
}

/**
 * The connect step with the outside world given: every input error, runner problem, OpenVPN
 * failure, cancellation and bug ends as one `setFailed` message; OpenVPN's last lines (redacted)
 * go to the debug log.
 */
export async function runConnect(
  io: ConnectIo,
  system: ConnectSystem = LIVE_SYSTEM
): Promise<void> {
  const { logger } = io
  const stepStart = io.now()
  // Milliseconds since the process started (Node's start and the bundle's load), for the timing line.
  const loadedAt = Math.round(performance.now())
  // First: the post step must know it is the post step, whatever happens next.
  io.saveState(STATE_IS_POST, 'true')
  const secrets = createSecretRegistry(secret => logger.setSecret(secret))
  let record: ConnectRecord | undefined
  let timeoutSeconds: number | undefined
  const save = () => {
    if (record !== undefined) io.saveState(STATE_CONNECTION, JSON.stringify(record))
  }
  try {
    const settings = readConnectSettings(io.getInput, secrets.mask)
    timeoutSeconds = settings.timeoutMs / 1000
    const profile = await readProfile(settings, system, secrets.mask)
    const conflict = conflictingDirective(profile)
    if (conflict !== undefined) {
      throw new InputError(
        profileInput(settings),
        `the profile sets ${conflict}, which connect sets itself (it runs OpenVPN and drives it through its own management interface); remove that line.`
      )
    }
    if (hasEncryptedInlineKey(profile) && settings.keyPassphrase === undefined) {
      throw new InputError(
        'key-passphrase',
        "is required: the profile's private key is encrypted (give the passphrase it was made with)."
      )
    }
    const ciphers = dataCiphersFor(profile)
    const command = await system.prepareRunner(io.env['PATH'], io.signal, line => logger.info(line))
    const remote = remoteOf(profile)
    if (ciphers.appended !== undefined) {
      const line = `The profile asks for cipher ${ciphers.appended}, which OpenVPN 2.6 no longer negotiates unless listed: connecting with --data-ciphers ${ciphers.dataCiphers} (its default list and the profile's own cipher; nothing else added).`
      if (ciphers.weak)
        logger.warning(
          `${line} ${ciphers.appended} has 64-bit blocks (SWEET32): ask for AES-GCM on the SSL server.`
        )
      else logger.info(line)
    }

    const workDir = await system.makeWorkDir(workDirParent(io.env))
    record = {
      workDir,
      pid: undefined,
      sudo: command.sudo,
      connectedAt: undefined,
      keep: settings.keepConnected,
      cleaned: false
    }
    save()
    const configPath =
      settings.profile.kind === 'text'
        ? await system.writeProfileCopy(workDir, PROFILE_COPY_NAME, profile)
        : resolve(settings.profile.path)
    const started = io.now()
    logger.info(
      `Starting OpenVPN (${command.path})${command.sudo ? ' through sudo' : ''} for ${remote ?? 'the profile’s server'}; waiting up to ${timeoutSeconds} s for the tunnel.`
    )
    const connecting = record
    let tunnel: Tunnel
    try {
      tunnel = await system.startTunnel(
        {
          command,
          configPath,
          socketPath: join(workDir, SOCKET_NAME),
          logPath: join(workDir, LOG_NAME),
          dataCiphers: ciphers.dataCiphers,
          env: openVpnEnvironment(io.env, settings.keepConnected)
        },
        {
          passphrase: settings.keyPassphrase,
          remote,
          deadline: started + settings.timeoutMs,
          timeoutSeconds,
          now: io.now,
          signal: io.signal,
          redact: text => secrets.redact(text),
          onPid: pid => {
            connecting.pid = pid
            save()
          }
        }
      )
    } catch (error) {
      // startTunnel stopped OpenVPN; the files go too, and the post step has nothing left to do.
      await system.removeWorkDir(workDir)
      connecting.cleaned = true
      save()
      throw error
    }
    connecting.pid = tunnel.pid
    connecting.connectedAt = io.now()
    save()
    for (const [name, value] of Object.entries(connectOutputs(tunnel))) io.setOutput(name, value)
    const line = describeTunnel(tunnel, connecting.connectedAt - started)
    logger.info(line)
    if (io.env['GITHUB_STEP_SUMMARY']) await writeConnectSummary(io.summary, line)
    // For bench/connect.mjs: where the step's time went.
    logger.debug(
      `Timing: process start to step start ${loadedAt} ms; step start to OpenVPN started ${tunnel.startedAt - stepStart} ms; OpenVPN started to CONNECTED seen ${connecting.connectedAt - tunnel.startedAt} ms; CONNECTED to outputs and summary written ${io.now() - connecting.connectedAt} ms.`
    )
  } catch (error) {
    if (error instanceof CancelledError) logger.warning(`Cancelled (${error.message}).`)
    logger.setFailed(describeConnectError(error))
    if (error instanceof ConnectFailure && error.lastLines.length > 0) {
      logger.debug(`OpenVPN's last lines:\n${error.lastLines.join('\n')}`)
    }
    if (!(error instanceof ExpectedFailure) && error instanceof Error && error.stack) {
      logger.debug(readableStack(error.stack))
    }
  }
}

function profileInput(settings: ConnectSettings): string {
  return settings.profile.kind === 'file' ? 'config-file' : 'profile'
}

/** The profile's text, masked as key material. */
async function readProfile(
  settings: ConnectSettings,
  system: ConnectSystem,
  mask: (secret: string) => void
): Promise<string> {
  if (settings.profile.kind === 'text') return settings.profile.text
  const text = await system.readProfileFile(settings.profile.path)
  maskProfile(text, mask)
  return text
}

/** RUNNER_TEMP (emptied by the runner after every job), else the OS's, if short enough for a socket. */
function workDirParent(env: Environment): string {
  const runnerTemp = env['RUNNER_TEMP']
  return runnerTemp && runnerTemp.startsWith('/') && runnerTemp.length <= MAX_WORK_DIR_PARENT_LENGTH
    ? runnerTemp
    : tmpdir()
}

/**
 * OpenVPN's environment: PATH only, never the step's (its INPUT_* variables hold the profile and
 * the passphrase). RUNNER_TRACKING_ID lets the runner end an OpenVPN the post step could not; with
 * keep-connected it is left out, so the tunnel outlives the job.
 */
export function openVpnEnvironment(
  env: Environment,
  keepConnected: boolean
): Record<string, string> {
  const result: Record<string, string> = { PATH: env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin' }
  const tracking = env['RUNNER_TRACKING_ID']
  if (!keepConnected && tracking) result['RUNNER_TRACKING_ID'] = tracking
  return result
}

function describeConnectError(error: unknown): string {
  if (error instanceof CancelledError) {
    return 'The workflow was cancelled before the tunnel was up; OpenVPN was stopped.'
  }
  if (error instanceof ExpectedFailure) return error.message
  const message = error instanceof Error ? error.message : String(error)
  return `Connecting failed unexpectedly (${message}). This is a bug: please report it with the debug log.`
}

const LIVE_SYSTEM: ConnectSystem = {
  prepareRunner: (pathVariable, signal, log) => prepareRunner(liveProbe, pathVariable, signal, log),
  makeWorkDir: async parent => makeWorkDir(parent),
  writeProfileCopy: async (workDir, name, text) => writeProfileCopy(workDir, name, text),
  removeWorkDir: dir => removeWorkDir(dir, { info: () => undefined, warning: () => undefined }),
  readProfileFile: async path => readProfileFile(path),
  startTunnel
}
