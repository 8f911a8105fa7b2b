/**
 * The sync sub-action's step (sync/action.yml): read the settings and the roster (a bad one fails
 * here, before any network call), list the SSL server, plan, and then either show the plan (job
 * summary, one pull-request comment, outputs) or carry it out and end with the expiry report.
 * {@link runSync} does the work with the outside world handed in as one {@link SyncIo}, so a test
 * runs it in-process; {@link run} is the live wrapper. Credentials, endpoint, signature, retries,
 * deadline, proxy and redaction are the other actions', through the same composition.
 */
import { constants } from 'node:fs'
import { open, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deleteClientTokens, readWorkflowRunContext } from '../alibaba/client-token.js'
import {
  runLive,
  runStep,
  type ActionIo,
  type StepIo,
  type StepSession
} from '../runner/composition.js'
import { CancelledError, ExpectedFailure, InputError } from '../core/errors.js'
import {
  classifyCertificates,
  describeFlaggedCertificates,
  formatDate
} from '../certificates/expiry.js'
import { describeBatchFailure, describeFailure } from '../runner/failure.js'
import { createCommentClient } from '../github/client.js'
import { cellText, code, describeCredentials } from '../runner/summary.js'
import { setReportOutputs, writeExpirySummary } from '../runner/expiry-report.js'
import { describeRevokeFailures, disconnectionWarning } from '../runner/revocation-report.js'
import { type CallContext } from '../http/call-context.js'
import type { ListedCertificate, VpcClient } from '../alibaba/vpc-client.js'
import type { DeliveryTarget } from '../certificates/requests.js'
import type { OnboardingDependencies, SealedKey } from '../certificates/onboarding.js'
import { applyPlan, type ApplyReport } from './apply.js'
import { readSyncSettings, type PullRequestTarget, type SyncSettings } from './inputs.js'
import {
  checkRedeliverNames,
  checkRosterAgainstIgnore,
  computePlan,
  massRevocationRefusal,
  redeliveryRefusal,
  type Plan
} from './plan.js'
import { keepPlanComment, planMarkdown, type PlanContext } from './plan-comment.js'
import { fullPlan, setApplyOutputs, setPlanOutputs } from './outputs.js'
import { MAX_ROSTER_BYTES, parseRoster } from './roster.js'

/** Everything sync reads or changes outside itself: the live one, or a test's fakes. */
export type SyncIo = StepIo &
  Pick<ActionIo, 'randomClientToken' | 'prepareConfigDir' | 'writeProfile'> & {
    /** The roster file's text (at most MAX_ROSTER_BYTES + 1 bytes of it). */
    readRoster: (path: string) => Promise<string>
    /** Writes the full plan (JSON) where later steps can read it; returns the path. */
    writePlanFile: (fileName: string, json: string) => Promise<string>
  }

/** The sync step, as the runner starts it. */
export async function run(): Promise<void> {
  await runLive(io =>
    runSync({ ...io, readRoster: readRosterFile, writePlanFile: planFileWriter(io.env) })
  )
}

/**
 * The sync step with the outside world given: every input error (a bad roster included), API
 * failure, cancellation and bug ends as one `setFailed` message (composition.ts).
 */
export async function runSync(io: SyncIo): Promise<void> {
  await runStep(io, {
    readSettings: (io, mask) => readSyncSettings(io.getInput, io.env, mask),
    run: (settings, session) => sync(io, settings, session)
  })
}

async function sync(io: SyncIo, settings: SyncSettings, session: StepSession): Promise<void> {
  const { logger } = io
  logger.info(describeSyncStart(settings))
  const roster = parseRoster(
    await io.readRoster(settings.rosterFile.path).catch(rosterUnreadable(settings)),
    settings.rosterFile.given
  )
  checkRosterAgainstIgnore(roster, settings.ignore)
  checkRedeliverNames(settings.redeliver, roster, settings.ignore, io.now())
  // The delivery code loads only for a roster that names a recipient; its keys are read with
  // delivery's own parser here, before any network call.
  const delivery = roster.entries.some(e => e.recipient !== undefined)
    ? await import('./delivery.js')
    : undefined
  delivery?.checkRosterKeys(roster)
  // Where `github:` accounts are read: by apply before each create, by plan for the creates it shows.
  const github = delivery?.readGitHubKeySettings(roster, io.env, settings.githubToken)
  if (delivery !== undefined && settings.mode === 'apply' && settings.configDir === undefined) {
    logger.warning(
      'The roster names recipients, but config-dir is empty: no profile is written or encrypted. Set config-dir to deliver the profiles of new certificates, encrypted to their recipients.'
    )
  }
  logger.info(
    `Roster ${settings.rosterFile.given}: ${roster.entries.length} ${roster.entries.length === 1 ? 'entry' : 'entries'}.`
  )
  if (settings.mode === 'apply' && settings.configDir !== undefined) {
    await io.prepareConfigDir(settings.configDir, line => logger.info(line))
  }
  const vpc = await session.connect()
  // An inconsistent listing is thrown by the client (vpc-client.ts): no plan, nothing changed.
  const listing = await vpc.listCertificates(settings.sslVpnServerId)
  const checkedAt = io.now()
  let plan = computePlan(roster, listing, {
    now: checkedAt,
    warnDays: settings.warnDays,
    rotate: settings.rotate,
    ignore: settings.ignore,
    redeliver: settings.redeliver
  })
  // Plan mode reads the `github:` accounts of the creates as apply will, so the plan shows their
  // keys and a name apply would fail fails the plan (after its summary, comment and outputs).
  let recipientFailure: string | undefined
  if (settings.mode === 'plan' && delivery !== undefined && github !== undefined) {
    const checked = await delivery.checkPlannedRecipients(
      plan,
      settings.rosterFile.given,
      delivery.createGitHubKeysReader({
        ...session.deps,
        deadline: session.deadline,
        settings: github
      }),
      line => logger.info(line)
    )
    plan = checked.plan
    recipientFailure = checked.failure
    for (const warning of checked.warnings) logger.warning(warning)
  }
  // Either refusal stops the apply before any change; plan mode shows the plan and fails.
  const refusals = [
    massRevocationRefusal(plan, settings.maxRevocations, settings.allowMassRevocation),
    redeliveryRefusal(plan)
  ].filter((m): m is string => m !== undefined)
  const refusal = refusals.length === 0 ? undefined : refusals.join('\n')
  logger.info(describePlan(plan, listing))
  const planFile = await io.writePlanFile(
    `ssl-vpn-sync-plan-${settings.sslVpnServerId}.json`,
    JSON.stringify(fullPlan(plan, { ...settings, checkedAt }), null, 2)
  )
  setPlanOutputs(io, plan, planFile)
  const context: PlanContext = {
    regionId: settings.regionId,
    sslVpnServerId: settings.sslVpnServerId,
    rosterFile: settings.rosterFile.given,
    mode: settings.mode,
    checkedAt,
    refusal,
    runUrl: typeof settings.pullRequest === 'object' ? settings.pullRequest.runUrl : undefined
  }
  const markdown = planMarkdown(plan, context)
  if (settings.mode === 'plan' || refusal !== undefined) {
    if (io.env['GITHUB_STEP_SUMMARY']) await io.summary.addRaw(markdown, true).write()
    const commentFailure =
      settings.mode === 'plan'
        ? await commentOnPullRequest(io, settings, session, markdown)
        : undefined
    const failures = [refusal, recipientFailure, commentFailure].filter(
      (m): m is string => m !== undefined
    )
    if (failures.length > 0) logger.setFailed(failures.join('\n'))
    return
  }
  const prepareDelivery = delivery
    ? ({ targets }: { targets: readonly DeliveryTarget[] }) =>
        delivery.prepareDelivery(
          { targets, ...(github ? { github } : {}) },
          { ...session.deps, deadline: session.deadline }
        )
    : undefined
  await applyAndReport(io, settings, session, vpc, plan, markdown, prepareDelivery)
}

/** The first lines of the log. */
function describeSyncStart(settings: SyncSettings): string {
  return [
    `Syncing the SSL-VPN client certificates of ${settings.sslVpnServerId} (${settings.regionId}) with ${settings.rosterFile.given}: mode ${settings.mode}`,
    `  endpoint: ${settings.endpoint.origin}, signature ${settings.signatureVersion}, ${describeCredentials(settings.credentials)}`,
    `  rotate: ${settings.rotate} (warn-days ${settings.warnDays}), ignore: ${settings.ignore.map(p => p.glob).join(', ') || 'none'}, max-revocations: ${settings.maxRevocations}${settings.allowMassRevocation ? ' (allow-mass-revocation)' : ''}`,
    `  profiles: ${settings.configDir === undefined ? 'none (no config-dir)' : settings.configDir}${settings.redeliver.length === 0 ? '' : `, redeliver: ${settings.redeliver.join(', ')}`}, timeout-seconds: ${settings.timeoutMs / 1000}`
  ].join('\n')
}

function describePlan(plan: Plan, listing: readonly ListedCertificate[]): string {
  const redeliver = plan.redeliver.flatMap(r =>
    r.action === 'deliver'
      ? [`${r.name} (${r.certId}${r.kept > 1 ? `, the oldest usable of ${r.kept}` : ''})`]
      : []
  )
  return `Listed ${listing.length} ${listing.length === 1 ? 'certificate' : 'certificates'}. Plan: ${plan.create.length} to create, ${plan.revoke.length} to revoke, ${plan.keep.length} kept, ${plan.ignored.length} ignored.${redeliver.length === 0 ? '' : ` Re-deliver: ${redeliver.join(', ')}.`}`
}

/**
 * The plan comment on the pull request (plan mode with github-token). A refusal by GitHub is
 * returned as the failure to end with; a run that is not for a pull request only says so.
 */
async function commentOnPullRequest(
  io: SyncIo,
  settings: SyncSettings,
  session: StepSession,
  markdown: string
): Promise<string | undefined> {
  const target = settings.pullRequest
  if (target === undefined) return undefined
  if (target === 'no-pull-request') {
    io.logger.info('Not a pull request run (GITHUB_REF is not refs/pull/…): no plan comment.')
    return undefined
  }
  try {
    const outcome = await keepPlanComment(
      await commentClient({ rpc: session.deps.rpc, deadline: session.deadline }, target),
      settings.sslVpnServerId,
      markdown
    )
    io.logger.info(
      {
        created: 'Commented',
        updated: 'Updated the plan comment',
        unchanged: 'The plan comment is up to date'
      }[outcome] + ` on pull request #${target.number}.`
    )
    io.setOutput('comment', outcome)
    return undefined
  } catch (error) {
    if (!(error instanceof ExpectedFailure) || error instanceof CancelledError) throw error
    return `The plan comment on pull request #${target.number} could not be kept: ${error.message} (with secrets.GITHUB_TOKEN, give the job permissions: pull-requests: write).`
  }
}

function commentClient(context: CallContext, target: PullRequestTarget) {
  return createCommentClient({ ...context, settings: target, issueNumber: target.number })
}

async function applyAndReport(
  io: SyncIo,
  settings: SyncSettings,
  { deps }: StepSession,
  vpc: VpcClient,
  plan: Plan,
  markdown: string,
  prepareDelivery:
    | ((settings: { targets: readonly DeliveryTarget[] }) => OnboardingDependencies['sealerFor'])
    | undefined
): Promise<void> {
  const { logger } = io
  const run = readWorkflowRunContext(io.env)
  const deleteToken = deleteClientTokens(run, settings.regionId, io.randomClientToken)
  const writeFile = (dir: string, fileName: string, content: string | Uint8Array) =>
    io.writeProfile(dir, fileName, content, deps.log, io.signal)
  const report = await applyPlan(
    plan,
    settings,
    vpc,
    {
      ...deps,
      writeFile,
      deleteToken,
      now: io.now,
      randomClientToken: io.randomClientToken,
      prepareDelivery
    },
    run
  )
  setApplyOutputs(io, report.creates, report.redeliveries, report.revocations)
  const warning = disconnectionWarning(report.revocations, settings.sslVpnServerId)
  if (warning !== undefined) logger.warning(warning)
  // The report, as report/ makes it, on the listing after the changes.
  const after = classifyCertificates(
    await vpc.listCertificates(settings.sslVpnServerId),
    io.now(),
    settings.warnDays
  )
  setReportOutputs(io, after, undefined)
  const flagged = describeFlaggedCertificates(after)
  if (flagged !== undefined) logger.warning(flagged)
  if (io.env['GITHUB_STEP_SUMMARY']) {
    await io.summary.addRaw(markdown, true).addRaw(`\n\n${applyLine(report, settings)}\n`, true)
    await writeExpirySummary(io.summary, settings, after, undefined)
  }
  const failures = [
    report.creates.some(o => !o.ok)
      ? describeBatchFailure(report.creates, settings.timeoutMs / 1000)
      : undefined,
    report.revocationsSkipped
      ? `No certificate was revoked because a create failed: re-run to finish (the plan is made again; what was created is kept).`
      : undefined,
    undeliveredProfiles(report, plan, after.certificates, settings),
    failedRedeliveries(report, settings.timeoutMs / 1000),
    describeRevokeFailures(
      { resolutions: [], revocations: report.revocations, dryRun: false },
      settings.timeoutMs / 1000
    )
  ].filter((m): m is string => m !== undefined)
  if (failures.length > 0) logger.setFailed(failures.join('\n'))
}

/**
 * New names whose create failed but which the listing after apply shows: created, their profile
 * not written (the wait ran out, the disk failed). The re-run plans them as kept and writes no
 * profile unless asked to, so the message says how: `redeliver`. Undefined when there is none.
 */
function undeliveredProfiles(
  report: ApplyReport,
  plan: Plan,
  listedAfter: readonly { name: string }[],
  settings: SyncSettings
): string | undefined {
  if (settings.configDir === undefined) return undefined
  const failed = new Set(report.creates.filter(o => !o.ok).map(o => o.requested))
  const names = plan.create
    .filter(c => c.reason === 'new' && failed.has(c.name))
    .map(c => c.name)
    .filter(name => listedAfter.some(c => c.name === name))
  if (names.length === 0) return undefined
  return `${names.join(', ')}: created, but ${names.length === 1 ? 'its profile was' : 'their profiles were'} not written; a re-run keeps ${names.length === 1 ? 'it' : 'them'} without writing one. Re-run apply with redeliver: ${names.join(', ')} (and the same config-dir) to write ${names.length === 1 ? 'it' : 'them'} from the certificate${names.length === 1 ? '' : 's'} created; nothing more is created.`
}

/**
 * The redeliveries that failed, one line each: the name, the certificate, and why (a message of
 * the API, the disk or GitHub: never key material, which is masked and never put in an error).
 * Undefined when none failed.
 */
function failedRedeliveries(report: ApplyReport, timeoutSeconds: number): string | undefined {
  const failed = report.redeliveries.flatMap(r => (r.ok ? [] : [r]))
  if (failed.length === 0) return undefined
  return [
    `${failed.length} of ${report.redeliveries.length} profiles were not re-delivered (nothing was created for them; re-run with the same redeliver once the cause is fixed):`,
    ...failed.map(
      r =>
        `- ${r.name} (${r.certId}): ${describeFailure(r.error, { clientToken: undefined, timeoutSeconds }).split('\n').join(' ')}`
    )
  ].join('\n')
}

/** What apply did, in one paragraph: creates, and when the revocation window was. */
function applyLine(report: ApplyReport, settings: SyncSettings): string {
  const created = report.creates.filter(o => o.ok).length
  const revoked = report.revocations.filter(r => r.ok).length
  const window =
    report.window === undefined
      ? 'No certificate was revoked, so no client was disconnected.'
      : `Revoked ${revoked} back to back between ${formatDate(report.window.startedAt).replace(' UTC', '')}:${seconds(report.window.startedAt)} and ${formatDate(report.window.endedAt).replace(' UTC', '')}:${seconds(report.window.endedAt)} UTC: clients of <code>${settings.sslVpnServerId}</code> were disconnected in that window.`
  const redelivered =
    report.redeliveries.length === 0
      ? ''
      : ` Re-delivered ${report.redeliveries.filter(r => r.ok).length} of ${report.redeliveries.length} (no certificate created for them).`
  return `<p><strong>Applied:</strong> created ${created} of ${report.creates.length}.${redelivered} ${window}</p>${profilesList(report)}`
}

/**
 * The profiles written, one list item each (one line: every part is a cell's text or a code
 * span): the file and, when encrypted, the keys that open it, so each person can check theirs is
 * one (`ssh-keygen -l -f ~/.ssh/id_ed25519.pub`).
 */
function profilesList(report: ApplyReport): string {
  const keysOf = (encryptedTo: readonly SealedKey[] | undefined) =>
    encryptedTo === undefined
      ? ' (not encrypted: no recipient)'
      : `, encrypted to ${encryptedTo.map(k => `${cellText(k.type)} ${code(k.fingerprint)} (${cellText(k.from)})`).join(', ')}`
  const items = [
    ...report.creates.flatMap(o => {
      if (!o.ok || o.configFile === undefined) return []
      return [
        `<li>${cellText(o.requested ?? o.name)}: ${code(o.configFile)}${keysOf(o.encryptedTo)}</li>`
      ]
    }),
    ...report.redeliveries.flatMap(r =>
      r.ok
        ? [
            `<li>${cellText(r.name)}: ${code(r.configFile)}${keysOf(r.encryptedTo)}, re-delivered from ${code(r.certId)}</li>`
          ]
        : []
    )
  ]
  return items.length === 0 ? '' : `\n<p>Profiles:</p><ul>${items.join('')}</ul>`
}

const seconds = (ms: number) => new Date(ms).toISOString().slice(17, 19)

/** Why the roster file could not be read, as an input error that says where it was looked for. */
function rosterUnreadable(settings: SyncSettings) {
  return (error: unknown): never => {
    const code = (error as { code?: unknown } | null)?.code
    const what =
      code === 'ENOENT'
        ? 'does not exist in the workspace; check out the repository first (actions/checkout), or set roster-file'
        : code === 'ELOOP'
          ? 'is a symbolic link; name the file itself'
          : code === 'ENOTFILE'
            ? 'is not a regular file'
            : code === 'ETOOBIG'
              ? `is larger than ${MAX_ROSTER_BYTES} bytes, the most a roster holds`
              : code === 'ENOTUTF8'
                ? 'is not UTF-8 text'
                : `cannot be read (${typeof code === 'string' ? code : 'unknown error'})`
    throw new InputError('roster-file', `${JSON.stringify(settings.rosterFile.given)} ${what}.`)
  }
}

/** A failure to read the roster, with the code {@link rosterUnreadable} words. */
function readFailure(code: string): Error {
  return Object.assign(new Error(code), { code })
}

/**
 * The roster's text: a regular file, not a link, read up to one byte past the cap (whatever size
 * the file claims), as UTF-8.
 */
async function readRosterFile(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  try {
    if (!(await handle.stat()).isFile()) throw readFailure('ENOTFILE')
    const buffer = Buffer.alloc(MAX_ROSTER_BYTES + 1)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    if (bytesRead > MAX_ROSTER_BYTES) throw readFailure('ETOOBIG')
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, bytesRead))
    } catch {
      throw readFailure('ENOTUTF8')
    }
  } finally {
    await handle.close()
  }
}

/** The plan file goes to RUNNER_TEMP (the runner empties it after the job), else the OS's. */
function planFileWriter(env: SyncIo['env']) {
  return async (fileName: string, json: string) => {
    const path = join(env['RUNNER_TEMP'] || tmpdir(), fileName)
    await writeFile(path, json, { mode: 0o644 })
    return path
  }
}
