/**
 * DeleteSslVpnClientCert, and the listings by ID around it: a delete retried while the gateway is
 * busy with one ClientToken for every attempt ("no such certificate" counts as deleted already),
 * the wait until the certificate is no longer listed, and where a certificate named by ID is (on
 * this SSL server, on another, or nowhere), each listing checked as vpc-listing.ts checks any.
 */
import { ApiError, CertificateStillListedError, UnexpectedResponseError } from '../core/errors.js'
import { callRpc } from './rpc.js'
import { stringField, type JsonObject } from './transport.js'
import { serverOf, vpcCall, type VpcClientParameters } from './vpc-call.js'
import {
  certificateKeys,
  checkListingPage,
  LIST_ACTION,
  LIST_PAGE_SIZE,
  readListing,
  type ExistingCertificate,
  type ListingFilters
} from './vpc-listing.js'

const DELETE_ACTION = 'DeleteSslVpnClientCert'

/**
 * The codes with which the API has said "no such certificate" to a delete over the years
 * (alibaba-cloud-api.md §6; Terraform treats them as deleted). `Forbidden` has been seen too, but
 * it also means a missing permission: only a listing tells the two apart (revocation.ts).
 */
const CERTIFICATE_NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'InvalidSslVpnClientCertId.NotFound',
  'InvalidInstanceId.NotFound'
])

/** One certificate to delete. */
export interface CertificateDeletion {
  certId: string
  clientToken: string
  /** Waits before the policy's backoff, for a batch on one gateway (batch-pacing.ts). */
  leadingDelaysMs?: readonly number[] | undefined
}

/** What a delete did, or that the API said the certificate was already gone. */
export interface DeletionResult {
  certId: string
  /** Of the answer: the delete's, or the not-found refusal's. */
  requestId: string | undefined
  /** The API said the certificate does not exist (CERTIFICATE_NOT_FOUND_CODES): nothing deleted. */
  alreadyGone: boolean
  /** The code that said so, when alreadyGone. */
  notFoundCode: string | undefined
  /** Calls made (at least one: retries before a not-found answer are in the log only). */
  attempts: number
  waitedMs: number
  elapsedMs: number
  /** As vpc-create.ts `CertificateResult`'s: when a retry last found the gateway busy; undefined if none did. */
  busySeenMs: number | undefined
}

/**
 * Sends DeleteSslVpnClientCert with one ClientToken for every attempt, retrying what
 * error-classification.ts says (the gateway busy applying a change above all). The answer carries
 * only a RequestId, which must be there: a 200 without one is not an API answer. The deletion
 * itself runs on after the answer: {@link waitUntilGone} sees it end.
 */
export async function deleteCertificate(
  client: VpcClientParameters,
  { certId, clientToken, leadingDelaysMs }: CertificateDeletion
): Promise<DeletionResult> {
  const { rpc } = client
  const started = rpc.now()
  const params = {
    RegionId: client.target.regionId,
    SslVpnClientCertId: certId,
    ClientToken: clientToken
  }
  const requireRequestId = (answer: JsonObject) => {
    if (stringField(answer, 'RequestId') === undefined) {
      throw new UnexpectedResponseError(
        200,
        `Unexpected answer to ${DELETE_ACTION}: no RequestId, so nothing says the delete of ${certId} was accepted. Something other than the Alibaba Cloud API answered (a proxy?); the answer was not used.`,
        undefined,
        'RequestId'
      )
    }
  }
  try {
    const { answer, attempts, waitedMs, lastFailureMs } = await callRpc(
      vpcCall(client, DELETE_ACTION, params),
      client,
      {
        logPrefix: DELETE_ACTION,
        ...(leadingDelaysMs ? { leadingDelaysMs } : {}),
        accept: requireRequestId
      }
    )
    return {
      certId,
      requestId: stringField(answer, 'RequestId'),
      alreadyGone: false,
      notFoundCode: undefined,
      attempts,
      waitedMs,
      elapsedMs: rpc.now() - started,
      busySeenMs: attempts > 2 ? lastFailureMs : undefined
    }
  } catch (error) {
    if (!(error instanceof ApiError) || !CERTIFICATE_NOT_FOUND_CODES.has(error.code)) throw error
    return {
      certId,
      requestId: error.requestId,
      alreadyGone: true,
      notFoundCode: error.code,
      attempts: 1,
      waitedMs: 0,
      elapsedMs: rpc.now() - started,
      busySeenMs: undefined
    }
  }
}

/** How long a deleted certificate took to leave the listing. */
export interface GoneResult {
  /** Listing calls made. */
  attempts: number
  waitedMs: number
  /** From the first listing to the one that no longer showed the certificate. */
  elapsedMs: number
  /** When, after the first listing, a listing last still showed it; undefined unless a retry did. */
  lastSeenMs: number | undefined
}

/** A listing of one certificate by ID on the client's SSL server (or region-wide: `anyServer`). */
function listByIdFilters(
  client: VpcClientParameters,
  certId: string,
  anyServer = false
): ListingFilters {
  return {
    ...(anyServer ? {} : { SslVpnServerId: serverOf(client, LIST_ACTION) }),
    SslVpnClientCertId: certId
  }
}

/**
 * Lists the certificate by ID until it is no longer listed, with the policy's backoff (and a
 * batch's leading waits) and within the deadline: a deletion is over when the certificate is gone.
 * Each answer is checked as a listing (TotalCount, entries' shapes) before its absence is believed.
 */
export async function waitUntilGone(
  client: VpcClientParameters,
  certId: string,
  leadingDelaysMs?: readonly number[]
): Promise<GoneResult> {
  const started = client.rpc.now()
  const filters = listByIdFilters(client, certId)
  const { attempts, waitedMs, lastFailureMs } = await callRpc(
    vpcCall(client, LIST_ACTION, {
      RegionId: client.target.regionId,
      ...filters,
      PageNumber: '1',
      PageSize: String(LIST_PAGE_SIZE)
    }),
    client,
    {
      logPrefix: LIST_ACTION,
      ...(leadingDelaysMs ? { leadingDelaysMs } : {}),
      accept: answer => {
        // Every entry is the certificate asked for, on this server (else inconsistent): "not
        // listed" is believed only from a listing that kept to its filter and its TotalCount.
        const { entries, totalCount, inconsistent } = checkListingPage(
          client,
          filters,
          1,
          answer,
          certificateKeys
        )
        if (totalCount !== entries.length) {
          throw inconsistent(
            `it lists ${entries.length} certificates for a TotalCount of ${totalCount}`
          )
        }
        if (entries.length > 0) throw new CertificateStillListedError(certId)
      }
    }
  )
  return {
    attempts,
    waitedMs,
    elapsedMs: client.rpc.now() - started,
    lastSeenMs: attempts > 2 ? lastFailureMs : undefined
  }
}

/** Where a certificate named by ID is. */
export type CertificateLookup =
  | { where: 'here'; certificate: ExistingCertificate }
  | { where: 'elsewhere' }
  | { where: 'nowhere' }

/**
 * Where the certificate with this ID is: listed on the client's SSL server (the answer itself must
 * say so: every entry of that ID and that server, else the listing is inconsistent), else listed in
 * the region on another SSL server, else nowhere. One listing when it is on the client's server,
 * two otherwise.
 */
export async function findCertificateById(
  client: VpcClientParameters,
  certId: string
): Promise<CertificateLookup> {
  const [certificate] = await readListing(client, listByIdFilters(client, certId))
  if (certificate !== undefined) return { where: 'here', certificate }
  const anywhere = await readListing(client, listByIdFilters(client, certId, true))
  return anywhere.length > 0 ? { where: 'elsewhere' } : { where: 'nowhere' }
}
