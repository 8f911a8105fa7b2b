/**
 * The settings types: what a run is asked to do, as the domain modules see it. One {@link Settings}
 * value is read, defaulted and validated from the inputs and the environment by inputs.ts (the
 * credentials by credential-inputs.ts); nothing here reads anything.
 */
import type { Credentials, SignatureVersion } from './signer.js'

export interface Endpoint {
  /** `https://host[:port]` */
  origin: string
  /** The `Host` header value, signed as is: `host`, or `host:port` for a non-default port. */
  hostHeader: string
}

/** One certificate to obtain: from `name`, or one per line of `names`. */
export interface CertificateTarget {
  name: string | undefined
  clientToken: string
  /** Where the ClientToken came from, for the log. */
  clientTokenSource:
    'from the input' | 'derived from the workflow run' | 'random: not in a workflow run'
}

/**
 * `if-exists`: what to do when a certificate of that name is already on the SSL server; `replace`
 * creates a new one and then revokes the others of that name (rotation).
 */
export type IfExists = 'create' | 'reuse' | 'fail' | 'replace'

/**
 * Where and how to call the API, with which keys, by when: what every action of this repository
 * (create, revoke, report) reads the same way (inputs.ts `readConnectionSettings`).
 */
export interface ConnectionSettings {
  regionId: string
  credentials: CredentialSettings
  endpoint: Endpoint
  signatureVersion: SignatureVersion
  /** Deadline for the whole step, all calls and waits included. */
  timeoutMs: number
}

export interface Settings extends ConnectionSettings {
  sslVpnServerId: string
  /** At least one; several with `names`, handled one at a time. */
  targets: CertificateTarget[]
  ifExists: IfExists
  /** Where to write OpenVPN profiles; when set, the action also waits for Status `normal`. */
  configDir: string | undefined
  /** Encrypts the private key inside each profile (PKCS#8, AES-256). Masked; read untrimmed. */
  keyPassphrase: string | undefined
  /** `keep-profiles`: leave the profiles in place after the job (no removal in the post step). */
  keepProfiles: boolean
  /** Deadline for the whole operation, all certificates and attempts included. */
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

/**
 * Reads one input as `core.getInput` does: trimmed, unless `trimWhitespace` is false (a
 * passphrase is taken exactly as configured).
 */
export type InputReader = (name: string, options?: { trimWhitespace?: boolean }) => string
/** The step's environment variables (`process.env` in production). */
export type Environment = Readonly<Record<string, string | undefined>>

/** One thing `revoke` is asked to revoke: every certificate of a name, or one certificate by ID. */
export type RevokeTarget = { kind: 'name'; name: string } | { kind: 'cert-id'; certId: string }

/** What the revoke action is asked to do (revoke-inputs.ts `readRevokeSettings`). */
export interface RevokeSettings extends ConnectionSettings {
  sslVpnServerId: string
  /** At least one, all of one kind (names or IDs), each once. */
  targets: RevokeTarget[]
  /** `dry-run`: list what would be revoked, revoke nothing. */
  dryRun: boolean
}
