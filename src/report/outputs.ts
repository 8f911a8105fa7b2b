/**
 * The report action's own words: its first log lines and the tracking issue's line in the job
 * summary. The outputs, the report file and the summary's table are runner/expiry-report.ts's,
 * which sync shares.
 */
import type { IssueOutcome } from './tracking-issue.js'
import type { ReportSettings } from './inputs.js'
import type { ExpiryReport } from '../certificates/expiry.js'
import { describeScope, writeExpirySummary } from '../runner/expiry-report.js'
import { cellText, describeCredentials, escapeHtml, type SummarySink } from '../runner/summary.js'

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

/** The job summary: {@link writeExpirySummary}, then the tracking issue's line. */
export function writeReportSummary(
  summary: SummarySink,
  settings: ReportSettings,
  report: ExpiryReport,
  issue: { outcome: IssueOutcome | undefined; failure: string | undefined },
  reportFile: string | undefined = undefined
): Promise<void> {
  return writeExpirySummary(
    summary,
    settings,
    report,
    issueLine(issue.outcome, issue.failure),
    reportFile
  )
}
