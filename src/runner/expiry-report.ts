/**
 * What the report leaves behind: its first log lines, the step outputs (JSON arrays and counts),
 * the report file (every certificate, whatever the count) and the job summary (expired and
 * expiring rows first and marked). Each stays under GitHub's limits with room to spare: a JSON
 * output under 300 KB, so the step's three lists, counts included, stay under the 1 MB GitHub
 * keeps for a job's outputs; the summary's table under 512 KiB of the 1 MiB a step's summary may
 * hold. What does not fit is counted, never silently dropped, and the file has it all.
 * The summary's cells follow the main action's rules (outputs.ts: one line, HTML-escaped, cut);
 * outputs are refused if a value could break a line, as there.
 */
import {
  formatDate,
  type ClassifiedCertificate,
  type ExpiryReport
} from '../certificates/expiry.js'
import {
  cellText,
  code,
  escapeHtml,
  singleLineOutputs,
  type OutputSink,
  type SummarySink
} from '../runner/summary.js'
import { oneLineJson } from '../core/text.js'

/** Where the certificates of a report were listed: one SSL server, or every one of the region. */
interface ReportScope {
  regionId: string
  sslVpnServerId: string | undefined
}

/** Where the certificates are listed, in words. */
export function describeScope(settings: ReportScope) {
  return settings.sslVpnServerId === undefined
    ? `every SSL server in ${settings.regionId}`
    : `SSL server ${settings.sslVpnServerId} in ${settings.regionId}`
}

/** Expired first, then expiring, then valid. */
const URGENCY: Record<ClassifiedCertificate['expiry'], number> = {
  expired: 0,
  expiring: 1,
  valid: 2
}

/**
 * The most urgent first: expired, then expiring, then valid, each soonest expiry first (the
 * report's order; the sort is stable). What a cut list keeps is what needs attention.
 */
function mostUrgentFirst(certificates: readonly ClassifiedCertificate[]): ClassifiedCertificate[] {
  return [...certificates].sort((a, b) => URGENCY[a.expiry] - URGENCY[b.expiry])
}

/** One certificate in the JSON outputs (the names report/action.yml documents). */
function outputEntry(c: ClassifiedCertificate) {
  return {
    'cert-id': c.certId,
    name: c.name,
    'ssl-vpn-server-id': c.sslVpnServerId,
    status: c.status,
    created: new Date(c.createTime).toISOString(),
    expires: new Date(c.endTime).toISOString(),
    'days-left': c.daysLeft
  }
}

/**
 * The most UTF-8 bytes of one JSON list output: GitHub keeps at most 1 MB per output of a job; the
 * three lists at this size, with the counts and report-file, stay under 1 MB together, so a job
 * can pass all of them on. About 1,200 certificates fit.
 */
export const MAX_LIST_OUTPUT_BYTES = 300_000

/** A JSON list output, cut to its bytes: how many entries it holds, of how many. */
interface ListOutput {
  json: string
  listed: number
  total: number
}

/**
 * `entries` as a JSON array of at most `maxBytes` UTF-8 bytes: the first entries that fit, whole,
 * in their order; valid JSON however many are left out.
 */
export function boundedJsonArray(entries: readonly object[], maxBytes: number): ListOutput {
  const parts: string[] = []
  let bytes = '[]'.length
  for (const entry of entries) {
    // Names from the listing: U+2028 and the like escaped, so the output stays one line.
    const text = oneLineJson(entry)
    const size = Buffer.byteLength(text) + (parts.length > 0 ? 1 : 0)
    if (bytes + size > maxBytes) break
    parts.push(text)
    bytes += size
  }
  return { json: `[${parts.join(',')}]`, listed: parts.length, total: entries.length }
}

/** The three list outputs' names and what each lists. */
type ListName = 'certificates' | 'expiring' | 'expired'

/** What the report's list outputs hold: each list, and whether any was cut. */
interface ReportOutputs {
  lists: Record<ListName, ListOutput>
  truncated: boolean
}

/** The three lists, most urgent first, each cut to {@link MAX_LIST_OUTPUT_BYTES}. */
export function reportListOutputs(report: ExpiryReport): ReportOutputs {
  const list = (certificates: readonly ClassifiedCertificate[]) =>
    boundedJsonArray(mostUrgentFirst(certificates).map(outputEntry), MAX_LIST_OUTPUT_BYTES)
  const lists = {
    certificates: list(report.certificates),
    expiring: list(report.expiring),
    expired: list(report.expired)
  }
  const truncated = Object.values(lists).some(l => l.listed < l.total)
  return { lists, truncated }
}

/**
 * `certificates`, `expiring`, `expired` (JSON arrays, most urgent first, each cut to fit), their
 * counts (always the whole count), `truncated` and `report-file` ('' when none was written).
 */
export function setReportOutputs(
  sink: OutputSink,
  report: ExpiryReport,
  reportFile: string | undefined
): ReportOutputs {
  const outputs = singleLineOutputs(sink)
  const shaped = reportListOutputs(report)
  for (const [name, list] of Object.entries(shaped.lists)) outputs.setOutput(name, list.json)
  outputs.setOutput('certificate-count', String(report.certificates.length))
  outputs.setOutput('expiring-count', String(report.expiring.length))
  outputs.setOutput('expired-count', String(report.expired.length))
  outputs.setOutput('truncated', String(shaped.truncated))
  outputs.setOutput('report-file', reportFile ?? '')
  return shaped
}

/**
 * The warning for lists that were cut: how many each holds, of how many, and where all of them
 * are. Undefined when nothing was cut.
 */
export function describeTruncation(
  shaped: ReportOutputs,
  reportFile: string | undefined
): string | undefined {
  if (!shaped.truncated) return undefined
  const cut = Object.entries(shaped.lists)
    .filter(([, l]) => l.listed < l.total)
    .map(([name, l]) => `${name} lists ${l.listed} of ${l.total}`)
    .join(', ')
  const where =
    reportFile === undefined
      ? 'RUNNER_TEMP is not set, so no report-file was written.'
      : `report-file (${reportFile}) lists them all.`
  return `The outputs were cut to stay under GitHub's 1 MB limit for outputs, most urgent first (truncated: true): ${cut}. ${where}`
}

/**
 * The report file's content: the three lists whole (most urgent first, the outputs' entries) with
 * their counts, where and when they were listed. JSON, one line.
 */
export function reportFileContent(settings: ReportScope, report: ExpiryReport): string {
  const entries = (certificates: readonly ClassifiedCertificate[]) =>
    mostUrgentFirst(certificates).map(outputEntry)
  return `${oneLineJson({
    'region-id': settings.regionId,
    'ssl-vpn-server-id': settings.sslVpnServerId ?? null,
    checked: new Date(report.checkedAt).toISOString(),
    'warn-days': report.warnDays,
    'certificate-count': report.certificates.length,
    'expiring-count': report.expiring.length,
    'expired-count': report.expired.length,
    certificates: entries(report.certificates),
    expiring: entries(report.expiring),
    expired: entries(report.expired)
  })}\n`
}

/** The most rows in the summary table; report-file lists them all. */
const MAX_SUMMARY_ROWS = 1000
/**
 * The most UTF-8 bytes of the summary table's rows: a step's summary holds at most 1 MiB, and a
 * row of long names, escaped, can take a kilobyte.
 */
export const MAX_SUMMARY_TABLE_BYTES = 512 * 1024
/** What a row costs in the table's HTML besides its cells: `<tr>`, `</tr>`, a `<td></td>` each. */
const rowHtmlBytes = (row: readonly string[]) =>
  Buffer.byteLength(row.join('')) + '<tr></tr>'.length + row.length * '<td></td>'.length

/** The first rows that fit in MAX_SUMMARY_ROWS and MAX_SUMMARY_TABLE_BYTES. */
function summaryTableRows(certificates: readonly ClassifiedCertificate[]): string[][] {
  const rows: string[][] = []
  let bytes = 0
  for (const c of mostUrgentFirst(certificates).slice(0, MAX_SUMMARY_ROWS)) {
    const [row = []] = reportRows([c])
    bytes += rowHtmlBytes(row)
    if (bytes > MAX_SUMMARY_TABLE_BYTES) break
    rows.push(row)
  }
  return rows
}

const MARKS = {
  expired: '<strong>expired</strong>',
  expiring: '<strong>expiring</strong>',
  valid: 'valid'
} as const

/** One summary row per certificate: expiry (flagged ones marked), name, ID, server, Status, created, expires, days left. */
export function reportRows(certificates: readonly ClassifiedCertificate[]): string[][] {
  return certificates.map(c => [
    MARKS[c.expiry],
    cellText(c.name || '—'),
    code(c.certId),
    code(c.sslVpnServerId),
    cellText(c.status || '—'),
    formatDate(c.createTime),
    formatDate(c.endTime),
    String(c.daysLeft)
  ])
}

/**
 * The job summary of an expiry report: counts, one row per certificate (most urgent first, cut to
 * stay under the summary's limit, with what was left out and where it is), then `footer` (HTML of
 * one paragraph; the report action's tracking-issue line).
 */
export async function writeExpirySummary(
  summary: SummarySink,
  scope: ReportScope,
  report: ExpiryReport,
  footer: string | undefined,
  reportFile: string | undefined = undefined
): Promise<void> {
  const header = [
    'Expiry',
    'Name',
    'Certificate ID',
    'SSL server',
    'Status',
    'Created',
    'Expires',
    'Days left'
  ]
  const rows = summaryTableRows(report.certificates)
  const left = report.certificates.length - rows.length
  const where =
    reportFile === undefined
      ? 'not shown here (no report-file: RUNNER_TEMP is not set)'
      : `not shown here; report-file lists them all (<code>${escapeHtml(reportFile)}</code>)`
  const total = report.certificates.length
  await summary
    .addHeading('SSL-VPN client certificate expiry', 3)
    .addRaw(
      `<p>${total} ${total === 1 ? 'certificate' : 'certificates'} of ${cellText(describeScope(scope))}: ` +
        `<strong>${report.expired.length} expired</strong>, <strong>${report.expiring.length} expiring</strong> ` +
        `(within ${report.warnDays} days, or Status expiring-soon). Checked ${formatDate(report.checkedAt)}.</p>`,
      true
    )
    .addTable([
      header.map(data => ({ data, header: true })),
      ...rows.map(row => row.map(data => ({ data })))
    ])
    .addRaw(
      left > 0
        ? `<p><strong>Truncated:</strong> the ${rows.length} most urgent are listed above; ${left} more are ${where}.</p>`
        : '',
      true
    )
    .addRaw(footer === undefined ? '' : `<p>${footer}</p>`, true)
    .write()
}
