// Revoking 20 certificates on one gateway: the revoke action (dist/revoke/index.js, as
// revoke/action.yml names it) in one step with `name`, against a stand-in whose gateway is busy
// for 2 s after each delete. Each delete must wait for the last one: the floor is 20 × 2 s. Two
// gateways: (a) the certificate leaves the listing when the gateway is free again (the delete is
// over then: the realistic case), so the action's wait until gone paces it; (b) the certificate
// leaves the listing at once while the gateway stays busy, so the next delete meets
// VpnGateway.Configuring and its retries pace it. Then (a)'s step again, as a re-run of the same
// job, which must delete nothing. bench/run.mjs prints the table; `node bench/revoke.mjs` alone
// prints it too.
import { fileURLToPath } from 'node:url'
import { DEFAULT_CREDENTIALS, startStandIn } from '../test-server/stand-in.mjs'
import { runAction } from '../test-server/run-action.mjs'
import { loadNote, markdownTable, ratio, seconds, watchLoad } from './lib.mjs'

export const REVOKED = 20
export const BUSY_AFTER_DELETE_MS = 2000

/** One revoke step (and with `rerun`, the same step again) against a fresh stand-in. */
async function revokeStep(key, { deleteVisibleForMs, rerun }) {
  const standIn = await startStandIn({
    busyAfterDeleteMs: BUSY_AFTER_DELETE_MS,
    deleteVisibleForMs,
    existingCertificates: Array.from({ length: REVOKED }, () => ({ name: 'contractors' }))
  })
  const run = () =>
    runAction({
      action: 'revoke',
      inputs: {
        'region-id': 'cn-hangzhou',
        'ssl-vpn-server-id': 'vss-standin0001',
        name: 'contractors',
        endpoint: standIn.endpoint,
        'timeout-seconds': '300'
      },
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
        GITHUB_REPOSITORY: 'acme/offboarding',
        GITHUB_RUN_ID: '2027',
        GITHUB_JOB: 'offboard',
        GITHUB_ACTION: 'revoke'
      },
      killAfterMs: 330_000
    })
  try {
    const started = performance.now()
    const first = await run()
    const totalMs = performance.now() - started
    const calls = standIn.calls.length
    const revoked = JSON.parse(first.outputs['revoked-cert-ids'] ?? '[]').length
    const disconnections = standIn.disconnections['vss-standin0001'] ?? 0
    const again = rerun ? await run() : undefined
    const deletesOnRerun = standIn.calls
      .slice(calls)
      .filter(c => c.action === 'DeleteSslVpnClientCert').length
    return {
      totalMs,
      calls,
      busyAnswers: standIn.calls.filter(c => c.outcome === 'VpnGateway.Configuring').length,
      revoked,
      disconnections,
      left: standIn.listedCertificates().length,
      rerun: again && {
        ok: again.exitCode === 0,
        calls: standIn.calls.length - calls,
        deletes: deletesOnRerun,
        disconnections: (standIn.disconnections['vss-standin0001'] ?? 0) - disconnections
      },
      ok: first.exitCode === 0 && revoked === REVOKED && disconnections === REVOKED
    }
  } finally {
    await standIn.close()
  }
}

export async function revokeMany({ log = () => undefined } = {}) {
  const [key] = DEFAULT_CREDENTIALS
  const floorMs = REVOKED * BUSY_AFTER_DELETE_MS
  const loadDone = watchLoad()
  const paced = await revokeStep(key, {
    deleteVisibleForMs: BUSY_AFTER_DELETE_MS,
    rerun: true
  })
  log(`  revoke (a): ${paced.revoked} revoked in ${seconds(paced.totalMs)}`)
  const busy = await revokeStep(key, { deleteVisibleForMs: 0, rerun: false })
  log(`  revoke (b): ${busy.revoked} revoked in ${seconds(busy.totalMs)}`)
  const load = loadDone()
  const row = (how, r) => [
    how,
    seconds(r.totalMs),
    ratio(r.totalMs, floorMs),
    (r.calls / REVOKED).toFixed(1),
    String(r.busyAnswers),
    `${r.revoked}${r.revoked === REVOKED && r.left === 0 ? '' : ` (**expected exactly ${REVOKED}, none left**)`}`,
    String(r.disconnections)
  ]
  const table = markdownTable(
    [
      'gateway',
      'total time',
      `÷ floor (${REVOKED} × ${BUSY_AFTER_DELETE_MS / 1000} s)`,
      'calls per certificate',
      'Configuring answers',
      'certificates revoked',
      'disconnections'
    ],
    [
      row('(a) listed until the gateway is free (each delete waited out until gone)', paced),
      row('(b) gone from the listing at once, gateway still busy (deletes retried)', busy),
      [
        '(a) again: a re-run of the same job',
        '–',
        '–',
        paced.rerun
          ? `${paced.rerun.calls} ${paced.rerun.calls === 1 ? 'call' : 'calls'} in all`
          : '–',
        '–',
        paced.rerun
          ? `${paced.rerun.deletes} deletes${paced.rerun.ok ? '' : ' (**the step failed**)'}`
          : '–',
        paced.rerun ? String(paced.rerun.disconnections) : '–'
      ]
    ]
  )
  const notes = [
    `Calls per certificate count every call of the step (the listing by name, each delete attempt, each listing until gone) ÷ ${REVOKED}.`,
    `Every accepted delete disconnects every client of the SSL server: ${REVOKED} revocations cost its users ${REVOKED} disconnections, however fast.`,
    loadNote(load)
  ]
  return {
    table,
    load,
    notes,
    /** The whole section of bench/results.md: heading, what was measured, table, notes. */
    section: [
      `## Revoke ${REVOKED} certificates on one gateway`,
      `One step of the revoke action (\`dist/revoke/index.js\`) with \`name\` matching ${REVOKED} certificates, the stand-in's gateway busy ${BUSY_AFTER_DELETE_MS / 1000} s after each delete (floor: ${REVOKED} × ${BUSY_AFTER_DELETE_MS / 1000} s, since deletes cannot overlap on one gateway).`,
      table,
      notes.map(n => `- ${n}`).join('\n')
    ].join('\n\n'),
    paced,
    busy,
    ok: paced.ok && busy.ok && paced.rerun?.ok === true && paced.rerun.deletes === 0
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await revokeMany({ log: line => process.stderr.write(`${line}\n`) })
  process.stdout.write(`${result.section}\n`)
  if (!result.ok) process.exitCode = 1
}
