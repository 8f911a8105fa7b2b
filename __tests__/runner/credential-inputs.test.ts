import { describe, expect, jest, test } from '@jest/globals'
import {
  ENV_KEY_ID,
  ENV_KEY_SECRET,
  ENV_TOKEN,
  EVERY_SECRET,
  KEY_ID,
  KEY_SECRET,
  VALID,
  inputErrorFrom,
  read
} from '../../__fixtures__/inputs.js'
import {
  ENV_ACCESS_KEY_ID,
  ENV_ACCESS_KEY_SECRET,
  ENV_SECURITY_TOKEN,
  defaultRoleSessionName
} from '../../src/runner/credential-inputs.js'
import { type Environment } from '../../src/core/environment.js'

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
