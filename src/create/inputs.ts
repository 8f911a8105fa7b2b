/**
 * Reads, defaults and validates every input in one place and returns one {@link Settings} value:
 * {@link readSettings}, then each field's parser in the order it reads them. The credentials come
 * from credential-inputs.ts, first, so every secret is masked before anything else can fail. A bad
 * value gets an {@link InputError} that names the input, shows what was given (never for a secret)
 * and says what is expected.
 */
import {
  CLIENT_TOKEN_MAX_LENGTH,
  deriveClientToken,
  readWorkflowRunContext
} from '../alibaba/client-token.js'
import { readCredentialSettings } from '../runner/credential-inputs.js'
import { InputError } from '../core/errors.js'
import {
  isRegionId,
  NAME_PATTERN,
  parseEndpoint,
  parseWholeNumber,
  quote
} from '../core/input-rules.js'
import type {
  CertificateTarget,
  ConnectionSettings,
  Environment,
  IfExists,
  InputReader,
  Settings
} from '../alibaba/settings.js'
import type { SignatureVersion } from '../alibaba/signer.js'

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
    throw new InputError(
      'names',
      "and 'name' are mutually exclusive: use 'name' for one certificate, 'names' (one per line) for several."
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
    let name: string | undefined
    try {
      name = parseName(line)
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      throw new InputError(
        'names',
        `line ${index + 1}: ${error.message.replace(/^Input 'name': /, '')}`
      )
    }
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

export function parseConfigDir(raw: string): string | undefined {
  if (raw === '') return undefined
  if (/\p{Cc}/u.test(raw)) {
    throw new InputError(
      'config-dir',
      `${quote(raw)} contains control characters; expected a directory path.`
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
  if (raw === '' || ['false', 'False', 'FALSE'].includes(raw)) return false
  if (!['true', 'True', 'TRUE'].includes(raw)) {
    throw new InputError(
      'keep-profiles',
      `${quote(raw)} is not a boolean; expected "true" (leave the profiles after the job) or "false" (the default: the post step removes them).`
    )
  }
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
