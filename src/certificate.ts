/**
 * The service: create one SSL-VPN client certificate with `CreateSslVpnClientCert` (VPC 2016-04-28),
 * retrying while the gateway is busy, with one ClientToken for every attempt and a fresh signature
 * (date, nonce) for each.
 */
import { stringField } from './client.js'
import { UnexpectedResponseError } from './errors.js'
import { callRpc, type RpcDependencies } from './rpc.js'
import type { Settings } from './settings.js'
import type { Credentials } from './signer.js'

export const VPC_API_VERSION = '2016-04-28'
export const CREATE_ACTION = 'CreateSslVpnClientCert'

export interface CertificateResult {
  certId: string
  name: string
  requestId: string
  clientToken: string
  attempts: number
  /** Time spent in backoff waits (the gateway busy, throttling, faults). */
  waitedMs: number
  elapsedMs: number
}

/** The side effects (see rpc.ts), and optionally a deadline shared with earlier steps. */
export interface ServiceDependencies extends RpcDependencies {
  /** Absolute deadline on `now`'s clock; default: now + `settings.timeoutMs`. */
  deadline?: number
}

/** The operation's parameters, in the API's names. */
export function createRequestParams(settings: Settings): Record<string, string> {
  const params: Record<string, string> = {
    RegionId: settings.regionId,
    SslVpnServerId: settings.sslVpnServerId,
    ClientToken: settings.clientToken
  }
  if (settings.name !== undefined) params['Name'] = settings.name
  return params
}

/** Creates the certificate; throws the last error when it cannot (see retry.ts for which). */
export async function createClientCertificate(
  settings: Settings,
  credentials: Credentials,
  deps: ServiceDependencies
): Promise<CertificateResult> {
  const started = deps.now()
  const { answer, attempts, waitedMs } = await callRpc(
    {
      endpoint: settings.endpoint,
      action: CREATE_ACTION,
      version: VPC_API_VERSION,
      params: createRequestParams(settings),
      auth: {
        kind: 'signed',
        credentials,
        signatureVersion: settings.signatureVersion
      }
    },
    deps,
    deps.deadline ?? started + settings.timeoutMs,
    {
      accept: answer => {
        if (stringField(answer, 'SslVpnClientCertId') === undefined) {
          const requestId = stringField(answer, 'RequestId')
          throw new UnexpectedResponseError(
            200,
            `The API answered without an SslVpnClientCertId${requestId ? ` (RequestId: ${requestId})` : ''}, so no certificate ID can be reported.`,
            requestId
          )
        }
      }
    }
  )
  return {
    certId: stringField(answer, 'SslVpnClientCertId') ?? '',
    requestId: stringField(answer, 'RequestId') ?? '',
    name: stringField(answer, 'Name') ?? settings.name ?? '',
    clientToken: settings.clientToken,
    attempts,
    waitedMs,
    elapsedMs: deps.now() - started
  }
}
