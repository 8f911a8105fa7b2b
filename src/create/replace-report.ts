/**
 * `if-exists: replace` (rotation): the `replaced-cert-ids` output, the old certificates revoked,
 * and one failure line per old certificate that could not be revoked.
 */
import type { CertificateOutcome } from '../certificates/onboarding.js'
import type { CertificateRevocation } from '../certificates/revocation.js'
import { failureLine } from '../runner/revocation-report.js'
import { singleLineOutputs, type OutputSink } from '../runner/summary.js'

/** `replaced-cert-ids`: one JSON array of every old certificate revoked, across names. */
export function setReplacedOutput(sink: OutputSink, outcomes: readonly CertificateOutcome[]): void {
  const ids = outcomes.flatMap(o =>
    o.ok && o.replacement ? o.replacement.revocations.filter(r => r.ok).map(r => r.certId) : []
  )
  singleLineOutputs(sink).setOutput('replaced-cert-ids', JSON.stringify(ids))
}

/** Every revocation of a rotation, across names. */
export function replacedRevocations(
  outcomes: readonly CertificateOutcome[]
): CertificateRevocation[] {
  return outcomes.flatMap(o => (o.ok && o.replacement ? o.replacement.revocations : []))
}

/**
 * With `if-exists: replace`: one line per old certificate that could not be revoked (or per name
 * whose others could not be listed); the new certificates are ready either way. Undefined when
 * every old one is gone.
 */
export function describeReplaceFailures(
  outcomes: readonly CertificateOutcome[],
  timeoutSeconds: number
): string | undefined {
  const lines = outcomes.flatMap(o => {
    if (!o.ok || !o.replacement) return []
    const { listingError, revocations } = o.replacement
    const name = o.requested ?? o.name
    return [
      ...(listingError
        ? [failureLine(`the others named ${name}`, listingError, timeoutSeconds)]
        : []),
      ...revocations.flatMap(r =>
        r.ok ? [] : [failureLine(`${r.certId} (old ${name})`, r.error, timeoutSeconds)]
      )
    ]
  })
  if (lines.length === 0) return undefined
  return [
    `${lines.length === 1 ? 'An old certificate' : `${lines.length} old certificates`} could not be revoked (the new ones are ready; a re-run returns them and revokes only what is left):`,
    ...lines
  ].join('\n')
}
