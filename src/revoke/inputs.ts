/**
 * The revoke action's inputs (`revoke/action.yml`), read, defaulted and validated into one
 * {@link RevokeSettings} value: the connection inputs exactly as the main action reads them
 * (inputs.ts `readConnectionSettings`, credentials first), the SSL server, what to revoke
 * (exactly one of `name`, `names`, `cert-id`, `cert-ids`), `dry-run` and `fail-if-absent`.
 */
import { InputError } from '../core/errors.js'
import { conflictingInputsError, parseBooleanInput, quote } from '../core/input-rules.js'
import {
  getMultilineInput,
  parseNames,
  parseSslVpnServerId,
  readConnectionSettings
} from '../runner/connection-inputs.js'
import { type Environment, type InputReader } from '../core/environment.js'
import type { ConnectionSettings } from '../alibaba/settings.js'
import type { RevokeTarget } from '../certificates/requests.js'

/** What the revoke action is asked to do ({@link readRevokeSettings}). */
export interface RevokeSettings extends ConnectionSettings {
  sslVpnServerId: string
  /** At least one, all of one kind (names or IDs), each once. */
  targets: RevokeTarget[]
  /** `dry-run`: list what would be revoked, revoke nothing. */
  dryRun: boolean
  /** `fail-if-absent`: a name or ID with no certificate fails the step (else it is a warning). */
  failIfAbsent: boolean
}

/** The inputs that say what to revoke: exactly one of them. */
const TARGET_INPUTS = ['name', 'names', 'cert-id', 'cert-ids'] as const

/** Most IDs one step takes (each delete keeps the gateway busy, and disconnects everyone). */
const MAX_CERT_IDS = 200

const CERT_ID_PATTERN = /^vsc-[a-z0-9]{1,64}$/

export function readRevokeSettings(
  getInput: InputReader,
  env: Environment,
  maskSecret: (value: string) => void
): RevokeSettings {
  const connection = readConnectionSettings(getInput, env, maskSecret)
  const sslVpnServerId = parseSslVpnServerId(getInput('ssl-vpn-server-id'))
  const targets = parseTargets({
    name: getInput('name'),
    names: getMultilineInput(getInput('names')),
    certId: getInput('cert-id'),
    certIds: getMultilineInput(getInput('cert-ids'))
  })
  const dryRun = parseBooleanInput(
    getInput('dry-run'),
    'dry-run',
    'list what would be revoked, revoke nothing'
  )
  const failIfAbsent = parseBooleanInput(
    getInput('fail-if-absent'),
    'fail-if-absent',
    'fail the step when a name or ID has no certificate on the SSL server',
    'the default: warn and succeed'
  )
  return { ...connection, sslVpnServerId, targets, dryRun, failIfAbsent }
}

/** Exactly one of the four inputs, as targets: names checked as names, IDs as IDs. */
function parseTargets(given: {
  name: string
  names: string[]
  certId: string
  certIds: string[]
}): RevokeTarget[] {
  const present = TARGET_INPUTS.filter(input => {
    const value = given[input === 'cert-id' ? 'certId' : input === 'cert-ids' ? 'certIds' : input]
    return value.length > 0
  })
  const [input, ...others] = present
  if (input === undefined) {
    throw new InputError(
      'name/names/cert-id/cert-ids',
      'one of them is required: the name whose certificates to revoke (every certificate of that exact name on the SSL server), or the ID of one certificate (vsc-…); names and cert-ids take one per line.',
      'input'
    )
  }
  if (others.length > 0) {
    throw conflictingInputsError(
      present,
      "give exactly one of 'name', 'names', 'cert-id' and 'cert-ids'."
    )
  }
  if (input === 'name' || input === 'names') {
    const names = parseNames(given.name, given.names)
    return names.flatMap(name => (name === undefined ? [] : [{ kind: 'name', name }]))
  }
  if (input === 'cert-id')
    return [{ kind: 'cert-id', certId: parseCertId(given.certId, 'cert-id') }]
  if (given.certIds.length > MAX_CERT_IDS) {
    throw new InputError(
      'cert-ids',
      `has ${given.certIds.length} IDs; at most ${MAX_CERT_IDS} per step (split the list over several steps).`
    )
  }
  const seen = new Set<string>()
  return given.certIds.map((line, index) => {
    const certId = parseCertId(line, 'cert-ids', index + 1)
    if (seen.has(certId)) {
      throw new InputError(
        'cert-ids',
        `line ${index + 1}: ${quote(line)} appears twice; each ID once.`
      )
    }
    seen.add(certId)
    return { kind: 'cert-id', certId }
  })
}

function parseCertId(raw: string, input: string, line?: number): string {
  if (CERT_ID_PATTERN.test(raw)) return raw
  throw new InputError(
    input,
    `${line === undefined ? '' : `line ${line}: `}${quote(raw)} is not a certificate ID; expected "vsc-" followed by lowercase letters and digits (SslVpnClientCertId).`
  )
}
