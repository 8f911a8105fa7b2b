/**
 * The client of the VPC API (2016-04-28) for SSL-VPN client certificates, built once per run
 * from one parameters object (`createVpcClient`): where to call (region, SSL server, endpoint,
 * signature version), with which keys, through which side effects, by which deadline, and how to
 * mask key material. Its methods create a certificate (retrying while the gateway is busy, one
 * ClientToken for every attempt), find existing ones by name, wait for one to be ready and fetch
 * its key material, and list every certificate of a server or a region with its expiry (the
 * report sub-action). Every call goes through rpc.ts; every answer is checked here before anything
 * in it is used.
 *
 * Another operation is one more function below that takes the client's parameters, and one more
 * method in `createVpcClient`.
 */
import {
  ANSWER_SHAPES,
  answerField,
  answerMilliseconds,
  unexpectedAnswer,
  type AnswerSource
} from './answer-text.js'
import {
  ApiError,
  CertificateNotReadyError,
  CertificateStillListedError,
  UnexpectedResponseError
} from '../core/errors.js'
import { unsafeDirective } from '../certificates/profile.js'
import { maskMultiline } from '../core/redact.js'
import { callRpc, type CallContext, type RpcCall } from './rpc.js'
import type { CertificateTarget, Settings } from './settings.js'
import type { Credentials } from './signer.js'
import { objectField, stringField, type JsonObject } from './transport.js'

const VPC_API_VERSION = '2016-04-28'
const CREATE_ACTION = 'CreateSslVpnClientCert'
const DESCRIBE_ACTION = 'DescribeSslVpnClientCert'
const LIST_ACTION = 'DescribeSslVpnClientCerts'
const DELETE_ACTION = 'DeleteSslVpnClientCert'
/** The largest page DescribeSslVpnClientCerts serves. */
export const LIST_PAGE_SIZE = 50
/**
 * The most pages read for one listing (5,000 certificates of one name, or of one server or region
 * for the report): a listing that claims more is not believed, and no answer can keep the action
 * paging.
 */
export const MAX_LIST_PAGES = 100
/** Statuses of a certificate that can be used (expiring-soon still works). */
export const USABLE_STATUSES: ReadonlySet<string> = new Set(['normal', 'expiring-soon'])

interface CertificateResult {
  certId: string
  name: string
  requestId: string
  clientToken: string
  attempts: number
  /** Time spent in backoff waits (the gateway busy, throttling, faults). */
  waitedMs: number
  elapsedMs: number
  /**
   * How long after the first attempt a retry last found the gateway busy; undefined when no
   * retry failed (only the first attempt, or none).
   */
  busySeenMs: number | undefined
}

/**
 * Where and how to call the VPC API. `sslVpnServerId` is the SSL server that creating and finding
 * by name act on; a client that only lists a whole region (the report) has none.
 */
export type VpcTarget = Pick<Settings, 'regionId' | 'endpoint' | 'signatureVersion'> & {
  sslVpnServerId?: string | undefined
}

/** Everything a VPC client is built from, given once per run. */
export interface VpcClientParameters extends CallContext {
  target: VpcTarget
  credentials: Credentials
  /**
   * Masks a secret in the runner's log and in everything the action prints: key material is
   * masked the moment it arrives, before anything could print it.
   */
  mask: (secret: string) => void
}

/** One certificate to create. */
export interface NewCertificate extends Pick<CertificateTarget, 'name' | 'clientToken'> {
  /** Waits before the policy's backoff, for a batch on one gateway (batch-pacing.ts). */
  leadingDelaysMs?: readonly number[] | undefined
}

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

/** A signed call of `action` to the client's endpoint. */
function vpcCall(
  { target, credentials }: VpcClientParameters,
  action: string,
  params: Record<string, string>
): RpcCall {
  return {
    endpoint: target.endpoint,
    action,
    version: VPC_API_VERSION,
    params,
    auth: { kind: 'signed', credentials, signatureVersion: target.signatureVersion }
  }
}

/** The SSL server an operation on one server acts on: a client built without one cannot. */
function serverOf({ target }: VpcClientParameters, action: string): string {
  if (target.sslVpnServerId === undefined) {
    throw new Error(`${action} needs an SSL server, and this VPC client was built without one.`)
  }
  return target.sslVpnServerId
}

/** The operation's parameters, in the API's names. */
export function createRequestParams(
  request: Pick<Settings, 'regionId' | 'sslVpnServerId'> & NewCertificate
): Record<string, string> {
  const params: Record<string, string> = {
    RegionId: request.regionId,
    SslVpnServerId: request.sslVpnServerId,
    ClientToken: request.clientToken
  }
  if (request.name !== undefined) params['Name'] = request.name
  return params
}

async function createCertificate(
  client: VpcClientParameters,
  certificate: NewCertificate
): Promise<CertificateResult> {
  const { rpc } = client
  const started = rpc.now()
  const { leadingDelaysMs } = certificate
  const params = createRequestParams({
    ...certificate,
    regionId: client.target.regionId,
    sslVpnServerId: serverOf(client, CREATE_ACTION)
  })
  const { answer, attempts, waitedMs, lastFailureMs } = await callRpc(
    vpcCall(client, CREATE_ACTION, params),
    client,
    {
      ...(leadingDelaysMs ? { leadingDelaysMs } : {}),
      accept: answer => {
        createdCertificate(answer, rpc.redact)
      }
    }
  )
  const created = createdCertificate(answer, rpc.redact)
  return {
    certId: created.certId,
    requestId: created.requestId ?? '',
    name: created.name ?? certificate.name ?? '',
    clientToken: certificate.clientToken,
    attempts,
    waitedMs,
    elapsedMs: rpc.now() - started,
    busySeenMs: attempts > 2 ? lastFailureMs : undefined
  }
}

/**
 * The ID and name of a CreateSslVpnClientCert answer, checked against their shapes (RequestId:
 * transport.ts). Throws when the ID is missing or either is malformed.
 */
function createdCertificate(
  answer: JsonObject,
  redact: AnswerSource['redact']
): { certId: string; name: string | undefined; requestId: string | undefined } {
  const requestId = stringField(answer, 'RequestId')
  const source = { action: CREATE_ACTION, redact, requestId }
  const certId = answerField(answer, 'SslVpnClientCertId', ANSWER_SHAPES.certificateId, source)
  const name = answerField(answer, 'Name', ANSWER_SHAPES.name, source)
  if (certId === undefined) {
    throw new UnexpectedResponseError(
      200,
      `The API answered without an SslVpnClientCertId${requestId ? ` (RequestId: ${requestId})` : ''}, so no certificate ID can be reported.`,
      requestId,
      'SslVpnClientCertId'
    )
  }
  return { certId, name, requestId }
}

export interface ExistingCertificate {
  certId: string
  name: string
  status: string
  createTime: number
  /** RequestId of the listing call that returned it (set when listed). */
  requestId?: string | undefined
}

/**
 * `SslVpnClientCertKeys.SslVpnClientCertKey[]` of a DescribeSslVpnClientCerts page. The ID, name
 * and status of every entry are checked against their shapes: one that fails makes the page an
 * unexpected answer. `redact` quotes a malformed value safely.
 */
function certificateKeys(page: JsonObject, redact: AnswerSource['redact']): ExistingCertificate[] {
  const list = objectField(page, 'SslVpnClientCertKeys')?.['SslVpnClientCertKey']
  if (!Array.isArray(list)) return []
  const source = { action: LIST_ACTION, redact, requestId: stringField(page, 'RequestId') }
  return list.flatMap((item, index) => {
    const key = item as JsonObject
    const path = `SslVpnClientCertKeys.SslVpnClientCertKey[${index}].`
    const certId = answerField(key, 'SslVpnClientCertId', ANSWER_SHAPES.certificateId, source, path)
    if (certId === undefined) return []
    return [
      {
        certId,
        name: answerField(key, 'Name', ANSWER_SHAPES.name, source, path) ?? '',
        status: answerField(key, 'Status', ANSWER_SHAPES.status, source, path) ?? '',
        createTime: typeof key['CreateTime'] === 'number' ? key['CreateTime'] : 0
      }
    ]
  })
}

/**
 * How many pages a listing has, from its first page's `TotalCount`: a whole number of at most
 * MAX_LIST_PAGES pages, else the answer is not believed.
 */
export function listPageCount(firstPage: JsonObject): number {
  const total = firstPage['TotalCount']
  const requestId = stringField(firstPage, 'RequestId')
  const fail = (problem: string) =>
    new UnexpectedResponseError(
      200,
      `${LIST_ACTION} answered ${problem}${requestId ? ` (RequestId: ${requestId})` : ''}.`,
      requestId
    )
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0) {
    throw fail('a TotalCount that is not a whole number of certificates')
  }
  const pages = Math.ceil(total / LIST_PAGE_SIZE)
  if (pages > MAX_LIST_PAGES) {
    throw fail(
      `a TotalCount of ${total} certificates, more than the ${MAX_LIST_PAGES * LIST_PAGE_SIZE} (${MAX_LIST_PAGES} pages) the action reads`
    )
  }
  return pages
}

/**
 * Every certificate on the SSL server whose name is exactly `name` (the API filters by name; the
 * exact match is checked here too). Oldest first.
 */
async function findCertificatesByName(
  client: VpcClientParameters,
  name: string
): Promise<ExistingCertificate[]> {
  const listed = await readListing(client, {
    SslVpnServerId: serverOf(client, LIST_ACTION),
    Name: name
  })
  return listed.filter(c => c.name === name).sort((a, b) => a.createTime - b.createTime)
}

/**
 * Every certificate a DescribeSslVpnClientCerts listing with these filters returns in the
 * client's region, reading as many pages as the first page's TotalCount says (at most
 * MAX_LIST_PAGES), each within the deadline. Each carries the RequestId of its page.
 */
async function readListing(
  client: VpcClientParameters,
  filters: Readonly<Record<string, string>>
): Promise<ExistingCertificate[]> {
  return readListingPages(client, filters, certificateKeys)
}

/** The entries of one DescribeSslVpnClientCerts page, each checked against its shapes. */
type PageParser<T> = (page: JsonObject, redact: AnswerSource['redact']) => T[]

/** {@link readListing}'s paging, with each page's entries read by `parse`. */
async function readListingPages<T extends object>(
  client: VpcClientParameters,
  filters: Readonly<Record<string, string>>,
  parse: PageParser<T>
): Promise<(T & { requestId: string | undefined })[]> {
  const listed: (T & { requestId: string | undefined })[] = []
  let pages = 1
  for (let pageNumber = 1; pageNumber <= pages; pageNumber++) {
    // callRpc starts no attempt after the deadline, so a long listing stops between pages too.
    const { answer } = await callRpc(
      vpcCall(client, LIST_ACTION, {
        RegionId: client.target.regionId,
        ...filters,
        PageNumber: String(pageNumber),
        PageSize: String(LIST_PAGE_SIZE)
      }),
      client,
      { logPrefix: LIST_ACTION }
    )
    const page = parse(answer, client.rpc.redact)
    const requestId = stringField(answer, 'RequestId')
    if (page.length > LIST_PAGE_SIZE) {
      throw new UnexpectedResponseError(
        200,
        `${LIST_ACTION} answered a page of ${page.length} certificates for a PageSize of ${LIST_PAGE_SIZE}${requestId ? ` (RequestId: ${requestId})` : ''}.`,
        requestId
      )
    }
    listed.push(...page.map(c => ({ ...c, requestId })))
    // Later pages' TotalCount is not trusted: one that grows would keep the listing going.
    if (pageNumber === 1) pages = listPageCount(answer)
    if (page.length === 0) break
  }
  return listed
}

/** A certificate as DescribeSslVpnClientCerts lists it, with its expiry (the report). */
export interface ListedCertificate {
  certId: string
  /** '' when the listing gave none. */
  name: string
  sslVpnServerId: string
  /** The API's Status (`normal`, `expiring-soon`, `expired`); '' when the listing gave none. */
  status: string
  /** CreateTime and EndTime: ms since 1970, as the API gives them. */
  createTime: number
  endTime: number
  /** RequestId of the listing page that returned it. */
  requestId: string | undefined
}

/**
 * Every certificate of one SSL server, or of every SSL server in the region (DescribeSslVpnClientCerts
 * without SslVpnServerId), all pages. A certificate that two pages both list (the listing moved
 * while it was read) is kept once.
 */
async function listCertificates(
  client: VpcClientParameters,
  sslVpnServerId: string | undefined
): Promise<ListedCertificate[]> {
  const filters = sslVpnServerId === undefined ? {} : { SslVpnServerId: sslVpnServerId }
  const listed = await readListingPages(client, filters, (page, redact) =>
    listedCertificates(page, redact, sslVpnServerId)
  )
  const byId = new Map<string, ListedCertificate>()
  for (const certificate of listed) {
    if (!byId.has(certificate.certId)) byId.set(certificate.certId, certificate)
  }
  return [...byId.values()]
}

/**
 * The entries of a DescribeSslVpnClientCerts page, for the report: the ID, server, CreateTime and
 * EndTime of each are required and checked against their shapes, its name and Status checked when
 * present. An entry of another SSL server than the one asked for makes the page an unexpected
 * answer, as does one that is not an object.
 */
function listedCertificates(
  page: JsonObject,
  redact: AnswerSource['redact'],
  sslVpnServerId: string | undefined
): Omit<ListedCertificate, 'requestId'>[] {
  const list = objectField(page, 'SslVpnClientCertKeys')?.['SslVpnClientCertKey']
  if (!Array.isArray(list)) return []
  const source = { action: LIST_ACTION, redact, requestId: stringField(page, 'RequestId') }
  return list.map((item: unknown, index) => {
    const path = `SslVpnClientCertKeys.SslVpnClientCertKey[${index}]`
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw unexpectedAnswer(source, path, 'is not an object; expected one certificate')
    }
    const key = item as JsonObject
    const required = <T>(field: string, value: T | undefined): T => {
      if (value !== undefined) return value
      throw unexpectedAnswer(
        source,
        `${path}.${field}`,
        'is missing; every listed certificate has one'
      )
    }
    const at = `${path}.`
    const certId = required(
      'SslVpnClientCertId',
      answerField(key, 'SslVpnClientCertId', ANSWER_SHAPES.certificateId, source, at)
    )
    const server = required(
      'SslVpnServerId',
      answerField(key, 'SslVpnServerId', ANSWER_SHAPES.sslVpnServerId, source, at)
    )
    if (sslVpnServerId !== undefined && server !== sslVpnServerId) {
      throw unexpectedAnswer(
        source,
        `${at}SslVpnServerId`,
        `is ${JSON.stringify(server)}; expected ${JSON.stringify(sslVpnServerId)}, the SSL server asked for`
      )
    }
    return {
      certId,
      name: answerField(key, 'Name', ANSWER_SHAPES.name, source, at) ?? '',
      sslVpnServerId: server,
      status: answerField(key, 'Status', ANSWER_SHAPES.status, source, at) ?? '',
      createTime: required('CreateTime', answerMilliseconds(key, 'CreateTime', source, at)),
      endTime: required('EndTime', answerMilliseconds(key, 'EndTime', source, at))
    }
  })
}

/** What DescribeSslVpnClientCert returns once the certificate is usable. */
interface CertificateMaterial {
  certId: string
  name: string
  status: string
  caCert: string
  clientCert: string
  clientKey: string
  clientConfig: string
  attempts: number
  waitedMs: number
}

const MATERIAL_FIELDS = ['CaCert', 'ClientCert', 'ClientKey', 'ClientConfig'] as const

/**
 * Polls DescribeSslVpnClientCert, with the same backoff and deadline as every call, until the
 * certificate's Status is usable, and returns its key material. The key material is masked, as a
 * whole and line by line, the moment it arrives, before anything could print it.
 */
async function waitUntilReady(
  client: VpcClientParameters,
  certId: string
): Promise<CertificateMaterial> {
  const { redact } = client.rpc
  const { answer, attempts, waitedMs } = await callRpc(
    vpcCall(client, DESCRIBE_ACTION, {
      RegionId: client.target.regionId,
      SslVpnClientCertId: certId
    }),
    client,
    {
      logPrefix: DESCRIBE_ACTION,
      accept: answer => {
        for (const field of MATERIAL_FIELDS) {
          const value = stringField(answer, field)
          if (value !== undefined) maskMultiline(value, client.mask)
        }
        const status = describedCertificate(answer, redact).status
        if (status === 'expired') {
          throw new UnexpectedResponseError(
            200,
            `Certificate ${certId} has expired (Status "expired"): delete it and create a new one.`,
            stringField(answer, 'RequestId')
          )
        }
        if (!USABLE_STATUSES.has(status)) throw new CertificateNotReadyError(certId, status)
        const missing = MATERIAL_FIELDS.filter(f => stringField(answer, f) === undefined)
        if (missing.length > 0) {
          throw new UnexpectedResponseError(
            200,
            `${DESCRIBE_ACTION} answered without ${missing.join(', ')} for ${certId}; no profile can be written.`,
            stringField(answer, 'RequestId')
          )
        }
        checkProfileMaterial(answer, redact)
      }
    }
  )
  const described = describedCertificate(answer, redact)
  return {
    certId,
    name: described.name,
    status: described.status,
    caCert: stringField(answer, 'CaCert') ?? '',
    clientCert: stringField(answer, 'ClientCert') ?? '',
    clientKey: stringField(answer, 'ClientKey') ?? '',
    clientConfig: stringField(answer, 'ClientConfig') ?? '',
    attempts,
    waitedMs
  }
}

/**
 * The key material goes into a file that people open with OpenVPN: PEM blocks only, and a
 * ClientConfig without directives that run programs or touch files (profile.ts).
 */
function checkProfileMaterial(answer: JsonObject, redact: AnswerSource['redact']): void {
  const source = { action: DESCRIBE_ACTION, redact, requestId: stringField(answer, 'RequestId') }
  answerField(answer, 'CaCert', ANSWER_SHAPES.certificatePem, source)
  answerField(answer, 'ClientCert', ANSWER_SHAPES.certificatePem, source)
  answerField(answer, 'ClientKey', ANSWER_SHAPES.privateKeyPem, source)
  const unsafe = unsafeDirective(stringField(answer, 'ClientConfig') ?? '')
  if (unsafe !== undefined) {
    throw unexpectedAnswer(
      source,
      'ClientConfig',
      `carries ${JSON.stringify(unsafe)}, which could run a program or touch files on the computer that opens the profile; expected an OpenVPN client configuration without scripts, plugins, management or file directives, so no profile was written`
    )
  }
}

/** The name and status of a DescribeSslVpnClientCert answer, checked against their shapes. */
function describedCertificate(
  answer: JsonObject,
  redact: AnswerSource['redact']
): { name: string; status: string } {
  const source = { action: DESCRIBE_ACTION, redact, requestId: stringField(answer, 'RequestId') }
  return {
    name: answerField(answer, 'Name', ANSWER_SHAPES.name, source) ?? '',
    status: answerField(answer, 'Status', ANSWER_SHAPES.status, source) ?? ''
  }
}

// ---------------------------------------------------------------------------------------------
// Revocation: DeleteSslVpnClientCert, and listing a certificate by ID
// ---------------------------------------------------------------------------------------------

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
interface CertificateDeletion {
  certId: string
  clientToken: string
  /** Waits before the policy's backoff, for a batch on one gateway (batch-pacing.ts). */
  leadingDelaysMs?: readonly number[] | undefined
}

interface DeletionResult {
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
  /** As CertificateResult's: when a retry last found the gateway busy; undefined if none did. */
  busySeenMs: number | undefined
}

/**
 * Sends DeleteSslVpnClientCert with one ClientToken for every attempt, retrying what
 * error-classification.ts says (the gateway busy applying a change above all). The answer carries
 * only a RequestId, which must be there: a 200 without one is not an API answer. The deletion
 * itself runs on after the answer: {@link waitUntilGone} sees it end.
 */
async function deleteCertificate(
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

interface GoneResult {
  /** Listing calls made. */
  attempts: number
  waitedMs: number
  /** From the first listing to the one that no longer showed the certificate. */
  elapsedMs: number
  /** When, after the first listing, a listing last still showed it; undefined unless a retry did. */
  lastSeenMs: number | undefined
}

/** A listing of one certificate by ID on the client's SSL server (or region-wide: `anyServer`). */
function listByIdParams(
  client: VpcClientParameters,
  certId: string,
  anyServer = false
): Record<string, string> {
  return {
    RegionId: client.target.regionId,
    ...(anyServer ? {} : { SslVpnServerId: serverOf(client, LIST_ACTION) }),
    SslVpnClientCertId: certId
  }
}

/**
 * Lists the certificate by ID until it is no longer listed, with the policy's backoff (and a
 * batch's leading waits) and within the deadline: a deletion is over when the certificate is gone.
 * Each answer is checked as a listing (TotalCount, entries' shapes) before its absence is believed.
 */
async function waitUntilGone(
  client: VpcClientParameters,
  certId: string,
  leadingDelaysMs?: readonly number[]
): Promise<GoneResult> {
  const started = client.rpc.now()
  const { attempts, waitedMs, lastFailureMs } = await callRpc(
    vpcCall(client, LIST_ACTION, {
      ...listByIdParams(client, certId),
      PageNumber: '1',
      PageSize: String(LIST_PAGE_SIZE)
    }),
    client,
    {
      logPrefix: LIST_ACTION,
      ...(leadingDelaysMs ? { leadingDelaysMs } : {}),
      accept: answer => {
        listPageCount(answer)
        const listed = certificateKeys(answer, client.rpc.redact)
        if (listed.some(c => c.certId === certId)) throw new CertificateStillListedError(certId)
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
type CertificateLookup =
  | { where: 'here'; certificate: ExistingCertificate }
  | { where: 'elsewhere' }
  | { where: 'nowhere' }

/**
 * Where the certificate with this ID is: listed on the client's SSL server (the API's own filter
 * decides, and the ID must match exactly), else listed in the region on another SSL server, else
 * nowhere. One listing when it is on the client's server, two otherwise.
 */
async function findCertificateById(
  client: VpcClientParameters,
  certId: string
): Promise<CertificateLookup> {
  const here = await readListing(client, listByIdParams(client, certId))
  const certificate = here.find(c => c.certId === certId)
  if (certificate !== undefined) return { where: 'here', certificate }
  const anywhere = await readListing(client, listByIdParams(client, certId, true))
  return anywhere.some(c => c.certId === certId) ? { where: 'elsewhere' } : { where: 'nowhere' }
}
