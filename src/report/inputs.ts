/**
 * The report sub-action's inputs (report/action.yml), read, defaulted and validated in one place
 * into one {@link ReportSettings} value: the GitHub token first and the connection inputs next
 * (inputs.ts `readConnectionSettings`, as every action of the repository reads them), so every
 * secret is masked before anything else can fail; then the report's own inputs, and the runner
 * variables the tracking issue needs. A bad value gets an {@link InputError} that names the input
 * or variable, shows what was given (never for a secret) and says what is expected.
 */
import { isAbsolute } from 'node:path'
import { InputError } from '../core/errors.js'
import type { FailOn } from '../certificates/expiry.js'
import type { GitHubSettings } from '../github/client.js'
import { quote } from '../core/input-rules.js'
import { parseGitHubToken, readGitHubVariables } from '../github/rules.js'
import {
  parseSslVpnServerId,
  parseWarnDays,
  readConnectionSettings
} from '../runner/connection-inputs.js'
import { type Environment, type InputReader } from '../core/environment.js'
import type { ConnectionSettings } from '../alibaba/settings.js'

export interface ReportSettings extends ConnectionSettings {
  /** One SSL server; undefined: every SSL server of the region. */
  sslVpnServerId: string | undefined
  /** A certificate that ends within this many days is expiring. */
  warnDays: number
  failOn: FailOn
  /** Set with `github-token`: keep the tracking issue. */
  github: GitHubSettings | undefined
  /** RUNNER_TEMP: where the full report is written (`report-file`); undefined outside a runner. */
  reportDir: string | undefined
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
  const reportDir = parseRunnerTemp(env['RUNNER_TEMP'] ?? '')
  return { ...connection, sslVpnServerId, warnDays, failOn, github, reportDir }
}

/** Longer than any path a runner uses, short enough to show. */
const MAX_PATH_LENGTH = 1024

/** RUNNER_TEMP, which the runner sets to an absolute path; '' (not on a runner) is undefined. */
function parseRunnerTemp(raw: string): string | undefined {
  if (raw === '') return undefined
  if (raw.length > MAX_PATH_LENGTH || /[\p{Cc}\u2028\u2029]/u.test(raw) || !isAbsolute(raw)) {
    throw new InputError(
      'RUNNER_TEMP',
      `${quote(raw)} is not an absolute path on one line (at most ${MAX_PATH_LENGTH} characters); the runner sets it to its temporary directory, where the report writes report-file.`,
      'environment'
    )
  }
  return raw
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
