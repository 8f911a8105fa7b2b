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

/**
 * Someone a profile is encrypted to (src/delivery/), as given: a GitHub account, whose public SSH
 * keys are read when its certificate is obtained, or one public key (`ssh-ed25519`, `ssh-rsa`,
 * `age1…`), whose form is checked here and whose content is checked before any network call.
 */
export type Recipient =
  | { kind: 'github'; username: string; given: RecipientSource }
  | { kind: 'key'; text: string; given: RecipientSource }

/** Where a recipient was given, for messages: `Input 'names': line 3: …`. */
export interface RecipientSource {
  /** `roster-file`: an entry of sync's roster, whose keys sync checks with the file's name. */
  input: 'recipient' | 'names' | 'roster-file'
  /** 1-based, among the input's lines as written (empty lines counted). */
  line: number
}

/** One certificate to obtain: from `name`, or one per line of `names`. */
export interface CertificateTarget {
  name: string | undefined
  /**
   * Whom its profile is encrypted to (`recipient`, or the recipients after the name in `names`):
   * when there is any, the profile is written only encrypted, as `<name>.ovpn.age`. Absent or
   * empty: the profile is written as it is.
   */
  recipients?: readonly Recipient[] | undefined
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
  /**
   * Where `github:` recipients' keys are read: GITHUB_API_URL, and `github-token` (masked; none:
   * anonymous requests, which GitHub limits to 60 an hour). Absent when no recipient is one.
   */
  github?: { apiUrl: string; token: string | undefined } | undefined
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

/** One thing `revoke` is asked to revoke: every certificate of a name, or one certificate by ID. */
export type RevokeTarget = { kind: 'name'; name: string } | { kind: 'cert-id'; certId: string }

/** What the revoke action is asked to do (revoke-inputs.ts `readRevokeSettings`). */
export interface RevokeSettings extends ConnectionSettings {
  sslVpnServerId: string
  /** At least one, all of one kind (names or IDs), each once. */
  targets: RevokeTarget[]
  /** `dry-run`: list what would be revoked, revoke nothing. */
  dryRun: boolean
  /** `fail-if-absent`: a name or ID with no certificate fails the step (else it is a warning). */
  failIfAbsent: boolean
}
