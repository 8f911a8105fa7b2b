/**
 * The plan in words, for people: one Markdown text that is both the job summary and the one
 * pull-request comment (found again on every push by its hidden marker, and rewritten in place;
 * a comment without the marker is never edited). Certificate names come from the listing and may
 * be any string (reference §9): each is shown on one line, HTML-escaped, inside `<code>`, with `@`
 * escaped so a name can never mention anyone.
 */
import { formatDate } from '../certificates/expiry.js'
import type { CommentClient } from '../github/client.js'
import { cellText, code, escapeHtml } from '../runner/summary.js'
import { cutText, singleLine } from '../core/text.js'
import type {
  GitHubRecipientCheck,
  Plan,
  PlannedCreate,
  PlannedRedelivery,
  RevokeReason
} from './plan.js'

/** What the text says besides the plan: where, when, which mode, and whether the rail holds. */
export interface PlanContext {
  regionId: string
  sslVpnServerId: string
  rosterFile: string
  mode: 'plan' | 'apply'
  checkedAt: number
  /** The refusal of the safety rail, when the plan revokes too many. */
  refusal: string | undefined
  runUrl: string | undefined
}

/** GitHub refuses a comment over 65,536 characters: lists are cut well before that. */
const MAX_COMMENT_LENGTH = 60_000
/** The most names listed under one heading; the plan file has them all. */
const MAX_LISTED = 200

/** The marker of the plan comment of one SSL server (two syncs in one repository, two comments). */
export function planMarker(sslVpnServerId: string): string {
  return `<!-- ssl-vpn-sync-plan: ${sslVpnServerId} -->`
}

/** Text from GitHub or a message, on one line, HTML-escaped, cut, and never a mention. */
function said(text: string): string {
  return cellText(text, 1000).replace(/@/g, '&#64;')
}

/**
 * What a create's `github:` recipient holds, as the plan read it: the keys its profile will be
 * encrypted to (as the `encrypted-to` output names them), ✗ and why when apply would fail the
 * name, ⚠ when GitHub could not be asked.
 */
function recipientLine(check: GitHubRecipientCheck | undefined): string {
  if (check === undefined) return ''
  const from = said(`github:${check.username}`)
  switch (check.status) {
    case 'keys': {
      const keys = check.keys.map(k => `${said(k.type)} ${code(k.fingerprint)}`).join(', ')
      const skipped =
        check.skipped === 0
          ? ''
          : `; ${check.skipped} ${check.skipped === 1 ? 'key' : 'keys'} age cannot use skipped`
      return `: encrypted to ${keys} (${from}${skipped})`
    }
    case 'problem':
      return `: ✗ <strong>apply would fail this name</strong>: ${said(check.message)}`
    case 'unchecked':
      return `: ⚠ the keys of ${from} could not be checked (${said(check.message)}); apply reads them again`
  }
}

function createLine(c: PlannedCreate): string {
  return `${shown(c.name)}${c.reason === 'rotation' ? ' (rotation)' : ''}${recipientLine(c.github)}`
}

/**
 * A name of `redeliver`: the certificate whose profile apply writes again (and, for a `github:`
 * recipient, its keys), or that its create delivers it, or ✗ why no profile can be written.
 */
function redeliveryLine(r: PlannedRedelivery): string {
  switch (r.action) {
    case 'deliver':
      return `${shown(r.name)} ${shown(r.certId)}: its profile is written again${r.kept > 1 ? ` (the oldest usable of the ${r.kept} kept)` : ''}, nothing is created${recipientLine(r.github)}`
    case 'by-create':
      return `${shown(r.name)}: ${r.reason === 'rotation' ? 'rotated' : 'created'} above; its new profile is written once`
    case 'unusable':
      return `${shown(r.name)}: ✗ <strong>no certificate of that name can be used</strong> (${r.certificates.map(c => `${shown(c.certId)} ${said(c.status || '(no Status)')}`).join(', ')}): set rotate: true, or leave the name out of redeliver`
  }
}

/** A name or ID from the listing or the roster, safe in Markdown and HTML. */
function shown(text: string): string {
  if (text === '') return '<em>(no name)</em>'
  return `<code>${escapeHtml(cutText(singleLine(text), 130)).replace(/@/g, '&#64;')}</code>`
}

const REASONS: Record<RevokeReason, string> = {
  'not-in-roster': 'not in the roster',
  'entry-expired': 'its roster entry has expired',
  rotated: 'rotated: replaced by the new one, once it is ready',
  superseded: 'expired or expiring; a valid one of that name exists'
}

function section(title: string, lines: string[]): string[] {
  if (lines.length === 0) return []
  const listed = lines.slice(0, MAX_LISTED)
  const more = lines.length - listed.length
  return [
    `**${title}** (${lines.length})`,
    '',
    ...listed.map(line => `- ${line}`),
    ...(more > 0 ? [`- … and ${more} more (see the plan file, output plan-file)`] : []),
    ''
  ]
}

/** The plan as Markdown (with the marker first, for the comment). */
export function planMarkdown(plan: Plan, context: PlanContext): string {
  const revokes = plan.revoke.length
  const rewritten = plan.redeliver.filter(r => r.action === 'deliver').length
  const headline =
    (plan.create.length + revokes === 0
      ? 'No changes: the SSL server matches the roster.'
      : `${plan.create.length} to create, ${revokes} to revoke, ${plan.keep.length} kept.`) +
    (rewritten === 0
      ? ''
      : ` ${rewritten} ${rewritten === 1 ? 'profile' : 'profiles'} to re-deliver (redeliver).`)
  const where = `SSL server <code>${context.sslVpnServerId}</code> in <code>${context.regionId}</code> against <code>${escapeHtml(singleLine(context.rosterFile))}</code>`
  const lines = [
    planMarker(context.sslVpnServerId),
    `### SSL-VPN access plan${context.mode === 'apply' ? ' (applied)' : ''}`,
    '',
    `${where}: ${headline}`,
    ''
  ]
  if (context.refusal !== undefined)
    lines.push(`> [!WARNING]\n> ${escapeHtml(context.refusal)}`, '')
  const failing = [...plan.create, ...plan.redeliver].filter(
    c => c.github?.status === 'problem'
  ).length
  if (failing > 0) {
    lines.push(
      `> [!CAUTION]\n> Apply would fail ${failing} ${failing === 1 ? 'name' : 'names'}: ${failing === 1 ? 'its' : 'their'} <code>github:</code> recipient has no SSH key age can use, or GitHub has no such account (✗ below).`,
      ''
    )
  }
  if (revokes > 0) {
    lines.push(
      `Every revocation disconnects every client of <code>${context.sslVpnServerId}</code> (they reconnect); apply revokes them all back to back, in one window, after the creates.`,
      ''
    )
  }
  lines.push(
    ...section('Create', plan.create.map(createLine)),
    ...section('Re-deliver', plan.redeliver.map(redeliveryLine)),
    ...section(
      'Revoke',
      plan.revoke.map(
        r =>
          `${shown(r.name)} ${shown(r.certId)}: ${REASONS[r.reason]} (ends ${formatDate(r.endTime)})`
      )
    ),
    ...section(
      'Ignored',
      plan.ignored.map(
        i => `${shown(i.name)} ${shown(i.certId)} (matches <code>${escapeHtml(i.pattern)}</code>)`
      )
    ),
    ...section(
      'Roster entries past their expiry date',
      plan.expiredEntries.map(e => `${shown(e.name)} (expires ${escapeHtml(e.expires)})`)
    )
  )
  const kept = plan.keep.reduce((n, k) => n + k.certificates.length, 0)
  lines.push(
    `Kept: ${plan.keep.length} ${plan.keep.length === 1 ? 'name' : 'names'} (${kept} ${kept === 1 ? 'certificate' : 'certificates'}). Listed ${formatDate(context.checkedAt)}${context.runUrl ? ` by [this run](${context.runUrl})` : ''}.`
  )
  const text = lines.join('\n')
  return text.length > MAX_COMMENT_LENGTH
    ? `${text.slice(0, MAX_COMMENT_LENGTH)}\n\n… cut here (see the plan file, output plan-file).`
    : text
}

/** What became of the plan comment. */
type CommentOutcome = 'created' | 'updated' | 'unchanged'

/**
 * The comment without its last sentence ("Listed <time> by [this run](…)."), which every run
 * writes anew: what tells whether the plan itself changed.
 */
function planPart(body: string): string {
  const kept = body.lastIndexOf('\nKept: ')
  if (kept < 0) return body
  const listed = body.indexOf(' Listed ', kept)
  return listed < 0 ? body : body.slice(0, listed)
}

/**
 * Brings the one plan comment of this SSL server in line: the oldest comment that starts with the
 * marker is rewritten when the plan it shows differs (not for a newer time or run link alone: the
 * comment keeps naming the run that last changed the plan), else a new one is made. Comments
 * without the marker are never touched.
 */
export async function keepPlanComment(
  client: CommentClient,
  sslVpnServerId: string,
  body: string
): Promise<CommentOutcome> {
  const marker = planMarker(sslVpnServerId)
  const comments = await client.listComments()
  const mine = comments.find(c => c.body.startsWith(marker))
  if (mine === undefined) {
    await client.createComment(body)
    return 'created'
  }
  if (planPart(mine.body) === planPart(body)) return 'unchanged'
  await client.updateComment(mine.id, body)
  return 'updated'
}
