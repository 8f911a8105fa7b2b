/**
 * Reads, defaults and validates every input in one place and returns one {@link Settings} value:
 * {@link readSettings}, then each field's parser in the order it reads them. The credentials come
 * from credential-inputs.ts, first, so every secret is masked before anything else can fail. A bad
 * value gets an {@link InputError} that names the input, shows what was given (never for a secret)
 * and says what is expected.
 */
import { resolve } from 'node:path'
import {
  CLIENT_TOKEN_MAX_LENGTH,
  deriveClientToken,
  readWorkflowRunContext
} from '../alibaba/client-token.js'
import {
  getMultilineInput,
  parseNames,
  parseSslVpnServerId,
  readConnectionSettings
} from '../runner/connection-inputs.js'
import { InputError } from '../core/errors.js'
import { parseBooleanInput, quote } from '../core/input-rules.js'
import type {
  CertificateTarget,
  Environment,
  IfExists,
  InputReader,
  Settings
} from '../alibaba/settings.js'

/**
 * Reads every input. Order matters only in one way: credentials first, so every secret is
 * masked before anything else can fail and print. `randomToken` makes the ClientToken outside a
 * workflow run.
 */
export function readSettings(
  getInput: InputReader,
  env: Environment,
  maskSecret: (value: string) => void,
  randomToken: () => string
): Settings {
  const connection = readConnectionSettings(getInput, env, maskSecret)
  const { regionId } = connection
  const sslVpnServerId = parseSslVpnServerId(getInput('ssl-vpn-server-id'))
  const names = parseNames(getInput('name'), getMultilineInput(getInput('names')))
  const ifExists = parseIfExists(getInput('if-exists'), names)
  const configDir = parseConfigDir(getInput('config-dir'))
  const keyPassphrase = parseKeyPassphrase(
    getInput('key-passphrase', { trimWhitespace: false }),
    configDir,
    maskSecret
  )
  const keepProfiles = parseKeepProfiles(getInput('keep-profiles'), configDir)

  const givenToken = parseClientToken(getInput('client-token'))
  if (givenToken !== undefined && names.length > 1) {
    throw new InputError(
      'client-token',
      "applies to one certificate; with 'names' each name gets its own token, derived from the workflow run and the name."
    )
  }
  const run = readWorkflowRunContext(env)
  const targets = names.map((name): CertificateTarget => {
    if (givenToken !== undefined) {
      return { name, clientToken: givenToken, clientTokenSource: 'from the input' }
    }
    if (run !== undefined) {
      return {
        name,
        clientToken: deriveClientToken(run, { regionId, sslVpnServerId, name }),
        clientTokenSource: 'derived from the workflow run'
      }
    }
    return { name, clientToken: randomToken(), clientTokenSource: 'random: not in a workflow run' }
  })

  return {
    ...connection,
    sslVpnServerId,
    targets,
    ifExists,
    configDir,
    keyPassphrase,
    keepProfiles
  }
}

function parseIfExists(raw: string, names: (string | undefined)[]): IfExists {
  const value = raw.toLowerCase() || 'create'
  if (value !== 'create' && value !== 'reuse' && value !== 'fail' && value !== 'replace') {
    throw new InputError(
      'if-exists',
      `${quote(raw)} is not supported; expected "create" (always create), "reuse" (return the certificate of that name if there is one), "fail" or "replace" (create a new one, then revoke the others of that name).`
    )
  }
  if (value !== 'create' && names.some(name => name === undefined)) {
    throw new InputError(
      'if-exists',
      `"${value}" looks certificates up by name: give 'name' (or 'names').`
    )
  }
  return value
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

function parseConfigDir(raw: string): string | undefined {
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

/**
 * `key-passphrase`, exactly as configured: surrounding spaces are part of it (the runner passes
 * the value untrimmed when read with `trimWhitespace: false`), since the key must open with what
 * the user typed in the workflow. Empty means no encryption.
 */
function parseKeyPassphrase(
  raw: string,
  configDir: string | undefined,
  maskSecret: (value: string) => void
): string | undefined {
  if (raw === '') return undefined
  maskSecret(raw)
  if (configDir === undefined) {
    throw new InputError(
      'key-passphrase',
      "protects the key inside the profile, so it needs 'config-dir'."
    )
  }
  // A secret saved with a trailing newline is the likely cause; say so, never the value.
  if (/[\r\n]/.test(raw)) {
    throw new InputError(
      'key-passphrase',
      'contains a line break (a secret saved with a trailing newline?); expected 4 to 1023 characters on one line, no control characters.'
    )
  }
  if (raw.trim() === '') {
    throw new InputError(
      'key-passphrase',
      'is only whitespace; expected 4 to 1023 characters (spaces inside or around are kept as typed).'
    )
  }
  // OpenSSL and OpenVPN take passphrases of 4 to 1023 bytes.
  if (raw.length < 4 || raw.length > 1023 || /\p{Cc}/u.test(raw)) {
    throw new InputError(
      'key-passphrase',
      'is not valid: expected 4 to 1023 characters, no line breaks or control characters.'
    )
  }
  return raw
}

/** `keep-profiles`: a YAML 1.2 boolean (as `core.getBooleanInput`), default false. */
function parseKeepProfiles(raw: string, configDir: string | undefined): boolean {
  const keep = parseBooleanInput(
    raw,
    'keep-profiles',
    'leave the profiles after the job',
    'the default: the post step removes them'
  )
  if (!keep) return false
  if (configDir === undefined) {
    throw new InputError(
      'keep-profiles',
      "keeps the profiles written to 'config-dir', so it needs 'config-dir'."
    )
  }
  return true
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/

function parseClientToken(raw: string): string | undefined {
  if (raw === '') return undefined
  if (raw.length > CLIENT_TOKEN_MAX_LENGTH || !PRINTABLE_ASCII.test(raw)) {
    throw new InputError(
      'client-token',
      `${quote(raw)} is not valid; expected at most ${CLIENT_TOKEN_MAX_LENGTH} printable ASCII characters.`
    )
  }
  return raw
}
