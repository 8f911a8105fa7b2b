/**
 * Which certificates expire: each listed certificate classified as expired, expiring or valid at
 * one moment, by its Status and its EndTime, and the verdict of `fail-on`. Pure functions of the
 * listing and the clock; the report sub-action (report-main.ts) prints what they say.
 */
import type { ListedCertificate } from '../alibaba/vpc-client.js'

export const DAY_MS = 24 * 60 * 60 * 1000

/**
 * - `expired`: Status `expired`, or EndTime is not in the future.
 * - `expiring`: not expired, and Status `expiring-soon` (the API's week) or EndTime within
 *   `warn-days`.
 * - `valid`: neither.
 */
type Expiry = 'expired' | 'expiring' | 'valid'

/** `fail-on`: which certificates fail the step. */
export type FailOn = 'never' | 'expiring' | 'expired'

export interface ClassifiedCertificate extends ListedCertificate {
  expiry: Expiry
  /**
   * Whole days from now to EndTime, rounded toward zero: 0 in its last day (and its first day
   * after), -1 a whole day after it ended.
   */
  daysLeft: number
}

/** A listing classified at one moment. */
export interface ExpiryReport {
  /** When the certificates were classified (ms). */
  checkedAt: number
  warnDays: number
  /** Every certificate, soonest EndTime first. */
  certificates: ClassifiedCertificate[]
  expiring: ClassifiedCertificate[]
  expired: ClassifiedCertificate[]
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** Whole days left before `endTime`, rounded toward zero (negative once a whole day has passed). */
export function daysLeft(endTime: number, now: number): number {
  // `|| 0`: never -0, which would print as "-0" in a message.
  return Math.trunc((endTime - now) / DAY_MS) || 0
}

/**
 * The certificate's expiry at `now`. The API's own verdict counts first (its Status may know
 * better than the clock), then EndTime: a certificate that ends within `warnDays` days — at
 * `now + warnDays` days exactly included — is expiring.
 */
export function classify(
  certificate: Pick<ListedCertificate, 'status' | 'endTime'>,
  now: number,
  warnDays: number
): Expiry {
  if (certificate.status === 'expired' || certificate.endTime <= now) return 'expired'
  if (certificate.status === 'expiring-soon' || certificate.endTime - now <= warnDays * DAY_MS) {
    return 'expiring'
  }
  return 'valid'
}

/** Soonest EndTime first; equal ones by server, then ID, so that the order is stable. */
function byExpiry(a: ClassifiedCertificate, b: ClassifiedCertificate): number {
  return (
    a.endTime - b.endTime ||
    a.sslVpnServerId.localeCompare(b.sslVpnServerId) ||
    a.certId.localeCompare(b.certId)
  )
}

/** The listing classified at `now` and sorted by expiry. */
export function classifyCertificates(
  listed: readonly ListedCertificate[],
  now: number,
  warnDays: number
): ExpiryReport {
  const certificates = listed
    .map(c => ({ ...c, expiry: classify(c, now, warnDays), daysLeft: daysLeft(c.endTime, now) }))
    .sort(byExpiry)
  return {
    checkedAt: now,
    warnDays,
    certificates,
    expiring: certificates.filter(c => c.expiry === 'expiring'),
    expired: certificates.filter(c => c.expiry === 'expired')
  }
}

/** `2025-03-01T12:00:00.000Z` → `2025-03-01 12:00 UTC`: for tables and messages. */
export function formatDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** How a flagged certificate is named in a message: ID, name, server, and when it ends. */
function describeFlagged(c: ClassifiedCertificate): string {
  const when =
    c.expiry === 'expired'
      ? `expired (EndTime ${formatDate(c.endTime)})`
      : `expires ${formatDate(c.endTime)}, ${count(c.daysLeft, 'day', 'days')} left`
  return `${c.certId}${c.name ? ` (${c.name})` : ''} on ${c.sslVpnServerId}: ${when}`
}

/** The most certificates named in one message; the outputs and the summary list them all. */
const MAX_NAMED = 20

/**
 * One paragraph on what is expired or expiring (undefined when nothing is): a headline, then one
 * line per certificate, at most MAX_NAMED.
 */
export function describeFlaggedCertificates(report: ExpiryReport): string | undefined {
  const flagged = [...report.expired, ...report.expiring]
  if (flagged.length === 0) return undefined
  const parts = [
    report.expired.length > 0
      ? `${count(report.expired.length, 'certificate', 'certificates')} expired`
      : '',
    report.expiring.length > 0
      ? `${count(report.expiring.length, 'certificate', 'certificates')} expiring (within ${count(report.warnDays, 'day', 'days')}, or Status expiring-soon)`
      : ''
  ].filter(Boolean)
  const lines = flagged.slice(0, MAX_NAMED).map(c => `- ${describeFlagged(c)}`)
  if (flagged.length > MAX_NAMED) {
    lines.push(`- … and ${flagged.length - MAX_NAMED} more (see the outputs or the job summary)`)
  }
  return [`${parts.join(' and ')}:`, ...lines].join('\n')
}

/**
 * The failure `fail-on` asks for, undefined when the step passes: `expired` fails on any expired
 * certificate, `expiring` on any expired or expiring one, `never` on none. The message names the
 * certificates that fail it.
 */
export function failOnVerdict(report: ExpiryReport, failOn: FailOn): string | undefined {
  const failing = failOn === 'expired' ? { ...report, expiring: [] } : report
  const what = failOn === 'never' ? undefined : describeFlaggedCertificates(failing)
  return what === undefined ? undefined : `fail-on: ${failOn}. ${what}`
}
