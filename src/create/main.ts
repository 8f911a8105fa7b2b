/**
 * The main step: read the settings, obtain the certificates, report. {@link runAction} does the
 * work, with everything outside the process (runner, network, clock, randomness, files,
 * cancellation) handed in as one {@link ActionIo}, so a test runs it in-process with fakes;
 * {@link run} is the live wrapper. What every action composes the same way (secrets, proxy,
 * credentials, the VPC client, failures) is composition.ts's.
 */
import { profileRecorder, STATE_PROFILES } from '../runner/cleanup.js'
import { STATE_IS_POST } from '../runner/phase.js'
import { deleteClientTokens, readWorkflowRunContext } from '../alibaba/client-token.js'
import {
  runLive,
  runStep,
  stsContext,
  type ActionIo,
  type StepSession
} from '../runner/composition.js'
import { describeBatchFailure, describeFailure } from '../runner/failure.js'
import { CancelledError } from '../core/errors.js'
import { readSettings, type Settings } from './inputs.js'
import { obtainCertificates, type CertificateOutcome } from '../certificates/onboarding.js'
import { describeStart, setOutputs, writeSummary } from './outputs.js'
import {
  describeCancelledBatch,
  describeCancelledRotation,
  describeCreatedBeforeFailure,
  describeReplaceFailures,
  replacedRevocations,
  setReplacedOutput
} from './replace-report.js'
import { disconnectionWarning } from '../runner/revocation-report.js'

export type { ActionIo } from '../runner/composition.js'

/** The action's main step, as the runner starts it. */
export async function run(): Promise<void> {
  await runLive(runAction)
}

/**
 * The main step with the outside world given: every input error, API failure, cancellation and
 * bug ends as one `setFailed` message (a batch that obtained some certificates still sets their
 * outputs).
 */
export async function runAction(io: ActionIo): Promise<void> {
  // First, so the post step (the same bundle) knows it is the post step whatever happens here.
  io.saveState(STATE_IS_POST, 'true')
  await runStep(io, {
    readSettings: (io, mask) => readSettings(io.getInput, io.env, mask, io.randomClientToken),
    clientToken: singleToken,
    run: (settings, session) => obtainAndReport(io, settings, session)
  })
}

async function obtainAndReport(
  io: ActionIo,
  settings: Settings,
  { deps, connect, deadline }: StepSession
): Promise<void> {
  const { logger } = io
  // Known before the first call, so a failed or cancelled step still tells which token to re-use.
  const token = singleToken(settings)
  if (token !== undefined) io.setOutput('client-token', token)
  logger.info(describeStart(settings))
  // A config-dir that will be refused fails the step before any certificate is made.
  if (settings.configDir !== undefined) {
    await io.prepareConfigDir(settings.configDir, line => logger.info(line), io.signal)
  }
  const recordProfile = profileRecorder(settings.keepProfiles, value =>
    io.saveState(STATE_PROFILES, value)
  )
  const writeFile = async (dir: string, fileName: string, content: string | Uint8Array) => {
    const path = await io.writeProfile(dir, fileName, content, deps.log, io.signal)
    // At once, so the post step removes it even when a later name fails the step.
    recordProfile(path)
    return path
  }
  // With if-exists: replace, each delete of an old certificate has its own ClientToken.
  const run = readWorkflowRunContext(io.env)
  const deleteToken = deleteClientTokens(run, settings.regionId, io.randomClientToken)
  // Every key given is read before the first network call; the encryption code and Octokit are
  // loaded only when a recipient is given (start-up).
  const sealerFor = settings.targets.some(t => (t.recipients?.length ?? 0) > 0)
    ? (await import('../delivery/deliver.js')).prepareDelivery(settings, { ...deps, deadline })
    : undefined
  const vpc = await connect()
  const rotation = settings.ifExists === 'replace'
  const timeoutSeconds = settings.timeoutMs / 1000
  // Filled as each name ends, the one under way when a cancellation came included.
  const outcomes: CertificateOutcome[] = []
  let cancelled: CancelledError | undefined
  try {
    await obtainCertificates(
      settings,
      vpc,
      { ...deps, writeFile, deleteToken, sealerFor },
      outcomes
    )
  } catch (error) {
    // A batch or a rotation cancelled midway may have created (and deleted) certificates: the
    // outputs, the summary and the error say which below. One certificate alone: the usual error.
    if (!(error instanceof CancelledError) || (!rotation && settings.targets.length === 1)) {
      throw error
    }
    cancelled = error
    logger.warning(`Cancelled (${error.message}).`)
  }
  setOutputs(io, outcomes, { rotation })
  if (rotation) {
    setReplacedOutput(io, outcomes)
    const warning = disconnectionWarning(replacedRevocations(outcomes), settings.sslVpnServerId)
    if (warning !== undefined) logger.warning(warning)
  }
  if (io.env['GITHUB_STEP_SUMMARY']) {
    await writeSummary(io.summary, settings, outcomes, deps.usage, cancelled)
  }
  if (cancelled) {
    logger.setFailed(
      rotation
        ? describeCancelledRotation(settings.targets, outcomes, cancelled, timeoutSeconds, token)
        : describeCancelledBatch(settings.targets, outcomes, cancelled)
    )
    return
  }
  const failed = outcomes.filter(o => !o.ok)
  const created = rotation ? describeCreatedBeforeFailure(outcomes) : undefined
  const [only] = outcomes
  if (outcomes.length === 1 && only && !only.ok) {
    if (created === undefined) throw only.error
    const context = { clientToken: token, timeoutSeconds, sts: stsContext(settings) }
    logger.setFailed(`${describeFailure(only.error, context)}\n${created}`)
    return
  }
  const messages = [
    failed.length > 0 ? describeBatchFailure(outcomes, timeoutSeconds) : undefined,
    created,
    describeReplaceFailures(outcomes, timeoutSeconds)
  ].filter(m => m !== undefined)
  if (messages.length > 0) logger.setFailed(messages.join('\n'))
}

/** The clientToken worth re-using after a failure: the only one, for a single certificate. */
function singleToken(settings: Settings | undefined): string | undefined {
  return settings?.targets.length === 1 ? settings.targets[0]?.clientToken : undefined
}
