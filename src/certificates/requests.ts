/**
 * What the certificate life is asked to do, as onboarding (onboarding.ts) and revocation
 * (revocation.ts) read it: the certificates to obtain and what to do about one that exists, the
 * certificates to revoke. Each action reads its own settings (create/inputs.ts, sync/inputs.ts,
 * revoke/inputs.ts) and hands these parts down; nothing here reads anything.
 *
 * The recipients live here, not in src/delivery/, because a target carries them: onboarding passes
 * each target to the sealer delivery plugs into it (`sealerFor`), and this layer sits below
 * delivery's.
 */

/**
 * Someone a profile is encrypted to (src/delivery/), as given: a GitHub account, whose public SSH
 * keys are read when its certificate is obtained, or one public key (`ssh-ed25519`, `ssh-rsa`,
 * `age1…`), whose form is checked by the action's inputs and whose content is checked before any
 * network call.
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

/** One certificate to obtain: from `name`, or one per line of `names` (or of a roster). */
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
 * What delivery needs of a target: its name and whom its profile is encrypted to. A certificate
 * whose profile is written again (sync's `redeliver`) is one too, with no create and so no
 * ClientToken.
 */
export type DeliveryTarget = Pick<CertificateTarget, 'name' | 'recipients'>

/**
 * `if-exists`: what to do when a certificate of that name is already on the SSL server; `replace`
 * creates a new one and then revokes the others of that name (rotation).
 */
export type IfExists = 'create' | 'reuse' | 'fail' | 'replace'

/** What onboarding reads: which certificates to obtain on which SSL server, and how. */
export interface OnboardingSettings {
  sslVpnServerId: string
  /** At least one; several are handled one at a time. */
  targets: CertificateTarget[]
  ifExists: IfExists
  /** Where to write OpenVPN profiles; when set, onboarding also waits for Status `normal`. */
  configDir: string | undefined
  /** Encrypts the private key inside each profile (PKCS#8, AES-256). Masked; read untrimmed. */
  keyPassphrase: string | undefined
}

/** One thing to revoke: every certificate of a name, or one certificate by ID. */
export type RevokeTarget = { kind: 'name'; name: string } | { kind: 'cert-id'; certId: string }
