/**
 * Scans everything a run of the action left behind for any form of a secret: raw, percent-encoded
 * once or twice (as in a string to sign), form-encoded, base64 and JSON-escaped. Written here
 * independently of src/redact.ts, so that a gap there cannot hide itself.
 */
import { expect } from '@jest/globals'
import type { RunResult } from '../test-server/run-action.mjs'

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

export function formsOf(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    rfc3986(secret),
    rfc3986(rfc3986(secret)),
    encodeURIComponent(encodeURIComponent(secret)),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    Buffer.from(secret).toString('base64'),
    JSON.stringify(secret).slice(1, -1)
  ]
}

/** Everything a user or a log could see after a run. */
export function everythingShown(result: RunResult): string {
  return [result.stdout, result.stderr, result.outputFile, result.summary].join('\n')
}

/**
 * Asserts no form of any secret appears anywhere in the run's output, except in `::add-mask::`
 * commands (the runner consumes those; they are how secrets get masked).
 */
export function expectNoSecrets(result: RunResult, secrets: ReadonlyArray<string | undefined>) {
  const shown = everythingShown(result)
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const secret of secrets) {
    if (!secret) continue
    for (const form of new Set(formsOf(secret))) {
      if (shown.includes(form)) {
        throw new Error(`a form of a secret (${form.length} chars) appears in the run's output`)
      }
    }
  }
  expect(shown.length).toBeGreaterThan(0)
}
