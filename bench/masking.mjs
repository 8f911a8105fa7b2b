// Part 4: masking that scales with the batch. One step with `names` and `config-dir` against a free
// gateway (no busy options), the stand-in answering RSA-2048 material like the real service, its
// own key for every certificate: every long line of each certificate's key and certificate is a
// secret the action masks, so the action's CPU time grows with how it handles many secrets. For
// each batch size: wall time from spawn to exit, and the action's own CPU time (user + system, from
// process.resourceUsage() at exit through bench/usage-preload.mjs), per certificate too.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_CREDENTIALS, prepareClientKeys, startStandIn } from '../test-server/stand-in.mjs'
import { parseOutputFile, TEST_CA_PATH } from '../test-server/run-action.mjs'
import {
  ROOT,
  childNode,
  exec,
  loadNote,
  markdownTable,
  ratio,
  seconds,
  timedNode,
  verdict,
  watchLoad
} from './lib.mjs'

const DIST = join(ROOT, 'dist', 'index.js')

/** Batch sizes; BENCH_MASKING_NAMES="20,200" picks others. The targets compare the first and last. */
export const BATCH_SIZES = (process.env.BENCH_MASKING_NAMES ?? '20,50,100,200')
  .split(',')
  .map(Number)
  .filter(n => Number.isInteger(n) && n > 0)
/** A run still going after this long is stopped (BENCH_MASKING_LIMIT_S), and larger ones skipped. */
export const LIMIT_MS = Number(process.env.BENCH_MASKING_LIMIT_S ?? 600) * 1000
/** Targets: the largest batch under 3 s of action CPU, and CPU per certificate within 1.5×. */
const CPU_TARGET_MS = 3000
const PER_CERTIFICATE_TARGET = 1.5

/** Long lines (as the action masks them: 16 characters or more, not BEGIN/END) in a profile. */
function longLines(profile) {
  return profile
    .split('\n')
    .map(line => line.trim())
    .filter(line => line.length >= 16 && !/^-----(BEGIN|END) /.test(line) && !line.startsWith('<'))
}

/**
 * One step creating `count` certificates with `names` and writing their profiles to a fresh
 * `config-dir`, on a stand-in of its own. Resolves to { count, wallMs, cpuMs, killed, longLines }.
 */
async function runBatch(count, key) {
  const standIn = await startStandIn()
  const work = await mkdtemp(join(tmpdir(), 'bench-masking-'))
  try {
    const names = Array.from({ length: count }, (_, i) => `batch-${String(i + 1).padStart(3, '0')}`)
    const outputFile = join(work, 'output')
    const configDir = join(work, 'profiles')
    await writeFile(outputFile, '')
    await writeFile(join(work, 'summary'), '')
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: join(work, 'summary'),
      NODE_EXTRA_CA_CERTS: TEST_CA_PATH,
      ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
      'INPUT_REGION-ID': 'cn-hangzhou',
      'INPUT_SSL-VPN-SERVER-ID': 'vss-standin0001',
      INPUT_NAMES: names.join('\n'),
      'INPUT_CONFIG-DIR': configDir,
      INPUT_ENDPOINT: standIn.endpoint,
      'INPUT_TIMEOUT-SECONDS': String(Math.ceil(LIMIT_MS / 1000) + 60)
    }
    const result = await timedNode([DIST], env, { measureUsage: true, killAfterMs: LIMIT_MS })
    if (result.killed) return { count, killed: true, wallMs: result.wallMs, cpuMs: NaN }
    const outputs = parseOutputFile(await readFile(outputFile, 'utf8'))
    const certIds = Object.keys(JSON.parse(outputs['cert-ids'] ?? '{}'))
    const profiles = await readdir(configDir).catch(() => [])
    if (result.exitCode !== 0 || certIds.length !== count || profiles.length !== count) {
      throw new Error(
        `${count} names: exit ${result.exitCode}, ${certIds.length} cert-ids, ${profiles.length} profiles (expected ${count} of each):\n${result.output.slice(-2000)}`
      )
    }
    const lines = longLines(await readFile(join(configDir, profiles[0]), 'utf8'))
    return { count, killed: false, wallMs: result.wallMs, cpuMs: result.cpuMs, longLines: lines }
  } finally {
    await standIn.close()
    await rm(work, { recursive: true, force: true })
  }
}

export async function masking({ log = () => undefined } = {}) {
  const [key] = DEFAULT_CREDENTIALS
  const largest = Math.max(...BATCH_SIZES)
  log(`  part 4: client key pool: ${largest} RSA-2048 keys (generated once, then cached)…`)
  await prepareClientKeys(largest)
  const loadDone = watchLoad()
  const rows = []
  for (const count of BATCH_SIZES) {
    if (rows.at(-1)?.killed) {
      rows.push({ count, skipped: true })
      continue
    }
    const row = await runBatch(count, key)
    log(
      `  part 4: ${count} names: ${row.killed ? `stopped after ${seconds(row.wallMs)}` : `${seconds(row.wallMs)} wall, ${seconds(row.cpuMs)} action CPU`}`
    )
    rows.push(row)
  }
  const load = loadDone()

  const measured = rows.filter(r => !r.killed && !r.skipped)
  const first = measured[0]
  const perCertificate = r => r.cpuMs / r.count
  const limit = `> ${seconds(LIMIT_MS)} (stopped)`
  const table = markdownTable(
    [
      'names',
      'wall time',
      'action CPU (user + sys)',
      'CPU per certificate',
      `CPU per certificate ÷ at ${first?.count ?? '–'}`
    ],
    rows.map(r => {
      if (r.skipped) return [r.count, 'not run (a smaller batch was stopped)', '–', '–', '–']
      if (r.killed) return [r.count, limit, limit, '–', '–']
      return [
        r.count,
        seconds(r.wallMs),
        seconds(r.cpuMs),
        `${perCertificate(r).toFixed(1)} ms`,
        ratio(perCertificate(r), perCertificate(first))
      ]
    })
  )

  const last = rows.at(-1)
  const lastDone = last && !last.killed && !last.skipped
  const targets = markdownTable(
    ['target', '', 'measured'],
    [
      [
        `${last?.count} names: action CPU`,
        `< ${seconds(CPU_TARGET_MS)}`,
        lastDone
          ? `${seconds(last.cpuMs)} ${verdict(last.cpuMs < CPU_TARGET_MS)}`
          : `not measured (${last?.killed ? 'stopped' : 'not run'}) ${verdict(false)}`
      ],
      [
        `CPU per certificate, ${last?.count} ÷ ${first?.count} names`,
        `≤ ${PER_CERTIFICATE_TARGET}×`,
        lastDone && first
          ? `${ratio(perCertificate(last), perCertificate(first))} ${verdict(perCertificate(last) <= PER_CERTIFICATE_TARGET * perCertificate(first))}`
          : `not measured ${verdict(false)}`
      ]
    ]
  )
  const nodeVersion = (await exec(childNode(), ['--version'])).trim()
  return {
    table,
    targets,
    load,
    ok: rows.every(r => !r.killed && !r.skipped),
    rows,
    notes: [
      loadNote(load),
      `Each profile holds ${first?.longLines.length ?? '?'} lines of 16 characters or more (CA, certificate and RSA-2048 key), each masked by the action; all but the CA's differ from one certificate to the next.`,
      `The action runs on Node ${nodeVersion}${childNode() === process.execPath ? '' : ' (BENCH_NODE)'}; its CPU time is its own (the stand-in runs in the benchmark's process, and signs each certificate with the openssl CLI, which the wall time includes). Runs still going after ${seconds(LIMIT_MS)} are stopped (BENCH_MASKING_LIMIT_S) and larger batches skipped.`
    ]
  }
}
