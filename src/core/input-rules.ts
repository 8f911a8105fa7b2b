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
