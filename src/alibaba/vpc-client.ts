/**
 * The client of the VPC API (2016-04-28) for SSL-VPN client certificates, built once per run
 * from one parameters object (`createVpcClient`): where to call (region, SSL server, endpoint,
 * signature version), with which keys, through which side effects, by which deadline, and how to
 * mask key material. Its methods create a certificate (retrying while the gateway is busy, one
 * ClientToken for every attempt), find existing ones by name, wait for one to be ready and fetch
 * its key material, list every certificate of a server or a region with its expiry (the report),
 * and delete one and see it gone. Every call goes through rpc.ts; every answer is checked before
 * anything in it is used.
 *
 * This module is the facade callers import: the operations live one concern a module, each a
 * function of the client's parameters (vpc-call.ts): creating (vpc-create.ts), listing and paging
 * (vpc-listing.ts), a certificate's details and key material (vpc-details.ts), deleting
 * (vpc-delete.ts). Another operation is one more such function, and one more method below.
 */
import type { VpcClientParameters } from './vpc-call.js'
import { createCertificate, type CertificateResult, type NewCertificate } from './vpc-create.js'
import {
  deleteCertificate,
  findCertificateById,
  waitUntilGone,
  type CertificateDeletion,
  type CertificateLookup,
  type DeletionResult,
  type GoneResult
} from './vpc-delete.js'
import { waitUntilReady, type CertificateMaterial } from './vpc-details.js'
import {
  findCertificatesByName,
  listCertificates,
  type ExistingCertificate,
  type ListedCertificate
} from './vpc-listing.js'

export type { VpcClientParameters, VpcTarget } from './vpc-call.js'
export type { NewCertificate } from './vpc-create.js'
export { USABLE_STATUSES } from './vpc-details.js'
export type { CertificateMaterial } from './vpc-details.js'
export type { ExistingCertificate, ListedCertificate } from './vpc-listing.js'

/** The VPC operations, bound to one target, one set of keys and one deadline. */
export interface VpcClient {
  /** Creates the certificate; throws the last error when it cannot (error-classification.ts). */
  createCertificate(certificate: NewCertificate): Promise<CertificateResult>
  /** Every certificate on the SSL server named exactly `name`, oldest first. */
  findCertificatesByName(name: string): Promise<ExistingCertificate[]>
  /** Waits until the certificate can be used, and returns its key material (masked). */
  waitUntilReady(certId: string): Promise<CertificateMaterial>
  /**
   * Every certificate of SSL server `sslVpnServerId`, or of every SSL server in the client's
   * region when it is undefined, with its expiry (all pages; each ID once).
   */
  listCertificates(sslVpnServerId: string | undefined): Promise<ListedCertificate[]>
  /**
   * Deletes the certificate (retrying while the gateway is busy, one ClientToken for every
   * attempt); a certificate the API says does not exist counts as deleted already.
   */
  deleteCertificate(deletion: CertificateDeletion): Promise<DeletionResult>
  /** Lists the certificate by ID, with the policy's backoff, until it is no longer listed. */
  waitUntilGone(certId: string, leadingDelaysMs?: readonly number[]): Promise<GoneResult>
  /** Where the certificate with this ID is: on the client's SSL server, on another, or nowhere. */
  findCertificateById(certId: string): Promise<CertificateLookup>
  /** Milliseconds left before the deadline; none (≤ 0) means no call would start. */
  timeLeftMs(): number
  /** The same client, each line it logs starting with `prefix` (a batch names its certificate). */
  withLogPrefix(prefix: string): VpcClient
}

/**
 * The VPC client of one run: every operation bound to `parameters` (target, keys, side effects,
 * deadline), so callers never pass them again.
 */
export function createVpcClient(parameters: VpcClientParameters): VpcClient {
  return {
    createCertificate: certificate => createCertificate(parameters, certificate),
    findCertificatesByName: name => findCertificatesByName(parameters, name),
    waitUntilReady: certId => waitUntilReady(parameters, certId),
    listCertificates: sslVpnServerId => listCertificates(parameters, sslVpnServerId),
    deleteCertificate: deletion => deleteCertificate(parameters, deletion),
    waitUntilGone: (certId, leadingDelaysMs) => waitUntilGone(parameters, certId, leadingDelaysMs),
    findCertificateById: certId => findCertificateById(parameters, certId),
    timeLeftMs: () => parameters.deadline - parameters.rpc.now(),
    withLogPrefix: prefix => {
      const { log } = parameters.rpc
      return createVpcClient({
        ...parameters,
        rpc: { ...parameters.rpc, log: line => log(prefix + line) }
      })
    }
  }
}
