/**
 * Starts OpenVPN and learns from OpenVPN itself when the tunnel is up. OpenVPN runs detached in its
 * own session (it outlives the step; the post step or `keep-connected` decides its end), its
 * output in a private log file, and is driven through its management interface on a unix socket
 * in the step's private directory, open to this user only (`--management-client-user`):
 *
 * - `--management-hold` keeps it from connecting until the action listens, so no state is missed;
 * - `log on all` and `state on` stream its log and state; `CONNECTED` is the tunnel up (OpenVPN's
 *   own `Initialization Sequence Completed`), and a line that means failure ends the wait at once;
 * - `--management-query-passwords` makes it ask for the key's passphrase there: the passphrase
 *   goes over the socket, never on a command line, in a file or in any environment.
 *
 * The step gives up at its deadline or on cancellation, and then stops OpenVPN itself.
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { connect as connectSocket, type Socket } from 'node:net'
import { userInfo } from 'node:os'
import { dirname } from 'node:path'
import { CancelledError } from '../core/errors.js'
import { ConnectFailure } from './connect-errors.js'
import { describeConnectFailure, isFinal } from './diagnosis.js'
import {
  lineSplitter,
  parseManagementLine,
  passwordCommand,
  pushedRoutes,
  START_COMMANDS,
  type ManagementEvent
} from './management.js'
import { parseOpenVpnVersion, unsupportedVersion, type OpenVpnCommand } from './runner-setup.js'

/** The tunnel, as OpenVPN reported it up. */
export interface Tunnel {
  /** OpenVPN's process ID (from its management interface: the real one, also under sudo). */
  pid: number
  tunnelIp: string
  tunnelIpv6: string
  /** `tun0`… */
  interfaceName: string
  /** Pushed by the server: `10.0.0.0/8`… */
  routes: string[]
  /** The server's address and port, as OpenVPN reached it. */
  remote: string
  /** The data channel's cipher, as the server pushed it. */
  dataCipher: string | undefined
  /** `2.6.14`, from OpenVPN's first log line; undefined if it printed none. */
  version: string | undefined
  /** When OpenVPN was started (the step's clock), for the timing line. */
  startedAt: number
}

/** Where things are, and how to start OpenVPN. */
export interface LaunchPlan {
  command: OpenVpnCommand
  configPath: string
  socketPath: string
  logPath: string
  /** `--data-ciphers`, when the profile needs its cipher added. */
  dataCiphers: string | undefined
  /** The environment OpenVPN starts with: PATH, and the runner's tracking ID unless it must outlive the job. */
  env: Record<string, string>
}

/** What the wait needs from the step. */
export interface ConnectContext {
  passphrase: string | undefined
  /** `host:port/proto` of the profile, for messages. */
  remote: string | undefined
  deadline: number
  timeoutSeconds: number
  now: () => number
  signal: AbortSignal
  /** The step's redaction of its secrets, applied to every OpenVPN line kept. */
  redact: (text: string) => string
  /** Called with OpenVPN's pid as soon as it is known (for the post step). */
  onPid: (pid: number) => void
}

/** How many of OpenVPN's log lines are kept for the failure message and the debug log. */
const KEPT_LOG_LINES = 200
/**
 * How often to look for OpenVPN's management socket. OpenVPN holds (--management-hold) until the
 * step has attached, so the time between the socket's appearance and the next look is added to
 * the step whole: 2 ms, where 10 cost some 5 ms on average (bench/connect.mjs). A failed look is
 * one connect(2) to a path that is not there yet.
 */
const SOCKET_RETRY_MS = 2
/** How long to wait for OpenVPN to exit once told to. */
const STOP_WAIT_MS = 5_000
/** OpenVPN's management log cache: the history `log on all` prints. */
const LOG_CACHE_LINES = 2_000

/** The command line: the profile first, then the action's options, which override the profile's. */
export function openVpnArguments(plan: LaunchPlan, user: string): string[] {
  return [
    '--config',
    plan.configPath,
    '--management',
    plan.socketPath,
    'unix',
    '--management-client-user',
    user,
    '--management-hold',
    '--management-query-passwords',
    '--management-log-cache',
    String(LOG_CACHE_LINES),
    ...(plan.dataCiphers === undefined ? [] : ['--data-ciphers', plan.dataCiphers])
  ]
}

/** One line on one line: control characters shown, length bounded, secrets removed. */
function cleanLine(text: string, redact: (text: string) => string): string {
  // eslint-disable-next-line no-control-regex
  return redact(text.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 1000)).trim()
}

/**
 * Starts OpenVPN and resolves when its state is CONNECTED. On failure, timeout or cancellation it
 * stops OpenVPN and throws (a {@link ConnectFailure} with the reason from its log, or the
 * cancellation).
 */
export async function startTunnel(plan: LaunchPlan, context: ConnectContext): Promise<Tunnel> {
  // Synchronous, as the step's other files before OpenVPN starts (work-dir.ts says why).
  const logFile = openSync(plan.logPath, 'wx', 0o600)
  const args = openVpnArguments(plan, userInfo().username)
  const [file, argv] = plan.command.sudo
    ? ['sudo', ['-n', '--', plan.command.path, ...args]]
    : [plan.command.path, args]
  let child
  try {
    child = spawn(file, argv, {
      detached: true,
      stdio: ['ignore', logFile, logFile],
      env: plan.env,
      cwd: dirname(plan.configPath)
    })
  } finally {
    closeSync(logFile)
  }
  child.unref()
  const startedAt = context.now()
  let exited: { code: number | null } | undefined
  const exit = new Promise<void>(resolve => {
    child.once('exit', code => {
      exited = { code }
      resolve()
    })
    child.once('error', () => {
      exited = { code: null }
      resolve()
    })
  })

  const session = new TunnelSession(context, plan.command.path)
  try {
    const socket = await connectWhenListening(plan.socketPath, () => exited !== undefined, context)
    const tunnel = { ...(await session.run(socket, exit)), startedAt }
    // OpenVPN goes on without a management client; the post step connects again to stop it.
    socket.end('quit\n')
    return tunnel
  } catch (error) {
    await stopOpenVpn(
      { socketPath: plan.socketPath, pid: session.pid ?? child.pid, sudo: plan.command.sudo },
      session.socket
    )
    await within(exit, STOP_WAIT_MS)
    if (error instanceof ConnectFailure || error instanceof CancelledError) throw error
    // OpenVPN never listened: what it printed before (an options error, say) is in its log file.
    throw session.failure(exited === undefined ? 'timeout' : 'exited', await readTail(plan.logPath))
  }
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** `promise`, or after `ms` whichever comes first; the timer never outlives it. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([promise, new Promise(resolve => (timer = setTimeout(resolve, ms)))])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Connects to OpenVPN's socket once it listens (it appears some milliseconds after the start);
 * gives up when OpenVPN has exited, at the deadline or on cancellation.
 */
async function connectWhenListening(
  path: string,
  hasExited: () => boolean,
  context: ConnectContext
): Promise<Socket> {
  for (;;) {
    if (context.signal.aborted) throw context.signal.reason ?? new CancelledError('cancelled')
    if (hasExited()) throw new Error('OpenVPN exited before its management interface listened')
    if (context.now() >= context.deadline) throw new Error('timeout before OpenVPN listened')
    const socket = await new Promise<Socket | undefined>(resolve => {
      const attempt = connectSocket(path)
      attempt.once('connect', () => resolve(attempt))
      attempt.once('error', () => {
        attempt.destroy()
        resolve(undefined)
      })
    })
    if (socket !== undefined) return socket
    await delay(SOCKET_RETRY_MS)
  }
}

/** The last lines of OpenVPN's own output (what it printed before its management interface). */
async function readTail(path: string): Promise<string[]> {
  try {
    const handle = await open(path, 'r')
    try {
      const { size } = await handle.stat()
      const length = Math.min(size, 16 * 1024)
      const buffer = Buffer.alloc(length)
      await handle.read(buffer, 0, length, size - length)
      return buffer.toString('utf8').split('\n').slice(-40)
    } finally {
      await handle.close()
    }
  } catch {
    return []
  }
}

/** One conversation with OpenVPN's management interface, until the tunnel is up or it failed. */
class TunnelSession {
  pid: number | undefined
  socket: Socket | undefined
  private readonly log: string[] = []
  private lastState: string | undefined
  private interfaceName = ''
  private routes: string[] = []
  private dataCipher: string | undefined
  private version: string | undefined

  constructor(
    private readonly context: ConnectContext,
    private readonly path: string
  ) {}

  failure(
    ending: 'exited' | 'timeout' | 'fatal',
    extraLines: readonly string[] = []
  ): ConnectFailure {
    for (const line of extraLines) this.keep(line)
    const message = describeConnectFailure({
      log: this.log,
      lastState: this.lastState,
      remote: this.context.remote,
      ending,
      timeoutSeconds: this.context.timeoutSeconds
    })
    return new ConnectFailure(message, this.log.slice(-40))
  }

  private keep(message: string): void {
    const line = cleanLine(message, this.context.redact)
    if (line === '') return
    this.log.push(line)
    if (this.log.length > KEPT_LOG_LINES) this.log.shift()
  }

  run(socket: Socket, exit: Promise<void>): Promise<Omit<Tunnel, 'startedAt'>> {
    this.socket = socket
    const { context } = this
    return new Promise((resolve, reject) => {
      let settled = false
      const finish = (outcome: { tunnel: Omit<Tunnel, 'startedAt'> } | { error: Error }) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        context.signal.removeEventListener('abort', onAbort)
        if ('tunnel' in outcome) resolve(outcome.tunnel)
        else reject(outcome.error)
      }
      const onAbort = () =>
        finish({ error: context.signal.reason ?? new CancelledError('cancelled') })
      context.signal.addEventListener('abort', onAbort, { once: true })
      const timer = setTimeout(
        () => finish({ error: this.failure('timeout') }),
        Math.max(0, context.deadline - context.now())
      )
      if (context.signal.aborted) onAbort()
      void exit.then(() => finish({ error: this.failure('exited') }))
      socket.once('close', () => {
        // After success the action closes it itself: no timer may then keep the step alive.
        if (settled) return
        // OpenVPN closes the socket as it exits: let the exit (and its last lines) decide.
        void within(exit, STOP_WAIT_MS).then(() => finish({ error: this.failure('exited') }))
      })
      socket.setEncoding('utf8')
      socket.on(
        'data',
        lineSplitter(line => {
          const outcome = this.handle(parseManagementLine(line))
          if (outcome !== undefined) finish(outcome)
        })
      )
      socket.write(START_COMMANDS)
    })
  }

  /** Reacts to one management line; returns the outcome once there is one. */
  private handle(
    event: ManagementEvent
  ): { tunnel: Omit<Tunnel, 'startedAt'> } | { error: Error } | undefined {
    switch (event.kind) {
      case 'log': {
        this.keep(event.message)
        if (this.version === undefined) {
          this.version = parseOpenVpnVersion(event.message)
          const tooOld = this.version && unsupportedVersion(this.version, this.path)
          if (tooOld) return { error: new ConnectFailure(tooOld, this.log.slice(-40)) }
        }
        const device = /(?:TUN\/TAP|DCO) device (\S+) opened/.exec(event.message)
        if (device) this.interfaceName = device[1] ?? ''
        const push = /PUSH_REPLY,(.*?)'?$/.exec(event.message)
        if (push) {
          this.routes = pushedRoutes(push[1] ?? '')
          // The cipher the server chose; OpenVPN logs its own "Data Channel" line only after CONNECTED.
          this.dataCipher = /(?:^|,)cipher ([A-Za-z0-9-]{1,40})(?:,|$)/.exec(push[1] ?? '')?.[1]
        }
        return isFinal(event.message) ? { error: this.failure('fatal') } : undefined
      }
      case 'pid':
        this.pid = event.pid
        this.context.onPid(event.pid)
        return undefined
      case 'password-needed':
        if (event.what === 'Private Key' && this.context.passphrase !== undefined) {
          this.socket?.write(passwordCommand(event.what, this.context.passphrase))
          return undefined
        }
        return {
          error: new ConnectFailure(
            event.what === 'Private Key'
              ? "The profile's private key is encrypted: give its passphrase as key-passphrase."
              : `The profile asks for a username and password (auth-user-pass, OpenVPN asked for '${cleanLine(event.what, this.context.redact)}'), which connect does not supply: use a profile without two-factor authentication.`,
            this.log.slice(-40)
          )
        }
      case 'password-failed':
        this.keep(`Verification Failed: '${event.what}' ${event.detail}`)
        return { error: this.failure('fatal') }
      case 'fatal':
        this.keep(event.message)
        return { error: this.failure('fatal') }
      case 'state':
        this.lastState = event.name
        if (event.name === 'CONNECTED' && this.pid !== undefined) {
          return {
            tunnel: {
              pid: this.pid,
              tunnelIp: event.tunnelIp,
              tunnelIpv6: event.tunnelIpv6,
              interfaceName: this.interfaceName,
              routes: this.routes,
              remote: event.remotePort ? `${event.remote}:${event.remotePort}` : event.remote,
              dataCipher: this.dataCipher,
              version: this.version
            }
          }
        }
        return undefined
      default:
        return undefined
    }
  }
}

/** How to reach a running OpenVPN to stop it. */
interface RunningOpenVpn {
  socketPath: string
  pid: number | undefined
  sudo: boolean
}

/**
 * Stops OpenVPN: `signal SIGTERM` over its management interface (it then closes its tun device and
 * exits), else SIGTERM to its pid (through `sudo -n kill` when not root), then SIGKILL when it is
 * still there after a few seconds. Never throws; resolves with whether it is gone.
 */
export async function stopOpenVpn(running: RunningOpenVpn, openSocket?: Socket): Promise<boolean> {
  const socket = openSocket?.writable
    ? openSocket
    : await new Promise<Socket | undefined>(resolve => {
        const attempt = connectSocket(running.socketPath)
        attempt.once('connect', () => resolve(attempt))
        attempt.once('error', () => resolve(undefined))
      })
  if (socket !== undefined) {
    const closed = new Promise<void>(resolve => socket.once('close', () => resolve()))
    socket.on('error', () => undefined)
    socket.resume()
    socket.write('signal SIGTERM\n')
    await within(closed, STOP_WAIT_MS)
    socket.destroy()
  }
  const { pid } = running
  if (pid === undefined) return true
  if (await exitsWithin(pid, STOP_WAIT_MS)) return true
  await sendSignal(pid, 'SIGTERM', running.sudo)
  if (await exitsWithin(pid, STOP_WAIT_MS)) return true
  await sendSignal(pid, 'SIGKILL', running.sudo)
  return exitsWithin(pid, STOP_WAIT_MS)
}

/** True while a process of that pid exists (EPERM: it exists, and is root's). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function exitsWithin(pid: number, ms: number): Promise<boolean> {
  const start = Date.now()
  while (isRunning(pid)) {
    if (Date.now() - start >= ms) return false
    await delay(50)
  }
  return true
}

async function sendSignal(pid: number, signal: NodeJS.Signals, sudo: boolean): Promise<void> {
  if (!sudo) {
    try {
      process.kill(pid, signal)
    } catch {
      // gone already
    }
    return
  }
  await new Promise<void>(resolve => {
    const killer = spawn('sudo', ['-n', 'kill', `-${signal.replace(/^SIG/, '')}`, String(pid)], {
      stdio: 'ignore',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }
    })
    killer.once('exit', () => resolve())
    killer.once('error', () => resolve())
  })
}
