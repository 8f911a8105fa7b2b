import { describe, expect, test } from '@jest/globals'
import { classifyCertificates, DAY_MS } from '../../src/certificates/expiry.js'
import { type SummarySink } from '../../src/runner/summary.js'
import type { ReportSettings } from '../../src/report/inputs.js'
import {
  boundedJsonArray,
  describeTruncation,
  MAX_LIST_OUTPUT_BYTES,
  MAX_SUMMARY_TABLE_BYTES,
  reportFileContent,
  reportListOutputs,
  reportRows,
  setReportOutputs
} from '../../src/runner/expiry-report.js'
import { describeReportStart, writeReportSummary } from '../../src/report/outputs.js'
import type { ListedCertificate } from '../../src/alibaba/vpc-client.js'

const NOW = Date.parse('2026-06-01T12:00:00.000Z')
const SETTINGS: ReportSettings = {
  regionId: 'cn-hangzhou',
  sslVpnServerId: undefined,
  credentials: {
    source: 'inputs',
    keys: { accessKeyId: 'LTAI5tOutputsKey', accessKeySecret: 'S' }
  },
  endpoint: {
    origin: 'https://vpc.cn-hangzhou.aliyuncs.com',
    hostHeader: 'vpc.cn-hangzhou.aliyuncs.com'
  },
  signatureVersion: 'v3',
  timeoutMs: 300_000,
  warnDays: 30,
  failOn: 'expiring',
  github: undefined,
  reportDir: undefined
}

function listed(id: string, endTime: number, change: Partial<ListedCertificate> = {}) {
  return {
    certId: id,
    name: `name-${id.slice(4)}`,
    sslVpnServerId: 'vss-bp1test0001',
    status: 'normal',
    createTime: Date.parse('2024-01-02T03:04:05.678Z'),
    endTime,
    requestId: 'REQ-1',
    ...change
  } satisfies ListedCertificate
}

const REPORT = classifyCertificates(
  [
    listed('vsc-ok', NOW + 100 * DAY_MS),
    listed('vsc-gone', NOW - 2 * DAY_MS, { status: 'expired' }),
    listed('vsc-soon', NOW + 3 * DAY_MS, { status: 'expiring-soon', name: '' })
  ],
  NOW,
  30
)

/** A summary sink that keeps what it is given, as HTML-ish text. */
function recordingSummary() {
  const parts: string[] = []
  const sink: SummarySink = {
    addHeading: (text, level) => (parts.push(`<h${level}>${text}</h${level}>`), sink),
    addTable: rows => (parts.push(JSON.stringify(rows)), sink),
    addRaw: text => (parts.push(text), sink),
    write: async () => parts.push('(written)')
  }
  return { sink, parts }
}

describe('setReportOutputs', () => {
  test('JSON arrays, soonest expiry first, with the documented fields; counts', () => {
    const outputs: Record<string, string> = {}
    setReportOutputs({ setOutput: (name, value) => (outputs[name] = value) }, REPORT, '/t/r.json')
    expect(Object.keys(outputs).sort()).toEqual([
      'certificate-count',
      'certificates',
      'expired',
      'expired-count',
      'expiring',
      'expiring-count',
      'report-file',
      'truncated'
    ])
    expect(outputs).toMatchObject({ truncated: 'false', 'report-file': '/t/r.json' })
    const all = JSON.parse(outputs['certificates'] ?? '')
    expect(all.map((c: { 'cert-id': string }) => c['cert-id'])).toEqual([
      'vsc-gone',
      'vsc-soon',
      'vsc-ok'
    ])
    expect(all[1]).toEqual({
      'cert-id': 'vsc-soon',
      name: '',
      'ssl-vpn-server-id': 'vss-bp1test0001',
      status: 'expiring-soon',
      created: '2024-01-02T03:04:05.678Z',
      expires: '2026-06-04T12:00:00.000Z',
      'days-left': 3
    })
    expect(JSON.parse(outputs['expired'] ?? '')).toEqual([all[0]])
    expect(JSON.parse(outputs['expiring'] ?? '')).toEqual([all[1]])
    expect([
      outputs['certificate-count'],
      outputs['expiring-count'],
      outputs['expired-count']
    ]).toEqual(['3', '1', '1'])
  })

  test('nothing listed: empty arrays and zeros', () => {
    const outputs: Record<string, string> = {}
    setReportOutputs(
      { setOutput: (name, value) => (outputs[name] = value) },
      classifyCertificates([], NOW, 30),
      undefined
    )
    expect(outputs).toMatchObject({
      certificates: '[]',
      expiring: '[]',
      'certificate-count': '0',
      'report-file': ''
    })
  })

  test('expired by its Status though its EndTime is later: still first, the most urgent', () => {
    const report = classifyCertificates(
      [
        listed('vsc-soon', NOW + 3 * DAY_MS),
        listed('vsc-revoked', NOW + 9 * DAY_MS, { status: 'expired' })
      ],
      NOW,
      30
    )
    const { lists } = reportListOutputs(report)
    const ids = (json: string) => JSON.parse(json).map((c: { 'cert-id': string }) => c['cert-id'])
    expect(ids(lists.certificates.json)).toEqual(['vsc-revoked', 'vsc-soon'])
  })

  describe('5,000 certificates: every output under GitHub’s limits, cut with counts', () => {
    // Long names (the most the API allows, some of them escaped in JSON) make the worst case.
    const fleet = classifyCertificates(
      Array.from({ length: 5000 }, (_, i) =>
        listed(`vsc-${String(i).padStart(20, '0')}`, NOW + ((i % 400) - 100) * DAY_MS + 1, {
          name: `${'n'.repeat(90)}"\\${i}`.slice(0, 100)
        })
      ),
      NOW,
      30
    )
    const outputs: Record<string, string> = {}
    const shaped = setReportOutputs(
      { setOutput: (name, value) => (outputs[name] = value) },
      fleet,
      '/runner/_temp/r.json'
    )
    const bytes = (name: string) => Buffer.byteLength(outputs[name] ?? '')

    test('each list output valid JSON, at most 300,000 bytes; all outputs under 1 MB together', () => {
      for (const name of ['certificates', 'expiring', 'expired']) {
        expect(bytes(name)).toBeLessThanOrEqual(MAX_LIST_OUTPUT_BYTES)
        expect(Array.isArray(JSON.parse(outputs[name] ?? ''))).toBe(true)
      }
      const total = Object.entries(outputs).reduce(
        (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
        0
      )
      expect(total).toBeLessThan(1_000_000)
      // Not absurdly short either: the cut falls near the limit.
      expect(bytes('certificates')).toBeGreaterThan(MAX_LIST_OUTPUT_BYTES - 1000)
    })

    test('the most urgent kept: every expired one before any other; the counts whole', () => {
      const listedHere = JSON.parse(outputs['certificates'] ?? '') as { 'cert-id': string }[]
      const expiredIds = new Set(fleet.expired.map(c => c.certId))
      const expiredFirst = Math.min(listedHere.length, fleet.expired.length)
      expect(listedHere.slice(0, expiredFirst).every(c => expiredIds.has(c['cert-id']))).toBe(true)
      expect(listedHere.slice(expiredFirst).some(c => expiredIds.has(c['cert-id']))).toBe(false)
      expect(outputs['certificate-count']).toBe('5000')
      expect(outputs['truncated']).toBe('true')
      expect(shaped.lists.certificates).toMatchObject({ total: 5000, listed: listedHere.length })
      expect(listedHere.length).toBeLessThan(5000)
    })

    test('the warning says what each list holds, of how many, and where all are', () => {
      const { certificates, expiring, expired } = shaped.lists
      // 1,300 expired, 390 expiring: the expiring list fits whole and is not named.
      expect([expired.total, expiring.listed, expiring.total]).toEqual([1300, 390, 390])
      expect(describeTruncation(shaped, '/runner/_temp/r.json')).toBe(
        `The outputs were cut to stay under GitHub's 1 MB limit for outputs, most urgent first (truncated: true): certificates lists ${certificates.listed} of 5000, ` +
          `expired lists ${expired.listed} of 1300. report-file (/runner/_temp/r.json) lists them all.`
      )
      expect(describeTruncation(reportListOutputs(REPORT), '/x')).toBeUndefined()
    })

    test('the report file has them all, in the outputs’ order and shape', () => {
      const file = JSON.parse(reportFileContent(SETTINGS, fleet))
      expect(file).toMatchObject({
        'region-id': 'cn-hangzhou',
        'ssl-vpn-server-id': null,
        checked: '2026-06-01T12:00:00.000Z',
        'warn-days': 30,
        'certificate-count': 5000
      })
      expect(file.certificates).toHaveLength(5000)
      expect(file.expired).toHaveLength(fleet.expired.length)
      expect(
        JSON.stringify(file.certificates).startsWith(outputs['certificates']?.slice(0, -1) ?? '-')
      ).toBe(true)
    })
  })

  test.each([
    [[], 2, '[]', 0],
    [[{ a: 1 }], 2, '[]', 0],
    [[{ a: 1 }], 9, '[{"a":1}]', 1],
    [[{ a: 1 }, { b: 2 }], 16, '[{"a":1}]', 1],
    [[{ a: 1 }, { b: 2 }], 17, '[{"a":1},{"b":2}]', 2],
    [[{ a: 'é' }], 11, '[]', 0],
    [[{ a: 'é' }], 12, '[{"a":"é"}]', 1]
  ])('boundedJsonArray(%j, %d bytes) → %s', (entries, max, json, listedCount) => {
    expect(boundedJsonArray(entries, max)).toEqual({
      json,
      listed: listedCount,
      total: entries.length
    })
  })
})

describe('the job summary', () => {
  test('rows: flagged ones marked, cells escaped, identifiers as code', () => {
    const rows = reportRows(REPORT.certificates)
    expect(rows[0]).toEqual([
      '<strong>expired</strong>',
      'name-gone',
      '<code>vsc-gone</code>',
      '<code>vss-bp1test0001</code>',
      'expired',
      '2024-01-02 03:04 UTC',
      '2026-05-30 12:00 UTC',
      '-2'
    ])
    expect(rows[1]?.[0]).toBe('<strong>expiring</strong>')
    expect(rows[1]?.[1]).toBe('—')
    expect(rows[2]?.[0]).toBe('valid')
    // Names are shape-checked before they get here; the cells escape anyway.
    const [hostile] = reportRows(
      classifyCertificates([listed('vsc-x', NOW, { name: '<img src=x>\n\nhi' })], NOW, 30)
        .certificates
    )
    expect(hostile?.[1]).toBe('&lt;img src=x&gt; hi')
  })

  test('heading, counts, the table and the tracking issue’s line', async () => {
    const { sink, parts } = recordingSummary()
    await writeReportSummary(sink, SETTINGS, REPORT, {
      outcome: {
        action: 'opened',
        issue: {
          number: 7,
          title: 't',
          body: 'b',
          labels: [],
          url: 'https://github.com/acme/vpn/issues/7'
        },
        duplicatesClosed: [9],
        othersLeftAlone: [],
        labelDropped: false
      },
      failure: undefined
    })
    expect(parts[0]).toBe('<h3>SSL-VPN client certificate expiry</h3>')
    expect(parts[1]).toBe(
      '<p>3 certificates of every SSL server in cn-hangzhou: <strong>1 expired</strong>, <strong>1 expiring</strong> (within 30 days, or Status expiring-soon). Checked 2026-06-01 12:00 UTC.</p>'
    )
    expect(parts.join('\n')).toContain(
      '<p>Tracking issue <a href="https://github.com/acme/vpn/issues/7">#7</a>: opened. Closed as duplicates: #9.</p>'
    )
    expect(parts.at(-1)).toBe('(written)')
  })

  test('a failed tracking issue is said, escaped; no token, no issue', async () => {
    const failed = recordingSummary()
    await writeReportSummary(failed.sink, SETTINGS, REPORT, {
      outcome: undefined,
      failure: 'GitHub refused to <open> the tracking issue (HTTP 403)'
    })
    expect(failed.parts.join('\n')).toContain(
      '<p>Tracking issue: not brought up to date: GitHub refused to &lt;open&gt; the tracking issue (HTTP 403)</p>'
    )
    const none = recordingSummary()
    await writeReportSummary(none.sink, SETTINGS, REPORT, {
      outcome: undefined,
      failure: undefined
    })
    expect(none.parts.join('\n')).toContain('<p>Tracking issue: none (no github-token).</p>')
  })

  test('at most 1000 rows; the rest counted', async () => {
    const many = classifyCertificates(
      Array.from({ length: 1003 }, (_, i) => listed(`vsc-n${i}`, NOW + (i + 1) * DAY_MS)),
      NOW,
      30
    )
    const { sink, parts } = recordingSummary()
    await writeReportSummary(sink, SETTINGS, many, { outcome: undefined, failure: undefined })
    expect(JSON.parse(parts[2] ?? '[]')).toHaveLength(1001)
    expect(parts).toContain(
      '<p><strong>Truncated:</strong> the 1000 most urgent are listed above; 3 more are not shown here (no report-file: RUNNER_TEMP is not set).</p>'
    )
  })

  test('long escaped names: the table stays under 512 KiB, the rest counted, report-file named', async () => {
    const many = classifyCertificates(
      Array.from({ length: 1000 }, (_, i) =>
        listed(`vsc-n${i}`, NOW + (i + 1) * DAY_MS, { name: `${'&<>'.repeat(40)}${i}` })
      ),
      NOW,
      30
    )
    const { sink, parts } = recordingSummary()
    await writeReportSummary(
      sink,
      SETTINGS,
      many,
      { outcome: undefined, failure: undefined },
      '/t/r&.json'
    )
    const rows = (JSON.parse(parts[2] ?? '[]') as { data: string }[][]).slice(1)
    const html = rows.map(r => `<tr>${r.map(c => `<td>${c.data}</td>`).join('')}</tr>`).join('')
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(MAX_SUMMARY_TABLE_BYTES)
    expect(rows.length).toBeLessThan(1000)
    expect(parts).toContain(
      `<p><strong>Truncated:</strong> the ${rows.length} most urgent are listed above; ${1000 - rows.length} more are not shown here; report-file lists them all (<code>/t/r&amp;.json</code>).</p>`
    )
  })
})

test('the first log lines say where, how, with which credentials and issue', () => {
  expect(describeReportStart(SETTINGS).split('\n')).toEqual([
    'Reporting the expiry of the SSL-VPN client certificates of every SSL server in cn-hangzhou',
    '  endpoint: https://vpc.cn-hangzhou.aliyuncs.com, signature v3, AccessKey from inputs',
    '  warn-days: 30, fail-on: expiring',
    '  tracking issue: none (no github-token)',
    '  timeout-seconds: 300'
  ])
  const withIssue = describeReportStart({
    ...SETTINGS,
    sslVpnServerId: 'vss-bp1test0001',
    github: {
      token: 'ghs_secret',
      apiUrl: 'https://api.github.com',
      owner: 'acme',
      repo: 'vpn',
      label: 'ssl-vpn-expiry',
      title: 't',
      runUrl: undefined
    }
  })
  expect(withIssue).toContain('of SSL server vss-bp1test0001 in cn-hangzhou')
  expect(withIssue).toContain(
    '  tracking issue: labelled "ssl-vpn-expiry" in acme/vpn (https://api.github.com)'
  )
  expect(withIssue).not.toContain('ghs_secret')
})
