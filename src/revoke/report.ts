/**
 * What a revocation leaves behind: the revoke action's log lines, outputs, job summary and failure
 * message (create's `if-exists: replace` has its own in create/replace-report.ts; what both say
 * is in runner/revocation-report.ts).
 * Every one of them says what a delete costs: it disconnected every client of the SSL server.
 * Cells and outputs go through report.ts's rules (one line, HTML-escaped, no line breaks).
 */
import { CancelledError, CertificateElsewhereError } from '../core/errors.js'
import { describeFailure } from '../runner/failure.js'
import { quote } from '../core/input-rules.js'
import { disconnections, foundCertificates, notRevokedText } from '../runner/revocation-report.js'
import {
  cellText,
  describeCredentials,
  singleLineOutputs,
  type SummarySink
} from '../runner/summary.js'
import { targetLabel, type RevocationReport, type Revoked } from '../certificates/revocation.js'
import type { RevokeSettings } from './inputs.js'

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
  return foundCertificates(report).map(c => c.certId)
}

/** The names or IDs asked for that had nothing to delete (and whose lookup did not fail). */
function absentLabels(report: RevocationReport): string[] {
  return report.resolutions
    .filter(r => r.error === undefined && r.certificates.length === 0)
    .map(r => targetLabel(r.target))
}

/** Most absent names or IDs quoted in the warning; the `absent` output has all of them. */
const MAX_ABSENT_SHOWN = 10

/**
 * The names or IDs that had no certificate on the SSL server (a typo, or revoked already), said
 * plainly: a warning annotation by default, the step's failure with `fail-if-absent`. Undefined
 * when every one had a certificate (or its lookup failed, which is a failure of its own).
 */
export function describeAbsent(
  report: RevocationReport,
  settings: Pick<RevokeSettings, 'sslVpnServerId' | 'regionId' | 'failIfAbsent'>
): string | undefined {
  const absent = report.resolutions.filter(
    r => r.error === undefined && r.certificates.length === 0
  )
  const [first] = absent
  if (first === undefined) return undefined
  const byName = first.target.kind === 'name'
  const shown = absent.slice(0, MAX_ABSENT_SHOWN).map(r => quote(targetLabel(r.target)))
  const more = absent.length - shown.length
  const list = `${shown.join(', ')}${more > 0 ? ` and ${more} more (the absent output lists them all)` : ''}`
  const one = absent.length === 1
  const what = byName
    ? `No certificate named ${list} on SSL server ${settings.sslVpnServerId} (${settings.regionId})`
    : `No certificate ${list} on SSL server ${settings.sslVpnServerId} (${settings.regionId})`
  const check = byName
    ? `Check ${one ? 'the name' : 'the names'} for a typo (a name matches exactly, case included)`
    : `Check ${one ? 'the ID' : 'the IDs'} for a typo, and ssl-vpn-server-id`
  return [
    `${what}: nothing ${report.dryRun ? 'would be' : 'was'} revoked for ${one ? 'it' : 'them'}.`,
    `${check}; if ${one ? 'it was' : 'they were'} revoked already, nothing is missing.`,
    settings.failIfAbsent
      ? 'The step fails because fail-if-absent is true.'
      : 'To fail the step in this case, set fail-if-absent: true.'
  ].join(' ')
}

/** `revoked-cert-ids` and `absent` (JSON arrays) and `count`. */
export function setRevokeOutputs(sink: OutputSink, report: RevocationReport): void {
  const out = singleLineOutputs(sink)
  const revoked = revokedIds(report)
  out.setOutput('revoked-cert-ids', JSON.stringify(revoked))
  out.setOutput('absent', JSON.stringify(absentLabels(report)))
  out.setOutput('count', String(revoked.length))
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
    if (error instanceof CancelledError) return [[label, '—', '—', 'not looked up: cancelled']]
    if (error !== undefined) return [[label, '—', '—', failureCell(error, timeoutSeconds)]]
    if (certificates.length === 0) return [[label, '—', '—', 'absent: nothing to revoke']]
    return certificates.map(c => {
      const revocation = byId.get(c.certId)
      const result = report.dryRun
        ? 'would be revoked'
        : revocation?.ok
          ? revokedText(revocation)
          : revocation === undefined ||
              revocation.deleteAccepted ||
              revocation.error instanceof CancelledError
            ? `<strong>not revoked</strong>: ${cellText(notRevokedText(revocation, timeoutSeconds), 600)}`
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
  const cancelled = report.cancelled
    ? `<p><strong>Cancelled</strong> (${cellText(report.cancelled.message)}): ${report.revocations.filter(r => r.ok).length} of ${foundCertificates(report).length} certificates found were revoked before it. The ones marked not revoked remain; a re-run of this job finishes the revocation.</p>`
    : ''
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
    .addRaw(cancelled + cost, true)
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
