/**
 * The PEM material DescribeSslVpnClientCert answers: RSA-2048 client keys from a pool shared by
 * every stand-in of a process and kept on disk between runs, and client certificates signed by the
 * test-only client CA (tls/client-ca.pem) with the `openssl` CLI.
 */
import { execFile } from 'node:child_process'
import { createPrivateKey, generateKeyPair, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CERTIFICATE_VALIDITY_DAYS } from './certificates.mjs'
import { randomLowerAlnum } from './helpers.mjs'

/**
 * Absolute path of the test-only CA that signs the SSL-VPN client certificates (`CaCert`).
 * @type {typeof import('../stand-in.d.mts').CLIENT_CA_CERT_PATH}
 */
export const CLIENT_CA_CERT_PATH = fileURLToPath(new URL('../tls/client-ca.pem', import.meta.url))
const CLIENT_CA_KEY_PATH = fileURLToPath(new URL('../tls/client-ca.key', import.meta.url))
/** OpenSSL settings (subject, extensions) for client certificates; also keeps system configs out. */
const CLIENT_CERT_CONFIG_PATH = fileURLToPath(new URL('../tls/client-cert.cnf', import.meta.url))

const generateKeyPairAsync = promisify(generateKeyPair)

/**
 * @typedef {object} CertificateMaterial
 * @property {string} caCert      PEM
 * @property {string} clientCert  PEM, CN = the certificate's name, signed by the client CA
 * @property {string} clientKey   unencrypted RSA-2048 PEM (PKCS#8, or PKCS#1 with clientKeyFormat)
 */

/** Read once: every certificate's CaCert is this same PEM. */
const CLIENT_CA_PEM = readFileSync(CLIENT_CA_CERT_PATH, 'utf8')

/**
 * Pool key `keyIndex` and a client certificate for it signed by the test-only client CA. Node
 * cannot issue certificates, so the `openssl` CLI signs: `req -new` for the CSR (it needs the key
 * in a file) and `x509 -req` to sign it, which OpenSSL 1.1, 3 and LibreSSL all understand. The key
 * file lives in a private temporary directory for the few milliseconds needed.
 * @param {string} commonName
 * @param {number} keyIndex
 * @param {'pkcs8' | 'pkcs1'} keyFormat  how ClientKey is encoded (the stand-in's clientKeyFormat)
 * @returns {Promise<CertificateMaterial>}
 */
export async function generateMaterial(commonName, keyIndex, keyFormat) {
  const pkcs8 = await clientKeyAt(keyIndex)
  const clientKey =
    keyFormat === 'pkcs1'
      ? /** @type {string} */ (createPrivateKey(pkcs8).export({ type: 'pkcs1', format: 'pem' }))
      : pkcs8
  const dir = await mkdtemp(join(tmpdir(), 'stand-in-cert-'))
  try {
    const keyPath = join(dir, 'client.key')
    await writeFile(keyPath, pkcs8, { mode: 0o600 })
    const csr = await openssl([
      'req',
      '-new',
      '-key',
      keyPath,
      '-subj',
      `/CN=${escapeSubjectValue(commonName)}`,
      '-config',
      CLIENT_CERT_CONFIG_PATH
    ])
    const clientCert = await openssl(
      [
        'x509',
        '-req',
        '-CA',
        CLIENT_CA_CERT_PATH,
        '-CAkey',
        CLIENT_CA_KEY_PATH,
        '-set_serial',
        randomSerial(),
        '-days',
        String(CERTIFICATE_VALIDITY_DAYS),
        '-sha256',
        '-extfile',
        CLIENT_CERT_CONFIG_PATH,
        '-extensions',
        'client_cert'
      ],
      csr
    )
    return { caCert: CLIENT_CA_PEM, clientCert, clientKey }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * The real service answers RSA-2048 keys, and a key's size is what costs a client the most (every
 * line of it is a secret to mask), so the stand-in answers keys of that size too. Generating one
 * takes 50–200 ms of CPU, so keys come from a pool shared by every stand-in of a process and kept
 * on disk between runs: key n is `<tmpdir>/<CLIENT_KEY_POOL_NAME>/<n>.pem`, made the first time
 * some stand-in needs an n-th key. Change the name when the keys must change: the old pool is then
 * simply no longer read.
 * @type {typeof import('../stand-in.d.mts').CLIENT_KEY_POOL_NAME}
 */
export const CLIENT_KEY_POOL_NAME = 'ssl-vpn-stand-in-keys-rsa2048-pkcs8-v1'
const CLIENT_KEY_BITS = 2048

/** @type {Array<Promise<string> | undefined>} key n (PKCS#8 PEM), once asked for */
const clientKeyPool = []
/** @type {Promise<string | undefined> | undefined} the pool's directory, or undefined: no disk cache */
let clientKeyPoolDir

/**
 * Fills the pool up to `count` keys ahead of need (e.g. before timing something that describes
 * many certificates), generating at most four at a time off the main thread.
 * @type {typeof import('../stand-in.d.mts').prepareClientKeys}
 */
export async function prepareClientKeys(count) {
  for (let next = 0; next < count;) {
    const batch = []
    for (; next < count && batch.length < 4; next++) batch.push(clientKeyAt(next))
    await Promise.all(batch)
  }
}

/**
 * Key n of the pool: from memory, else from disk, else generated (and saved for the next run).
 * @param {number} index
 * @returns {Promise<string>}
 */
function clientKeyAt(index) {
  let key = clientKeyPool[index]
  if (!key) {
    key = loadOrGenerateClientKey(index)
    clientKeyPool[index] = key
    key.catch(() => (clientKeyPool[index] = undefined))
  }
  return key
}

/** @param {number} index */
async function loadOrGenerateClientKey(index) {
  const dir = await (clientKeyPoolDir ??= openClientKeyPoolDir())
  const file = dir && join(dir, `${index}.pem`)
  if (file) {
    const saved = await readFile(file, 'utf8').catch(() => '')
    if (isClientPoolKey(saved)) return saved
  }
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: CLIENT_KEY_BITS })
  const pem = /** @type {string} */ (privateKey.export({ type: 'pkcs8', format: 'pem' }))
  if (file) {
    // Written aside and renamed, so that another process reading the pool (parallel test workers)
    // sees either no file or a whole key. A pool that cannot be written only costs time.
    const aside = `${file}.${process.pid}.${randomLowerAlnum(8)}`
    await writeFile(aside, pem, { mode: 0o600 })
      .then(() => rename(aside, file))
      .catch(() => rm(aside, { force: true }))
  }
  return pem
}

/**
 * The pool's directory, private to this user: created with mode 0700, and not used at all when it
 * already exists with other permissions or another owner (the system's temp dir is shared).
 * @returns {Promise<string | undefined>}
 */
async function openClientKeyPoolDir() {
  const dir = join(tmpdir(), CLIENT_KEY_POOL_NAME)
  try {
    await mkdir(dir, { mode: 0o700, recursive: true })
    const info = await stat(dir)
    const ownedByUs = typeof process.getuid !== 'function' || info.uid === process.getuid()
    return info.isDirectory() && ownedByUs && (info.mode & 0o077) === 0 ? dir : undefined
  } catch {
    return undefined
  }
}

/** Whether `pem` is a whole, unencrypted RSA key of the pool's size (a saved file may be cut short). */
function isClientPoolKey(/** @type {string} */ pem) {
  if (!pem.startsWith('-----BEGIN PRIVATE KEY-----')) return false
  try {
    const key = createPrivateKey(pem)
    return (
      key.asymmetricKeyType === 'rsa' && key.asymmetricKeyDetails?.modulusLength === CLIENT_KEY_BITS
    )
  } catch {
    return false
  }
}

/**
 * Run the openssl CLI with `input` on stdin; resolve with its stdout.
 * @param {string[]} args
 * @param {string} [input]
 * @returns {Promise<string>}
 */
function openssl(args, input = '') {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout)
      const notInstalled = /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT'
      reject(
        new Error(
          notInstalled
            ? 'the stand-in needs the openssl CLI on PATH to issue client certificates'
            : `openssl ${args[0]} failed: ${stderr.trim() || error.message}`
        )
      )
    })
    // If openssl exits before reading stdin, the write fails with EPIPE; the exit status says why.
    child.stdin?.on('error', () => {})
    child.stdin?.end(input)
  })
}

/** A positive 128-bit serial number, as `-set_serial` takes it. */
function randomSerial() {
  const bytes = randomBytes(16)
  bytes[0] = /** @type {number} */ (bytes[0]) & 0x7f
  return `0x${bytes.toString('hex')}`
}

/**
 * `-subj` treats `/`, `+`, `=` and `\` as syntax. Names allowed by isValidName contain none, but
 * escaping keeps a future looser name rule from producing a wrong subject.
 * @param {string} value
 */
function escapeSubjectValue(value) {
  return value.replace(/[\\/+=]/g, c => `\\${c}`)
}
