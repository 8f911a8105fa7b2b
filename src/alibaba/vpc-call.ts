/**
 * What every call of the VPC client is made of: the parameters the client is built from (where to
 * call, with which keys, through which side effects, by which deadline), and the one signed RPC
 * call of the VPC API (2016-04-28) each operation module (vpc-create.ts, vpc-listing.ts,
 * vpc-details.ts, vpc-delete.ts) sends through rpc.ts. Below those modules and the facade
 * (vpc-client.ts), so that none of them imports another's caller.
 */
import { type CallContext } from '../http/call-context.js'
import { type RpcCall } from './rpc.js'
import type { ConnectionSettings } from './settings.js'
import type { Credentials } from './signer.js'

const VPC_API_VERSION = '2016-04-28'

/**
 * Where and how to call the VPC API. `sslVpnServerId` is the SSL server that creating and finding
 * by name act on; a client that only lists a whole region (the report) has none.
 */
export type VpcTarget = Pick<ConnectionSettings, 'regionId' | 'endpoint' | 'signatureVersion'> & {
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

/** A signed call of `action` to the client's endpoint. */
export function vpcCall(
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
export function serverOf({ target }: VpcClientParameters, action: string): string {
  if (target.sslVpnServerId === undefined) {
    throw new Error(`${action} needs an SSL server, and this VPC client was built without one.`)
  }
  return target.sslVpnServerId
}
