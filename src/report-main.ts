/**
 * The report sub-action (report/action.yml): list the certificates of an SSL server or a region,
 * say which are expired or expiring, keep the tracking issue, fail as `fail-on` asks.
 * {@link runReport} does the work, with everything outside the process handed in as one
 * {@link ReportIo} (the main step's `ActionIo`, less what only it uses), so a test runs it
 * in-process with fakes; {@link run} is the live wrapper.
 *
 * It composes the same pieces as main.ts, in the same order: proxy variables and dispatcher
 * first, settings (secrets masked first), credentials (keys or OIDC), one VPC client with one
 * deadline; then its own service.
 */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { ApiError, CancelledError, ExpectedFailure } from './errors.js'
import {
  classifyCertificates,
  describeFlaggedCertificates,
  failOnVerdict,
  type ExpiryReport
} from './expiry.js'
import { describeFailure } from './failure.js'
import { createIssueClient } from './github-client.js'
import { requestIdToken } from './id-token.js'
import type { ActionIo } from './main.js'
import { obtainCredentials } from './oidc.js'
import { createDispatcher, readProxySettings } from './proxy.js'
import { createSecretRegistry } from './redact.js'
import { readReportSettings, type GitHubSettings, type ReportSettings } from './report-inputs.js'
import {
  describeReportStart,
  describeScope,
  setReportOutputs,
  writeReportSummary
} from './report-outputs.js'
import { DEFAULT_RETRY_POLICY } from './retry.js'
import type { CallContext, RpcDependencies } from './rpc.js'
import { sleep } from './sleep.js'
import { readableStack } from './stack-trace.js'
import { syncTrackingIssue, type IssueOutcome } from './tracking-issue.js'
import { createVpcClient } from './vpc-client.js'

/** Everything the report reads or changes outside itself: the live one, or a test's fakes. */
export type ReportIo = Pick<
  ActionIo,
  | 'getInput'
  | 'env'
  | 'setOutput'
  | 'summary'
  | 'logger'
  | 'now'
  | 'sleep'
  | 'random'
  | 'newNonce'
  | 'createDispatcher'
  | 'signal'
>

/** The report step, as the runner starts it. */
export async function run(): Promise<void> {
  const cancellation = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => {
    if (!cancellation.signal.aborted) {
      cancellation.abort(new CancelledError(`received ${signal}`))
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    await runReport(liveIo(cancellation.signal))
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** The real runner, network, clock and randomness. */
function liveIo(signal: AbortSignal): ReportIo {
  return {
    getInput: (name, options) => core.getInput(name, options),
    env: process.env,
    setOutput: (name, value) => core.setOutput(name, value),
    summary: core.summary,
    logger: {
      info: line => core.info(line),
      warning: line => core.warning(line),
      debug: line => core.debug(line),
      setFailed: message => core.setFailed(message),
      setSecret: secret => core.setSecret(secret)
    },
    now: Date.now,
    sleep,
    random: Math.random,
    newNonce: () => randomBytes(16).toString('hex'),
    createDispatcher,
    signal
  }
}

/**
 * The report with the outside world given. Every input error, API failure, cancellation and bug
 * ends here as one `setFailed` message; a report that was made still sets its outputs and summary
 * when the tracking issue then fails.
 */
export async function runReport(io: ReportIo): Promise<void> {
  const { logger } = io
  const secrets = createSecretRegistry(secret => logger.setSecret(secret))
  let dispatcher: ReturnType<ReportIo['createDispatcher']> | undefined
  let settings: ReportSettings | undefined
  try {
    // First: a proxy variable may carry a password, and a malformed one must fail here, named.
    dispatcher = io.createDispatcher(readProxySettings(io.env, secrets.mask))
    settings = readReportSettings(io.getInput, io.env, secrets.mask)
    logger.info(describeReportStart(settings))
    const deadline = io.now() + settings.timeoutMs
    const log = (line: string) => logger.info(line)
    const rpc: RpcDependencies = {
      dispatcher,
      policy: DEFAULT_RETRY_POLICY,
      now: io.now,
      sleep: io.sleep,
      random: io.random,
      newNonce: io.newNonce,
      signal: io.signal,
      redact: secrets.redact,
      log
    }
    const live = { rpc, mask: secrets.mask, log, env: io.env }
    const credentials = await obtainCredentials(settings, {
      ...live,
      deadline,
      getIDToken: (audience, by) => requestIdToken(audience, { ...live, deadline: by })
    })
    const vpc = createVpcClient({
      rpc,
      deadline,
      mask: secrets.mask,
      target: settings,
      credentials
    })
    const listed = await vpc.listCertificates(settings.sslVpnServerId)
    const report = classifyCertificates(listed, io.now(), settings.warnDays)
    setReportOutputs(io, report)
    logger.info(
      `Listed ${listed.length} ${listed.length === 1 ? 'certificate' : 'certificates'} of ${describeScope(settings)}: ${report.expired.length} expired, ${report.expiring.length} expiring (warn-days ${settings.warnDays}).`
    )

    const issue =
      settings.github === undefined
        ? { outcome: undefined, failure: undefined }
        : await keepTrackingIssue(io, { rpc, deadline }, settings, settings.github, report)
    if (io.env['GITHUB_STEP_SUMMARY']) {
      await writeReportSummary(io.summary, settings, report, {
        outcome: issue.outcome,
        failure: issue.failure?.split('\n')[0]
      })
    }
    finish(io, report, settings, issue.failure)
  } catch (error) {
    if (error instanceof CancelledError) logger.warning(`Cancelled (${error.message}).`)
    logger.setFailed(describeReportFailure(error, settings))
    // A bug, not an expected failure: the stack helps whoever reports it (shown with debug logging).
    if (!(error instanceof ExpectedFailure) && error instanceof Error && error.stack) {
      logger.debug(readableStack(error.stack))
    }
  } finally {
    await dispatcher?.destroy().catch(() => undefined)
  }
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
  const sts =
    settings?.credentials.source === 'oidc'
      ? { origin: settings.credentials.oidc.stsEndpoint.origin, regionId: settings.regionId }
      : undefined
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
