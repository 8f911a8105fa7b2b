/**
 * End to end, hostile and malformed inputs: each row runs the bundled dist/index.js the way the
 * runner does (INPUT_* variables, outputs read from the GITHUB_OUTPUT file) with one bad value on
 * top of a valid set, against its own local stand-in, and checks that the action refuses it before
 * any call, with one annotation that names the input and says what is expected, without letting
 * the value inject a workflow command or an output, and without showing a secret.
 *
 * The runs are slow (a Node process each), so they run in `beforeAll`, a few at a time; every row
 * is then its own test. Each row has its own stand-in, so a call made by one row cannot be counted
 * against another running at the same time.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_SSL_VPN_SERVERS,
  startStandIn,
  type StandIn
} from '../../test-server/stand-in.mjs'
import { runAction, type RunResult } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { inParallel } from '../../__fixtures__/in-parallel.js'

const [KEY] = DEFAULT_CREDENTIALS
const [SERVER] = DEFAULT_SSL_VPN_SERVERS
if (!KEY || !SERVER) throw new Error('the stand-in has no default credentials or SSL server')

/** How many actions run at once. */
const PARALLEL = 6

/** Placeholders in row values, replaced by the row's own stand-in: `127.0.0.1:PORT`, `127.0.0.1`. */
const HOST_PORT = '{host:port}'
const HOST = '{host}'

type Values = Record<string, string | undefined>

/** A valid set of inputs, as the runner passes them (action.yml defaults included). */
const BASE_INPUTS: Values = {
  'region-id': SERVER.regionId,
  'ssl-vpn-server-id': SERVER.sslVpnServerId,
  endpoint: HOST_PORT,
  'access-key-id': KEY.accessKeyId,
  'access-key-secret': KEY.accessKeySecret,
  'signature-version': 'v3',
  // Short, so a row that is wrongly accepted and then cannot connect fails fast.
  'timeout-seconds': '5'
}

const SECRET_INPUTS = new Set(['access-key-id', 'access-key-secret', 'security-token'])
const ENV_ID = 'ALIBABA_CLOUD_ACCESS_KEY_ID'
const ENV_SECRET = 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'
const ENV_TOKEN = 'ALIBABA_CLOUD_SECURITY_TOKEN'
const NO_KEY_INPUTS: Values = { 'access-key-id': undefined, 'access-key-secret': undefined }

/** The action's own outputs: nothing else may ever appear in GITHUB_OUTPUT. */
const OWN_OUTPUTS = ['client-token', 'cert-id', 'name', 'request-id']
/** The only workflow commands a refused run may print. */
const ALLOWED_COMMANDS = /^::(?:add-mask|error|debug)::/

// The expected-format text of each input (src/inputs.ts, src/credential-inputs.ts), a distinctive part of it.
const REQUIRED = /is required, e\.g\. "/
const REGION = /expected lowercase words joined by hyphens/
const SSL_SERVER = /expected "vss-" followed by lowercase letters and digits/
const NAME =
  /expected 2 to 128 characters: letters, digits, "\.", "_" and "-", starting with a letter/
const TOKEN = /expected at most 64 printable ASCII characters/
const ENDPOINT = /expected "host", "host:port" or "https:\/\/host\[:port\]"/
const SIGNATURE = /is not supported; expected "v3" \(ACS3-HMAC-SHA256, the default\) or "v1"/
const TIMEOUT = /expected a whole number of seconds from 1 to 21600/
const KEY_MATERIAL = /is malformed: expected printable ASCII without spaces or line breaks/

interface Row {
  title: string
  /** Over BASE_INPUTS; `undefined` means the input is not given at all. */
  inputs: Values
  env: Record<string, string>
  /** How the annotation starts, before `: `. */
  subject: string
  expected: RegExp[]
  /** Secrets this row brings, besides the valid key pair: shown nowhere, not even in the message. */
  secrets: string[]
  /** Distinctive parts of a secret (around a space or newline) that must not be shown either. */
  secretParts: string[]
}

function show(value: string | undefined): string {
  if (value === undefined) return '(not given)'
  const json = JSON.stringify(value)
  return json.length > 50 ? `${json.slice(0, 40)}…" (${value.length} chars)` : json
}

/** One bad value for one (non-secret) input. */
function bad(input: string, value: string | undefined, ...expected: RegExp[]): Row {
  return {
    title: `${input}: ${show(value)}`,
    inputs: { [input]: value },
    env: {},
    subject: `Input '${input}'`,
    expected,
    secrets: [],
    secretParts: []
  }
}

/** A credentials row: anything can change, the subject is given. */
function credentials(
  title: string,
  subject: string,
  change: Partial<Pick<Row, 'inputs' | 'env' | 'secretParts'>>,
  ...expected: RegExp[]
): Row {
  const inputs = change.inputs ?? {}
  const env = change.env ?? {}
  const secrets = [
    ...Object.entries(inputs)
      .filter(([name]) => SECRET_INPUTS.has(name))
      .map(([, value]) => value),
    ...Object.values(env)
  ].filter((value): value is string => value !== undefined && value.trim() !== '')
  return {
    title: `credentials: ${title}`,
    inputs,
    env,
    subject,
    expected,
    secrets,
    secretParts: change.secretParts ?? []
  }
}

const ROWS: Row[] = [
  // Required inputs, empty or blank.
  bad('region-id', '', REQUIRED),
  bad('region-id', '  \t  ', REQUIRED),
  bad('ssl-vpn-server-id', '', REQUIRED),
  bad('ssl-vpn-server-id', ' \t ', REQUIRED),

  // Too long, too short.
  bad('name', 'a'.repeat(129), /is 129 characters long/, NAME),
  bad('name', 'a', /is too short/, NAME),
  bad('client-token', 'x'.repeat(65), TOKEN),
  bad('region-id', `cn-${'a'.repeat(61)}`, REGION),
  bad('ssl-vpn-server-id', `vss-${'a'.repeat(65)}`, SSL_SERVER),

  // Not ASCII, or not the expected letters.
  bad('name', 'alicé', /contains a character that is not allowed/, NAME),
  bad('name', 'ali\u200bce', /contains a character that is not allowed/, NAME),
  bad('name', 'ａｌｉｃｅ', /does not start with a letter/, NAME),
  bad('client-token', 'tokén-0001', TOKEN),
  bad('region-id', 'сn-hаngzhou', REGION), // Cyrillic "с" and "а"
  bad('ssl-vpn-server-id', 'vss-ѕtandin0001', SSL_SERVER), // Cyrillic "ѕ"

  // Control characters.
  bad('name', 'alice\u0007bell', /contains a character that is not allowed/, NAME),
  bad('name', '\u001b[31malice', /does not start with a letter/, NAME),
  bad('client-token', 'token\u001b[31mred', TOKEN),
  bad('region-id', 'cn-\u0007hangzhou', REGION),
  bad('endpoint', `${HOST_PORT}\u001b[2J`, /is not a valid host and port/, ENDPOINT),
  bad('timeout-seconds', '1\u00070', TIMEOUT),

  // Newlines (in the middle: the runner trims only the ends) that try to start a workflow command.
  bad('name', 'alice\n::set-output name=cert-id::evil', NAME),
  bad('name', 'alice\n##[set-output name=cert-id;]evil', NAME),
  bad('name', 'bob%0A::set-output name=cert-id::evil', NAME),
  bad('region-id', 'cn-hangzhou\n::add-mask::x', REGION),
  bad('ssl-vpn-server-id', 'vss-standin0001\n::add-path::/tmp/evil', SSL_SERVER),
  bad('endpoint', 'localhost\n::warning::pwn', /is not a valid host and port/, ENDPOINT),
  bad('endpoint', `${HOST_PORT}\n::set-env name=NODE_OPTIONS::--require=/tmp/x`, ENDPOINT),
  bad('client-token', 'token\n::set-output name=client-token::evil', TOKEN),
  bad('signature-version', 'v3\n::stop-commands::deadbeef', SIGNATURE),
  bad('timeout-seconds', '60\r\n::error::forged annotation', TIMEOUT),

  // Names that are URLs, or do not start with a letter.
  bad('name', 'http://alice', /starts with http:\/\/ or https:\/\//, NAME),
  bad('name', 'https://alice.example.com', /starts with http:\/\/ or https:\/\//, NAME),
  bad('name', '1alice', /does not start with a letter/, NAME),
  bad('name', '-alice', /does not start with a letter/, NAME),

  // Regions carrying URL parts (the default endpoint is vpc.<region-id>.aliyuncs.com).
  bad('region-id', 'cn-hangzhou/path', REGION),
  bad('region-id', 'cn-hangzhou?x=1', REGION),
  bad('region-id', 'cn-hangzhou#fragment', REGION),
  bad('region-id', 'user:pw@cn-hangzhou', REGION),
  bad('region-id', 'cn-hangzhou.attacker.example', REGION),

  // Endpoints: paths, queries, fragments, user info, other schemes, plain http, bad ports.
  bad('endpoint', `${HOST_PORT}/path`, /carries a path/, ENDPOINT),
  bad('endpoint', `https://${HOST_PORT}/v1/`, /carries a path/, ENDPOINT),
  bad('endpoint', `//${HOST_PORT}`, /carries a path/, ENDPOINT),
  bad('endpoint', `${HOST_PORT}?x=1`, /carries a query or fragment/, ENDPOINT),
  bad('endpoint', `https://${HOST_PORT}#fragment`, /carries a query or fragment/, ENDPOINT),
  bad('endpoint', `user:pw@${HOST_PORT}`, /carries user info/, ENDPOINT),
  bad('endpoint', `https://user:pw@${HOST_PORT}`, /carries user info/, ENDPOINT),
  bad('endpoint', `ftp://${HOST_PORT}`, /has an unsupported scheme/, ENDPOINT),
  bad('endpoint', 'file:///etc/passwd', /has an unsupported scheme/, ENDPOINT),
  bad('endpoint', 'javascript:alert(1)', /is not a valid host and port/, ENDPOINT),
  bad('endpoint', `http://${HOST_PORT}`, /uses plain http:\/\//, ENDPOINT),
  bad('endpoint', `HTTP://${HOST_PORT}`, /uses plain http:\/\//, ENDPOINT),
  bad('endpoint', `${HOST}:0`, /is not a valid host and port/, ENDPOINT),
  bad('endpoint', `${HOST}:65536`, /is not a valid host and port/, ENDPOINT),
  bad('endpoint', `https://${HOST}:abc`, /is not a valid host and port/, ENDPOINT),

  // timeout-seconds: a whole number from 1 to 21600, nothing else.
  ...['-5', '0', '1.5', '1e3', '999999999', '21601', 'abc', ' 10 s', '0x10', '１０'].map(value =>
    bad('timeout-seconds', value, TIMEOUT)
  ),

  // signature-version: v3 or v1.
  bad('signature-version', 'v2', SIGNATURE),
  bad('signature-version', 'HMAC-SHA1', SIGNATURE),

  // Credentials: malformed (never shown), incomplete, mixed, missing.
  credentials(
    'access-key-secret with a space',
    "Input 'access-key-secret'",
    {
      inputs: { 'access-key-secret': 'SpacedSecretPartA1 SpacedSecretPartB2' },
      secretParts: ['SpacedSecretPartA1', 'SpacedSecretPartB2']
    },
    KEY_MATERIAL
  ),
  credentials(
    'access-key-secret with a newline',
    "Input 'access-key-secret'",
    {
      inputs: { 'access-key-secret': 'LinedSecretPartA1\nLinedSecretPartB2' },
      secretParts: ['LinedSecretPartA1', 'LinedSecretPartB2']
    },
    KEY_MATERIAL
  ),
  credentials(
    'access-key-id with a newline and a command',
    "Input 'access-key-id'",
    {
      inputs: { 'access-key-id': 'LTAIKeyIdPartA1\n::set-output name=cert-id::evil' },
      secretParts: ['LTAIKeyIdPartA1', '::set-output name=cert-id::evil']
    },
    KEY_MATERIAL
  ),
  credentials(
    'security-token with a control character',
    "Input 'security-token'",
    {
      inputs: { 'security-token': 'CAISTokenPartA1\u0007TokenPartB2' },
      secretParts: ['CAISTokenPartA1', 'TokenPartB2']
    },
    KEY_MATERIAL
  ),
  credentials(
    'security-token without key inputs',
    "Input 'security-token'",
    { inputs: { ...NO_KEY_INPUTS, 'security-token': 'CAISLoneToken0001' } },
    /is set, but 'access-key-id' and 'access-key-secret' are not/
  ),
  credentials(
    'security-token input with the keys in the environment',
    "Input 'security-token'",
    {
      inputs: { ...NO_KEY_INPUTS, 'security-token': 'CAISLoneToken0002' },
      env: { [ENV_ID]: KEY.accessKeyId, [ENV_SECRET]: KEY.accessKeySecret }
    },
    /is set, but 'access-key-id' and 'access-key-secret' are not/
  ),
  credentials(
    'access-key-id input, secret only in the environment',
    "Input 'access-key-secret'",
    {
      inputs: { 'access-key-secret': undefined },
      env: { [ENV_SECRET]: KEY.accessKeySecret }
    },
    /is empty but access-key-id is set; both are needed \(inputs and environment variables are not mixed\)/
  ),
  credentials(
    'blank access-key-secret input',
    "Input 'access-key-secret'",
    { inputs: { 'access-key-secret': '   ' } },
    /is empty but access-key-id is set; both are needed/
  ),
  credentials(
    'none at all',
    'Credentials',
    { inputs: NO_KEY_INPUTS },
    /none found/,
    /'access-key-id' and 'access-key-secret'/,
    /ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET/
  ),
  credentials(
    'only ALIBABA_CLOUD_ACCESS_KEY_ID in the environment',
    `Environment variable ${ENV_SECRET}`,
    { inputs: NO_KEY_INPUTS, env: { [ENV_ID]: KEY.accessKeyId } },
    /is empty but ALIBABA_CLOUD_ACCESS_KEY_ID is set; both are needed\.$/
  ),
  credentials(
    'ALIBABA_CLOUD_ACCESS_KEY_SECRET with a space',
    `Environment variable ${ENV_SECRET}`,
    {
      inputs: NO_KEY_INPUTS,
      env: { [ENV_ID]: KEY.accessKeyId, [ENV_SECRET]: 'EnvSecretPartA1 EnvSecretPartB2' },
      secretParts: ['EnvSecretPartA1', 'EnvSecretPartB2']
    },
    KEY_MATERIAL
  ),
  credentials(
    'ALIBABA_CLOUD_SECURITY_TOKEN with a newline',
    `Environment variable ${ENV_TOKEN}`,
    {
      inputs: NO_KEY_INPUTS,
      env: {
        [ENV_ID]: KEY.accessKeyId,
        [ENV_SECRET]: KEY.accessKeySecret,
        [ENV_TOKEN]: 'EnvTokenPartA1\n::add-mask::EnvTokenPartB2'
      },
      secretParts: ['EnvTokenPartA1', 'EnvTokenPartB2']
    },
    KEY_MATERIAL
  )
]

interface Outcome {
  standIn: StandIn
  inputs: Record<string, string>
  env: Record<string, string>
  result: RunResult
}

const outcomes = new Map<Row, Outcome>()
let control: Outcome | undefined

function place(value: string, standIn: StandIn): string {
  return value.replaceAll(HOST_PORT, standIn.endpoint).replaceAll(HOST, standIn.host)
}

/** Runs the action for one row (`undefined`: the valid base inputs) against a fresh stand-in. */
async function runRow(row: Row | undefined): Promise<Outcome> {
  const standIn = await startStandIn()
  const inputs: Record<string, string> = {}
  for (const [name, value] of Object.entries({ ...BASE_INPUTS, ...row?.inputs })) {
    if (value !== undefined) inputs[name] = place(value, standIn)
  }
  const env = row?.env ?? {}
  const result = await runAction({ inputs, env, killAfterMs: 30_000 })
  return { standIn, inputs, env, result }
}

beforeAll(async () => {
  await inParallel<Row | undefined>([undefined, ...ROWS], PARALLEL, async row => {
    const outcome = await runRow(row)
    if (row) outcomes.set(row, outcome)
    else control = outcome
  })
}, 180_000)

afterAll(async () => {
  await Promise.all([...outcomes.values(), control].map(outcome => outcome?.standIn.close()))
})

function outcomeOf(row: Row): Outcome {
  const outcome = outcomes.get(row)
  if (!outcome) throw new Error(`no run for ${row.title}`)
  return outcome
}

/** stdout lines, without the `::add-mask::` commands (how secrets reach the runner's masker). */
function shownLines(result: RunResult): string[] {
  return result.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
}

test('control: the base inputs are valid, so each row is refused for its one bad value', () => {
  if (!control) throw new Error('the control run did not happen')
  const { result, standIn } = control
  expect(result.exitCode).toBe(0)
  expect(standIn.calls.map(call => call.outcome)).toEqual(['created'])
  expect(result.outputs['cert-id']).toBe(standIn.certificates[0]?.id)
})

describe.each(ROWS.map(row => [row.title, row] as const))('%s', (_title, row) => {
  test('refused before any call: exit code 1, one annotation naming the input and the format', () => {
    const { result, standIn } = outcomeOf(row)
    expect(result.exitCode).toBe(1)
    expect(standIn.calls).toHaveLength(0)
    expect(result.errors).toHaveLength(1)
    const [error = ''] = result.errors
    expect(error.slice(0, row.subject.length + 2)).toBe(`${row.subject}: `)
    for (const expected of row.expected) expect(error).toMatch(expected)
    // One line; a newline or control character in the value is shown escaped, never raw.
    // eslint-disable-next-line no-control-regex
    expect(error).not.toMatch(/[\x00-\x1f\x7f]/)
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  test('shows the value it refuses, JSON-quoted (never for a secret)', () => {
    const { result, inputs } = outcomeOf(row)
    const [error = ''] = result.errors
    const input = /^Input '([^']+)'$/.exec(row.subject)?.[1]
    const value = input === undefined ? undefined : inputs[input]?.trim()
    if (input === undefined || SECRET_INPUTS.has(input) || !value) {
      for (const part of row.secretParts) expect(error).not.toContain(part)
      return
    }
    // The start of the quoted value: long values are cut, and the cut is after this.
    expect(error).toContain(JSON.stringify(value).slice(0, 40))
  })

  test('no workflow command, output or raw line injected', () => {
    const { result, inputs, env } = outcomeOf(row)
    const lines = result.stdout.split('\n')
    // The runner reads a command after leading blanks too.
    for (const command of lines.map(line => line.trimStart()).filter(l => l.startsWith('::'))) {
      expect(command).toMatch(ALLOWED_COMMANDS)
    }
    // The runner's older `##[command]` syntax is only ever inside the one annotation.
    for (const line of shownLines(result).filter(line => !line.startsWith('::error::'))) {
      expect(line).not.toContain('##[')
      // eslint-disable-next-line no-control-regex
      expect(line).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/)
    }
    // No output but the action's own, and certainly no certificate.
    expect(OWN_OUTPUTS).toEqual(expect.arrayContaining(Object.keys(result.outputs)))
    expect(result.outputs['cert-id']).toBeUndefined()
    expect(result.outputFile).not.toContain('evil')
    // A value with a line break inside never shows raw: nothing after the break starts a line.
    for (const value of [...Object.values(inputs), ...Object.values(env)].map(v => v.trim())) {
      const [, ...continuations] = value.split(/\r\n|\r|\n/)
      if (continuations.length === 0) continue
      expect(result.stdout).not.toContain(value)
      for (const continuation of continuations.map(c => c.trim()).filter(c => c !== '')) {
        // Every line, `::add-mask::` ones too: an injected mask command is an injection as well.
        expect(lines.filter(line => line.trimStart().startsWith(continuation))).toEqual([])
        expect(result.outputFile).not.toContain(continuation)
        expect(result.summary).not.toContain(continuation)
      }
    }
  })

  test('no secret anywhere', () => {
    const { result } = outcomeOf(row)
    expectNoSecrets(result, [KEY.accessKeyId, KEY.accessKeySecret, ...row.secrets])
    const shown = [shownLines(result).join('\n'), result.stderr, result.outputFile, result.summary]
    for (const part of row.secretParts) {
      for (const text of shown) expect(text).not.toContain(part)
    }
  })
})
