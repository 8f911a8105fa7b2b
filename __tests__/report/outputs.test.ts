import { describe, expect, test } from '@jest/globals'
import { classifyCertificates, DAY_MS } from '../../src/certificates/expiry.js'
import type { SummarySink } from '../../src/create/outputs.js'
import type { ReportSettings } from '../../src/report/inputs.js'
import {
  describeReportStart,
  reportRows,
  setReportOutputs,
  writeReportSummary
} from '../../src/report/outputs.js'
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
  github: undefined
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
    setReportOutputs({ setOutput: (name, value) => (outputs[name] = value) }, REPORT)
    expect(Object.keys(outputs).sort()).toEqual([
      'certificate-count',
      'certificates',
      'expired',
      'expired-count',
      'expiring',
      'expiring-count'
    ])
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
      classifyCertificates([], NOW, 30)
    )
    expect(outputs).toMatchObject({ certificates: '[]', expiring: '[]', 'certificate-count': '0' })
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
    expect(parts).toContain('<p>… and 3 more, in the certificates output.</p>')
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
