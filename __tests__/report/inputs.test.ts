/**
 * The report sub-action's inputs: readReportSettings, and report/action.yml as their one source
 * (the inputs it declares are the inputs the code reads, its required ones are refused when
 * empty, its defaults read as no value), as action-yml.test.ts does for the main action.
 */
import { describe, expect, test } from '@jest/globals'
import { join } from 'node:path'
import { inputErrorFrom, KEY_ID, KEY_SECRET, reader } from '../../__fixtures__/inputs.js'
import { readReportSettings } from '../../src/report/inputs.js'
import { type Environment, type InputReader } from '../../src/core/environment.js'
import { ACTION_YML_PATH, actionInputs, subActionPaths } from '../../test-server/run-action.mjs'
import {
  inputsNamedIn,
  inputsRequiredWhenEmpty,
  sourceFiles
} from '../../__fixtures__/action-contract.js'

const DECLARED = actionInputs(subActionPaths('report').actionYml)
const SRC = join(ACTION_YML_PATH, '..', 'src')

const TOKEN = 'ghs_ReportInputsToken0123456789abcdef'
const VALID: Record<string, string> = {
  'access-key-id': KEY_ID,
  'access-key-secret': KEY_SECRET,
  'region-id': 'cn-hangzhou'
}
const WORKFLOW: Environment = {
  GITHUB_REPOSITORY: 'acme/vpn-admin',
  GITHUB_RUN_ID: '42',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com'
}
const ROLE = 'acs:ram::1234567890123456:role/github-ci'
const PROVIDER = 'acs:ram::1234567890123456:oidc-provider/github'

function read(
  inputs: Record<string, string>,
  env: Environment = WORKFLOW,
  mask: (value: string) => void = () => {}
) {
  return readReportSettings(reader(inputs), env, mask)
}

describe('readReportSettings', () => {
  test('the minimum: every SSL server of the region, 30 days, never fail, no issue', () => {
    const settings = read(VALID, {})
    expect(settings).toMatchObject({
      regionId: 'cn-hangzhou',
      sslVpnServerId: undefined,
      warnDays: 30,
      failOn: 'never',
      github: undefined,
      timeoutMs: 300_000
    })
    expect(settings.endpoint.origin).toBe('https://vpc.cn-hangzhou.aliyuncs.com')
  })

  test('every input given', () => {
    const settings = read({
      ...VALID,
      'ssl-vpn-server-id': 'vss-bp1abc123',
      'warn-days': '45',
      'fail-on': 'Expired',
      'github-token': TOKEN,
      'issue-label': 'vpn: expiry',
      'issue-title': 'Certificates to replace',
      endpoint: 'vpc-vpc.cn-hangzhou.aliyuncs.com',
      'signature-version': 'v1',
      'timeout-seconds': '60'
    })
    expect(settings).toMatchObject({
      sslVpnServerId: 'vss-bp1abc123',
      warnDays: 45,
      failOn: 'expired',
      signatureVersion: 'v1',
      timeoutMs: 60_000,
      github: {
        token: TOKEN,
        apiUrl: 'https://api.github.com',
        owner: 'acme',
        repo: 'vpn-admin',
        label: 'vpn: expiry',
        title: 'Certificates to replace',
        runUrl: 'https://github.com/acme/vpn-admin/actions/runs/42'
      }
    })
  })

  test('GitHub Enterprise Server: its API URL (trailing slash dropped) and its server', () => {
    const { github } = read(
      { ...VALID, 'github-token': TOKEN },
      {
        ...WORKFLOW,
        GITHUB_API_URL: 'https://ghes.example.com/api/v3/',
        GITHUB_SERVER_URL: 'https://ghes.example.com'
      }
    )
    expect(github?.apiUrl).toBe('https://ghes.example.com/api/v3')
    expect(github?.runUrl).toBe('https://ghes.example.com/acme/vpn-admin/actions/runs/42')
  })

  test('without GITHUB_API_URL: api.github.com; without a run ID: no run link', () => {
    const { github } = read({ ...VALID, 'github-token': TOKEN }, { GITHUB_REPOSITORY: 'a/b' })
    expect(github).toMatchObject({ apiUrl: 'https://api.github.com', runUrl: undefined })
  })

  test('the GitHub token is masked first, before the keys and before any input can fail', () => {
    const masked: string[] = []
    const error = inputErrorFrom(() =>
      read({ ...VALID, 'github-token': TOKEN, 'region-id': 'Bad Region' }, WORKFLOW, value => {
        masked.push(value)
      })
    )
    expect(error.message).toMatch(/^Input 'region-id'/)
    expect(masked[0]).toBe(TOKEN)
    expect(masked).toEqual(expect.arrayContaining([KEY_ID, KEY_SECRET]))
  })

  test.each<[string, Record<string, string>, RegExp]>([
    [
      'warn-days not a number',
      { 'warn-days': 'thirty' },
      /^Input 'warn-days': "thirty" is not valid; expected a whole number of days from 0 to 3650 \(default 30\)\.$/
    ],
    ['warn-days too large', { 'warn-days': '3651' }, /^Input 'warn-days': "3651"/],
    ['warn-days negative', { 'warn-days': '-1' }, /^Input 'warn-days': "-1"/],
    ['warn-days a fraction', { 'warn-days': '1.5' }, /^Input 'warn-days': "1\.5"/],
    [
      'fail-on unknown',
      { 'fail-on': 'always' },
      /^Input 'fail-on': "always" is not supported; expected "never" .*"expiring" .*"expired"/
    ],
    [
      'ssl-vpn-server-id malformed',
      { 'ssl-vpn-server-id': 'vpn-123' },
      /^Input 'ssl-vpn-server-id': "vpn-123" is not an SSL server ID/
    ],
    [
      'issue-label with a comma',
      { 'issue-label': 'a,b' },
      /^Input 'issue-label': "a,b" is not valid; expected a label name of at most 50 characters, without commas/
    ],
    ['issue-label too long', { 'issue-label': 'x'.repeat(51) }, /^Input 'issue-label'/],
    [
      'issue-title with a line break',
      { 'issue-title': 'a\nb' },
      /^Input 'issue-title': "a\\nb" is not valid; expected one line/
    ],
    ['issue-title too long', { 'issue-title': 't'.repeat(257) }, /^Input 'issue-title'/]
  ])('%s: refused, naming the input and what is expected', (_what, change, message) => {
    expect(inputErrorFrom(() => read({ ...VALID, ...change })).message).toMatch(message)
  })

  test.each([
    ['a line break inside', 'ghs_abc\ndef0123'],
    ['a space inside', 'ghs_abc def'],
    ['too long', 'g'.repeat(4097)]
  ])('github-token with %s: refused without showing it', (_what, token) => {
    const message = inputErrorFrom(() =>
      readReportSettings(reader({ ...VALID, 'github-token': token }), WORKFLOW, () => {})
    ).message
    expect(message).toMatch(/^Input 'github-token': /)
    expect(message).not.toContain(token.trim().slice(0, 12))
  })

  test.each<[string, Environment, RegExp]>([
    [
      'GITHUB_API_URL over http',
      { GITHUB_API_URL: 'http://api.github.com' },
      /^Environment variable GITHUB_API_URL: "http:\/\/api\.github\.com" is not an https:\/\/ URL/
    ],
    [
      'GITHUB_API_URL with user info',
      { GITHUB_API_URL: 'https://u:p@ghes.example' },
      /^Environment variable GITHUB_API_URL: /
    ],
    [
      'GITHUB_API_URL with a query',
      { GITHUB_API_URL: 'https://ghes.example/api?x=1' },
      /^Environment variable GITHUB_API_URL: /
    ],
    [
      'GITHUB_API_URL not a URL',
      { GITHUB_API_URL: 'not a url' },
      /^Environment variable GITHUB_API_URL: /
    ],
    [
      'GITHUB_REPOSITORY missing',
      { GITHUB_REPOSITORY: undefined },
      /^Environment variable GITHUB_REPOSITORY: is not set/
    ],
    [
      'GITHUB_REPOSITORY malformed',
      { GITHUB_REPOSITORY: 'acme' },
      /^Environment variable GITHUB_REPOSITORY: "acme" is not a repository; expected owner\/name\.$/
    ]
  ])('with github-token, %s: refused, naming the variable', (_what, change, message) => {
    const env = { ...WORKFLOW, ...change }
    expect(inputErrorFrom(() => read({ ...VALID, 'github-token': TOKEN }, env)).message).toMatch(
      message
    )
  })

  test('without github-token the GitHub variables are not read at all', () => {
    expect(read(VALID, { GITHUB_API_URL: 'http://bad', GITHUB_REPOSITORY: 'x' }).github).toBe(
      undefined
    )
  })
})

describe('report/action.yml is the one source of the inputs', () => {
  const CONFIGURATIONS: [string, Record<string, string>, Environment][] = [
    ['keys, the minimum', VALID, {}],
    [
      'every report input, and a token',
      {
        ...VALID,
        'ssl-vpn-server-id': 'vss-bp1abc123',
        'warn-days': '10',
        'fail-on': 'expiring',
        'github-token': TOKEN,
        'issue-label': 'expiry',
        'issue-title': 'Expiring',
        'security-token': 'CAIS.ReportToken==',
        endpoint: 'vpc.example.test:8443',
        'signature-version': 'v1',
        'timeout-seconds': '60'
      },
      WORKFLOW
    ],
    [
      'keyless, every OIDC input',
      {
        'region-id': 'cn-hangzhou',
        'role-to-assume': ROLE,
        'oidc-provider-arn': PROVIDER,
        'role-session-name': 'ci-session',
        'role-duration-seconds': '3600',
        audience: 'my-audience',
        'sts-endpoint': 'sts.ap-southeast-1.aliyuncs.com'
      },
      WORKFLOW
    ]
  ]

  function recording(inputs: Record<string, string>, names: Set<string>): InputReader {
    const read = reader(inputs)
    return (name, options) => {
      names.add(name)
      return read(name, options)
    }
  }

  test('over every configuration, readReportSettings reads exactly the declared inputs', () => {
    const names = new Set<string>()
    for (const [, inputs, env] of CONFIGURATIONS) {
      readReportSettings(recording(inputs, names), env, () => {})
    }
    expect([...names].sort()).toEqual(Object.keys(DECLARED).sort())
  })

  test('every input the report’s modules name is declared', () => {
    const named = inputsNamedIn(SRC, sourceFiles(SRC, 'report'))
    expect(named.size).toBeGreaterThanOrEqual(6)
    expect([...named].filter(name => !Object.hasOwn(DECLARED, name))).toEqual([])
  })

  test('the required inputs are exactly the ones refused when empty', () => {
    const refused = inputsRequiredWhenEmpty(Object.keys(DECLARED), VALID, read)
    const required = Object.keys(DECLARED).filter(name => DECLARED[name]?.required)
    expect(required).toEqual(['region-id'])
    expect(refused.sort()).toEqual(required.sort())
  })

  test.each(CONFIGURATIONS)('%s: the defaults read as no value', (_what, inputs, env) => {
    const withDefaults: InputReader = (name, options) =>
      Object.hasOwn(inputs, name) ? reader(inputs)(name, options) : (DECLARED[name]?.default ?? '')
    expect(readReportSettings(withDefaults, env, () => {})).toEqual(
      readReportSettings(reader(inputs), env, () => {})
    )
  })

  test('each default on its own is what an empty value means', () => {
    const base = { ...VALID, 'github-token': TOKEN }
    const defaulted = Object.entries(DECLARED).filter(([, spec]) => spec.default !== undefined)
    expect(defaulted.length).toBeGreaterThanOrEqual(8)
    for (const [name, { default: value }] of defaulted) {
      expect({ name, settings: read({ ...base, [name]: value ?? '' }) }).toEqual({
        name,
        settings: read({ ...base, [name]: '' })
      })
    }
  })
})
