/**
 * What sync leaves behind for the rest of the workflow: the plan as a JSON output (counts and
 * names, kept within GitHub's output limits), the whole plan as a JSON file (its path an output),
 * the counts as outputs for `if:` conditions, and after `apply` the IDs created, re-delivered and
 * revoked.
 * Names from the listing may be any string: `oneLineJson` (core/text.ts) escapes every line break, and
 * `singleLineOutputs` refuses a value that would still hold one.
 */
import type { CertificateOutcome, Obtained } from '../certificates/onboarding.js'
import { oneLineJson } from '../core/text.js'
import { singleLineOutputs, type OutputSink } from '../runner/summary.js'
import type { CertificateRevocation, Revoked } from '../certificates/revocation.js'
import type { RedeliveryOutcome } from '../certificates/redelivery.js'
import type { Plan, PlannedCreate, PlannedKey, PlannedRedelivery } from './plan.js'

/**
 * The largest `plan` output: GitHub allows 1 MB per output (and per job in all); the rest of the
 * outputs and the other steps need room too.
 */
export const MAX_PLAN_OUTPUT_BYTES = 512 * 1024

/** The whole plan, as the plan file holds it. */
export function fullPlan(
  plan: Plan,
  context: { sslVpnServerId: string; regionId: string; checkedAt: number }
) {
  return {
    'region-id': context.regionId,
    'ssl-vpn-server-id': context.sslVpnServerId,
    'listed-at': new Date(context.checkedAt).toISOString(),
    create: plan.create.map(c => ({ name: c.name, reason: c.reason, ...recipientFields(c) })),
    revoke: plan.revoke.map(r => ({
      'cert-id': r.certId,
      name: r.name,
      status: r.status,
      expires: new Date(r.endTime).toISOString(),
      reason: r.reason
    })),
    keep: plan.keep.map(k => ({ name: k.name, 'cert-ids': k.certificates.map(c => c.certId) })),
    ignored: plan.ignored.map(i => ({ 'cert-id': i.certId, name: i.name, pattern: i.pattern })),
    'expired-entries': plan.expiredEntries,
    redeliver: plan.redeliver.map(r => ({ name: r.name, ...redeliveryFields(r) }))
  }
}

/**
 * A redelivery in the plan file: the certificate whose profile is written again (and of how many
 * kept), or `by-create` (new, rotation), or the certificates none of which can be used.
 */
function redeliveryFields(r: PlannedRedelivery) {
  switch (r.action) {
    case 'deliver':
      return { 'cert-id': r.certId, kept: r.kept, ...recipientFields(r) }
    case 'by-create':
      return { 'by-create': r.reason }
    case 'unusable':
      return { unusable: r.certificates.map(c => ({ 'cert-id': c.certId, status: c.status })) }
  }
}

/**
 * What plan mode read of a create's `github:` recipient, in the plan file: `keys` (as the
 * `encrypted-to` output names them), or `recipient-problem` (apply would fail the name), or
 * `recipient-unchecked` (GitHub could not be asked). Nothing for other creates.
 */
function recipientFields(create: PlannedCreate | PlannedRedelivery) {
  const check = create.github
  if (check === undefined) return {}
  switch (check.status) {
    case 'keys':
      return { keys: check.keys }
    case 'problem':
      return { 'recipient-problem': check.message }
    case 'unchecked':
      return { 'recipient-unchecked': check.message }
  }
}

/**
 * The keys each profile to write will be encrypted to, by name, for the creates and redeliveries
 * whose `github:` recipient plan mode read; undefined when there is none (the output is then as
 * before).
 */
function plannedKeys(plan: Plan): Record<string, PlannedKey[]> | undefined {
  const entries = [...plan.create, ...plan.redeliver].flatMap(c =>
    c.github?.status === 'keys' ? [[c.name, c.github.keys] as const] : []
  )
  return entries.length === 0 ? undefined : Object.fromEntries(entries)
}

/**
 * The `plan` output: counts, the names to create and the certificates to revoke, with `redeliver`
 * the certificates whose profile is written again (name, cert-id), and (plan mode, `github:`
 * recipients) `keys`, name → the keys its profile will be encrypted to; when that would pass
 * {@link MAX_PLAN_OUTPUT_BYTES}, the counts alone and `"truncated": true` (the plan file has
 * everything). The keys only present when there is any stay out of a plan without: the output is
 * then as it was before they existed.
 */
export function planOutput(plan: Plan): string {
  const counts = {
    create: plan.create.length,
    revoke: plan.revoke.length,
    keep: plan.keep.length,
    ignored: plan.ignored.length
  }
  const keys = plannedKeys(plan)
  const redeliver = plan.redeliver.flatMap(r =>
    r.action === 'deliver' ? [{ name: r.name, 'cert-id': r.certId }] : []
  )
  const full = oneLineJson({
    counts: redeliver.length === 0 ? counts : { ...counts, redeliver: redeliver.length },
    create: plan.create.map(c => c.name),
    revoke: plan.revoke.map(r => ({ 'cert-id': r.certId, name: r.name, reason: r.reason })),
    ...(redeliver.length === 0 ? {} : { redeliver }),
    ...(keys === undefined ? {} : { keys }),
    truncated: false
  })
  if (Buffer.byteLength(full, 'utf8') <= MAX_PLAN_OUTPUT_BYTES) return full
  return oneLineJson({
    counts: redeliver.length === 0 ? counts : { ...counts, redeliver: redeliver.length },
    create: [],
    revoke: [],
    ...(redeliver.length === 0 ? {} : { redeliver: [] }),
    ...(keys === undefined ? {} : { keys: {} }),
    truncated: true
  })
}

/** `plan`, `plan-file`, the counts, and `changes`. */
export function setPlanOutputs(sink: OutputSink, plan: Plan, planFile: string): void {
  const outputs = singleLineOutputs(sink)
  outputs.setOutput('plan', planOutput(plan))
  outputs.setOutput('plan-file', planFile)
  outputs.setOutput('create-count', String(plan.create.length))
  outputs.setOutput('revoke-count', String(plan.revoke.length))
  outputs.setOutput('changes', String(plan.create.length + plan.revoke.length > 0))
}

/**
 * After apply: `created` (name → new certificate ID), `redelivered` (name → the ID whose profile
 * was written again), `revoked` (the IDs now gone), `config-files` (name → profile written,
 * `.ovpn.age` when encrypted) and `encrypted-to` (name → the keys an encrypted profile opens
 * with, as the main action sets it): a re-delivered profile is in these two as a new one is.
 */
export function setApplyOutputs(
  sink: OutputSink,
  created: readonly CertificateOutcome[],
  redeliveries: readonly RedeliveryOutcome[],
  revocations: readonly CertificateRevocation[]
): void {
  const outputs = singleLineOutputs(sink)
  const obtained = created.filter((o): o is Obtained => o.ok)
  const redelivered = redeliveries.flatMap(r => (r.ok ? [r] : []))
  const keyOf = (o: Obtained) => o.requested ?? o.name
  const profiles = [
    ...obtained.map(o => ({
      name: keyOf(o),
      configFile: o.configFile,
      encryptedTo: o.encryptedTo
    })),
    ...redelivered
  ]
  outputs.setOutput(
    'created',
    oneLineJson(Object.fromEntries(obtained.map(o => [keyOf(o), o.certId])))
  )
  outputs.setOutput(
    'redelivered',
    oneLineJson(Object.fromEntries(redelivered.map(r => [r.name, r.certId])))
  )
  outputs.setOutput(
    'revoked',
    oneLineJson(revocations.filter((r): r is Revoked => r.ok).map(r => r.certId))
  )
  outputs.setOutput(
    'config-files',
    oneLineJson(
      Object.fromEntries(
        profiles.flatMap(p => (p.configFile === undefined ? [] : [[p.name, p.configFile]]))
      )
    )
  )
  outputs.setOutput(
    'encrypted-to',
    oneLineJson(
      Object.fromEntries(
        profiles.flatMap(p => (p.encryptedTo === undefined ? [] : [[p.name, p.encryptedTo]]))
      )
    )
  )
}
