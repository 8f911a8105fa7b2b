/**
 * Encrypted delivery: a profile written only for its person, encrypted (age v1) to every usable
 * key of theirs, as `<name>.ovpn.age`, so it can be uploaded anywhere and only they can open it
 * (`age -d -i ~/.ssh/id_ed25519 alice.smith.ovpn.age > alice.smith.ovpn`); no passphrase to send.
 *
 * main.ts loads this module (and with it the encryption code and, for `github:` recipients,
 * @actions/github) only when a recipient is given: {@link prepareDelivery} reads every key given
 * in the inputs before any network call (a bad one is an input error naming its line), and
 * returns `sealerFor`, which onboarding calls for each name before its certificate is obtained:
 * a GitHub account is read then (once per run), so an account without a usable key fails that
 * name before anything is created for it.
 */
import { ExpectedFailure, InputError, RecipientError } from '../core/errors.js'
import type { ProfileSealer, SealedKey } from '../certificates/onboarding.js'
import { type CallContext } from '../http/call-context.js'
import type { DeliveryTarget, Recipient } from '../certificates/requests.js'
import type { DeliverySettings } from './settings.js'
import { encryptAge } from './age.js'
import { createGitHubKeysReader, type GitHubAccountKeys } from './github-keys.js'
import { parseRecipientKey, type RecipientKey } from './recipients.js'

/** What delivery needs: the run's side effects and deadline (for GitHub), and the log. */
export interface DeliveryDependencies extends CallContext {
  log: (line: string) => void
}

/** A profile's keys, from where they were given. */
interface KeyFromRecipient {
  key: RecipientKey
  /** `github:alice-gh`, or `recipient`/`names line 3`. */
  from: string
}

/** The extension of an encrypted profile: age's. */
const ENCRYPTED_EXTENSION = '.age'

/**
 * Reads every key given in the inputs (a key that is not one, or one age cannot use, is an
 * {@link InputError} naming the input and line), and returns the sealer of each target.
 */
export function prepareDelivery(
  settings: DeliverySettings,
  deps: DeliveryDependencies
): (target: DeliveryTarget) => Promise<ProfileSealer | undefined> {
  const given = new Map<Recipient, KeyFromRecipient>()
  for (const recipient of settings.targets.flatMap(t => t.recipients ?? [])) {
    if (recipient.kind === 'key') given.set(recipient, readGivenKey(recipient))
  }
  const readAccount = settings.github
    ? createGitHubKeysReader({ ...deps, settings: settings.github })
    : undefined
  const accounts = new Map<string, Promise<GitHubAccountKeys>>()
  const account = (username: string) => {
    const id = username.toLowerCase()
    let keys = accounts.get(id)
    if (keys === undefined) {
      if (readAccount === undefined) throw new Error('github: recipient without GitHub settings')
      keys = readAccount(username)
      accounts.set(id, keys)
      // Read once per run; a failure is reported for each name that needs the account.
      keys.catch(() => undefined)
    }
    return keys
  }

  return async target => {
    const recipients = target.recipients ?? []
    if (recipients.length === 0) return undefined
    const keys: KeyFromRecipient[] = []
    for (const recipient of recipients) {
      if (recipient.kind === 'key') {
        // Read up front for the run's own targets; any other is read now.
        keys.push(given.get(recipient) ?? readGivenKey(recipient))
        continue
      }
      const found = await account(recipient.username)
      const from = `github:${recipient.username}`
      for (const skipped of found.skipped) {
        deps.log(
          `Skipping a key of ${from}${skipped.fingerprint ? ` (${skipped.keyType} ${skipped.fingerprint})` : ''}: ${skipped.reason}`
        )
      }
      if (found.usable.length === 0) {
        throw new RecipientError(
          `${from} has no public SSH key age can encrypt to (${found.skipped.length === 0 ? 'GitHub lists none' : `${found.skipped.length} skipped, listed above`}), so no profile was made for it and no certificate was created. Ask them to add an ssh-ed25519 or ssh-rsa key to their GitHub account (Settings → SSH and GPG keys), or give their key itself, then re-run.`
        )
      }
      for (const key of found.usable) keys.push({ key, from })
    }
    // A key given twice (itself, and through GitHub) is one stanza, named where first given.
    const unique = keys.filter(
      (k, index) => keys.findIndex(other => other.key.fingerprint === k.key.fingerprint) === index
    )
    return sealer(unique)
  }
}

/** A key given in an input, read in full; its errors name the input and the line. */
function readGivenKey(recipient: Extract<Recipient, { kind: 'key' }>): KeyFromRecipient {
  const { input, line } = recipient.given
  const where = input === 'recipient' ? '' : `line ${line}: `
  const from =
    input === 'names'
      ? `names line ${line}`
      : input === 'roster-file'
        ? `roster line ${line}`
        : 'recipient'
  let key: ReturnType<typeof parseRecipientKey>
  try {
    key = parseRecipientKey(recipient.text)
  } catch (error) {
    if (!(error instanceof ExpectedFailure)) throw error
    throw new InputError(input, `${where}${error.message}`)
  }
  if (key.type === 'unusable') {
    throw new InputError(
      input,
      `${where}${key.reason}; give an ssh-ed25519, ssh-rsa or age1… key, or "github:USER".`
    )
  }
  return { key, from }
}

/** Seals profiles to `keys`: the same keys for every profile of one target. */
function sealer(keys: KeyFromRecipient[]): ProfileSealer {
  const recipients: SealedKey[] = keys.map(({ key, from }) => ({
    type: key.type,
    fingerprint: key.fingerprint,
    from
  }))
  return {
    recipients,
    seal: async (fileName, profile) => ({
      fileName: `${fileName}${ENCRYPTED_EXTENSION}`,
      content: await encryptAge(
        new TextEncoder().encode(profile),
        keys.map(k => k.key)
      )
    })
  }
}
