/**
 * GitHub's rules for what the action is given: a token's form (never shown) and GITHUB_API_URL's.
 * Used by the report action and by delivery to GitHub users' keys.
 */
import { InputError } from '../core/errors.js'

/** GitHub's tokens are 40 to a few hundred characters; this leaves room for any of them. */
const MAX_TOKEN_LENGTH = 4096

/**
 * `github-token`: masked at once, then checked (never shown): one line, no spaces. Undefined when
 * empty.
 */
export function parseGitHubToken(
  raw: string,
  maskSecret: (value: string) => void
): string | undefined {
  if (raw === '') return undefined
  maskSecret(raw)
  // Never the value: only what is wrong with it.
  if (/[\s\p{Cc}]/u.test(raw)) {
    throw new InputError(
      'github-token',
      'contains a space, a line break or a control character (a secret saved with a trailing newline?); expected a GitHub token on one line, usually secrets.GITHUB_TOKEN.'
    )
  }
  if (raw.length > MAX_TOKEN_LENGTH) {
    throw new InputError(
      'github-token',
      `is ${raw.length} characters long; expected a GitHub token (at most ${MAX_TOKEN_LENGTH} characters), usually secrets.GITHUB_TOKEN.`
    )
  }
  return raw
}

/** An https:// URL without user info, query or fragment, with no trailing `/`; '' is `fallback`. */
export function parseHttpsUrl(raw: string, fallback: string): string | undefined {
  let url: URL
  try {
    url = new URL(raw === '' ? fallback : raw)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return undefined
  if (/[?#\s\p{Cc}]/u.test(raw)) return undefined
  return url.href.replace(/\/+$/, '')
}
