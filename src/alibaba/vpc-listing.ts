/**
 * DescribeSslVpnClientCerts: every certificate of a name, of an ID, of an SSL server or of a whole
 * region, all pages, each page checked against the request it answers and the pages against each
 * other. A listing that contradicts itself is an error, never a listing with certificates left
 * out: revoke, replace and the report all act on what it says is there (or is not).
 */
import {
  ANSWER_SHAPES,
  answerField,
  answerMilliseconds,
  unexpectedAnswer,
  type AnswerSource
} from './answer-text.js'
import { InconsistentAnswerError, UnexpectedResponseError } from '../core/errors.js'
import { callRpc } from './rpc.js'
import { objectField, stringField, type JsonObject } from './transport.js'
import { serverOf, vpcCall, type VpcClientParameters } from './vpc-call.js'

/** The listing, which vpc-delete.ts also uses to see a certificate gone. */
export const LIST_ACTION = 'DescribeSslVpnClientCerts'
/** The largest page DescribeSslVpnClientCerts serves. */
export const LIST_PAGE_SIZE = 50
/**
 * The most pages read for one listing (5,000 certificates of one name, or of one server or region
 * for the report): a listing that claims more is not believed, and no answer can keep the action
 * paging (one more page is asked for only to see that the listing ends there).
 */
export const MAX_LIST_PAGES = 100

/** A certificate as a listing by name or by ID gives it. */
export interface ExistingCertificate {
  certId: string
  /** As the API gives it: any text but line breaks (answer-text.ts `ANSWER_SHAPES.name`). */
  name: string
  status: string
  createTime: number
  /** The SSL server the listing gave for it ('' when it gave none; never so on a server's listing). */
  sslVpnServerId?: string | undefined
  /** RequestId of the listing call that returned it (set when listed). */
  requestId?: string | undefined
}

/**
 * `SslVpnClientCertKeys.SslVpnClientCertKey[]` of a DescribeSslVpnClientCerts page. The ID, name,
 * SSL server and status of every entry are checked against their shapes: one that fails makes the
 * page an unexpected answer. `redact` quotes a malformed value safely.
 */
export function certificateKeys(
  page: JsonObject,
  redact: AnswerSource['redact']
): (ExistingCertificate & { sslVpnServerId: string })[] {
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
        createTime: typeof key['CreateTime'] === 'number' ? key['CreateTime'] : 0,
        sslVpnServerId:
          answerField(key, 'SslVpnServerId', ANSWER_SHAPES.sslVpnServerId, source, path) ?? ''
      }
    ]
  })
}

/**
 * How many pages a listing has, from its first page's `TotalCount`: a whole number of at most
 * MAX_LIST_PAGES pages, else the answer is not believed.
 */
export function listPageCount(firstPage: JsonObject): number {
  return Math.ceil(listTotalCount(firstPage) / LIST_PAGE_SIZE)
}

/**
 * A listing page's `TotalCount`: a whole number of certificates that fits in MAX_LIST_PAGES
 * pages, else the answer is not believed.
 */
function listTotalCount(page: JsonObject): number {
  const total = page['TotalCount']
  const requestId = stringField(page, 'RequestId')
  const fail = (problem: string) =>
    new UnexpectedResponseError(
      200,
      `${LIST_ACTION} answered ${problem}${requestId ? ` (RequestId: ${requestId})` : ''}.`,
      requestId
    )
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0) {
    throw fail('a TotalCount that is not a whole number of certificates')
  }
  if (Math.ceil(total / LIST_PAGE_SIZE) > MAX_LIST_PAGES) {
    throw fail(
      `a TotalCount of ${total} certificates, more than the ${MAX_LIST_PAGES * LIST_PAGE_SIZE} (${MAX_LIST_PAGES} pages) the action reads`
    )
  }
  return total
}

/**
 * Every certificate on the SSL server whose name is exactly `name`, compared exactly (the API's
 * Name filter is not relied on to be exact: an entry of another name is left out, not an
 * inconsistency). Oldest first.
 */
export async function findCertificatesByName(
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
 * What a DescribeSslVpnClientCerts listing asks for besides the region: every entry of the answer
 * must match the SSL server and the ID asked for (see {@link checkListingPage}).
 */
export interface ListingFilters {
  SslVpnServerId?: string
  SslVpnClientCertId?: string
  Name?: string
}

/** What a listing with these filters is of, for an error: `certificates named "x" on vss-…`. */
function listingSubject(client: VpcClientParameters, filters: ListingFilters): string {
  const where = filters.SslVpnServerId ?? `any SSL server in ${client.target.regionId}`
  if (filters.SslVpnClientCertId !== undefined) {
    return `certificate ${filters.SslVpnClientCertId} on ${where}`
  }
  if (filters.Name !== undefined)
    return `the certificates named ${JSON.stringify(filters.Name)} on ${where}`
  return `every certificate on ${where}`
}

/**
 * Every certificate a DescribeSslVpnClientCerts listing with these filters returns in the
 * client's region, all pages (see {@link readListingPages}). Each carries the RequestId of its page.
 */
export async function readListing(
  client: VpcClientParameters,
  filters: ListingFilters
): Promise<(ExistingCertificate & { requestId: string | undefined })[]> {
  return readListingPages(client, filters, certificateKeys)
}

/** The entries of one DescribeSslVpnClientCerts page, each checked against its shapes. */
type PageParser<T> = (page: JsonObject, redact: AnswerSource['redact']) => T[]

/** What every listing entry has, for the consistency checks. */
interface ListingEntry {
  certId: string
  sslVpnServerId: string
}

/**
 * One page of a listing, checked against the request it answers, for {@link readListingPages} and
 * vpc-delete.ts `waitUntilGone`: no more entries than the PageSize, a TotalCount the action reads
 * (whole, at most MAX_LIST_PAGES pages), the PageNumber asked for echoed back, and every entry of
 * the SSL server and the ID asked for. A listing that ignores its filter cannot be trusted for
 * anything — not even that the entries of the right server are all there — so an entry of another
 * server or ID is an inconsistent answer, never an entry quietly left out; only such a check keeps
 * a delete from reaching a certificate of another SSL server.
 */
export function checkListingPage<T extends ListingEntry>(
  client: VpcClientParameters,
  filters: ListingFilters,
  pageNumber: number,
  answer: JsonObject,
  parse: PageParser<T>
): { entries: T[]; totalCount: number; inconsistent: (what: string) => InconsistentAnswerError } {
  const entries = parse(answer, client.rpc.redact)
  const requestId = stringField(answer, 'RequestId')
  const inconsistent = (what: string) =>
    new InconsistentAnswerError(LIST_ACTION, listingSubject(client, filters), requestId, what)
  if (entries.length > LIST_PAGE_SIZE) {
    throw new UnexpectedResponseError(
      200,
      `${LIST_ACTION} answered a page of ${entries.length} certificates for a PageSize of ${LIST_PAGE_SIZE}${requestId ? ` (RequestId: ${requestId})` : ''}.`,
      requestId
    )
  }
  const totalCount = listTotalCount(answer)
  const echoed = answer['PageNumber']
  if (String(echoed) !== String(pageNumber)) {
    throw inconsistent(
      echoed === undefined || echoed === null
        ? `page ${pageNumber} came back without a PageNumber, so nothing says it is the page asked for`
        : `page ${pageNumber} came back as PageNumber ${typeof echoed === 'number' ? echoed : JSON.stringify(describeShape(echoed))}`
    )
  }
  for (const entry of entries) {
    const server = filters.SslVpnServerId
    if (server !== undefined && entry.sslVpnServerId !== server) {
      throw inconsistent(
        `it lists ${entry.certId} ${entry.sslVpnServerId ? `of SSL server ${entry.sslVpnServerId}` : 'without an SslVpnServerId'}, though only certificates of ${server} were asked for (the filter was ignored)`
      )
    }
    const certId = filters.SslVpnClientCertId
    if (certId !== undefined && entry.certId !== certId) {
      throw inconsistent(
        `it lists ${entry.certId}, though only ${certId} was asked for (the filter was ignored)`
      )
    }
  }
  return { entries, totalCount, inconsistent }
}

/** A PageNumber that is not a number, as the error shows it: its type, never its text. */
function describeShape(value: unknown): string {
  return Array.isArray(value)
    ? 'a list'
    : typeof value === 'string'
      ? 'a string'
      : `a ${typeof value}`
}

/**
 * {@link readListing}'s paging, with each page's entries read by `parse` and checked
 * ({@link checkListingPage}). Pages are read on while they are full — a TotalCount is not believed
 * to say where the listing ends — and at most MAX_LIST_PAGES + 1 of them (the last only to see the
 * listing end), each within the deadline. The listing must agree with itself: every page carries
 * the first page's TotalCount and at least one certificate no earlier page listed (a server that
 * ignores PageNumber serves page 1 again), no certificate is listed twice, and the certificates
 * listed are exactly TotalCount. Anything else is an {@link InconsistentAnswerError}: a listing
 * that leaves certificates out would have revoke report "done" while they still work.
 */
async function readListingPages<T extends ListingEntry>(
  client: VpcClientParameters,
  filters: ListingFilters,
  parse: PageParser<T>
): Promise<(T & { requestId: string | undefined })[]> {
  const listed: (T & { requestId: string | undefined })[] = []
  const seen = new Set<string>()
  let firstTotal = 0
  let lastPage: ReturnType<typeof checkListingPage<T>> | undefined
  for (let pageNumber = 1; pageNumber <= MAX_LIST_PAGES + 1; pageNumber++) {
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
    const page = checkListingPage(client, filters, pageNumber, answer, parse)
    const { entries, totalCount, inconsistent } = page
    lastPage = page
    if (pageNumber === 1) firstTotal = totalCount
    else if (totalCount !== firstTotal) {
      throw inconsistent(
        `page ${pageNumber} says TotalCount ${totalCount}, page 1 said ${firstTotal} (the listing changed while it was read, or its pages do not belong together)`
      )
    }
    const repeated = entries.filter(c => seen.has(c.certId))
    if (pageNumber > 1 && entries.length > 0 && repeated.length === entries.length) {
      throw inconsistent(
        `page ${pageNumber} lists only certificates of earlier pages (${repeated[0]?.certId}…): the PageNumber asked for was ignored`
      )
    }
    if (repeated.length > 0) {
      throw inconsistent(
        `page ${pageNumber} lists ${repeated[0]?.certId} again, which an earlier page or the same page already listed`
      )
    }
    const requestId = stringField(answer, 'RequestId')
    for (const entry of entries) {
      seen.add(entry.certId)
      listed.push({ ...entry, requestId })
    }
    if (entries.length < LIST_PAGE_SIZE) break
  }
  if (lastPage !== undefined && listed.length !== firstTotal) {
    throw lastPage.inconsistent(
      listed.length > firstTotal
        ? `its pages list ${listed.length} certificates, more than its TotalCount of ${firstTotal}`
        : `its pages list ${listed.length} certificates, fewer than its TotalCount of ${firstTotal} (the listing ended early)`
    )
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
 * without SslVpnServerId), all pages, each once: a listing that contradicts itself (pages that
 * repeat, a TotalCount that is not what the pages hold, another server's certificates) is an
 * {@link InconsistentAnswerError}, not a report that leaves certificates out.
 */
export async function listCertificates(
  client: VpcClientParameters,
  sslVpnServerId: string | undefined
): Promise<ListedCertificate[]> {
  const filters = sslVpnServerId === undefined ? {} : { SslVpnServerId: sslVpnServerId }
  return readListingPages(client, filters, listedCertificates)
}

/**
 * The entries of a DescribeSslVpnClientCerts page, for the report: the ID, server, CreateTime and
 * EndTime of each are required and checked against their shapes, its name and Status checked when
 * present. One that is not an object makes the page an unexpected answer.
 */
function listedCertificates(
  page: JsonObject,
  redact: AnswerSource['redact']
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
