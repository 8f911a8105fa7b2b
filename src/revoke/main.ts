/**
 * The revoke action's step (`revoke/action.yml`): read its settings, revoke, report.
 * {@link runRevoke} does the work with the outside world handed in as one {@link ActionIo}, so a
 * test runs it in-process; {@link run} is the live wrapper. Credentials, endpoint, signature,
 * retries, deadline, proxy and redaction are the main action's, through the same composition
 * (composition.ts).
 */
import { deleteClientTokens, readWorkflowRunContext } from '../alibaba/client-token.js'
import { runLive, runStep, type ActionIo, type StepSession } from '../runner/composition.js'
import { CancelledError } from '../core/errors.js'
import { revokeTargets } from '../certificates/revocation.js'
import { readRevokeSettings, type RevokeSettings } from './inputs.js'
import { disconnectionWarning, describeRevokeFailures } from '../runner/revocation-report.js'
import {
  describeAbsent,
  describeRevokeStart,
  setRevokeOutputs,
  writeRevokeSummary
} from './report.js'

/** The revoke step, as the runner starts it. */
export async function run(): Promise<void> {
  await runLive(runRevoke)
}

/**
 * The revoke step with the outside world given: every input error, API failure, cancellation and
 * bug ends as one `setFailed` message; a revocation that failed for some certificates, or was
 * cancelled midway, still sets the outputs and summary of what was done.
 */
export async function runRevoke(io: ActionIo): Promise<void> {
  await runStep(io, {
    readSettings: (io, mask) => readRevokeSettings(io.getInput, io.env, mask),
    run: (settings, session) => revokeAndReport(io, settings, session),
    // Cancelled before the lookups began (e.g. during the keyless exchange): nothing was deleted.
    describeFailure: error =>
      error instanceof CancelledError
        ? `Cancelled (${error.message}) before anything was looked up or deleted: a re-run of this job does the revocation.`
        : undefined
  })
}

async function revokeAndReport(
  io: ActionIo,
  settings: RevokeSettings,
  { deps, connect }: StepSession
): Promise<void> {
  const { logger } = io
  logger.info(describeRevokeStart(settings))
  const run = readWorkflowRunContext(io.env)
  const deleteToken = deleteClientTokens(run, settings.regionId, io.randomClientToken)
  const vpc = await connect()
  const report = await revokeTargets(settings, vpc, { log: deps.log, deleteToken })
  if (report.cancelled) logger.warning(`Cancelled (${report.cancelled.message}).`)
  setRevokeOutputs(io, report)
  const warning = disconnectionWarning(report.revocations, settings.sslVpnServerId)
  if (warning !== undefined) logger.warning(warning)
  const absent = describeAbsent(report, settings)
  if (absent !== undefined && !settings.failIfAbsent) logger.warning(absent)
  if (io.env['GITHUB_STEP_SUMMARY']) await writeRevokeSummary(io.summary, settings, report)
  const failure = [
    describeRevokeFailures(report, settings.timeoutMs / 1000),
    settings.failIfAbsent ? absent : undefined
  ].filter(text => text !== undefined)
  if (failure.length > 0) logger.setFailed(failure.join('\n'))
}
