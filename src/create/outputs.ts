/**
 * What a run leaves behind: step outputs and the job summary. Side effects go through the
 * injected sinks (the parts of `@actions/core` used) so tests can check them without a runner.
 * Paths of profiles appear here; their content never does.
 */
import { cutText, MAX_SHOWN_TEXT_LENGTH, singleLine } from '../alibaba/answer-text.js'
import type { CertificateOutcome, Obtained } from '../certificates/onboarding.js'
import type { Settings } from '../alibaba/settings.js'

/** The credentials' origin for the log: never a value. */
export function describeCredentials(credentials: Settings['credentials']): string {
  if (credentials.source === 'oidc') {
    return `STS keys for ${credentials.oidc.roleArn} from the job's OIDC token`
  }
  const kind = credentials.keys.securityToken ? 'STS keys' : 'AccessKey'
  return `${kind} from ${credentials.source}`
}

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
    `  if-exists: ${settings.ifExists}${settings.configDir === undefined ? '' : `; profiles to ${settings.configDir}${settings.keyPassphrase === undefined ? '' : ' (keys encrypted)'}`}`,
    `  timeout-seconds: ${settings.timeoutMs / 1000}`
  ].join('\n')
}

export interface OutputSink {
  setOutput: (name: string, value: string) => void
}

export interface SummarySink {
  addHeading: (text: string, level?: number) => SummarySink
  addTable: (rows: { data: string; header?: boolean }[][] | string[][]) => SummarySink
  addRaw: (text: string, addEOL?: boolean) => SummarySink
  write: () => Promise<unknown>
}

/** The key of a certificate in `cert-ids`/`config-files`: its name (the API's, if not given). */
function keyOf(outcome: Obtained): string {
  return outcome.requested ?? outcome.name ?? outcome.certId
}

/**
 * Sets the outputs. `cert-ids` and `config-files` (JSON objects keyed by name) always; the
 * single-certificate outputs (`cert-id`, `name`, …) when the step asked for one certificate.
 */
export function setOutputs(sink: OutputSink, outcomes: CertificateOutcome[]): void {
  const core = singleLineOutputs(sink)
  const obtained = outcomes.filter((o): o is Obtained => o.ok)
  core.setOutput(
    'cert-ids',
    JSON.stringify(Object.fromEntries(obtained.map(o => [keyOf(o), o.certId])))
  )
  core.setOutput(
    'config-files',
    JSON.stringify(
      Object.fromEntries(
        obtained.flatMap(o => (o.configFile === undefined ? [] : [[keyOf(o), o.configFile]]))
      )
    )
  )
  const [only] = outcomes
  if (outcomes.length !== 1 || !only?.ok) return
  core.setOutput('cert-id', only.certId)
  core.setOutput('name', only.name)
  core.setOutput('request-id', only.requestId ?? '')
  core.setOutput('client-token', only.clientToken)
  core.setOutput('created', String(only.created))
  core.setOutput('status', only.status ?? '')
  if (only.configFile !== undefined) core.setOutput('config-file', only.configFile)
}

/**
 * Outputs are read into scripts (`${{ steps.x.outputs.cert-id }}`): a value with a line break
 * could start a command there. Values from answers are shape-checked before they get here; this
 * refuses one that is not, as the bug it would be.
 */
export function singleLineOutputs(sink: OutputSink): OutputSink {
  return {
    setOutput: (name, value) => {
      if (/[\r\n\u0085\u2028\u2029]/.test(value)) {
        throw new Error(`Refusing to set output ${name}: its value has a line break.`)
      }
      sink.setOutput(name, value)
    }
  }
}

/** The summary's cells are HTML: escape what came from the API or the user. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c
  )
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/**
 * A summary cell's text: one line (a blank line would end the HTML block and let the rest render
 * as Markdown), HTML-escaped, cut to `max` characters.
 */
export function cellText(text: string, max = MAX_SHOWN_TEXT_LENGTH): string {
  return escapeHtml(cutText(singleLine(text), max))
}

/** A failure's first line in a cell: room for the API's message and what the action adds. */
const MAX_FAILURE_CELL_LENGTH = 2 * MAX_SHOWN_TEXT_LENGTH

/** An identifier or a path, whole. */
export const code = (text: string) => `<code>${escapeHtml(singleLine(text))}</code>`

/** One row per certificate: name, ID, created or reused, status, profile file (path only). */
export function summaryRows(outcomes: CertificateOutcome[]): string[][] {
  return outcomes.map(o =>
    o.ok
      ? [
          cellText(o.name || '(generated by the API)'),
          code(o.certId),
          (o.created ? 'created' : 'reused') + replacedText(o),
          cellText(o.status ?? '—'),
          o.configFile === undefined ? '—' : code(o.configFile)
        ]
      : [
          cellText(o.requested ?? '(generated by the API)'),
          '—',
          `<strong>failed</strong>: ${cellText(o.error.message.split('\n')[0] ?? '', MAX_FAILURE_CELL_LENGTH)}`,
          '—',
          '—'
        ]
  )
}

/** With `if-exists: replace`: which old certificates went, and which could not. */
function replacedText(outcome: Obtained): string {
  if (!outcome.replacement) return ''
  const { revocations, listingError } = outcome.replacement
  const gone = revocations.filter(r => r.ok).map(r => code(r.certId))
  const left = revocations.filter(r => !r.ok).map(r => code(r.certId))
  return [
    gone.length > 0 ? `; replaced ${gone.join(', ')}` : '; nothing to replace',
    left.length > 0 ? `; <strong>not revoked</strong>: ${left.join(', ')}` : '',
    listingError ? '; <strong>the others could not be listed</strong>' : ''
  ].join('')
}

/** How many old certificates a rotation deleted: each delete disconnected every client. */
function replacedDeletes(outcomes: CertificateOutcome[]): number {
  return outcomes.reduce(
    (n, o) =>
      n +
      (o.ok && o.replacement
        ? o.replacement.revocations.filter(r => r.ok && !r.alreadyGone).length
        : 0),
    0
  )
}

export async function writeSummary(
  summary: SummarySink,
  settings: Settings,
  outcomes: CertificateOutcome[]
): Promise<void> {
  const obtained = outcomes.filter((o): o is Obtained => o.ok)
  const attempts = obtained.reduce((n, o) => n + o.attempts, 0)
  const waitedMs = obtained.reduce((n, o) => n + o.waitedMs, 0)
  const requestIds = obtained.flatMap(o => (o.requestId ? [o.requestId] : []))
  const deletes = replacedDeletes(outcomes)
  const header = ['Name', 'Certificate ID', 'Result', 'Status', 'Profile'].map(data => ({
    data,
    header: true
  }))
  await summary
    .addHeading(
      outcomes.length === 1 ? 'SSL-VPN client certificate' : 'SSL-VPN client certificates',
      3
    )
    .addTable([header, ...summaryRows(outcomes).map(row => row.map(data => ({ data })))])
    .addRaw(
      `<p>SSL server ${code(settings.sslVpnServerId)} in ${cellText(settings.regionId)} · ` +
        `${attempts} API ${attempts === 1 ? 'call' : 'calls'} · ${formatSeconds(waitedMs)} waiting for the gateway` +
        (requestIds.length === 1 ? ` · RequestId ${code(requestIds[0] ?? '')}` : '') +
        '</p>' +
        (deletes === 0
          ? ''
          : `\n<p><strong>Every client of SSL server ${code(settings.sslVpnServerId)} was disconnected</strong> by each delete of an old certificate (${deletes} in all): the other users must reconnect.</p>`),
      true
    )
    .write()
}
