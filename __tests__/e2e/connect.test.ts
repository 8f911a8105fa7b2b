/**
 * End to end over the connect action's bundle against a real OpenVPN 2.6 server: the bundle that
 * connect/action.yml's `runs.main` names runs as the runner runs it (INPUT_* variables,
 * GITHUB_OUTPUT, GITHUB_STATE, then the post step with the saved state), inside a network
 * namespace of the test's own where the server listens on loopback (__fixtures__/openvpn-server.ts
 * says why). Every connection is bounded by timeout-seconds and run-action's kill timer.
 *
 * Where the real thing is missing (root, /dev/net/tun, openvpn), these tests fail under CI=true
 * (.ci/run installs openvpn) and are skipped, loudly, elsewhere.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  clientProfile,
  isRunning,
  processesMentioning,
  missingPrerequisites,
  Namespace,
  OpenVpnServer,
  PUSHED_ROUTE,
  TestPki
} from '../../__fixtures__/openvpn-server.js'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { runAction, type RunOptions, type RunResult } from '../../test-server/run-action.mjs'

const missing = missingPrerequisites()
const inCi = process.env['CI'] === 'true'
if (missing !== undefined && !inCi) {
  console.warn(`e2e-connect: SKIPPED, this machine lacks ${missing} (under CI=true this fails).`)
}
const describeWithOpenVpn = missing !== undefined && !inCi ? describe.skip : describe

const PLAIN_PORT = 11940
const CBC_ONLY_PORT = 11941
const DOWN_PORT = 11949
const PASSPHRASE = 'correct "horse" \\ battery'

/** The lines of a PEM block's body: what must never be shown. */
function pemLines(pem: string): string[] {
  return pem.split('\n').filter(line => line.length >= 16 && !line.startsWith('-----'))
}

describeWithOpenVpn('connect against a real OpenVPN server', () => {
  let ns: Namespace
  let pki: TestPki
  let servers: OpenVpnServer[] = []
  let runnerTemp: string

  beforeAll(async () => {
    if (missing !== undefined) {
      throw new Error(
        `The connect end-to-end tests need ${missing} on this machine (CI=true: not skipped).`
      )
    }
    ns = new Namespace()
    pki = new TestPki()
    servers = [
      await OpenVpnServer.start(ns, pki, { port: PLAIN_PORT, subnet: 81 }),
      await OpenVpnServer.start(ns, pki, {
        port: CBC_ONLY_PORT,
        subnet: 82,
        extra: ['data-ciphers AES-128-CBC', 'cipher AES-128-CBC', 'comp-lzo']
      })
    ]
  }, 60_000)

  afterAll(async () => {
    await Promise.all(servers.map(server => server.stop()))
    ns?.remove()
    pki?.remove()
  })

  /** Every RUNNER_TEMP a test made: what a failing test leaves behind is found from them. */
  const runnerTemps: string[] = []

  /** A fresh RUNNER_TEMP per run, so "no file left" is checkable. */
  function freshRunnerTemp(): string {
    runnerTemp = mkdtempSync(join(tmpdir(), 'sslvpn-e2e-runner-temp-'))
    runnerTemps.push(runnerTemp)
    return runnerTemp
  }

  // A test that fails before its post step (or keep-connected's) leaves an OpenVPN client running,
  // which would hold its tun device and port for the rest of the file, and outlive the namespace.
  // Each client's command line names its RUNNER_TEMP, so those are found and killed here.
  afterEach(() => {
    for (const dir of runnerTemps.splice(0)) {
      for (const pid of processesMentioning(dir)) {
        if (pid === process.pid) continue
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // gone meanwhile
        }
      }
      rmSync(dir, { recursive: true, force: true })
    }
  })

  function connect(inputs: Record<string, string>, more: Partial<RunOptions> = {}) {
    return runAction({
      action: 'connect',
      launcher: ns.launcher,
      env: { RUNNER_TEMP: freshRunnerTemp() },
      killAfterMs: 60_000,
      inputs,
      ...more
    })
  }

  /** The post step, as the runner runs it after the main step, with its saved state. */
  function post(main: RunResult) {
    return runAction({
      action: 'connect',
      launcher: ns.launcher,
      env: { RUNNER_TEMP: runnerTemp },
      killAfterMs: 30_000,
      state: main.state
    })
  }

  function savedPid(result: RunResult): number | undefined {
    const record = JSON.parse(result.state['connection'] ?? '{}') as { pid?: number }
    return record.pid
  }

  test('a plain profile: up from OpenVPN itself, outputs set, nothing secret shown; the post step disconnects and leaves no file', async () => {
    const profile = clientProfile(pki, PLAIN_PORT, pki.client)
    const main = await connect({ profile, 'timeout-seconds': '20' })
    expect(main.errors).toEqual([])
    expect(main.exitCode).toBe(0)
    expect(main.outputs['tunnel-ip']).toMatch(/^10\.81\.0\.\d+$/)
    expect(main.outputs['interface']).toMatch(/^tun\d+$/)
    expect(JSON.parse(main.outputs['routes'] ?? '')).toEqual([PUSHED_ROUTE])
    const pid = Number(main.outputs['pid'])
    expect(isRunning(pid)).toBe(true)
    // The address is really on that device, in the namespace.
    expect(ns.ip('-4', 'addr', 'show', 'dev', main.outputs['interface'] ?? '')).toContain(
      main.outputs['tunnel-ip']
    )
    expect(main.summary).toContain(`Connected to 127.0.0.1:${PLAIN_PORT}`)
    // OpenVPN's version, read from its own first log line (no `openvpn --version` started).
    expect(main.summary).toMatch(/OpenVPN 2\.\d+(\.\d+)? pid \d+/)
    expectNoSecrets(main, pemLines(pki.client.key))
    // While up, the profile copy is private to the runner user.
    expect(readdirSync(runnerTemp)).toHaveLength(1)

    const after = await post(main)
    expect(after.exitCode).toBe(0)
    expect(after.stdout).toMatch(/Disconnected: the tunnel was up for \d+/)
    expect(isRunning(pid)).toBe(false)
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test('an encrypted key with the right passphrase connects; the passphrase is in no command line or environment of OpenVPN', async () => {
    const profile = clientProfile(pki, PLAIN_PORT, {
      cert: pki.client.cert,
      key: pki.encryptedKey(pki.client.key, PASSPHRASE)
    })
    // As the create action's output: a file path.
    const dir = mkdtempSync(join(tmpdir(), 'sslvpn-e2e-profile-'))
    const file = join(dir, 'ci-release.ovpn')
    writeFileSync(file, profile, { mode: 0o600 })
    try {
      const main = await connect({
        'config-file': file,
        'key-passphrase': PASSPHRASE,
        'timeout-seconds': '20'
      })
      expect(main.errors).toEqual([])
      const pid = Number(main.outputs['pid'])
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8')
      expect(cmdline).toContain('--management-query-passwords')
      expect(cmdline).not.toContain(PASSPHRASE)
      expect(environ).not.toContain(PASSPHRASE)
      expect(environ).not.toContain('INPUT_')
      expectNoSecrets(main, [PASSPHRASE])
      await post(main)
      expect(isRunning(pid)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a wrong passphrase fails at once with that reason, and leaves no process and no file', async () => {
    const profile = clientProfile(pki, PLAIN_PORT, {
      cert: pki.client.cert,
      key: pki.encryptedKey(pki.client.key, PASSPHRASE)
    })
    const main = await connect({
      profile,
      'key-passphrase': 'not the passphrase',
      'timeout-seconds': '30'
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toMatch(/^Wrong key-passphrase/)
    expect(main.stdout).toContain("::debug::OpenVPN's last lines:")
    const pid = savedPid(main)
    expect(pid).toBeDefined()
    expect(isRunning(pid)).toBe(false)
    expect(processesMentioning(runnerTemp)).toEqual([])
    expect(readdirSync(runnerTemp)).toEqual([])
    expectNoSecrets(main, ['not the passphrase', ...pemLines(pki.client.key)])
    const after = await post(main)
    expect(after.stdout).toContain('nothing to do')
  })

  test('an encrypted key without key-passphrase is refused before OpenVPN starts', async () => {
    const profile = clientProfile(pki, PLAIN_PORT, {
      cert: pki.client.cert,
      key: pki.encryptedKey(pki.client.key, PASSPHRASE)
    })
    const main = await connect({ profile })
    expect(main.errors).toEqual([
      "Input 'key-passphrase': is required: the profile's private key is encrypted (give the passphrase it was made with)."
    ])
    expect(main.state['connection']).toBeUndefined()
  })

  test("an OpenVPN older than 2.5 (no --data-ciphers, which a CBC profile needs): refused naming the version, from OpenVPN's own words", async () => {
    // A stand-in for OpenVPN 2.4, first in PATH: what 2.4 says of an option it does not know.
    const bin = mkdtempSync(join(tmpdir(), 'sslvpn-e2e-openvpn24-'))
    runnerTemps.push(bin)
    writeFileSync(
      join(bin, 'openvpn'),
      '#!/bin/sh\necho "Options error: Unrecognized option or missing or extra parameter(s) in [CMD-LINE]:1: data-ciphers (2.4.12)"\necho "Use --help for more information."\nexit 1\n',
      { mode: 0o755 }
    )
    const profile = clientProfile(pki, CBC_ONLY_PORT, pki.client, ['cipher AES-128-CBC'])
    const main = await connect(
      { profile, 'timeout-seconds': '10' },
      { env: { RUNNER_TEMP: freshRunnerTemp(), PATH: `${bin}:${process.env['PATH'] ?? ''}` } }
    )
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toMatch(
      /^This runner's OpenVPN is older than 2\.5, which connect needs \(it has no --data-ciphers: "Options error: .*data-ciphers \(2\.4\.12\)"\): install a newer openvpn package before this step\.$/
    )
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test('an OpenVPN 2.4 that starts (a profile without CBC): stopped as soon as its first log line names its version', async () => {
    // A stand-in for OpenVPN 2.4.12 that gets as far as its management interface: it prints its
    // version first, as OpenVPN does, answers the commands connect sends, and exits when told to.
    const bin = mkdtempSync(join(tmpdir(), 'sslvpn-e2e-openvpn24-'))
    runnerTemps.push(bin)
    const version =
      'OpenVPN 2.4.12 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [EPOLL] built on Mar 17 2022'
    writeFileSync(
      join(bin, 'openvpn'),
      `#!${process.execPath}
const { createServer } = require('node:net')
const args = process.argv.slice(2)
const socketPath = args[args.indexOf('--management') + 1]
const now = Math.floor(Date.now() / 1000)
console.log(${JSON.stringify(version)})
const replies = {
  'log on all': \`\${now},,${version}\\r\\n\${now},,library versions: OpenSSL 1.1.1\\r\\nEND\\r\\nSUCCESS: real-time log notification set to ON\\r\\n\`,
  'state on': 'SUCCESS: real-time state notification set to ON\\r\\n',
  pid: \`SUCCESS: pid=\${process.pid}\\r\\n\`,
  'hold release': 'SUCCESS: hold release succeeded\\r\\n'
}
createServer(socket => {
  socket.write(">INFO:OpenVPN Management Interface Version 1 -- type 'help' for more info\\r\\n")
  let pending = ''
  socket.on('data', chunk => {
    pending += chunk
    let at
    while ((at = pending.indexOf('\\n')) >= 0) {
      const command = pending.slice(0, at).trim()
      pending = pending.slice(at + 1)
      if (command.startsWith('signal ')) {
        socket.end('SUCCESS: signal SIGTERM thrown\\r\\n', () => process.exit(0))
        return
      }
      socket.write(replies[command] ?? 'ERROR: unknown command\\r\\n')
    }
  })
}).listen(socketPath)
process.on('SIGTERM', () => process.exit(0))
`,
      { mode: 0o755 }
    )
    const profile = clientProfile(pki, PLAIN_PORT, pki.client)
    const main = await connect(
      { profile, 'timeout-seconds': '10' },
      { env: { RUNNER_TEMP: freshRunnerTemp(), PATH: `${bin}:${process.env['PATH'] ?? ''}` } }
    )
    expect(main.errors).toEqual([
      `${join(bin, 'openvpn')} is OpenVPN 2.4.12; connect needs OpenVPN 2.5 or later (install a newer openvpn package before this step).`
    ])
    expect(main.outputs).toEqual({})
    expect(isRunning(savedPid(main))).toBe(false)
    expect(processesMentioning(join(bin, 'openvpn'))).toEqual([])
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test('a server that is down: "Server unreachable" with OpenVPN\'s line, at timeout-seconds', async () => {
    const profile = clientProfile(pki, DOWN_PORT, pki.client)
    const main = await connect({ profile, 'timeout-seconds': '3' })
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toMatch(
      /^Not connected within 3 s\. Server unreachable: nothing answers at 127\.0\.0\.1:11949\/udp .*Connection refused/
    )
    expect(isRunning(savedPid(main))).toBe(false)
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test.each([
    ['issued by another CA', () => pki.stranger],
    ['revoked (in the server’s CRL)', () => pki.revoked]
  ])(
    'a client certificate %s: the server refuses it, and the reason says so',
    async (_what, material) => {
      const profile = clientProfile(pki, PLAIN_PORT, material())
      const main = await connect({ profile, 'timeout-seconds': '4' })
      expect(main.errors).toHaveLength(1)
      expect(main.errors[0]).toMatch(
        /^TLS handshake not completed within 4 s: the server's certificate verified, then the server stopped answering .* most likely refused it: revoked/
      )
      expect(isRunning(savedPid(main))).toBe(false)
      expect(readdirSync(runnerTemp)).toEqual([])
    }
  )

  test('an Alibaba Cloud profile (cipher AES-128-CBC, comp-lzo) reaches a server that offers only AES-128-CBC, and the log says what was added', async () => {
    const profile = clientProfile(pki, CBC_ONLY_PORT, pki.client, [
      'auth-nocache',
      'cipher AES-128-CBC',
      'comp-lzo'
    ])
    const main = await connect({ profile, 'timeout-seconds': '20' })
    expect(main.errors).toEqual([])
    expect(main.outputs['tunnel-ip']).toMatch(/^10\.82\.0\.\d+$/)
    expect(main.stdout).toContain(
      'connecting with --data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305:AES-128-CBC'
    )
    expect(main.stdout).toContain('data cipher AES-128-CBC')
    const pid = Number(main.outputs['pid'])
    await post(main)
    expect(isRunning(pid)).toBe(false)
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test('cancelled while connecting: stops OpenVPN, removes its files, fails as cancelled', async () => {
    const profile = clientProfile(pki, DOWN_PORT, pki.client)
    let sent = false
    const main = await connect(
      { profile, 'timeout-seconds': '60' },
      {
        onSpawn: child => {
          child.stdout?.on('data', (chunk: Buffer | string) => {
            if (!sent && String(chunk).includes('Starting OpenVPN')) {
              sent = true
              child.kill('SIGINT')
            }
          })
        }
      }
    )
    expect(sent).toBe(true)
    expect(main.errors).toEqual([
      'The workflow was cancelled before the tunnel was up; OpenVPN was stopped.'
    ])
    // The pid may not have been known yet: no process may mention the step's directory.
    expect(processesMentioning(runnerTemp)).toEqual([])
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test('keep-connected: the post step leaves the tunnel up and removes the profile copy', async () => {
    const profile = clientProfile(pki, PLAIN_PORT, pki.client)
    const main = await connect({ profile, 'keep-connected': 'true', 'timeout-seconds': '20' })
    expect(main.errors).toEqual([])
    const pid = Number(main.outputs['pid'])
    const after = await post(main)
    expect(after.stdout).toContain('keep-connected is true')
    try {
      expect(isRunning(pid)).toBe(true)
      const [workDir = ''] = readdirSync(runnerTemp)
      expect(readdirSync(join(runnerTemp, workDir)).sort()).toEqual(['openvpn.log', 'openvpn.sock'])
    } finally {
      process.kill(pid, 'SIGTERM')
    }
  })
})
