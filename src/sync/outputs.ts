/**
 * What sync leaves behind for the rest of the workflow: the plan as a JSON output (counts and
 * names, kept within GitHub's output limits), the whole plan as a JSON file (its path an output),
 * the counts as outputs for `if:` conditions, and after `apply` the IDs created and revoked.
 * Names from the listing may be any string: {@link oneLineJson} escapes every line break, and
 * `singleLineOutputs` refuses a value that would still hold one.
 */
import type { CertificateOutcome, Obtained } from '../certificates/onboarding.js'
import { singleLineOutputs, type OutputSink } from '../runner/summary.js'
import type { CertificateRevocation, Revoked } from '../certificates/revocation.js'
import type { Plan } from './plan.js'

/**
 * The largest `plan` output: GitHub allows 1 MB per output (and per job in all); the rest of the
 * outputs and the other steps need room too.
 */
export const MAX_PLAN_OUTPUT_BYTES = 512 * 1024

/**
 * JSON on one line: JSON.stringify escapes \n and \r but leaves U+0085, U+2028 and U+2029 as
 * they are, which a runner or a script may take as line breaks; they are escaped too (`\u2028`,
 * still the same JSON string).
 */
function oneLineJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0085\u2028\u2029]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** The whole plan, as the plan file holds it. */
export function fullPlan(
  plan: Plan,
  context: { sslVpnServerId: string; regionId: string; checkedAt: number }
) {
  return {
    'region-id': context.regionId,
    'ssl-vpn-server-id': context.sslVpnServerId,
    'listed-at': new Date(context.checkedAt).toISOString(),
    create: plan.create.map(c => ({ name: c.name, reason: c.reason })),
    revoke: plan.revoke.map(r => ({
      'cert-id': r.certId,
      name: r.name,
      status: r.status,
      expires: new Date(r.endTime).toISOString(),
      reason: r.reason
    })),
    keep: plan.keep.map(k => ({ name: k.name, 'cert-ids': k.certificates.map(c => c.certId) })),
    ignored: plan.ignored.map(i => ({ 'cert-id': i.certId, name: i.name, pattern: i.pattern })),
    'expired-entries': plan.expiredEntries
  }
}

/**
 * The `plan` output: counts, and the names to create and the certificates to revoke; when that
 * would pass {@link MAX_PLAN_OUTPUT_BYTES}, the counts alone and `"truncated": true` (the plan
 * file has everything).
 */
export function planOutput(plan: Plan): string {
  const counts = {
    create: plan.create.length,
    revoke: plan.revoke.length,
    keep: plan.keep.length,
    ignored: plan.ignored.length
  }
  const full = oneLineJson({
    counts,
    create: plan.create.map(c => c.name),
    revoke: plan.revoke.map(r => ({ 'cert-id': r.certId, name: r.name, reason: r.reason })),
    truncated: false
  })
  if (Buffer.byteLength(full, 'utf8') <= MAX_PLAN_OUTPUT_BYTES) return full
  return oneLineJson({ counts, create: [], revoke: [], truncated: true })
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

/** `created` (name → new certificate ID) and `revoked` (the IDs now gone), after apply. */
export function setApplyOutputs(
  sink: OutputSink,
  created: readonly CertificateOutcome[],
  revocations: readonly CertificateRevocation[]
): void {
  const outputs = singleLineOutputs(sink)
  const obtained = created.filter((o): o is Obtained => o.ok)
  outputs.setOutput(
    'created',
    oneLineJson(Object.fromEntries(obtained.map(o => [o.requested ?? o.name, o.certId])))
  )
  outputs.setOutput(
    'revoked',
    oneLineJson(revocations.filter((r): r is Revoked => r.ok).map(r => r.certId))
  )
}
