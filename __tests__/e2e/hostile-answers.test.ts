/**
 * End to end over dist/index.js: API answers are hostile input. A custom `endpoint`/`sts-endpoint`,
 * a compromised API front end or a TLS-inspecting proxy can write any answer; each row plays one
 * such answer (test-server/hostile.mjs, in front of a real stand-in) and checks what the runner
 * would see: no workflow command but the action's own, only the action's outputs and none with a
 * line break, a summary that stays one HTML table, the exit code, an error that names the field,
 * and no form of a secret anywhere.
 *
 * The runs are slow (a Node process each), so they run in `beforeAll`, a few at a time; every row
 * is then its own test, with its own stand-in and hostile endpoint.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { ServerResponse } from 'node:http'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  startHostile,
  type Hostile,
  type HostileReply,
  type HostileRequest
} from '../../test-server/hostile.mjs'
import {
  DEFAULT_CREDENTIALS,
  newStsCredential,
  startStandIn,
  type Credential,
  type StandIn
} from '../../test-server/stand-in.mjs'
import { runAction, type RunResult } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { inParallel } from '../../__fixtures__/in-parallel.js'

const [FIRST_KEY] = DEFAULT_CREDENTIALS
if (!FIRST_KEY) throw new Error('the stand-in has no default credentials')
const KEY: Credential = FIRST_KEY

/** How many actions run at once (the machine may have two cores). */
const PARALLEL = 4
const MiB = 1024 * 1024
/** The action reads at most this much of an answer (the brief's limit). */
const MAX_ANSWER_BYTES = MiB
/** The streamed body of the largest row. */
const HUGE_BODY_BYTES = 200 * MiB
/** Writes the child's resource usage (JSON, `maxRSS` in KiB) to BENCH_USAGE_FILE when it exits. */
const USAGE_PRELOAD = fileURLToPath(new URL('../../bench/usage-preload.mjs', import.meta.url))

/** The action's own outputs: nothing else may ever appear in GITHUB_OUTPUT. */
const OWN_OUTPUTS = [
  'client-token',
  'cert-id',
  'name',
  'request-id',
  'created',
  'status',
  'config-file',
  'cert-ids',
  'config-files',
  'encrypted-to'
]
/** The workflow commands the action itself prints (add-mask is checked against the secrets). */
const OWN_COMMANDS = /^::(?:add-mask|error|warning|debug)::/
/** Every way a text can end a line, for the runner, Markdown or a viewer. */
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/

/** What each row injects after a line break: none of it may ever start a line. */
const INJECTED = [
  '::add-mask::evil',
  '::error title=pwned::forged',
  '::group::evil',
  '::stop-commands::evil',
  '# Heading',
  '![x](https://evil.example/x.png)'
]
const PAYLOAD = INJECTED.join('\n')

type Breaker = readonly [string, string]
const BREAKERS: readonly Breaker[] = [
  ['\\n', '\n'],
  ['\\r', '\r'],
  ['U+2028', '\u2028']
]

/** Everything a row's respond function may need. */
interface Context {
  standIn: StandIn
  /** The STS key the row signs with, when it uses one. */
  sts: (Credential & { securityToken: string }) | undefined
  /** Bytes the hostile endpoint wrote of a streamed body. */
  streamed: { bytes: number }
  /** Key material the answers carried (masked by the action, whole and line by line). */
  material: string[]
}

type Mode = 'keys' | 'sts-keys' | 'oidc'

interface Row {
  title: string
  mode: Mode
  inputs?: Record<string, string>
  existing?: string[]
  respond: (request: HostileRequest, context: Context) => HostileReply | Promise<HostileReply>
  exitCode: number
  /** The error annotation's first line must match; undefined: the step succeeds (exitCode 0). */
  error?: RegExp
  /** Strings (echoed forms of a secret) that must appear nowhere. */
  hidden?: (context: Context) => string[]
  /** Record the child's peak RSS. */
  measureRss?: boolean
}

/** The row's genuine answer for `action`, with `change` applied; other actions pass through. */
function tamper(action: string, change: (json: Record<string, unknown>) => void): Row['respond'] {
  return async request => {
    const answer = await request.forward()
    if (request.action !== action || answer.json === undefined) {
      return { status: answer.status, headers: answer.headers, body: answer.body }
    }
    change(answer.json)
    return { status: answer.status, json: answer.json }
  }
}

/** A JSON error answer for the create call (HTTP 400: not retried). */
function errorAnswer(fields: Record<string, unknown>): Row['respond'] {
  return request =>
    request.action === 'CreateSslVpnClientCert'
      ? {
          status: 400,
          json: { RequestId: 'BAD0-0001', Code: 'Some.Custom', Message: 'm', ...fields }
        }
      : request.forward()
}

const unexpected = (action: string, field: string) =>
  new RegExp(
    `^Unexpected answer to ${action}(?: \\(RequestId: [A-Z0-9-]+\\))?: ${field.replace(/[.[\]]/g, '\\$&')} is `
  )

const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, e => e.toLowerCase())
const hex = (c: string) => c.charCodeAt(0).toString(16)

/** Escaped forms of a security token (with `+`, `/` and `=`), as an echo may write them. */
const ECHO_FORMS: readonly (readonly [string, (token: string) => string])[] = [
  ['\\/-escaped JSON', token => token.replaceAll('/', '\\/')],
  ['lower-case %2b %2f', token => lowerHex(encodeURIComponent(token))],
  [
    'lower-case, encoded twice',
    token => lowerHex(encodeURIComponent(lowerHex(encodeURIComponent(token))))
  ],
  ['\\u002b \\u002f', token => token.replace(/[+/=]/g, c => `\\u00${hex(c)}`)],
  [
    'HTML entities',
    token =>
      token
        .replace(/\+/g, '&plus;')
        .replace(/\//g, () => (Math.random() < 0.5 ? '&#47;' : '&#x2F;'))
        .replace(/=/g, '&#x3d;')
  ]
]

const ROWS: Row[] = [
  // Line breaks in the fields of an error answer.
  ...BREAKERS.flatMap(([name, breaker]): Row[] => [
    {
      // A throttling code is retried, so before, it reached the log in a retry line.
      title: `Code with ${name}`,
      mode: 'keys',
      respond: errorAnswer({ Code: `Throttling.User${breaker}${PAYLOAD}` }),
      exitCode: 1,
      error: unexpected('CreateSslVpnClientCert', 'Code')
    },
    {
      title: `RequestId with ${name}`,
      mode: 'keys',
      respond: errorAnswer({ Code: 'Throttling.User', RequestId: `REQ-1${breaker}${PAYLOAD}` }),
      exitCode: 1,
      error: unexpected('CreateSslVpnClientCert', 'RequestId')
    },
    {
      title: `Message with ${name}`,
      mode: 'keys',
      respond: errorAnswer({ Message: `denied${breaker}${PAYLOAD}` }),
      exitCode: 1,
      error:
        /^Some\.Custom: denied ::add-mask::evil ::error title=pwned::forged .*\(RequestId: BAD0-0001\)$/
    },
    {
      title: `Recommend with ${name}`,
      mode: 'keys',
      respond: errorAnswer({ Recommend: `https://diagnose${breaker}${PAYLOAD}` }),
      exitCode: 1,
      error: /^Some\.Custom: m \(RequestId: BAD0-0001\)$/
    }
  ]),
  // Line breaks in the fields of a success answer, taken from a genuine one.
  ...BREAKERS.flatMap(([name, breaker]): Row[] => [
    {
      title: `created SslVpnClientCertId with ${name}`,
      mode: 'keys',
      inputs: { name: 'alice' },
      respond: tamper('CreateSslVpnClientCert', json => {
        json['SslVpnClientCertId'] = `${String(json['SslVpnClientCertId'])}${breaker}${PAYLOAD}`
      }),
      exitCode: 1,
      error: unexpected('CreateSslVpnClientCert', 'SslVpnClientCertId')
    },
    {
      title: `created Name with ${name}: the name sent is kept`,
      mode: 'keys',
      inputs: { name: 'alice' },
      respond: tamper('CreateSslVpnClientCert', json => {
        json['Name'] = `alice${breaker}${PAYLOAD}`
      }),
      // Names in answers are any text: the step goes on with the name it sent.
      exitCode: 0
    },
    {
      title: `listed Name with ${name} (if-exists: reuse): taken escaped, not reused`,
      mode: 'keys',
      inputs: { name: 'alice', 'if-exists': 'reuse' },
      existing: ['alice'],
      respond: tamper('DescribeSslVpnClientCerts', json => {
        firstListed(json)['Name'] = `alice${breaker}${PAYLOAD}`
      }),
      // Taken, escaped: no longer "alice", so not reused; a new alice is made.
      exitCode: 0
    },
    {
      title: `listed Status with ${name} (if-exists: reuse)`,
      mode: 'keys',
      inputs: { name: 'alice', 'if-exists': 'reuse' },
      existing: ['alice'],
      respond: tamper('DescribeSslVpnClientCerts', json => {
        firstListed(json)['Status'] = `normal${breaker}${PAYLOAD}`
      }),
      exitCode: 1,
      error: unexpected(
        'DescribeSslVpnClientCerts',
        'SslVpnClientCertKeys.SslVpnClientCertKey[0].Status'
      )
    },
    {
      title: `STS Expiration with ${name}`,
      mode: 'oidc',
      respond: tamper('AssumeRoleWithOIDC', json => {
        const credentials = json['Credentials'] as Record<string, unknown>
        credentials['Expiration'] = `${String(credentials['Expiration'])}${breaker}${PAYLOAD}`
      }),
      exitCode: 1,
      error: unexpected('AssumeRoleWithOIDC', 'Credentials.Expiration')
    },
    {
      title: `STS RequestId with ${name}`,
      mode: 'oidc',
      respond: tamper('AssumeRoleWithOIDC', json => {
        json['RequestId'] = `${String(json['RequestId'])}${breaker}${PAYLOAD}`
      }),
      exitCode: 1,
      error: unexpected('AssumeRoleWithOIDC', 'RequestId')
    }
  ]),
  // Profile material goes into a file that people open with OpenVPN: nothing in it may run a
  // program or touch files on their computer.
  ...(
    [
      [
        'ClientConfig with script-security and up',
        'ClientConfig',
        (config: string) => `${config}\nscript-security 2\nup /bin/sh`
      ],
      [
        'ClientConfig with a plugin',
        'ClientConfig',
        (config: string) => `${config}\n  plugin x.so`
      ],
      [
        'ClientConfig with an inline block of its own',
        'ClientConfig',
        (config: string) => `${config}\n<connection>\nremote 203.0.113.9\n</connection>`
      ],
      [
        'ClientKey followed by directives',
        'ClientKey',
        (key: string) => `${key}\nscript-security 2\nup /bin/sh`
      ],
      [
        'CaCert that closes its inline block',
        'CaCert',
        (pem: string) => `${pem}</ca>\nscript-security 2\nup /bin/sh\n<ca>`
      ]
    ] as const
  ).map(([title, field, change]): Row => ({
    title: `profile material: ${title}`,
    mode: 'keys',
    inputs: {
      name: 'alice',
      'config-dir': join(tmpdir(), `hostile-profile-${Math.random().toString(36).slice(2)}`)
    },
    respond: (request, context) =>
      tamper('DescribeSslVpnClientCert', json => {
        json[field] = change(String(json[field]))
        for (const name of ['CaCert', 'ClientCert', 'ClientKey', 'ClientConfig']) {
          context.material.push(String(json[name]))
        }
      })(request, context),
    exitCode: 1,
    error: new RegExp(
      `^Unexpected answer to DescribeSslVpnClientCert \\(RequestId: [A-Z0-9-]+\\): ${field} (is malformed|carries "(script-security|plugin|<connection>)")`
    )
  })),
  // Details of another certificate (or another SSL server's): never someone's profile.
  ...(
    [
      [
        'of another certificate',
        'SslVpnClientCertId',
        'vsc-someoneelse00001',
        'the answer is of vsc-someoneelse00001'
      ],
      [
        'of another SSL server',
        'SslVpnServerId',
        'vss-someoneelse00001',
        'the certificate is on SSL server vss-someoneelse00001, not on vss-standin0001'
      ]
    ] as const
  ).map(([title, field, value, inconsistency]): Row => ({
    title: `profile material ${title}`,
    mode: 'keys',
    inputs: {
      name: 'alice',
      'config-dir': join(tmpdir(), `hostile-profile-${Math.random().toString(36).slice(2)}`)
    },
    respond: (request, context) =>
      tamper('DescribeSslVpnClientCert', json => {
        json[field] = value
        for (const name of ['CaCert', 'ClientCert', 'ClientKey', 'ClientConfig']) {
          context.material.push(String(json[name]))
        }
      })(request, context),
    exitCode: 1,
    error: new RegExp(
      `^DescribeSslVpnClientCert answered inconsistently for certificate vsc-[a-z0-9]+ \\(RequestId: [A-Z0-9-]+\\): ${inconsistency}\\. `
    )
  })),
  // The job summary: a blank line would end the HTML table and let Markdown render.
  ...['\n\n', '\r\r'].map((blank): Row => ({
    title: `summary break-out with ${JSON.stringify(blank)} in Message`,
    mode: 'keys',
    inputs: { name: 'alice' },
    respond: errorAnswer({
      Message: `denied${blank}# Heading${blank}![x](https://evil.example/x.png)${blank}[link](https://evil.example)`
    }),
    exitCode: 1,
    error: /^Some\.Custom: denied # Heading !\[x\]\(https:\/\/evil\.example\/x\.png\) \[link\]/
  })),
  // Bodies past the 1 MiB limit.
  {
    title: 'a body of 1 MiB + 1 byte',
    mode: 'keys',
    measureRss: true,
    respond: request =>
      request.action === 'CreateSslVpnClientCert'
        ? {
            status: 400,
            body: `{"Code":"X","Message":"${'A'.repeat(MAX_ANSWER_BYTES + 1 - '{"Code":"X","Message":""}'.length)}"}`,
            headers: { 'content-type': 'application/json' }
          }
        : request.forward(),
    exitCode: 1,
    error: unexpected('CreateSslVpnClientCert', 'body')
  },
  {
    title: 'a streamed body of 200 MB (no content-length)',
    mode: 'keys',
    measureRss: true,
    respond: (request, context) =>
      request.action === 'CreateSslVpnClientCert'
        ? {
            status: 400,
            headers: { 'content-type': 'application/json' },
            stream: res =>
              streamBody(res, HUGE_BODY_BYTES, '{"Code":"X","Message":"', '"}', context.streamed)
          }
        : request.forward(),
    exitCode: 1,
    error: unexpected('CreateSslVpnClientCert', 'body')
  },
  // The security token echoed in escaped forms, in a JSON Message and in a page that is not JSON.
  ...echoRows()
]

/** The first entry of a genuine DescribeSslVpnClientCerts page. */
function firstListed(json: Record<string, unknown>): Record<string, unknown> {
  const keys = json['SslVpnClientCertKeys'] as { SslVpnClientCertKey: Record<string, unknown>[] }
  const [first] = keys.SslVpnClientCertKey
  if (!first) throw new Error('the listing is empty')
  return first
}

/** Like writeLargeBody, counting what was written. */
async function streamBody(
  res: ServerResponse,
  bytes: number,
  prefix: string,
  suffix: string,
  count: { bytes: number }
): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 'A')
  res.write(prefix)
  for (let left = bytes; left > 0 && !res.destroyed;) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
    left -= piece.length
    count.bytes += piece.length
    if (!res.write(piece)) {
      await new Promise(resolve => {
        res.once('drain', resolve)
        res.once('close', resolve)
      })
    }
  }
  if (!res.destroyed) res.end(suffix)
}

function echoRows(): Row[] {
  return ECHO_FORMS.flatMap(([name, form]): Row[] => [
    {
      title: `security token echoed ${name} in a JSON Message`,
      mode: 'sts-keys',
      respond: (request, { sts }) =>
        request.action === 'CreateSslVpnClientCert'
          ? {
              status: 400,
              json: {
                RequestId: 'ECHO-0001',
                Code: 'Some.Custom',
                Message: `denied for token ${form(sts?.securityToken ?? '')} here`,
                Recommend: `https://diagnose?t=${form(sts?.securityToken ?? '')}`
              }
            }
          : request.forward(),
      exitCode: 1,
      error: /^Some\.Custom: denied for token \*\*\* here \(RequestId: ECHO-0001\)$/,
      hidden: ({ sts }) => [form(sts?.securityToken ?? '')]
    },
    {
      title: `security token echoed ${name} in a page that is not JSON`,
      mode: 'sts-keys',
      respond: (request, { sts }) =>
        request.action === 'CreateSslVpnClientCert'
          ? {
              status: 400,
              headers: { 'content-type': 'text/html' },
              body: `<html><body><p>denied for token ${form(sts?.securityToken ?? '')} here</p></body></html>`
            }
          : request.forward(),
      exitCode: 1,
      error: /^HTTP 400 without an API error code: "denied for token \*\*\* here"/,
      hidden: ({ sts }) => [form(sts?.securityToken ?? '')]
    }
  ])
}

/** An STS key whose token has `+`, `/` and `=`, so that its escaped forms differ from it. */
function stsKeyWithSpecials(): Credential & { securityToken: string } {
  for (;;) {
    const key = newStsCredential()
    if (/\+/.test(key.securityToken) && /\//.test(key.securityToken)) {
      return { ...key, securityToken: `${key.securityToken}==` }
    }
  }
}

interface Outcome {
  context: Context
  hostile: Hostile
  result: RunResult
  /** Every secret of the run. */
  secrets: string[]
  /** Peak RSS of the action's process in bytes, when measured. */
  maxRssBytes: number | undefined
}

const outcomes = new Map<Row, Outcome>()
let control: Outcome | undefined

async function runRow(row: Row): Promise<Outcome> {
  const standIn = await startStandIn({
    ...(row.mode === 'oidc' ? { oidc: {} } : {}),
    ...(row.existing ? { existingCertificates: row.existing.map(name => ({ name })) } : {})
  })
  const sts = row.mode === 'sts-keys' ? stsKeyWithSpecials() : undefined
  if (sts) standIn.addCredential(sts)
  const context: Context = { standIn, sts, streamed: { bytes: 0 }, material: [] }
  const hostile = await startHostile(request => row.respond(request, context), {
    upstream: standIn.url
  })
  const oidc = standIn.oidc
  const keys: Record<string, string> =
    row.mode === 'oidc' && oidc
      ? {
          'role-to-assume': oidc.roleArn,
          'oidc-provider-arn': oidc.oidcProviderArn,
          'sts-endpoint': hostile.endpoint
        }
      : sts
        ? {
            'access-key-id': sts.accessKeyId,
            'access-key-secret': sts.accessKeySecret,
            'security-token': sts.securityToken
          }
        : { 'access-key-id': KEY.accessKeyId, 'access-key-secret': KEY.accessKeySecret }
  const rssDir = row.measureRss ? await mkdtemp(join(tmpdir(), 'hostile-rss-')) : undefined
  const rssFile = rssDir ? join(rssDir, 'maxrss') : undefined
  const result = await runAction({
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-standin0001',
      endpoint: hostile.endpoint,
      // V1 here; the V3 path through the hostile endpoint is exercised by e2e-network-trust.
      'signature-version': 'v1',
      // Short: a row wrongly retried gives up soon.
      'timeout-seconds': '20',
      ...keys,
      ...row.inputs
    },
    env: {
      GITHUB_REPOSITORY: 'acme/hostile',
      GITHUB_RUN_ID: '77',
      ...(oidc
        ? {
            ACTIONS_ID_TOKEN_REQUEST_URL: oidc.tokenRequestUrl,
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken
          }
        : {}),
      ...(rssFile ? { NODE_OPTIONS: `--import=${USAGE_PRELOAD}`, BENCH_USAGE_FILE: rssFile } : {})
    },
    killAfterMs: 90_000
  })
  let maxRssBytes: number | undefined
  if (rssDir && rssFile) {
    const usage = await readFile(rssFile, 'utf8').catch(() => '{}')
    maxRssBytes = Number((JSON.parse(usage) as { maxRSS?: number }).maxRSS ?? NaN) * 1024
    await rm(rssDir, { recursive: true, force: true })
  }
  const secrets = [
    KEY.accessKeyId,
    KEY.accessKeySecret,
    ...standIn.credentials.flatMap(c => [c.accessKeyId, c.accessKeySecret, c.securityToken ?? '']),
    ...(oidc ? [oidc.requestToken, ...oidc.issued.map(t => t.token)] : [])
  ].filter(s => s !== '')
  return { context, hostile, result, secrets, maxRssBytes }
}

/** A row that forwards every call: the harness itself works through the hostile endpoint. */
const CONTROL: Row = {
  title: 'control',
  mode: 'keys',
  inputs: { name: 'alice', 'if-exists': 'reuse' },
  existing: ['alice'],
  respond: request => request.forward(),
  exitCode: 0,
  error: /^$/
}

beforeAll(async () => {
  // The measured rows first, one at a time, so that their memory is their own.
  for (const row of ROWS.filter(row => row.measureRss)) outcomes.set(row, await runRow(row))
  await inParallel<Row>([CONTROL, ...ROWS.filter(row => !row.measureRss)], PARALLEL, async row => {
    const outcome = await runRow(row)
    if (row === CONTROL) control = outcome
    else outcomes.set(row, outcome)
  })
}, 600_000)

afterAll(async () => {
  await Promise.all(
    [...outcomes.values(), control].map(async outcome => {
      await outcome?.hostile.close()
      await outcome?.context.standIn.close()
    })
  )
})

function outcomeOf(row: Row): Outcome {
  const outcome = outcomes.get(row)
  if (!outcome) throw new Error(`no run for ${row.title}`)
  return outcome
}

/** The checks every run must pass, failed or not. */
function expectNothingInjected(outcome: Outcome) {
  const { result, secrets, context } = outcome
  const lines = result.stdout.split('\n')
  // Workflow commands: only the action's own; the runner reads them after leading blanks too.
  const commands = lines.map(line => line.trimStart()).filter(line => line.startsWith('::'))
  for (const command of commands) expect(command).toMatch(OWN_COMMANDS)
  for (const command of commands.filter(c => c.startsWith('::add-mask::'))) {
    const masked = command.slice('::add-mask::'.length)
    // Key material is masked whole (escaped as the runner escapes commands) and line by line.
    const unescaped = masked.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
    if (context.material.some(text => text.includes(unescaped))) continue
    expect(secrets).toContain(masked)
  }
  // A runner splits on \r too: nothing from the answer may start a line after one either, in the
  // log, the summary, the outputs, or the annotation as the runner shows it.
  const allLines = [result.stdout, result.summary, result.outputFile, ...result.errors].flatMap(
    text => text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/)
  )
  for (const injected of INJECTED) {
    expect(allLines.filter(line => line.trimStart().startsWith(injected))).toEqual([])
  }
  // Outputs: only the action's own, none with a line break.
  expect(OWN_OUTPUTS).toEqual(expect.arrayContaining(Object.keys(result.outputs)))
  for (const value of Object.values(result.outputs)) expect(value).not.toMatch(LINE_BREAK)
  // Summary: every line is an HTML block (where Markdown does not render) and the table is one
  // line, so no blank line can end it and let what follows render as Markdown.
  for (const line of result.summary.split('\n').filter(line => line !== '')) {
    expect(line).toMatch(/^<(?:h3|table|p)>/)
    expect(line).not.toMatch(/[\r\u0085\u2028\u2029]/)
    if (line.startsWith('<table>')) expect(line).toMatch(/<\/table>$/)
  }
  expectNoSecrets(result, secrets)
}

test('control: through the hostile endpoint, a genuine run succeeds and reuses the certificate', () => {
  if (!control) throw new Error('the control run did not happen')
  const { result, context } = control
  expect(result.exitCode).toBe(0)
  expect(result.outputs['cert-id']).toBe(context.standIn.certificates[0]?.id)
  expect(result.outputs['created']).toBe('false')
  expectNothingInjected(control)
})

describe.each(ROWS.map(row => [row.title, row] as const))('%s', (_title, row) => {
  test('exit code, and one error that says what is wrong (the field, when one is), or success', () => {
    const { result } = outcomeOf(row)
    expect(result.exitCode).toBe(row.exitCode)
    if (row.error === undefined) {
      expect(result.errors).toEqual([])
      expect(result.outputs['cert-id']).toMatch(/^vsc-[a-z0-9]+$/)
      expect(result.outputs['name']).toBe('alice')
      return
    }
    expect(result.errors).toHaveLength(1)
    const [first = ''] = (result.errors[0] ?? '').split('\n')
    expect(first).toMatch(row.error)
    expect(first.length).toBeLessThan(1_000)
    expect(result.outputs['cert-id']).toBeUndefined()
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  test('no workflow command, output, summary line or secret from the answer', () => {
    const outcome = outcomeOf(row)
    expectNothingInjected(outcome)
    for (const form of row.hidden?.(outcome.context) ?? []) {
      const shown = [outcome.result.stdout, outcome.result.stderr, outcome.result.summary]
        .join('\n')
        .split('\n')
        .filter(line => !line.startsWith('::add-mask::'))
        .join('\n')
      expect(shown).not.toContain(form)
      // Nor any long run of the token's own characters, whatever escaped the rest.
      for (const run of (outcome.context.sts?.securityToken ?? '').match(/[A-Za-z0-9]{12,}/g) ??
        []) {
        expect(shown).not.toContain(run)
      }
    }
  })
})

describe('a body past 1 MiB', () => {
  const [justOver, huge] = ROWS.filter(row => row.measureRss)

  test('the action stops reading: it never holds the body, and the endpoint stops sending', () => {
    if (!justOver || !huge) throw new Error('no measured rows')
    const reference = outcomeOf(justOver).maxRssBytes ?? NaN
    const { result, maxRssBytes = NaN, context } = outcomeOf(huge)
    expect(result.exitCode).toBe(1)
    // The process's own peak RSS: about that of a run that read just over 1 MiB (Node itself is
    // most of it), nowhere near the body it was sent.
    expect(reference).toBeGreaterThan(0)
    expect(maxRssBytes).toBeLessThan(reference + 64 * MiB)
    expect(maxRssBytes).toBeLessThan(HUGE_BODY_BYTES)
    // Reading stopped at 1 MiB; what was written before the connection closed is socket buffers.
    expect(context.streamed.bytes).toBeLessThan(HUGE_BODY_BYTES / 2)
  })
})
