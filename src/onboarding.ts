/**
 * Onboarding: for each requested name, one at a time on the gateway (every create puts it into
 * `Configuring`), find or create the certificate, and with `config-dir` wait until it is ready and
 * write a protected OpenVPN profile. A failure on one name does not stop the others; all share the
 * one deadline.
 */
import {
  createClientCertificate,
  findCertificatesByName,
  USABLE_STATUSES,
  waitUntilReady,
  type ExistingCertificate,
  type ServiceDependencies
} from './certificate.js'
import {
  CancelledError,
  CertificateExistsError,
  DeadlineError,
  UnexpectedResponseError
} from './errors.js'
import { buildInlineProfile, encryptPrivateKey, profileFileName } from './profile.js'
import { batchLeadingDelays, type BusySpan } from './retry.js'
import { quote } from './input-rules.js'
import type { CertificateTarget, Settings } from './settings.js'
import type { Credentials } from './signer.js'

export interface OnboardingDependencies extends ServiceDependencies {
  deadline: number
  /** Masks a secret in the runner's log and in everything the action prints. */
  mask: (secret: string) => void
  /**
   * Writes a profile file directly inside `dir`; returns its absolute path (profile.ts
   * `writeProfile` in production, which also records it for the post step's removal).
   */
  writeFile: (dir: string, fileName: string, content: string) => Promise<string>
}

interface OutcomeBase {
  /** The requested name (undefined: named by the API). */
  requested: string | undefined
  clientToken: string
}

export interface Obtained extends OutcomeBase {
  ok: true
  certId: string
  /** The certificate's name, as the API reports it. */
  name: string
  /** false when an existing certificate was reused. */
  created: boolean
  /** Known when the certificate was looked up or waited for. */
  status: string | undefined
  configFile: string | undefined
  requestId: string | undefined
  /** API calls made for this certificate, all operations. */
  attempts: number
  /** Time spent in backoff waits for this certificate. */
  waitedMs: number
}

export interface Failed extends OutcomeBase {
  ok: false
  error: Error
}

export type CertificateOutcome = Obtained | Failed

/** Lines long enough to identify a secret; masking `client` or `-----END…` would only garble logs. */
const MIN_MASKED_LINE_LENGTH = 16

/** Masks a multi-line secret line by line (the runner masks single lines) and as a whole. */
export function maskMultiline(text: string, mask: (secret: string) => void): void {
  mask(text)
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim()
    if (trimmed.length >= MIN_MASKED_LINE_LENGTH && !/^-----(BEGIN|END) /.test(trimmed)) {
      mask(trimmed)
    }
  }
}

/** What a batch learns about its gateway: how long the last busy create found it busy. */
interface GatewayPace {
  lastBusySpan: BusySpan | undefined
}

/**
 * `if-exists: reuse`: the oldest certificate of that name whose Status can be used (`normal`,
 * `expiring-soon`), for a stable choice; expired ones (and any other Status) are skipped and named
 * in the log. Undefined when none can be used, so one is created.
 */
export function chooseReusable(
  existing: readonly ExistingCertificate[],
  log: (line: string) => void
): ExistingCertificate | undefined {
  const usable = existing.filter(c => USABLE_STATUSES.has(c.status))
  const skipped = existing.filter(c => !USABLE_STATUSES.has(c.status))
  if (skipped.length > 0) {
    log(
      `Not reusing ${skipped.length === 1 ? 'a certificate' : `${skipped.length} certificates`} of that name that cannot be used: ${skipped.map(c => `${c.certId} (Status ${quote(c.status)})`).join(', ')}.`
    )
  }
  const [oldest] = usable
  if (oldest === undefined) {
    if (skipped.length > 0) log('None of that name can be used; creating a new one.')
    return undefined
  }
  log(
    `Reusing ${oldest.certId} (${oldest.name}, Status ${oldest.status})${usable.length > 1 ? `: the oldest of ${usable.length} with that name${skipped.length > 0 ? ' and a usable Status' : ''}` : ''}.`
  )
  return oldest
}

/** The answer named the certificate (or, unnamed, identified it) with something no file may be. */
function unnameableProfile(
  found: { certId: string; name: string },
  requestId: string | undefined
): UnexpectedResponseError {
  const what =
    found.name === ''
      ? `the certificate ID ${quote(found.certId)}, which is not "vsc-" followed by lowercase letters and digits`
      : `the certificate name ${quote(found.name)}, which is not a valid name (2 to 128 letters, digits, ".", "_" and "-", starting with a letter)`
  return new UnexpectedResponseError(
    200,
    `The API answered ${what}; no profile file is named after it, so no profile was written${requestId ? ` (RequestId: ${requestId})` : ''}.`,
    requestId
  )
}

async function obtainOne(
  settings: Settings,
  target: CertificateTarget,
  credentials: Credentials,
  deps: OnboardingDependencies,
  pace: GatewayPace
): Promise<Obtained> {
  let attempts = 0
  let waitedMs = 0
  let found: { certId: string; name: string; status: string | undefined } | undefined
  let requestId: string | undefined

  if (settings.ifExists !== 'create' && target.name !== undefined) {
    const existing = await findCertificatesByName(
      settings,
      target.name,
      credentials,
      deps,
      deps.deadline
    )
    attempts += 1
    if (existing.length > 0 && settings.ifExists === 'fail') {
      throw new CertificateExistsError(
        target.name,
        existing.map(c => c.certId)
      )
    }
    const oldest = chooseReusable(existing, deps.log)
    if (oldest) {
      found = { certId: oldest.certId, name: oldest.name, status: oldest.status }
      // The answer that found it: the listing call's.
      requestId = oldest.requestId
    }
  }

  const created = found === undefined
  if (found === undefined) {
    const leadingDelaysMs = batchLeadingDelays(pace.lastBusySpan)
    const result = await createClientCertificate(
      { ...settings, name: target.name, clientToken: target.clientToken },
      credentials,
      leadingDelaysMs ? { ...deps, leadingDelaysMs } : deps
    )
    // Only a create that met a busy gateway tells how long the gateway stays busy.
    if (result.attempts > 1) {
      pace.lastBusySpan = { busyAtMs: result.busySeenMs, freeByMs: result.elapsedMs }
    }
    attempts += result.attempts
    waitedMs += result.waitedMs
    requestId = result.requestId
    found = { certId: result.certId, name: result.name, status: undefined }
    deps.log(
      `Certificate ${result.certId}${result.name ? ` (${result.name})` : ''} after ${result.attempts} ${result.attempts === 1 ? 'attempt' : 'attempts'} (RequestId: ${result.requestId}).`
    )
  }

  let configFile: string | undefined
  if (settings.configDir !== undefined) {
    // Named before the key is fetched: a name or ID that cannot name a file stops here.
    const fileName = profileFileName(target.name ?? found.name, found.certId)
    if (fileName === undefined) throw unnameableProfile(found, requestId)
    const material = await waitUntilReady(
      settings,
      found.certId,
      credentials,
      deps,
      deps.deadline,
      text => maskMultiline(text, deps.mask)
    )
    attempts += material.attempts
    waitedMs += material.waitedMs
    found.status = material.status
    const key =
      settings.keyPassphrase === undefined
        ? material.clientKey
        : encryptPrivateKey(material.clientKey, settings.keyPassphrase)
    const profile = buildInlineProfile(material.clientConfig, { ...material, clientKey: key })
    maskMultiline(key, deps.mask)
    maskMultiline(profile, deps.mask)
    configFile = await deps.writeFile(settings.configDir, fileName, profile)
    deps.log(
      `Profile written: ${configFile} (mode 0600${settings.keyPassphrase === undefined ? '' : ', key encrypted with key-passphrase'}).`
    )
  }

  return {
    ok: true,
    requested: target.name,
    clientToken: target.clientToken,
    certId: found.certId,
    name: found.name,
    created,
    status: found.status,
    configFile,
    requestId,
    attempts,
    waitedMs
  }
}

/**
 * Obtains every target in order. A cancellation stops everything at once; any other failure is
 * recorded and the next name goes ahead, until the deadline.
 */
export async function obtainCertificates(
  settings: Settings,
  credentials: Credentials,
  deps: OnboardingDependencies
): Promise<CertificateOutcome[]> {
  const outcomes: CertificateOutcome[] = []
  const batch = settings.targets.length > 1
  const pace: GatewayPace = { lastBusySpan: undefined }
  for (const [index, target] of settings.targets.entries()) {
    const base = { requested: target.name, clientToken: target.clientToken }
    if (deps.now() >= deps.deadline) {
      outcomes.push({
        ...base,
        ok: false,
        error: new DeadlineError(
          'not attempted: timeout-seconds reached',
          new Error('not attempted'),
          0
        )
      })
      continue
    }
    const prefix = batch ? `[${index + 1}/${settings.targets.length}] ${target.name}: ` : ''
    const log = (line: string) => deps.log(prefix + line)
    try {
      outcomes.push(await obtainOne(settings, target, credentials, { ...deps, log }, pace))
    } catch (error) {
      if (error instanceof CancelledError || !(error instanceof Error)) throw error
      outcomes.push({ ...base, ok: false, error })
    }
  }
  return outcomes
}
