/**
 * What the API clients are built from: where to call (the endpoint), with which keys (credentials,
 * or the OIDC exchange that obtains them), by when. Read, defaulted and validated by the runner's
 * connection-inputs.ts and credential-inputs.ts, the same way for every action; nothing here reads
 * anything. Each action's own settings live in its folder (create/inputs.ts, revoke/inputs.ts, …).
 */
import type { Credentials, SignatureVersion } from './signer.js'

export interface Endpoint {
  /** `https://host[:port]` */
  origin: string
  /** The `Host` header value, signed as is: `host`, or `host:port` for a non-default port. */
  hostHeader: string
}

/**
 * Where and how to call the API, with which keys, by when: what every action of this repository
 * reads the same way (runner/connection-inputs.ts `readConnectionSettings`).
 */
export interface ConnectionSettings {
  regionId: string
  credentials: CredentialSettings
  endpoint: Endpoint
  signatureVersion: SignatureVersion
  /** Deadline for the whole step, all calls and waits included. */
  timeoutMs: number
}

/** The keyless exchange: a GitHub OIDC token for STS keys of a RAM role (AssumeRoleWithOIDC). */
export interface OidcSettings {
  roleArn: string
  oidcProviderArn: string
  roleSessionName: string
  durationSeconds: number
  audience: string
  stsEndpoint: Endpoint
}

/**
 * Where the keys come from, in order of precedence: the OIDC exchange (obtained at run time),
 * then key inputs, then the `ALIBABA_CLOUD_*` variables.
 */
export type CredentialSettings =
  { source: 'inputs' | 'environment'; keys: Credentials } | { source: 'oidc'; oidc: OidcSettings }
