/**
 * Reads, defaults and validates every input in one place and returns one {@link Settings} value.
 * Secrets are handed to `maskSecret` the moment they are read, before any validation could put
 * them in an error. A bad value gets an {@link InputError} that names the input, shows what was
 * given (never for a secret) and says what is expected.
 */
import { randomUUID } from 'node:crypto'
import {
  CLIENT_TOKEN_MAX_LENGTH,
  deriveClientToken,
  readWorkflowRunContext
} from './client-token.js'
import { InputError } from './errors.js'
import type { Credentials, SignatureVersion } from './signer.js'

export interface Endpoint {
  /** `https://host[:port]` */
  origin: string
  /** The `Host` header value, signed as is: `host`, or `host:port` for a non-default port. */
  hostHeader: string
}

/** One certificate to obtain: from `name`, or one per line of `names`. */
export interface CertificateTarget {
  name: string | undefined
  clientToken: string
  /** Where the ClientToken came from, for the log. */
  clientTokenSource:
    'from the input' | 'derived from the workflow run' | 'random: not in a workflow run'
}

/** `if-exists`: what to do when a certificate of that name is already on the SSL server. */
export type IfExists = 'create' | 'reuse' | 'fail'

export interface Settings {
  regionId: string
  sslVpnServerId: string
  /** At least one; several with `names`, handled one at a time. */
  targets: CertificateTarget[]
  ifExists: IfExists
  /** Where to write OpenVPN profiles; when set, the action also waits for Status `normal`. */
  configDir: string | undefined
  /** Encrypts the private key inside each profile (PKCS#8, AES-256). Masked; read untrimmed. */
  keyPassphrase: string | undefined
  /** `keep-profiles`: leave the profiles in place after the job (no removal in the post step). */
  keepProfiles: boolean
  credentials: CredentialSettings
  endpoint: Endpoint
  signatureVersion: SignatureVersion
  /** Deadline for the whole operation, all certificates and attempts included. */
  timeoutMs: number
}

/** What one CreateSslVpnClientCert call needs. */
export type CertificateRequest = Pick<
  Settings,
  'regionId' | 'sslVpnServerId' | 'endpoint' | 'signatureVersion' | 'timeoutMs'
> &
  Pick<CertificateTarget, 'name' | 'clientToken'>

/** The keyless exchange: a GitHub OIDC token for STS keys of a RAM role (AssumeRoleWithOIDC). */
export interface OidcSettings {
  roleArn: string
  oidcProviderArn: string
  roleSessionName: string
  durationSeconds: number
  audience: string
  stsEndpoint: Endpoint
}

/**
 * Where the keys come from, in order of precedence: the OIDC exchange (obtained at run time),
 * then key inputs, then the `ALIBABA_CLOUD_*` variables.
 */
export type CredentialSettings =
  { source: 'inputs' | 'environment'; keys: Credentials } | { source: 'oidc'; oidc: OidcSettings }

/**
 * Reads one input as `core.getInput` does: trimmed, unless `trimWhitespace` is false (a
 * passphrase is taken exactly as configured).
 */
export type InputReader = (name: string, options?: { trimWhitespace?: boolean }) => string
export type Environment = Readonly<Record<string, string | undefined>>

export const ENV_ACCESS_KEY_ID = 'ALIBABA_CLOUD_ACCESS_KEY_ID'
export const ENV_ACCESS_KEY_SECRET = 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'
export const ENV_SECURITY_TOKEN = 'ALIBABA_CLOUD_SECURITY_TOKEN'

export const DEFAULT_TIMEOUT_SECONDS = 300
/** Six hours: the longest a GitHub-hosted job may run. */
export const MAX_TIMEOUT_SECONDS = 21_600

const REGION_ID_PATTERN = /^[a-z]{2,}(?:-[a-z0-9]+){1,4}$/
const SSL_VPN_SERVER_ID_PATTERN = /^vss-[a-z0-9]{1,64}$/
/** The reference page's rule: 2–128 characters, letters, digits, `.`, `_`, `-`, starting with a letter. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{1,127}$/
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/
/** AccessKey ids, secrets and STS tokens are base64-ish: no spaces, no control characters. */
const KEY_MATERIAL = /^[\x21-\x7e]+$/
const MAX_SHOWN_LENGTH = 80

/**
 * Shows a user-supplied value safely inside a message: JSON-quoted (so a newline cannot start a
 * new log line or a workflow command) and cut to a readable length.
 */
export function quote(value: string): string {
  const cut = value.length > MAX_SHOWN_LENGTH ? `${value.slice(0, MAX_SHOWN_LENGTH)}…` : value
  return JSON.stringify(cut)
}

export function parseRegionId(raw: string): string {
  if (raw === '') throw new InputError('region-id', 'is required, e.g. "cn-hangzhou".')
  // One DNS label at most: the default endpoint is vpc.<region-id>.aliyuncs.com.
  if (raw.length > 63 || !REGION_ID_PATTERN.test(raw)) {
    throw new InputError(
      'region-id',
      `${quote(raw)} is not a region ID; expected lowercase words joined by hyphens, e.g. "cn-hangzhou" or "ap-southeast-1".`
    )
  }
  return raw
}

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

/** `Name`, checked by the rule on the CreateSslVpnClientCert reference page. */
export function parseName(raw: string): string | undefined {
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

export function parseClientToken(raw: string): string | undefined {
  if (raw === '') return undefined
  if (raw.length > CLIENT_TOKEN_MAX_LENGTH || !PRINTABLE_ASCII.test(raw)) {
    throw new InputError(
      'client-token',
      `${quote(raw)} is not valid; expected at most ${CLIENT_TOKEN_MAX_LENGTH} printable ASCII characters.`
    )
  }
  return raw
}

export function parseSignatureVersion(raw: string): SignatureVersion {
  const value = raw.toLowerCase()
  if (value === '' || value === 'v3') return 'v3'
  if (value === 'v1') return 'v1'
  throw new InputError(
    'signature-version',
    `${quote(raw)} is not supported; expected "v3" (ACS3-HMAC-SHA256, the default) or "v1" (HMAC-SHA1).`
  )
}

export function parseTimeoutSeconds(raw: string): number {
  return parseWholeNumber(raw, 'timeout-seconds', 1, MAX_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS)
}

const HOST_PORT_PATTERN =
  /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::(\d{1,5}))?$/

/**
 * `endpoint`: `host`, `host:port` or `https://host[:port]` (one trailing `/` tolerated). Plain
 * http, other schemes, user info, paths, queries and fragments are refused: the request is signed
 * for host and path `/`, and it carries credentials, so it goes over verified TLS only.
 */
export function parseEndpoint(
  raw: string,
  defaultHost: string,
  input = 'endpoint',
  source: 'input' | 'environment' = 'input'
): Endpoint {
  const given = raw === '' ? defaultHost : raw
  const expected = 'expected "host", "host:port" or "https://host[:port]"'
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(given)
  if (scheme && scheme[1]?.toLowerCase() === 'http') {
    throw new InputError(
      input,
      `${quote(raw)} uses plain http://, which would send signed requests unencrypted; use https:// (${expected}).`,
      source
    )
  }
  if (scheme && scheme[1]?.toLowerCase() !== 'https') {
    throw new InputError(input, `${quote(raw)} has an unsupported scheme; ${expected}.`, source)
  }
  const hostPort = (scheme ? given.slice(scheme[0].length) : given).replace(/\/$/, '')
  const problem = /[@]/.test(hostPort)
    ? 'carries user info'
    : /[?#]/.test(hostPort)
      ? 'carries a query or fragment'
      : /\//.test(hostPort)
        ? 'carries a path'
        : undefined
  if (problem) throw new InputError(input, `${quote(raw)} ${problem}; ${expected}.`, source)
  const match = HOST_PORT_PATTERN.exec(hostPort)
  const host = match?.[1]?.toLowerCase()
  const port = match?.[2] === undefined ? 443 : Number(match[2])
  if (!match || !host || host.includes('..') || port < 1 || port > 65535) {
    throw new InputError(input, `${quote(raw)} is not a valid host and port; ${expected}.`, source)
  }
  const hostHeader = port === 443 ? host : `${host}:${port}`
  return { origin: `https://${hostHeader}`, hostHeader }
}

function checkKeyMaterial(value: string, name: string, source: 'input' | 'environment'): void {
  if (!KEY_MATERIAL.test(value) || value.length > 16_384) {
    // The value is a secret (or part of one): say what is wrong, never what it is.
    throw new InputError(
      name,
      'is malformed: expected printable ASCII without spaces or line breaks, at most 16384 characters.',
      source
    )
  }
}

interface KeySet {
  accessKeyId: string
  accessKeySecret: string
  securityToken: string
}

/** Both places keys can come from, every value masked at once, used or not. */
function readKeySources(
  getInput: InputReader,
  env: Environment,
  maskSecret: (value: string) => void
): { fromInputs: KeySet; fromEnv: KeySet } {
  const fromInputs = {
    accessKeyId: getInput('access-key-id'),
    accessKeySecret: getInput('access-key-secret'),
    securityToken: getInput('security-token')
  }
  const fromEnv = {
    accessKeyId: (env[ENV_ACCESS_KEY_ID] ?? '').trim(),
    accessKeySecret: (env[ENV_ACCESS_KEY_SECRET] ?? '').trim(),
    securityToken: (env[ENV_SECURITY_TOKEN] ?? '').trim()
  }
  for (const value of [...Object.values(fromInputs), ...Object.values(fromEnv)]) {
    if (value !== '') maskSecret(value)
  }
  return { fromInputs, fromEnv }
}

/**
 * Credentials come as one set: when `access-key-id` or `access-key-secret` is given as an input,
 * all three values are read from inputs; otherwise all three from the `ALIBABA_CLOUD_*` variables
 * (the names the official credentials action exports). Mixing the two would sign with a secret
 * that belongs to another key.
 */
function readCredentials({
  fromInputs,
  fromEnv
}: {
  fromInputs: KeySet
  fromEnv: KeySet
}): CredentialSettings {
  const useInputs = fromInputs.accessKeyId !== '' || fromInputs.accessKeySecret !== ''
  if (!useInputs && fromInputs.securityToken !== '') {
    throw new InputError(
      'security-token',
      `is set, but 'access-key-id' and 'access-key-secret' are not; a security token only works with the STS key pair it was issued with, so pass all three as inputs (or all three as ${ENV_ACCESS_KEY_ID}, ${ENV_ACCESS_KEY_SECRET} and ${ENV_SECURITY_TOKEN}).`
    )
  }
  const chosen = useInputs ? fromInputs : fromEnv
  if (!useInputs && chosen.accessKeyId === '' && chosen.accessKeySecret === '') {
    throw new InputError(
      'access-key-id/access-key-secret',
      `none found. Pass the inputs 'access-key-id' and 'access-key-secret' (from secrets), or set the environment variables ${ENV_ACCESS_KEY_ID} and ${ENV_ACCESS_KEY_SECRET} (for example with a credentials action).`,
      'credentials'
    )
  }
  const names = useInputs
    ? { id: 'access-key-id', secret: 'access-key-secret', token: 'security-token' }
    : { id: ENV_ACCESS_KEY_ID, secret: ENV_ACCESS_KEY_SECRET, token: ENV_SECURITY_TOKEN }
  if (chosen.accessKeyId === '' || chosen.accessKeySecret === '') {
    const missing = chosen.accessKeyId === '' ? names.id : names.secret
    const present = chosen.accessKeyId === '' ? names.secret : names.id
    throw new InputError(
      missing,
      `is empty but ${present} is set; both are needed${useInputs ? ' (inputs and environment variables are not mixed)' : ''}.`,
      useInputs ? 'input' : 'environment'
    )
  }
  const source = useInputs ? 'input' : 'environment'
  checkKeyMaterial(chosen.accessKeyId, names.id, source)
  checkKeyMaterial(chosen.accessKeySecret, names.secret, source)
  const credentials: Credentials = {
    accessKeyId: chosen.accessKeyId,
    accessKeySecret: chosen.accessKeySecret
  }
  if (chosen.securityToken !== '') {
    checkKeyMaterial(chosen.securityToken, names.token, source)
    credentials.securityToken = chosen.securityToken
  }
  return { source: useInputs ? 'inputs' : 'environment', keys: credentials }
}

export const DEFAULT_AUDIENCE = 'sts.aliyuncs.com'
export const DEFAULT_STS_HOST = 'sts.aliyuncs.com'
/** The official credential libraries' variables for another STS endpoint (reference §5). */
export const ENV_STS_ENDPOINT = 'ALIBABA_CLOUD_STS_ENDPOINT'
export const ENV_STS_REGION = 'ALIBABA_CLOUD_STS_REGION'
export const DEFAULT_ROLE_DURATION_SECONDS = 900
/** The longest session a RAM role can allow (its MaxSessionDuration tops out at 12 h). */
export const MAX_ROLE_DURATION_SECONDS = 43_200
const ROLE_ARN_PATTERN = /^acs:ram::\d+:role\/[A-Za-z0-9._@+=,/-]{1,128}$/
const OIDC_PROVIDER_ARN_PATTERN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9._-]{1,128}$/
const ROLE_SESSION_NAME_PATTERN = /^[A-Za-z0-9.@_-]{2,64}$/

/**
 * `RoleSessionName` by default: from the repository and run id, so the session shows up in
 * ActionTrail as the workflow run that used it; cut to the allowed characters and 2–64 length.
 */
export function defaultRoleSessionName(env: Environment): string {
  const repository = env['GITHUB_REPOSITORY'] ?? ''
  const runId = env['GITHUB_RUN_ID'] ?? ''
  const raw = repository && runId ? `gha-${repository}-${runId}` : 'ssl-vpn-client-cert-action'
  const cleaned = raw.replace(/[^A-Za-z0-9.@_-]/g, '-')
  // Keep the run id (the distinctive end) when the repository name is long.
  return cleaned.length <= 64
    ? cleaned
    : `${cleaned.slice(0, 63 - runId.length)}-${runId}`.slice(-64)
}

function parseArn(raw: string, input: string, pattern: RegExp, example: string): string {
  if (!pattern.test(raw)) {
    throw new InputError(input, `${quote(raw)} is not a valid ARN; expected ${example}.`)
  }
  return raw
}

/**
 * The STS endpoint, in order of precedence: the `sts-endpoint` input, ALIBABA_CLOUD_STS_ENDPOINT,
 * `sts.<ALIBABA_CLOUD_STS_REGION>.aliyuncs.com`, then the central sts.aliyuncs.com (as the official
 * credential libraries choose). A variable that a higher source overrides is not read.
 */
export function parseStsEndpoint(raw: string, env: Environment): Endpoint {
  if (raw !== '') return parseEndpoint(raw, DEFAULT_STS_HOST, 'sts-endpoint')
  const endpoint = (env[ENV_STS_ENDPOINT] ?? '').trim()
  if (endpoint !== '') {
    return parseEndpoint(endpoint, DEFAULT_STS_HOST, ENV_STS_ENDPOINT, 'environment')
  }
  const region = (env[ENV_STS_REGION] ?? '').trim()
  if (region === '') return parseEndpoint('', DEFAULT_STS_HOST, 'sts-endpoint')
  if (region.length > 63 || !REGION_ID_PATTERN.test(region)) {
    throw new InputError(
      ENV_STS_REGION,
      `${quote(region)} is not a region ID; expected lowercase words joined by hyphens, e.g. "ap-southeast-1", for sts.<region>.aliyuncs.com.`,
      'environment'
    )
  }
  return parseEndpoint(
    `sts.${region}.aliyuncs.com`,
    DEFAULT_STS_HOST,
    ENV_STS_REGION,
    'environment'
  )
}

/** A whole number of seconds in [min, max]; '' is the fallback. */
function parseWholeNumber(raw: string, input: string, min: number, max: number, fallback: number) {
  if (raw === '') return fallback
  const value = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN
  if (!(value >= min && value <= max)) {
    throw new InputError(
      input,
      `${quote(raw)} is not valid; expected a whole number of seconds from ${min} to ${max} (default ${fallback}).`
    )
  }
  return value
}

/**
 * The OIDC inputs, or undefined when neither ARN is given. Half a configuration is an error: it
 * would otherwise fall back to long-lived keys without a word.
 */
export function readOidcSettings(
  getInput: InputReader,
  env: Environment
): OidcSettings | undefined {
  const roleArn = getInput('role-to-assume')
  const oidcProviderArn = getInput('oidc-provider-arn')
  if (roleArn === '' && oidcProviderArn === '') return undefined
  if (roleArn === '' || oidcProviderArn === '') {
    const [missing, given] =
      roleArn === ''
        ? ['role-to-assume', 'oidc-provider-arn']
        : ['oidc-provider-arn', 'role-to-assume']
    throw new InputError(
      missing,
      `is required with '${given}': the OIDC exchange needs both the RAM role ARN and the OIDC provider ARN.`
    )
  }
  const roleSessionName = getInput('role-session-name') || defaultRoleSessionName(env)
  if (!ROLE_SESSION_NAME_PATTERN.test(roleSessionName)) {
    throw new InputError(
      'role-session-name',
      `${quote(roleSessionName)} is not valid; expected 2 to 64 characters: letters, digits, ".", "@", "_" and "-".`
    )
  }
  const audience = getInput('audience') || DEFAULT_AUDIENCE
  if (!/^[\x21-\x7e]{1,256}$/.test(audience)) {
    throw new InputError(
      'audience',
      `${quote(audience)} is not valid; expected printable ASCII without spaces (default ${DEFAULT_AUDIENCE}).`
    )
  }
  return {
    roleArn: parseArn(
      roleArn,
      'role-to-assume',
      ROLE_ARN_PATTERN,
      '"acs:ram::<account-id>:role/<role-name>"'
    ),
    oidcProviderArn: parseArn(
      oidcProviderArn,
      'oidc-provider-arn',
      OIDC_PROVIDER_ARN_PATTERN,
      '"acs:ram::<account-id>:oidc-provider/<provider-name>"'
    ),
    roleSessionName,
    durationSeconds: parseWholeNumber(
      getInput('role-duration-seconds'),
      'role-duration-seconds',
      DEFAULT_ROLE_DURATION_SECONDS,
      MAX_ROLE_DURATION_SECONDS,
      DEFAULT_ROLE_DURATION_SECONDS
    ),
    audience,
    stsEndpoint: parseStsEndpoint(getInput('sts-endpoint'), env)
  }
}

/**
 * Credentials in order of precedence: OIDC inputs, then key inputs, then the environment. Every
 * secret found is masked first, even when a source of higher precedence wins.
 */
export function readCredentialSettings(
  getInput: InputReader,
  env: Environment,
  maskSecret: (value: string) => void
): CredentialSettings {
  const sources = readKeySources(getInput, env, maskSecret)
  const oidc = readOidcSettings(getInput, env)
  return oidc === undefined ? readCredentials(sources) : { source: 'oidc', oidc }
}

/**
 * Reads every input. Order matters only in one way: credentials first, so every secret is
 * masked before anything else can fail and print.
 */
export function readSettings(
  getInput: InputReader,
  env: Environment,
  maskSecret: (value: string) => void,
  randomToken: () => string = randomUUID
): Settings {
  const credentials = readCredentialSettings(getInput, env, maskSecret)
  const regionId = parseRegionId(getInput('region-id'))
  const sslVpnServerId = parseSslVpnServerId(getInput('ssl-vpn-server-id'))
  const names = parseNames(getInput('name'), getMultilineInput(getInput('names')))
  const ifExists = parseIfExists(getInput('if-exists'), names)
  const endpoint = parseEndpoint(getInput('endpoint'), `vpc.${regionId}.aliyuncs.com`)
  const signatureVersion = parseSignatureVersion(getInput('signature-version'))
  const timeoutMs = parseTimeoutSeconds(getInput('timeout-seconds')) * 1000
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
    regionId,
    sslVpnServerId,
    targets,
    ifExists,
    configDir,
    keyPassphrase,
    keepProfiles,
    credentials,
    endpoint,
    signatureVersion,
    timeoutMs
  }
}

/** A multi-line input's lines, trimmed, without empty ones (as `core.getMultilineInput`). */
function getMultilineInput(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
}

/** Most names one step takes: each create keeps the gateway busy for a while. */
export const MAX_NAMES = 200

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

export function parseIfExists(raw: string, names: (string | undefined)[]): IfExists {
  const value = raw.toLowerCase() || 'create'
  if (value !== 'create' && value !== 'reuse' && value !== 'fail') {
    throw new InputError(
      'if-exists',
      `${quote(raw)} is not supported; expected "create" (always create), "reuse" (return the certificate of that name if there is one) or "fail".`
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
export function parseKeyPassphrase(
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
export function parseKeepProfiles(raw: string, configDir: string | undefined): boolean {
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
