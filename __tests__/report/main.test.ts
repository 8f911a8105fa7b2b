/**
 * The report step's wiring, in-process: runReport with a fake runner (inputs, outputs, summary,
 * log), a virtual clock and one undici MockAgent that plays both the VPC API and GitHub.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { reader } from '../../__fixtures__/inputs.js'
import { CancelledError } from '../../src/core/errors.js'
import { DAY_MS } from '../../src/certificates/expiry.js'
import type { ReportIo } from '../../src/report/main.js'
import { type Environment } from '../../src/core/environment.js'
import { RunAgent } from '../../__fixtures__/run-agent.js'

const readableStack = jest.fn((stack: string) => `(readable) ${stack}`)
jest.unstable_mockModule('../../src/core/stack-trace.js', () => ({ readableStack }))
const { runReport } = await import('../../src/report/main.js')

const VPC = 'https://vpc.cn-hangzhou.aliyuncs.com'
const GITHUB = 'https://api.github.test'
const KEY_ID = 'LTAI5tReportMainKeyId1'
const KEY_SECRET = 'ReportMainSecret0123456789abcdef'
const GITHUB_TOKEN = 'ghs_ReportMainToken0123456789abcdefXYZ'
const START = Date.parse('2026-06-01T12:00:00.000Z')
const INPUTS = {
  'access-key-id': KEY_ID,
  'access-key-secret': KEY_SECRET,
  'region-id': 'cn-hangzhou'
}
const WORKFLOW: Environment = {
  GITHUB_API_URL: GITHUB,
  GITHUB_REPOSITORY: 'acme/vpn-admin',
  GITHUB_RUN_ID: '42',
  GITHUB_STEP_SUMMARY: '/runner/summary'
}

interface Recorded {
  outputs: Record<string, string>
  infos: string[]
  warnings: string[]
  failures: string[]
  debug: string[]
  masked: string[]
  summary: string[]
  /** `VPC <action> <params>` and `GitHub <method> <path>`, in order. */
  requests: string[]
  /** Files written: `<dir>/<name>` → content, and the place named in messages. */
  files: Map<string, { content: string; place: string }>
}

let agent: RunAgent
let recorded: Recorded
let time: number

beforeEach(() => {
  agent = new RunAgent()
  agent.disableNetConnect()
  time = START
  recorded = {
    outputs: {},
    infos: [],
    warnings: [],
    failures: [],
    debug: [],
    masked: [],
    summary: [],
    requests: [],
    files: new Map()
  }
})
afterEach(async () => {
  await agent.close()
})

/** A listed certificate as the API gives it. */
function entry(id: string, endInDays: number, server = 'vss-bp1main0001') {
  const endTime = START + endInDays * DAY_MS
  return {
    SslVpnClientCertId: id,
    Name: `name-${id.slice(4)}`,
    SslVpnServerId: server,
    Status: endTime <= START ? 'expired' : endInDays <= 7 ? 'expiring-soon' : 'normal',
    CreateTime: endTime - 1095 * DAY_MS,
    EndTime: endTime
  }
}

type VpcAnswer = { statusCode: number; data: object }

/** The VPC API: every DescribeSslVpnClientCerts answered by `answer`. */
function serveVpc(answer: (params: URLSearchParams) => VpcAnswer) {
  agent
    .get(VPC)
    .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
    .reply<object>(options => {
      const params = new URLSearchParams(options.path.slice(2))
      const server = params.get('SslVpnServerId')
      recorded.requests.push(`VPC ${server ?? '(region)'}`)
      time += 100
      return {
        ...answer(params),
        responseOptions: { headers: { 'content-type': 'application/json' } }
      }
    })
    .persist()
}

function listing(entries: object[]): VpcAnswer {
  return {
    statusCode: 200,
    data: {
      RequestId: 'REQ-LIST',
      TotalCount: entries.length,
      PageNumber: 1,
      PageSize: 50,
      SslVpnClientCertKeys: { SslVpnClientCertKey: entries }
    }
  }
}

/** The first line of every body the report writes: an issue with it is the report's own. */
const MARKER = '<!-- ssl-vpn-expiry-report: this issue is rewritten by every run of the report -->'

const SOME_FLAGGED = [entry('vsc-gone', -2), entry('vsc-soon', 3), entry('vsc-fine', 300)]

/** GitHub: issues listed from `open`; writes answered `writeStatus`. */
function serveGitHub(options: { open?: object[]; writeStatus?: number } = {}) {
  agent
    .get(GITHUB)
    .intercept({ path: () => true, method: () => true })
    .reply<object>(request => {
      const path = request.path.split('?')[0] ?? ''
      recorded.requests.push(`GitHub ${request.method} ${path}`)
      const headers = { 'content-type': 'application/json' }
      if (request.method === 'GET') {
        return { statusCode: 200, data: options.open ?? [], responseOptions: { headers } }
      }
      const status = options.writeStatus ?? (request.method === 'POST' ? 201 : 200)
      if (status >= 400) {
        return {
          statusCode: status,
          data: { message: 'Resource not accessible by integration' },
          responseOptions: { headers }
        }
      }
      return {
        statusCode: status,
        data: {
          number: 5,
          title: 't',
          body: 'b',
          state: 'open',
          labels: [{ name: 'ssl-vpn-expiry' }],
          html_url: 'https://github.test/acme/vpn-admin/issues/5'
        },
        responseOptions: { headers }
      }
    })
    .persist()
}

function fakeIo(
  inputs: Record<string, string>,
  env: Environment = WORKFLOW,
  overrides: Partial<ReportIo> = {}
): ReportIo {
  const summary: ReportIo['summary'] = {
    addHeading: text => (recorded.summary.push(text), summary),
    addTable: rows => (recorded.summary.push(JSON.stringify(rows)), summary),
    addRaw: text => (recorded.summary.push(text), summary),
    write: async () => recorded.summary.push('(written)')
  }
  return {
    getInput: reader(inputs),
    env,
    setOutput: (name, value) => {
      recorded.outputs[name] = value
    },
    summary,
    logger: {
      info: line => recorded.infos.push(line),
      warning: line => recorded.warnings.push(line),
      debug: line => recorded.debug.push(line),
      setFailed: message => recorded.failures.push(message),
      setSecret: secret => recorded.masked.push(secret)
    },
    now: () => time,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason
      time += ms
    },
    random: () => 0.5,
    newNonce: () => `nonce-${time}-${recorded.requests.length}`,
    createDispatcher: () => agent,
    signal: new AbortController().signal,
    writePrivateFile: async (dir, fileName, content, place) => {
      const path = `${dir}/${fileName}`
      recorded.files.set(path, { content: String(content), place: place.directory })
      return path
    },
    ...overrides
  }
}

/** Everything the fake runner shows a reader. */
const shown = () =>
  [
    ...recorded.infos,
    ...recorded.warnings,
    ...recorded.failures,
    ...recorded.debug,
    ...recorded.summary,
    ...Object.values(recorded.outputs)
  ].join('\n')

describe('without github-token', () => {
  test('every SSL server of the region: outputs, summary, a warning for what is flagged', async () => {
    serveVpc(() => listing(SOME_FLAGGED))
    await runReport(fakeIo(INPUTS))
    expect(recorded.failures).toEqual([])
    expect(recorded.requests).toEqual(['VPC (region)'])
    expect(recorded.outputs).toMatchObject({
      'certificate-count': '3',
      'expiring-count': '1',
      'expired-count': '1'
    })
    expect(recorded.outputs['issue-number']).toBeUndefined()
    expect(recorded.warnings).toEqual([
      expect.stringMatching(/^1 certificate expired and 1 certificate expiring/)
    ])
    expect(recorded.summary).toContain('(written)')
    expect(recorded.infos.join('\n')).toMatch(
      /Listed 3 certificates of every SSL server in cn-hangzhou: 1 expired, 1 expiring/
    )
    expect(agent.destroyed).toBe(1)
  })

  test('one SSL server: asked for by its ID', async () => {
    serveVpc(() => listing([entry('vsc-fine', 300)]))
    await runReport(fakeIo({ ...INPUTS, 'ssl-vpn-server-id': 'vss-bp1main0001' }))
    expect(recorded.requests).toEqual(['VPC vss-bp1main0001'])
    expect(recorded.warnings).toEqual([])
    expect(recorded.failures).toEqual([])
  })

  test.each(['expiring', 'expired'])(
    'fail-on %s: failed, naming the certificates; the outputs still set',
    async failOn => {
      serveVpc(() => listing(SOME_FLAGGED))
      await runReport(fakeIo({ ...INPUTS, 'fail-on': failOn }))
      expect(recorded.failures).toHaveLength(1)
      expect(recorded.failures[0]).toMatch(new RegExp(`^fail-on: ${failOn}\\. `))
      expect(recorded.failures[0]).toContain('vsc-gone')
      expect(recorded.warnings).toEqual([])
      expect(recorded.outputs['certificate-count']).toBe('3')
    }
  )

  test('fail-on expired with only expiring ones: passes, with the warning', async () => {
    serveVpc(() => listing([entry('vsc-soon', 3)]))
    await runReport(fakeIo({ ...INPUTS, 'fail-on': 'expired' }))
    expect(recorded.failures).toEqual([])
    expect(recorded.warnings).toHaveLength(1)
  })

  test('RUNNER_TEMP: every certificate written to a new file there, its path the report-file output', async () => {
    serveVpc(() => listing(SOME_FLAGGED))
    await runReport(fakeIo(INPUTS, { ...WORKFLOW, RUNNER_TEMP: '/runner/_temp' }))
    expect(recorded.failures).toEqual([])
    const [path, file] = [...recorded.files][0] ?? []
    expect(path).toMatch(/^\/runner\/_temp\/ssl-vpn-report-[A-Za-z0-9]+\.json$/)
    expect(file?.place).toBe('RUNNER_TEMP')
    expect(recorded.outputs['report-file']).toBe(path)
    expect(recorded.outputs['truncated']).toBe('false')
    const written = JSON.parse(file?.content ?? '')
    expect(written.certificates.map((c: { 'cert-id': string }) => c['cert-id'])).toEqual([
      'vsc-gone',
      'vsc-soon',
      'vsc-fine'
    ])
    expect(JSON.stringify(written.certificates)).toBe(recorded.outputs['certificates'])
    expect(recorded.infos).toContain(`Wrote every certificate to ${path} (the report-file output).`)
  })

  test('no RUNNER_TEMP (not on a runner): no file, report-file empty, said in the log', async () => {
    serveVpc(() => listing(SOME_FLAGGED))
    await runReport(fakeIo(INPUTS))
    expect(recorded.files.size).toBe(0)
    expect(recorded.outputs['report-file']).toBe('')
    expect(recorded.infos).toContain(
      'RUNNER_TEMP is not set (not on a runner?): no report-file is written.'
    )
  })

  test('a relative RUNNER_TEMP: refused by name before any request', async () => {
    await runReport(fakeIo(INPUTS, { ...WORKFLOW, RUNNER_TEMP: 'tmp' }))
    expect(recorded.requests).toEqual([])
    expect(recorded.failures).toEqual([
      expect.stringMatching(/^Environment variable RUNNER_TEMP: "tmp" is not an absolute path/)
    ])
  })

  test('no summary without GITHUB_STEP_SUMMARY', async () => {
    serveVpc(() => listing(SOME_FLAGGED))
    await runReport(fakeIo(INPUTS, {}))
    expect(recorded.summary).toEqual([])
  })
})

describe('with github-token', () => {
  const WITH_TOKEN = { ...INPUTS, 'github-token': GITHUB_TOKEN }

  test('something flagged: the issue opened; its number an output; the token masked first', async () => {
    serveVpc(() => listing(SOME_FLAGGED))
    serveGitHub()
    await runReport(fakeIo(WITH_TOKEN))
    expect(recorded.failures).toEqual([])
    expect(recorded.requests).toEqual([
      'VPC (region)',
      'GitHub GET /repos/acme/vpn-admin/issues',
      'GitHub POST /repos/acme/vpn-admin/issues'
    ])
    expect(recorded.outputs['issue-number']).toBe('5')
    expect(recorded.masked[0]).toBe(GITHUB_TOKEN)
    expect(recorded.infos).toContain(
      'Opened the tracking issue #5 (https://github.test/acme/vpn-admin/issues/5).'
    )
    expect(shown()).not.toContain(GITHUB_TOKEN)
  })

  test('nothing flagged, one issue open: closed with a comment; no issue number', async () => {
    serveVpc(() => listing([entry('vsc-fine', 300)]))
    serveGitHub({
      open: [
        { number: 3, title: 't', body: `${MARKER}\nb`, state: 'open', labels: ['ssl-vpn-expiry'] }
      ]
    })
    await runReport(fakeIo(WITH_TOKEN))
    expect(recorded.failures).toEqual([])
    expect(recorded.requests.slice(1)).toEqual([
      'GitHub GET /repos/acme/vpn-admin/issues',
      'GitHub POST /repos/acme/vpn-admin/issues/3/comments',
      'GitHub PATCH /repos/acme/vpn-admin/issues/3'
    ])
    expect(recorded.outputs['issue-number']).toBe('')
  })

  test('a person’s issue with the label: not closed, not commented; said in the log', async () => {
    serveVpc(() => listing([entry('vsc-fine', 300)]))
    serveGitHub({
      open: [
        {
          number: 3,
          title: 'Help',
          body: 'My VPN fails',
          state: 'open',
          labels: ['ssl-vpn-expiry']
        }
      ]
    })
    await runReport(fakeIo(WITH_TOKEN))
    expect(recorded.failures).toEqual([])
    expect(recorded.requests.slice(1)).toEqual(['GitHub GET /repos/acme/vpn-admin/issues'])
    expect(recorded.infos).toContain(
      'Left issue #3 as they are: labelled "ssl-vpn-expiry", but not the report\'s own (their body does not begin with the report\'s marker).'
    )
  })

  test('403 on the write: the permission named; outputs and summary still there', async () => {
    serveVpc(() => listing(SOME_FLAGGED))
    serveGitHub({ writeStatus: 403 })
    await runReport(fakeIo(WITH_TOKEN))
    expect(recorded.failures).toHaveLength(1)
    expect(recorded.failures[0]).toMatch(
      /^GitHub refused to open the tracking issue \(HTTP 403: Resource not accessible by integration\)\. .*`permissions: issues: write`/
    )
    expect(recorded.outputs['certificate-count']).toBe('3')
    expect(recorded.summary.join('\n')).toMatch(
      /Tracking issue: not brought up to date: GitHub refused/
    )
    // fail-on never: the flagged certificates still get their warning.
    expect(recorded.warnings).toHaveLength(1)
    expect(shown()).not.toContain(GITHUB_TOKEN)
  })

  test('403 and fail-on expiring: one failure that says both', async () => {
    serveVpc(() => listing(SOME_FLAGGED))
    serveGitHub({ writeStatus: 403 })
    await runReport(fakeIo({ ...WITH_TOKEN, 'fail-on': 'expiring' }))
    expect(recorded.failures).toHaveLength(1)
    const [message = ''] = recorded.failures
    expect(message.split('\n')[0]).toMatch(/^GitHub refused/)
    expect(message).toMatch(/\nfail-on: expiring\. /)
  })

  test('a bad GITHUB_API_URL fails the step before any request', async () => {
    serveVpc(() => listing(SOME_FLAGGED))
    await runReport(fakeIo(WITH_TOKEN, { ...WORKFLOW, GITHUB_API_URL: 'http://api.github.test' }))
    expect(recorded.failures).toEqual([
      expect.stringMatching(
        /^Environment variable GITHUB_API_URL: "http:\/\/api\.github\.test" is not an https:\/\/ URL/
      )
    ])
    expect(recorded.requests).toEqual([])
  })
})

describe('failures', () => {
  test('VPC Forbidden: the report’s own permission named', async () => {
    serveVpc(() => ({
      statusCode: 403,
      data: { RequestId: 'REQ-FORBIDDEN', Code: 'Forbidden', Message: 'User not authorized.' }
    }))
    await runReport(fakeIo(INPUTS))
    expect(recorded.failures).toHaveLength(1)
    const [first, hint] = (recorded.failures[0] ?? '').split('\n')
    expect(first).toBe('Forbidden: User not authorized. (RequestId: REQ-FORBIDDEN)')
    expect(hint).toMatch(/grant it vpc:DescribeSslVpnClientCerts/)
    expect(recorded.failures[0]).not.toMatch(/CreateSslVpnClientCert/)
  })

  test('an input error: before any request, no stack', async () => {
    serveVpc(() => listing([]))
    await runReport(fakeIo({ ...INPUTS, 'warn-days': 'soon' }))
    expect(recorded.failures).toEqual([
      expect.stringMatching(/^Input 'warn-days': "soon" is not valid/)
    ])
    expect(recorded.requests).toEqual([])
    expect(recorded.debug).toEqual([])
  })

  test('cancelled: a warning, and the report’s own message', async () => {
    serveVpc(() => listing([]))
    const cancellation = new AbortController()
    cancellation.abort(new CancelledError('received SIGTERM'))
    await runReport(fakeIo(INPUTS, WORKFLOW, { signal: cancellation.signal }))
    expect(recorded.warnings).toEqual(['Cancelled (received SIGTERM).'])
    expect(recorded.failures).toEqual([
      'The workflow was cancelled before the report was complete.'
    ])
  })

  test('a bug: its message, and its stack at debug level', async () => {
    serveVpc(() => listing(SOME_FLAGGED))
    const bug = new TypeError('boom: a bug in the summary')
    await runReport(
      fakeIo(INPUTS, WORKFLOW, {
        summary: {
          addHeading: () => {
            throw bug
          },
          addTable: () => {
            throw bug
          },
          addRaw: () => {
            throw bug
          },
          write: async () => undefined
        }
      })
    )
    expect(recorded.failures).toEqual(['boom: a bug in the summary'])
    expect(recorded.debug).toEqual([readableStack(bug.stack ?? '')])
    expect(agent.destroyed).toBe(1)
  })
})
