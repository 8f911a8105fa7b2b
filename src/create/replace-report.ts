/**
 * `if-exists: replace` (rotation): the `replaced-cert-ids` output, the old certificates revoked,
 * one failure line per old certificate that could not be revoked, and, when the rotation failed or
 * was cancelled midway, what it had created and revoked by then and what remains.
 */
import { CancelledError } from '../core/errors.js'
import type { CertificateOutcome } from '../certificates/onboarding.js'
import type { CertificateRevocation } from '../certificates/revocation.js'
import { describeFailure } from '../runner/failure.js'
import { failureLine, notRevokedText } from '../runner/revocation-report.js'
import { singleLineOutputs, type OutputSink } from '../runner/summary.js'

/** `replaced-cert-ids`: one JSON array of every old certificate revoked, across names. */
export function setReplacedOutput(sink: OutputSink, outcomes: readonly CertificateOutcome[]): void {
  const ids = replacedRevocations(outcomes)
    .filter(r => r.ok)
    .map(r => r.certId)
  singleLineOutputs(sink).setOutput('replaced-cert-ids', JSON.stringify(ids))
}

/** Every revocation of a rotation, across names (of a name cancelled midway too). */
export function replacedRevocations(
  outcomes: readonly CertificateOutcome[]
): CertificateRevocation[] {
  return outcomes.flatMap(o => o.replacement?.revocations ?? [])
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

/**
 * With `if-exists: replace`: the names that failed after their new certificate was created (it was
 * not seen ready, or its profile could not be written), so that it is not lost: it exists, and no
 * old certificate of that name was deleted. Undefined when there is none.
 */
export function describeCreatedBeforeFailure(
  outcomes: readonly CertificateOutcome[]
): string | undefined {
  const lines = outcomes.flatMap(o =>
    o.ok || o.created === undefined
      ? []
      : [
          `- ${o.requested ?? o.created.name}: new certificate ${o.created.certId}, created but ${o.created.status === undefined ? 'not seen ready' : 'its profile was not written'}; no old certificate was deleted`
        ]
  )
  if (lines.length === 0) return undefined
  return [
    `${lines.length === 1 ? 'A new certificate was' : `${lines.length} new certificates were`} created before the failure (a re-run gets ${lines.length === 1 ? 'it' : 'them'} back, not a second one, and finishes the rotation):`,
    ...lines
  ].join('\n')
}

/** One name's lines in the account of a cancelled rotation: its new certificate, then its old ones. */
function rotationLines(outcome: CertificateOutcome, timeoutSeconds: number): string[] {
  if (outcome.ok) {
    const name = outcome.requested ?? outcome.name
    const { replacement } = outcome
    return [
      `- ${name}: new certificate ${outcome.certId}, created and ready`,
      ...(replacement ? oldCertificateLines(name, replacement, timeoutSeconds) : [])
    ]
  }
  const name = outcome.requested ?? outcome.created?.name ?? '(unnamed)'
  const cancelled = outcome.error instanceof CancelledError
  const { created, replacement } = outcome
  if (created === undefined) {
    const why = cancelled
      ? 'cancelled during its create (it may exist; the re-run gets it back rather than a second one)'
      : describeFailure(outcome.error, { clientToken: undefined, timeoutSeconds })
          .split('\n')
          .join(' ')
    return [`- ${name}: no new certificate confirmed: ${why}; no old certificate was deleted`]
  }
  if (created.status === undefined) {
    return [
      `- ${name}: new certificate ${created.certId}, created but not yet seen ready; no old certificate was deleted`
    ]
  }
  if (replacement === undefined) {
    return [
      `- ${name}: new certificate ${created.certId}, created and ready; no old certificate was deleted`
    ]
  }
  return [
    `- ${name}: new certificate ${created.certId}, created and ready`,
    ...oldCertificateLines(name, replacement, timeoutSeconds)
  ]
}

/** Each old certificate of `name` found: revoked, failed, or how far a cancellation let it get. */
function oldCertificateLines(
  name: string,
  { others, revocations, listingError }: NonNullable<CertificateOutcome['replacement']>,
  timeoutSeconds: number
): string[] {
  if (listingError) return [failureLine(`the others named ${name}`, listingError, timeoutSeconds)]
  const byId = new Map(revocations.map(r => [r.certId, r]))
  return others.map(({ certId }) => {
    const revocation = byId.get(certId)
    if (revocation?.ok) return `- ${certId} (old ${name}): revoked`
    const text = notRevokedText(revocation, timeoutSeconds)
    return `- ${certId} (old ${name}): ${revocation ? text : `not revoked, ${text}`}`
  })
}

/**
 * The step's failure message when a rotation was cancelled midway: per name, in order, the new
 * certificate (by ID once its create was answered, and whether it was seen ready), each old
 * certificate revoked or left (and how far its delete got), the names not started; then what a
 * re-run does. `clientToken`: the one ClientToken of a single name.
 */
export function describeCancelledRotation(
  targets: readonly { name?: string | undefined }[],
  outcomes: readonly CertificateOutcome[],
  cancelled: CancelledError,
  timeoutSeconds: number,
  clientToken: string | undefined
): string {
  const [first] = targets
  const what =
    targets.length === 1 ? `the rotation of ${first?.name ?? 'the certificate'}` : 'the rotation'
  const notStarted = targets
    .slice(outcomes.length)
    .map(t => `- ${t.name ?? '(unnamed)'}: not started; nothing was created or deleted for it`)
  return [
    `Cancelled (${cancelled.message}) during ${what}; how far it got:`,
    ...outcomes.flatMap(o => rotationLines(o, timeoutSeconds)),
    ...notStarted,
    clientToken === undefined
      ? 'A re-run of this job finishes the rotation: it gets the same new certificates back (same ClientTokens), not second ones, and revokes only the old certificates left.'
      : `A re-run of this job finishes the rotation: it gets the same new certificate back (client-token: ${clientToken}), not a second one, and revokes only the old certificates left.`
  ].join('\n')
}

/**
 * The one-line-per-name account of a batch (not a rotation) cancelled midway: which names were
 * obtained (their outputs are set), how far the one under way got, which never started.
 */
export function describeCancelledBatch(
  targets: readonly { name?: string | undefined }[],
  outcomes: readonly CertificateOutcome[],
  cancelled: CancelledError
): string {
  const obtained = outcomes.filter(o => o.ok).length
  const lines = outcomes.map(o => {
    if (o.ok) {
      const name = o.requested ?? o.name
      return `- ${name}: ${o.created ? 'created' : 'reused'} ${o.certId}${o.configFile ? `, profile ${o.configFile}` : ''} (in the outputs)`
    }
    const name = o.requested ?? o.created?.name ?? '(unnamed)'
    if (!(o.error instanceof CancelledError)) {
      return `- ${name}: failed: ${describeFailure(o.error, { clientToken: undefined, timeoutSeconds: 0 }).split('\n').join(' ')}`
    }
    return o.created === undefined
      ? `- ${name}: cancelled during its create (it may exist; the re-run gets it back rather than a second one)`
      : `- ${name}: cancelled after its certificate ${o.created.certId} was created${o.created.status === undefined ? ', before it was seen ready' : ''}; its profile was not written (the re-run gets it back)`
  })
  const notStarted = targets
    .slice(outcomes.length)
    .map(t => `- ${t.name ?? '(unnamed)'}: not started`)
  return [
    `Cancelled (${cancelled.message}) after ${obtained} of ${targets.length} certificates were obtained; how far it got:`,
    ...lines,
    ...notStarted,
    'A re-run of this job makes only what is missing: every name keeps its ClientToken, so a certificate created before the cancellation comes back, not a second one.'
  ].join('\n')
}
