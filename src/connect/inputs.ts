/**
 * The connect action's one settings type, read and checked from `connect/action.yml`'s inputs
 * before anything runs: which profile (a file, or the text of one), the passphrase of its key,
 * how long to wait for the tunnel and whether it outlives the job. Secrets are masked as soon as
 * they are read.
 */
import { InputError } from '../core/errors.js'
import { parseWholeNumber, quote } from '../core/input-rules.js'
import { maskMultiline } from '../core/redact.js'
import { secretBlocks } from './profile-options.js'
import type { InputReader } from '../core/environment.js'

/** Where the profile comes from: a file on the runner, or its text (a secret). */
type ProfileSource = { kind: 'file'; path: string } | { kind: 'text'; text: string }

/** What the connect step is asked to do. */
export interface ConnectSettings {
  profile: ProfileSource
  /** The private key's passphrase, handed to OpenVPN through its management interface only. */
  keyPassphrase: string | undefined
  /** From the start of the step until the tunnel is up (OpenVPN's CONNECTED). */
  timeoutMs: number
  /** Leave the tunnel up after the job (the post step disconnects otherwise). */
  keepConnected: boolean
}

/** The largest profile accepted: Alibaba Cloud's, with its PEM blocks inline, is about 8 KB. */
export const MAX_PROFILE_BYTES = 1024 * 1024
const DEFAULT_TIMEOUT_SECONDS = 60
const MAX_TIMEOUT_SECONDS = 3600

/** Reads and checks every input of connect/action.yml; `mask` takes every secret as it is read. */
export function readConnectSettings(
  getInput: InputReader,
  mask: (secret: string) => void
): ConnectSettings {
  // Masked before anything can fail and print: the whole text, and each line of its key.
  const profileText = getInput('profile', { trimWhitespace: false })
  if (profileText.trim() !== '') maskProfile(profileText, mask)
  const keyPassphrase = getInput('key-passphrase', { trimWhitespace: false })
  if (keyPassphrase !== '') mask(keyPassphrase)

  const configFile = getInput('config-file')
  return {
    profile: parseProfileSource(configFile, profileText),
    keyPassphrase: keyPassphrase === '' ? undefined : parsePassphrase(keyPassphrase),
    timeoutMs:
      parseWholeNumber(
        getInput('timeout-seconds'),
        'timeout-seconds',
        1,
        MAX_TIMEOUT_SECONDS,
        DEFAULT_TIMEOUT_SECONDS
      ) * 1000,
    keepConnected: parseKeepConnected(getInput('keep-connected'))
  }
}

function parseProfileSource(configFile: string, profileText: string): ProfileSource {
  const hasText = profileText.trim() !== ''
  if (configFile !== '' && hasText) {
    throw new InputError(
      'config-file/profile',
      'both are set; give exactly one: config-file (the path of a profile) or profile (its text).'
    )
  }
  if (configFile !== '') {
    // A path, never shown quoted beyond its first characters (a profile pasted here by mistake
    // would otherwise be printed).
    if (/[\0\r\n]/.test(configFile) || configFile.length > 4096) {
      throw new InputError(
        'config-file',
        'is not a path: expected one line naming a profile file (such as the create step’s config-file output); to pass the profile’s text, use profile.'
      )
    }
    return { kind: 'file', path: configFile }
  }
  if (!hasText) {
    throw new InputError(
      'config-file/profile',
      'is required: give config-file (the path of an OpenVPN profile, e.g. the create step’s config-file output) or profile (the text of one, e.g. from a secret).'
    )
  }
  if (Buffer.byteLength(profileText) > MAX_PROFILE_BYTES) {
    throw new InputError(
      'profile',
      `is ${Buffer.byteLength(profileText)} bytes; expected an OpenVPN profile of at most ${MAX_PROFILE_BYTES} bytes.`
    )
  }
  if (profileText.includes('\0')) {
    throw new InputError(
      'profile',
      'contains a NUL character; expected the text of an OpenVPN profile.'
    )
  }
  return { kind: 'text', text: profileText }
}

/**
 * The same rule as the main action's key-passphrase (OpenSSL takes 4 to 1023 bytes), and one line:
 * it travels to OpenVPN as one line of its management protocol.
 */
function parsePassphrase(raw: string): string {
  if (/[\r\n]/.test(raw)) {
    throw new InputError(
      'key-passphrase',
      'contains a line break (a secret saved with a trailing newline?); expected 4 to 1023 characters on one line, no control characters.'
    )
  }
  if (raw.length < 4 || raw.length > 1023 || /\p{Cc}/u.test(raw)) {
    throw new InputError(
      'key-passphrase',
      'is not valid: expected 4 to 1023 characters, no line breaks or control characters.'
    )
  }
  return raw
}

/** `keep-connected`: a YAML 1.2 boolean (as `core.getBooleanInput`), default false. */
function parseKeepConnected(raw: string): boolean {
  if (raw === '' || ['false', 'False', 'FALSE'].includes(raw)) return false
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  throw new InputError(
    'keep-connected',
    `${quote(raw)} is not a boolean; expected "true" (leave the tunnel up after the job) or "false" (the default: the post step disconnects).`
  )
}

/**
 * Masks a profile: its whole text, and every line of its secret blocks (the key; tls-auth and
 * tls-crypt keys). Its other lines (remote, certificates) stay readable in messages.
 */
export function maskProfile(profile: string, mask: (secret: string) => void): void {
  mask(profile)
  for (const block of secretBlocks(profile)) maskMultiline(block, mask)
}
