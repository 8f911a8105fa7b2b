/**
 * The rules every input reader shares, whatever the service: how a value is shown inside a
 * message, whole numbers of seconds. Alibaba Cloud's own rules (names, region IDs, endpoints) are
 * in alibaba/rules.ts.
 */
import { InputError } from './errors.js'

const MAX_SHOWN_LENGTH = 80

/**
 * Shows a user-supplied value safely inside a message: JSON-quoted (so a newline cannot start a
 * new log line or a workflow command) and cut to a readable length.
 */
export function quote(value: string): string {
  const cut = value.length > MAX_SHOWN_LENGTH ? `${value.slice(0, MAX_SHOWN_LENGTH)}…` : value
  return JSON.stringify(cut)
}

/** A whole number of seconds in [min, max]; '' is the fallback. */
export function parseWholeNumber(
  raw: string,
  input: string,
  min: number,
  max: number,
  fallback: number
): number {
  if (raw === '') return fallback
  const value = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN
  if (!(value >= min && value <= max)) {
    throw new InputError(
      input,
      `${quote(raw)} is not valid; expected a whole number of seconds from ${min} to ${max} (default ${fallback}).`
    )
  }
  return value
}

/**
 * A YAML 1.2 core-schema boolean, as `core.getBooleanInput` reads one; '' is the default, false.
 * `whenTrue` and `whenFalse` say what each value does, for the message a bad value gets.
 */
export function parseBooleanInput(
  raw: string,
  input: string,
  whenTrue: string,
  whenFalse = 'the default'
): boolean {
  if (raw === '' || ['false', 'False', 'FALSE'].includes(raw)) return false
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  throw new InputError(
    input,
    `${quote(raw)} is not a boolean; expected "true" (${whenTrue}) or "false" (${whenFalse}).`
  )
}

/**
 * Inputs given together that exclude each other, as one error on the last of them:
 * `Input 'names': cannot be combined with 'name'; <what to give instead>`.
 */
export function conflictingInputsError(given: readonly string[], instead: string): InputError {
  const last = given.at(-1) ?? ''
  const quoted = given.slice(0, -1).map(input => `'${input}'`)
  const others =
    quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`
  return new InputError(last, `cannot be combined with ${others}; ${instead}`)
}
