/**
 * GitHub's rules for what the action is given: a token's form (never shown) and GITHUB_API_URL's.
 * Used by the report action and by delivery to GitHub users' keys.
 */
import { InputError } from '../core/errors.js'
import { quote } from '../core/input-rules.js'
import { type Environment } from '../core/environment.js'
import type { GitHubSettings } from './client.js'

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
function parseHttpsUrl(raw: string, fallback: string): string | undefined {
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

const DEFAULT_API_URL = 'https://api.github.com'

/**
 * GITHUB_API_URL, for `github:` recipients (the main action's and sync's): https only, as the
 * report reads it.
 */
export function parseGitHubApiUrl(env: Environment): string {
  const apiUrl = parseHttpsUrl(env['GITHUB_API_URL'] ?? '', DEFAULT_API_URL)
  if (apiUrl === undefined) {
    throw new InputError(
      'GITHUB_API_URL',
      `${quote(env['GITHUB_API_URL'] ?? '')} is not an https:// URL without user info, query or fragment; the keys of "github:" recipients are read from it over verified TLS only. The runner sets it (https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server).`,
      'environment'
    )
  }
  return apiUrl
}

const REPOSITORY_PATTERN = /^([A-Za-z0-9_.-]{1,100})\/([A-Za-z0-9_.-]{1,100})$/

/**
 * The runner's variables the tracking issue needs: the REST API (GITHUB_API_URL, so GitHub
 * Enterprise Server works; https only, since every request carries the token) and the repository
 * (GITHUB_REPOSITORY); and, for a link to this run, GITHUB_SERVER_URL and GITHUB_RUN_ID.
 */
export function readGitHubVariables(
  env: Environment
): Pick<GitHubSettings, 'apiUrl' | 'owner' | 'repo' | 'runUrl'> {
  const apiUrl = parseHttpsUrl(env['GITHUB_API_URL'] ?? '', DEFAULT_API_URL)
  if (apiUrl === undefined) {
    throw new InputError(
      'GITHUB_API_URL',
      `${quote(env['GITHUB_API_URL'] ?? '')} is not an https:// URL without user info, query or fragment; every request to it carries github-token, so it goes over verified TLS only. The runner sets it (https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server).`,
      'environment'
    )
  }
  const repository = env['GITHUB_REPOSITORY'] ?? ''
  const match = REPOSITORY_PATTERN.exec(repository)
  if (!match?.[1] || !match[2]) {
    throw new InputError(
      'GITHUB_REPOSITORY',
      repository === ''
        ? 'is not set; the tracking issue goes to this repository (owner/name), which the runner names there. Outside a workflow, set it.'
        : `${quote(repository)} is not a repository; expected owner/name.`,
      'environment'
    )
  }
  const [, owner, repo] = match
  const server = parseHttpsUrl(env['GITHUB_SERVER_URL'] ?? '', 'https://github.com')
  const runId = env['GITHUB_RUN_ID'] ?? ''
  const runUrl =
    server !== undefined && /^\d{1,20}$/.test(runId)
      ? `${server}/${owner}/${repo}/actions/runs/${runId}`
      : undefined
  return { apiUrl, owner, repo, runUrl }
}
