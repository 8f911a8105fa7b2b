/**
 * End to end, the report sub-action: each row runs the bundle report/action.yml names
 * (`runs.main`, resolved from its folder as the runner does) in a fresh Node process, inputs as
 * INPUT_* variables with report/action.yml's defaults, against its own VPC stand-in (several SSL
 * servers, certificates whose end times make them expired, expiring-soon or far off) and, with
 * `github-token`, its own GitHub REST stand-in; then checks the outputs, the job summary, the
 * annotations, the tracking issue left behind, and that no secret is shown anywhere nor any key
 * material written into an issue.
 *
 * The runs are slow (a Node process each), so they run in `beforeAll`, a few at a time; every row
 * is then its own test.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { lstatSync, readFileSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { formsOf, expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY } from '../../__fixtures__/stand-in.js'
import {
  startGitHubStandIn,
  type GitHubStandIn,
  type GitHubStandInOptions
} from '../../test-server/github-stand-in.mjs'
import { startHostile, type Hostile, type HostileRequest } from '../../test-server/hostile.mjs'
import { runAction, subActionPaths, type RunResult } from '../../test-server/run-action.mjs'
import {
  startStandIn,
  type ExistingCertificate,
  type StandIn,
  type StandInOptions
} from '../../test-server/stand-in.mjs'
import { inParallel } from '../../__fixtures__/in-parallel.js'
import { closedPort } from '../../__fixtures__/ports.js'

/** How many actions run at once. */
const PARALLEL = 4
const DAY = 24 * 60 * 60 * 1000
const GITHUB_TOKEN = 'ghs_E2eReportToken0123456789abcdefGHIJ'
const LABEL = 'ssl-vpn-expiry'
const TITLE = 'SSL-VPN client certificates expiring'

const SERVERS = [
  { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0001' },
  { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0002' },
  { regionId: 'cn-beijing', sslVpnServerId: 'vss-standin0003' }
]

/**
 * The fleet, relative to the moment the stand-in starts (so the margins to every boundary are
 * days, never the seconds a run takes): in cn-hangzhou one expired, one expiring-soon (by its
 * Status), one expiring only by warn-days' 30 days, one far off; in cn-beijing one expired that a
 * cn-hangzhou report must not list.
 */
function fleet(): ExistingCertificate[] {
  const now = Date.now()
  return [
    { name: 'gone', sslVpnServerId: 'vss-standin0001', endTime: now - 3 * DAY },
    { name: 'soon', sslVpnServerId: 'vss-standin0002', endTime: now + 3 * DAY + DAY / 2 },
    { name: 'month', sslVpnServerId: 'vss-standin0001', endTime: now + 20 * DAY + DAY / 2 },
    { name: 'fresh', sslVpnServerId: 'vss-standin0001' },
    { name: 'beijing', sslVpnServerId: 'vss-standin0003', endTime: now - DAY }
  ]
}

/**
 * `count` certificates on vss-standin0001: a quarter expired (1 to 100 days ago), a twentieth
 * expiring (within 20 days), the rest valid; names of the longest kind the action accepts.
 */
function thousands(count: number): ExistingCertificate[] {
  const now = Date.now()
  return Array.from({ length: count }, (_, i) => {
    const name = `employee-${String(i).padStart(5, '0')}-${'x'.repeat(40)}`
    const endTime =
      i % 4 === 0
        ? now - ((i % 100) + 1) * DAY
        : i % 20 === 1
          ? now + ((i % 19) + 1) * DAY + DAY / 2
          : now + (100 + (i % 900)) * DAY
    return { name, sslVpnServerId: 'vss-standin0001', endTime }
  })
}

type Values = Record<string, string | undefined>

const BASE_INPUTS: Values = {
  'region-id': 'cn-hangzhou',
  'access-key-id': DEFAULT_KEY.accessKeyId,
  'access-key-secret': DEFAULT_KEY.accessKeySecret,
  'timeout-seconds': '30'
}

interface Outcome {
  result: RunResult
  vpc: StandIn
  github: GitHubStandIn | undefined
  hostile: Hostile | undefined
  /** The run's RUNNER_TEMP, when the row asked for one. */
  runnerTemp: string | undefined
  /** The GITHUB_API_URL the run was given instead of the stand-in's, when the row asked. */
  apiUrl: string | undefined
  /** Anything else the row started, stopped after the runs. */
  extra: StandIn | undefined
}

interface Row {
  title: string
  /** Over BASE_INPUTS (endpoint and, with `github`, github-token added). */
  inputs?: Values
  /** The VPC stand-in's certificates; default the fleet. */
  certificates?: () => ExistingCertificate[]
  /**
   * Start a GitHub stand-in with these options (it wants GITHUB_TOKEN unless they say another),
   * and pass GITHUB_TOKEN, its URL and the repository.
   */
  github?: GitHubStandInOptions
  /** Put a hostile endpoint between the action and the VPC stand-in. */
  hostile?: (request: HostileRequest) => Promise<{ json: unknown }>
  /** Also play the runner's OIDC token service and STS: keyless credentials. */
  oidc?: boolean
  /** Extra environment variables. */
  env?: Record<string, string>
  /**
   * RUNNER_TEMP: a fresh private directory (`directory`), or a symbolic link to one (`symlink`).
   * Default: not set.
   */
  runnerTemp?: 'directory' | 'symlink'
  /**
   * GITHUB_API_URL: a loopback port nothing listens on, or an HTTPS server whose certificate is
   * self-signed (not trusted), instead of the GitHub stand-in.
   */
  githubApi?: 'closed-port' | 'untrusted-tls'
  /** Secrets the row brings besides the keys and tokens: shown nowhere. */
  secrets?: string[]
  exitCode: 0 | 1
  check: (outcome: Outcome) => void
}

const JSON_OUTPUTS = ['certificates', 'expiring', 'expired'] as const
const REPORT_OUTPUTS = [
  ...JSON_OUTPUTS,
  'certificate-count',
  'expiring-count',
  'expired-count',
  'issue-number',
  'truncated',
  'report-file'
]

type Entry = {
  'cert-id': string
  name: string
  'ssl-vpn-server-id': string
  status: string
  created: string
  expires: string
  'days-left': number
}

function entries(result: RunResult, output: (typeof JSON_OUTPUTS)[number]): Entry[] {
  return JSON.parse(result.outputs[output] ?? 'null') as Entry[]
}
const names = (result: RunResult, output: (typeof JSON_OUTPUTS)[number]) =>
  entries(result, output).map(e => e.name)

/** The listing calls the run made: which SslVpnServerId each asked for. */
const listings = (vpc: StandIn) =>
  vpc.calls
    .filter(c => c.action === 'DescribeSslVpnClientCerts')
    .map(c => c.params['SslVpnServerId'] ?? '(region)')

const openIssues = (github: GitHubStandIn | undefined) =>
  (github?.issues ?? []).filter(i => i.state === 'open' && i.labels.includes(LABEL))

/**
 * The first line of every issue body the report writes, as every release has written it: an issue
 * seeded with it is one an earlier run of the report opened.
 */
const MARKER = '<!-- ssl-vpn-expiry-report: this issue is rewritten by every run of the report -->'
const reportBody = (rest: string) => `${MARKER}\n${rest}`
/** A person's issue that carries the report's label, as people file them. */
const PERSONS_ISSUE = {
  title: 'VPN certificate for the new build agent?',
  body: 'Which certificate does the build agent use? It stopped connecting. cc @alice',
  labels: [LABEL, 'question'],
  author: { login: 'bob', type: 'User' }
} as const

/** A proxy password that must never be shown, in a variable no URL parser accepts. */
const PROXY_PASSWORD = 'Pr0xyPa55word9'
const MALFORMED_PROXY = `:::user:${PROXY_PASSWORD}@[proxy`

const ROWS: Row[] = [
  {
    title: 'every SSL server of the region, fail-on never: all listed, flagged ones warned of',
    exitCode: 0,
    check: ({ result, vpc }) => {
      expect(listings(vpc)).toEqual(['(region)'])
      expect(names(result, 'certificates')).toEqual(['gone', 'soon', 'month', 'fresh'])
      expect(names(result, 'expired')).toEqual(['gone'])
      expect(names(result, 'expiring')).toEqual(['soon', 'month'])
      expect([
        result.outputs['certificate-count'],
        result.outputs['expiring-count'],
        result.outputs['expired-count']
      ]).toEqual(['4', '2', '1'])
      const [gone, soon] = entries(result, 'certificates')
      const certificate = vpc.certificates.find(c => c.name === 'gone')
      expect(gone).toEqual({
        'cert-id': certificate?.id,
        name: 'gone',
        'ssl-vpn-server-id': 'vss-standin0001',
        status: 'expired',
        created: new Date(certificate?.createdAt ?? 0).toISOString(),
        expires: new Date(certificate?.endTime ?? 0).toISOString(),
        'days-left': -3
      })
      expect(soon).toMatchObject({ status: 'expiring-soon', 'days-left': 3 })
      expect(result.stdout).toMatch(
        /^::warning::1 certificate expired and 2 certificates expiring/m
      )
      expect(result.errors).toEqual([])
      // The summary: every certificate, soonest first, flagged rows marked.
      const rows = result.summary.match(/<tr>.*?<\/tr>/g) ?? []
      expect(rows).toHaveLength(5)
      expect(rows[1]).toMatch(/^<tr><td><strong>expired<\/strong><\/td><td>gone<\/td>/)
      expect(rows[2]).toMatch(/^<tr><td><strong>expiring<\/strong><\/td><td>soon<\/td>/)
      expect(rows[4]).toMatch(/^<tr><td>valid<\/td><td>fresh<\/td>/)
      expect(result.summary).toContain('Tracking issue: none (no github-token).')
    }
  },
  {
    title: 'one SSL server: only its certificates, asked for by its ID',
    inputs: { 'ssl-vpn-server-id': 'vss-standin0002' },
    exitCode: 0,
    check: ({ result, vpc }) => {
      expect(listings(vpc)).toEqual(['vss-standin0002'])
      expect(names(result, 'certificates')).toEqual(['soon'])
      expect(names(result, 'expiring')).toEqual(['soon'])
    }
  },
  {
    title: 'warn-days 10: an end 20 days away is not expiring',
    inputs: { 'warn-days': '10' },
    exitCode: 0,
    check: ({ result }) => {
      expect(names(result, 'expiring')).toEqual(['soon'])
    }
  },
  {
    title: 'fail-on expiring: failed, naming the expired and expiring ones; outputs set',
    inputs: { 'fail-on': 'expiring' },
    exitCode: 1,
    check: ({ result, vpc }) => {
      expect(result.errors).toHaveLength(1)
      const [error = ''] = result.errors
      expect(error.split('\n')[0]).toBe(
        'fail-on: expiring. 1 certificate expired and 2 certificates expiring (within 30 days, or Status expiring-soon):'
      )
      for (const name of ['gone', 'soon', 'month']) {
        expect(error).toContain(vpc.certificates.find(c => c.name === name)?.id)
      }
      expect(error).not.toContain(vpc.certificates.find(c => c.name === 'fresh')?.id)
      expect(result.outputs['certificate-count']).toBe('4')
    }
  },
  {
    title: 'fail-on expired: failed, naming only the expired one',
    inputs: { 'fail-on': 'expired' },
    exitCode: 1,
    check: ({ result, vpc }) => {
      const [error = ''] = result.errors
      expect(error).toMatch(/^fail-on: expired\. 1 certificate expired:\n- vsc-/)
      expect(error).toContain(vpc.certificates.find(c => c.name === 'gone')?.id)
      expect(error).not.toContain(vpc.certificates.find(c => c.name === 'soon')?.id)
    }
  },
  {
    title: 'fail-on expired with only an expiring one: passes, with a warning',
    inputs: { 'fail-on': 'expired', 'ssl-vpn-server-id': 'vss-standin0002' },
    exitCode: 0,
    check: ({ result }) => {
      expect(result.errors).toEqual([])
      expect(result.stdout).toMatch(/^::warning::1 certificate expiring/m)
    }
  },
  {
    title: 'fail-on expiring with nothing flagged: passes, no warning',
    inputs: { 'fail-on': 'expiring' },
    certificates: () => [{ name: 'fresh', sslVpnServerId: 'vss-standin0001' }],
    exitCode: 0,
    check: ({ result }) => {
      expect(result.stdout).not.toMatch(/^::(warning|error)::/m)
      expect(result.outputs['expired']).toBe('[]')
    }
  },
  {
    title: 'keyless credentials: the OIDC token exchanged for STS keys, which sign the listing',
    inputs: { 'access-key-id': undefined, 'access-key-secret': undefined },
    oidc: true,
    exitCode: 0,
    check: ({ result, vpc }) => {
      expect(vpc.calls.map(c => c.action)).toEqual([
        'AssumeRoleWithOIDC',
        'DescribeSslVpnClientCerts'
      ])
      expect(vpc.calls[1]?.accessKeyId).toMatch(/^STS\./)
      expect(result.outputs['certificate-count']).toBe('4')
    }
  },
  {
    title: 'an EndTime that is not a time: an unexpected answer, not a report',
    hostile: async request => {
      const answer = await request.forward()
      const [first] = answer.json?.SslVpnClientCertKeys?.SslVpnClientCertKey ?? []
      if (first) first.EndTime = 'soon'
      return { json: answer.json }
    },
    exitCode: 1,
    check: ({ result }) => {
      expect(result.errors).toEqual([
        expect.stringMatching(
          /^Unexpected answer to DescribeSslVpnClientCerts \(RequestId: [0-9A-F-]+\): SslVpnClientCertKeys\.SslVpnClientCertKey\[0\]\.EndTime is "soon"; expected a whole number of milliseconds/
        )
      ])
      expect(result.outputs['certificates']).toBeUndefined()
    }
  },
  {
    title: 'tracking issue: opened with the label, listing what is expired or expiring',
    github: {},
    exitCode: 0,
    check: ({ result, github, vpc }) => {
      const [issue] = openIssues(github)
      expect(github?.issues).toHaveLength(1)
      expect(issue).toMatchObject({ number: 1, title: TITLE, labels: [LABEL], comments: [] })
      expect(result.outputs['issue-number']).toBe('1')
      for (const name of ['gone', 'soon', 'month']) {
        expect(issue?.body).toContain(`| \`${vpc.certificates.find(c => c.name === name)?.id}\` |`)
      }
      expect(issue?.body).not.toContain(vpc.certificates.find(c => c.name === 'fresh')?.id)
      expect(issue?.body).toContain('every SSL server in `cn-hangzhou`')
      expect(issue?.body).toContain(
        'by [this run](https://github.com/acme/vpn-admin/actions/runs/4242)'
      )
      expect(result.stdout).toMatch(/^Opened the tracking issue #1 /m)
      expect(result.summary).toMatch(/Tracking issue <a href="[^"]+\/issues\/1">#1<\/a>: opened\./)
    }
  },
  {
    title: 'tracking issue: an open one is updated in place, not doubled',
    github: { issues: [{ title: 'Old title', body: reportBody('old list'), labels: [LABEL] }] },
    exitCode: 0,
    check: ({ result, github }) => {
      expect(github?.issues).toHaveLength(1)
      expect(github?.issues[0]).toMatchObject({ number: 1, state: 'open', title: TITLE })
      expect(github?.issues[0]?.body).toMatch(/1 expired, 2 expiring, of 4 listed/)
      expect(github?.requests.map(r => r.method)).toEqual(['GET', 'PATCH'])
      expect(result.outputs['issue-number']).toBe('1')
    }
  },
  {
    title: 'tracking issue: closed with a comment once nothing is left',
    certificates: () => [{ name: 'fresh', sslVpnServerId: 'vss-standin0001' }],
    github: {
      issues: [
        { title: 'Unrelated', labels: ['bug'] },
        { title: TITLE, body: reportBody('old list'), labels: [LABEL] }
      ]
    },
    exitCode: 0,
    check: ({ result, github }) => {
      expect(github?.issues[1]).toMatchObject({ number: 2, state: 'closed' })
      expect(github?.issues[1]?.comments).toEqual([
        expect.stringMatching(
          /^Nothing of every SSL server in `cn-hangzhou` is expired or expires within 30 days any more/
        )
      ])
      expect(github?.requests.find(r => r.method === 'PATCH')?.body).toEqual({
        state: 'closed',
        state_reason: 'completed'
      })
      // Someone else's issue is not touched.
      expect(github?.issues[0]).toMatchObject({ state: 'open', comments: [], body: '' })
      expect(result.outputs['issue-number']).toBe('')
      expect(result.stdout).toMatch(/^Closed the tracking issue #2 /m)
    }
  },
  {
    title: 'tracking issue: nothing left and none open: no issue at all',
    certificates: () => [{ name: 'fresh', sslVpnServerId: 'vss-standin0001' }],
    github: {},
    exitCode: 0,
    check: ({ github, result }) => {
      expect(github?.issues).toEqual([])
      expect(github?.requests.map(r => r.method)).toEqual(['GET'])
      expect(result.outputs['issue-number']).toBe('')
    }
  },
  {
    title: 'tracking issue: two open ones become one, the oldest, the other closed with a comment',
    github: {
      issues: [
        { title: 'first', body: reportBody('first'), labels: [LABEL] },
        { title: 'closed long ago', body: reportBody('old'), labels: [LABEL], state: 'closed' },
        { title: 'second', body: reportBody('second'), labels: [LABEL] }
      ]
    },
    exitCode: 0,
    check: ({ github, result }) => {
      expect(openIssues(github).map(i => i.number)).toEqual([1])
      expect(github?.issues[0]).toMatchObject({ title: TITLE, comments: [] })
      expect(github?.issues[0]?.body).toMatch(/1 expired, 2 expiring/)
      expect(github?.issues[2]).toMatchObject({ state: 'closed', title: 'second' })
      expect(github?.issues[2]?.comments).toEqual([
        'Closing: a duplicate of #1 (the report keeps one open issue of its own labelled `ssl-vpn-expiry`, the oldest).'
      ])
      expect(github?.issues[1]?.comments).toEqual([])
      expect(result.outputs['issue-number']).toBe('1')
    }
  },
  {
    title: 'a person’s issue with the label: left as it is; the report opens its own',
    github: { issues: [PERSONS_ISSUE] },
    exitCode: 0,
    check: ({ result, github }) => {
      expect(github?.issues[0]).toEqual({
        number: 1,
        ...PERSONS_ISSUE,
        labels: [...PERSONS_ISSUE.labels],
        state: 'open',
        comments: [],
        pullRequest: false
      })
      expect(github?.issues[1]).toMatchObject({ number: 2, title: TITLE, state: 'open' })
      expect(github?.issues[1]?.body.startsWith(`${MARKER}\n`)).toBe(true)
      expect(github?.requests.map(r => `${r.method} ${r.path}`)).toEqual([
        'GET /repos/acme/vpn-admin/issues',
        'POST /repos/acme/vpn-admin/issues'
      ])
      expect(result.outputs['issue-number']).toBe('2')
      expect(result.stdout).toMatch(
        /^Left issue #1 as they are: labelled "ssl-vpn-expiry", but not the report's own/m
      )
    }
  },
  {
    title: 'a person’s issue older than the report’s own, nothing left: only the report’s closed',
    certificates: () => [{ name: 'fresh', sslVpnServerId: 'vss-standin0001' }],
    github: {
      issues: [PERSONS_ISSUE, { title: TITLE, body: reportBody('old list'), labels: [LABEL] }]
    },
    exitCode: 0,
    check: ({ result, github }) => {
      expect(github?.issues[0]).toMatchObject({
        state: 'open',
        comments: [],
        title: PERSONS_ISSUE.title,
        body: PERSONS_ISSUE.body
      })
      expect(github?.issues[1]).toMatchObject({ number: 2, state: 'closed' })
      expect(github?.requests.filter(r => r.path.endsWith('/issues/1'))).toEqual([])
      expect(result.outputs['issue-number']).toBe('')
    }
  },
  {
    title: 'GitHub API on a closed port: the cause (ECONNREFUSED) shown; the report still made',
    github: {},
    githubApi: 'closed-port',
    exitCode: 1,
    check: ({ result, apiUrl }) => {
      const port = new URL(apiUrl ?? '').port
      expect(result.errors).toEqual([
        `Connection to the GitHub API at ${apiUrl} failed (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}).`
      ])
      expect(result.outputs['certificate-count']).toBe('4')
      expect(result.summary).toContain(
        'Tracking issue: not brought up to date: Connection to the GitHub API'
      )
    }
  },
  {
    title: 'GitHub API behind a self-signed certificate: the TLS verdict shown, nothing sent',
    github: {},
    githubApi: 'untrusted-tls',
    exitCode: 1,
    check: ({ result, apiUrl, extra }) => {
      expect(result.errors).toEqual([
        expect.stringMatching(
          /^The TLS certificate of the GitHub API at https:\/\/127\.0\.0\.1:\d+ was not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN): self[- ]signed certificate( in certificate chain)?\)\. The action always verifies TLS/
        )
      ])
      expect(result.errors[0]).toContain(apiUrl)
      expect(result.errors[0]).not.toContain('fetch failed')
      // The impostor never saw a request, so never the token.
      expect(extra?.calls).toEqual([])
    }
  },
  {
    title:
      '5,000 certificates: every output under 1 MB, cut most urgent first; report-file has all',
    certificates: () => thousands(5000),
    github: {},
    runnerTemp: 'directory',
    inputs: { 'timeout-seconds': '150' },
    exitCode: 0,
    check: ({ result, github, runnerTemp }) => {
      const bytes = (name: string) => Buffer.byteLength(result.outputs[name] ?? '')
      for (const name of REPORT_OUTPUTS) expect(bytes(name)).toBeLessThan(1_000_000)
      const total = REPORT_OUTPUTS.reduce((sum, name) => sum + bytes(name), 0)
      expect(total).toBeLessThan(1_000_000)
      expect(result.outputs).toMatchObject({
        truncated: 'true',
        'certificate-count': '5000',
        'expired-count': '1250',
        'expiring-count': '250'
      })
      // Valid JSON, cut whole entries at a time, the expired ones first.
      const listedHere = entries(result, 'certificates')
      expect(listedHere.length).toBeGreaterThan(500)
      expect(listedHere.length).toBeLessThan(5000)
      expect(listedHere.slice(0, 1250).every(e => e.status === 'expired')).toBe(true)
      expect(result.stdout).toMatch(
        /^::warning::The outputs were cut to stay under GitHub's 1 MB limit for outputs, most urgent first \(truncated: true\): certificates lists \d+ of 5000, /m
      )
      // The file: in RUNNER_TEMP, 0600, a regular file, every certificate.
      const path = result.outputs['report-file'] ?? ''
      expect(dirname(path)).toBe(runnerTemp)
      expect(lstatSync(path).isFile()).toBe(true)
      expect(statSync(path).mode & 0o777).toBe(0o600)
      const file = JSON.parse(readFileSync(path, 'utf8'))
      expect(file.certificates).toHaveLength(5000)
      expect(file.expired).toHaveLength(1250)
      expect(file.certificates.slice(0, listedHere.length)).toEqual(listedHere)
      // The summary and the issue stay under GitHub's limits too, and say what they left out.
      expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
      expect(result.summary).toMatch(
        /<strong>Truncated:<\/strong> the \d+ most urgent are listed above; \d+ more are not shown here; report-file lists them all/
      )
      const [issue] = openIssues(github)
      expect(issue?.body.length).toBeLessThanOrEqual(65_536)
      expect(issue?.body).toMatch(
        /\| … \| \d+ more, not listed here \(the report-file output of the report lists them all\)/
      )
    }
  },
  {
    title: 'RUNNER_TEMP is a symbolic link: no report file written through it, said by name',
    runnerTemp: 'symlink',
    exitCode: 1,
    check: ({ result, runnerTemp }) => {
      expect(result.errors).toEqual([
        `RUNNER_TEMP ${runnerTemp} is a symbolic link; report files are only written to a real directory (give the directory it points to).`
      ])
      expect(result.outputs['certificates']).toBeUndefined()
    }
  },
  {
    title: 'tracking issue: a token without issues: write is explained; the report still made',
    github: { forbidden: true },
    exitCode: 1,
    check: ({ result, github }) => {
      expect(github?.issues).toEqual([])
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]).toMatch(
        /^GitHub refused to open the tracking issue \(HTTP 403: Resource not accessible by integration\)\. The token may not write issues in this repository: give the job `permissions: issues: write`/
      )
      expect(result.outputs['certificate-count']).toBe('4')
      expect(result.summary).toMatch(/Tracking issue: not brought up to date: GitHub refused/)
    }
  },
  {
    title: 'tracking issue: a wrong token is named as such, never shown',
    github: { token: 'ghs_TheOtherTokenTheStandInWants0001' },
    exitCode: 1,
    check: ({ result }) => {
      expect(result.errors[0]).toMatch(
        /^GitHub refused to list the open issues labelled "ssl-vpn-expiry" \(HTTP 401: Bad credentials\)\. github-token was not accepted/
      )
    }
  },
  {
    title: 'a malformed HTTPS_PROXY with a password: refused by name before anything is sent',
    github: {},
    env: { HTTPS_PROXY: MALFORMED_PROXY },
    secrets: [PROXY_PASSWORD],
    exitCode: 1,
    check: ({ result, vpc, github }) => {
      expect(result.errors).toEqual([
        expect.stringMatching(/^Environment variable HTTPS_PROXY: is not a usable proxy URL/)
      ])
      expect(vpc.calls).toEqual([])
      expect(github?.requests).toEqual([])
    }
  },
  {
    // The action goes by https_proxy (set, if empty), as undici does; @actions/github reads
    // HTTPS_PROXY as it loads, for a GITHUB_API_URL that is not on loopback, and throws with the
    // whole value. The action loads it only when the issue is due, so this is its own message;
    // loaded at start, Node's crash output would have shown the password.
    title: 'https_proxy empty, HTTPS_PROXY malformed: the GitHub client fails cleanly, unshown',
    github: {},
    env: {
      https_proxy: '',
      HTTPS_PROXY: MALFORMED_PROXY,
      GITHUB_API_URL: 'https://api.github.invalid'
    },
    secrets: [PROXY_PASSWORD],
    exitCode: 1,
    check: ({ result, github }) => {
      expect(result.errors).toEqual([
        expect.stringMatching(
          /^The GitHub client could not start \(Invalid URL\): check the proxy variables/
        )
      ])
      expect(github?.requests).toEqual([])
      expect(result.outputs['certificate-count']).toBe('4')
    }
  },
  {
    title: 'tracking issue and fail-on expiring: the issue opened, and the step failed',
    inputs: { 'fail-on': 'expiring' },
    github: {},
    exitCode: 1,
    check: ({ result, github }) => {
      expect(openIssues(github)).toHaveLength(1)
      expect(result.errors).toEqual([expect.stringMatching(/^fail-on: expiring\. /)])
      expect(result.outputs['issue-number']).toBe('1')
    }
  }
]

const outcomes = new Map<Row, Outcome>()

async function runRow(row: Row): Promise<Outcome> {
  const options: StandInOptions = {
    sslVpnServers: SERVERS,
    existingCertificates: (row.certificates ?? fleet)(),
    ...(row.oidc ? { oidc: {} } : {})
  }
  const vpc = await startStandIn(options)
  const hostile = row.hostile ? await startHostile(row.hostile, { upstream: vpc.url }) : undefined
  const github = row.github
    ? await startGitHubStandIn({ repository: 'acme/vpn-admin', token: GITHUB_TOKEN, ...row.github })
    : undefined
  const runnerTemp = row.runnerTemp ? await makeRunnerTemp(row.runnerTemp) : undefined
  const extra =
    row.githubApi === 'untrusted-tls'
      ? await startStandIn({ sslVpnServers: SERVERS, tls: 'untrusted' })
      : undefined
  const apiUrl =
    row.githubApi === 'closed-port'
      ? `https://127.0.0.1:${await closedPort()}`
      : extra
        ? extra.url
        : undefined
  const inputs: Record<string, string> = {}
  for (const [name, value] of Object.entries({
    ...BASE_INPUTS,
    endpoint: hostile?.endpoint ?? vpc.endpoint,
    ...(github ? { 'github-token': GITHUB_TOKEN } : {}),
    ...(row.oidc && vpc.oidc
      ? {
          'sts-endpoint': vpc.endpoint,
          'role-to-assume': vpc.oidc.roleArn,
          'oidc-provider-arn': vpc.oidc.oidcProviderArn
        }
      : {}),
    ...row.inputs
  })) {
    if (value !== undefined) inputs[name] = value
  }
  const env: Record<string, string> = {
    GITHUB_REPOSITORY: 'acme/vpn-admin',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    ...(github ? { GITHUB_API_URL: github.url } : {}),
    ...(apiUrl ? { GITHUB_API_URL: apiUrl } : {}),
    ...(runnerTemp ? { RUNNER_TEMP: runnerTemp } : {}),
    ...(vpc.oidc
      ? {
          ACTIONS_ID_TOKEN_REQUEST_URL: vpc.oidc.tokenRequestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: vpc.oidc.requestToken
        }
      : {}),
    ...row.env
  }
  const result = await runAction({ action: 'report', inputs, env, killAfterMs: 180_000 })
  return { result, vpc, github, hostile, runnerTemp, apiUrl, extra }
}

/** A RUNNER_TEMP of the run's own, or a symbolic link to one. */
async function makeRunnerTemp(kind: 'directory' | 'symlink'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'report-runner-temp-'))
  temporaryDirectories.push(root)
  const directory = join(root, '_temp')
  await mkdir(directory, { mode: 0o700 })
  if (kind === 'directory') return directory
  await symlink(directory, join(root, 'link'))
  return join(root, 'link')
}

const temporaryDirectories: string[] = []

beforeAll(async () => {
  await inParallel(ROWS, PARALLEL, async row => {
    outcomes.set(row, await runRow(row))
  })
}, 480_000)

afterAll(async () => {
  await Promise.all(
    [...outcomes.values()].flatMap(o => [
      o.vpc.close(),
      o.github?.close(),
      o.hostile?.close(),
      o.extra?.close()
    ])
  )
  await Promise.all(temporaryDirectories.map(dir => rm(dir, { recursive: true, force: true })))
})

function outcomeOf(row: Row): Outcome {
  const outcome = outcomes.get(row)
  if (!outcome) throw new Error(`no run for ${row.title}`)
  return outcome
}

/** Every secret a row's run knew: the keys (or STS keys and tokens), the GitHub token. */
function secretsOf({ vpc, github }: Outcome, row: Row): string[] {
  return [
    ...(row.secrets ?? []),
    ...vpc.credentials.flatMap(c => [c.accessKeyId, c.accessKeySecret, c.securityToken ?? '']),
    ...(vpc.oidc ? [vpc.oidc.requestToken, ...vpc.oidc.issued.map(t => t.token)] : []),
    GITHUB_TOKEN,
    ...(github ? [github.token] : [])
  ].filter(secret => secret !== '')
}

test('report/action.yml runs ../dist/report/index.js, resolved from its folder', () => {
  const { script, actionYml } = subActionPaths('report')
  expect(actionYml).toMatch(/\/report\/action\.yml$/)
  // The e2e setup bundles into ACTION_DIST; the runner's path within it is report/index.js.
  const under = process.env.ACTION_UNDER_TEST
  const distRoot = under ? dirname(under) : (process.env.ACTION_DIST ?? '')
  expect(script).toBe(join(distRoot, 'report', 'index.js'))
})

describe.each(ROWS.map(row => [row.title, row] as const))('%s', (_title, row) => {
  test('exit code, and what the run left behind', () => {
    const outcome = outcomeOf(row)
    const { result } = outcome
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({
      exitCode: row.exitCode,
      stderr: ''
    })
    row.check(outcome)
  })

  test('no secret shown, no stack trace, only the report’s own outputs', () => {
    const outcome = outcomeOf(row)
    const { result } = outcome
    expectNoSecrets(result, secretsOf(outcome, row))
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
    expect(Object.keys(result.outputs).filter(name => !REPORT_OUTPUTS.includes(name))).toEqual([])
    // Inputs are read, and their secrets masked, once the proxy variables are found usable.
    const refusedProxy = /^Environment variable HTTPS_PROXY/.test(result.errors[0] ?? '')
    if (!row.oidc && !refusedProxy) {
      expect(result.stdout).toContain(`::add-mask::${DEFAULT_KEY.accessKeySecret}`)
    }
    if (outcome.github && !refusedProxy) {
      expect(result.stdout).toContain(`::add-mask::${GITHUB_TOKEN}`)
    }
  })

  test('no key material, token or key in any issue or comment', () => {
    const { github, vpc } = outcomeOf(row)
    const written = (github?.issues ?? []).flatMap(i => [i.title, i.body, ...i.comments]).join('\n')
    for (const secret of secretsOf(outcomeOf(row), row)) {
      for (const form of formsOf(secret)) expect(written).not.toContain(form)
    }
    expect(written).not.toMatch(/BEGIN|PRIVATE KEY|CERTIFICATE-----|RequestId/)
    // Nothing was asked for that carries key material.
    expect(vpc.calls.filter(c => c.action === 'DescribeSslVpnClientCert')).toEqual([])
  })
})
