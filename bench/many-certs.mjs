// Part 3: many certificates on one gateway. The stand-in's gateway is Configuring for 2 s after
// each certificate it creates; (b) starts 20 `node dist/index.js` processes at once, each with its
// own name, as a workflow matrix runs them; (a) runs one step with all 20 in `names` (serial), then
// runs it again as a re-run of the same job, which must create nothing.
import { DEFAULT_CREDENTIALS, startStandIn } from '../test-server/stand-in.mjs'
import { runAction } from '../test-server/run-action.mjs'
import { loadNote, markdownTable, ratio, seconds, watchLoad } from './lib.mjs'

export const CERTIFICATES = 20
export const BUSY_AFTER_CREATE_MS = 2000

/** (a): one step with `names`; then the same step again (a re-run), which must create nothing. */
async function serialBatch(key) {
  const standIn = await startStandIn({ busyAfterCreateMs: BUSY_AFTER_CREATE_MS })
  const names = Array.from(
    { length: CERTIFICATES },
    (_, i) => `cohort-${String(i + 1).padStart(2, '0')}`
  )
  const run = () =>
    runAction({
      inputs: {
        'region-id': 'cn-hangzhou',
        'ssl-vpn-server-id': 'vss-standin0001',
        names: names.join('\n'),
        endpoint: standIn.endpoint,
        'timeout-seconds': '300'
      },
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
        GITHUB_REPOSITORY: 'acme/onboarding',
        GITHUB_RUN_ID: '2026',
        GITHUB_JOB: 'cohort',
        GITHUB_ACTION: 'certificates'
      },
      killAfterMs: 330_000
    })
  try {
    const started = performance.now()
    const first = await run()
    const totalMs = performance.now() - started
    const callsFirst = standIn.calls.length
    const createdFirst = standIn.certificates.length
    const rerun = await run()
    return {
      totalMs,
      calls: callsFirst,
      createCalls: standIn.calls
        .slice(0, callsFirst)
        .filter(c => c.action === 'CreateSslVpnClientCert').length,
      created: createdFirst,
      createdOnRerun: standIn.certificates.length - createdFirst,
      callsOnRerun: standIn.calls.length - callsFirst,
      ok:
        first.exitCode === 0 &&
        rerun.exitCode === 0 &&
        Object.keys(JSON.parse(first.outputs['cert-ids'] ?? '{}')).length === CERTIFICATES
    }
  } finally {
    await standIn.close()
  }
}

export async function manyCertificates({ log = () => undefined } = {}) {
  const [key] = DEFAULT_CREDENTIALS
  const floorMs = CERTIFICATES * BUSY_AFTER_CREATE_MS
  const loadDone = watchLoad()
  const serial = await serialBatch(key)
  log(
    `  part 3 (a): ${serial.created} certificates in ${seconds(serial.totalMs)}; re-run created ${serial.createdOnRerun}`
  )
  const standIn = await startStandIn({ busyAfterCreateMs: BUSY_AFTER_CREATE_MS })
  let runs
  let totalMs
  try {
    const started = performance.now()
    runs = await Promise.all(
      Array.from({ length: CERTIFICATES }, (_, i) =>
        runAction({
          inputs: {
            'region-id': 'cn-hangzhou',
            'ssl-vpn-server-id': 'vss-standin0001',
            name: `matrix-leg-${String(i + 1).padStart(2, '0')}`,
            endpoint: standIn.endpoint,
            'timeout-seconds': '300'
          },
          env: {
            ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret
          },
          killAfterMs: 330_000
        })
      )
    )
    totalMs = performance.now() - started
  } finally {
    await standIn.close()
  }
  const load = loadDone()
  const succeeded = runs.filter(r => r.exitCode === 0 && r.outputs['cert-id']).length
  const createCalls = standIn.calls.filter(c => c.action === 'CreateSslVpnClientCert').length
  const created = standIn.certificates.length
  const distinctNames = new Set(standIn.certificates.map(c => c.name)).size
  log(`  part 3: ${succeeded}/${CERTIFICATES} processes succeeded in ${seconds(totalMs)}`)
  const table = markdownTable(
    [
      'how',
      'total time',
      `÷ floor (${CERTIFICATES} × ${BUSY_AFTER_CREATE_MS / 1000} s)`,
      'calls per certificate',
      'certificates created',
      'steps succeeded'
    ],
    [
      [
        '(a) one step with `names` (serial)',
        seconds(serial.totalMs),
        ratio(serial.totalMs, floorMs),
        (serial.createCalls / CERTIFICATES).toFixed(1),
        `${serial.created}${serial.created === CERTIFICATES ? '' : ' (**expected exactly 20**)'}; re-run: ${serial.createdOnRerun} more (${serial.callsOnRerun} calls)`,
        serial.ok ? '1 / 1, re-run 1 / 1' : '**failed**'
      ],
      [
        `(b) ${CERTIFICATES} concurrent processes (matrix)`,
        seconds(totalMs),
        ratio(totalMs, floorMs),
        (createCalls / CERTIFICATES).toFixed(1),
        `${created}${created === CERTIFICATES && distinctNames === CERTIFICATES ? '' : ' (**expected exactly 20**)'}`,
        `${succeeded} / ${CERTIFICATES}`
      ]
    ]
  )
  return {
    table,
    load,
    notes: [loadNote(load)],
    serial,
    ok:
      succeeded === CERTIFICATES &&
      created === CERTIFICATES &&
      serial.ok &&
      serial.createdOnRerun === 0
  }
}
