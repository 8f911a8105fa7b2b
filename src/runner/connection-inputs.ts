/**
 * The inputs every action reads the same way (region, endpoint, signature, deadline and the
 * credentials through credential-inputs.ts; the SSL server; `name`/`names`), so a value is checked
 * by one rule whichever action it is given to; and those several actions share (`config-dir`,
 * `warn-days`).
 */
import { resolve } from 'node:path'
import { InputError } from '../core/errors.js'
import { conflictingInputsError, parseWholeNumber, quote } from '../core/input-rules.js'
import { isRegionId, NAME_PATTERN, parseEndpoint } from '../alibaba/rules.js'
import { type Environment, type InputReader } from '../core/environment.js'
import type { ConnectionSettings } from '../alibaba/settings.js'
import type { SignatureVersion } from '../alibaba/signer.js'
import { readCredentialSettings } from './credential-inputs.js'

/**
 * The inputs every action of this repository reads the same way: credentials first (so every
 * secret is masked before anything else can fail and print), then region, endpoint, signature and
 * deadline.
 */
export function readConnectionSettings(
  getInput: InputReader,
  env: Environment,
  maskSecret: (value: string) => void
): ConnectionSettings {
  const credentials = readCredentialSettings(getInput, env, maskSecret)
  const regionId = parseRegionId(getInput('region-id'))
  const endpoint = parseEndpoint(getInput('endpoint'), `vpc.${regionId}.aliyuncs.com`)
  const signatureVersion = parseSignatureVersion(getInput('signature-version'))
  const timeoutMs = parseTimeoutSeconds(getInput('timeout-seconds')) * 1000
  return { regionId, credentials, endpoint, signatureVersion, timeoutMs }
}

function parseRegionId(raw: string): string {
  if (raw === '') throw new InputError('region-id', 'is required, e.g. "cn-hangzhou".')
  if (!isRegionId(raw)) {
    throw new InputError(
      'region-id',
      `${quote(raw)} is not a region ID; expected lowercase words joined by hyphens, e.g. "cn-hangzhou" or "ap-southeast-1".`
    )
  }
  return raw
}

const SSL_VPN_SERVER_ID_PATTERN = /^vss-[a-z0-9]{1,64}$/

export function parseSslVpnServerId(raw: string): string {
  if (raw === '') throw new InputError('ssl-vpn-server-id', 'is required, e.g. "vss-bp1abc…".')
  if (!SSL_VPN_SERVER_ID_PATTERN.test(raw)) {
    throw new InputError(
      'ssl-vpn-server-id',
      `${quote(raw)} is not an SSL server ID; expected "vss-" followed by lowercase letters and digits.`
    )
  }
  return raw
}

/** A multi-line input's lines, trimmed, without empty ones (as `core.getMultilineInput`). */
export function getMultilineInput(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
}

/** Most names one step takes: each create keeps the gateway busy for a while. */
const MAX_NAMES = 200

/**
 * `name` or `names` (one per line, mutually exclusive): the certificates to obtain, as a list
 * with `undefined` for "one certificate, named by the API".
 */
export function parseNames(nameInput: string, lines: string[]): (string | undefined)[] {
  if (nameInput !== '' && lines.length > 0) {
    throw conflictingInputsError(
      ['name', 'names'],
      "give one of them: 'name' for one certificate, 'names' (one per line) for several."
    )
  }
  if (lines.length === 0) return [parseName(nameInput)]
  if (lines.length > MAX_NAMES) {
    throw new InputError(
      'names',
      `has ${lines.length} names; at most ${MAX_NAMES} per step (split the list over several steps or jobs).`
    )
  }
  const seen = new Set<string>()
  return lines.map((line, index) => {
    const name = parseNameOnLine(line, index)
    if (name !== undefined && seen.has(name)) {
      throw new InputError(
        'names',
        `line ${index + 1}: ${quote(line)} appears twice; each name once.`
      )
    }
    if (name !== undefined) seen.add(name)
    return name
  })
}

/** One line of `names` as a name: its error says which line. */
export function parseNameOnLine(line: string, index: number): string | undefined {
  try {
    return parseName(line)
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    throw new InputError(
      'names',
      `line ${index + 1}: ${error.message.replace(/^Input 'name': /, '')}`
    )
  }
}

/** `Name`, checked by the rule on the CreateSslVpnClientCert reference page. */
function parseName(raw: string): string | undefined {
  if (raw === '') return undefined
  const expected =
    'expected 2 to 128 characters: letters, digits, ".", "_" and "-", starting with a letter'
  if (/^https?:\/\//i.test(raw)) {
    throw new InputError('name', `${quote(raw)} starts with http:// or https://; ${expected}.`)
  }
  if (!NAME_PATTERN.test(raw)) {
    const why =
      raw.length < 2
        ? 'is too short'
        : raw.length > 128
          ? `is ${raw.length} characters long`
          : !/^[A-Za-z]/.test(raw)
            ? 'does not start with a letter'
            : 'contains a character that is not allowed'
    throw new InputError('name', `${quote(raw)} ${why}; ${expected}.`)
  }
  return raw
}

function parseSignatureVersion(raw: string): SignatureVersion {
  const value = raw.toLowerCase()
  if (value === '' || value === 'v3') return 'v3'
  if (value === 'v1') return 'v1'
  throw new InputError(
    'signature-version',
    `${quote(raw)} is not supported; expected "v3" (ACS3-HMAC-SHA256, the default) or "v1" (HMAC-SHA1).`
  )
}

const DEFAULT_TIMEOUT_SECONDS = 300
/** Six hours: the longest a GitHub-hosted job may run. */
const MAX_TIMEOUT_SECONDS = 21_600

function parseTimeoutSeconds(raw: string): number {
  return parseWholeNumber(raw, 'timeout-seconds', 1, MAX_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS)
}

/**
 * Linux's kernel file systems, where no profile belongs: /proc and /sys hold no files of anyone,
 * and /dev holds device nodes. Refused up front because they also misbehave: procfs answers a new
 * directory with ENOENT although its parent exists, on which Node's recursive mkdir spun for ever
 * (profile.ts creates config-dir one level at a time now, and stops there with an error).
 * `/dev/shm` is a tmpfs meant for files, a fair place for keys that must never reach a disk.
 */
const KERNEL_FILE_SYSTEMS = ['/proc', '/sys', '/dev'] as const
const FILE_SYSTEMS_FOR_FILES = ['/dev/shm'] as const

function isUnder(path: string, directory: string): boolean {
  return path === directory || path.startsWith(`${directory}/`)
}

/** The kernel file system `absolute` is under, if it is refused (never on Windows). */
function refusedKernelDirectory(absolute: string): string | undefined {
  if (process.platform === 'win32') return undefined
  if (FILE_SYSTEMS_FOR_FILES.some(directory => isUnder(absolute, directory))) return undefined
  return KERNEL_FILE_SYSTEMS.find(directory => isUnder(absolute, directory))
}

/** `config-dir`: a directory path of the user's; refused under the kernel's file systems. */
export function parseConfigDir(raw: string): string | undefined {
  if (raw === '') return undefined
  if (/\p{Cc}/u.test(raw)) {
    throw new InputError(
      'config-dir',
      `${quote(raw)} contains control characters; expected a directory path.`
    )
  }
  // Resolved as profile.ts resolves it (from the working directory), so "../../proc/x" is seen too.
  const kernel = refusedKernelDirectory(resolve(raw))
  if (kernel !== undefined) {
    throw new InputError(
      'config-dir',
      `${quote(raw)} is under ${kernel}, a kernel file system that holds no files of yours; expected a directory of your own, e.g. "\${{ runner.temp }}/vpn".`
    )
  }
  return raw
}

const DEFAULT_WARN_DAYS = 30
/** Ten years: certificates are issued for three. */
const MAX_WARN_DAYS = 3650

/** `warn-days`: a certificate that ends within this many days is expiring (report, sync). */
export function parseWarnDays(raw: string): number {
  if (raw === '') return DEFAULT_WARN_DAYS
  const value = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN
  if (!(value >= 0 && value <= MAX_WARN_DAYS)) {
    throw new InputError(
      'warn-days',
      `${quote(raw)} is not valid; expected a whole number of days from 0 to ${MAX_WARN_DAYS} (default ${DEFAULT_WARN_DAYS}).`
    )
  }
  return value
}
