/**
 * The report sub-action (report/action.yml): list the certificates of an SSL server or a region,
 * say which are expired or expiring, keep the tracking issue, fail as `fail-on` asks.
 * {@link runReport} does the work, with everything outside the process handed in as one
 * {@link ReportIo} (the main step's `ActionIo`, less what only it uses), so a test runs it
 * in-process with fakes; {@link run} is the live wrapper.
 *
 * Credentials, endpoint, signature, retries, deadline, proxy and redaction are the main action's,
 * through the same composition (composition.ts).
 */
import {
  runLive,
  runStep,
  stsContext,
  type StepIo,
  type StepSession
} from '../runner/composition.js'
import { ApiError, CancelledError, ExpectedFailure } from '../core/errors.js'
import {
  classifyCertificates,
  describeFlaggedCertificates,
  failOnVerdict,
  type ExpiryReport
} from '../certificates/expiry.js'
import { describeFailure } from '../runner/failure.js'
import { createIssueClient, type GitHubSettings } from '../github/client.js'
import { readReportSettings, type ReportSettings } from './inputs.js'
import { writePrivateFile, type FilePlace } from '../certificates/profile.js'
import {
  describeTruncation,
  reportFileContent,
  setReportOutputs,
  describeScope
} from '../runner/expiry-report.js'
import { describeReportStart, writeReportSummary } from './outputs.js'
import { type CallContext } from '../http/call-context.js'
import { syncTrackingIssue, type IssueOutcome } from './tracking-issue.js'

/** Everything the report reads or changes outside itself: the live one, or a test's fakes. */
export type ReportIo = StepIo & {
  /** Writes the report file (profile.ts `writePrivateFile`: 0600, never through a link). */
  writePrivateFile: typeof writePrivateFile
}

/** How messages name where the report file goes. */
const REPORT_FILE_PLACE: FilePlace = {
  directory: 'RUNNER_TEMP',
  contents: 'the report',
  files: 'report files',
  why: 'the report file is written there'
}

/** The report step, as the runner starts it. */
export async function run(): Promise<void> {
  await runLive(io => runReport({ ...io, writePrivateFile }))
}

/**
 * The report with the outside world given. Every input error, API failure, cancellation and bug
 * ends as one `setFailed` message (composition.ts); a report that was made still sets its outputs
 * and summary when the tracking issue then fails.
 */
export async function runReport(io: ReportIo): Promise<void> {
  await runStep(io, {
    readSettings: (io, mask) => readReportSettings(io.getInput, io.env, mask),
    run: (settings, session) => reportAndTrack(io, settings, session),
    describeFailure: describeReportFailure
  })
}

async function reportAndTrack(
  io: ReportIo,
  settings: ReportSettings,
  { deps, deadline, connect }: StepSession
): Promise<void> {
  const { logger } = io
  logger.info(describeReportStart(settings))
  const vpc = await connect()
  const listed = await vpc.listCertificates(settings.sslVpnServerId)
  const report = classifyCertificates(listed, io.now(), settings.warnDays)
  const reportFile = await writeReportFile(io, settings, report)
  const shaped = setReportOutputs(io, report, reportFile)
  logger.info(
    `Listed ${listed.length} ${listed.length === 1 ? 'certificate' : 'certificates'} of ${describeScope(settings)}: ${report.expired.length} expired, ${report.expiring.length} expiring (warn-days ${settings.warnDays}).`
  )
  const truncation = describeTruncation(shaped, reportFile)
  if (truncation !== undefined) logger.warning(truncation)
  const issue =
    settings.github === undefined
      ? { outcome: undefined, failure: undefined }
      : await keepTrackingIssue(io, { rpc: deps.rpc, deadline }, settings, settings.github, report)
  if (io.env['GITHUB_STEP_SUMMARY']) {
    await writeReportSummary(
      io.summary,
      settings,
      report,
      { outcome: issue.outcome, failure: issue.failure?.split('\n')[0] },
      reportFile
    )
  }
  finish(io, report, settings, issue.failure)
}

/**
 * Writes every certificate to a new file in RUNNER_TEMP (the outputs may be cut; the file never
 * is) and returns its path; undefined, said in the log, when RUNNER_TEMP is not set (not on a
 * runner). The name is new on every run, so two report steps of one job keep their own.
 */
async function writeReportFile(
  io: ReportIo,
  settings: ReportSettings,
  report: ExpiryReport
): Promise<string | undefined> {
  if (settings.reportDir === undefined) {
    io.logger.info('RUNNER_TEMP is not set (not on a runner?): no report-file is written.')
    return undefined
  }
  const fileName = `ssl-vpn-report-${io
    .newNonce()
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 32)}.json`
  const path = await io.writePrivateFile(
    settings.reportDir,
    fileName,
    reportFileContent(settings, report),
    REPORT_FILE_PLACE,
    line => io.logger.info(line)
  )
  io.logger.info(`Wrote every certificate to ${path} (the report-file output).`)
  return path
}

/**
 * Brings the tracking issue in line with the report; its number is an output. A refusal (403,
 * unreachable GitHub…) is returned as the failure message, for the step to end with after the
 * summary is written; a bug or a cancellation is thrown.
 */
async function keepTrackingIssue(
  io: ReportIo,
  context: CallContext,
  settings: ReportSettings,
  github: GitHubSettings,
  report: ExpiryReport
): Promise<{ outcome: IssueOutcome | undefined; failure: string | undefined }> {
  let outcome: IssueOutcome
  try {
    const client = await createIssueClient({ ...context, settings: github })
    outcome = await syncTrackingIssue(client, report, {
      regionId: settings.regionId,
      sslVpnServerId: settings.sslVpnServerId,
      label: github.label,
      title: github.title,
      runUrl: github.runUrl
    })
  } catch (error) {
    if (!(error instanceof ExpectedFailure) || error instanceof CancelledError) throw error
    return { outcome: undefined, failure: describeReportFailure(error, settings) }
  }
  const { issue } = outcome
  const at = issue === undefined ? '' : ` #${issue.number}${issue.url ? ` (${issue.url})` : ''}`
  if (outcome.othersLeftAlone.length > 0) {
    const numbers = outcome.othersLeftAlone.map(n => `#${n}`).join(', ')
    io.logger.info(
      `Left ${outcome.othersLeftAlone.length === 1 ? 'issue' : 'issues'} ${numbers} as they are: labelled ${JSON.stringify(github.label)}, but not the report's own (their body does not begin with the report's marker).`
    )
  }
  for (const number of outcome.duplicatesClosed) {
    io.logger.info(`Closed issue #${number}: a duplicate of the tracking issue.`)
  }
  io.logger.info(
    {
      opened: `Opened the tracking issue${at}.`,
      updated: `Updated the tracking issue${at}.`,
      unchanged: `The tracking issue${at} is up to date.`,
      closed: `Closed the tracking issue${at}: nothing is expired or expiring.`,
      none: 'No tracking issue needed: nothing is expired or expiring.'
    }[outcome.action]
  )
  if (outcome.labelDropped) {
    io.logger.warning(
      `GitHub opened issue${at} without the label ${JSON.stringify(github.label)} (a token without push access may not set labels), so the next run will not find it: add the label by hand, or use a token that may set it.`
    )
  }
  io.setOutput('issue-number', outcome.action === 'closed' || !issue ? '' : String(issue.number))
  return { outcome, failure: undefined }
}

/**
 * How the step ends: failed as `fail-on` asks and/or because the tracking issue could not be
 * kept (one message, both said); a warning for what is expired or expiring and does not fail it.
 */
function finish(
  io: ReportIo,
  report: ExpiryReport,
  settings: ReportSettings,
  issueFailure: string | undefined
): void {
  const verdict = failOnVerdict(report, settings.failOn)
  const flagged = describeFlaggedCertificates(report)
  // What fail-on does not fail on is still worth an annotation.
  if (verdict === undefined && flagged !== undefined) io.logger.warning(flagged)
  const failures = [issueFailure, verdict].filter((m): m is string => m !== undefined)
  if (failures.length > 0) io.logger.setFailed(failures.join('\n'))
}

const FORBIDDEN_CODES = new Set(['Forbidden', 'Forbbiden.SubUser'])

/**
 * The failure message: as the main action words it (failure.ts), with the report's own hint where
 * the main action's would name its own operation.
 */
function describeReportFailure(error: unknown, settings: ReportSettings | undefined): string {
  const timeoutSeconds = settings ? settings.timeoutMs / 1000 : undefined
  const sts = stsContext(settings)
  if (error instanceof CancelledError) {
    return 'The workflow was cancelled before the report was complete.'
  }
  const message = describeFailure(error, { clientToken: undefined, timeoutSeconds, sts })
  if (error instanceof ApiError && FORBIDDEN_CODES.has(error.code)) {
    const [first] = message.split('\n')
    return `${first}\nThe RAM identity behind these keys lacks permission: grant it vpc:DescribeSslVpnClientCerts (docs/report.md, "Permissions").`
  }
  return message
}
