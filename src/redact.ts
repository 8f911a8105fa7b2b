/**
 * Redaction of secrets from text that came from elsewhere (API error messages, proxy pages) before
 * it reaches a log line, an error or an output. `core.setSecret` masks exact values in the runner's
 * log, but not their percent-encoded forms, and not in the job summary or outputs; an Alibaba Cloud
 * `SignatureDoesNotMatch` answer echoes the server's string to sign, which carries the AccessKeyId
 * and any security token encoded once or twice.
 */
import { percentEncode } from './signer.js'

export const REDACTED = '***'

/** Every form in which `secret` may appear in a URL, a string to sign or a JSON string. */
export function secretForms(secret: string): string[] {
  const once = percentEncode(secret)
  return [
    secret,
    once,
    percentEncode(once),
    encodeURIComponent(secret),
    // form-encoding (space as '+'), as encodeURIComponent and as URLSearchParams do it
    encodeURIComponent(secret).replace(/%20/g, '+'),
    new URLSearchParams({ s: secret }).toString().slice(2),
    // JSON escaping
    JSON.stringify(secret).slice(1, -1)
  ]
}

export type Redactor = (text: string) => string

/**
 * Builds a function that replaces every form of every secret with `***`, and drops the server's
 * echoed string to sign altogether (it is never useful to a reader and always sensitive).
 */
export function createRedactor(secrets: ReadonlyArray<string | undefined>): Redactor {
  const forms = [
    ...new Set(
      secrets
        .filter((s): s is string => s !== undefined && s.length > 0)
        .flatMap(secretForms)
        .filter(form => form.length > 0)
    )
  ].sort((a, b) => b.length - a.length) // longest first, so a form never leaves a piece of a longer one
  return text => {
    let result = text.replace(/(string to sign is:).*$/is, `$1 ${REDACTED}`)
    for (const form of forms) result = result.split(form).join(REDACTED)
    return result
  }
}

/**
 * The secrets known so far, growing as the run learns new ones (STS keys arrive mid-run). `mask`
 * records a secret for redaction and hands it to the runner's masking in one step, so the two
 * can never disagree.
 */
export function createSecretRegistry(maskInRunnerLog: (secret: string) => void): {
  mask: (secret: string) => void
  redact: Redactor
} {
  const secrets = new Set<string>()
  let redactor = createRedactor([])
  return {
    mask: secret => {
      if (secret === '' || secrets.has(secret)) return
      maskInRunnerLog(secret)
      secrets.add(secret)
      redactor = createRedactor([...secrets])
    },
    redact: text => redactor(text)
  }
}
