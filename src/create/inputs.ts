/**
 * Reads, defaults and validates every input in one place and returns one {@link Settings} value:
 * {@link readSettings}, then each field's parser in the order it reads them. The credentials come
 * from credential-inputs.ts, first, so every secret is masked before anything else can fail. A bad
 * value gets an {@link InputError} that names the input, shows what was given (never for a secret)
 * and says what is expected.
 */
import {
  CLIENT_TOKEN_MAX_LENGTH,
  deriveClientToken,
  readWorkflowRunContext
} from '../alibaba/client-token.js'
import {
  getMultilineInput,
  parseConfigDir,
  parseNameOnLine,
  parseNames,
  parseSslVpnServerId,
  readConnectionSettings
} from '../runner/connection-inputs.js'
import { InputError } from '../core/errors.js'
import { parseBooleanInput, quote } from '../core/input-rules.js'
import { parseGitHubApiUrl, parseGitHubToken } from '../github/rules.js'
import { type Environment, type InputReader } from '../core/environment.js'
import type { ConnectionSettings } from '../alibaba/settings.js'
import type {
  CertificateTarget,
  IfExists,
  OnboardingSettings,
  Recipient,
  RecipientSource
} from '../certificates/requests.js'
import type { DeliverySettings } from '../delivery/settings.js'

/**
 * What the create action is asked to do: the connection every action reads, the certificates to
 * obtain and how (what onboarding reads), and the rest of the create action's own inputs.
 */
export interface Settings extends ConnectionSettings, OnboardingSettings {
  /** `keep-profiles`: leave the profiles in place after the job (no removal in the post step). */
  keepProfiles: boolean
  /** Where `github:` recipients' keys are read (GITHUB_API_URL, `github-token`); see delivery. */
  github?: DeliverySettings['github']
  /** Deadline for the whole operation, all certificates and attempts included. */
  timeoutMs: number
}

/**
 * Reads every input. Order matters only in one way: credentials first, so every secret is
 * masked before anything else can fail and print. `randomToken` makes the ClientToken outside a
 * workflow run.
 */
export function readSettings(
  getInput: InputReader,
  env: Environment,
  maskSecret: (value: string) => void,
  randomToken: () => string
): Settings {
  const githubToken = parseGitHubToken(getInput('github-token'), maskSecret)
  const connection = readConnectionSettings(getInput, env, maskSecret)
  const { regionId } = connection
  const sslVpnServerId = parseSslVpnServerId(getInput('ssl-vpn-server-id'))
  const deliveries = parseDeliveries(
    getInput('name'),
    getMultilineInput(getInput('recipient')),
    getMultilineInput(getInput('names'))
  )
  const names = deliveries.map(d => d.name)
  const ifExists = parseIfExists(getInput('if-exists'), names)
  const configDir = parseConfigDir(getInput('config-dir'))
  checkRecipientsNeedConfigDir(deliveries, configDir)
  const keyPassphrase = parseKeyPassphrase(
    getInput('key-passphrase', { trimWhitespace: false }),
    configDir,
    maskSecret
  )
  checkPassphraseUsed(keyPassphrase, deliveries)
  const keepProfiles = parseKeepProfiles(getInput('keep-profiles'), configDir)
  const github = deliveries.some(d => d.recipients.some(r => r.kind === 'github'))
    ? { apiUrl: parseGitHubApiUrl(env), token: githubToken }
    : undefined

  const givenToken = parseClientToken(getInput('client-token'))
  if (givenToken !== undefined && names.length > 1) {
    throw new InputError(
      'client-token',
      "applies to one certificate; with 'names' each name gets its own token, derived from the workflow run and the name."
    )
  }
  const run = readWorkflowRunContext(env)
  const targets = deliveries.map(({ name, recipients }): CertificateTarget => {
    if (givenToken !== undefined) {
      return { name, recipients, clientToken: givenToken, clientTokenSource: 'from the input' }
    }
    if (run !== undefined) {
      return {
        name,
        recipients,
        clientToken: deriveClientToken(run, { regionId, sslVpnServerId, name }),
        clientTokenSource: 'derived from the workflow run'
      }
    }
    return {
      name,
      recipients,
      clientToken: randomToken(),
      clientTokenSource: 'random: not in a workflow run'
    }
  })

  return {
    ...connection,
    sslVpnServerId,
    targets,
    ifExists,
    configDir,
    keyPassphrase,
    keepProfiles,
    ...(github ? { github } : {})
  }
}

/** One certificate as asked for: its name and whom its profile is encrypted to (maybe nobody). */
interface Delivery {
  name: string | undefined
  recipients: Recipient[]
}

const NAMES_EXAMPLE =
  'e.g. "alice.smith github:alice-gh", "alice.smith ssh-ed25519 AAAA…" or "alice.smith age1…"'

/**
 * `name` with `recipient` (one recipient per line), or `names`: one certificate per line, each
 * line a name, optionally followed by a space and one recipient. A name may come back on further
 * lines only to add recipients (every one of its lines has one). Plain one-name lines read as
 * they always did (parseNames).
 */
function parseDeliveries(
  nameInput: string,
  recipientLines: string[],
  nameLines: string[]
): Delivery[] {
  if (nameLines.length === 0 || nameInput !== '') {
    const [name] = parseNames(nameInput, nameLines)
    const recipients = recipientLines.map((line, index) =>
      parseRecipient(line, { input: 'recipient', line: index + 1 }, recipientLines.length > 1)
    )
    return [{ name, recipients }]
  }
  if (recipientLines.length > 0) {
    throw new InputError(
      'recipient',
      `is for 'name'; with 'names', write each person's recipient after their name on its line, ${NAMES_EXAMPLE}.`
    )
  }
  const byName = new Map<string, Delivery & { plainLine: number | undefined }>()
  const lines: string[] = []
  nameLines.forEach((line, index) => {
    const [, first = '', rest] = /^(\S+)(?:\s+(.+))?$/.exec(line) ?? []
    if (rest === undefined && looksLikeRecipient(first)) {
      throw new InputError(
        'names',
        `line ${index + 1}: starts with a recipient; expected the certificate name first, then the recipient, ${NAMES_EXAMPLE}.`
      )
    }
    const name = parseNameOnLine(first, index)
    if (name === undefined) return
    const recipient =
      rest === undefined ? undefined : parseRecipient(rest, { input: 'names', line: index + 1 })
    const known = byName.get(name)
    if (known === undefined) {
      lines.push(name)
      byName.set(name, {
        name,
        recipients: recipient ? [recipient] : [],
        plainLine: recipient ? undefined : index + 1
      })
      return
    }
    if (recipient === undefined || known.plainLine !== undefined) {
      throw new InputError(
        'names',
        `line ${index + 1}: ${quote(name)} appears twice; each name once (a name comes back only to add a recipient, each of its lines with one).`
      )
    }
    known.recipients.push(recipient)
  })
  // The count and the shape of each name, as for plain lines.
  return parseNames('', lines).map((name = '') => {
    const { recipients } = byName.get(name) ?? { recipients: [] }
    return { name, recipients }
  })
}

/** A `github:` recipient's account: GitHub's logins, and Enterprise Managed Users' `_shortcode`. */
const GITHUB_USERNAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,99})$/
/** The SSH key types age encrypts to. */
const USABLE_SSH_KEY = /^(ssh-ed25519|ssh-rsa)\s+[A-Za-z0-9+/]{16,}={0,2}(?:\s.*)?$/
/** An age X25519 recipient, or a plugin's (`age1yubikey1…`), Bech32 (checked in src/delivery). */
const AGE_RECIPIENT = /^age1[0-9a-z]{20,200}$/i
/** Longest recipient line: an RSA-16384 public key with a comment fits. */
const MAX_RECIPIENT_LENGTH = 8192

function looksLikeRecipient(text: string): boolean {
  return /^(github:|age1|ssh-|ecdsa-|sk-)/i.test(text)
}

/**
 * One recipient: `github:USER`, an `ssh-ed25519` or `ssh-rsa` public key line (comment allowed),
 * or an `age1…` recipient. Only the form is checked here (the key's content is checked by
 * src/delivery before any network call); a key age cannot encrypt to is refused by its type. A
 * line that looks like a private key is never shown.
 */
function parseRecipient(text: string, given: RecipientSource, showLine = true): Recipient {
  const where = showLine ? `line ${given.line}: ` : ''
  const fail = (problem: string) => new InputError(given.input, `${where}${problem}`)
  const expected =
    'expected "github:USER" (their public SSH keys on GitHub), an "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…" public key, or an "age1…" recipient'
  if (/PRIVATE KEY|AGE-SECRET-KEY-/i.test(text)) {
    throw fail(
      `looks like a private key (not shown); give the public key (the .pub file, or "github:USER"). Treat that private key as exposed: it is in the workflow.`
    )
  }
  if (text.length > MAX_RECIPIENT_LENGTH) {
    throw fail(
      `is ${text.length} characters long; ${expected}, at most ${MAX_RECIPIENT_LENGTH} characters.`
    )
  }
  const github = /^github:(.*)$/i.exec(text)
  if (github) {
    const username = github[1] ?? ''
    if (!GITHUB_USERNAME_PATTERN.test(username)) {
      throw fail(
        `${quote(text)} does not name a GitHub account; expected "github:" and a username (letters, digits, "-", "_"), e.g. "github:alice-gh".`
      )
    }
    return { kind: 'github', username, given }
  }
  if (USABLE_SSH_KEY.test(text) || AGE_RECIPIENT.test(text)) return { kind: 'key', text, given }
  const type = /^(\S+)/.exec(text)?.[1] ?? ''
  if (/^(ecdsa-|sk-|ssh-dss)|-cert-v01@openssh\.com$/.test(type)) {
    throw fail(
      `${quote(type)} keys cannot be used: age encrypts only to ssh-ed25519, ssh-rsa and age1… keys. Give one of those, or "github:USER" (their usable keys are taken, the others skipped).`
    )
  }
  throw fail(`${quote(text.slice(0, 24))} is not a recipient; ${expected}.`)
}

/** A recipient's profile is written only to `config-dir`, encrypted. */
function checkRecipientsNeedConfigDir(deliveries: Delivery[], configDir: string | undefined) {
  const first = deliveries.flatMap(d => d.recipients)[0]
  if (first !== undefined && configDir === undefined) {
    throw new InputError(
      first.given.input,
      "encrypts the profile written to 'config-dir' (as <name>.ovpn.age), so it needs 'config-dir'."
    )
  }
}

/**
 * `key-passphrase` protects profiles written as they are; one encrypted to its person's keys needs
 * no passphrase (none to send), so one given where every profile has a recipient is a mistake.
 */
function checkPassphraseUsed(keyPassphrase: string | undefined, deliveries: Delivery[]) {
  if (keyPassphrase !== undefined && deliveries.every(d => d.recipients.length > 0)) {
    throw new InputError(
      'key-passphrase',
      "is not used with 'recipient': each profile is encrypted to its person's keys, so there is no passphrase to send. Remove key-passphrase (it applies only to profiles written without a recipient)."
    )
  }
}

function parseIfExists(raw: string, names: (string | undefined)[]): IfExists {
  const value = raw.toLowerCase() || 'create'
  if (value !== 'create' && value !== 'reuse' && value !== 'fail' && value !== 'replace') {
    throw new InputError(
      'if-exists',
      `${quote(raw)} is not supported; expected "create" (always create), "reuse" (return the certificate of that name if there is one), "fail" or "replace" (create a new one, then revoke the others of that name).`
    )
  }
  if (value !== 'create' && names.some(name => name === undefined)) {
    throw new InputError(
      'if-exists',
      `"${value}" looks certificates up by name: give 'name' (or 'names').`
    )
  }
  return value
}

/**
 * `key-passphrase`, exactly as configured: surrounding spaces are part of it (the runner passes
 * the value untrimmed when read with `trimWhitespace: false`), since the key must open with what
 * the user typed in the workflow. Empty means no encryption.
 */
function parseKeyPassphrase(
  raw: string,
  configDir: string | undefined,
  maskSecret: (value: string) => void
): string | undefined {
  if (raw === '') return undefined
  maskSecret(raw)
  if (configDir === undefined) {
    throw new InputError(
      'key-passphrase',
      "protects the key inside the profile, so it needs 'config-dir'."
    )
  }
  // A secret saved with a trailing newline is the likely cause; say so, never the value.
  if (/[\r\n]/.test(raw)) {
    throw new InputError(
      'key-passphrase',
      'contains a line break (a secret saved with a trailing newline?); expected 4 to 1023 characters on one line, no control characters.'
    )
  }
  if (raw.trim() === '') {
    throw new InputError(
      'key-passphrase',
      'is only whitespace; expected 4 to 1023 characters (spaces inside or around are kept as typed).'
    )
  }
  // OpenSSL and OpenVPN take passphrases of 4 to 1023 bytes.
  if (raw.length < 4 || raw.length > 1023 || /\p{Cc}/u.test(raw)) {
    throw new InputError(
      'key-passphrase',
      'is not valid: expected 4 to 1023 characters, no line breaks or control characters.'
    )
  }
  return raw
}

/** `keep-profiles`: a YAML 1.2 boolean (as `core.getBooleanInput`), default false. */
function parseKeepProfiles(raw: string, configDir: string | undefined): boolean {
  const keep = parseBooleanInput(
    raw,
    'keep-profiles',
    'leave the profiles after the job',
    'the default: the post step removes them'
  )
  if (!keep) return false
  if (configDir === undefined) {
    throw new InputError(
      'keep-profiles',
      "keeps the profiles written to 'config-dir', so it needs 'config-dir'."
    )
  }
  return true
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/

function parseClientToken(raw: string): string | undefined {
  if (raw === '') return undefined
  if (raw.length > CLIENT_TOKEN_MAX_LENGTH || !PRINTABLE_ASCII.test(raw)) {
    throw new InputError(
      'client-token',
      `${quote(raw)} is not valid; expected at most ${CLIENT_TOKEN_MAX_LENGTH} printable ASCII characters.`
    )
  }
  return raw
}
