// Runs the local API stand-in until stopped, for trying the action by hand or from a workflow
// (`.github/workflows/ci.yml` runs `uses: ./` against it). Prints one line with the endpoint when
// it is ready, then one line per certificate it starts with. Trust test-server/tls/ca.pem with
// NODE_EXTRA_CA_CERTS; the credentials are the stand-in's DEFAULT_CREDENTIALS.
//
//   node scripts/serve-stand-in.mjs --help
//
// To try revoke and report by hand, start it with certificates that already exist, e.g.
//   node scripts/serve-stand-in.mjs --existing alice,bob --expiring carol --expired dave:30 \
//     --busy-after-delete-ms 5000 --delete-visible-for-ms 3000
// and a large fleet for the report's limits: --fleet 5000.
import { parseArgs } from 'node:util'
import {
  DEFAULT_SSL_VPN_SERVERS,
  isAllowedExistingName,
  startStandIn
} from '../test-server/stand-in.mjs'

const DAY_MS = 24 * 60 * 60 * 1000
/** `--expiring name` without days: inside the API's 7-day expiring-soon window. */
const DEFAULT_EXPIRING_IN_DAYS = 3
/** `--expired name` without days. */
const DEFAULT_EXPIRED_DAYS_AGO = 1

const [SERVER] = DEFAULT_SSL_VPN_SERVERS
const USAGE = `Usage: node scripts/serve-stand-in.mjs [options]

  --port N                    listen on 127.0.0.1:N (default 8443)
  --busy-calls N              the first N creates answer VpnGateway.Configuring (default 0)
  --busy-after-create-ms MS   the SSL server is busy for MS after each creation (default 0)
  --busy-after-delete-ms MS   the SSL server is busy (to creates and deletes) for MS after each
                              accepted delete (default 0)
  --delete-visible-for-ms MS  a deleted certificate is still listed and describable for MS
                              (default 0: gone at once)
  --existing NAMES            certificates that exist from the start, valid for 3 years
  --expiring NAMES            existing certificates that end soon: NAME in ${DEFAULT_EXPIRING_IN_DAYS} days (Status
                              expiring-soon), NAME:DAYS in DAYS days
  --expired NAMES             existing certificates that have ended: NAME ${DEFAULT_EXPIRED_DAYS_AGO} day ago,
                              NAME:DAYS that many days ago
  --ignore-page-number        listings serve page 1 whatever PageNumber asks (echoing the one
                              asked for), as a misbehaving listing
  --undercount-total N        listings answer a TotalCount N below the truth
  --ignore-server-filter      listings ignore SslVpnServerId (every SSL server of the region)
  --fleet N                   N more existing certificates, fleet-00001 and on (at most 5000,
                              what one listing reads): one in four expired, one in twenty
                              expiring, the rest valid for months
  --help                      this text

NAMES is a comma-separated list, and each option may be repeated. The existing certificates
belong to SSL server ${SERVER?.sslVpnServerId} in ${SERVER?.regionId} and were created in the order
given (--existing, then --expiring, then --expired); a name may appear more than once, as the real
service allows.`

/**
 * A count or a duration in ms: a whole number from 0.
 * @param {string} option
 * @param {string} value
 */
function wholeNumber(option, value) {
  if (!/^\d+$/.test(value))
    throw new UsageError(`--${option}: expected a whole number, got "${value}"`)
  return Number(value)
}

/**
 * `a,b` and repeated options alike → ['a', 'b'].
 * @param {string[] | undefined} values
 */
function listOf(values) {
  return (values ?? [])
    .flatMap(value => value.split(','))
    .map(name => name.trim())
    .filter(Boolean)
}

/**
 * A name the real service (and so the stand-in) accepts.
 * @param {string} option
 * @param {string} name
 */
function certificateName(option, name) {
  if (!isAllowedExistingName(name)) {
    throw new UsageError(
      `--${option} ${JSON.stringify(name)}: expected a certificate name (1 to 128 characters, not starting with http:// or https://)`
    )
  }
  return name
}

/**
 * `NAME` or `NAME:DAYS` → the name and its days (a number from 0, fractions allowed).
 * @param {string} option
 * @param {string} entry
 * @param {number} defaultDays
 */
function nameAndDays(option, entry, defaultDays) {
  const at = entry.lastIndexOf(':')
  if (at < 0) return { name: entry, days: defaultDays }
  const days = entry.slice(at + 1)
  if (!/^\d+(\.\d+)?$/.test(days)) {
    throw new UsageError(`--${option} ${entry}: expected NAME or NAME:DAYS, DAYS a number from 0`)
  }
  return { name: entry.slice(0, at), days: Number(days) }
}

/** A mistake on the command line: printed with the usage, without a stack trace. */
class UsageError extends Error {}

/** The most certificates `--fleet` makes: 100 pages of 50, what one listing of the action reads. */
const MAX_FLEET = 5000

/**
 * `--fleet N`: N certificates named fleet-00001…, a quarter expired, a twentieth expiring within
 * 20 days, the rest ending months away.
 * @param {number} count
 * @param {number} now
 * @returns {import('../test-server/stand-in.d.mts').ExistingCertificate[]}
 */
function fleet(count, now) {
  if (count > MAX_FLEET) throw new UsageError(`--fleet: at most ${MAX_FLEET}, got ${count}`)
  return Array.from({ length: count }, (_, i) => {
    const endTime =
      i % 4 === 0
        ? now - ((i % 100) + 1) * DAY_MS
        : i % 20 === 1
          ? now + ((i % 19) + 1) * DAY_MS
          : now + (100 + (i % 900)) * DAY_MS
    return { name: `fleet-${String(i + 1).padStart(5, '0')}`, endTime }
  })
}

/** @param {string[]} args */
function readOptions(args) {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '8443' },
      'busy-calls': { type: 'string', default: '0' },
      'busy-after-create-ms': { type: 'string', default: '0' },
      'busy-after-delete-ms': { type: 'string', default: '0' },
      'delete-visible-for-ms': { type: 'string', default: '0' },
      existing: { type: 'string', multiple: true },
      expiring: { type: 'string', multiple: true },
      expired: { type: 'string', multiple: true },
      'ignore-page-number': { type: 'boolean', default: false },
      'undercount-total': { type: 'string', default: '0' },
      'ignore-server-filter': { type: 'boolean', default: false },
      fleet: { type: 'string', default: '0' },
      help: { type: 'boolean', default: false }
    }
  })
  const now = Date.now()
  /** @type {import('../test-server/stand-in.d.mts').ExistingCertificate[]} */
  const existingCertificates = [
    ...listOf(values.existing).map(name => ({ name: certificateName('existing', name) })),
    ...listOf(values.expiring).map(entry => {
      const { name, days } = nameAndDays('expiring', entry, DEFAULT_EXPIRING_IN_DAYS)
      return { name: certificateName('expiring', name), endTime: now + days * DAY_MS }
    }),
    ...listOf(values.expired).map(entry => {
      const { name, days } = nameAndDays('expired', entry, DEFAULT_EXPIRED_DAYS_AGO)
      return { name: certificateName('expired', name), endTime: now - days * DAY_MS }
    }),
    ...fleet(wholeNumber('fleet', values.fleet), now)
  ]
  return {
    help: values.help,
    options: {
      port: wholeNumber('port', values.port),
      busyCalls: wholeNumber('busy-calls', values['busy-calls']),
      busyAfterCreateMs: wholeNumber('busy-after-create-ms', values['busy-after-create-ms']),
      busyAfterDeleteMs: wholeNumber('busy-after-delete-ms', values['busy-after-delete-ms']),
      deleteVisibleForMs: wholeNumber('delete-visible-for-ms', values['delete-visible-for-ms']),
      existingCertificates,
      listingFaults: {
        ...(values['ignore-page-number']
          ? { ignorePageNumber: /** @type {const} */ ('echo-requested') }
          : {}),
        undercountTotal: wholeNumber('undercount-total', values['undercount-total']),
        ignoreServerFilter: values['ignore-server-filter']
      }
    }
  }
}

/** @type {ReturnType<typeof readOptions>} */
let parsed
try {
  parsed = readOptions(process.argv.slice(2))
} catch (error) {
  // parseArgs' own errors (unknown option, missing value) are mistakes on the command line too.
  console.error(`serve-stand-in: ${error instanceof Error ? error.message : String(error)}\n`)
  console.error(USAGE)
  process.exit(2)
}
if (parsed.help) {
  console.log(USAGE)
  process.exit(0)
}

/** @type {import('../test-server/stand-in.d.mts').StandIn} */
let standIn
try {
  standIn = await startStandIn(parsed.options)
} catch (error) {
  // A port in use, say: one line, no stack.
  console.error(`serve-stand-in: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(2)
}
console.log(`stand-in listening: endpoint ${standIn.endpoint}`)
/** More existing certificates than this are counted, not listed one per line. */
const MAX_LISTED = 50
for (const certificate of standIn.certificates.slice(0, MAX_LISTED)) {
  const ends = new Date(certificate.endTime).toISOString()
  console.log(
    `  existing certificate ${certificate.name}: ${certificate.id} on ${certificate.regionId}/${certificate.sslVpnServerId}, ends ${ends}`
  )
}
if (standIn.certificates.length > MAX_LISTED) {
  console.log(`  … and ${standIn.certificates.length - MAX_LISTED} more existing certificates`)
}

const stop = async () => {
  const deleted = standIn.certificates.filter(c => c.deletedAt !== null).length
  console.log(
    `stand-in stopping after ${standIn.calls.length} calls, ${standIn.certificates.length} certificates (${deleted} deleted)`
  )
  await standIn.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
