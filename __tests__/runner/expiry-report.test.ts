/**
 * The expiry report as sync (after apply) and report/ leave it, for certificate names the API
 * allows but a line-oriented reader would split: U+2028 and U+2029 (and U+0085), which
 * JSON.stringify leaves as they are. Every output stays one line with the same names in its JSON,
 * the report file is one line, and the summary shows no such character.
 */
import { describe, expect, test } from '@jest/globals'
import { classifyCertificates } from '../../src/certificates/expiry.js'
import {
  reportFileContent,
  setReportOutputs,
  writeExpirySummary
} from '../../src/runner/expiry-report.js'
import type { SummarySink } from '../../src/runner/summary.js'

const NOW = Date.parse('2026-12-05T08:00:00Z')
const DAY = 24 * 60 * 60 * 1000
const SCOPE = { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-bp1report0001' }
const NAMES = ['two\u2028lines', 'para\u2029graph', 'next\u0085line', 'alice']
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/

const report = classifyCertificates(
  NAMES.map((name, i) => ({
    certId: `vsc-names${i}`,
    name,
    sslVpnServerId: SCOPE.sslVpnServerId,
    status: 'normal',
    createTime: NOW - 100 * DAY,
    // One of each: expired, expiring, valid.
    endTime: NOW + [-1, 5, 300, 400][i]! * DAY,
    requestId: 'REQ-LIST'
  })),
  NOW,
  30
)

describe('the expiry report, names with line separators', () => {
  test('every output is one line, and its JSON holds the names unchanged', () => {
    const outputs: Record<string, string> = {}
    setReportOutputs({ setOutput: (name, value) => (outputs[name] = value) }, report, undefined)
    for (const [name, value] of Object.entries(outputs)) {
      expect([name, LINE_BREAK.test(value)]).toEqual([name, false])
    }
    const listed = JSON.parse(outputs['certificates'] ?? '[]') as { name: string }[]
    expect(listed.map(c => c.name).sort()).toEqual([...NAMES].sort())
    expect(JSON.parse(outputs['expired'] ?? '[]')).toEqual([
      expect.objectContaining({ name: 'two\u2028lines' })
    ])
  })

  test('the report file is one line of JSON with the same names', () => {
    const content = reportFileContent(SCOPE, report)
    expect(LINE_BREAK.test(content.slice(0, -1))).toBe(false)
    const parsed = JSON.parse(content) as { certificates: { name: string }[] }
    expect(parsed.certificates.map(c => c.name).sort()).toEqual([...NAMES].sort())
  })

  test('the summary shows none of them raw', async () => {
    const parts: string[] = []
    const summary: SummarySink = {
      addHeading: text => (parts.push(text), summary),
      addTable: rows => (parts.push(JSON.stringify(rows)), summary),
      addRaw: text => (parts.push(text), summary),
      write: async () => undefined
    }
    await writeExpirySummary(summary, SCOPE, report, undefined)
    const text = parts.join('')
    expect(text).toContain('alice')
    expect(text).not.toMatch(/[\u0085\u2028\u2029]/)
  })
})
