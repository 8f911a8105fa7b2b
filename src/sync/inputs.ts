/**
 * The sync sub-action's inputs (sync/action.yml), read, defaulted and validated in one place into
 * one {@link SyncSettings} value: the GitHub token and the connection inputs first (every secret
 * masked before anything else can fail), then what sync itself is asked: the SSL server, the mode,
 * the roster file's path, `ignore`, rotation, the safety rail, where profiles go, the names whose
 * profile is written again, and the pull request the plan is commented on. A bad value gets an InputError that names the input and says
 * what is expected. The roster's content is read later (main.ts), still before any network call.
 */
import { isAbsolute, normalize, resolve } from 'node:path'
import { InputError } from '../core/errors.js'
import { parseBooleanInput, quote } from '../core/input-rules.js'
import {
  getMultilineInput,
  parseConfigDir,
  parseSslVpnServerId,
  readConnectionSettings,
  parseWarnDays
} from '../runner/connection-inputs.js'
import { parseGitHubToken, readGitHubVariables } from '../github/rules.js'
import { type Environment, type InputReader } from '../core/environment.js'
import type { ConnectionSettings } from '../alibaba/settings.js'
import { NAME_PATTERN } from '../alibaba/rules.js'
import { compileIgnorePatterns, type IgnorePattern } from './plan.js'

/** `plan`: compute and show, change nothing; `apply`: carry the plan out. */
type SyncMode = 'plan' | 'apply'

/** The pull request the plan is commented on, and how to reach it. */
export interface PullRequestTarget {
  /** `github-token`: masked. */
  token: string
  apiUrl: string
  owner: string
  repo: string
  number: number
  runUrl: string | undefined
}

export interface SyncSettings extends ConnectionSettings {
  sslVpnServerId: string
  mode: SyncMode
  /** `roster-file` as given (for messages) and its absolute path inside the workspace. */
  rosterFile: { given: string; path: string }
  ignore: IgnorePattern[]
  rotate: boolean
  warnDays: number
  /** A plan that revokes more than this is refused unless {@link allowMassRevocation}. */
  maxRevocations: number
  allowMassRevocation: boolean
  /** Where `apply` writes the profiles of new certificates; undefined: none are written. */
  configDir: string | undefined
  /**
   * `redeliver`: roster names whose current certificate's profile apply writes again into
   * {@link configDir} (set whenever this is not empty), each once, as given. Checked against the
   * roster once it is read (plan.ts `checkRedeliverNames`), still before any call.
   */
  redeliver: string[]
  /**
   * With `github-token` on a pull request: where the plan comment goes. Undefined without a token;
   * `no-pull-request` when the run is not for one (the comment is then skipped, said in the log).
   */
  pullRequest: PullRequestTarget | 'no-pull-request' | undefined
  /**
   * `github-token` (masked), also for reading the keys of the roster's `github:` recipients
   * (undefined: anonymous requests, which GitHub limits to 60 an hour).
   */
  githubToken: string | undefined
}

const DEFAULT_ROSTER_FILE = '.github/ssl-vpn-roster.yml'
const DEFAULT_MAX_REVOCATIONS = 5
/** sync/action.yml's `timeout-seconds` default. */
const DEFAULT_TIMEOUT_SECONDS = 1800
const MAX_MAX_REVOCATIONS = 5000

export function readSyncSettings(
  getInput: InputReader,
  env: Environment,
  maskSecret: (value: string) => void
): SyncSettings {
  const token = parseGitHubToken(getInput('github-token'), maskSecret)
  // An apply waits out the gateway after every change: a longer default deadline than the others'.
  const connection = readConnectionSettings(
    (name, options) =>
      getInput(name, options) ||
      (name === 'timeout-seconds' ? String(DEFAULT_TIMEOUT_SECONDS) : ''),
    env,
    maskSecret
  )
  const sslVpnServerId = parseSslVpnServerId(getInput('ssl-vpn-server-id'))
  const mode = parseMode(getInput('mode'))
  const rosterFile = parseRosterFile(getInput('roster-file'), env)
  const ignore = compileIgnorePatterns(getMultilineInput(getInput('ignore')))
  const rotate = parseBooleanInput(
    getInput('rotate'),
    'rotate',
    'replace expired and expiring certificates of roster names'
  )
  const warnDays = parseWarnDays(getInput('warn-days'))
  const maxRevocations = parseMaxRevocations(getInput('max-revocations'))
  const allowMassRevocation = parseBooleanInput(
    getInput('allow-mass-revocation'),
    'allow-mass-revocation',
    'carry out a plan that revokes more than max-revocations'
  )
  const configDir = parseConfigDir(getInput('config-dir'))
  const redeliver = parseRedeliver(getInput('redeliver'), configDir)
  const pullRequest = token === undefined ? undefined : readPullRequest(token, env)
  return {
    ...connection,
    sslVpnServerId,
    mode,
    rosterFile,
    ignore,
    rotate,
    warnDays,
    maxRevocations,
    allowMassRevocation,
    configDir,
    redeliver,
    pullRequest,
    githubToken: token
  }
}

function parseMode(raw: string): SyncMode {
  const value = raw.toLowerCase() || 'plan'
  if (value === 'plan' || value === 'apply') return value
  throw new InputError(
    'mode',
    `${quote(raw)} is not supported; expected "plan" (the default: show what would change, change nothing; for pull requests) or "apply" (make the SSL server match the roster; for the default branch).`
  )
}

function parseMaxRevocations(raw: string): number {
  if (raw === '') return DEFAULT_MAX_REVOCATIONS
  const value = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN
  if (!(value >= 0 && value <= MAX_MAX_REVOCATIONS)) {
    throw new InputError(
      'max-revocations',
      `${quote(raw)} is not valid; expected a whole number of certificates from 0 to ${MAX_MAX_REVOCATIONS} (default ${DEFAULT_MAX_REVOCATIONS}).`
    )
  }
  return value
}

/**
 * `redeliver`: certificate names, one per line or separated by commas (a `workflow_dispatch` text
 * input is one line; a name holds no comma), each once. Names, not patterns: every name writes a
 * private key to disk, so each is asked for by name and must be a roster entry (a pattern that
 * matched more than meant, or nothing, could not be told from a typo). Needs `config-dir`.
 */
function parseRedeliver(raw: string, configDir: string | undefined): string[] {
  const names = [
    ...new Set(
      raw
        .split(/[\r\n,]/)
        .map(name => name.trim())
        .filter(name => name !== '')
    )
  ]
  for (const name of names) {
    if (/[*?]/.test(name)) {
      throw new InputError(
        'redeliver',
        `${quote(name)} is a pattern; expected names of roster entries, each written out (every name writes a private key to disk, so none is matched by a wildcard).`
      )
    }
    if (!NAME_PATTERN.test(name)) {
      throw new InputError(
        'redeliver',
        `${quote(name)} is not a certificate name; expected names of roster entries, one per line or separated by commas.`
      )
    }
  }
  if (names.length > 0 && configDir === undefined) {
    throw new InputError(
      'redeliver',
      `names ${names.length === 1 ? 'a certificate' : `${names.length} certificates`} (${names.slice(0, 3).map(quote).join(', ')}${names.length > 3 ? ', …' : ''}), but config-dir is empty; expected config-dir set to where their profiles are written.`
    )
  }
  return names
}

/**
 * `roster-file`: a path relative to the workspace (GITHUB_WORKSPACE, where actions/checkout puts
 * the repository; the working directory outside a runner) that stays inside it.
 */
function parseRosterFile(raw: string, env: Environment): SyncSettings['rosterFile'] {
  const given = raw === '' ? DEFAULT_ROSTER_FILE : raw
  const expected = `expected a path relative to the repository's root, e.g. "${DEFAULT_ROSTER_FILE}"`
  if (/[\p{Cc}\u2028\u2029]/u.test(given) || given.length > 1024) {
    throw new InputError('roster-file', `${quote(given)} is not a path; ${expected}.`)
  }
  const relative = normalize(given)
  if (isAbsolute(given) || relative === '..' || relative.startsWith('../')) {
    throw new InputError('roster-file', `${quote(given)} is outside the repository; ${expected}.`)
  }
  const workspace = env['GITHUB_WORKSPACE'] || process.cwd()
  return { given, path: resolve(workspace, relative) }
}

/** `refs/pull/<number>/merge` (or `/head`): the pull request a `pull_request` run is for. */
const PULL_REF_PATTERN = /^refs\/pull\/(\d{1,10})\/(?:merge|head)$/

function readPullRequest(token: string, env: Environment): SyncSettings['pullRequest'] {
  const match = PULL_REF_PATTERN.exec(env['GITHUB_REF'] ?? '')
  if (!match?.[1]) return 'no-pull-request'
  return { token, number: Number(match[1]), ...readGitHubVariables(env) }
}
