/**
 * `mode: apply`: the plan carried out, with the machinery the other actions use. First every
 * certificate to create, one at a time (onboarding.ts, with the batch's pacing; with `config-dir`
 * each is waited for and its profile delivered); a rotation's new certificate is always waited
 * for. Then the profiles of `redeliver` written again from their kept certificates
 * (redelivery.ts: no create, no gateway change; before the revocations, so a deadline or a
 * cancellation in their window leaves those written). Then, only when every create succeeded
 * (whatever became of the redeliveries: none of their certificates is revoked), every
 * certificate to revoke, back to back
 * (revocation.ts): each delete disconnects every client of the SSL server, so they all go in one
 * window whose start and end the summary states, instead of one disconnection at a time over the
 * run.
 *
 * A re-run is safe and finishes the job: the plan is made again from the listing (the
 * certificates created already are kept, those revoked already are gone), every create sends a
 * ClientToken derived from the workflow run and the name (so a re-run of the same job is answered
 * with the certificate the first attempt made), and every delete its own.
 */
import { deriveClientToken, type WorkflowRunContext } from '../alibaba/client-token.js'
import { CancelledError } from '../core/errors.js'
import {
  obtainCertificates,
  type CertificateOutcome,
  type OnboardingDependencies
} from '../certificates/onboarding.js'
import {
  redeliverProfiles,
  type Redelivery,
  type RedeliveryOutcome
} from '../certificates/redelivery.js'
import { revokeCertificates, type CertificateRevocation } from '../certificates/revocation.js'
import type {
  CertificateTarget,
  DeliveryTarget,
  OnboardingSettings,
  Recipient
} from '../certificates/requests.js'
import type { VpcClient } from '../alibaba/vpc-client.js'
import type { SyncSettings } from './inputs.js'
import type { Plan, PlannedCreate, PlannedRedelivery } from './plan.js'

interface ApplyDependencies extends OnboardingDependencies {
  now: () => number
  /** The ClientToken of a create outside a workflow run. */
  randomClientToken: () => string
  /**
   * With recipients in the plan (sync/delivery.ts, loaded only then): the sealer of each target,
   * made from every target to deliver (the creates' and the redeliveries'). Undefined: no
   * recipient.
   */
  prepareDelivery?:
    | ((settings: { targets: readonly DeliveryTarget[] }) => OnboardingDependencies['sealerFor'])
    | undefined
}

export interface ApplyReport {
  /** One per planned create, in plan order. */
  creates: CertificateOutcome[]
  /** One per planned redelivery (`deliver`), in plan order. */
  redeliveries: RedeliveryOutcome[]
  /** One per planned revocation, in plan order; none when they were skipped. */
  revocations: CertificateRevocation[]
  /** When the revocations began and ended (ms); undefined when none ran. */
  window: { startedAt: number; endedAt: number } | undefined
  /** A create failed, so no certificate was revoked (the re-run does both). */
  revocationsSkipped: boolean
}

/**
 * The create of each planned name: its ClientToken from the workflow run, else random; its
 * roster recipient, if any, as delivery takes it.
 */
function createTargets(
  plan: Plan,
  settings: SyncSettings,
  run: WorkflowRunContext | undefined,
  randomToken: () => string
): CertificateTarget[] {
  const { regionId, sslVpnServerId } = settings
  return plan.create.map(create => {
    const { name } = create
    const recipients = rosterRecipients(create)
    return run === undefined
      ? {
          name,
          recipients,
          clientToken: randomToken(),
          clientTokenSource: 'random: not in a workflow run'
        }
      : {
          name,
          recipients,
          clientToken: deriveClientToken(run, { regionId, sslVpnServerId, name }),
          clientTokenSource: 'derived from the workflow run'
        }
  })
}

/**
 * DELIVERY: a roster `recipient` is where the profile is encrypted to (`github:USER`, or a key
 * checked by sync/delivery.ts `checkRosterKeys` before any call); none: written as it is.
 */
function rosterRecipients(create: PlannedCreate | PlannedRedelivery): Recipient[] {
  const { recipient } = create
  if (recipient === undefined) return []
  const given = { input: 'roster-file', line: create.recipientLine ?? 0 } as const
  return recipient.startsWith('github:')
    ? [{ kind: 'github', username: recipient.slice('github:'.length), given }]
    : [{ kind: 'key', text: recipient, given }]
}

export async function applyPlan(
  plan: Plan,
  settings: SyncSettings,
  vpc: VpcClient,
  deps: ApplyDependencies,
  run: WorkflowRunContext | undefined
): Promise<ApplyReport> {
  const targets = createTargets(plan, settings, run, deps.randomClientToken)
  const onboarding: OnboardingSettings = {
    ...settings,
    targets,
    // The plan found none of these names (or only stale ones): a new certificate each.
    ifExists: 'create',
    keyPassphrase: undefined
  }
  const redeliveries = redeliveryOf(plan)
  const delivered: DeliveryTarget[] = [...targets, ...redeliveries.map(r => r.target)]
  // The root action's order (onboarding.ts): a target's keys are read just before its create, so
  // a `github:` account without a usable key fails that name before anything is created for it.
  const sealerFor = delivered.some(t => (t.recipients?.length ?? 0) > 0)
    ? deps.prepareDelivery?.({ targets: delivered })
    : undefined
  const creates =
    targets.length === 0 ? [] : await obtainCertificates(onboarding, vpc, { ...deps, sealerFor })
  await waitForRotations(plan, creates, vpc, deps)
  const redelivered =
    redeliveries.length === 0
      ? []
      : await redeliverProfiles(redeliveries, requiredConfigDir(settings), vpc, {
          ...deps,
          sealerFor
        })
  if (creates.some(o => !o.ok) || plan.revoke.length === 0) {
    return {
      creates,
      redeliveries: redelivered,
      revocations: [],
      window: undefined,
      revocationsSkipped: plan.revoke.length > 0
    }
  }
  const startedAt = deps.now()
  deps.log(
    `Revoking ${plan.revoke.length} ${plan.revoke.length === 1 ? 'certificate' : 'certificates'} back to back: every client of ${settings.sslVpnServerId} is disconnected while they go.`
  )
  const revocations = await revokeCertificates(
    plan.revoke.map(r => ({ certId: r.certId, name: r.name, status: r.status, createTime: 0 })),
    vpc,
    settings.sslVpnServerId,
    deps
  )
  return {
    creates,
    redeliveries: redelivered,
    revocations,
    window: { startedAt, endedAt: deps.now() },
    revocationsSkipped: false
  }
}

/** The kept certificates whose profile `redeliver` writes again, each with its roster recipient. */
function redeliveryOf(plan: Plan): Redelivery[] {
  return plan.redeliver.flatMap(r =>
    r.action === 'deliver'
      ? [{ target: { name: r.name, recipients: rosterRecipients(r) }, certId: r.certId }]
      : []
  )
}

/** `config-dir`, which the inputs require with `redeliver` (inputs.ts `parseRedeliver`). */
function requiredConfigDir(settings: SyncSettings): string {
  if (settings.configDir === undefined) throw new Error('redeliver without config-dir')
  return settings.configDir
}

/**
 * A rotated name's old certificates go only once its new one can be used: without `config-dir`
 * onboarding does not wait for it, so it is waited for here. A wait that fails makes that create
 * a failure (and so no certificate is revoked).
 */
async function waitForRotations(
  plan: Plan,
  creates: CertificateOutcome[],
  vpc: VpcClient,
  deps: ApplyDependencies
): Promise<void> {
  const rotated = new Set(plan.create.filter(c => c.reason === 'rotation').map(c => c.name))
  for (const [index, outcome] of creates.entries()) {
    if (!outcome.ok || outcome.status !== undefined || !rotated.has(outcome.requested ?? ''))
      continue
    try {
      const ready = await vpc.waitUntilReady(outcome.certId)
      creates[index] = { ...outcome, status: ready.status }
    } catch (error) {
      if (error instanceof CancelledError || !(error instanceof Error)) throw error
      deps.log(
        `${outcome.requested}: the new certificate ${outcome.certId} did not become ready: ${error.message}`
      )
      creates[index] = {
        ok: false,
        requested: outcome.requested,
        clientToken: outcome.clientToken,
        error
      }
    }
  }
}
