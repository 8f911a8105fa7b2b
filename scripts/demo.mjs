// `npm run demo`: a certificate's whole life, end to end on this machine, no cloud account needed.
// Starts the local API stand-in (HTTPS on loopback, a test-only CA) with a VPN gateway that is busy
// for its first calls and after every delete, and a certificate that takes a moment to become
// ready, and the GitHub REST stand-in. Then runs the committed bundles the way the GitHub runner
// does (inputs as INPUT_* variables, outputs from the GITHUB_OUTPUT file), printing their logs:
//   1. create: a certificate and its OpenVPN profile (if-exists: reuse, config-dir);
//   2. reuse: a re-run of the same job gets the same certificate back, nothing new is made;
//   3. the post step removes the profile at the end of the job;
//   4. replace (rotation): a new certificate, then the old one revoked;
//   5. report: which certificates expire, and a tracking issue that says so;
//   6. revoke (offboarding): every certificate of that name deleted.
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGitHubStandIn } from '../test-server/github-stand-in.mjs'
import { startStandIn, DEFAULT_CREDENTIALS } from '../test-server/stand-in.mjs'
import { runAction } from '../test-server/run-action.mjs'

const BUSY_CALLS = 3
const DAY_MS = 24 * 60 * 60 * 1000
const [key] = DEFAULT_CREDENTIALS
const standIn = await startStandIn({
  busyCalls: BUSY_CALLS,
  pendingStatusMs: 1_500,
  busyAfterDeleteMs: 1_000,
  // A colleague's certificate that ends in 5 days, for the expiry report.
  existingCertificates: [{ name: 'bob.demo', endTime: Date.now() + 5 * DAY_MS }]
})
const github = await startGitHubStandIn({ repository: 'example/onboarding' })
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

const exists = path =>
  path
    ? stat(path).then(
        () => true,
        () => false
      )
    : Promise.resolve(false)
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

  heading('Post step (end of the job): the profile is removed, so the key does not outlive the job')
  const post = await runAction({ ...run, state: second.state })
  const profileLeft = await exists(first.outputs['config-file'])
  console.log(`exit code ${post.exitCode}; profile still on disk: ${profileLeft}`)

  heading(
    'Rotation: a later run with if-exists: replace makes a new certificate, then revokes the old'
  )
  const rotation = await runAction({
    ...run,
    inputs: { ...run.inputs, 'if-exists': 'replace' },
    env: { ...run.env, GITHUB_RUN_ID: '1002' }
  })
  console.log(
    `exit code ${rotation.exitCode}; cert-id ${rotation.outputs['cert-id']}; replaced-cert-ids ${rotation.outputs['replaced-cert-ids']}`
  )

  heading('Expiry report (report/action.yml), with a tracking issue on the GitHub stand-in')
  const report = await runAction({
    action: 'report',
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-standin0001',
      endpoint: standIn.endpoint,
      'github-token': github.token
    },
    env: { ...run.env, GITHUB_API_URL: github.url, GITHUB_REPOSITORY: github.repository },
    onStdout: showAsTheRunnerDoes
  })
  console.log(
    `exit code ${report.exitCode}; expiring ${report.outputs['expiring']}; issue-number ${report.outputs['issue-number']}`
  )
  const [issue] = github.issues
  if (issue) console.log(`issue #${issue.number} "${issue.title}" (${issue.state}):\n${issue.body}`)

  heading('Offboarding (revoke/action.yml): every certificate named alice.demo is deleted')
  const revoke = await runAction({
    action: 'revoke',
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-standin0001',
      name: 'alice.demo',
      endpoint: standIn.endpoint
    },
    env: run.env,
    onStdout: showAsTheRunnerDoes
  })
  console.log(
    `exit code ${revoke.exitCode}; revoked-cert-ids ${revoke.outputs['revoked-cert-ids']}; count ${revoke.outputs['count']}`
  )

  heading('What the stand-in saw')
  for (const call of standIn.calls) {
    console.log(
      `  ${call.action} signature ${call.signatureVersion} nonce ${call.nonce?.slice(0, 8)}…${call.clientToken ? ` token ${call.clientToken}` : ''} → ${call.outcome}`
    )
  }
  const left = standIn.listedCertificates().map(c => c.name)
  console.log(
    `  certificates created: ${standIn.certificates.length - 1} (and bob.demo, there before); still listed: ${left.join(', ')}; clients disconnected by deletes: ${standIn.disconnections['vss-standin0001'] ?? 0}`
  )
  failed =
    [first, second, post, rotation, report, revoke].some(r => r.exitCode !== 0) ||
    second.outputs['cert-id'] !== first.outputs['cert-id'] ||
    rotation.outputs['cert-id'] === first.outputs['cert-id'] ||
    profileLeft ||
    !github.issues.some(i => i.state === 'open') ||
    left.join(',') !== 'bob.demo'
  if (failed) {
    console.error(
      '\nDemo FAILED: expected every step to succeed, the same certificate on the re-run, the profile removed, a new one on rotation, an open tracking issue, and only bob.demo left.'
    )
  }
} finally {
  await standIn.close()
  await github.close()
  await rm(profiles, { recursive: true, force: true })
}
process.exitCode = failed ? 1 : 0
