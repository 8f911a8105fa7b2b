/**
 * A real OpenVPN 2.6 server for the connect action's end-to-end tests, in a network namespace the
 * test makes (`ip netns add`): the server listens on the namespace's own loopback, the action runs
 * inside the same namespace (run-action's `launcher`), and every tun device, address and route
 * lives and dies with the namespace, so nothing touches the machine's own network and parallel
 * test runs cannot collide. Needs root, /dev/net/tun, `ip`, `openssl` and `openvpn`
 * ({@link missingPrerequisites}).
 *
 * The PKI: the stand-in's test-only client CA (test-server/tls/client-ca.*) signs a server
 * certificate and the client certificates made here with `openssl`, in a private temporary
 * directory; "stranger" is signed by another CA made here, "revoked" is listed in a CRL of the
 * client CA.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  accessSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The stand-in's test-only SSL-VPN client CA (test-server/tls/README.md). */
const CLIENT_CA_CERT_PATH = fileURLToPath(
  new URL('../test-server/tls/client-ca.pem', import.meta.url)
)
const CLIENT_CA_KEY_PATH = fileURLToPath(
  new URL('../test-server/tls/client-ca.key', import.meta.url)
)

/** What is missing for the real-OpenVPN tests, or undefined when nothing is. */
export function missingPrerequisites(): string | undefined {
  if (process.platform !== 'linux') return `Linux (this is ${process.platform})`
  if (process.geteuid?.() !== 0) return 'root (to make network namespaces and tun devices)'
  try {
    if (!statSync('/dev/net/tun').isCharacterDevice()) return '/dev/net/tun'
  } catch {
    return '/dev/net/tun'
  }
  for (const tool of ['openvpn', 'ip', 'openssl']) {
    const found = [
      '/usr/sbin',
      '/usr/bin',
      '/sbin',
      '/bin',
      '/usr/local/sbin',
      '/usr/local/bin'
    ].some(dir => {
      try {
        accessSync(join(dir, tool), constants.X_OK)
        return true
      } catch {
        return false
      }
    })
    if (!found) return `${tool} (apt-get install -y openvpn iproute2 openssl)`
  }
  return undefined
}

function run(command: string, args: string[], cwd?: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000
  })
}

/** A network namespace with its loopback up; `remove` deletes it. */
export class Namespace {
  readonly name = `sslvpn-e2e-${process.pid}-${randomBytes(3).toString('hex')}`

  constructor() {
    run('ip', ['netns', 'add', this.name])
    run('ip', ['-n', this.name, 'link', 'set', 'lo', 'up'])
  }

  /** The command prefix that runs a program inside the namespace. */
  get launcher(): string[] {
    return ['ip', 'netns', 'exec', this.name]
  }

  /** `ip -n <ns> <args>`. */
  ip(...args: string[]): string {
    return run('ip', ['-n', this.name, ...args])
  }

  remove(): void {
    try {
      run('ip', ['netns', 'del', this.name])
    } catch {
      // already gone
    }
  }
}

/** One client's certificate and key (PEM). */
export interface ClientMaterial {
  cert: string
  key: string
}

/** The test PKI, made once per test file. */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'sslvpn-e2e-pki-'))
  readonly caCert = readFileSync(CLIENT_CA_CERT_PATH, 'utf8')
  readonly serverCert: string
  readonly serverKey: string
  readonly client: ClientMaterial
  readonly stranger: ClientMaterial
  readonly revoked: ClientMaterial
  readonly crlPath: string

  constructor() {
    writeFileSync(
      join(this.dir, 'ext.cnf'),
      [
        '[server]',
        'basicConstraints = critical, CA:FALSE',
        'keyUsage = critical, digitalSignature, keyEncipherment',
        'extendedKeyUsage = serverAuth',
        '[client]',
        'basicConstraints = critical, CA:FALSE',
        'keyUsage = critical, digitalSignature, keyEncipherment',
        'extendedKeyUsage = clientAuth',
        ''
      ].join('\n')
    )
    run(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'other-ca.key',
        '-subj',
        '/CN=TEST-ONLY another CA',
        '-days',
        '2',
        '-out',
        'other-ca.pem'
      ],
      this.dir
    )
    const server = this.issue('server', 'server', CLIENT_CA_CERT_PATH, CLIENT_CA_KEY_PATH)
    this.serverCert = server.cert
    this.serverKey = server.key
    this.client = this.issue('ci-release', 'client', CLIENT_CA_CERT_PATH, CLIENT_CA_KEY_PATH)
    this.stranger = this.issue(
      'stranger',
      'client',
      join(this.dir, 'other-ca.pem'),
      join(this.dir, 'other-ca.key')
    )
    this.revoked = this.issue('revoked', 'client', CLIENT_CA_CERT_PATH, CLIENT_CA_KEY_PATH)
    this.crlPath = this.revoke(this.revoked.cert)
  }

  /** A key and a certificate for `name`, signed by the given CA (a random serial, no .srl file). */
  private issue(name: string, extension: string, caCert: string, caKey: string): ClientMaterial {
    run(
      'openssl',
      ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`],
      this.dir
    )
    run(
      'openssl',
      ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`],
      this.dir
    )
    run(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        caCert,
        '-CAkey',
        caKey,
        '-set_serial',
        `0x${randomBytes(8).toString('hex')}`,
        '-days',
        '2',
        '-extfile',
        'ext.cnf',
        '-extensions',
        extension,
        '-out',
        `${name}.pem`
      ],
      this.dir
    )
    return {
      cert: readFileSync(join(this.dir, `${name}.pem`), 'utf8'),
      key: readFileSync(join(this.dir, `${name}.key`), 'utf8')
    }
  }

  /** A CRL of the client CA listing `cert`; returns its path. */
  private revoke(cert: string): string {
    writeFileSync(join(this.dir, 'revoked-cert.pem'), cert)
    const serial =
      run('openssl', ['x509', '-in', 'revoked-cert.pem', '-noout', '-serial'], this.dir)
        .trim()
        .split('=')[1] ?? ''
    writeFileSync(
      join(this.dir, 'index.txt'),
      `R\t301201000000Z\t261201000000Z\t${serial}\tunknown\t/CN=revoked\n`
    )
    writeFileSync(
      join(this.dir, 'ca.cnf'),
      '[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\ndefault_md = sha256\ndefault_crl_days = 2\n'
    )
    run(
      'openssl',
      [
        'ca',
        '-gencrl',
        '-config',
        'ca.cnf',
        '-keyfile',
        CLIENT_CA_KEY_PATH,
        '-cert',
        CLIENT_CA_CERT_PATH,
        '-out',
        'crl.pem'
      ],
      this.dir
    )
    return join(this.dir, 'crl.pem')
  }

  /** The same key encrypted with `passphrase` (PKCS#8, AES-256), as the create action writes it. */
  encryptedKey(key: string, passphrase: string): string {
    writeFileSync(join(this.dir, 'plain.key'), key, { mode: 0o600 })
    writeFileSync(join(this.dir, 'pass.txt'), passphrase, { mode: 0o600 })
    return run(
      'openssl',
      ['pkcs8', '-topk8', '-in', 'plain.key', '-v2', 'aes-256-cbc', '-passout', 'file:pass.txt'],
      this.dir
    )
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** The pushed route every test server announces. */
export const PUSHED_ROUTE = '10.99.0.0/16'

export interface ServerOptions {
  port: number
  /** The tunnel's subnet, `10.<n>.0.0/24`. */
  subnet: number
  /** Extra server directives (`data-ciphers AES-128-CBC`…). */
  extra?: string[]
}

/** A running OpenVPN server in a namespace. */
export class OpenVpnServer {
  private constructor(private readonly child: ChildProcess) {}

  /** Starts it and resolves once it says `Initialization Sequence Completed` (30 s at most). */
  static async start(ns: Namespace, pki: TestPki, options: ServerOptions): Promise<OpenVpnServer> {
    const config = join(pki.dir, `server-${options.port}.conf`)
    writeFileSync(join(pki.dir, 'ca.pem'), pki.caCert)
    writeFileSync(join(pki.dir, 'server.pem'), pki.serverCert)
    writeFileSync(join(pki.dir, 'server.key'), pki.serverKey, { mode: 0o600 })
    writeFileSync(
      config,
      [
        'dev tun',
        'proto udp',
        'local 127.0.0.1',
        `port ${options.port}`,
        `server 10.${options.subnet}.0.0 255.255.255.0`,
        'topology subnet',
        `ca ${join(pki.dir, 'ca.pem')}`,
        `cert ${join(pki.dir, 'server.pem')}`,
        `key ${join(pki.dir, 'server.key')}`,
        `crl-verify ${pki.crlPath}`,
        'dh none',
        'keepalive 10 60',
        `push "route ${PUSHED_ROUTE.replace('/16', ' 255.255.0.0')}"`,
        'verb 3',
        ...(options.extra ?? []),
        ''
      ].join('\n')
    )
    const child = spawn('ip', ['netns', 'exec', ns.name, 'openvpn', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000)
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk
        if (output.includes('Initialization Sequence Completed')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.once('exit', code => {
        clearTimeout(timer)
        reject(new Error(`server exited with ${code}:\n${output}`))
      })
    })
    child.stdout?.resume()
    child.stderr?.resume()
    return new OpenVpnServer(child)
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve()
    return new Promise(resolve => {
      this.child.once('exit', () => resolve())
      this.child.kill('SIGTERM')
    })
  }
}

/** A client profile shaped like Alibaba Cloud's ClientConfig, with its PEM blocks inline. */
export function clientProfile(
  pki: TestPki,
  port: number,
  client: { cert: string; key: string },
  extra: string[] = []
): string {
  return [
    'client',
    'dev tun',
    'proto udp',
    `remote 127.0.0.1 ${port}`,
    'resolv-retry infinite',
    'nobind',
    'persist-key',
    'persist-tun',
    'keepalive 10 60',
    'verb 3',
    ...extra,
    `<ca>\n${pki.caCert.trim()}\n</ca>`,
    `<cert>\n${client.cert.trim()}\n</cert>`,
    `<key>\n${client.key.trim()}\n</key>`,
    ''
  ].join('\n')
}

/** True while a process of that pid exists. */
export function isRunning(pid: number | undefined): boolean {
  // kill(0) would signal our own process group.
  if (pid === undefined || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The pids of the processes whose command line mentions `text` (a test's private directory). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}
