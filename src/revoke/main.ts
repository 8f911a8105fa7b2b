/**
 * The revoke action's step (`revoke/action.yml`): read its settings, revoke, report.
 * {@link runRevoke} does the work with the outside world handed in as one {@link ActionIo}, so a
 * test runs it in-process; {@link run} is the live wrapper. Credentials, endpoint, signature,
 * retries, deadline, proxy and redaction are the main action's, through the same composition
 * (composition.ts).
 */
import { deleteClientTokens, readWorkflowRunContext } from '../alibaba/client-token.js'
import { runLive, runStep, type ActionIo, type StepSession } from '../runner/composition.js'
import { revokeTargets } from '../certificates/revocation.js'
import { readRevokeSettings } from './inputs.js'
import {
  describeRevokeFailures,
  describeRevokeStart,
  disconnectionWarning,
  setRevokeOutputs,
  writeRevokeSummary
} from './report.js'
import type { RevokeSettings } from '../alibaba/settings.js'

/** The revoke step, as the runner starts it. */
export async function run(): Promise<void> {
  await runLive(runRevoke)
}

/**
 * The revoke step with the outside world given: every input error, API failure, cancellation and
 * bug ends as one `setFailed` message; a revocation that failed for some certificates still sets
 * the outputs of the others.
 */
export async function runRevoke(io: ActionIo): Promise<void> {
  await runStep(io, {
    readSettings: (io, mask) => readRevokeSettings(io.getInput, io.env, mask),
    run: (settings, session) => revokeAndReport(io, settings, session)
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
  setRevokeOutputs(io, report)
  const warning = disconnectionWarning(report.revocations, settings.sslVpnServerId)
  if (warning !== undefined) logger.warning(warning)
  if (io.env['GITHUB_STEP_SUMMARY']) await writeRevokeSummary(io.summary, settings, report)
  const failure = describeRevokeFailures(report, settings.timeoutMs / 1000)
  if (failure !== undefined) logger.setFailed(failure)
}
