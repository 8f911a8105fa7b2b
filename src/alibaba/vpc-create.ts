/**
 * CreateSslVpnClientCert: one certificate created, retried while the gateway is busy with one
 * ClientToken for every attempt, and its answer checked before its ID is used.
 */
import { ANSWER_SHAPES, answerField, type AnswerSource } from './answer-text.js'
import { UnexpectedResponseError } from '../core/errors.js'
import { callRpc } from './rpc.js'
import { stringField, type JsonObject } from './transport.js'
import { serverOf, vpcCall, type VpcClientParameters } from './vpc-call.js'

const CREATE_ACTION = 'CreateSslVpnClientCert'

/** What a create did: the certificate, and what it took. */
export interface CertificateResult {
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

/** One certificate to create. */
export interface NewCertificate {
  /** Its name; undefined lets the API name it (no `Name` is sent). */
  name: string | undefined
  /** The ClientToken every attempt carries, so a retry never creates a second one. */
  clientToken: string
  /** Waits before the policy's backoff, for a batch on one gateway (batch-pacing.ts). */
  leadingDelaysMs?: readonly number[] | undefined
}

/** The operation's parameters, in the API's names. */
export function createRequestParams(
  request: { regionId: string; sslVpnServerId: string } & NewCertificate
): Record<string, string> {
  const params: Record<string, string> = {
    RegionId: request.regionId,
    SslVpnServerId: request.sslVpnServerId,
    ClientToken: request.clientToken
  }
  if (request.name !== undefined) params['Name'] = request.name
  return params
}

/**
 * Sends CreateSslVpnClientCert with one ClientToken for every attempt, retrying what
 * error-classification.ts says (the gateway busy applying a change above all); throws the last
 * error when it cannot. Every answer is checked ({@link createdCertificate}) before it is accepted.
 */
export async function createCertificate(
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
    // The name we sent, when we sent one: an answer echoing another is not believed.
    name: certificate.name ?? created.name ?? '',
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
