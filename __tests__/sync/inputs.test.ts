/**
 * sync/action.yml and readSyncSettings: the inputs declared are exactly those read, the required
 * ones are the ones refused when empty, the defaults read as no value; and each of sync's own
 * inputs is refused with its name and what is expected.
 */
import { describe, expect, test } from '@jest/globals'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { inputsNamedIn, inputsRequiredWhenEmpty } from '../../__fixtures__/action-contract.js'
import { VALID, reader } from '../../__fixtures__/inputs.js'
import { type Environment, type InputReader } from '../../src/core/environment.js'
import { readSyncSettings, type SyncSettings } from '../../src/sync/inputs.js'
import { ACTION_YML_PATH, actionInputs, actionYmlPath } from '../../test-server/run-action.mjs'

const DECLARED = actionInputs(actionYmlPath('sync'))
const SYNC_SRC = join(ACTION_YML_PATH, '..', 'src', 'sync')
const TOKEN = 'ghs_SyncInputsToken0123456789abcdefXYZ'
const PR_RUN: Environment = {
  GITHUB_REPOSITORY: 'acme/vpn-admin',
  GITHUB_REF: 'refs/pull/17/merge',
  GITHUB_RUN_ID: '99',
  GITHUB_WORKSPACE: '/home/runner/work/vpn-admin/vpn-admin'
}

/** Settings with the compiled patterns as their globs (closures never compare equal). */
function comparable(settings: SyncSettings) {
  return { ...settings, ignore: settings.ignore.map(p => p.glob) }
}
const read = (inputs: Record<string, string>, env: Environment = PR_RUN) =>
  comparable(readSyncSettings(reader(inputs), env, () => {}))

const EVERYTHING = {
  ...VALID,
  'github-token': TOKEN,
  mode: 'apply',
  'roster-file': 'access/roster.yml',
  ignore: 'ci-*\nbuild-??',
  rotate: 'true',
  'warn-days': '14',
  'max-revocations': '20',
  'allow-mass-revocation': 'true',
  'config-dir': 'profiles',
  redeliver: 'alice.laptop, bob',
  endpoint: 'vpc.example.test:8443',
  'signature-version': 'v1',
  'timeout-seconds': '600'
}
const CONFIGURATIONS: [string, Record<string, string>, Environment][] = [
  ['the minimum', VALID, {}],
  ['every input, on a pull request', EVERYTHING, PR_RUN],
  [
    'keyless, every OIDC input',
    {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-bp1abc123',
      'role-to-assume': 'acs:ram::1234567890123456:role/github-ci',
      'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/github',
      'role-session-name': 'ci-session',
      'role-duration-seconds': '3600',
      audience: 'my-audience',
      'sts-endpoint': 'sts.ap-southeast-1.aliyuncs.com'
    },
    PR_RUN
  ]
]

describe('sync/action.yml is what readSyncSettings reads', () => {
  test('over every configuration, exactly the declared inputs are read', () => {
    const names = new Set<string>()
    for (const [, inputs, env] of CONFIGURATIONS) {
      const base = reader(inputs)
      const recording: InputReader = (name, options) => {
        names.add(name)
        return base(name, options)
      }
      readSyncSettings(recording, env, () => {})
    }
    expect([...names].sort()).toEqual(Object.keys(DECLARED).sort())
  })

  test("every input sync's modules name is declared", () => {
    const named = inputsNamedIn(
      SYNC_SRC,
      readdirSync(SYNC_SRC).filter(f => f.endsWith('.ts'))
    )
    expect(named.size).toBeGreaterThanOrEqual(10)
    expect([...named].filter(name => !Object.hasOwn(DECLARED, name))).toEqual([])
  })

  test('the required inputs are exactly the ones refused when empty', () => {
    const refused = inputsRequiredWhenEmpty(Object.keys(DECLARED), VALID, values =>
      read(values, {})
    )
    const required = Object.keys(DECLARED).filter(name => DECLARED[name]?.required)
    expect(required.sort()).toEqual(['region-id', 'ssl-vpn-server-id'])
    expect(refused.sort()).toEqual(required.sort())
  })

  test('each default on its own is what an empty value means', () => {
    const defaulted = Object.entries(DECLARED).filter(([, spec]) => spec.default !== undefined)
    expect(defaulted.length).toBeGreaterThanOrEqual(8)
    for (const [name, { default: value }] of defaulted) {
      expect({ name, settings: read({ ...VALID, [name]: value ?? '' }) }).toEqual({
        name,
        settings: read({ ...VALID, [name]: '' })
      })
    }
  })
})

describe('readSyncSettings', () => {
  test('reads every input; the pull request from GITHUB_REF; the roster inside the workspace', () => {
    const settings = read(EVERYTHING)
    expect(settings).toMatchObject({
      mode: 'apply',
      rosterFile: {
        given: 'access/roster.yml',
        path: '/home/runner/work/vpn-admin/vpn-admin/access/roster.yml'
      },
      ignore: ['ci-*', 'build-??'],
      rotate: true,
      warnDays: 14,
      maxRevocations: 20,
      allowMassRevocation: true,
      configDir: 'profiles',
      redeliver: ['alice.laptop', 'bob'],
      pullRequest: {
        number: 17,
        owner: 'acme',
        repo: 'vpn-admin',
        token: TOKEN,
        apiUrl: 'https://api.github.com'
      }
    })
  })

  test('defaults: plan, the default roster, max-revocations 5, nothing allowed, no comment', () => {
    expect(read(VALID, {})).toMatchObject({
      mode: 'plan',
      rosterFile: { given: '.github/ssl-vpn-roster.yml' },
      rotate: false,
      warnDays: 30,
      maxRevocations: 5,
      allowMassRevocation: false,
      configDir: undefined,
      redeliver: [],
      pullRequest: undefined
    })
  })

  test('redeliver: names one per line or separated by commas (a workflow_dispatch input is one line), trimmed, each once', () => {
    const redeliver = (value: string) =>
      read({ ...VALID, 'config-dir': 'profiles', redeliver: value }).redeliver
    expect(redeliver('alice.laptop,bob , carol\r\n\n dave\nbob,')).toEqual([
      'alice.laptop',
      'bob',
      'carol',
      'dave'
    ])
    expect(redeliver(' , \n')).toEqual([])
    // Without names, config-dir may be empty.
    expect(read({ ...VALID, redeliver: '' }).redeliver).toEqual([])
  })

  test('a token outside a pull request run: no comment, said later', () => {
    expect(
      read(
        { ...VALID, 'github-token': TOKEN },
        { GITHUB_REPOSITORY: 'acme/x', GITHUB_REF: 'refs/heads/main' }
      ).pullRequest
    ).toBe('no-pull-request')
  })

  test('the token is masked first', () => {
    const masked: string[] = []
    readSyncSettings(reader({ ...VALID, 'github-token': TOKEN }), PR_RUN, s => masked.push(s))
    expect(masked[0]).toBe(TOKEN)
  })

  test.each([
    ['mode', 'destroy', /^Input 'mode': "destroy" is not supported; expected "plan" .* or "apply"/],
    [
      'roster-file',
      '../secrets.yml',
      /^Input 'roster-file': "..\/secrets.yml" is outside the repository/
    ],
    [
      'roster-file',
      '/etc/passwd',
      /^Input 'roster-file': "\/etc\/passwd" is outside the repository/
    ],
    [
      'max-revocations',
      '-1',
      /^Input 'max-revocations': "-1" is not valid; expected a whole number of certificates from 0 to 5000 \(default 5\)/
    ],
    ['allow-mass-revocation', 'yes', /^Input 'allow-mass-revocation': "yes" is not a boolean/],
    ['rotate', 'sometimes', /^Input 'rotate': "sometimes" is not a boolean/],
    ['ignore', 'ci-*\nci-[0-9]', /^Input 'ignore': line 2: "ci-\[0-9\]" is not a pattern/],
    ['warn-days', '99999', /^Input 'warn-days'/]
  ])('refuses %s %j', (name, value, expected) => {
    expect(() => read({ ...VALID, [name]: value })).toThrow(expected)
  })

  test.each([
    [
      'a pattern',
      'alice, ci-*',
      /^Input 'redeliver': "ci-\*" is a pattern; expected names of roster entries, each written out \(every name writes a private key to disk/
    ],
    [
      'a name the API would refuse',
      'alice\n-bob',
      /^Input 'redeliver': "-bob" is not a certificate name; expected names of roster entries, one per line or separated by commas\.$/
    ],
    [
      'a name with a space (a missing comma)',
      'alice bob',
      /^Input 'redeliver': "alice bob" is not a certificate name/
    ]
  ])('refuses redeliver with %s', (_title, value, expected) => {
    expect(() => read({ ...VALID, 'config-dir': 'profiles', redeliver: value })).toThrow(expected)
  })

  test('refuses redeliver without config-dir, naming the names and the input to set', () => {
    expect(() => read({ ...VALID, mode: 'apply', redeliver: 'alice,bob' })).toThrow(
      /^Input 'redeliver': names 2 certificates \("alice", "bob"\), but config-dir is empty; expected config-dir set to where their profiles are written\.$/
    )
    // In plan mode too: a plan apply could not carry out is refused as early.
    expect(() => read({ ...VALID, redeliver: 'alice' })).toThrow(
      /^Input 'redeliver': names a certificate/
    )
  })
})
