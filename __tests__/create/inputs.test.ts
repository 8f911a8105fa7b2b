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
  only,
  read
} from '../../__fixtures__/inputs.js'
import { deriveClientToken } from '../../src/alibaba/client-token.js'
import {
  ENV_ACCESS_KEY_ID,
  ENV_ACCESS_KEY_SECRET,
  ENV_SECURITY_TOKEN
} from '../../src/runner/credential-inputs.js'
import { type Environment } from '../../src/core/environment.js'
import type { Settings } from '../../src/create/inputs.js'

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

describe('onboarding inputs (names, if-exists, config-dir, key-passphrase)', () => {
  const { name: _name, ...NO_NAME } = VALID

  test('defaults: one target, if-exists create, no profile', () => {
    const settings = read(VALID)
    expect(settings.targets).toHaveLength(1)
    expect(settings.ifExists).toBe('create')
    expect(settings.configDir).toBeUndefined()
    expect(settings.keyPassphrase).toBeUndefined()
  })

  test('if-exists: replace (rotation) with a name, any case', () => {
    expect(read({ ...VALID, name: 'alice', 'if-exists': 'Replace' }).ifExists).toBe('replace')
    expect(read({ ...NO_NAME, names: 'alice\nbob', 'if-exists': 'replace' }).ifExists).toBe(
      'replace'
    )
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
    [
      { ...VALID, name: 'alice', names: 'bob' },
      'names',
      /^Input 'names': cannot be combined with 'name'; give one of them: 'name' for one certificate/
    ],
    [{ ...NO_NAME, names: 'alice\n1bob' }, 'names', /line 2: "1bob" does not start with a letter/],
    [{ ...NO_NAME, names: 'alice\nbob\nalice' }, 'names', /line 3: "alice" appears twice/],
    [
      { ...NO_NAME, names: Array.from({ length: 201 }, (_, i) => `u${i}`).join('\n') },
      'names',
      /at most 200/
    ],
    [{ ...VALID, 'if-exists': 'rotate' }, 'if-exists', /"create".*"reuse".*"fail".*"replace"/],
    [{ ...NO_NAME, 'if-exists': 'reuse' }, 'if-exists', /give 'name'/],
    [
      { ...NO_NAME, 'if-exists': 'replace' },
      'if-exists',
      /"replace" looks certificates up by name/
    ],
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
  test.each([
    ['/proc/nope', '/proc'],
    ['/proc', '/proc'],
    ['/sys/fs/x', '/sys'],
    ['/dev/vpn', '/dev'],
    ['/tmp/../proc/self/x', '/proc']
  ])(
    'config-dir %j, under the kernel file system %s, is refused before any call',
    (dir, kernel) => {
      const error = inputErrorFrom(() => read({ ...VALID, 'config-dir': dir }))
      expect(error.message).toBe(
        `Input 'config-dir': ${JSON.stringify(dir)} is under ${kernel}, a kernel file system that holds no files of yours; expected a directory of your own, e.g. "\${{ runner.temp }}/vpn".`
      )
    }
  )

  test.each(['/dev/shm/vpn', '/tmp/proc', '/process', '/devices/x', 'proc'])(
    'config-dir %j is a directory like any other',
    dir => {
      expect(read({ ...VALID, 'config-dir': dir }).configDir).toBe(dir)
    }
  )
})

describe('recipients (recipient, and a recipient after a name in names)', () => {
  const { name: _name, ...NO_NAME } = VALID
  const ED25519 =
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPwmJCHh/144J7wFVptgI8LRPYuilXX5n8soAVJkvDSz alice@laptop'
  const AGE = 'age1k7dhjvdf8gwuq2z7y7vwq9dg4uwuyxd86y32p28jlvv34n45xqpq2ka4ze'
  const WITH_DIR = { ...VALID, name: 'alice.smith', 'config-dir': 'out' }

  test('recipient: github:USER, an SSH public key line with its comment, an age1 key, one per line', () => {
    const target = only(read({ ...WITH_DIR, recipient: `github:alice-gh\n\n${ED25519}\n${AGE}` }))
    expect(target.recipients).toEqual([
      { kind: 'github', username: 'alice-gh', given: { input: 'recipient', line: 1 } },
      { kind: 'key', text: ED25519, given: { input: 'recipient', line: 2 } },
      { kind: 'key', text: AGE, given: { input: 'recipient', line: 3 } }
    ])
  })

  test('names: "NAME RECIPIENT" per line; plain lines as before; a name may repeat to add recipients', () => {
    const settings = read({
      ...NO_NAME,
      'config-dir': 'out',
      names: `alice.smith github:alice-gh\nbob\ncarol ${ED25519}\nalice.smith    ${AGE}`
    })
    expect(settings.targets.map(t => [t.name, t.recipients?.map(r => r.kind)])).toEqual([
      ['alice.smith', ['github', 'key']],
      ['bob', []],
      ['carol', ['key']]
    ])
    expect(settings.targets[2]?.recipients?.[0]).toEqual({
      kind: 'key',
      text: ED25519,
      given: { input: 'names', line: 3 }
    })
  })

  test('GITHUB_API_URL and github-token (masked first) only matter with a github: recipient', () => {
    const masked: string[] = []
    const plain = read(
      { ...WITH_DIR, 'github-token': 'ghs_abc' },
      { maskSecret: v => masked.push(v) }
    )
    expect(plain.github).toBeUndefined()
    expect(masked[0]).toBe('ghs_abc')
    const env = { GITHUB_API_URL: 'https://ghe.example/api/v3/' }
    const github = read(
      { ...WITH_DIR, recipient: 'github:alice', 'github-token': 'ghs_abc' },
      { env }
    )
    expect(github.github).toEqual({ apiUrl: 'https://ghe.example/api/v3', token: 'ghs_abc' })
    expect(read({ ...WITH_DIR, recipient: 'github:alice' }).github).toEqual({
      apiUrl: 'https://api.github.com',
      token: undefined
    })
  })

  test('key-passphrase still applies when some names have no recipient', () => {
    const settings = read({
      ...NO_NAME,
      'config-dir': 'out',
      'key-passphrase': 'long enough',
      names: `alice ${AGE}\nbob`
    })
    expect(settings.keyPassphrase).toBe('long enough')
  })

  test('a private key pasted by mistake is refused and never shown', () => {
    for (const secret of [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ'
    ]) {
      const error = inputErrorFrom(() => read({ ...WITH_DIR, recipient: secret }))
      expect(error.message).toMatch(/looks like a private key \(not shown\)/)
      expect(error.message).not.toContain(secret.slice(0, 20).replace('-----', ''))
    }
  })

  test.each([
    [{ ...VALID, recipient: 'github:alice' }, 'recipient', /needs 'config-dir'/],
    [{ ...NO_NAME, names: 'alice github:a' }, 'names', /needs 'config-dir'/],
    [
      { ...WITH_DIR, recipient: 'github:alice', 'key-passphrase': 'long enough' },
      'key-passphrase',
      /not used with 'recipient'.*no passphrase to send/
    ],
    [
      {
        ...NO_NAME,
        'config-dir': 'o',
        names: 'a1 github:a\nb1 age1' + 'q'.repeat(58),
        'key-passphrase': 'long enough'
      },
      'key-passphrase',
      /not used with 'recipient'/
    ],
    [
      { ...NO_NAME, 'config-dir': 'o', names: 'alice', recipient: 'github:a' },
      'recipient',
      /is for 'name'; with 'names', write each person's recipient after their name.*"alice\.smith github:alice-gh"/
    ],
    [{ ...WITH_DIR, recipient: 'github:' }, 'recipient', /does not name a GitHub account/],
    [{ ...WITH_DIR, recipient: 'github:al/ice' }, 'recipient', /does not name a GitHub account/],
    [
      { ...WITH_DIR, recipient: 'github:alice\ngithub:-x' },
      'recipient',
      /^Input 'recipient': line 2: "github:-x"/
    ],
    [
      { ...WITH_DIR, recipient: 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY=' },
      'recipient',
      /"ecdsa-sha2-nistp256" keys cannot be used: age encrypts only to ssh-ed25519, ssh-rsa and age1/
    ],
    [
      { ...WITH_DIR, recipient: 'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5' },
      'recipient',
      /"sk-ssh-ed25519@openssh.com" keys cannot be used/
    ],
    [
      { ...WITH_DIR, recipient: 'ssh-ed25519' },
      'recipient',
      /is not a recipient; expected "github:USER"/
    ],
    [{ ...WITH_DIR, recipient: 'alice@example.com' }, 'recipient', /is not a recipient/],
    [{ ...WITH_DIR, recipient: `ssh-rsa ${'A'.repeat(9000)}` }, 'recipient', /at most 8192/],
    [
      { ...NO_NAME, 'config-dir': 'o', names: 'alice\ngithub:bob' },
      'names',
      /line 2: starts with a recipient; expected the certificate name first/
    ],
    [
      { ...NO_NAME, 'config-dir': 'o', names: 'alice nonsense' },
      'names',
      /line 1: "nonsense" is not a recipient/
    ],
    [
      { ...NO_NAME, 'config-dir': 'o', names: 'alice\nalice github:a' },
      'names',
      /line 2: "alice" appears twice; each name once \(a name comes back only to add a recipient/
    ],
    [
      { ...NO_NAME, 'config-dir': 'o', names: 'alice github:a\nalice' },
      'names',
      /line 2: "alice" appears twice/
    ],
    [
      { ...NO_NAME, 'config-dir': 'o', names: '1alice github:a' },
      'names',
      /line 1: "1alice" does not start/
    ],
    [
      { ...WITH_DIR, recipient: 'github:alice', 'github-token': 'ghs_a b' },
      'github-token',
      /contains a space/
    ]
  ])('%j → %s refused', (inputs, input, message) => {
    const error = inputErrorFrom(() => read(inputs))
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
  })

  test('GITHUB_API_URL over plain http is refused with a github: recipient only', () => {
    const env = { GITHUB_API_URL: 'http://ghe.example/api/v3' }
    expect(read({ ...WITH_DIR }, { env }).github).toBeUndefined()
    const error = inputErrorFrom(() => read({ ...WITH_DIR, recipient: 'github:alice' }, { env }))
    expect(error.message).toMatch(/^Environment variable GITHUB_API_URL: .*https:\/\//)
  })
})
