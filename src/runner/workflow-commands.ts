/**
 * The runner's side of a step, written as `@actions/core` 3 writes it, without loading
 * `@actions/core`: inputs and state from `INPUT_*` / `STATE_*` variables, outputs and state
 * through the `GITHUB_OUTPUT` / `GITHUB_STATE` files, log lines and `::command::` lines on stdout,
 * the job summary through `GITHUB_STEP_SUMMARY`. Each function has the name and the behaviour of
 * the `@actions/core` function it stands for, so this module and `@actions/core` both serve as a
 * {@link RunnerLibrary} (live.ts).
 *
 * Why hand-written: `connect` is timed against OpenVPN's own start (at most 150 ms over it for the
 * whole step, bench/connect.mjs), and importing `@actions/core` costs that step some 20 ms before
 * its first line runs. `@actions/core` loads `node:crypto` at import (a random UUID per file
 * command's delimiter) and `@actions/exec` and `@actions/io`, which load `node:assert`
 * (platform.js); the connect step needs neither. Only connect uses this module; every other action
 * keeps `@actions/core`. `__tests__/runner/workflow-commands.test.ts` runs both on the same values
 * and requires the same bytes on stdout and in every file, so the two cannot drift apart.
 */
import {
  accessSync,
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  readSync
} from 'node:fs'
import { EOL } from 'node:os'
import type { SummarySink } from './summary.js'

/** `@actions/core`'s `toCommandValue`: null and undefined as '', strings as they are, the rest as JSON. */
function toCommandValue(input: unknown): string {
  if (input === null || input === undefined) return ''
  if (typeof input === 'string' || input instanceof String) return String(input)
  return JSON.stringify(input)
}

function escapeData(value: unknown): string {
  return toCommandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(value: unknown): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** `::command key=value,…::message`: properties with an empty value are left out, as core does. */
function issueCommand(command: string, properties: Record<string, string>, message: unknown): void {
  const shown = Object.entries(properties).filter(([, value]) => value)
  const props =
    shown.length > 0
      ? ` ${shown.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',')}`
      : ''
  process.stdout.write(`::${command}${props}::${escapeData(message)}${EOL}`)
}

/**
 * 16 bytes from the kernel's random source, as a UUID's hex: the delimiter needs to be one no
 * value can guess, not `node:crypto` (loading it is most of what this module saves).
 */
function randomHex(): string {
  const bytes = Buffer.alloc(16)
  const fd = openSync('/dev/urandom', constants.O_RDONLY)
  try {
    let filled = 0
    while (filled < bytes.length) filled += readSync(fd, bytes, filled, bytes.length - filled, null)
  } finally {
    closeSync(fd)
  }
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** `name<<delimiter` … `delimiter`, as core's `prepareKeyValueMessage`, refusing a value that holds the delimiter. */
function keyValueMessage(key: string, value: unknown): string {
  const delimiter = `ghadelimiter_${randomHex()}`
  const converted = toCommandValue(value)
  if (key.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`)
  }
  if (converted.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`)
  }
  return `${key}<<${delimiter}${EOL}${converted}${EOL}${delimiter}`
}

function issueFileCommand(command: 'OUTPUT' | 'STATE', message: string): void {
  const filePath = process.env[`GITHUB_${command}`]
  if (!filePath) {
    throw new Error(`Unable to find environment variable for file command ${command}`)
  }
  if (!existsSync(filePath)) throw new Error(`Missing file at path: ${filePath}`)
  appendFileSync(filePath, `${message}${EOL}`, { encoding: 'utf8' })
}

export function getInput(name: string, options?: { required?: boolean; trimWhitespace?: boolean }) {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || ''
  if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`)
  return options?.trimWhitespace === false ? value : value.trim()
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] || ''
}

export function setOutput(name: string, value: unknown): void {
  if (process.env['GITHUB_OUTPUT']) {
    issueFileCommand('OUTPUT', keyValueMessage(name, value))
    return
  }
  process.stdout.write(EOL)
  issueCommand('set-output', { name }, toCommandValue(value))
}

export function saveState(name: string, value: unknown): void {
  if (process.env['GITHUB_STATE']) {
    issueFileCommand('STATE', keyValueMessage(name, value))
    return
  }
  issueCommand('save-state', { name }, toCommandValue(value))
}

export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret)
}

export function info(message: string): void {
  process.stdout.write(message + EOL)
}

export function debug(message: string): void {
  issueCommand('debug', {}, message)
}

export function warning(message: string): void {
  issueCommand('warning', {}, message)
}

export function error(message: string): void {
  issueCommand('error', {}, message)
}

/** Fails the step: exit code 1 and the message as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

/** `<tag attrs>content</tag>`, or only `<tag attrs>` when there is no content, as core's `wrap`. */
function wrap(tag: string, content: string, attrs: Record<string, string | number> = {}): string {
  const htmlAttrs = Object.entries(attrs)
    .map(([key, value]) => ` ${key}="${value}"`)
    .join('')
  return content ? `<${tag}${htmlAttrs}>${content}</${tag}>` : `<${tag}${htmlAttrs}>`
}

type TableCell = string | { data: string; header?: boolean; colspan?: string; rowspan?: string }

/** The job summary: a buffer written to the file GITHUB_STEP_SUMMARY names, as `core.summary`. */
class Summary implements SummarySink {
  private buffer = ''

  addRaw(text: string, addEOL = false): Summary {
    this.buffer += text
    if (addEOL) this.buffer += EOL
    return this
  }

  addHeading(text: string, level?: number): Summary {
    const tag = `h${level}`
    const allowed = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag) ? tag : 'h1'
    return this.addRaw(wrap(allowed, text), true)
  }

  addTable(rows: TableCell[][]): Summary {
    const body = rows
      .map(row =>
        wrap(
          'tr',
          row
            .map(cell => {
              if (typeof cell === 'string') return wrap('td', cell)
              const { header, data, colspan, rowspan } = cell
              return wrap(header ? 'th' : 'td', data, {
                ...(colspan && { colspan }),
                ...(rowspan && { rowspan })
              })
            })
            .join('')
        )
      )
      .join('')
    return this.addRaw(wrap('table', body), true)
  }

  /** The file, checked once and then kept for the process's life, as core keeps it. */
  private path: string | undefined

  /**
   * Appends what was added, as core's `write()`. Synchronous inside, like every write here: one
   * append needs no trip through libuv's thread pool, whose start alone costs a step some ms.
   */
  async write(): Promise<Summary> {
    appendFileSync(this.filePath(), this.buffer, { encoding: 'utf8' })
    this.buffer = ''
    return this
  }

  private filePath(): string {
    if (this.path !== undefined) return this.path
    const path = process.env['GITHUB_STEP_SUMMARY']
    if (!path) {
      throw new Error(
        'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.'
      )
    }
    try {
      accessSync(path, constants.R_OK | constants.W_OK)
    } catch {
      throw new Error(
        `Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`
      )
    }
    this.path = path
    return path
  }
}

export const summary = new Summary()
