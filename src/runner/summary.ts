/**
 * What every action leaves behind the same way: outputs that can never carry a line break, job
 * summary cells that are one line of escaped HTML, and where the credentials came from (never a
 * value). Each action's own outputs and summary are in its folder.
 */
import { cutText, MAX_SHOWN_TEXT_LENGTH, singleLine } from '../core/text.js'
import type { CredentialSettings } from '../alibaba/settings.js'

/** The credentials' origin for the log: never a value. */
export function describeCredentials(credentials: CredentialSettings): string {
  if (credentials.source === 'oidc') {
    return `STS keys for ${credentials.oidc.roleArn} from the job's OIDC token`
  }
  const kind = credentials.keys.securityToken ? 'STS keys' : 'AccessKey'
  return `${kind} from ${credentials.source}`
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

/**
 * A summary cell's text: one line (a blank line would end the HTML block and let the rest render
 * as Markdown), HTML-escaped, cut to `max` characters.
 */
export function cellText(text: string, max = MAX_SHOWN_TEXT_LENGTH): string {
  return escapeHtml(cutText(singleLine(text), max))
}

/** An identifier or a path, whole. */
export const code = (text: string) => `<code>${escapeHtml(singleLine(text))}</code>`
