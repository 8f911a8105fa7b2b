/**
 * Sync's side of encrypted delivery: the roster's recipients read with src/delivery's own parser
 * (a key that is not one, or one age cannot use, is refused with the file and line, before any
 * network call), and the sealer each new certificate's profile goes through (deliver.ts
 * `prepareDelivery`, the root action's). main.ts loads this module, and with it the encryption
 * code, only when the roster names a recipient.
 */
import { CancelledError, ExpectedFailure, InputError, RecipientError } from '../core/errors.js'
import { quote } from '../core/input-rules.js'
import { parseGitHubApiUrl } from '../github/rules.js'
import { type Environment } from '../core/environment.js'
import { parseRecipientKey } from '../delivery/recipients.js'
import type { DeliverySettings } from '../delivery/settings.js'
import type { GitHubAccountKeys } from '../delivery/github-keys.js'
import type { GitHubRecipientCheck, Plan, PlannedCreate, PlannedRedelivery } from './plan.js'
import type { Roster } from './roster.js'

/**
 * Reads every key the roster gives (not `github:` accounts: those are read when their certificate
 * is created). A text that is not a public key, or a key age cannot encrypt to (ECDSA, `sk-`,
 * RSA under 2048 bits…), is an InputError naming `roster-file`, the file, the line, and what is
 * expected.
 */
export function checkRosterKeys(roster: Roster): void {
  for (const entry of roster.entries) {
    const { recipient } = entry
    if (recipient === undefined || recipient.startsWith('github:')) continue
    const where = `${quote(roster.file)} line ${entry.recipientLine ?? entry.line}`
    let key: ReturnType<typeof parseRecipientKey>
    try {
      key = parseRecipientKey(recipient)
    } catch (error) {
      if (!(error instanceof ExpectedFailure)) throw error
      // The parser's message quotes at most a short, cleaned prefix (never a private key) and
      // says what is expected.
      throw new InputError(
        'roster-file',
        `${where}: the recipient of ${entry.name}: ${error.message}`
      )
    }
    if (key.type === 'unusable') {
      throw new InputError(
        'roster-file',
        `${where}: the recipient of ${entry.name} is a key age cannot encrypt to (${key.reason}); expected "github:USER", an ssh-ed25519 or ssh-rsa (2048 bits or more) public key line, or an age1… recipient.`
      )
    }
  }
}

/**
 * Where `github:` recipients' keys are read: GITHUB_API_URL (https only), with `github-token` or
 * none. Undefined when the roster has no such recipient (then GITHUB_API_URL is not read).
 */
export function readGitHubKeySettings(
  roster: Roster,
  env: Environment,
  token: string | undefined
): DeliverySettings['github'] {
  if (!roster.entries.some(e => e.recipient?.startsWith('github:'))) return undefined
  return { apiUrl: parseGitHubApiUrl(env), token }
}

/**
 * The sealer of each target, the root action's own (deliver.ts): keys given in the roster read up
 * front, a `github:` account read once per run when the first of its certificates is about to be
 * created, so an account without a usable key fails that name before anything is created for it.
 * Exported from here so that main.ts reaches it through this lazily loaded module.
 */
export { prepareDelivery } from '../delivery/deliver.js'

/**
 * The reader of `github:` accounts' keys apply uses (github-keys.ts: GITHUB_API_URL, the token or
 * none, Octokit loaded on the first read), for plan mode's {@link checkPlannedRecipients}.
 */
export { createGitHubKeysReader } from '../delivery/github-keys.js'

/** What plan mode learnt of the `github:` recipients of the creates and the redeliveries. */
export interface PlannedRecipientsCheck {
  /**
   * The plan, each create and redelivery with a `github:` recipient carrying what was found
   * ({@link GitHubRecipientCheck}).
   */
  plan: Plan
  /**
   * The step's failure when an account has no usable key or does not exist: one line per such
   * create, naming the roster file, the line, the name and what to do. Undefined when none.
   */
  failure: string | undefined
  /** One warning per account GitHub could not be asked about (unreachable, 5xx, rate limit). */
  warnings: string[]
}

/** Most keys named in one problem (the log names every skipped key). */
const MAX_SKIPPED_NAMED = 5

/**
 * Plan mode: reads the keys of every `github:` account a planned create or redelivery names, once
 * each, with apply's reader, so the plan shows the keys each profile will be encrypted to and a
 * name apply would fail (an account with no key age can use, or none GitHub knows) fails the plan
 * instead, before the merge. Other kept names, and revoked and ignored ones, are not read. An
 * account GitHub could not be asked about is a warning: the plan is still worth showing.
 * Cancellation, and bugs, are thrown.
 */
export async function checkPlannedRecipients(
  plan: Plan,
  rosterFile: string,
  readAccount: (username: string) => Promise<GitHubAccountKeys>,
  log: (line: string) => void
): Promise<PlannedRecipientsCheck> {
  const checked = new Map<string, GitHubRecipientCheck>()
  const warnings: string[] = []
  // A redelivery by its create is the create's: read once, shown there.
  const delivered = [...plan.create, ...plan.redeliver.filter(r => r.action === 'deliver')]
  for (const item of delivered) {
    const username = githubUser(item)
    if (username === undefined || checked.has(username.toLowerCase())) continue
    const check = await checkAccount(username, readAccount, log)
    checked.set(username.toLowerCase(), check)
    if (check.status === 'unchecked') {
      const names = delivered.filter(c => githubUser(c)?.toLowerCase() === username.toLowerCase())
      warnings.push(
        `The keys of github:${username} (the recipient of ${names.map(c => quote(c.name)).join(', ')}) could not be checked: ${check.message} The plan does not show them; apply reads them again, and fails that name if the account has no key age can use.`
      )
    }
  }
  const withCheck = <T extends PlannedCreate | PlannedRedelivery>(item: T): T => {
    const username = githubUser(item)
    const check = username === undefined ? undefined : checked.get(username.toLowerCase())
    return check === undefined ? item : { ...item, github: check }
  }
  const create = plan.create.map(withCheck)
  const redeliver = plan.redeliver.map(r => (r.action === 'deliver' ? withCheck(r) : r))
  const failures = [...create, ...redeliver].flatMap(c =>
    c.github?.status === 'problem'
      ? [
          `${quote(rosterFile)} line ${c.recipientLine ?? '?'}: ${quote(c.name)}: apply would fail this name: ${c.github.message}`
        ]
      : []
  )
  return {
    plan: { ...plan, create, redeliver },
    failure: failures.length === 0 ? undefined : failures.join('\n'),
    warnings
  }
}

function githubUser(item: { recipient: string | undefined }): string | undefined {
  return item.recipient?.startsWith('github:') ? item.recipient.slice('github:'.length) : undefined
}

async function checkAccount(
  username: string,
  readAccount: (username: string) => Promise<GitHubAccountKeys>,
  log: (line: string) => void
): Promise<GitHubRecipientCheck> {
  const from = `github:${username}`
  let found: GitHubAccountKeys
  try {
    found = await readAccount(username)
  } catch (error) {
    if (!(error instanceof ExpectedFailure) || error instanceof CancelledError) throw error
    // No such account (or more keys than are read): apply fails the name the same way.
    if (error instanceof RecipientError)
      return { status: 'problem', username, message: error.message }
    return { status: 'unchecked', username, message: error.message }
  }
  for (const skipped of found.skipped) {
    log(
      `Skipping a key of ${from}${skipped.fingerprint ? ` (${skipped.keyType} ${skipped.fingerprint})` : ''}: ${skipped.reason}`
    )
  }
  if (found.usable.length === 0) {
    const listed = found.skipped
      .slice(0, MAX_SKIPPED_NAMED)
      .map(k => (k.fingerprint ? `${k.keyType} ${k.fingerprint}` : k.keyType))
    const more = found.skipped.length - listed.length
    const what =
      found.skipped.length === 0
        ? 'GitHub lists none'
        : `GitHub lists ${found.skipped.length}: ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}; ECDSA and sk- keys are skipped`
    return {
      status: 'problem',
      username,
      message: `${from} has no public SSH key age can encrypt to (${what}). Ask them to add an ssh-ed25519 or ssh-rsa (2048 bits or more) key to their GitHub account (Settings → SSH and GPG keys), or put their public key line ("ssh-ed25519 AAAA…") in the roster as the recipient.`
    }
  }
  return {
    status: 'keys',
    username,
    keys: found.usable.map(key => ({ type: key.type, fingerprint: key.fingerprint, from })),
    skipped: found.skipped.length
  }
}
