/**
 * One GitHub issue that says which certificates are expired or expiring, kept by every run of the
 * report: opened when something is, rewritten in place on later runs, closed with a comment when
 * nothing is left. The issue is an open one that carries the label AND begins with the report's
 * marker (a hidden HTML comment, {@link BODY_MARKER}, which every body the report writes begins
 * with): a person's issue that merely carries the label is never edited, commented on or closed.
 * Should there be several marked ones (two runs at once, a hand-made copy), the oldest is kept and
 * the others are closed with a comment, so there is never more than one after a run. Every step
 * is safe to repeat, so a run that fails halfway is put right by the next.
 *
 * Why the marker and not the author: the token's identity cannot be asked for with the usual
 * token (GET /user refuses secrets.GITHUB_TOKEN, an app's installation token), and it changes with
 * the token (github-actions[bot] for GITHUB_TOKEN, a person for a personal access token, another
 * bot for an app): a report that required its own author would disown its issue the day its token
 * changes and open a second. The marker is invisible in the rendered issue, so nobody adds it by
 * accident, and only people who may triage issues can set the label.
 *
 * What goes into an issue is what the listing says about each certificate and nothing else: IDs,
 * names, SSL servers, dates, statuses (all checked against their shapes in alibaba/vpc-listing.ts). No key,
 * token or key material exists here to leak.
 */
import { cutText, MAX_SHOWN_TEXT_LENGTH, singleLine } from '../core/text.js'
import {
  formatDate,
  type ClassifiedCertificate,
  type ExpiryReport
} from '../certificates/expiry.js'
import type { IssueClient, TrackedIssue } from '../github/client.js'

/** What the run did to the tracking issue. */
export interface IssueOutcome {
  /**
   * - `opened`: there was none, and something is expired or expiring.
   * - `updated` / `unchanged`: it was rewritten / already said the same.
   * - `closed`: nothing is left, so it was closed with a comment.
   * - `none`: nothing is left, and no issue was open.
   */
  action: 'opened' | 'updated' | 'unchanged' | 'closed' | 'none'
  /** The tracking issue (open after the run, except for `closed`); undefined for `none`. */
  issue: TrackedIssue | undefined
  /** Other open issues with the label and the marker, closed as duplicates. */
  duplicatesClosed: number[]
  /** Open issues with the label but without the marker (a person's): left as they are. */
  othersLeftAlone: number[]
  /** The label was dropped from the new issue (a token without push access may not set labels). */
  labelDropped: boolean
}

/** Where the certificates were listed, for the issue's first line. */
export interface IssueContext {
  regionId: string
  /** Undefined: every SSL server of the region. */
  sslVpnServerId: string | undefined
  label: string
  title: string
  /** This workflow run's page, linked from the issue. */
  runUrl: string | undefined
}

/**
 * Marks the issue body as the report's own (it is rewritten whole on every run): its first line.
 * Unchanged since the first release, so the issues earlier versions opened are still found.
 */
const BODY_MARKER =
  '<!-- ssl-vpn-expiry-report: this issue is rewritten by every run of the report -->'
/** What a body must begin with to be the report's; later wording after the colon still counts. */
const MARKER_PREFIX = '<!-- ssl-vpn-expiry-report:'

/** Whether `issue` is the report's own: its body begins with the marker (leading blanks aside). */
export function isReportIssue(issue: Pick<TrackedIssue, 'body'>): boolean {
  return issue.body.trimStart().startsWith(MARKER_PREFIX)
}
/** GitHub refuses an issue body over 65,536 characters: rows are left out well before that. */
const MAX_BODY_LENGTH = 60_000

/** A cell of a Markdown table for an identifier (shape-checked): a code span keeps it literal. */
const codeSpan = (text: string) => (text === '' ? '—' : `\`${text}\``)

function scope({ regionId, sslVpnServerId }: IssueContext): string {
  return sslVpnServerId === undefined
    ? `every SSL server in \`${regionId}\``
    : `SSL server \`${sslVpnServerId}\` in \`${regionId}\``
}

/**
 * A certificate's name in a cell, literal: names from the API may hold any text but line breaks
 * (answer-text.ts), so the code span's fence is longer than any run of backticks in it, and a pipe,
 * which would end the cell, is escaped (GitHub keeps `\|` a pipe inside a table's code span).
 */
function nameSpan(name: string): string {
  if (name === '') return '—'
  const text = cutText(singleLine(name), MAX_SHOWN_TEXT_LENGTH).replace(/\|/g, '\\|')
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map(run => run.length)) + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

function issueRow(c: ClassifiedCertificate): string {
  return `| ${c.expiry === 'expired' ? '**expired**' : 'expiring'} | ${nameSpan(c.name)} | ${codeSpan(c.certId)} | ${codeSpan(c.sslVpnServerId)} | ${c.status || '—'} | ${formatDate(c.endTime)} | ${c.daysLeft} |`
}

/**
 * The issue's body: what is expired or expiring, soonest first, as a table; when it was checked,
 * and what to do. Rows that would take the body past MAX_BODY_LENGTH are counted, not listed.
 */
export function issueBody(report: ExpiryReport, context: IssueContext): string {
  // The most urgent first, as everywhere in the report: what a cut body keeps needs attention most.
  const flagged = [...report.expired, ...report.expiring]
  const head = [
    BODY_MARKER,
    `SSL-VPN client certificates of ${scope(context)} that have expired or expire within ${report.warnDays} days (or whose Status is \`expiring-soon\`): ${report.expired.length} expired, ${report.expiring.length} expiring, of ${report.certificates.length} listed.`,
    '',
    '| Expiry | Name | Certificate ID | SSL server | Status | Expires | Days left |',
    '| --- | --- | --- | --- | --- | --- | --- |'
  ]
  const checked = `Checked ${formatDate(report.checkedAt)}${context.runUrl ? ` by [this run](${context.runUrl})` : ''}.`
  const tail = [
    '',
    `${checked} A client certificate cannot be renewed: issue a new one to its user, then delete the old one. This issue is rewritten by every run of the report and closed when nothing is left.`
  ]
  const rows: string[] = []
  let length = [...head, ...tail].join('\n').length + 200
  for (const c of flagged) {
    const row = issueRow(c)
    if (length + row.length + 1 > MAX_BODY_LENGTH) break
    rows.push(row)
    length += row.length + 1
  }
  const left = flagged.length - rows.length
  const more =
    left > 0
      ? [
          `| … | ${left} more, not listed here (the report-file output of the report lists them all) | | | | | |`
        ]
      : []
  return [...head, ...rows, ...more, ...tail].join('\n')
}

/** The comment that closes the issue when nothing is left. */
function resolvedComment(report: ExpiryReport, context: IssueContext): string {
  return `Nothing of ${scope(context)} is expired or expires within ${report.warnDays} days any more (checked ${formatDate(report.checkedAt)}${context.runUrl ? ` by [this run](${context.runUrl})` : ''}): closing. The report opens a new issue when a certificate needs attention again.`
}

/**
 * Brings the tracking issue in line with `report`: duplicates closed first (oldest kept), then the
 * one issue opened, rewritten or closed. Returns what was done.
 */
export async function syncTrackingIssue(
  client: IssueClient,
  report: ExpiryReport,
  context: IssueContext
): Promise<IssueOutcome> {
  const labelled = await client.listOpenIssues()
  const open = labelled.filter(isReportIssue)
  const othersLeftAlone = labelled.filter(issue => !isReportIssue(issue)).map(i => i.number)
  const [kept, ...duplicates] = [...open].sort((a, b) => a.number - b.number)
  const duplicatesClosed: number[] = []
  for (const duplicate of duplicates) {
    await client.addComment(
      duplicate.number,
      `Closing: a duplicate of #${kept?.number} (the report keeps one open issue of its own labelled \`${context.label}\`, the oldest).`
    )
    await client.closeIssue(duplicate.number, 'not_planned')
    duplicatesClosed.push(duplicate.number)
  }
  const flagged = report.expired.length + report.expiring.length > 0
  if (!flagged) {
    if (kept === undefined)
      return {
        action: 'none',
        issue: undefined,
        duplicatesClosed,
        othersLeftAlone,
        labelDropped: false
      }
    await client.addComment(kept.number, resolvedComment(report, context))
    await client.closeIssue(kept.number, 'completed')
    return { action: 'closed', issue: kept, duplicatesClosed, othersLeftAlone, labelDropped: false }
  }
  const body = issueBody(report, context)
  if (kept === undefined) {
    const opened = await client.createIssue(context.title, body)
    const labelDropped = !opened.labels.includes(context.label)
    return { action: 'opened', issue: opened, duplicatesClosed, othersLeftAlone, labelDropped }
  }
  if (kept.body === body && kept.title === context.title) {
    return {
      action: 'unchanged',
      issue: kept,
      duplicatesClosed,
      othersLeftAlone,
      labelDropped: false
    }
  }
  await client.updateIssue(kept.number, { title: context.title, body })
  return { action: 'updated', issue: kept, duplicatesClosed, othersLeftAlone, labelDropped: false }
}
