// `npm run demo`: the action end to end on this machine, no cloud account needed.
// Starts the local API stand-in (HTTPS on loopback, a test-only CA) with a VPN gateway that is busy
// for its first calls and a certificate that takes a moment to become ready, runs the bundled
// dist/index.js the way the GitHub runner does (with if-exists: reuse and config-dir), and prints
// the log, the outputs and the job summary. Then runs it again as a re-run of the same job, to
// show that the same certificate comes back instead of a second one.
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStandIn, DEFAULT_CREDENTIALS } from '../test-server/stand-in.mjs'
import { runAction } from '../test-server/run-action.mjs'

const BUSY_CALLS = 3
const [key] = DEFAULT_CREDENTIALS
const standIn = await startStandIn({ busyCalls: BUSY_CALLS, pendingStatusMs: 1_500 })
const profiles = await mkdtemp(join(tmpdir(), 'ssl-vpn-demo-'))
/**
 * The runner consumes `::add-mask::` commands and never shows them (they carry the secrets being
 * masked); print the rest of the log as it arrives, and a count of the masked values.
 */
let pending = ''
let masks = 0
function showAsTheRunnerDoes(chunk) {
  const lines = (pending + chunk).split('\n')
  pending = lines.pop() ?? ''
  for (const line of lines) {
    if (line.startsWith('::add-mask::')) masks++
    else process.stdout.write(`${line}\n`)
  }
}

const heading = text => console.log(`\n\x1b[1m== ${text}\x1b[0m`)
let failed = false

try {
  const run = {
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-standin0001',
      name: 'alice.demo',
      'if-exists': 'reuse',
      'config-dir': join(profiles, 'vpn'),
      endpoint: standIn.endpoint,
      'timeout-seconds': '60'
    },
    // As a workflow would pass them: the names the official credentials action exports.
    env: {
      ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
      GITHUB_REPOSITORY: 'example/onboarding',
      GITHUB_RUN_ID: '1001',
      GITHUB_JOB: 'onboard',
      GITHUB_ACTION: 'certificate'
    },
    onStdout: showAsTheRunnerDoes
  }

  heading(
    `Stand-in VPC API at ${standIn.url}; the gateway answers VpnGateway.Configuring ${BUSY_CALLS} times`
  )
  heading('node dist/index.js (log as the runner shows it)')
  const first = await runAction(run)
  console.log(
    `(${masks} values masked with ::add-mask::, which the runner consumes and never shows)`
  )
  masks = 0
  heading(`exit code ${first.exitCode}; outputs (from the GITHUB_OUTPUT file)`)
  console.log(first.outputs)
  heading('job summary (GITHUB_STEP_SUMMARY)')
  console.log(first.summary.trim())

  const file = first.outputs['config-file']
  if (file) {
    const mode = `0${((await stat(file)).mode & 0o777).toString(8)}`
    heading(
      `the OpenVPN profile: ${file} (mode ${mode}; content not shown: it holds the private key)`
    )
  }

  heading('Re-run of the same job: if-exists reuse finds the certificate, nothing new is created')
  const second = await runAction(run)
  console.log(
    `exit code ${second.exitCode}; cert-id ${second.outputs['cert-id']} (first run: ${first.outputs['cert-id']}); created ${second.outputs['created']}`
  )

  heading('What the stand-in saw')
  for (const call of standIn.calls) {
    console.log(
      `  ${call.action} signature ${call.signatureVersion} nonce ${call.nonce?.slice(0, 8)}…${call.clientToken ? ` token ${call.clientToken}` : ''} → ${call.outcome}`
    )
  }
  console.log(`  certificates created: ${standIn.certificates.length}`)
  failed =
    first.exitCode !== 0 ||
    second.exitCode !== 0 ||
    standIn.certificates.length !== 1 ||
    second.outputs['cert-id'] !== first.outputs['cert-id']
  if (failed)
    console.error('\nDemo FAILED: expected two successful runs and exactly one certificate.')
} finally {
  await standIn.close()
  await rm(profiles, { recursive: true, force: true })
}
process.exitCode = failed ? 1 : 0
