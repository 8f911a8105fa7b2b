/**
 * Types for stand-in.mjs: the local HTTPS stand-in for the Alibaba Cloud VPC API. Implemented in
 * stand-in/, whose exports `npm run build` checks against these declarations (a declaration the
 * code does not match fails the build).
 */

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

/**
 * Faults apply to CreateSslVpnClientCert calls unless `action` names another action (e.g.
 * 'DescribeSslVpnClientCert', 'DescribeSslVpnClientCerts'); the kinds behave the same for each.
 */
interface FaultBase {
  action?: string | undefined
  /**
   * Due only once this many requests of its action have come (counted from the stand-in's start):
   * with 2, the third such request takes it, the first two are served normally. Default 0.
   */
  afterCalls?: number | undefined
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

/** A certificate that exists before the stand-in starts (see `existingCertificates`). */
export interface ExistingCertificate {
  /**
   * Must pass isAllowedExistingName (any name the API allows, spaces and CJK included, as older
   * certificates carry). Duplicates are allowed (the real service allows them too).
   */
  name: string
  /** Default: the first entry of sslVpnServers (in `regionId` when given). Must be one of them. */
  sslVpnServerId?: string | undefined
  /** Default: the region of the SSL server chosen. */
  regionId?: string | undefined
  /**
   * EndTime, server-clock ms (default: creation + 1095 days). In the past: Status `expired`;
   * less than 7 days ahead: `expiring-soon`.
   */
  endTime?: number | undefined
}

/** The runner's OIDC token service and STS AssumeRoleWithOIDC, played by the stand-in. */
export interface OidcOptions {
  /** Default DEFAULT_OIDC.roleArn. */
  roleArn?: string | undefined
  /** Default DEFAULT_OIDC.oidcProviderArn. */
  oidcProviderArn?: string | undefined
  /** The audience (client ID) tokens must carry. Default 'sts.aliyuncs.com'. */
  audience?: string | undefined
  /** What ACTIONS_ID_TOKEN_REQUEST_TOKEN must be. Default: random. */
  requestToken?: string | undefined
  /** The role's MaxSessionDuration. Default 3600. */
  maxSessionDurationSeconds?: number | undefined
  /** How long an issued token is valid. Default 5 minutes. */
  tokenLifetimeMs?: number | undefined
}

export interface OidcStandIn {
  /** For ACTIONS_ID_TOKEN_REQUEST_URL (already carries `?api-version=2.0`). */
  tokenRequestUrl: string
  /** For ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken: string
  roleArn: string
  oidcProviderArn: string
  audience: string
  /** Tokens issued (live array). */
  readonly issued: { audience: string; token: string; expiresAt: number }[]
  /** Requests to the token service (live array). */
  readonly tokenRequests: { audience: string | null; authorized: boolean }[]
}

export const DEFAULT_OIDC: Readonly<{ roleArn: string; oidcProviderArn: string; audience: string }>

/**
 * How DescribeSslVpnClientCerts misbehaves (each off by default), as listings that a client must
 * not believe have been seen to: the answers stay well-formed, only what they say is wrong.
 */
export interface ListingFaults {
  /**
   * PageNumber is ignored: every page served is page 1. 'echo-requested' still echoes the
   * PageNumber asked for (only the repeated IDs tell); 'echo-served' echoes 1.
   */
  ignorePageNumber?: 'echo-requested' | 'echo-served' | undefined
  /** TotalCount is this many below the number of certificates that match (never below 0). */
  undercountTotal?: number | undefined
  /** The SslVpnServerId filter is ignored: certificates of every SSL server of the region. */
  ignoreServerFilter?: boolean | undefined
}

export interface StandInOptions {
  /** DescribeSslVpnClientCerts misbehaving; default: it does not. */
  listingFaults?: ListingFaults | undefined
  /** Also play the runner's OIDC token service and STS AssumeRoleWithOIDC. Default off. */
  oidc?: OidcOptions | undefined
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
  /**
   * The first N Create calls that reach the busy check answer VpnGateway.Configuring. Default 0.
   * busyCalls and busyForMs concern Create only; busyAfterCreateMs and busyAfterDeleteMs make the
   * SSL server busy for Create and Delete alike. The Describe actions are never busy.
   */
  busyCalls?: number | undefined
  /** Configuring until this many ms after the first authenticated Create call. Default 0. */
  busyForMs?: number | undefined
  /** After each new certificate, its SSL server is Configuring for this many ms. Default 0. */
  busyAfterCreateMs?: number | undefined
  /**
   * After each accepted DeleteSslVpnClientCert, its SSL server is Configuring (to Create and
   * Delete) for this many ms, so a concurrent delete is refused. Default 0.
   */
  busyAfterDeleteMs?: number | undefined
  /**
   * A deleted certificate stays listed (DescribeSslVpnClientCerts, and DescribeSslVpnClientCert
   * answers it) for this many ms after its delete was accepted: the real delete is asynchronous.
   * Default 0 (gone at once).
   */
  deleteVisibleForMs?: number | undefined
  /** The server clock is Date.now() + skew (timestamp checks, `Date` header). Default 0. */
  clockSkewMs?: number | undefined
  /** A queue: each matching request takes the first fault aimed at its action. */
  faults?: readonly Fault[] | undefined
  /**
   * For this many ms after a certificate is created, Describe/DescribeSslVpnClientCerts report its
   * Status as `pendingStatus` instead of 'normal'. Default 0 (normal at once). The real service
   * documents no such status; Terraform nevertheless waits for 'normal' after creating, so this
   * lets tests exercise a client that does the same.
   */
  pendingStatusMs?: number | undefined
  /** The Status during `pendingStatusMs`. Default DEFAULT_PENDING_STATUS ('creating', a stand-in choice). */
  pendingStatus?: string | undefined
  /**
   * How DescribeSslVpnClientCert encodes ClientKey (always an unencrypted RSA-2048 key): 'pkcs8'
   * (`-----BEGIN PRIVATE KEY-----`, the default) or 'pkcs1' (`-----BEGIN RSA PRIVATE KEY-----`).
   * The reference says only that the real service answers RSA-2048 PEM keys, not which encoding.
   */
  clientKeyFormat?: 'pkcs8' | 'pkcs1' | undefined
  /**
   * Certificates present from the start, oldest first (created one minute apart before start,
   * never pending; they come before any created at run time in listings). Default none.
   */
  existingCertificates?: readonly ExistingCertificate[] | undefined
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
  /**
   * 'pending' | 'created' | 'replayed' (Create, Delete) | 'deleted' (DeleteSslVpnClientCert) |
   * 'described' (DescribeSslVpnClientCert) | 'listed' (DescribeSslVpnClientCerts) | an error code |
   * 'fault:<kind>'.
   */
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
  /** Always DEFAULT_RESOURCE_GROUP_ID. */
  resourceGroupId: string
  clientToken: string | null
  /** Server-clock ms (CreateTime). */
  createdAt: number
  /** createdAt + 1095 days (EndTime), as the reference page's sample. */
  endTime: number
  /** Server-clock ms until which Status is the pending status (= createdAt when never pending). */
  pendingUntil: number
  /**
   * Server-clock ms when a DeleteSslVpnClientCert of it was accepted; null while it is not
   * deleted. It is still listed for `deleteVisibleForMs` after that.
   */
  deletedAt: number | null
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
  /** Every certificate created, deleted ones included (live array; see `deletedAt`). */
  readonly certificates: Certificate[]
  /** The certificates the Describe actions show now (deleted ones within `deleteVisibleForMs`). */
  listedCertificates(): Certificate[]
  /**
   * Per SSL server ID: how many accepted deletes disconnected every client of it (live object).
   * A replayed or refused delete disconnects no one.
   */
  readonly disconnections: Readonly<Record<string, number>>
  /** Faults not yet consumed (live array). */
  readonly faults: Fault[]
  readonly credentials: readonly Credential[]
  readonly sslVpnServers: readonly SslVpnServer[]
  injectFault(fault: Fault): void
  /**
   * Accept one more key pair from now on (e.g. STS keys issued during a test); one with the same
   * accessKeyId is replaced. Returns the stored copy (also visible in `credentials`).
   */
  addCredential(credential: Credential): Credential
  /** Set when started with `oidc`. */
  readonly oidc: OidcStandIn | null
  setBusyCalls(n: number): void
  /** The server's (skewed) clock in ms. */
  now(): number
  /**
   * Moves the server clock on by `ms` (added to the skew): whatever lasts for a while
   * (`pendingStatusMs`, `busyAfterCreateMs`, `busyAfterDeleteMs`, `busyForMs`,
   * `deleteVisibleForMs`, expiry) ends when the test says, however slow the machine. Keep the
   * total under the 15 minutes of timestamp tolerance, or signed requests are refused.
   */
  advanceClock(ms: number): void
  /** Destroys every open socket (hung ones too) and stops listening. */
  close(): Promise<void>
}

export function startStandIn(options?: StandInOptions): Promise<StandIn>

/** The name rule of CreateSslVpnClientCert as the stand-in applies it (2–128 letters, digits, `.`, `_`, `-`, starting with a letter). */
export function isValidName(name: string): boolean
/** Whether a certificate made before the stand-in started may carry this name (1–128 characters, not http(s)://). */
export function isAllowedExistingName(name: string): boolean

/**
 * A random STS-shaped key: accessKeyId 'STS.NT…' (30 chars), a 44-char secret and a 'CAIS…'
 * securityToken; `overrides` replace any of them. Hand it to addCredential.
 */
export function newStsCredential(overrides?: {
  accessKeyId?: string
  accessKeySecret?: string
  securityToken?: string
}): Credential & { securityToken: string }

/**
 * The ClientConfig DescribeSslVpnClientCert answers for a certificate id: an OpenVPN client config
 * (remote 198.51.100.7 1194, udp) with the lines `ca ca.crt`, `cert <id>.crt`, `key <id>.key`, and
 * no final newline.
 */
export function clientConfig(certificateId: string): string

export const API_VERSION: '2016-04-28'
/** Absolute path of tls/ca.pem (for NODE_EXTRA_CA_CERTS). */
export const CA_CERT_PATH: string
/**
 * Absolute path of tls/client-ca.pem: the test-only CA (RSA-2048) that signs every ClientCert (and
 * is the CaCert answered). DescribeSslVpnClientCert issues ClientCert/ClientKey on the first
 * Describe of a certificate (an RSA-2048 key, unencrypted PEM, see `clientKeyFormat`; CN = the
 * certificate's name; signed with the `openssl` CLI, which must be on PATH) and then answers the
 * same material every time. Every certificate of one stand-in gets its own key.
 */
export const CLIENT_CA_CERT_PATH: string
/**
 * The client keys come from a pool shared by the stand-ins of a process and saved between runs in
 * `<os.tmpdir()>/<CLIENT_KEY_POOL_NAME>/<n>.pem` (mode 0600, directory 0700): the n-th certificate
 * a stand-in describes gets key n, generated (RSA-2048 takes 50–200 ms of CPU) only the first time
 * any run needs it. The name carries a version: a new name starts a new pool.
 */
export const CLIENT_KEY_POOL_NAME: string
/**
 * Fills the client key pool up to `count` keys ahead of need, e.g. before timing a run that
 * describes `count` certificates on one stand-in, so that no key is generated while it runs.
 */
export function prepareClientKeys(count: number): Promise<void>
/** 'rg-acfmstandin0001': the ResourceGroupId of every certificate. */
export const DEFAULT_RESOURCE_GROUP_ID: string
/** 'creating': the default `pendingStatus` (not a documented status of the real service). */
export const DEFAULT_PENDING_STATUS: string
export const DEFAULT_CREDENTIALS: readonly Credential[]
export const DEFAULT_SSL_VPN_SERVERS: readonly SslVpnServer[]
export const EMPTY_BODY_SHA256: string
