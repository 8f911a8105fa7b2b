/**
 * What every action that deletes certificates says the same way (revoke, and create with
 * `if-exists: replace`): the cost of the deletes (each one disconnected every client of the SSL
 * server) and one line per failure.
 */
import { CancelledError, CertificateElsewhereError } from '../core/errors.js'
import {
  targetLabel,
  type CertificateRevocation,
  type RevocationReport
} from '../certificates/revocation.js'
import { describeFailure } from './failure.js'

/**
 * How many deletes this step made that the API accepted: each disconnected everyone, the ones not
 * yet seen gone when the step failed or was cancelled included.
 */
export function disconnections(revocations: readonly CertificateRevocation[]): number {
  return revocations.filter(r => (r.ok ? !r.alreadyGone : r.deleteAccepted === true)).length
}

/**
 * The log's last word on the cost, as a warning annotation so it is seen: how many times every
 * client of the SSL server was disconnected. Undefined when nothing was deleted.
 */
export function disconnectionWarning(
  revocations: readonly CertificateRevocation[],
  sslVpnServerId: string
): string | undefined {
  const n = disconnections(revocations)
  if (n === 0) return undefined
  return `${n === 1 ? 'One certificate was' : `${n} certificates were`} deleted on ${sslVpnServerId}: each delete disconnected every client of that SSL server${n === 1 ? '' : ` (${n} times in all)`}; the other users must reconnect.`
}

/** One failure as one line: the error's first lines, with code and RequestId. */
export function failureLine(subject: string, error: Error, timeoutSeconds: number): string {
  const text = describeFailure(error, { clientToken: undefined, timeoutSeconds })
  return `- ${subject}: ${text.split('\n').join(' ')}`
}

type NotRevoked = Extract<CertificateRevocation, { ok: false }>

/** Every certificate the lookups found, each once, in the order they were (or were to be) revoked. */
export function foundCertificates(report: RevocationReport) {
  const seen = new Set<string>()
  return report.resolutions
    .flatMap(r => r.certificates)
    .filter(c => !seen.has(c.certId) && seen.add(c.certId))
}

/**
 * Why a certificate found is not known to be gone: its failure, or how far a cancellation let it
 * get (`undefined`: the step was cancelled before its turn). One line, for a message.
 */
export function notRevokedText(revocation: NotRevoked | undefined, timeoutSeconds: number): string {
  if (revocation === undefined) return 'cancelled before its turn; it still works'
  const { error } = revocation
  if (revocation.deleteAccepted) {
    const why =
      error instanceof CancelledError
        ? 'the step was cancelled'
        : describeFailure(error, { clientToken: undefined, timeoutSeconds }).split('\n').join(' ')
    return `its delete was accepted (every client was disconnected), but it was not yet seen gone: ${why}`
  }
  if (error instanceof CancelledError) {
    return 'cancelled during its delete: it may be gone already, or still work'
  }
  return describeFailure(error, { clientToken: undefined, timeoutSeconds }).split('\n').join(' ')
}

/**
 * The step's failure message: how many of what failed (or, after a cancellation, how far it got),
 * then one line per name or ID whose lookup failed or was refused and per certificate found that is
 * not gone, by ID and name, and what to do next where a re-run helps. Undefined when none failed.
 */
export function describeRevokeFailures(
  report: RevocationReport,
  timeoutSeconds: number
): string | undefined {
  const byId = new Map(report.revocations.map(r => [r.certId, r]))
  const lookups = report.resolutions.flatMap(({ target, error }) =>
    error === undefined
      ? []
      : [
          error instanceof CancelledError
            ? `- ${target.kind} ${targetLabel(target)}: not looked up (cancelled)`
            : failureLine(`${target.kind} ${targetLabel(target)}`, error, timeoutSeconds)
        ]
  )
  const remaining = report.dryRun
    ? []
    : foundCertificates(report).flatMap(({ certId, name }) => {
        const revocation = byId.get(certId)
        if (revocation?.ok) return []
        if (revocation === undefined && !report.cancelled) return []
        const text = notRevokedText(revocation, timeoutSeconds)
        return [
          `- ${certId}${name ? ` (${name})` : ''}: ${revocation ? text : `not revoked, ${text}`}`
        ]
      })
  const lines = [...lookups, ...remaining]
  if (lines.length === 0) return undefined
  const gone = report.revocations.filter(r => r.ok).length
  const certificates = (n: number) => `${n} ${n === 1 ? 'certificate' : 'certificates'}`
  if (report.cancelled) {
    const found = foundCertificates(report).length
    const head =
      report.revocations.length === 0 && remaining.length === 0
        ? `Cancelled (${report.cancelled.message}) before anything was deleted; not done:`
        : `Cancelled (${report.cancelled.message}): ${gone} of ${certificates(found)} found ${gone === 1 ? 'was' : 'were'} revoked; what remains:`
    return [
      head,
      ...lines,
      'A re-run of this job finishes the revocation: it deletes only what is left, re-sending the same deletes (ClientTokens), so nothing is done twice.'
    ].join('\n')
  }
  const refusals = report.resolutions.filter(r => r.error instanceof CertificateElsewhereError)
  // A refusal stays a refusal on a re-run: its line says what to check instead.
  const rerunHelps = lines.length > refusals.length
  const outcome = report.dryRun
    ? 'dry run: nothing was deleted'
    : `${certificates(gone)} ${gone === 1 ? 'is' : 'are'} gone${rerunHelps ? '; a re-run deletes only what is left' : ''}`
  return [
    `${lines.length} ${lines.length === 1 ? 'revocation' : 'revocations'} ${rerunHelps ? 'failed' : 'refused'} (${outcome}):`,
    ...lines
  ].join('\n')
}
