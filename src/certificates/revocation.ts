/**
 * Revocation: there is no revocation list and no way to disable an SSL-VPN client certificate, so
 * revoking means deleting it (DeleteSslVpnClientCert), and every delete disconnects every client of
 * that SSL server (the others must reconnect). Deletes run one at a time on the gateway, which is
 * busy applying each one: a delete is retried while the gateway is busy, and the next one starts
 * only once the certificate is no longer listed. Each delete has its own ClientToken, derived so
 * that a re-run re-sends it; a certificate already gone counts as revoked, so a re-run is safe. A
 * failure on one certificate does not stop the others; all share the run's one deadline.
 *
 * Used by the revoke action ({@link revokeTargets}: by name or ID) and by the main action's
 * `if-exists: replace` (onboarding.ts calls {@link revokeCertificates} with the old certificates).
 */
import { batchLeadingDelays, type BusySpan } from './batch-pacing.js'
import { cutText, MAX_SHOWN_TEXT_LENGTH, singleLine } from '../core/text.js'
import {
  ApiError,
  CancelledError,
  CertificateElsewhereError,
  DeadlineError,
  InconsistentAnswerError,
  PermissionError
} from '../core/errors.js'
import type { RevokeTarget } from './requests.js'
import type { ExistingCertificate, VpcClient } from '../alibaba/vpc-client.js'

/** What revocation needs besides the VPC client (which calls the API, by the run's deadline). */
export interface RevocationDependencies {
  log: (line: string) => void
  /** The ClientToken for the delete of `certId` (client-token.ts `deleteClientTokens`). */
  deleteToken: (certId: string) => string
}

/** A certificate that is gone. */
export interface Revoked {
  ok: true
  certId: string
  /** Its name as listed ('' when the listing gave none). */
  name: string
  /** RequestId of the delete (or of the answer that said it was gone already). */
  requestId: string | undefined
  /** The delete found it gone already (someone else deleted it): no one was disconnected by it. */
  alreadyGone: boolean
  /** API calls made for it: the delete's attempts and the listings until it was gone. */
  attempts: number
  /** Time spent waiting for the gateway and for the deletion. */
  waitedMs: number
}

interface NotRevoked {
  ok: false
  certId: string
  name: string
  error: Error
  /**
   * The API accepted this step's delete of it (so every client was disconnected), but it was not
   * seen gone before the failure or cancellation: it is going, unconfirmed.
   */
  deleteAccepted?: boolean
}

export type CertificateRevocation = Revoked | NotRevoked

/** The codes that mean "not permitted", or (for a delete) sometimes "no such certificate". */
const FORBIDDEN_CODES: ReadonlySet<string> = new Set(['Forbidden', 'Forbbiden.SubUser'])

/** The line every delete is logged with: its cost, spelled out. */
export function disconnectionNote(sslVpnServerId: string): string {
  return `every client of ${sslVpnServerId} was disconnected (the others must reconnect)`
}

/** What a batch has learnt of its gateway: how long a delete keeps it busy, how long it lasts. */
interface GatewayPace {
  /** The last delete that met a busy gateway: how long after its first attempt it was free. */
  deleteSpan: BusySpan | undefined
  /** The last deletion waited for: how long after the delete it was still, and no longer, listed. */
  goneSpan: BusySpan | undefined
}

/**
 * Deletes each certificate in turn and waits until it is no longer listed before the next one.
 * Returns one result per certificate, in order. A cancellation stops everything (it is thrown);
 * an answer that contradicts itself ({@link InconsistentAnswerError}) stops every delete after it
 * (each left is recorded with that error: nothing more is deleted on the word of what answered
 * so); any other failure is recorded and the next certificate goes ahead, until the deadline. Each
 * result is pushed onto `results` as soon as it is known, the one under way when a cancellation
 * came included, so a caller that passes its own array still knows what was done.
 */
export async function revokeCertificates(
  certificates: readonly ExistingCertificate[],
  vpc: VpcClient,
  sslVpnServerId: string,
  deps: RevocationDependencies,
  results: CertificateRevocation[] = []
): Promise<CertificateRevocation[]> {
  const pace: GatewayPace = { deleteSpan: undefined, goneSpan: undefined }
  let untrusted: InconsistentAnswerError | undefined
  for (const [index, certificate] of certificates.entries()) {
    const { certId, name } = certificate
    if (untrusted !== undefined) {
      results.push({ ok: false, certId, name, error: untrusted })
      continue
    }
    if (vpc.timeLeftMs() <= 0) {
      results.push({ ok: false, certId, name, error: notAttempted('DeleteSslVpnClientCert') })
      continue
    }
    const prefix =
      certificates.length > 1 ? `[${index + 1}/${certificates.length}] ${certId}: ` : `${certId}: `
    const log = (line: string) => deps.log(prefix + line)
    const progress = { deleteAccepted: false }
    try {
      const client = vpc.withLogPrefix(prefix)
      results.push(
        await revokeOne(certificate, client, sslVpnServerId, { ...deps, log }, pace, progress)
      )
    } catch (error) {
      if (!(error instanceof Error)) throw error
      const { deleteAccepted } = progress
      results.push({ ok: false, certId, name, error, ...(deleteAccepted && { deleteAccepted }) })
      if (error instanceof CancelledError) throw error
      log(`not revoked: ${singleLine(error.message)}`)
      if (error instanceof InconsistentAnswerError) untrusted = error
    }
  }
  return results
}

async function revokeOne(
  { certId, name }: ExistingCertificate,
  vpc: VpcClient,
  sslVpnServerId: string,
  deps: RevocationDependencies,
  pace: GatewayPace,
  progress: { deleteAccepted: boolean }
): Promise<Revoked> {
  let deletion
  try {
    deletion = await vpc.deleteCertificate({
      certId,
      clientToken: deps.deleteToken(certId),
      leadingDelaysMs: batchLeadingDelays(pace.deleteSpan)
    })
  } catch (error) {
    if (!(error instanceof ApiError) || !FORBIDDEN_CODES.has(error.code)) throw error
    // Forbidden has also meant "no such certificate": only a listing tells which.
    const lookup = await vpc.findCertificateById(certId).catch((failure: unknown) => {
      throw failure instanceof Error ? listingFailure(failure) : failure
    })
    if (lookup.where !== 'here') {
      deps.log(
        `DeleteSslVpnClientCert answered ${error.code} (RequestId: ${error.requestId ?? 'none'}), and the certificate is no longer listed: it is gone.`
      )
      // The delete (at least one call) and the two listings that did not find it.
      return {
        ok: true,
        certId,
        name,
        requestId: error.requestId,
        alreadyGone: true,
        attempts: 3,
        waitedMs: 0
      }
    }
    throw permissionError(
      error,
      'vpc:DeleteSslVpnClientCert',
      'on this certificate; it is still there'
    )
  }
  progress.deleteAccepted = !deletion.alreadyGone
  if (deletion.attempts > 1) {
    pace.deleteSpan = { busyAtMs: deletion.busySeenMs, freeByMs: deletion.elapsedMs }
  }
  if (deletion.alreadyGone) {
    deps.log(
      `already deleted: DeleteSslVpnClientCert answered ${deletion.notFoundCode} (RequestId: ${deletion.requestId ?? 'none'}); waiting until it is no longer listed.`
    )
  } else {
    deps.log(
      `deleted after ${deletion.attempts} ${deletion.attempts === 1 ? 'attempt' : 'attempts'} (RequestId: ${deletion.requestId}): ${disconnectionNote(sslVpnServerId)}. Waiting until it is no longer listed.`
    )
  }
  const gone = await vpc.waitUntilGone(certId, batchLeadingDelays(pace.goneSpan))
  if (gone.attempts > 1) pace.goneSpan = { busyAtMs: gone.lastSeenMs, freeByMs: gone.elapsedMs }
  deps.log(
    `gone: no longer listed after ${gone.attempts} ${gone.attempts === 1 ? 'listing' : 'listings'} (${(gone.elapsedMs / 1000).toFixed(1)} s).`
  )
  return {
    ok: true,
    certId,
    name,
    requestId: deletion.requestId,
    alreadyGone: deletion.alreadyGone,
    attempts: deletion.attempts + gone.attempts,
    waitedMs: deletion.waitedMs + gone.waitedMs
  }
}

/**
 * A Forbidden answer known to mean a missing permission: the API's code, message and RequestId
 * (shown safely, on one line), and the RAM action to grant.
 */
function permissionError(error: ApiError, permission: string, where: string): PermissionError {
  const shown = (text: string) => cutText(singleLine(text), MAX_SHOWN_TEXT_LENGTH)
  const refusal = `${shown(error.code)}: ${shown(error.message).replace(/\.$/, '')}${error.requestId ? ` (RequestId: ${shown(error.requestId)})` : ''}`
  return new PermissionError(
    permission,
    error.code,
    error.requestId,
    `${refusal}. The RAM identity behind these keys lacks ${permission} ${where}: grant it (docs/revoke.md, "Permissions").`
  )
}

function notAttempted(operation: string): DeadlineError {
  return new DeadlineError(
    `${operation} not attempted: timeout-seconds reached`,
    new Error('not attempted'),
    0,
    operation
  )
}

/** What one requested name or ID was found to be. */
interface TargetResolution {
  target: RevokeTarget
  /** The certificates to revoke for it: every one of the name, or the one with the ID. */
  certificates: ExistingCertificate[]
  /** The lookup failed, or the ID belongs to another SSL server: nothing is deleted for it. */
  error: Error | undefined
}

/** What a revoke step found and did. */
export interface RevocationReport {
  resolutions: TargetResolution[]
  /**
   * One per certificate found, in order; none with dry-run. After a cancellation, only those
   * done or under way: the others found have none.
   */
  revocations: CertificateRevocation[]
  dryRun: boolean
  /** The runner cancelled the step: what is here was done before (the error says which signal). */
  cancelled?: CancelledError | undefined
}

/** A requested name or ID as the user wrote it. */
export function targetLabel(target: RevokeTarget): string {
  return target.kind === 'name' ? target.name : target.certId
}

/**
 * The revoke action's work: first every target is looked up (a name: every certificate of that
 * exact name on the SSL server, all pages; an ID: checked to be on that SSL server, else refused),
 * so that nothing is deleted before every check is done; then, unless `dryRun`, every certificate
 * found is revoked, one at a time ({@link revokeCertificates}), each once even when several
 * targets found it.
 */
export async function revokeTargets(
  request: { targets: readonly RevokeTarget[]; sslVpnServerId: string; dryRun: boolean },
  vpc: VpcClient,
  deps: RevocationDependencies
): Promise<RevocationReport> {
  const resolutions: TargetResolution[] = []
  for (const target of request.targets) {
    if (vpc.timeLeftMs() <= 0) {
      resolutions.push({
        target,
        certificates: [],
        error: notAttempted('DescribeSslVpnClientCerts')
      })
      continue
    }
    try {
      resolutions.push({
        target,
        certificates: await resolve(target, vpc, request),
        error: undefined
      })
    } catch (error) {
      if (error instanceof CancelledError) {
        // Nothing deleted yet: every target from this one on is reported as not looked up.
        const rest = request.targets.slice(resolutions.length)
        resolutions.push(...rest.map(target => ({ target, certificates: [], error })))
        return { resolutions, revocations: [], dryRun: request.dryRun, cancelled: error }
      }
      if (!(error instanceof Error)) throw error
      resolutions.push({ target, certificates: [], error: listingFailure(error) })
    }
  }
  for (const { target, certificates, error } of resolutions) {
    const label = targetLabel(target)
    if (error !== undefined) deps.log(`${label}: ${singleLine(error.message)}`)
    else if (certificates.length === 0)
      deps.log(`${label}: nothing to revoke (no such certificate on ${request.sslVpnServerId}).`)
    else {
      deps.log(
        `${label}: ${certificates.length === 1 ? 'one certificate' : `${certificates.length} certificates`} to revoke: ${certificates.map(c => c.certId).join(', ')}.`
      )
    }
  }
  const seen = new Set<string>()
  const found = resolutions
    .flatMap(r => r.certificates)
    .filter(c => !seen.has(c.certId) && seen.add(c.certId))
  if (request.dryRun) return { resolutions, revocations: [], dryRun: true }
  // A listing that contradicted itself casts doubt on every answer from that endpoint: nothing is
  // deleted, for any target (its error is the step's failure).
  if (resolutions.some(r => r.error instanceof InconsistentAnswerError)) {
    deps.log(
      `Nothing is deleted: a listing answered inconsistently, so no certificate found is trusted to be the one to revoke.`
    )
    return { resolutions, revocations: [], dryRun: false }
  }
  const revocations: CertificateRevocation[] = []
  try {
    await revokeCertificates(found, vpc, request.sslVpnServerId, deps, revocations)
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error
    return { resolutions, revocations, dryRun: false, cancelled: error }
  }
  return { resolutions, revocations, dryRun: false }
}

async function resolve(
  target: RevokeTarget,
  vpc: VpcClient,
  { sslVpnServerId }: { sslVpnServerId: string }
): Promise<ExistingCertificate[]> {
  if (target.kind === 'name') return vpc.findCertificatesByName(target.name)
  const lookup = await vpc.findCertificateById(target.certId)
  if (lookup.where === 'elsewhere')
    throw new CertificateElsewhereError(target.certId, sslVpnServerId)
  return lookup.where === 'here' ? [lookup.certificate] : []
}

/**
 * A listing refused for lack of permission names the permission to grant
 * (`vpc:DescribeSslVpnClientCerts`); anything else is returned as it is.
 */
export function listingFailure(error: Error): Error {
  if (!(error instanceof ApiError) || !FORBIDDEN_CODES.has(error.code)) return error
  return permissionError(
    error,
    'vpc:DescribeSslVpnClientCerts',
    'on this SSL server, so nothing could be looked up or deleted for it'
  )
}
