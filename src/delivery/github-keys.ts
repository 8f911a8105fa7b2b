/**
 * A GitHub account's public SSH keys (`GET /users/{username}/keys`, Octokit's
 * `rest.users.listPublicKeysForUser`), read page by page through the run's dispatcher
 * (src/github/client.ts `createOctokit`), with the job's token or none, and sorted into the keys age
 * can encrypt to and the ones it cannot (ECDSA, `sk-` security keys…), which are named so the log
 * can say they were skipped. The answer is checked before any key in it is used.
 */
import { ExpectedFailure, GitHubError, RecipientError } from '../core/errors.js'
import type { Octokit } from '../github/client.js'
import { type CallContext } from '../http/call-context.js'
import {
  MAX_RECIPIENT_KEY_LENGTH,
  parseRecipientKey,
  type RecipientKey,
  type UnusableKey
} from './recipients.js'

/** One GitHub account's keys, sorted. */
export interface GitHubAccountKeys {
  username: string
  usable: RecipientKey[]
  /** Well-formed keys age cannot use, and keys that could not be read, each with why. */
  skipped: { keyType: string; fingerprint: string | undefined; reason: string }[]
}

/** Reads an account's keys; bound to one API URL and token. */
type GitHubKeysReader = (username: string) => Promise<GitHubAccountKeys>

/** Keys per page: GitHub's largest. */
const PER_PAGE = 100
/** The most pages read: 300 keys is more than any person has. */
const MAX_PAGES = 3

interface KeysReaderParameters extends CallContext {
  settings: { apiUrl: string; token: string | undefined }
}

/** The GitHub client module (src/github/client.ts), as {@link loadGitHubClient} gives it. */
type GitHubClientModule = typeof import('../github/client.js')

/**
 * src/github/client.ts, loaded on the first `github:` recipient: a dynamic import, so that the
 * bundler puts it, undici's `fetch` and Octokit (about 0.9 MB) in a chunk file of their own,
 * read only then; a run whose recipients are all keys given in the workflow never reads it.
 * (A static import, even of `readOctokitFailure` alone, would put them back in the delivery chunk's
 * group, loaded with any recipient.)
 */
function loadGitHubClient(): Promise<GitHubClientModule> {
  return import('../github/client.js')
}

/**
 * The reader of accounts' keys, its Octokit built on first use (so the GitHub client and
 * @actions/github load only when a `github:` recipient is there).
 */
export function createGitHubKeysReader(parameters: KeysReaderParameters): GitHubKeysReader {
  let started: Promise<{ github: GitHubClientModule; octokit: Octokit }> | undefined
  return async username => {
    started ??= loadGitHubClient().then(async github => ({
      github,
      octokit: await github.createOctokit(parameters)
    }))
    const { github, octokit } = await started
    const lines = await listKeyLines(github, octokit, username, parameters)
    return sortKeys(username, lines)
  }
}

/** Every key line of the account, page by page: by page number, never by the `Link` URLs. */
async function listKeyLines(
  github: GitHubClientModule,
  octokit: Octokit,
  username: string,
  { rpc, settings }: KeysReaderParameters
): Promise<string[]> {
  const lines: string[] = []
  for (let page = 1; ; page++) {
    let answer: Awaited<ReturnType<Octokit['rest']['users']['listPublicKeysForUser']>>
    try {
      answer = await octokit.rest.users.listPublicKeysForUser({
        username,
        per_page: PER_PAGE,
        page
      })
    } catch (error) {
      throw keysFailure(github.readOctokitFailure(error, rpc.redact), username, settings)
    }
    const { data, headers } = answer
    if (!Array.isArray(data)) throw unexpectedKeysAnswer(username, 'is not a list')
    data.forEach((item: unknown, index) => {
      const key = (item as { key?: unknown } | null)?.key
      if (typeof key !== 'string' || key.length > MAX_RECIPIENT_KEY_LENGTH || /[\r\n]/.test(key)) {
        throw unexpectedKeysAnswer(username, `has an entry [${index}] that is not one key line`)
      }
      lines.push(key)
    })
    if (!/\brel="next"/.test(String(headers.link ?? ''))) return lines
    if (page >= MAX_PAGES) {
      throw new RecipientError(
        `GitHub lists more than ${MAX_PAGES * PER_PAGE} public keys for github:${username}; give that person's key itself instead (an "ssh-ed25519 AAAA…" line, or age1…).`
      )
    }
  }
}

function unexpectedKeysAnswer(username: string, problem: string): GitHubError {
  return new GitHubError(
    0,
    `Unexpected answer from the GitHub API: the public keys of github:${username} ${problem}. Something other than GitHub answered, or changed the answer on its way (a proxy?); the answer was not used.`
  )
}

/** The keys age can use, and the others with why. A key GitHub lists that cannot be read is skipped too. */
function sortKeys(username: string, lines: string[]): GitHubAccountKeys {
  const usable: RecipientKey[] = []
  const skipped: GitHubAccountKeys['skipped'] = []
  const seen = new Set<string>()
  for (const line of lines) {
    let key: RecipientKey | UnusableKey
    try {
      key = parseRecipientKey(line)
    } catch (error) {
      if (!(error instanceof ExpectedFailure)) throw error
      skipped.push({ keyType: 'unreadable', fingerprint: undefined, reason: error.message })
      continue
    }
    if (key.type === 'unusable') {
      skipped.push({ keyType: key.keyType, fingerprint: key.fingerprint, reason: key.reason })
    } else if (!seen.has(key.fingerprint)) {
      seen.add(key.fingerprint)
      usable.push(key)
    }
  }
  return { username, usable, skipped }
}

/**
 * The action's error for a failed keys request: the run's own (transport, deadline, cancellation)
 * as it is; an error answer as a {@link RecipientError} (no such account) or a
 * {@link GitHubError} that says what to do.
 */
function keysFailure(
  failure: ReturnType<GitHubClientModule['readOctokitFailure']>,
  username: string,
  settings: KeysReaderParameters['settings']
): unknown {
  if (failure.kind !== 'answer') return failure.error
  const { status, said, rateLimited } = failure.answer
  if (status === 404) {
    return new RecipientError(
      `GitHub has no account github:${username} (HTTP 404 at ${settings.apiUrl}): check the username in the recipient.`
    )
  }
  const refused = `GitHub refused to list the public keys of github:${username} (HTTP ${status}${said ? `: ${said}` : ''})`
  const hint = rateLimited
    ? settings.token === undefined
      ? "GitHub's rate limit for requests without a token was reached (60 an hour): pass github-token (usually github.token), or re-run later."
      : "GitHub's API rate limit was reached: re-run later."
    : status === 401
      ? 'github-token was not accepted: pass a valid token (usually github.token), or none.'
      : status >= 500
        ? 'A passing fault of GitHub, most likely: re-run.'
        : undefined
  return new GitHubError(status, hint ? `${refused}. ${hint}` : `${refused}.`)
}
