/**
 * DescribeSslVpnClientCert: one certificate's status and key material, polled until it can be
 * used. The material is masked the moment it arrives, and the answer proven to be of the
 * certificate asked for and fit for a profile (PEM blocks only, no directive that runs anything)
 * before any of it is used.
 */
import { ANSWER_SHAPES, answerField, unexpectedAnswer, type AnswerSource } from './answer-text.js'
import {
  CertificateNotReadyError,
  InconsistentAnswerError,
  UnexpectedResponseError
} from '../core/errors.js'
import { unsafeDirective } from './profile-material.js'
import { maskMultiline } from '../core/redact.js'
import { callRpc } from './rpc.js'
import { stringField, type JsonObject } from './transport.js'
import { vpcCall, type VpcClientParameters } from './vpc-call.js'

const DESCRIBE_ACTION = 'DescribeSslVpnClientCert'

/** Statuses of a certificate that can be used (expiring-soon still works). */
export const USABLE_STATUSES: ReadonlySet<string> = new Set(['normal', 'expiring-soon'])

/** What DescribeSslVpnClientCert returns once the certificate is usable. */
export interface CertificateMaterial {
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
export async function waitUntilReady(
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
        checkDescribedIdentity(client, certId, answer)
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
  checkDescribedIdentity(client, certId, answer)
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

/**
 * A DescribeSslVpnClientCert answer is of the certificate asked for (its SslVpnClientCertId, as
 * Terraform checks) and, when it names one, of the client's SSL server: the key material of another
 * certificate must never become someone's profile. Else an {@link InconsistentAnswerError}.
 */
function checkDescribedIdentity(
  client: VpcClientParameters,
  certId: string,
  answer: JsonObject
): void {
  const redact = client.rpc.redact
  const requestId = stringField(answer, 'RequestId')
  const source = { action: DESCRIBE_ACTION, redact, requestId }
  const inconsistent = (what: string) =>
    new InconsistentAnswerError(DESCRIBE_ACTION, `certificate ${certId}`, requestId, what)
  const answeredId = answerField(answer, 'SslVpnClientCertId', ANSWER_SHAPES.certificateId, source)
  if (answeredId !== certId) {
    throw inconsistent(
      answeredId === undefined
        ? 'the answer names no SslVpnClientCertId, so nothing says it is of that certificate'
        : `the answer is of ${answeredId}`
    )
  }
  const server = answerField(answer, 'SslVpnServerId', ANSWER_SHAPES.sslVpnServerId, source)
  const expected = client.target.sslVpnServerId
  if (server !== undefined && expected !== undefined && server !== expected) {
    throw inconsistent(`the certificate is on SSL server ${server}, not on ${expected}`)
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
