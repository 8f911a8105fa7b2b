/**
 * What the runner must offer before OpenVPN can start, checked in this order so the first thing
 * missing is the one named: Linux, `/dev/net/tun`, root or password-less sudo (a tun device needs
 * CAP_NET_ADMIN), and OpenVPN, installed with apt-get when it is missing and the runner has apt-get
 * (Ubuntu runners). Its version (2.5 or later) is checked from its first log line (openvpn.ts),
 * not by a process start of its own. Every command runs through an injected {@link CommandRunner}
 * with a clean environment: the step's own (its INPUT_* secrets) is never passed on.
 */
import { RunnerError } from './connect-errors.js'

/** How a command ended. */
interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

/** The side effects the checks need, live or a test's fakes. */
export interface RunnerProbe {
  platform: NodeJS.Platform
  /** The effective user ID (`process.geteuid`), undefined where there is none. */
  uid: number | undefined
  isCharacterDevice: (path: string) => Promise<boolean>
  /** The first executable `name` in `dirs`, as an absolute path. */
  findExecutable: (name: string, dirs: readonly string[]) => Promise<string | undefined>
  /** Runs a command without a shell, bounded in time, with only PATH (and `extraEnv`) set. */
  run: (
    command: string,
    args: readonly string[],
    options: { timeoutMs: number; signal: AbortSignal; extraEnv?: Record<string, string> }
  ) => Promise<CommandResult>
}

/** How to start OpenVPN on this runner. */
export interface OpenVpnCommand {
  /** Absolute path of the openvpn binary. */
  path: string
  /** Run through `sudo -n` (the step is not root). */
  sudo: boolean
}

const TUN_DEVICE = '/dev/net/tun'
/** Where Debian, Ubuntu and Homebrew put openvpn, beyond PATH (a runner user's PATH may lack sbin). */
const SBIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin']
/** apt-get update and install together, on a slow mirror. */
const INSTALL_TIMEOUT_MS = 300_000
const PROBE_TIMEOUT_MS = 15_000
/** `--data-ciphers` exists since 2.5. */
const MINIMUM_VERSION = [2, 5] as const

/** The directories of PATH, then the sbin ones. */
function searchDirs(pathVariable: string | undefined): string[] {
  const fromPath = (pathVariable ?? '').split(':').filter(dir => dir.startsWith('/'))
  return [...new Set([...fromPath, ...SBIN_DIRS])]
}

/** `OpenVPN 2.6.14 x86_64-pc-linux-gnu …` (its first log line) → `2.6.14`; undefined otherwise. */
export function parseOpenVpnVersion(line: string): string | undefined {
  return /^OpenVPN (\d+\.\d+(?:\.\d+)?) /.exec(line)?.[1]
}

/** Why this OpenVPN cannot be used, when it is older than connect needs; undefined when it can. */
export function unsupportedVersion(version: string, path: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  const supported =
    major > MINIMUM_VERSION[0] || (major === MINIMUM_VERSION[0] && minor >= MINIMUM_VERSION[1])
  return supported
    ? undefined
    : `${path} is OpenVPN ${version}; connect needs OpenVPN 2.5 or later (install a newer openvpn package before this step).`
}

/**
 * Checks the runner and returns how to start OpenVPN, installing it first when it is missing and
 * apt-get is there. Throws a {@link RunnerError} naming what is missing.
 */
export async function prepareRunner(
  probe: RunnerProbe,
  pathVariable: string | undefined,
  signal: AbortSignal,
  log: (line: string) => void
): Promise<OpenVpnCommand> {
  if (probe.platform !== 'linux') {
    throw new RunnerError(
      `connect runs on Linux runners (this one is ${probe.platform}): use ubuntu-latest, or a self-hosted Linux runner with OpenVPN, /dev/net/tun and sudo.`
    )
  }
  if (!(await probe.isCharacterDevice(TUN_DEVICE))) {
    throw new RunnerError(
      `This runner has no ${TUN_DEVICE}, which OpenVPN needs for the tunnel: GitHub's Ubuntu runners have it; in a container, run it with --device /dev/net/tun --cap-add NET_ADMIN.`
    )
  }
  const dirs = searchDirs(pathVariable)
  const sudo = probe.uid !== 0
  // The sudo check and OpenVPN's version run side by side (each is a process start, some 25 ms);
  // a sudo refusal is still the error named first.
  const sudoChecked = sudo ? checkSudo(probe, dirs, signal) : Promise.resolve()
  sudoChecked.catch(() => undefined)
  let path = await probe.findExecutable('openvpn', dirs)
  if (path === undefined) {
    await sudoChecked
    const aptGet = await probe.findExecutable('apt-get', dirs)
    if (aptGet === undefined) {
      throw new RunnerError(
        'OpenVPN is not installed and this runner has no apt-get to install it: install OpenVPN 2.5 or later (the openvpn package of your distribution) before this step.'
      )
    }
    log('OpenVPN is not installed: installing the openvpn package with apt-get.')
    await install(probe, aptGet, sudo, signal)
    path = await probe.findExecutable('openvpn', dirs)
    if (path === undefined) {
      throw new RunnerError(
        'apt-get installed the openvpn package but no openvpn binary was found in PATH or /usr/sbin: install OpenVPN 2.5 or later before this step.'
      )
    }
  }
  // OpenVPN's version is not asked here (`openvpn --version` is a process start, some 15 ms of the
  // step): OpenVPN prints it as its first log line, and openvpn.ts checks it there.
  await sudoChecked
  return { path, sudo }
}

/** Password-less sudo, or a {@link RunnerError} saying what the step needs. */
async function checkSudo(probe: RunnerProbe, dirs: string[], signal: AbortSignal): Promise<void> {
  const sudoPath = await probe.findExecutable('sudo', dirs)
  const allowed =
    sudoPath !== undefined &&
    (await probe.run(sudoPath, ['-n', 'true'], { timeoutMs: PROBE_TIMEOUT_MS, signal })).code === 0
  if (!allowed) {
    throw new RunnerError(
      `OpenVPN needs root to create its tun device, and this step runs as uid ${probe.uid ?? '?'} without password-less sudo (sudo -n true failed): run the job as root, or allow the runner user password-less sudo for openvpn and kill.`
    )
  }
}

/** `apt-get update` then `apt-get install -y openvpn`, through `sudo -n` when not root. */
async function install(
  probe: RunnerProbe,
  aptGet: string,
  sudo: boolean,
  signal: AbortSignal
): Promise<void> {
  const extraEnv = { DEBIAN_FRONTEND: 'noninteractive' }
  // sudo resets the environment: `env` carries DEBIAN_FRONTEND through it.
  const command = (args: string[]): [string, string[]] =>
    sudo
      ? ['sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', aptGet, ...args]]
      : [aptGet, args]
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'openvpn']
  ]) {
    const [file, argv] = command(args)
    const result = await probe.run(file, argv, { timeoutMs: INSTALL_TIMEOUT_MS, signal, extraEnv })
    if (result.code !== 0) {
      const last = (result.stderr.trim().split('\n').at(-1) ?? '').slice(0, 200)
      throw new RunnerError(
        `Installing OpenVPN failed (apt-get ${args[0]} exited with ${result.code ?? 'a signal'}${last ? `: ${JSON.stringify(last)}` : ''}): install the openvpn package before this step.`
      )
    }
  }
}
