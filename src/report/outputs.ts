/**
 * What the report leaves behind: its first log lines, the step outputs (JSON arrays and counts)
 * and the job summary (every certificate, soonest expiry first, expired and expiring rows marked).
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
  describeCredentials,
  escapeHtml,
  singleLineOutputs,
  type OutputSink,
  type SummarySink
} from '../create/outputs.js'
import type { ReportSettings } from './inputs.js'
import type { IssueOutcome } from './tracking-issue.js'

/** Where the certificates are listed, in words. */
export function describeScope(settings: Pick<ReportSettings, 'regionId' | 'sslVpnServerId'>) {
  return settings.sslVpnServerId === undefined
    ? `every SSL server in ${settings.regionId}`
    : `SSL server ${settings.sslVpnServerId} in ${settings.regionId}`
}

/** The first lines of the log: what the step will do, and how. */
export function describeReportStart(settings: ReportSettings): string {
  const { github } = settings
  return [
    `Reporting the expiry of the SSL-VPN client certificates of ${describeScope(settings)}`,
    `  endpoint: ${settings.endpoint.origin}, signature ${settings.signatureVersion}, ${describeCredentials(settings.credentials)}`,
    `  warn-days: ${settings.warnDays}, fail-on: ${settings.failOn}`,
    github === undefined
      ? '  tracking issue: none (no github-token)'
      : `  tracking issue: labelled ${JSON.stringify(github.label)} in ${github.owner}/${github.repo} (${github.apiUrl})`,
    `  timeout-seconds: ${settings.timeoutMs / 1000}`
  ].join('\n')
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

/** `certificates`, `expiring`, `expired` (JSON arrays, soonest expiry first) and their counts. */
export function setReportOutputs(sink: OutputSink, report: ExpiryReport): void {
  const outputs = singleLineOutputs(sink)
  for (const [name, list] of [
    ['certificates', report.certificates],
    ['expiring', report.expiring],
    ['expired', report.expired]
  ] as const) {
    outputs.setOutput(name, JSON.stringify(list.map(outputEntry)))
  }
  outputs.setOutput('certificate-count', String(report.certificates.length))
  outputs.setOutput('expiring-count', String(report.expiring.length))
  outputs.setOutput('expired-count', String(report.expired.length))
}

/** The most rows in the summary table (a job summary holds 1 MiB); the outputs list them all. */
const MAX_SUMMARY_ROWS = 1000

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

/** The tracking issue's line in the summary. */
function issueLine(outcome: IssueOutcome | undefined, failure: string | undefined): string {
  if (failure !== undefined) return `Tracking issue: not brought up to date: ${cellText(failure)}`
  if (outcome === undefined) return 'Tracking issue: none (no github-token).'
  const { issue } = outcome
  const link =
    issue === undefined
      ? ''
      : issue.url === undefined
        ? `#${issue.number}`
        : `<a href="${escapeHtml(issue.url)}">#${issue.number}</a>`
  const duplicates =
    outcome.duplicatesClosed.length > 0
      ? ` Closed as duplicates: ${outcome.duplicatesClosed.map(n => `#${n}`).join(', ')}.`
      : ''
  const what = {
    opened: `Tracking issue ${link}: opened.`,
    updated: `Tracking issue ${link}: updated.`,
    unchanged: `Tracking issue ${link}: up to date.`,
    closed: `Tracking issue ${link}: closed, nothing is left.`,
    none: 'Tracking issue: none needed.'
  }[outcome.action]
  return `${what}${duplicates}`
}

export async function writeReportSummary(
  summary: SummarySink,
  settings: ReportSettings,
  report: ExpiryReport,
  /** Undefined: no line about a tracking issue (sync's report keeps none). */
  issue: { outcome: IssueOutcome | undefined; failure: string | undefined } | undefined
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
  const rows = reportRows(report.certificates.slice(0, MAX_SUMMARY_ROWS))
  const left = report.certificates.length - rows.length
  const total = report.certificates.length
  await summary
    .addHeading('SSL-VPN client certificate expiry', 3)
    .addRaw(
      `<p>${total} ${total === 1 ? 'certificate' : 'certificates'} of ${cellText(describeScope(settings))}: ` +
        `<strong>${report.expired.length} expired</strong>, <strong>${report.expiring.length} expiring</strong> ` +
        `(within ${report.warnDays} days, or Status expiring-soon). Checked ${formatDate(report.checkedAt)}.</p>`,
      true
    )
    .addTable([
      header.map(data => ({ data, header: true })),
      ...rows.map(row => row.map(data => ({ data })))
    ])
    .addRaw(left > 0 ? `<p>… and ${left} more, in the certificates output.</p>` : '', true)
    .addRaw(issue === undefined ? '' : `<p>${issueLine(issue.outcome, issue.failure)}</p>`, true)
    .write()
}
