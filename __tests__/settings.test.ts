import { describe, expect, jest, test } from '@jest/globals'
import { deriveClientToken } from '../src/client-token.js'
import { InputError } from '../src/errors.js'
import {
  ENV_ACCESS_KEY_ID,
  ENV_ACCESS_KEY_SECRET,
  ENV_SECURITY_TOKEN,
  defaultRoleSessionName,
  readSettings,
  type Environment,
  type InputReader,
  type Settings
} from '../src/settings.js'

const KEY_ID = 'LTAI5tInputKeyId0001'
const KEY_SECRET = 'InputSecret+/=0123456789abcdefXYZ'
const ENV_KEY_ID = 'LTAI5tEnvKeyId0002'
const ENV_KEY_SECRET = 'EnvSecret0123456789abcdefghijklm'
const ENV_TOKEN = 'CAIS.EnvStsToken/abc+def=='

/** The minimum valid set of inputs. */
const VALID: Readonly<Record<string, string>> = {
  'access-key-id': KEY_ID,
  'access-key-secret': KEY_SECRET,
  'region-id': 'cn-hangzhou',
  'ssl-vpn-server-id': 'vss-bp1abc123'
}

/** Reads inputs the way `core.getInput` does: missing is '', trimmed unless told otherwise. */
function reader(inputs: Readonly<Record<string, string>>): InputReader {
  return (name, options) => {
    const value = inputs[name] ?? ''
    return options?.trimWhitespace === false ? value : value.trim()
  }
}

interface ReadOptions {
  env?: Environment
  maskSecret?: (value: string) => void
  randomToken?: () => string
}

function read(inputs: Readonly<Record<string, string>>, options: ReadOptions = {}): Settings {
  return readSettings(
    reader(inputs),
    options.env ?? {},
    options.maskSecret ?? (() => undefined),
    options.randomToken ?? (() => 'random-token-for-tests')
  )
}

/** The one certificate target of a single-name step. */
function only(settings: Settings) {
  expect(settings.targets).toHaveLength(1)
  return settings.targets[0]!
}

/** Runs `fn`, expecting it to throw an InputError, and returns that error. */
function inputErrorFrom(fn: () => unknown): InputError {
  let thrown: unknown
  try {
    fn()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(InputError)
  return thrown as InputError
}

const EVERY_SECRET = [KEY_ID, KEY_SECRET, ENV_KEY_ID, ENV_KEY_SECRET, ENV_TOKEN]

describe('readSettings refuses bad inputs', () => {
  /** [what, the input, its value, what the message must say is expected] */
  const badInputs: [string, string, string, RegExp][] = [
    ['empty region', 'region-id', '', /is required, e\.g\. "cn-hangzhou"/],
    ['whitespace-only region', 'region-id', '  \t ', /is required, e\.g\. "cn-hangzhou"/],
    ['region with a path', 'region-id', 'cn-hangzhou/vpc', /expected lowercase words/],
    ['uppercase region', 'region-id', 'CN-HANGZHOU', /expected lowercase words/],
    ['region with a space', 'region-id', 'cn hangzhou', /expected lowercase words/],
    ['region with a newline', 'region-id', 'cn-hangzhou\n::warning::x', /expected lowercase/],
    ['non-ASCII region', 'region-id', 'cn-hángzhou', /expected lowercase words/],
    // A region ID is a DNS label of the default endpoint vpc.<region>.aliyuncs.com: 63 at most.
    ['too-long region', 'region-id', `cn-${'a'.repeat(100)}`, /expected/],
    ['empty SSL server', 'ssl-vpn-server-id', '', /is required/],
    ['whitespace-only SSL server', 'ssl-vpn-server-id', ' \n ', /is required/],
    ['too-long SSL server', 'ssl-vpn-server-id', `vss-${'a'.repeat(65)}`, /expected "vss-"/],
    ['uppercase SSL server', 'ssl-vpn-server-id', 'VSS-BP1ABC', /expected "vss-"/],
    ['non-ASCII SSL server', 'ssl-vpn-server-id', 'vss-bp1é', /expected "vss-"/],
    ['SSL server with control char', 'ssl-vpn-server-id', 'vss-a\u0000b', /expected "vss-"/],
    [
      'name starting with http://',
      'name',
      'http://cert',
      /starts with http:\/\/ or https:\/\/; expected 2 to 128/
    ],
    ['name starting with HTTPS://', 'name', 'HTTPS://cert', /starts with http:\/\//],
    ['name starting with a digit', 'name', '1cert', /does not start with a letter/],
    ['name starting with _', 'name', '_cert', /does not start with a letter/],
    ['1-character name', 'name', 'a', /too short; expected 2 to 128/],
    ['129-character name', 'name', `a${'b'.repeat(128)}`, /129 characters long/],
    ['non-ASCII name', 'name', 'café-cert', /not allowed; expected 2 to 128/],
    ['name with a control character', 'name', 'ab\u0007cd', /not allowed/],
    ['name with a newline', 'name', 'ab\ncd', /not allowed/],
    ['name with a space', 'name', 'ab cd', /not allowed/],
    ['plain http endpoint', 'endpoint', 'http://vpc.example.test', /plain http:\/\/.*https:/],
    ['ftp endpoint', 'endpoint', 'ftp://vpc.example.test', /unsupported scheme; expected/],
    ['endpoint with a path', 'endpoint', 'https://vpc.example.test/api', /carries a path/],
    ['endpoint with a query', 'endpoint', 'vpc.example.test?a=1', /query or fragment/],
    ['endpoint with a fragment', 'endpoint', 'https://vpc.example.test#x', /query or fragment/],
    ['endpoint with user info', 'endpoint', 'https://u:p@vpc.example.test', /user info/],
    ['endpoint port 0', 'endpoint', 'vpc.example.test:0', /not a valid host and port/],
    ['endpoint port 65536', 'endpoint', 'vpc.example.test:65536', /not a valid host and port/],
    ['endpoint port letters', 'endpoint', 'vpc.example.test:https', /not a valid host and/],
    ['endpoint with a space', 'endpoint', 'vpc example.test', /not a valid host and port/],
    ['endpoint with a newline', 'endpoint', 'vpc.example.test\nx', /not a valid host/],
    ['endpoint with empty labels', 'endpoint', 'vpc..example.test', /not a valid host/],
    ['non-ASCII endpoint', 'endpoint', 'vpc.例子.test', /not a valid host and port/],
    ['too-long endpoint', 'endpoint', `${'a'.repeat(300)}.test`, /not a valid host and port/],
    ['negative timeout', 'timeout-seconds', '-5', /whole number of seconds from 1 to 21600/],
    ['zero timeout', 'timeout-seconds', '0', /whole number of seconds from 1 to 21600/],
    ['fractional timeout', 'timeout-seconds', '1.5', /whole number of seconds from 1 to/],
    ['exponent timeout', 'timeout-seconds', '1e3', /whole number of seconds from 1 to/],
    ['absurd timeout', 'timeout-seconds', '999999999', /whole number of seconds from 1 to/],
    ['timeout above six hours', 'timeout-seconds', '21601', /whole number of seconds/],
    ['timeout in words', 'timeout-seconds', 'abc', /whole number of seconds from 1 to/],
    ['signature v2', 'signature-version', 'v2', /expected "v3".*or "v1"/],
    ['65-char client-token', 'client-token', 'x'.repeat(65), /at most 64 printable ASCII/],
    ['non-ASCII client-token', 'client-token', 'tökén', /at most 64 printable ASCII/],
    ['client-token with a tab', 'client-token', 'to\tken', /at most 64 printable ASCII/],
    ['client-token with a newline', 'client-token', 'to\nken', /at most 64 printable/]
  ]

  test('the table has at least 30 cases', () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(30)
  })

  test.each(badInputs)('%s', (_what, input, value, expected) => {
    const error = inputErrorFrom(() => read({ ...VALID, [input]: value }))
    expect(error.input).toBe(input)
    expect(error.message.startsWith(`Input '${input}': `)).toBe(true)
    expect(error.message).toMatch(expected)
    // Values are JSON-quoted: no raw line break can start a new log line or workflow command.
    expect(error.message).not.toMatch(/[\r\n]/)
    const shown = value.trim()
    if (shown !== '' && shown.length <= 80) expect(error.message).toContain(JSON.stringify(shown))
    // Long values are cut: the message stays readable.
    expect(error.message.length).toBeLessThan(400)
    for (const secret of EVERY_SECRET) expect(error.message).not.toContain(secret)
  })
})

describe('readSettings accepts good inputs', () => {
  test('defaults: regional endpoint, V3, 300 s, no name', () => {
    const settings = read(VALID)
    expect(settings.regionId).toBe('cn-hangzhou')
    expect(settings.sslVpnServerId).toBe('vss-bp1abc123')
    expect(only(settings).name).toBeUndefined()
    expect(settings.endpoint).toEqual({
      origin: 'https://vpc.cn-hangzhou.aliyuncs.com',
      hostHeader: 'vpc.cn-hangzhou.aliyuncs.com'
    })
    expect(settings.signatureVersion).toBe('v3')
    expect(settings.timeoutMs).toBe(300_000)
  })

  test.each([
    ['vpc.example.test:8443', 'https://vpc.example.test:8443', 'vpc.example.test:8443'],
    ['https://vpc.example.test/', 'https://vpc.example.test', 'vpc.example.test'],
    ['HTTPS://VPC.Example.Test:8443/', 'https://vpc.example.test:8443', 'vpc.example.test:8443'],
    ['https://vpc.example.test:443', 'https://vpc.example.test', 'vpc.example.test'],
    ['vpc-vpc.cn-shanghai.aliyuncs.com', 'https://vpc-vpc.cn-shanghai.aliyuncs.com', undefined],
    ['127.0.0.1:65535', 'https://127.0.0.1:65535', '127.0.0.1:65535'],
    ['[::1]:8443', 'https://[::1]:8443', '[::1]:8443']
  ])('endpoint %j', (endpoint, origin, hostHeader) => {
    const settings = read({ ...VALID, endpoint })
    expect(settings.endpoint.origin).toBe(origin)
    expect(settings.endpoint.hostHeader).toBe(hostHeader ?? origin.slice('https://'.length))
  })

  test.each([
    ['V1', 'v1'],
    ['v1', 'v1'],
    ['V3', 'v3'],
    ['', 'v3']
  ])('signature-version %j is %s', (given, expected) => {
    expect(read({ ...VALID, 'signature-version': given }).signatureVersion).toBe(expected)
  })

  test.each([
    ['1', 1_000],
    ['45', 45_000],
    [' 600 ', 600_000],
    ['21600', 21_600_000]
  ])('timeout-seconds %j is %d ms', (given, ms) => {
    expect(read({ ...VALID, 'timeout-seconds': given }).timeoutMs).toBe(ms)
  })

  test.each(['ab', 'SslVpnClientCert1', 'ci.cert_01-a', `a${'b'.repeat(127)}`])('name %j', name => {
    expect(only(read({ ...VALID, name })).name).toBe(name)
  })

  test.each(['ap-southeast-1', 'cn-hangzhou', 'us-west-1', 'cn-hangzhou-finance'])(
    'region %j',
    regionId => {
      expect(read({ ...VALID, 'region-id': regionId }).regionId).toBe(regionId)
    }
  )
})

describe('credentials', () => {
  const ENV: Environment = {
    [ENV_ACCESS_KEY_ID]: ENV_KEY_ID,
    [ENV_ACCESS_KEY_SECRET]: ENV_KEY_SECRET,
    [ENV_SECURITY_TOKEN]: ENV_TOKEN
  }
  const { ['access-key-id']: _id, ['access-key-secret']: _secret, ...WITHOUT_KEYS } = VALID

  test('inputs win over the environment, and nothing is mixed in from it', () => {
    const settings = read(VALID, { env: ENV })
    expect(settings.credentials).toEqual({
      source: 'inputs',
      keys: { accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET }
    })
  })

  test('an STS token given as an input goes with the input keys', () => {
    const settings = read({ ...VALID, 'security-token': 'CAIS.InputToken==' }, { env: ENV })
    expect(settings.credentials).toEqual({
      source: 'inputs',
      keys: { accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET, securityToken: 'CAIS.InputToken==' }
    })
  })

  test('without key inputs, all three values come from ALIBABA_CLOUD_*', () => {
    const settings = read(WITHOUT_KEYS, { env: ENV })
    expect(settings.credentials).toEqual({
      source: 'environment',
      keys: { accessKeyId: ENV_KEY_ID, accessKeySecret: ENV_KEY_SECRET, securityToken: ENV_TOKEN }
    })
  })

  test('environment values are trimmed; an empty token means long-term keys', () => {
    const settings = read(WITHOUT_KEYS, {
      env: {
        [ENV_ACCESS_KEY_ID]: ` ${ENV_KEY_ID}\n`,
        [ENV_ACCESS_KEY_SECRET]: ENV_KEY_SECRET,
        [ENV_SECURITY_TOKEN]: ''
      }
    })
    expect(settings.credentials).toEqual({
      source: 'environment',
      keys: { accessKeyId: ENV_KEY_ID, accessKeySecret: ENV_KEY_SECRET }
    })
  })

  test('none at all: the message names both inputs and both variables', () => {
    const error = inputErrorFrom(() => read(WITHOUT_KEYS, { env: {} }))
    expect(error.message).toMatch(/^Credentials: /)
    for (const name of [
      'access-key-id',
      'access-key-secret',
      ENV_ACCESS_KEY_ID,
      ENV_ACCESS_KEY_SECRET
    ]) {
      expect(error.message).toContain(name)
    }
  })

  test('a token alone in the environment is not credentials', () => {
    const error = inputErrorFrom(() =>
      read(WITHOUT_KEYS, { env: { [ENV_SECURITY_TOKEN]: ENV_TOKEN } })
    )
    expect(error.message).toMatch(/^Credentials: none found/)
    expect(error.message).not.toContain(ENV_TOKEN)
  })

  test.each([
    ['access-key-id', { 'access-key-secret': KEY_SECRET }, 'access-key-secret'],
    ['access-key-secret', { 'access-key-id': KEY_ID }, 'access-key-id']
  ])('input %s missing while the other is given (env not mixed in)', (missing, given, present) => {
    const error = inputErrorFrom(() => read({ ...WITHOUT_KEYS, ...given }, { env: ENV }))
    expect(error.input).toBe(missing)
    expect(error.message).toMatch(new RegExp(`^Input '${missing}': is empty but ${present} is set`))
    for (const secret of EVERY_SECRET) expect(error.message).not.toContain(secret)
  })

  test.each([
    [ENV_ACCESS_KEY_ID, { [ENV_ACCESS_KEY_SECRET]: ENV_KEY_SECRET }, ENV_ACCESS_KEY_SECRET],
    [ENV_ACCESS_KEY_SECRET, { [ENV_ACCESS_KEY_ID]: ENV_KEY_ID }, ENV_ACCESS_KEY_ID]
  ])('variable %s missing while the other is set', (missing, env, present) => {
    const error = inputErrorFrom(() => read(WITHOUT_KEYS, { env }))
    expect(error.input).toBe(missing)
    expect(error.message).toMatch(
      new RegExp(`^Environment variable ${missing}: is empty but ${present} is set`)
    )
    for (const secret of EVERY_SECRET) expect(error.message).not.toContain(secret)
  })
})

test('a security-token input without the key inputs is refused, not silently dropped', () => {
  const error = inputErrorFrom(() =>
    read(
      { ...VALID, 'access-key-id': '', 'access-key-secret': '', 'security-token': 'CAIS.tok' },
      {
        env: {
          ALIBABA_CLOUD_ACCESS_KEY_ID: ENV_KEY_ID,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: ENV_KEY_SECRET
        }
      }
    )
  )
  expect(error.message).toMatch(/^Input 'security-token': is set, but 'access-key-id'/)
  expect(error.message).not.toContain('CAIS.tok')
})

describe('masking', () => {
  test('every secret, from inputs and environment, is masked before a validation error', () => {
    const masked: string[] = []
    const error = inputErrorFrom(() =>
      read(
        { ...VALID, 'security-token': 'CAIS.InputToken==', 'region-id': 'Not A Region' },
        {
          env: {
            [ENV_ACCESS_KEY_ID]: ENV_KEY_ID,
            [ENV_ACCESS_KEY_SECRET]: ENV_KEY_SECRET,
            [ENV_SECURITY_TOKEN]: ENV_TOKEN
          },
          maskSecret: value => masked.push(value)
        }
      )
    )
    expect(error.input).toBe('region-id')
    expect(masked).toEqual(
      expect.arrayContaining([
        KEY_ID,
        KEY_SECRET,
        'CAIS.InputToken==',
        ENV_KEY_ID,
        ENV_KEY_SECRET,
        ENV_TOKEN
      ])
    )
    // Empty values are not "secrets": masking '' would be meaningless.
    expect(masked).not.toContain('')
  })

  test('secrets are masked even when the credentials themselves are refused', () => {
    const maskSecret = jest.fn<(value: string) => void>()
    inputErrorFrom(() =>
      read(
        { ...VALID, 'access-key-secret': '' },
        { env: { [ENV_SECURITY_TOKEN]: ENV_TOKEN }, maskSecret }
      )
    )
    expect(maskSecret).toHaveBeenCalledWith(KEY_ID)
    expect(maskSecret).toHaveBeenCalledWith(ENV_TOKEN)
  })

  test.each([
    ['access-key-secret', 'SecretHalfOne SecretHalfTwo'],
    ['access-key-id', 'LTAI5tKeyHalfOne\tKeyHalfTwo'],
    ['security-token', 'TokenHalfOne\nTokenHalfTwo'],
    ['access-key-secret', 'SecretWithÜmlautInside']
  ])('a malformed %s is masked and never shown', (input, value) => {
    const masked: string[] = []
    const error = inputErrorFrom(() =>
      read({ ...VALID, [input]: value }, { maskSecret: v => masked.push(v) })
    )
    expect(masked).toContain(value)
    expect(error.input).toBe(input)
    expect(error.message).toMatch(new RegExp(`^Input '${input}': is malformed: expected`))
    for (const piece of value.split(/\s/)) expect(error.message).not.toContain(piece)
    expect(error.message).not.toContain(JSON.stringify(value))
  })

  test('a malformed environment secret is named by its variable and never shown', () => {
    const masked: string[] = []
    const { ['access-key-id']: _id, ['access-key-secret']: _secret, ...withoutKeys } = VALID
    const error = inputErrorFrom(() =>
      read(withoutKeys, {
        env: { [ENV_ACCESS_KEY_ID]: ENV_KEY_ID, [ENV_ACCESS_KEY_SECRET]: 'EnvSecret Part2' },
        maskSecret: v => masked.push(v)
      })
    )
    expect(masked).toEqual(expect.arrayContaining([ENV_KEY_ID, 'EnvSecret Part2']))
    expect(error.message).toMatch(
      new RegExp(`^Environment variable ${ENV_ACCESS_KEY_SECRET}: is malformed`)
    )
    expect(error.message).not.toContain('EnvSecret')
    expect(error.message).not.toContain('Part2')
  })
})

describe('ClientToken', () => {
  const WORKFLOW: Environment = {
    GITHUB_REPOSITORY: 'octo-org/infra',
    GITHUB_RUN_ID: '9876543210',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'vpn',
    GITHUB_ACTION: 'issue-cert'
  }

  test('a given client-token is used as is', () => {
    const randomToken = jest.fn(() => 'unused')
    const settings = read(
      { ...VALID, 'client-token': 'my-token-01' },
      { env: WORKFLOW, randomToken }
    )
    expect(only(settings).clientToken).toBe('my-token-01')
    expect(only(settings).clientTokenSource).toBe('from the input')
    expect(randomToken).not.toHaveBeenCalled()
  })

  test('a 64-character printable client-token is accepted', () => {
    const token = `${'~'.repeat(32)}${' !'.repeat(16)}`
    expect(token).toHaveLength(64)
    expect(only(read({ ...VALID, 'client-token': token })).clientToken).toBe(token)
  })

  test('inside a workflow run: derived from the run and the request, deterministic', () => {
    const randomToken = jest.fn(() => 'unused')
    const first = read({ ...VALID, name: 'ci-cert' }, { env: WORKFLOW, randomToken })
    const again = read({ ...VALID, name: 'ci-cert' }, { env: WORKFLOW, randomToken })
    expect(only(first).clientTokenSource).toBe('derived from the workflow run')
    expect(only(first).clientToken).toMatch(/^[\x21-\x7e]{1,64}$/)
    expect(only(again).clientToken).toBe(only(first).clientToken)
    expect(only(first).clientToken).toBe(
      deriveClientToken(
        { repository: 'octo-org/infra', runId: '9876543210', job: 'vpn', step: 'issue-cert' },
        { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-bp1abc123', name: 'ci-cert' }
      )
    )
    expect(randomToken).not.toHaveBeenCalled()
  })

  test('a re-run attempt gets the same token; another name gets another', () => {
    const first = only(read({ ...VALID, name: 'ci-cert' }, { env: WORKFLOW })).clientToken
    const rerun = read(
      { ...VALID, name: 'ci-cert' },
      { env: { ...WORKFLOW, GITHUB_RUN_ATTEMPT: '2' } }
    )
    const otherName = read({ ...VALID, name: 'ci-cert-2' }, { env: WORKFLOW })
    expect(only(rerun).clientToken).toBe(first)
    expect(only(otherName).clientToken).not.toBe(first)
  })

  test.each([
    ['no GITHUB_* at all', {}],
    ['a repository but no run id', { GITHUB_REPOSITORY: 'octo-org/infra' }],
    ['a run id but no repository', { GITHUB_RUN_ID: '42' }]
  ])('outside a workflow run (%s): the injected random function', (_what, env) => {
    const randomToken = jest.fn(() => 'random-0001')
    const settings = read(VALID, { env, randomToken })
    expect(only(settings).clientToken).toBe('random-0001')
    expect(only(settings).clientTokenSource).toBe('random: not in a workflow run')
    expect(randomToken).toHaveBeenCalledTimes(1)
  })
})

describe('keyless (OIDC) settings', () => {
  const ROLE = 'acs:ram::1234567890123456:role/github-ci'
  const PROVIDER = 'acs:ram::1234567890123456:oidc-provider/github'
  const { ['access-key-id']: _id, ['access-key-secret']: _secret, ...NO_KEYS } = VALID
  const OIDC_INPUTS = { ...NO_KEYS, 'role-to-assume': ROLE, 'oidc-provider-arn': PROVIDER }

  test('defaults: session name from repository and run, 900 s, audience and STS endpoint', () => {
    const settings = read(OIDC_INPUTS, {
      env: { GITHUB_REPOSITORY: 'acme/vpn onboarding', GITHUB_RUN_ID: '987' }
    })
    expect(settings.credentials).toEqual({
      source: 'oidc',
      oidc: {
        roleArn: ROLE,
        oidcProviderArn: PROVIDER,
        roleSessionName: 'gha-acme-vpn-onboarding-987',
        durationSeconds: 900,
        audience: 'sts.aliyuncs.com',
        stsEndpoint: { origin: 'https://sts.aliyuncs.com', hostHeader: 'sts.aliyuncs.com' }
      }
    })
  })

  test('a long repository name is cut to 64 characters, keeping the run id', () => {
    const name = defaultRoleSessionName({
      GITHUB_REPOSITORY: `acme/${'x'.repeat(100)}`,
      GITHUB_RUN_ID: '123456789'
    })
    expect(name.length).toBe(64)
    expect(name).toMatch(/^gha-acme-x+-123456789$/)
    expect(defaultRoleSessionName({})).toMatch(/^[A-Za-z0-9.@_-]{2,64}$/)
  })

  test('OIDC wins over key inputs and variables, which are still masked', () => {
    const masked: string[] = []
    const settings = read(
      { ...OIDC_INPUTS, 'access-key-id': KEY_ID, 'access-key-secret': KEY_SECRET },
      {
        env: { [ENV_ACCESS_KEY_ID]: ENV_KEY_ID, [ENV_ACCESS_KEY_SECRET]: ENV_KEY_SECRET },
        maskSecret: v => masked.push(v)
      }
    )
    expect(settings.credentials.source).toBe('oidc')
    expect(masked).toEqual(expect.arrayContaining([KEY_ID, KEY_SECRET, ENV_KEY_ID, ENV_KEY_SECRET]))
  })

  test.each([
    [{ 'role-to-assume': ROLE }, 'oidc-provider-arn', /is required with 'role-to-assume'/],
    [{ 'oidc-provider-arn': PROVIDER }, 'role-to-assume', /is required with 'oidc-provider-arn'/],
    [
      { 'role-to-assume': 'arn:aws:iam::1:role/x', 'oidc-provider-arn': PROVIDER },
      'role-to-assume',
      /acs:ram::<account-id>:role/
    ],
    [
      { 'role-to-assume': ROLE, 'oidc-provider-arn': 'acs:ram::1:role/x' },
      'oidc-provider-arn',
      /oidc-provider/
    ],
    [
      { 'role-to-assume': ROLE, 'oidc-provider-arn': PROVIDER, 'role-session-name': 'a' },
      'role-session-name',
      /2 to 64 characters/
    ],
    [
      { 'role-to-assume': ROLE, 'oidc-provider-arn': PROVIDER, 'role-duration-seconds': '899' },
      'role-duration-seconds',
      /900 to 43200/
    ],
    [
      { 'role-to-assume': ROLE, 'oidc-provider-arn': PROVIDER, audience: 'has space' },
      'audience',
      /printable ASCII/
    ],
    [
      { 'role-to-assume': ROLE, 'oidc-provider-arn': PROVIDER, 'sts-endpoint': 'http://sts' },
      'sts-endpoint',
      /plain http/
    ]
  ])('%j → %s refused', (inputs, input, message) => {
    const error = inputErrorFrom(() => read({ ...NO_KEYS, ...inputs }))
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
  })
})

describe('STS endpoint: the input, then ALIBABA_CLOUD_STS_ENDPOINT, then ALIBABA_CLOUD_STS_REGION', () => {
  const ROLE = 'acs:ram::1234567890123456:role/github-ci'
  const PROVIDER = 'acs:ram::1234567890123456:oidc-provider/github'
  const { ['access-key-id']: _id, ['access-key-secret']: _secret, ...NO_KEYS } = VALID
  const OIDC_INPUTS = { ...NO_KEYS, 'role-to-assume': ROLE, 'oidc-provider-arn': PROVIDER }
  const stsOf = (inputs: Record<string, string>, env: Record<string, string>) => {
    const { credentials } = read({ ...OIDC_INPUTS, ...inputs }, { env })
    if (credentials.source !== 'oidc') throw new Error('not oidc')
    return credentials.oidc.stsEndpoint.origin
  }

  test.each([
    [{}, {}, 'https://sts.aliyuncs.com'],
    [{}, { ALIBABA_CLOUD_STS_REGION: 'ap-southeast-1' }, 'https://sts.ap-southeast-1.aliyuncs.com'],
    [{}, { ALIBABA_CLOUD_STS_REGION: ' eu-central-1 ' }, 'https://sts.eu-central-1.aliyuncs.com'],
    [
      {},
      { ALIBABA_CLOUD_STS_ENDPOINT: 'sts.us-west-1.aliyuncs.com' },
      'https://sts.us-west-1.aliyuncs.com'
    ],
    [
      {},
      {
        ALIBABA_CLOUD_STS_ENDPOINT: 'https://sts-vpc.cn-hangzhou.aliyuncs.com',
        ALIBABA_CLOUD_STS_REGION: 'ap-southeast-1'
      },
      'https://sts-vpc.cn-hangzhou.aliyuncs.com'
    ],
    [
      { 'sts-endpoint': 'sts.cn-shanghai.aliyuncs.com' },
      {
        ALIBABA_CLOUD_STS_ENDPOINT: 'sts.us-west-1.aliyuncs.com',
        ALIBABA_CLOUD_STS_REGION: 'ap-southeast-1'
      },
      'https://sts.cn-shanghai.aliyuncs.com'
    ],
    // A variable that a higher source overrides is not read, malformed or not.
    [
      { 'sts-endpoint': 'sts.cn-shanghai.aliyuncs.com' },
      { ALIBABA_CLOUD_STS_REGION: 'NOT A REGION' },
      'https://sts.cn-shanghai.aliyuncs.com'
    ],
    [
      {},
      { ALIBABA_CLOUD_STS_ENDPOINT: 'sts.us-west-1.aliyuncs.com', ALIBABA_CLOUD_STS_REGION: '!' },
      'https://sts.us-west-1.aliyuncs.com'
    ],
    [
      {},
      { ALIBABA_CLOUD_STS_ENDPOINT: '  ', ALIBABA_CLOUD_STS_REGION: '' },
      'https://sts.aliyuncs.com'
    ]
  ])('input %j, variables %j: %s', (inputs, env, origin) => {
    expect(stsOf(inputs, env)).toBe(origin)
  })

  test.each([
    ['ALIBABA_CLOUD_STS_REGION', 'AP_Southeast', /"AP_Southeast" is not a region ID/],
    ['ALIBABA_CLOUD_STS_REGION', 'cn-hangzhou.evil.example', /is not a region ID/],
    ['ALIBABA_CLOUD_STS_ENDPOINT', 'http://sts.aliyuncs.com', /uses plain http/],
    ['ALIBABA_CLOUD_STS_ENDPOINT', 'sts.aliyuncs.com/path', /carries a path/],
    ['ALIBABA_CLOUD_STS_ENDPOINT', 'user@sts.aliyuncs.com', /carries user info/]
  ])('%s=%j: refused, naming the variable', (variable, value, message) => {
    const error = inputErrorFrom(() => read(OIDC_INPUTS, { env: { [variable]: value } }))
    expect(error.input).toBe(variable)
    expect(error.message).toMatch(new RegExp(`^Environment variable ${variable}: `))
    expect(error.message).toMatch(message)
  })

  test('without role-to-assume, the STS variables are not read', () => {
    expect(() => read(VALID, { env: { ALIBABA_CLOUD_STS_REGION: 'NOT A REGION' } })).not.toThrow()
  })
})

describe('onboarding inputs (names, if-exists, config-dir, key-passphrase)', () => {
  const { name: _name, ...NO_NAME } = VALID

  test('defaults: one target, if-exists create, no profile', () => {
    const settings = read(VALID)
    expect(settings.targets).toHaveLength(1)
    expect(settings.ifExists).toBe('create')
    expect(settings.configDir).toBeUndefined()
    expect(settings.keyPassphrase).toBeUndefined()
  })

  test('names: one per line, trimmed, blank lines skipped, each with its own derived token', () => {
    const settings = read(
      { ...NO_NAME, names: 'alice\n  bob  \n\r\n carol.smith\n' },
      { env: { GITHUB_REPOSITORY: 'acme/onboarding', GITHUB_RUN_ID: '7' } }
    )
    expect(settings.targets.map(t => t.name)).toEqual(['alice', 'bob', 'carol.smith'])
    const tokens = settings.targets.map(t => t.clientToken)
    expect(new Set(tokens).size).toBe(3)
    expect(tokens.every(t => /^gha-[0-9a-f]{40}$/.test(t))).toBe(true)
  })

  test('a re-run derives the same token per name (so it creates only what is missing)', () => {
    const env = { GITHUB_REPOSITORY: 'acme/onboarding', GITHUB_RUN_ID: '7' }
    const first = read({ ...NO_NAME, names: 'alice\nbob' }, { env })
    const again = read({ ...NO_NAME, names: 'bob\nalice' }, { env })
    const byName = (s: Settings) => Object.fromEntries(s.targets.map(t => [t.name, t.clientToken]))
    expect(byName(again)).toEqual(byName(first))
  })

  test('key-passphrase is masked before it is validated', () => {
    const masked: string[] = []
    inputErrorFrom(() =>
      read({ ...VALID, 'key-passphrase': 'abc' }, { maskSecret: v => masked.push(v) })
    )
    expect(masked).toContain('abc')
  })

  test('key-passphrase is taken exactly as configured, surrounding spaces included', () => {
    const masked: string[] = []
    const settings = read(
      { ...VALID, 'config-dir': 'out', 'key-passphrase': '  correct horse  ' },
      { maskSecret: v => masked.push(v) }
    )
    expect(settings.keyPassphrase).toBe('  correct horse  ')
    expect(masked).toContain('  correct horse  ')
  })

  test('key-passphrase: a line break is refused with a hint, the value never shown', () => {
    const error = inputErrorFrom(() =>
      read({ ...VALID, 'config-dir': 'out', 'key-passphrase': 'hunter22\n' })
    )
    expect(error.message).toMatch(/a secret saved with a trailing newline\?/)
    expect(error.message).not.toContain('hunter22')
  })

  test('keep-profiles: false by default, YAML booleans accepted', () => {
    expect(read({ ...VALID, 'config-dir': 'out' }).keepProfiles).toBe(false)
    for (const value of ['true', 'True', 'TRUE']) {
      expect(read({ ...VALID, 'config-dir': 'out', 'keep-profiles': value }).keepProfiles).toBe(
        true
      )
    }
    for (const value of ['false', 'False', 'FALSE', '']) {
      expect(read({ ...VALID, 'keep-profiles': value }).keepProfiles).toBe(false)
    }
  })

  test.each([
    [
      { ...VALID, 'config-dir': 'out', 'key-passphrase': '     ' },
      'key-passphrase',
      /only whitespace/
    ],
    [
      { ...VALID, 'config-dir': 'out', 'keep-profiles': 'yes' },
      'keep-profiles',
      /"yes" is not a boolean/
    ],
    [{ ...VALID, 'keep-profiles': 'true' }, 'keep-profiles', /needs 'config-dir'/],
    [{ ...VALID, name: 'alice', names: 'bob' }, 'names', /mutually exclusive/],
    [{ ...NO_NAME, names: 'alice\n1bob' }, 'names', /line 2: "1bob" does not start with a letter/],
    [{ ...NO_NAME, names: 'alice\nbob\nalice' }, 'names', /line 3: "alice" appears twice/],
    [
      { ...NO_NAME, names: Array.from({ length: 201 }, (_, i) => `u${i}`).join('\n') },
      'names',
      /at most 200/
    ],
    [{ ...VALID, 'if-exists': 'replace' }, 'if-exists', /"create".*"reuse".*"fail"/],
    [{ ...NO_NAME, 'if-exists': 'reuse' }, 'if-exists', /give 'name'/],
    [{ ...VALID, 'key-passphrase': 'long enough' }, 'key-passphrase', /needs 'config-dir'/],
    [{ ...VALID, 'config-dir': 'out', 'key-passphrase': 'abc' }, 'key-passphrase', /4 to 1023/],
    [{ ...VALID, 'config-dir': 'a\u0007b' }, 'config-dir', /control characters/],
    [
      { ...NO_NAME, names: 'alice\nbob', 'client-token': 'one-token' },
      'client-token',
      /applies to one certificate/
    ]
  ])('%j → %s refused', (inputs, input, message) => {
    const error = inputErrorFrom(() => read(inputs))
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
  })
})
