// sync's plan at scale: a roster of 2,000 names against an SSL server with 2,000 certificates
// (1,950 on both, 50 leavers, 50 newcomers), the sync bundle (sync/action.yml's runs.main) in mode
// plan against the stand-in. Targets: the API calls are the listing's pages only (2,000 / PageSize
// 50 = 40), and the step's CPU time (user + system, the whole Node process: start-up, 40 signed
// HTTPS calls, parsing the roster, the plan, the summary) is under 1 s. For scale, the same step
// on an empty roster and server (one listing call). Prints a table; `node bench/sync-plan.mjs`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  actionInputs,
  actionYmlPath,
  inputVariable,
  subActionPaths,
  TEST_CA_PATH
} from '../test-server/run-action.mjs'
import { DEFAULT_CREDENTIALS, startStandIn } from '../test-server/stand-in.mjs'
import { loadNote, markdownTable, timedNode, verdict, watchLoad } from './lib.mjs'

export const NAMES = 2000
const LEAVERS = 50
const ROUNDS = 3

/** The step's environment as the runner builds it (run-action.mjs does the same for the tests). */
function stepEnv(inputs, extra) {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_EXTRA_CA_CERTS: TEST_CA_PATH,
    ...extra
  }
  for (const [name, { default: value }] of Object.entries(actionInputs(actionYmlPath('sync')))) {
    if (value !== undefined) env[inputVariable(name)] = value
  }
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value
  return env
}

async function planOnce(serverNames, rosterNames) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-sync-'))
  const standIn = await startStandIn({ existingCertificates: serverNames.map(name => ({ name })) })
  try {
    await writeFile(
      join(dir, 'roster.yml'),
      `certificates:\n${rosterNames.map(n => `  - name: ${n}\n`).join('')}`
    )
    const [key] = DEFAULT_CREDENTIALS
    const env = stepEnv(
      {
        'region-id': 'cn-hangzhou',
        'ssl-vpn-server-id': 'vss-standin0001',
        'roster-file': 'roster.yml',
        endpoint: standIn.endpoint,
        'max-revocations': String(NAMES),
        'timeout-seconds': '300'
      },
      {
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
        GITHUB_WORKSPACE: dir,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: join(dir, 'output'),
        GITHUB_STEP_SUMMARY: join(dir, 'summary')
      }
    )
    await writeFile(env.GITHUB_OUTPUT, '')
    await writeFile(env.GITHUB_STEP_SUMMARY, '')
    const run = await timedNode([subActionPaths('sync').script], env, {
      measureUsage: true,
      killAfterMs: 300_000
    })
    if (run.exitCode !== 0)
      throw new Error(`sync exited ${run.exitCode}:\n${run.output.slice(-2000)}`)
    const calls = standIn.calls.map(c => c.action)
    const pageSizes = new Set(standIn.calls.map(c => c.params['PageSize']))
    return {
      ...run,
      calls: calls.length,
      onlyListing: calls.every(a => a === 'DescribeSslVpnClientCerts'),
      pageSizes: [...pageSizes]
    }
  } finally {
    await standIn.close()
    await rm(dir, { recursive: true, force: true })
  }
}

export async function benchSyncPlan() {
  const server = Array.from({ length: NAMES }, (_, i) => `user-${String(i).padStart(4, '0')}`)
  const roster = [
    ...server.slice(LEAVERS),
    ...Array.from({ length: LEAVERS }, (_, i) => `newcomer-${i}`)
  ]
  const done = watchLoad()
  const rows = []
  const large = []
  const small = []
  for (let round = 0; round < ROUNDS; round++) {
    large.push(await planOnce(server, roster))
    small.push(await planOnce([], []))
  }
  const load = done()
  const best = runs => runs.reduce((a, b) => (a.cpuMs <= b.cpuMs ? a : b))
  const big = best(large)
  const empty = best(small)
  rows.push([
    `${NAMES} names × ${NAMES} certificates`,
    String(big.calls),
    big.onlyListing ? `listing only, PageSize ${big.pageSizes.join('/')}` : '**other calls too**',
    `${Math.round(big.cpuMs)} ms`,
    `${Math.round(big.wallMs)} ms`,
    verdict(big.onlyListing && big.calls === NAMES / 50 && big.cpuMs < 1000)
  ])
  rows.push([
    'empty roster, empty server',
    String(empty.calls),
    empty.onlyListing ? 'listing only' : '**other calls too**',
    `${Math.round(empty.cpuMs)} ms`,
    `${Math.round(empty.wallMs)} ms`,
    '–'
  ])
  return [
    `### sync plan: ${NAMES} names against ${NAMES} certificates (best of ${ROUNDS} CPU times)`,
    '',
    markdownTable(
      [
        'case',
        'API calls',
        'which',
        'CPU (step, whole process)',
        'wall',
        'target: 40 calls, CPU < 1 s'
      ],
      rows
    ),
    '',
    `CPU of the 2,000 × 2,000 plan beyond the empty one: ${Math.round(big.cpuMs - empty.cpuMs)} ms. ${loadNote(load)}`
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await benchSyncPlan())
}
