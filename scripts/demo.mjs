// `npm run demo`: the action end to end on this machine, no cloud account needed.
// Starts the local API stand-in (HTTPS on loopback, a test-only CA) with a VPN gateway that is busy
// for its first calls, runs the bundled dist/index.js the way the GitHub runner does, and prints
// the log, the outputs and the job summary. Then runs it again as a re-run of the same job, to
// show that the same certificate comes back instead of a second one.
import { startStandIn, DEFAULT_CREDENTIALS } from '../test-server/stand-in.mjs'
import { runAction } from '../test-server/run-action.mjs'

const BUSY_CALLS = 3
const [key] = DEFAULT_CREDENTIALS
const standIn = await startStandIn({ busyCalls: BUSY_CALLS })
const heading = text => console.log(`\n\x1b[1m== ${text}\x1b[0m`)
let failed = false

try {
  const run = {
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-standin0001',
      name: 'alice.demo',
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
    onStdout: chunk => process.stdout.write(chunk)
  }

  heading(
    `Stand-in VPC API at ${standIn.url}; the gateway answers VpnGateway.Configuring ${BUSY_CALLS} times`
  )
  heading('node dist/index.js (log as the runner shows it)')
  const first = await runAction(run)
  heading(`exit code ${first.exitCode}; outputs (from the GITHUB_OUTPUT file)`)
  console.log(first.outputs)
  heading('job summary (GITHUB_STEP_SUMMARY)')
  console.log(first.summary.trim())

  heading('Re-run of the same job: same ClientToken, so the same certificate comes back')
  const second = await runAction(run)
  console.log(
    `exit code ${second.exitCode}; cert-id ${second.outputs['cert-id']} (first run: ${first.outputs['cert-id']})`
  )

  heading('What the stand-in saw')
  for (const call of standIn.calls) {
    console.log(
      `  ${call.action} signature ${call.signatureVersion} nonce ${call.nonce?.slice(0, 8)}… token ${call.clientToken} → ${call.outcome}`
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
}
process.exitCode = failed ? 1 : 0
