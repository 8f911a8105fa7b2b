// Part 1: cold start and footprint. `node dist/index.js` from spawn to exit (outputs written), one
// successful CreateSslVpnClientCert against the local stand-in, interleaved round by round with
// the two floors (bare `node -e 0`, and one HTTPS POST through undici's EnvHttpProxyAgent imported
// the cheapest way undici allows), two references (one POST with node:https, and with undici
// imported from its index), the same bundle under `node --liftoff-only`, src/ built with
// `ncc --minify`, and the same action on the official SDK (bench/sdk-action, bundled with ncc).
// Peak RSS comes from separate rounds with a preload that records the child's own
// process.resourceUsage().maxRSS at exit (bench/usage-preload.mjs), so timed rounds carry nothing.
// The machine's load is read around the rounds (lib.mjs watchLoad): a busy machine marks them.
import { createHash } from 'node:crypto'
import { cp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DEFAULT_CREDENTIALS, startStandIn } from '../test-server/stand-in.mjs'
import { parseOutputFile, TEST_CA_PATH } from '../test-server/run-action.mjs'
import {
  BENCH_DIR,
  ROOT,
  childNode,
  exec,
  exists,
  fileSize,
  loadNote,
  markdownTable,
  median,
  megabytes,
  nccBuild,
  ratio,
  seconds,
  tempDir,
  timedNode,
  watchLoad
} from './lib.mjs'

const SDK_ENTRY = join(BENCH_DIR, 'sdk-action', 'index.mjs')
const SDK_DIST = join(BENCH_DIR, 'sdk-dist')
const DIST = join(ROOT, 'dist', 'index.js')
const HTTPS_FLOOR = join(BENCH_DIR, 'https-floor.mjs')
const UNDICI_FLOOR = join(BENCH_DIR, 'undici-floor.mjs')
const UNDICI_INDEX = join(BENCH_DIR, 'undici-index.mjs')
/** Targets for later work (issue 12): dist/index.js within 1.25× the undici floor, and ≤ 0.5 MB. */
const UNDICI_FLOOR_TARGET = 1.25
const BUNDLE_SIZE_TARGET_BYTES = 0.5e6

/**
 * Builds what part 1 compares, meant to run while part 2 computes: the SDK-based action into
 * bench/sdk-dist/ (git-ignored; reused while its entry and package-lock.json are unchanged), and
 * into a temp dir src/ with `ncc --minify` and the two undici POSTs (the floor and the reference,
 * both with `--minify`, as `npm run bundle`). Resolves to { sdk, minified, undiciFloor,
 * undiciIndex, tempDir, notes }; a failed build of src/ is reported in the notes, not thrown.
 */
export async function buildBundles() {
  const notes = []
  const stamp = createHash('sha256')
    .update(await readFile(SDK_ENTRY))
    .update(await readFile(join(ROOT, 'package-lock.json')))
    .digest('hex')
  const stampFile = join(SDK_DIST, '.stamp')
  const sdkBuild = (async () => {
    if ((await readFile(stampFile, 'utf8').catch(() => '')) === stamp) {
      for (const name of ['index.mjs', 'index.js'])
        if (await exists(join(SDK_DIST, name))) return join(SDK_DIST, name)
    }
    const bundle = await nccBuild(SDK_ENTRY, SDK_DIST)
    await writeFile(stampFile, stamp)
    return bundle
  })()
  const dir = await tempDir('bundles')
  // A copy of src/ with a tsconfig of its own: ncc type-checks everything its tsconfig includes,
  // and the project's includes __tests__/, which has no bearing on the bundle.
  const minBuild = (async () => {
    await cp(join(ROOT, 'src'), join(dir, 'src'), { recursive: true })
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
    const tsconfig = JSON.parse(await readFile(join(ROOT, 'tsconfig.json'), 'utf8'))
    tsconfig.compilerOptions.types = ['node']
    tsconfig.include = ['src/**/*.ts']
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig))
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n')
    return nccBuild(join(dir, 'src', 'index.ts'), join(dir, 'minified'), ['--minify'])
  })().catch(error => {
    const firstLine = error.message.split('\n').find(l => /error/i.test(l)) ?? error.message
    notes.push(
      `The \`ncc --minify\` build of src/ failed, so its row is left out: ${firstLine.trim()}`
    )
    return undefined
  })
  const floorBuild = nccBuild(UNDICI_FLOOR, join(dir, 'undici-floor'), ['--minify'])
  const indexBuild = nccBuild(UNDICI_INDEX, join(dir, 'undici-index'), ['--minify'])
  const [sdk, minified, undiciFloor, undiciIndex] = await Promise.all([
    sdkBuild,
    minBuild,
    floorBuild,
    indexBuild
  ])
  return { sdk, minified, undiciFloor, undiciIndex, tempDir: dir, notes }
}

/**
 * Extra runs to compare, for experiments: BENCH_EXTRA="label=[node flags…] path;label=…", e.g.
 * BENCH_EXTRA="no core=/tmp/x/dist/index.js;no core, liftoff=--liftoff-only /tmp/x/dist/index.js".
 * Each must create the certificate as dist/index.js does.
 */
function extraVariants() {
  return (process.env.BENCH_EXTRA ?? '')
    .split(';')
    .filter(Boolean)
    .map(pair => {
      const at = pair.indexOf('=')
      const args = pair
        .slice(at + 1)
        .trim()
        .split(/\s+/)
      return { label: pair.slice(0, at), file: args.at(-1), args, action: true }
    })
}

/**
 * @param {{ sdk: string, minified?: string, undiciFloor: string, undiciIndex: string, tempDir: string, notes: string[] }} bundles
 * @param {{ rounds?: number, rssRounds?: number, log?: (line: string) => void }} [options]
 */
export async function coldStart(bundles, options = {}) {
  const rounds = options.rounds ?? 16
  const rssRounds = options.rssRounds ?? 5
  const log = options.log ?? (() => undefined)
  const variants = [
    { key: 'bare', label: 'floor: bare `node -e 0`', args: ['-e', '0'] },
    {
      key: 'undici',
      label: 'floor: one POST through undici `EnvHttpProxyAgent`, cheapest import (ncc --minify)',
      file: bundles.undiciFloor
    },
    { key: 'https', label: 'reference: one POST with `node:https`', args: [HTTPS_FLOOR] },
    {
      key: 'undiciIndex',
      label: "reference: the same POST, `import … from 'undici'` (ncc --minify)",
      file: bundles.undiciIndex
    },
    { key: 'dist', label: '`node dist/index.js`', file: DIST, action: true },
    {
      key: 'liftoff',
      label: '`node --liftoff-only dist/index.js`',
      file: DIST,
      args: ['--liftoff-only', DIST],
      action: true
    },
    ...(bundles.minified
      ? [{ key: 'min', label: 'src/ with `ncc --minify`', file: bundles.minified, action: true }]
      : []),
    { key: 'sdk', label: 'SDK-based action (ncc bundle)', file: bundles.sdk, action: true },
    ...extraVariants()
  ]
  for (const v of variants) {
    v.args ??= [v.file]
    v.times = []
    v.rss = []
    v.size = v.file ? await fileSize(v.file) : undefined
  }

  const standIn = await startStandIn()
  const work = await tempDir('cold')
  const [key] = DEFAULT_CREDENTIALS
  let serial = 0
  const runOnce = async (variant, measureUsage) => {
    const outputFile = join(work, 'output')
    const summaryFile = join(work, 'summary')
    await writeFile(outputFile, '')
    await writeFile(summaryFile, '')
    const name = `cold-${++serial}`
    // What the runner gives a step (as test-server/run-action.mjs does): PATH, HOME, the file
    // commands, INPUT_*; every run gets the same environment, bare node included.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      NODE_EXTRA_CA_CERTS: TEST_CA_PATH,
      ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
      'INPUT_REGION-ID': 'cn-hangzhou',
      'INPUT_SSL-VPN-SERVER-ID': 'vss-standin0001',
      INPUT_NAME: name,
      INPUT_ENDPOINT: standIn.endpoint,
      'INPUT_TIMEOUT-SECONDS': '60'
    }
    const result = await timedNode(variant.args, env, { measureUsage })
    if (result.exitCode !== 0) throw new Error(`${variant.label} failed:\n${result.output}`)
    if (variant.action) {
      const outputs = parseOutputFile(await readFile(outputFile, 'utf8'))
      if (!outputs['cert-id']?.startsWith('vsc-') || outputs.name !== name)
        throw new Error(`${variant.label} did not report the certificate:\n${result.output}`)
    }
    return result
  }

  let load
  try {
    // One untimed round first, so every file is in the page cache before timing starts.
    for (const v of variants) await runOnce(v, false)
    const loadDone = watchLoad()
    // Interleaved rounds (A B C … A B C …), each round starting one variant later, so that slow
    // spells on this shared machine hit every variant alike and none always runs first.
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(round + i) % variants.length]
        v.times.push((await runOnce(v, false)).wallMs)
      }
    }
    log(`  part 1: ${rounds} timed rounds done`)
    for (let round = 0; round < rssRounds; round++) {
      for (const v of variants) v.rss.push((await runOnce(v, true)).maxRssKiB)
    }
    load = loadDone()
  } finally {
    await standIn.close()
    await rm(work, { recursive: true, force: true })
    await rm(bundles.tempDir, { recursive: true, force: true })
  }

  const byKey = Object.fromEntries(variants.map(v => [v.key ?? v.label, v]))
  for (const v of variants) {
    v.time = median(v.times)
    v.peakRss = median(v.rss) * 1024
  }
  const { bare, undici, dist, sdk } = byKey
  const table = markdownTable(
    [
      'run',
      'bundle size',
      'median spawn→exit',
      '÷ bare node',
      '÷ undici floor',
      '÷ SDK-based',
      'peak RSS',
      'RSS ÷ SDK-based'
    ],
    variants.map(v => [
      v.label,
      v.size === undefined ? '–' : megabytes(v.size),
      seconds(v.time),
      ratio(v.time, bare.time),
      ratio(v.time, undici.time),
      ratio(v.time, sdk.time),
      megabytes(v.peakRss),
      ratio(v.peakRss, sdk.peakRss)
    ])
  )
  // The targets, for dist/index.js as committed and for each change tried on it.
  const tried = [dist, byKey.liftoff, byKey.min].filter(Boolean)
  const targets = [
    [
      'end to end ÷ undici floor (later work)',
      `≤ ${UNDICI_FLOOR_TARGET}×`,
      v => [ratio(v.time, undici.time), v.time <= UNDICI_FLOOR_TARGET * undici.time]
    ],
    [
      '`index.js` size (later work)',
      `≤ ${megabytes(BUNDLE_SIZE_TARGET_BYTES)}`,
      v => [megabytes(v.size), v.size <= BUNDLE_SIZE_TARGET_BYTES]
    ],
    ['end to end ÷ bare node', '≤ 2×', v => [ratio(v.time, bare.time), v.time <= 2 * bare.time]],
    ['end to end ÷ SDK-based', '< 0.5×', v => [ratio(v.time, sdk.time), v.time < 0.5 * sdk.time]],
    ['bundle size', '< 1.5 MB', v => [megabytes(v.size), v.size < 1.5e6]],
    [
      'peak RSS ÷ SDK-based',
      '< 0.6×',
      v => [ratio(v.peakRss, sdk.peakRss), v.peakRss < 0.6 * sdk.peakRss]
    ]
  ].map(([figure, target, measure]) => [
    figure,
    target,
    ...tried.map(v => {
      const [value, ok] = measure(v)
      return `${value} ${ok ? 'met' : '**not met**'}`
    })
  ])
  const nodeVersion = (await exec(childNode(), ['--version'])).trim()
  const declared = /^\s*using:\s*['"]?node(\d+)/m.exec(
    await readFile(join(ROOT, 'action.yml'), 'utf8')
  )?.[1]
  const mismatch =
    declared && declared !== nodeVersion.slice(1).split('.')[0]
      ? [
          `action.yml runs the action on node${declared}, these runs used Node ${nodeVersion}: set BENCH_NODE to a Node ${declared} binary to measure that runtime (bench/README.md).`
        ]
      : []
  return {
    table,
    targetsTable: markdownTable(['target', '', ...tried.map(v => v.label)], targets),
    load,
    summary: `\`node dist/index.js\`: median ${seconds(dist.time)} from spawn to exit, ${ratio(dist.time, undici.time)} the undici floor (target later ≤ ${UNDICI_FLOOR_TARGET}×); dist/index.js ${megabytes(dist.size)} (target later ≤ ${megabytes(BUNDLE_SIZE_TARGET_BYTES)}).`,
    notes: [
      loadNote(load),
      `Children run on Node ${nodeVersion}${childNode() === process.execPath ? '' : ` (BENCH_NODE=${childNode()})`}; ${rounds} interleaved rounds (medians) for time, ${rssRounds} for peak RSS; MB = 10^6 bytes.`,
      ...mismatch,
      ...bundles.notes
    ]
  }
}
