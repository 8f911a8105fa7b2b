/**
 * The plan: what `sync` would change on one SSL server to make its certificates match the roster,
 * computed from the live listing (the cloud is the state; there is no state file). A pure function
 * of the roster, the listing, the clock and the options, so every case is a unit test.
 *
 * Per certificate name:
 * - in the roster (and not past its `expires`), nothing listed: **create**;
 * - in the roster, listed: **keep** every certificate of that name (several of one name are all
 *   kept: revoking one disconnects every client, and which one the person holds is not known);
 *   with `rotate`, those expired or expiring within `warn-days` are **rotated**: a new one is
 *   created and they are revoked once it is ready, or, when a valid one of that name exists
 *   already (a re-run after the create), they are revoked as superseded;
 * - listed, not in the roster or past its `expires`: **revoke**;
 * - listed under a name matching an `ignore` pattern: never touched (a roster entry may not match
 *   one: that is refused before any call, {@link checkRosterAgainstIgnore}).
 *
 * A name in `redeliver` (names of roster entries that hold, {@link checkRedeliverNames}) is also
 * **re-delivered**: apply writes the profile of one of its kept certificates again, the one the
 * root action's `if-exists: reuse` would pick (the oldest whose Status can be used). A name the
 * plan creates (new, or rotated) is delivered by its create, once; a name none of whose kept
 * certificates can be used is refused ({@link redeliveryRefusal}).
 */
import { InputError } from '../core/errors.js'
import { classify } from '../certificates/expiry.js'
import { quote } from '../core/input-rules.js'
import { USABLE_STATUSES, type ListedCertificate } from '../alibaba/vpc-client.js'
import type { Roster, RosterEntry } from './roster.js'

export interface PlanOptions {
  /** The clock, ms: roster `expires` and certificate expiry are judged at this moment. */
  now: number
  /** Days before EndTime from which a certificate is expiring (expiry.ts `classify`). */
  warnDays: number
  /** Replace expired and expiring certificates of roster names. */
  rotate: boolean
  /** `ignore` patterns, compiled ({@link compileIgnorePatterns}). */
  ignore: readonly IgnorePattern[]
  /** `redeliver`: roster names whose profile apply writes again (none when absent). */
  redeliver?: readonly string[] | undefined
}

/** One `ignore` glob: `*` any run of characters, `?` one character, the rest literal. */
export interface IgnorePattern {
  glob: string
  matches: (name: string) => boolean
}

export interface PlannedCreate {
  name: string
  /** The roster's `recipient`, as written: the profile is encrypted to it. */
  recipient: string | undefined
  /** The roster line of `recipient` (undefined without one), for messages. */
  recipientLine?: number | undefined
  /** `new`: not on the server; `rotation`: its certificates are expired or expiring. */
  reason: 'new' | 'rotation'
  /**
   * In plan mode, for a `github:USER` recipient: what GitHub lists for that account, read as apply
   * will read it (sync/delivery.ts `checkPlannedRecipients`). Absent otherwise.
   */
  github?: GitHubRecipientCheck | undefined
}

/** A key a profile would be encrypted to, as the `encrypted-to` output names it. */
export interface PlannedKey {
  type: string
  fingerprint: string
  /** `github:alice-gh`. */
  from: string
}

/**
 * What plan mode found of a create's `github:USER` recipient:
 * - `keys`: the keys its profile will be encrypted to (and how many GitHub lists that age cannot use);
 * - `problem`: apply would fail this name (no usable key, no such account); `message` says why;
 * - `unchecked`: GitHub could not be asked (unreachable, 5xx, rate limit); `message` says why.
 */
export type GitHubRecipientCheck =
  | { status: 'keys'; username: string; keys: PlannedKey[]; skipped: number }
  | { status: 'problem'; username: string; message: string }
  | { status: 'unchecked'; username: string; message: string }

/**
 * A name of `redeliver`, as the plan has it:
 * - `deliver`: the profile of `certId`, a kept certificate (the oldest whose Status can be used,
 *   of `kept`), is written again;
 * - `by-create`: the plan creates the name (`new`, or a `rotation`): its new profile is delivered
 *   by the create, once;
 * - `unusable`: none of its kept certificates can be used (expired, without `rotate`): no profile
 *   can be written from them; the plan is refused ({@link redeliveryRefusal}).
 */
export type PlannedRedelivery = {
  name: string
  /** The roster's `recipient`, as written: the profile is encrypted to it. */
  recipient: string | undefined
  recipientLine?: number | undefined
  /** In plan mode, for a `github:USER` recipient to deliver to: as on {@link PlannedCreate}. */
  github?: GitHubRecipientCheck | undefined
} & RedeliveryAction

type RedeliveryAction =
  | { action: 'deliver'; certId: string; kept: number }
  | { action: 'by-create'; reason: PlannedCreate['reason'] }
  | { action: 'unusable'; certificates: { certId: string; status: string }[] }

/**
 * - `not-in-roster`: its name is in no roster entry.
 * - `entry-expired`: its roster entry's `expires` has passed.
 * - `rotated`: replaced by a certificate this run creates, revoked once that one is ready.
 * - `superseded`: expired or expiring, and a valid certificate of its name exists already.
 */
export type RevokeReason = 'not-in-roster' | 'entry-expired' | 'rotated' | 'superseded'

interface PlannedRevocation {
  certId: string
  name: string
  status: string
  endTime: number
  reason: RevokeReason
}

interface KeptName {
  name: string
  certificates: ListedCertificate[]
}

interface IgnoredCertificate {
  certId: string
  name: string
  pattern: string
}

export interface Plan {
  /** Roster order. */
  create: PlannedCreate[]
  /** Roster order. */
  keep: KeptName[]
  /** By name, then oldest first. */
  revoke: PlannedRevocation[]
  ignored: IgnoredCertificate[]
  /** Roster entries past their `expires` (their certificates, if any, are in `revoke`). */
  expiredEntries: { name: string; expires: string }[]
  /** The names of `redeliver`, in roster order. */
  redeliver: PlannedRedelivery[]
}

const GLOB_PATTERN = /^[A-Za-z0-9._*?-]{1,128}$/
/** Most `ignore` patterns. */
const MAX_IGNORE_PATTERNS = 100

/**
 * `ignore`: one glob per line over certificate names (`ci-*`, `build-??`): letters, digits, `.`,
 * `_`, `-` and the wildcards `*` and `?`.
 */
export function compileIgnorePatterns(lines: readonly string[]): IgnorePattern[] {
  if (lines.length > MAX_IGNORE_PATTERNS) {
    throw new InputError('ignore', `has ${lines.length} patterns; at most ${MAX_IGNORE_PATTERNS}.`)
  }
  return lines.map((glob, index) => {
    if (!GLOB_PATTERN.test(glob)) {
      throw new InputError(
        'ignore',
        `line ${index + 1}: ${quote(glob)} is not a pattern; expected a certificate name with * (any characters) and ? (one character) as wildcards, e.g. "ci-*".`
      )
    }
    const source = glob
      .split('')
      .map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.]/g, '\\.')))
      .join('')
    // Linear: the glob is short and `.*` runs cannot nest.
    const regex = new RegExp(`^${source}$`, 's')
    return { glob, matches: name => regex.test(name) }
  })
}

function ignoredBy(name: string, ignore: readonly IgnorePattern[]): IgnorePattern | undefined {
  return ignore.find(p => p.matches(name))
}

/**
 * Refuses a roster entry whose name an `ignore` pattern matches: sync would never create, keep or
 * revoke it, which is not what the roster says.
 */
export function checkRosterAgainstIgnore(roster: Roster, ignore: readonly IgnorePattern[]): void {
  for (const entry of roster.entries) {
    const pattern = ignoredBy(entry.name, ignore)
    if (pattern !== undefined) {
      throw new InputError(
        'ignore',
        `${quote(pattern.glob)} matches ${quote(entry.name)}, which ${quote(roster.file)} line ${entry.line} lists: sync never touches an ignored name. Narrow the pattern or remove the entry.`
      )
    }
  }
}

/**
 * Refuses, before any call, a `redeliver` name sync would not write a profile for: one an `ignore`
 * pattern matches (sync never touches it), one the roster does not list (its certificates are
 * revoked, or there are none), one whose roster entry is past its `expires` (its certificates are
 * revoked: a profile of a certificate about to go is of no use, and writing its private key again
 * only spreads it).
 */
export function checkRedeliverNames(
  names: readonly string[],
  roster: Roster,
  ignore: readonly IgnorePattern[],
  now: number
): void {
  const entries = new Map(roster.entries.map(e => [e.name, e]))
  for (const name of names) {
    const pattern = ignoredBy(name, ignore)
    if (pattern !== undefined) {
      throw new InputError(
        'redeliver',
        `${quote(name)} matches the ignore pattern ${quote(pattern.glob)}: sync never touches an ignored name, so it writes no profile for it; expected names of roster entries (for a certificate another tool manages, use the main action with if-exists: reuse).`
      )
    }
    const entry = entries.get(name)
    if (entry === undefined) {
      throw new InputError(
        'redeliver',
        `${quote(name)} is not in ${quote(roster.file)}; expected names of roster entries (redeliver writes again the profile of a certificate the roster keeps). Names are compared exactly.`
      )
    }
    if (!holds(entry, now)) {
      throw new InputError(
        'redeliver',
        `${quote(name)}: its entry in ${quote(roster.file)} (line ${entry.line}) expired on ${entry.expires ?? '?'}, so apply revokes its certificates and writes no profile for them. Move "expires" later to give access again, or leave the name out of redeliver.`
      )
    }
  }
}

/**
 * The refusal of a plan that re-delivers a name none of whose kept certificates can be used, or
 * undefined. Like the safety rail, it stops the whole apply before any change: the run was asked
 * for something it cannot do, and the person would be left without a profile.
 */
export function redeliveryRefusal(plan: Plan): string | undefined {
  const lines = plan.redeliver.flatMap(r =>
    r.action === 'unusable'
      ? [
          `redeliver: ${quote(r.name)}: no certificate of that name can be used (${r.certificates.map(c => `${c.certId} Status ${quote(c.status)}`).join(', ')}), so no profile can be written from one; nothing was changed. Set rotate: true to replace it (its new profile is written), or leave the name out of redeliver.`
        ]
      : []
  )
  return lines.length === 0 ? undefined : lines.join('\n')
}

/** Whether the entry still holds at `now` (its `expires` day not yet over). */
function holds(entry: RosterEntry, now: number): boolean {
  return entry.expiresAt === undefined || now < entry.expiresAt
}

const byNameThenAge = (a: ListedCertificate, b: ListedCertificate) =>
  (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
  a.createTime - b.createTime ||
  (a.certId < b.certId ? -1 : a.certId > b.certId ? 1 : 0)

/** The plan for `listing` to match `roster` at `options.now`. */
export function computePlan(
  roster: Roster,
  listing: readonly ListedCertificate[],
  options: PlanOptions
): Plan {
  const { now, warnDays, rotate, ignore } = options
  const redeliverNames = new Set(options.redeliver ?? [])
  const active = new Map<string, RosterEntry>()
  const expiredEntries = new Map<string, string>()
  for (const entry of roster.entries) {
    if (holds(entry, now)) active.set(entry.name, entry)
    else expiredEntries.set(entry.name, entry.expires ?? '')
  }
  const byName = new Map<string, ListedCertificate[]>()
  const ignored: IgnoredCertificate[] = []
  const revoke: PlannedRevocation[] = []
  const planRevocation = (c: ListedCertificate, reason: RevokeReason) =>
    revoke.push({ certId: c.certId, name: c.name, status: c.status, endTime: c.endTime, reason })
  for (const certificate of [...listing].sort(byNameThenAge)) {
    const pattern = ignoredBy(certificate.name, ignore)
    if (pattern !== undefined) {
      ignored.push({ certId: certificate.certId, name: certificate.name, pattern: pattern.glob })
    } else if (active.has(certificate.name)) {
      const same = byName.get(certificate.name)
      if (same === undefined) byName.set(certificate.name, [certificate])
      else same.push(certificate)
    } else {
      planRevocation(
        certificate,
        expiredEntries.has(certificate.name) ? 'entry-expired' : 'not-in-roster'
      )
    }
  }
  const create: PlannedCreate[] = []
  const keep: KeptName[] = []
  const redeliver: PlannedRedelivery[] = []
  for (const entry of active.values()) {
    const listed = byName.get(entry.name) ?? []
    const { name, recipient, recipientLine } = entry
    const redelivered = redeliverNames.has(name)
    if (listed.length === 0) {
      create.push({ name, recipient, recipientLine, reason: 'new' })
      if (redelivered) redeliver.push({ name, recipient, action: 'by-create', reason: 'new' })
      continue
    }
    const stale = rotate ? listed.filter(c => classify(c, now, warnDays) !== 'valid') : []
    const valid = listed.filter(c => !stale.includes(c))
    if (stale.length > 0 && valid.length === 0) {
      create.push({ name, recipient, recipientLine, reason: 'rotation' })
      for (const c of stale) planRevocation(c, 'rotated')
      if (redelivered) redeliver.push({ name, recipient, action: 'by-create', reason: 'rotation' })
    } else {
      for (const c of stale) planRevocation(c, 'superseded')
    }
    if (valid.length > 0) {
      keep.push({ name, certificates: valid })
      if (redelivered)
        redeliver.push({ name, recipient, recipientLine, ...chooseRedelivered(valid) })
    }
  }
  revoke.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return {
    create,
    keep,
    revoke,
    ignored,
    expiredEntries: [...expiredEntries].map(([name, expires]) => ({ name, expires })),
    redeliver
  }
}

/**
 * Which kept certificate's profile is written again: the oldest whose Status can be used
 * (`normal`, `expiring-soon`), ties by ID, the rule of the root action's `if-exists: reuse`
 * (onboarding.ts `chooseReusable`), so both give a person the same certificate. `kept` is oldest
 * first.
 */
function chooseRedelivered(
  kept: readonly ListedCertificate[]
): Exclude<RedeliveryAction, { action: 'by-create' }> {
  const usable = kept.find(c => USABLE_STATUSES.has(c.status))
  if (usable !== undefined) return { action: 'deliver', certId: usable.certId, kept: kept.length }
  return {
    action: 'unusable',
    certificates: kept.map(c => ({ certId: c.certId, status: c.status }))
  }
}

/** Whether the plan changes anything. */
export function planChangesNothing(plan: Plan): boolean {
  return plan.create.length === 0 && plan.revoke.length === 0
}

/**
 * The safety rail: a plan that revokes more than `maxRevocations` certificates (an emptied or
 * truncated roster, a wrong server) is refused unless the run allows mass revocation. Returns the
 * refusal, or undefined.
 */
export function massRevocationRefusal(
  plan: Plan,
  maxRevocations: number,
  allowed: boolean
): string | undefined {
  const count = plan.revoke.length
  if (count <= maxRevocations || allowed) return undefined
  return `The plan revokes ${count} certificates, more than max-revocations (${maxRevocations}); nothing was changed. If the roster is right, re-run with allow-mass-revocation: true (or raise max-revocations).`
}
