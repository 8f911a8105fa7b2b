/**
 * Onboarding: for each requested name, one at a time on the gateway (every create puts it into
 * `Configuring`), find or create the certificate, and with `config-dir` wait until it is ready and
 * write a protected OpenVPN profile. With `if-exists: replace` (rotation) the new certificate is
 * always waited for, and only then are the other certificates of that name revoked (revocation.ts).
 * A failure on one name does not stop the others; all share the one deadline.
 */
import { batchLeadingDelays, type BusySpan } from './batch-pacing.js'
import {
  CancelledError,
  CertificateExistsError,
  DeadlineError,
  UnexpectedResponseError
} from '../core/errors.js'
import { buildInlineProfile, encryptPrivateKey, profileFileName } from './profile.js'
import { quote } from '../core/input-rules.js'
import { maskMultiline } from '../core/redact.js'
import {
  listingFailure,
  revokeCertificates,
  type CertificateRevocation,
  type RevocationDependencies
} from './revocation.js'
import type { CertificateTarget, DeliveryTarget, OnboardingSettings } from './requests.js'
import {
  USABLE_STATUSES,
  type CertificateMaterial,
  type ExistingCertificate,
  type VpcClient
} from '../alibaba/vpc-client.js'

/** What onboarding needs besides the VPC client (which calls the API, by the run's deadline). */
export interface OnboardingDependencies extends RevocationDependencies {
  /** Onboarding's own lines (a batch prefixes each with its `[i/n] name: `). */
  log: (line: string) => void
  /** Masks a secret in the runner's log and in everything the action prints. */
  mask: (secret: string) => void
  /**
   * Writes a profile file directly inside `dir`; returns its absolute path (profile.ts
   * `writeProfile` in production, which also records it for the post step's removal).
   */
  writeFile: (dir: string, fileName: string, content: string | Uint8Array) => Promise<string>
  /**
   * With recipients (src/delivery/deliver.ts, loaded only then): how the target's profile is
   * sealed, asked before its certificate is obtained (a recipient whose keys cannot be had fails
   * the name first); undefined for a profile written as it is.
   */
  sealerFor?: ((target: DeliveryTarget) => Promise<ProfileSealer | undefined>) | undefined
}

/** A key a profile was encrypted to, as the outputs and the summary name it. */
export interface SealedKey {
  /** `ssh-ed25519`, `ssh-rsa` or `x25519` (an age1… key). */
  type: string
  /** `SHA256:…` as `ssh-keygen -l` prints it; an age key is its own `age1…`. */
  fingerprint: string
  /** Where it was given: `github:alice-gh`, `recipient`, `names line 3`. */
  from: string
}

/** Encrypts one person's profile to their keys. */
export interface ProfileSealer {
  recipients: SealedKey[]
  /** The file name and content to write instead of `fileName` and `profile`. */
  seal: (fileName: string, profile: string) => Promise<{ fileName: string; content: Uint8Array }>
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
  /** When the profile was written encrypted (configFile, `.ovpn.age`): the keys it was encrypted to. */
  encryptedTo?: SealedKey[] | undefined
  requestId: string | undefined
  /** API calls made for this certificate, all operations. */
  attempts: number
  /** Time spent in backoff waits for this certificate. */
  waitedMs: number
  /** With `if-exists: replace`: what became of the other certificates of that name. */
  replacement?: Replacement
}

/** The other certificates of a name, revoked once its new certificate was ready. */
interface Replacement {
  /** Every other certificate of that name found (none when the listing failed), in order. */
  others: ExistingCertificate[]
  /**
   * One per other certificate revoked or tried, in order. After a cancellation, only those done
   * or under way: the others found have none.
   */
  revocations: CertificateRevocation[]
  /** The listing of the others failed: none was revoked. */
  listingError: Error | undefined
}

/** A certificate this step's create made, before the failure or cancellation of its name. */
interface CreatedBeforeFailure {
  certId: string
  /** As the create answered it ('' when the API named it). */
  name: string
  requestId: string | undefined
  /** Known once it was seen usable (it was waited for); undefined: not seen ready. */
  status: string | undefined
}

interface Failed extends OutcomeBase {
  ok: false
  error: Error
  /**
   * The create was answered before the failure: the certificate exists, though its name failed
   * (with `if-exists: replace` the old ones go only once it is ready, so what exists matters).
   */
  created?: CreatedBeforeFailure | undefined
  /** With `if-exists: replace`: the failure (a cancellation) came while the others were revoked. */
  replacement?: Replacement | undefined
}

/** How far one name got: what a failure or cancellation leaves behind of it. */
interface Progress {
  created?: CreatedBeforeFailure | undefined
  replacement?: Replacement | undefined
}

export type CertificateOutcome = Obtained | Failed

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
      : `the certificate name ${quote(found.name)}, which the API allows but which cannot name a profile file (that takes 2 to 128 letters, digits, ".", "_" and "-", starting with a letter: give the name input)`
  return new UnexpectedResponseError(
    200,
    `The API answered ${what}; no profile file is named after it, so no profile was written${requestId ? ` (RequestId: ${requestId})` : ''}.`,
    requestId
  )
}

/** Where and how {@link writeCertificateProfile} writes one profile. */
interface ProfilePlacement {
  configDir: string
  /** `<name>.ovpn` (profile.ts `profileFileName`); a sealer adds `.age`. */
  fileName: string
  /** Encrypts the key inside a profile written as it is; a sealed profile needs none. */
  keyPassphrase: string | undefined
  /** Encrypts the whole profile to its person's keys; undefined: written as it is. */
  sealer: ProfileSealer | undefined
}

/**
 * Writes the OpenVPN profile of a certificate from its key material (DescribeSslVpnClientCert),
 * mode 0600: as it is (the key encrypted with `keyPassphrase` when given), or only sealed to its
 * recipient's keys, as `<name>.ovpn.age`. The key and the profile are masked before anything could
 * print them. The one way a profile is written, for a new certificate and for one written again
 * (redelivery.ts).
 */
export async function writeCertificateProfile(
  placement: ProfilePlacement,
  material: CertificateMaterial,
  deps: Pick<OnboardingDependencies, 'log' | 'mask' | 'writeFile'>
): Promise<{ configFile: string; encryptedTo: SealedKey[] | undefined }> {
  const { configDir, fileName, sealer } = placement
  // A sealed profile needs no passphrase: none to send (key-passphrase is for the others).
  const passphrase = sealer === undefined ? placement.keyPassphrase : undefined
  const key =
    passphrase === undefined
      ? material.clientKey
      : encryptPrivateKey(material.clientKey, passphrase)
  const profile = buildInlineProfile(material.clientConfig, { ...material, clientKey: key })
  maskMultiline(key, deps.mask)
  maskMultiline(profile, deps.mask)
  if (sealer === undefined) {
    const configFile = await deps.writeFile(configDir, fileName, profile)
    deps.log(
      `Profile written: ${configFile} (mode 0600${passphrase === undefined ? '' : ', key encrypted with key-passphrase'}).`
    )
    return { configFile, encryptedTo: undefined }
  }
  // Only the encrypted profile touches the disk.
  const sealed = await sealer.seal(fileName, profile)
  const configFile = await deps.writeFile(configDir, sealed.fileName, sealed.content)
  deps.log(
    `Profile written encrypted (age): ${configFile} (mode 0600), for ${sealer.recipients.map(k => `${k.type} ${k.fingerprint} (${k.from})`).join(', ')}.`
  )
  return { configFile, encryptedTo: sealer.recipients }
}

async function obtainOne(
  settings: OnboardingSettings,
  target: CertificateTarget,
  vpc: VpcClient,
  deps: OnboardingDependencies,
  pace: GatewayPace,
  progress: Progress
): Promise<Obtained> {
  let attempts = 0
  let waitedMs = 0
  let found: { certId: string; name: string; status: string | undefined } | undefined
  let requestId: string | undefined
  // Before anything is created for the name: a recipient without a usable key fails it here.
  const sealer = settings.configDir === undefined ? undefined : await deps.sealerFor?.(target)

  if (
    (settings.ifExists === 'reuse' || settings.ifExists === 'fail') &&
    target.name !== undefined
  ) {
    const existing = await vpc.findCertificatesByName(target.name)
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
    const result = await vpc.createCertificate({
      name: target.name,
      clientToken: target.clientToken,
      leadingDelaysMs: batchLeadingDelays(pace.lastBusySpan)
    })
    // Only a create that met a busy gateway tells how long the gateway stays busy.
    if (result.attempts > 1) {
      pace.lastBusySpan = { busyAtMs: result.busySeenMs, freeByMs: result.elapsedMs }
    }
    attempts += result.attempts
    waitedMs += result.waitedMs
    requestId = result.requestId
    found = { certId: result.certId, name: result.name, status: undefined }
    progress.created = { ...found, requestId }
    deps.log(
      `Certificate ${result.certId}${result.name ? ` (${result.name})` : ''} after ${result.attempts} ${result.attempts === 1 ? 'attempt' : 'attempts'} (RequestId: ${result.requestId}).`
    )
  }

  let configFile: string | undefined
  let encryptedTo: SealedKey[] | undefined
  if (settings.configDir !== undefined) {
    // Named before the key is fetched: a name or ID that cannot name a file stops here.
    const fileName = profileFileName(target.name ?? found.name, found.certId)
    if (fileName === undefined) throw unnameableProfile(found, requestId)
    const material = await vpc.waitUntilReady(found.certId)
    attempts += material.attempts
    waitedMs += material.waitedMs
    found.status = material.status
    if (progress.created) progress.created.status = material.status
    ;({ configFile, encryptedTo } = await writeCertificateProfile(
      { configDir: settings.configDir, fileName, keyPassphrase: settings.keyPassphrase, sealer },
      material,
      deps
    ))
  } else if (settings.ifExists === 'replace') {
    // The old ones go only once the new one can be used, profile or not.
    const material = await vpc.waitUntilReady(found.certId)
    attempts += material.attempts
    waitedMs += material.waitedMs
    found.status = material.status
    if (progress.created) progress.created.status = material.status
  }

  let replacement: Replacement | undefined
  if (settings.ifExists === 'replace' && target.name !== undefined) {
    replacement = await replaceOthers(target.name, found.certId, settings, vpc, deps, progress)
    for (const r of replacement.revocations) {
      if (r.ok) {
        attempts += r.attempts
        waitedMs += r.waitedMs
      }
    }
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
    ...(encryptedTo ? { encryptedTo } : {}),
    requestId,
    attempts,
    waitedMs,
    ...(replacement ? { replacement } : {})
  }
}

/**
 * Rotation, once the new certificate `keep` is ready: every other certificate named exactly
 * `name` on the SSL server is revoked, one at a time. A re-run finds only `keep` (its create is
 * answered from the same ClientToken) and deletes nothing more. What is found and done is kept in
 * `progress` as it happens, so a cancellation midway still tells which went and which remain.
 */
async function replaceOthers(
  name: string,
  keep: string,
  settings: OnboardingSettings,
  vpc: VpcClient,
  deps: OnboardingDependencies,
  progress: Progress
): Promise<Replacement> {
  let others: ExistingCertificate[]
  try {
    others = (await vpc.findCertificatesByName(name)).filter(c => c.certId !== keep)
  } catch (error) {
    if (error instanceof CancelledError || !(error instanceof Error)) throw error
    const failure = listingFailure(error)
    deps.log(
      `Could not list the other certificates named ${name}, so none was revoked: ${failure.message}`
    )
    return { others: [], revocations: [], listingError: failure }
  }
  const replacement: Replacement = { others, revocations: [], listingError: undefined }
  progress.replacement = replacement
  if (others.length === 0) {
    deps.log(`No other certificate is named ${name}: nothing to revoke.`)
    return replacement
  }
  deps.log(
    `Replacing ${others.length === 1 ? 'the other certificate' : `the ${others.length} other certificates`} named ${name} (${others.map(c => c.certId).join(', ')}), one at a time: each delete disconnects every client of ${settings.sslVpnServerId}.`
  )
  await revokeCertificates(others, vpc, settings.sslVpnServerId, deps, replacement.revocations)
  return replacement
}

/**
 * Obtains every target in order through `vpc`. A cancellation stops everything at once (it is
 * thrown); any other failure is recorded and the next name goes ahead, until the client's
 * deadline. Each outcome is pushed onto `outcomes` as soon as it is known, the name under way
 * when a cancellation came included (with what it created and revoked before it), so a caller
 * that passes its own array still knows what was done; the names after it have none.
 */
export async function obtainCertificates(
  settings: OnboardingSettings,
  vpc: VpcClient,
  deps: OnboardingDependencies,
  outcomes: CertificateOutcome[] = []
): Promise<CertificateOutcome[]> {
  const batch = settings.targets.length > 1
  const pace: GatewayPace = { lastBusySpan: undefined }
  for (const [index, target] of settings.targets.entries()) {
    const base = { requested: target.name, clientToken: target.clientToken }
    if (vpc.timeLeftMs() <= 0) {
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
    const progress: Progress = {}
    try {
      const client = vpc.withLogPrefix(prefix)
      outcomes.push(await obtainOne(settings, target, client, { ...deps, log }, pace, progress))
    } catch (error) {
      if (!(error instanceof Error)) throw error
      outcomes.push({ ...base, ok: false, error, ...progress })
      if (error instanceof CancelledError) throw error
    }
  }
  return outcomes
}
