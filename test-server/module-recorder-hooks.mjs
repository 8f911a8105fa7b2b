// Module hooks (node:module `register`) of module-recorder.mjs: they run on Node's hooks thread,
// so each loaded file's URL is appended to the record at once, not collected for the exit.
import { appendFileSync } from 'node:fs'

/** Where the URLs go: set by `initialize`. */
let record = ''

/**
 * @param {{ file: string }} data
 */
export function initialize(data) {
  record = data.file
}

/**
 * @param {string} url
 * @param {unknown} context
 * @param {(url: string, context: unknown) => Promise<unknown>} nextLoad
 */
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) appendFileSync(record, `${url}\n`)
  return nextLoad(url, context)
}
