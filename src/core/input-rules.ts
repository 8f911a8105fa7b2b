/**
 * The rules several readers share: how a value is shown inside a message, what a certificate name
 * and a region ID look like, the endpoint forms, whole numbers of seconds. Used by inputs.ts and
 * credential-inputs.ts, and (the name rule) where answers are checked: answer-text.ts, profile.ts.
 */
import { InputError } from './errors.js'
import type { Endpoint } from '../alibaba/settings.js'

const MAX_SHOWN_LENGTH = 80

/**
 * Shows a user-supplied value safely inside a message: JSON-quoted (so a newline cannot start a
 * new log line or a workflow command) and cut to a readable length.
 */
export function quote(value: string): string {
  const cut = value.length > MAX_SHOWN_LENGTH ? `${value.slice(0, MAX_SHOWN_LENGTH)}…` : value
  return JSON.stringify(cut)
}

/** The reference page's rule: 2–128 characters, letters, digits, `.`, `_`, `-`, starting with a letter. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{1,127}$/

const REGION_ID_PATTERN = /^[a-z]{2,}(?:-[a-z0-9]+){1,4}$/

/**
 * A region ID: lowercase words joined by hyphens, and one DNS label at most, since the default
 * endpoints are vpc.<region-id>.aliyuncs.com and sts.<region>.aliyuncs.com.
 */
export function isRegionId(value: string): boolean {
  return value.length <= 63 && REGION_ID_PATTERN.test(value)
}

const HOST_PORT_PATTERN =
  /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::(\d{1,5}))?$/

/**
 * `endpoint`: `host`, `host:port` or `https://host[:port]` (one trailing `/` tolerated). Plain
 * http, other schemes, user info, paths, queries and fragments are refused: the request is signed
 * for host and path `/`, and it carries credentials, so it goes over verified TLS only.
 */
export function parseEndpoint(
  raw: string,
  defaultHost: string,
  input = 'endpoint',
  source: 'input' | 'environment' = 'input'
): Endpoint {
  const given = raw === '' ? defaultHost : raw
  const expected = 'expected "host", "host:port" or "https://host[:port]"'
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(given)
  if (scheme && scheme[1]?.toLowerCase() === 'http') {
    throw new InputError(
      input,
      `${quote(raw)} uses plain http://, which would send signed requests unencrypted; use https:// (${expected}).`,
      source
    )
  }
  if (scheme && scheme[1]?.toLowerCase() !== 'https') {
    throw new InputError(input, `${quote(raw)} has an unsupported scheme; ${expected}.`, source)
  }
  const hostPort = (scheme ? given.slice(scheme[0].length) : given).replace(/\/$/, '')
  const problem = /[@]/.test(hostPort)
    ? 'carries user info'
    : /[?#]/.test(hostPort)
      ? 'carries a query or fragment'
      : /\//.test(hostPort)
        ? 'carries a path'
        : undefined
  if (problem) throw new InputError(input, `${quote(raw)} ${problem}; ${expected}.`, source)
  const match = HOST_PORT_PATTERN.exec(hostPort)
  const host = match?.[1]?.toLowerCase()
  const port = match?.[2] === undefined ? 443 : Number(match[2])
  if (!match || !host || host.includes('..') || port < 1 || port > 65535) {
    throw new InputError(input, `${quote(raw)} is not a valid host and port; ${expected}.`, source)
  }
  const hostHeader = port === 443 ? host : `${host}:${port}`
  return { origin: `https://${hostHeader}`, hostHeader }
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
