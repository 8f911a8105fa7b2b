/**
 * The report sub-action's inputs (report/action.yml), read, defaulted and validated in one place
 * into one {@link ReportSettings} value: the GitHub token first and the connection inputs next
 * (inputs.ts `readConnectionSettings`, as every action of the repository reads them), so every
 * secret is masked before anything else can fail; then the report's own inputs, and the runner
 * variables the tracking issue needs. A bad value gets an {@link InputError} that names the input
 * or variable, shows what was given (never for a secret) and says what is expected.
 */
import { InputError } from '../core/errors.js'
import type { FailOn } from '../certificates/expiry.js'
import { quote } from '../core/input-rules.js'
import { parseSslVpnServerId, readConnectionSettings } from '../create/inputs.js'
import type { ConnectionSettings, Environment, InputReader } from '../alibaba/settings.js'

/** Where the tracking issue lives and how it is found. */
export interface GitHubSettings {
  /** `github-token`: masked. */
  token: string
  /** GITHUB_API_URL without a trailing `/`: `https://api.github.com`, or a GitHub Enterprise Server's. */
  apiUrl: string
  owner: string
  repo: string
  /** The label that marks the tracking issue. */
  label: string
  title: string
  /** This workflow run's page, when the runner's variables say it; linked from the issue. */
  runUrl: string | undefined
}

export interface ReportSettings extends ConnectionSettings {
  /** One SSL server; undefined: every SSL server of the region. */
  sslVpnServerId: string | undefined
  /** A certificate that ends within this many days is expiring. */
  warnDays: number
  failOn: FailOn
  /** Set with `github-token`: keep the tracking issue. */
  github: GitHubSettings | undefined
}

export function readReportSettings(
  getInput: InputReader,
  env: Environment,
  maskSecret: (value: string) => void
): ReportSettings {
  const token = parseGitHubToken(getInput('github-token'), maskSecret)
  const connection = readConnectionSettings(getInput, env, maskSecret)
  const server = getInput('ssl-vpn-server-id')
  const sslVpnServerId = server === '' ? undefined : parseSslVpnServerId(server)
  const warnDays = parseWarnDays(getInput('warn-days'))
  const failOn = parseFailOn(getInput('fail-on'))
  const label = parseIssueLabel(getInput('issue-label'))
  const title = parseIssueTitle(getInput('issue-title'))
  const github =
    token === undefined ? undefined : { token, label, title, ...readGitHubVariables(env) }
  return { ...connection, sslVpnServerId, warnDays, failOn, github }
}

/** GitHub's tokens are 40 to a few hundred characters; this leaves room for any of them. */
const MAX_TOKEN_LENGTH = 4096

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

const DEFAULT_WARN_DAYS = 30
/** Ten years: certificates are issued for three. */
const MAX_WARN_DAYS = 3650

export function parseWarnDays(raw: string): number {
  if (raw === '') return DEFAULT_WARN_DAYS
  const value = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN
  if (!(value >= 0 && value <= MAX_WARN_DAYS)) {
    throw new InputError(
      'warn-days',
      `${quote(raw)} is not valid; expected a whole number of days from 0 to ${MAX_WARN_DAYS} (default ${DEFAULT_WARN_DAYS}).`
    )
  }
  return value
}

function parseFailOn(raw: string): FailOn {
  const value = raw.toLowerCase() || 'never'
  if (value === 'never' || value === 'expiring' || value === 'expired') return value
  throw new InputError(
    'fail-on',
    `${quote(raw)} is not supported; expected "never" (the default: report only), "expiring" (fail when any certificate is expiring or expired) or "expired" (fail when any has expired).`
  )
}

const DEFAULT_LABEL = 'ssl-vpn-expiry'
/** GitHub's limit for a label's name. */
const MAX_LABEL_LENGTH = 50

/**
 * `issue-label`: a name GitHub accepts for a label, and one that can be a filter of the issue
 * listing, whose `labels` parameter is a comma-separated list.
 */
function parseIssueLabel(raw: string): string {
  if (raw === '') return DEFAULT_LABEL
  if (raw.length > MAX_LABEL_LENGTH || /[,\p{Cc}\u2028\u2029]/u.test(raw)) {
    throw new InputError(
      'issue-label',
      `${quote(raw)} is not valid; expected a label name of at most ${MAX_LABEL_LENGTH} characters, without commas or control characters (default "${DEFAULT_LABEL}").`
    )
  }
  return raw
}

const DEFAULT_TITLE = 'SSL-VPN client certificates expiring'
/** GitHub's limit for an issue title. */
const MAX_TITLE_LENGTH = 256

function parseIssueTitle(raw: string): string {
  if (raw === '') return DEFAULT_TITLE
  if (raw.length > MAX_TITLE_LENGTH || /[\p{Cc}\u2028\u2029]/u.test(raw)) {
    throw new InputError(
      'issue-title',
      `${quote(raw)} is not valid; expected one line of at most ${MAX_TITLE_LENGTH} characters, without control characters.`
    )
  }
  return raw
}

const DEFAULT_API_URL = 'https://api.github.com'
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
