/**
 * The credential inputs: AccessKey inputs, the `ALIBABA_CLOUD_*` variables, the OIDC inputs and the
 * STS endpoint variables, read into one {@link CredentialSettings}. Every secret is handed to
 * `maskSecret` the moment it is read, used or not, before any validation could put it in an error;
 * errors about a secret say what is wrong and never show the value.
 */
import { InputError } from '../core/errors.js'
import { parseWholeNumber, quote } from '../core/input-rules.js'
import { isRegionId, parseEndpoint } from '../alibaba/rules.js'
import { type Environment, type InputReader } from '../core/environment.js'
import type { CredentialSettings, Endpoint, OidcSettings } from '../alibaba/settings.js'
import type { Credentials } from '../alibaba/signer.js'

export const ENV_ACCESS_KEY_ID = 'ALIBABA_CLOUD_ACCESS_KEY_ID'
export const ENV_ACCESS_KEY_SECRET = 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'
export const ENV_SECURITY_TOKEN = 'ALIBABA_CLOUD_SECURITY_TOKEN'

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

const DEFAULT_AUDIENCE = 'sts.aliyuncs.com'
const DEFAULT_ROLE_DURATION_SECONDS = 900
/** The longest session a RAM role can allow (its MaxSessionDuration tops out at 12 h). */
const MAX_ROLE_DURATION_SECONDS = 43_200
const ROLE_ARN_PATTERN = /^acs:ram::\d+:role\/[A-Za-z0-9._@+=,/-]{1,128}$/
const OIDC_PROVIDER_ARN_PATTERN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9._-]{1,128}$/
const ROLE_SESSION_NAME_PATTERN = /^[A-Za-z0-9.@_-]{2,64}$/

/**
 * The OIDC inputs, or undefined when neither ARN is given. Half a configuration is an error: it
 * would otherwise fall back to long-lived keys without a word.
 */
function readOidcSettings(getInput: InputReader, env: Environment): OidcSettings | undefined {
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

const DEFAULT_STS_HOST = 'sts.aliyuncs.com'
/** The official credential libraries' variables for another STS endpoint (reference §5). */
const ENV_STS_ENDPOINT = 'ALIBABA_CLOUD_STS_ENDPOINT'
const ENV_STS_REGION = 'ALIBABA_CLOUD_STS_REGION'

/**
 * The STS endpoint, in order of precedence: the `sts-endpoint` input, ALIBABA_CLOUD_STS_ENDPOINT,
 * `sts.<ALIBABA_CLOUD_STS_REGION>.aliyuncs.com`, then the central sts.aliyuncs.com (as the official
 * credential libraries choose). A variable that a higher source overrides is not read.
 */
function parseStsEndpoint(raw: string, env: Environment): Endpoint {
  if (raw !== '') return parseEndpoint(raw, DEFAULT_STS_HOST, 'sts-endpoint')
  const endpoint = (env[ENV_STS_ENDPOINT] ?? '').trim()
  if (endpoint !== '') {
    return parseEndpoint(endpoint, DEFAULT_STS_HOST, ENV_STS_ENDPOINT, 'environment')
  }
  const region = (env[ENV_STS_REGION] ?? '').trim()
  if (region === '') return parseEndpoint('', DEFAULT_STS_HOST, 'sts-endpoint')
  if (!isRegionId(region)) {
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

/** AccessKey ids, secrets and STS tokens are base64-ish: no spaces, no control characters. */
const KEY_MATERIAL = /^[\x21-\x7e]+$/

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
