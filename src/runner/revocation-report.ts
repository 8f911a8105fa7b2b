/**
 * What every action that deletes certificates says the same way (revoke, and create with
 * `if-exists: replace`): the cost of the deletes (each one disconnected every client of the SSL
 * server) and one line per failure.
 */
import type { CertificateRevocation } from '../certificates/revocation.js'
import { describeFailure } from './failure.js'

/**
 * How many deletes this step made that the API accepted: each disconnected everyone, the ones not
 * yet seen gone when the step failed or was cancelled included.
 */
export function disconnections(revocations: readonly CertificateRevocation[]): number {
  return revocations.filter(r => (r.ok ? !r.alreadyGone : r.deleteAccepted === true)).length
}

/**
 * The log's last word on the cost, as a warning annotation so it is seen: how many times every
 * client of the SSL server was disconnected. Undefined when nothing was deleted.
 */
export function disconnectionWarning(
  revocations: readonly CertificateRevocation[],
  sslVpnServerId: string
): string | undefined {
  const n = disconnections(revocations)
  if (n === 0) return undefined
  return `${n === 1 ? 'One certificate was' : `${n} certificates were`} deleted on ${sslVpnServerId}: each delete disconnected every client of that SSL server${n === 1 ? '' : ` (${n} times in all)`}; the other users must reconnect.`
}

/** One failure as one line: the error's first lines, with code and RequestId. */
export function failureLine(subject: string, error: Error, timeoutSeconds: number): string {
  const text = describeFailure(error, { clientToken: undefined, timeoutSeconds })
  return `- ${subject}: ${text.split('\n').join(' ')}`
}
