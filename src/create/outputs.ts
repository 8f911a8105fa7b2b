/**
 * What a run leaves behind: step outputs and the job summary. Side effects go through the
 * injected sinks (the parts of `@actions/core` used) so tests can check them without a runner.
 * Paths of profiles appear here; their content never does.
 */
import { MAX_SHOWN_TEXT_LENGTH } from '../core/text.js'
import { CancelledError } from '../core/errors.js'
import { disconnections } from '../runner/revocation-report.js'
import { replacedRevocations } from './replace-report.js'
import type { CertificateOutcome, Obtained } from '../certificates/onboarding.js'
import type { Settings } from './inputs.js'
import type { ApiUsage } from '../http/call-context.js'
import {
  cellText,
  code,
  describeCredentials,
  singleLineOutputs,
  type OutputSink,
  type SummarySink
} from '../runner/summary.js'

/** The first lines of the log: what the step will do, and how. */
export function describeStart(settings: Settings): string {
  const [first] = settings.targets
  const what =
    settings.targets.length === 1
      ? `an SSL-VPN client certificate${first?.name ? ` named ${first.name}` : ''}`
      : `${settings.targets.length} SSL-VPN client certificates, one at a time`
  return [
    `Obtaining ${what} on ${settings.sslVpnServerId} (${settings.regionId})`,
    `  endpoint: ${settings.endpoint.origin}, signature ${settings.signatureVersion}, ${describeCredentials(settings.credentials)}`,
    settings.targets.length === 1
      ? `  client-token: ${first?.clientToken}, ${first?.clientTokenSource}`
      : `  client-tokens: one per name, ${first?.clientTokenSource}`,
    `  if-exists: ${settings.ifExists}${settings.configDir === undefined ? '' : `; profiles to ${settings.configDir}${settings.keyPassphrase === undefined ? '' : ' (keys encrypted)'}${describeRecipients(settings)}`}`,
    `  timeout-seconds: ${settings.timeoutMs / 1000}`
  ].join('\n')
}

/** How many profiles are written encrypted to their recipients, for the start of the log. */
function describeRecipients(settings: Settings): string {
  const sealed = settings.targets.filter(t => (t.recipients?.length ?? 0) > 0).length
  if (sealed === 0) return ''
  return settings.targets.length === 1
    ? ', encrypted to its recipient (age) as .ovpn.age'
    : `, ${sealed} of ${settings.targets.length} encrypted to their recipients (age) as .ovpn.age`
}

/** The key of a certificate in `cert-ids`/`config-files`: its name (the API's, if not given). */
function keyOf(outcome: Obtained): string {
  return outcome.requested ?? outcome.name ?? outcome.certId
}

/**
 * A name that failed after its create was answered, as the outputs name it: with `if-exists:
 * replace` the certificate exists and the old ones wait for it, so a failed or cancelled rotation
 * still names it (its `status` empty when it was not seen ready).
 */
function createdBeforeFailure(outcome: CertificateOutcome) {
  if (outcome.ok || outcome.created === undefined) return undefined
  const { created } = outcome
  return { ...created, key: outcome.requested ?? (created.name || created.certId) }
}

/**
 * Sets the outputs. `cert-ids` and `config-files` (JSON objects keyed by name) always; the
 * single-certificate outputs (`cert-id`, `name`, …) when the step asked for one certificate.
 * With `rotation` (`if-exists: replace`), a certificate created before its name failed or was
 * cancelled is named too.
 */
export function setOutputs(
  sink: OutputSink,
  outcomes: CertificateOutcome[],
  { rotation = false }: { rotation?: boolean } = {}
): void {
  const core = singleLineOutputs(sink)
  const obtained = outcomes.filter((o): o is Obtained => o.ok)
  const certIds = outcomes.flatMap(o => {
    if (o.ok) return [[keyOf(o), o.certId]]
    const created = rotation ? createdBeforeFailure(o) : undefined
    return created ? [[created.key, created.certId]] : []
  })
  core.setOutput('cert-ids', JSON.stringify(Object.fromEntries(certIds)))
  core.setOutput(
    'config-files',
    JSON.stringify(
      Object.fromEntries(
        obtained.flatMap(o => (o.configFile === undefined ? [] : [[keyOf(o), o.configFile]]))
      )
    )
  )
  core.setOutput(
    'encrypted-to',
    JSON.stringify(
      Object.fromEntries(
        obtained.flatMap(o => (o.encryptedTo === undefined ? [] : [[keyOf(o), o.encryptedTo]]))
      )
    )
  )
  const [only] = outcomes
  if (outcomes.length !== 1 || only === undefined) return
  const created = rotation ? createdBeforeFailure(only) : undefined
  if (created !== undefined) {
    core.setOutput('cert-id', created.certId)
    core.setOutput('name', created.name)
    core.setOutput('request-id', created.requestId ?? '')
    core.setOutput('client-token', only.clientToken)
    core.setOutput('created', 'true')
    core.setOutput('status', created.status ?? '')
    return
  }
  if (!only.ok) return
  core.setOutput('cert-id', only.certId)
  core.setOutput('name', only.name)
  core.setOutput('request-id', only.requestId ?? '')
  core.setOutput('client-token', only.clientToken)
  core.setOutput('created', String(only.created))
  core.setOutput('status', only.status ?? '')
  if (only.configFile !== undefined) core.setOutput('config-file', only.configFile)
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** A failure's first line in a cell: room for the API's message and what the action adds. */
const MAX_FAILURE_CELL_LENGTH = 2 * MAX_SHOWN_TEXT_LENGTH

/**
 * One row per certificate: name, ID, created or reused, status, profile file (path only). With
 * `rotation` (`if-exists: replace`), a name that failed or was cancelled after its create was
 * answered shows the certificate created and what became of the old ones.
 */
export function summaryRows(
  outcomes: CertificateOutcome[],
  { rotation = false }: { rotation?: boolean } = {}
): string[][] {
  return outcomes.map(o => {
    if (o.ok) {
      return [
        cellText(o.name || '(generated by the API)'),
        code(o.certId),
        (o.created ? 'created' : 'reused') + replacedText(o.replacement),
        cellText(o.status ?? '—'),
        o.configFile === undefined ? '—' : code(o.configFile) + encryptedToText(o)
      ]
    }
    const failure =
      o.error instanceof CancelledError
        ? `<strong>cancelled</strong> (${cellText(o.error.message)})`
        : `<strong>failed</strong>: ${cellText(o.error.message.split('\n')[0] ?? '', MAX_FAILURE_CELL_LENGTH)}`
    const created = rotation ? o.created : undefined
    return [
      cellText(o.requested ?? '(generated by the API)'),
      created === undefined ? '—' : code(created.certId),
      failure + (rotation ? rotationText(o) : ''),
      cellText(created?.status ?? '—'),
      '—'
    ]
  })
}

/** With `if-exists: replace`, a name cut short: how far its new certificate got, and its old ones. */
function rotationText(outcome: CertificateOutcome & { ok: false }): string {
  const { created, replacement } = outcome
  const made =
    created === undefined
      ? '; no new certificate confirmed'
      : `; created${created.status === undefined ? ', not seen ready' : ' and ready'}`
  return made + (replacement ? replacedText(replacement) : '; no old certificate was deleted')
}

/** An encrypted profile: the keys that open it, so its person can check theirs is one. */
function encryptedToText(outcome: Obtained): string {
  if (outcome.encryptedTo === undefined) return ''
  const keys = outcome.encryptedTo.map(
    k => `${cellText(k.type)} ${code(k.fingerprint)} (${cellText(k.from)})`
  )
  return `<br>encrypted to ${keys.join(', ')}`
}

/**
 * With `if-exists: replace`: which old certificates went, and which did not (failed, or cut short
 * by a cancellation before or during their delete).
 */
function replacedText(replacement: Obtained['replacement']): string {
  if (!replacement) return ''
  const { others, revocations, listingError } = replacement
  const gone = new Set(revocations.filter(r => r.ok).map(r => r.certId))
  const left = others.filter(c => !gone.has(c.certId)).map(c => code(c.certId))
  return [
    gone.size > 0 ? `; replaced ${[...gone].map(code).join(', ')}` : '; nothing to replace',
    left.length > 0 ? `; <strong>not revoked</strong>: ${left.join(', ')}` : '',
    listingError ? '; <strong>the others could not be listed</strong>' : ''
  ].join('')
}

/**
 * The job summary: one row per certificate, then the SSL server and what the whole step spent on
 * the API (`usage`: every call and wait, of failed certificates and lookups too).
 */
export async function writeSummary(
  summary: SummarySink,
  settings: Settings,
  outcomes: CertificateOutcome[],
  usage: Readonly<ApiUsage>,
  cancelled?: CancelledError | undefined
): Promise<void> {
  const obtained = outcomes.filter((o): o is Obtained => o.ok)
  const { calls, waitedMs } = usage
  const requestIds = obtained.flatMap(o => (o.requestId ? [o.requestId] : []))
  const rotation = settings.ifExists === 'replace'
  // Each delete the API accepted disconnected every client, confirmed gone or not.
  const deletes = disconnections(replacedRevocations(outcomes))
  const notStarted = cancelled
    ? settings.targets
        .slice(outcomes.length)
        .map(t => [
          cellText(t.name ?? '(generated by the API)'),
          '—',
          'not started: cancelled',
          '—',
          '—'
        ])
    : []
  const cancelledText = cancelled
    ? `<p><strong>Cancelled</strong> (${cellText(cancelled.message)})${rotation ? ' during the rotation: the rows say what was created and revoked before it. The old certificates not revoked remain; a re-run of this job finishes the rotation.' : '.'}</p>\n`
    : ''
  const header = ['Name', 'Certificate ID', 'Result', 'Status', 'Profile'].map(data => ({
    data,
    header: true
  }))
  await summary
    .addHeading(
      settings.targets.length === 1 ? 'SSL-VPN client certificate' : 'SSL-VPN client certificates',
      3
    )
    .addTable([
      header,
      ...[...summaryRows(outcomes, { rotation }), ...notStarted].map(row =>
        row.map(data => ({ data }))
      )
    ])
    .addRaw(
      cancelledText +
        `<p>SSL server ${code(settings.sslVpnServerId)} in ${cellText(settings.regionId)} · ` +
        `${calls} API ${calls === 1 ? 'call' : 'calls'} · ${formatSeconds(waitedMs)} waiting for the gateway` +
        (requestIds.length === 1 ? ` · RequestId ${code(requestIds[0] ?? '')}` : '') +
        '</p>' +
        (deletes === 0
          ? ''
          : `\n<p><strong>Every client of SSL server ${code(settings.sslVpnServerId)} was disconnected</strong> by each delete of an old certificate (${deletes} in all): the other users must reconnect.</p>`),
      true
    )
    .write()
}
