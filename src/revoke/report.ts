/**
 * What a revocation leaves behind: the revoke action's log lines, outputs, job summary and failure
 * message, and the main action's `replaced-cert-ids` and failure lines for `if-exists: replace`.
 * Every one of them says what a delete costs: it disconnected every client of the SSL server.
 * Cells and outputs go through report.ts's rules (one line, HTML-escaped, no line breaks).
 */
import { CertificateElsewhereError } from '../core/errors.js'
import { describeFailure } from '../runner/failure.js'
import type { CertificateOutcome } from '../certificates/onboarding.js'
import {
  cellText,
  describeCredentials,
  singleLineOutputs,
  type SummarySink
} from '../create/outputs.js'
import {
  targetLabel,
  type CertificateRevocation,
  type RevocationReport,
  type Revoked
} from '../certificates/revocation.js'
import type { RevokeSettings } from '../alibaba/settings.js'

interface OutputSink {
  setOutput: (name: string, value: string) => void
}

/** The first lines of the log: what the step will do, how, and what it costs. */
export function describeRevokeStart(settings: RevokeSettings): string {
  const [first] = settings.targets
  const what =
    settings.targets.length === 1 && first !== undefined
      ? first.kind === 'name'
        ? `every SSL-VPN client certificate named ${first.name}`
        : `the SSL-VPN client certificate ${first.certId}`
      : `the SSL-VPN client certificates of ${settings.targets.length} ${first?.kind === 'name' ? 'names' : 'IDs'}, one at a time`
  return [
    `${settings.dryRun ? 'Dry run: listing what revoking would delete, deleting nothing: ' : 'Revoking '}${what} on ${settings.sslVpnServerId} (${settings.regionId})`,
    `  endpoint: ${settings.endpoint.origin}, signature ${settings.signatureVersion}, ${describeCredentials(settings.credentials)}`,
    `  each delete disconnects every client of ${settings.sslVpnServerId} (they must reconnect)`,
    `  timeout-seconds: ${settings.timeoutMs / 1000}`
  ].join('\n')
}

/** The certificates revoked (gone now), or with dry-run the ones that would be. */
function revokedIds(report: RevocationReport): string[] {
  if (!report.dryRun) return report.revocations.filter(r => r.ok).map(r => r.certId)
  const ids = report.resolutions.flatMap(r => r.certificates.map(c => c.certId))
  return [...new Set(ids)]
}

/** The names or IDs asked for that had nothing to delete (and whose lookup did not fail). */
function absentLabels(report: RevocationReport): string[] {
  return report.resolutions
    .filter(r => r.error === undefined && r.certificates.length === 0)
    .map(r => targetLabel(r.target))
}

/** How many deletes this step made that the API accepted: each disconnected everyone. */
function disconnections(revocations: readonly CertificateRevocation[]): number {
  return revocations.filter(r => r.ok && !r.alreadyGone).length
}

/** `revoked-cert-ids` and `absent` (JSON arrays) and `count`. */
export function setRevokeOutputs(sink: OutputSink, report: RevocationReport): void {
  const out = singleLineOutputs(sink)
  const revoked = revokedIds(report)
  out.setOutput('revoked-cert-ids', JSON.stringify(revoked))
  out.setOutput('absent', JSON.stringify(absentLabels(report)))
  out.setOutput('count', String(revoked.length))
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

const code = (text: string) => `<code>${cellText(text)}</code>`

/** A failure's first line, with its code and RequestId, in a cell. */
function failureCell(error: Error, timeoutSeconds: number): string {
  const text = describeFailure(error, { clientToken: undefined, timeoutSeconds })
  return `<strong>${error instanceof CertificateElsewhereError ? 'refused' : 'failed'}</strong>: ${cellText(text.split('\n')[0] ?? '', 600)}`
}

/** One row per certificate found (or per name or ID with none): requested, ID, name, result. */
export function revokeSummaryRows(report: RevocationReport, timeoutSeconds: number): string[][] {
  const byId = new Map(report.revocations.map(r => [r.certId, r]))
  return report.resolutions.flatMap(({ target, certificates, error }) => {
    const label = cellText(targetLabel(target))
    if (error !== undefined) return [[label, '—', '—', failureCell(error, timeoutSeconds)]]
    if (certificates.length === 0) return [[label, '—', '—', 'absent: nothing to revoke']]
    return certificates.map(c => {
      const revocation = byId.get(c.certId)
      const result = report.dryRun
        ? 'would be revoked'
        : revocation === undefined
          ? '—'
          : revocation.ok
            ? revokedText(revocation)
            : failureCell(revocation.error, timeoutSeconds)
      return [label, code(c.certId), cellText(c.name || '—'), result]
    })
  })
}

function revokedText(revocation: Revoked): string {
  return revocation.alreadyGone
    ? 'revoked (already being deleted)'
    : `revoked${revocation.requestId ? ` (RequestId ${code(revocation.requestId)})` : ''}`
}

export async function writeRevokeSummary(
  summary: SummarySink,
  settings: RevokeSettings,
  report: RevocationReport
): Promise<void> {
  const server = code(settings.sslVpnServerId)
  const found = revokedIds({ ...report, dryRun: true }).length
  const n = disconnections(report.revocations)
  const cost = report.dryRun
    ? `<p>Dry run: nothing was deleted. Revoking ${found === 1 ? 'this certificate' : `these ${found} certificates`} would disconnect every client of SSL server ${server}${found > 1 ? `, ${found} times` : ''}.</p>`
    : n === 0
      ? `<p>Nothing was deleted, so no one was disconnected.</p>`
      : `<p><strong>Every client of SSL server ${server} was disconnected${n > 1 ? `, ${n} times (once per delete)` : ''}</strong>: deleting any client certificate ends every connection of that SSL server. The other users must reconnect (an OpenVPN client set to retry does so by itself).</p>`
  const calls = report.revocations.reduce((sum, r) => sum + (r.ok ? r.attempts : 0), 0)
  const waitedMs = report.revocations.reduce((sum, r) => sum + (r.ok ? r.waitedMs : 0), 0)
  const header = ['Requested', 'Certificate ID', 'Name', 'Result'].map(data => ({
    data,
    header: true
  }))
  await summary
    .addHeading(
      report.dryRun
        ? 'SSL-VPN client certificates: dry run'
        : 'SSL-VPN client certificates revoked',
      3
    )
    .addTable([
      header,
      ...revokeSummaryRows(report, settings.timeoutMs / 1000).map(row =>
        row.map(data => ({ data }))
      )
    ])
    .addRaw(cost, true)
    .addRaw(
      `<p>SSL server ${server} in ${cellText(settings.regionId)} · ${revokedIds(report).length} ${report.dryRun ? 'would be revoked' : 'revoked'} · ${absentLabels(report).length} absent` +
        (report.dryRun
          ? ''
          : ` · ${calls} API calls for the deletes · ${(waitedMs / 1000).toFixed(1)} s waiting for the gateway`) +
        '</p>',
      true
    )
    .write()
}

/** One failure as one line: the error's first lines, with code and RequestId. */
function failureLine(subject: string, error: Error, timeoutSeconds: number): string {
  const text = describeFailure(error, { clientToken: undefined, timeoutSeconds })
  return `- ${subject}: ${text.split('\n').join(' ')}`
}

/**
 * The step's failure message: how many of what failed, then one line per failure (a name or ID
 * whose lookup failed or was refused, a certificate whose delete failed). Undefined when none did.
 */
export function describeRevokeFailures(
  report: RevocationReport,
  timeoutSeconds: number
): string | undefined {
  const lines = [
    ...report.resolutions.flatMap(({ target, error }) =>
      error === undefined
        ? []
        : [failureLine(`${target.kind} ${targetLabel(target)}`, error, timeoutSeconds)]
    ),
    ...report.revocations.flatMap(r =>
      r.ok
        ? []
        : [failureLine(`${r.certId}${r.name ? ` (${r.name})` : ''}`, r.error, timeoutSeconds)]
    )
  ]
  if (lines.length === 0) return undefined
  const gone = report.revocations.filter(r => r.ok).length
  return [
    `${lines.length} ${lines.length === 1 ? 'revocation' : 'revocations'} failed (${gone} ${gone === 1 ? 'certificate is' : 'certificates are'} gone; a re-run deletes only what is left):`,
    ...lines
  ].join('\n')
}

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
