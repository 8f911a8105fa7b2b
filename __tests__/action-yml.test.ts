/**
 * action.yml is the one source of the inputs and their defaults: the inputs it declares are
 * exactly the inputs the code reads, and its defaults (which the runner passes for inputs a
 * workflow leaves out) read as the same settings as no value at all.
 */
import { describe, expect, test } from '@jest/globals'
import yaml from 'js-yaml'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { KEY_ID, KEY_SECRET, VALID, reader } from '../__fixtures__/inputs.js'
import { readSettings } from '../src/create/inputs.js'
import { readRevokeSettings } from '../src/revoke/inputs.js'
import { type Environment, type InputReader } from '../src/core/environment.js'
import { ACTION_YML_PATH, actionInputs, actionYmlPath } from '../test-server/run-action.mjs'
import {
  inputsNamedIn,
  inputsRequiredWhenEmpty,
  sourceFiles,
  SUB_ACTION_FOLDERS
} from '../__fixtures__/action-contract.js'

const DECLARED = actionInputs()
const SRC = join(ACTION_YML_PATH, '..', 'src')

const ROLE = 'acs:ram::1234567890123456:role/github-ci'
const PROVIDER = 'acs:ram::1234567890123456:oidc-provider/github'
const { ['access-key-id']: _id, ['access-key-secret']: _secret, ...NO_KEYS } = VALID
const WORKFLOW: Environment = {
  GITHUB_REPOSITORY: 'acme/infra',
  GITHUB_RUN_ID: '42',
  GITHUB_JOB: 'vpn',
  GITHUB_ACTION: 'cert'
}

/** Configurations that between them take every path through the readers. */
const CONFIGURATIONS: [string, Record<string, string>, Environment][] = [
  ['keys from inputs, the minimum', VALID, {}],
  [
    'keys with a token, one name, every option',
    {
      ...VALID,
      'security-token': 'CAIS.InputToken==',
      name: 'ci-cert',
      'if-exists': 'reuse',
      'config-dir': 'out',
      'key-passphrase': 'correct horse',
      'keep-profiles': 'true',
      'client-token': 'my-token-01',
      endpoint: 'vpc.example.test:8443',
      'signature-version': 'v1',
      'timeout-seconds': '60'
    },
    {}
  ],
  ['keys from the environment, several names', { ...NO_KEYS, names: 'alice\nbob' }, WORKFLOW],
  [
    'keyless, every OIDC input',
    {
      ...NO_KEYS,
      'role-to-assume': ROLE,
      'oidc-provider-arn': PROVIDER,
      'role-session-name': 'ci-session',
      'role-duration-seconds': '3600',
      audience: 'my-audience',
      'sts-endpoint': 'sts.ap-southeast-1.aliyuncs.com'
    },
    WORKFLOW
  ],
  [
    'keyless, the defaults',
    { ...NO_KEYS, 'role-to-assume': ROLE, 'oidc-provider-arn': PROVIDER },
    {}
  ]
]

const ENV_KEYS: Environment = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: KEY_ID,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY_SECRET
}

/** readSettings as main.ts calls it, with a fixed random ClientToken. */
function readWith(getInput: InputReader, env: Environment) {
  return readSettings(
    getInput,
    { ...ENV_KEYS, ...env },
    () => undefined,
    () => 'random-token'
  )
}

/** A reader that also records every input name asked for. */
function recording(inputs: Record<string, string>, names: Set<string>): InputReader {
  const read = reader(inputs)
  return (name, options) => {
    names.add(name)
    return read(name, options)
  }
}

/** What the runner passes: the workflow's value, else action.yml's default, else ''. */
function withDefaults(inputs: Record<string, string>): InputReader {
  const read = reader(inputs)
  return (name, options) => {
    const given = read(name, options)
    if (Object.hasOwn(inputs, name)) return given
    return DECLARED[name]?.default ?? given
  }
}

describe('the inputs action.yml declares are the inputs the code reads', () => {
  test('every configuration reads without error', () => {
    for (const [, inputs, env] of CONFIGURATIONS) {
      expect(() => readWith(reader(inputs), env)).not.toThrow()
    }
  })

  test('readSettings, over every configuration, reads exactly the declared inputs', () => {
    const read = new Set<string>()
    for (const [, inputs, env] of CONFIGURATIONS) readWith(recording(inputs, read), env)
    expect([...read].sort()).toEqual(Object.keys(DECLARED).sort())
  })

  test('every input named in src/ is declared', () => {
    // Catches a read on a path the configurations above do not take. The sub-actions' folders
    // (src/revoke/, src/report/, …) are tied to their own action.yml instead (below, and in each
    // sub-action's inputs test).
    const files = sourceFiles(SRC).filter(f => !SUB_ACTION_FOLDERS.includes(f.split('/')[0] ?? ''))
    const named = inputsNamedIn(SRC, files)
    expect(named.size).toBeGreaterThan(10)
    expect([...named].filter(name => !Object.hasOwn(DECLARED, name))).toEqual([])
  })

  test('the required inputs are exactly the ones readSettings refuses to do without', () => {
    const requiredWhenEmpty = inputsRequiredWhenEmpty(Object.keys(DECLARED), VALID, values =>
      readWith(reader(values), {})
    )
    const declared = Object.keys(DECLARED).filter(name => DECLARED[name]?.required)
    expect(declared.length).toBeGreaterThan(0)
    expect(requiredWhenEmpty.sort()).toEqual(declared.sort())
  })
})

describe("action.yml's defaults read as the same settings as no value", () => {
  test('there are defaults to compare', () => {
    const defaulted = Object.keys(DECLARED).filter(name => DECLARED[name]?.default !== undefined)
    expect(defaulted.length).toBeGreaterThanOrEqual(5)
  })

  test.each(CONFIGURATIONS)('%s', (_what, inputs, env) => {
    const fromRunner = readWith(withDefaults(inputs), env)
    const fromNothing = readWith(reader(inputs), env)
    expect(fromRunner).toEqual(fromNothing)
  })

  test('each default on its own is what an empty value means', () => {
    const oidc = { ...NO_KEYS, 'role-to-assume': ROLE, 'oidc-provider-arn': PROVIDER }
    for (const [name, { default: value }] of Object.entries(DECLARED)) {
      if (value === undefined) continue
      // With and without the default, in a configuration where the input matters.
      const base = name === 'keep-profiles' ? { ...VALID, 'config-dir': 'out' } : oidc
      const withDefault = readWith(reader({ ...base, [name]: value }), {})
      const withNothing = readWith(reader({ ...base, [name]: '' }), {})
      expect({ name, settings: withDefault }).toEqual({ name, settings: withNothing })
    }
  })
})

describe('revoke/action.yml: the inputs it declares are the inputs readRevokeSettings reads', () => {
  const REVOKE_DECLARED = actionInputs(actionYmlPath('revoke'))
  const SERVER = { 'ssl-vpn-server-id': VALID['ssl-vpn-server-id'] ?? '' }
  /** Configurations that between them take every path through the reader. */
  const REVOKE_CONFIGURATIONS: [string, Record<string, string>, Environment][] = [
    ['one name, keys from inputs', { ...VALID, name: 'alice' }, {}],
    [
      'names, keys from the environment, dry run',
      { ...NO_KEYS, names: 'alice\nbob', 'dry-run': 'true' },
      WORKFLOW
    ],
    [
      'one ID, every connection input',
      {
        ...VALID,
        'security-token': 'CAIS.InputToken==',
        'cert-id': 'vsc-bp1abc',
        endpoint: 'vpc.example.test:8443',
        'signature-version': 'v1',
        'timeout-seconds': '60'
      },
      {}
    ],
    [
      'IDs, keyless with every OIDC input',
      {
        ...NO_KEYS,
        ...SERVER,
        'cert-ids': 'vsc-a1\nvsc-b2',
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

  function readRevokeWith(getInput: InputReader, env: Environment) {
    return readRevokeSettings(getInput, { ...ENV_KEYS, ...env }, () => undefined)
  }

  test('every configuration reads without error', () => {
    for (const [, inputs, env] of REVOKE_CONFIGURATIONS) {
      expect(() => readRevokeWith(reader(inputs), env)).not.toThrow()
    }
  })

  test('over every configuration, it reads exactly the declared inputs', () => {
    const read = new Set<string>()
    for (const [, inputs, env] of REVOKE_CONFIGURATIONS)
      readRevokeWith(recording(inputs, read), env)
    expect([...read].sort()).toEqual(Object.keys(REVOKE_DECLARED).sort())
  })

  test('every input named in revoke-inputs.ts is declared', () => {
    const named = [...inputsNamedIn(SRC, sourceFiles(SRC, 'revoke'))]
    expect(named.length).toBeGreaterThanOrEqual(6)
    expect(named.filter(name => !Object.hasOwn(REVOKE_DECLARED, name))).toEqual([])
  })

  test('the required inputs are exactly the ones it refuses to do without', () => {
    const base = { ...VALID, name: 'alice' }
    const requiredWhenEmpty = inputsRequiredWhenEmpty(Object.keys(REVOKE_DECLARED), base, values =>
      readRevokeWith(reader(values), {})
    )
    const declared = Object.keys(REVOKE_DECLARED).filter(name => REVOKE_DECLARED[name]?.required)
    expect(declared.sort()).toEqual(['region-id', 'ssl-vpn-server-id'])
    expect(requiredWhenEmpty.sort()).toEqual(declared.sort())
  })

  test.each(REVOKE_CONFIGURATIONS)('its defaults read as no value: %s', (_what, inputs, env) => {
    const withDefaults: InputReader = (name, options) => {
      const given = reader(inputs)(name, options)
      if (Object.hasOwn(inputs, name)) return given
      return REVOKE_DECLARED[name]?.default ?? given
    }
    expect(readRevokeWith(withDefaults, env)).toEqual(readRevokeWith(reader(inputs), env))
  })

  test('the connection inputs are declared alike in both action.yml files', () => {
    const shared = Object.keys(REVOKE_DECLARED).filter(name => Object.hasOwn(DECLARED, name))
    expect(shared.length).toBeGreaterThanOrEqual(14)
    for (const name of shared) {
      expect({ name, ...REVOKE_DECLARED[name] }).toEqual({ name, ...DECLARED[name] })
    }
  })
})

describe('Marketplace metadata', () => {
  // GitHub Marketplace refuses to publish an action whose description is 125 characters or more.
  const MAX_DESCRIPTION_LENGTH = 124
  test.each([
    ['action.yml', undefined],
    ['revoke/action.yml', 'revoke'],
    ['report/action.yml', 'report']
  ] as const)('the description of %s is under 125 characters', (_file, action) => {
    const path = actionYmlPath(action)
    const { description } = yaml.load(readFileSync(path, 'utf8')) as { description?: unknown }
    expect(typeof description).toBe('string')
    expect((description as string).length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH)
  })
})
