/** Types for stand-in.mjs: the local HTTPS stand-in for the Alibaba Cloud VPC API. */

export interface Credential {
  accessKeyId: string
  accessKeySecret: string
  /** Present for an STS key: every request must carry exactly this token. */
  securityToken?: string | undefined
}

export interface SslVpnServer {
  regionId: string
  sslVpnServerId: string
}

/** Faults apply to CreateSslVpnClientCert calls unless `action` names another action. */
interface FaultBase {
  action?: string | undefined
}

export type Fault = FaultBase &
  (
    | {
        /** A JSON error; status/message default to the known table (reference page wording). */
        kind: 'error'
        code: string
        httpStatus?: number | undefined
        message?: string | undefined
        headers?: Record<string, string> | undefined
      }
    | {
        /** 400 Throttling.User, with `x-acs-retry-after: <ms>` when retryAfterMs is given. */
        kind: 'throttle'
        retryAfterMs?: number | undefined
      }
    | {
        /** A bare status: JSON (InternalError, ServiceUnavailable…) or an nginx-like HTML page.
         * `body` defaults to 'html' for 502/504 and 'json' otherwise. */
        kind: 'status'
        status: number
        body?: 'json' | 'html' | undefined
      }
    | {
        /** Destroy the socket without answering, before anything else happens. */
        kind: 'reset'
      }
    | {
        /** Never answer (close() ends it); with `ms`, wait that long and then answer normally. */
        kind: 'hang'
        ms?: number | undefined
      }
    | {
        /** Do the work for real (certificate created, token remembered), then destroy the socket. */
        kind: 'lose-response'
      }
    | {
        /** The correct answer, its body written `chunkBytes` (default 4) bytes at a time. */
        kind: 'trickle'
        chunkDelayMs: number
        chunkBytes?: number | undefined
      }
    | {
        /** 200 with an HTML body. */
        kind: 'not-json'
      }
    | {
        /** 200 JSON `{ RequestId }` without SslVpnClientCertId. */
        kind: 'missing-id'
      }
  )

export type FaultKind = Fault['kind']

export interface StandInOptions {
  /** Default '127.0.0.1'. */
  host?: string | undefined
  /** Default 0: a random free port. */
  port?: number | undefined
  /** 'trusted' (default): server.pem signed by tls/ca.pem; 'untrusted': a self-signed certificate. */
  tls?: 'trusted' | 'untrusted' | undefined
  /** Default: DEFAULT_CREDENTIALS (one long-term key pair). */
  credentials?: readonly Credential[] | undefined
  /** Default: DEFAULT_SSL_VPN_SERVERS (cn-hangzhou / vss-standin0001). */
  sslVpnServers?: readonly SslVpnServer[] | undefined
  /** The first N Create calls that reach the busy check answer VpnGateway.Configuring. Default 0. */
  busyCalls?: number | undefined
  /** Configuring until this many ms after the first authenticated Create call. Default 0. */
  busyForMs?: number | undefined
  /** After each new certificate, its SSL server is Configuring for this many ms. Default 0. */
  busyAfterCreateMs?: number | undefined
  /** The server clock is Date.now() + skew (timestamp checks, `Date` header). Default 0. */
  clockSkewMs?: number | undefined
  /** A queue: each matching request takes the first fault aimed at its action. */
  faults?: readonly Fault[] | undefined
}

export interface CallRecord {
  /** Date.now() when the request arrived. */
  receivedAt: number
  method: string
  action: string | null
  signatureVersion: 'v1' | 'v3' | null
  /** As received (not necessarily a known key). */
  accessKeyId: string | null
  nonce: string | null
  timestamp: string | null
  clientToken: string | null
  /** Decoded operation parameters (RegionId, SslVpnServerId, Name, ClientToken…). */
  params: Record<string, string>
  /** The RequestId answered, when a JSON answer went out. */
  requestId: string | null
  /** 'pending' | 'created' | 'replayed' | an error code | 'fault:<kind>'. */
  outcome: string
  /** For faults that still process the call (lose-response, trickle, hang with ms): what happened. */
  innerOutcome: string | null
  /** null when no answer was sent (reset, hang, lose-response). */
  httpStatus: number | null
}

export interface Certificate {
  /** 'vsc-' + 17 lowercase letters/digits. */
  id: string
  name: string
  regionId: string
  sslVpnServerId: string
  clientToken: string | null
  /** Server-clock ms. */
  createdAt: number
}

export interface StandIn {
  /** 'https://127.0.0.1:PORT' */
  url: string
  host: string
  port: number
  /** '127.0.0.1:PORT' */
  endpoint: string
  /** One record per request received, in arrival order (live array). */
  readonly calls: CallRecord[]
  /** Every certificate created (live array). */
  readonly certificates: Certificate[]
  /** Faults not yet consumed (live array). */
  readonly faults: Fault[]
  readonly credentials: readonly Credential[]
  readonly sslVpnServers: readonly SslVpnServer[]
  injectFault(fault: Fault): void
  setBusyCalls(n: number): void
  /** The server's (skewed) clock in ms. */
  now(): number
  /** Destroys every open socket (hung ones too) and stops listening. */
  close(): Promise<void>
}

export function startStandIn(options?: StandInOptions): Promise<StandIn>

export function isValidName(name: string): boolean

export const API_VERSION: '2016-04-28'
/** Absolute path of tls/ca.pem (for NODE_EXTRA_CA_CERTS). */
export const CA_CERT_PATH: string
export const DEFAULT_CREDENTIALS: readonly Credential[]
export const DEFAULT_SSL_VPN_SERVERS: readonly SslVpnServer[]
export const EMPTY_BODY_SHA256: string
