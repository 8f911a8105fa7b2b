/**
 * Sync's side of encrypted delivery: the roster's recipients read with src/delivery's own parser
 * (a key that is not one, or one age cannot use, is refused with the file and line, before any
 * network call), and the sealer each new certificate's profile goes through (deliver.ts
 * `prepareDelivery`, the root action's). main.ts loads this module, and with it the encryption
 * code, only when the roster names a recipient.
 */
import { ExpectedFailure, InputError } from '../core/errors.js'
import { quote } from '../core/input-rules.js'
import { parseGitHubApiUrl } from '../github/rules.js'
import { type Environment } from '../core/environment.js'
import { parseRecipientKey } from '../delivery/recipients.js'
import type { DeliverySettings } from '../delivery/settings.js'
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
