// `npm run bench:start`: what a recipient costs at start-up, on its own (about a minute).
// Issue 19's target: the root action without a recipient starts within 1.25× the undici floor,
// the encryption code and Octokit being loaded only when a recipient is given. One interleaved run
// (as part 1 of `npm run bench`) of: bare `node -e 0`; the undici floor (bench/undici-floor.mjs,
// ncc --minify); the action without a recipient; the same writing a plaintext profile
// (config-dir, the baseline for the recipient rows); with a key given in the workflow; with
// `github:USER` (one call to the GitHub stand-in). Every action run
// must create its certificate (and, with a recipient, name the key it encrypted to). Prints one
// markdown table of medians and ratios, the sizes of index.js and of each chunk file beside it,
// and the machine's load around the timed rounds. Nothing here is a test.
//
//   npm run bench:start                       dist/ as committed, 16 rounds
//   BENCH_DIST=.tmp/test-dist npm run bench:start    another build (e.g. the e2e tests' one)
//   BENCH_ROUNDS=30 BENCH_NODE=/path/to/node npm run bench:start
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { startGitHubStandIn } from '../test-server/github-stand-in.mjs'
import { parseOutputFile, TEST_CA_PATH } from '../test-server/run-action.mjs'
import { DEFAULT_CREDENTIALS, startStandIn } from '../test-server/stand-in.mjs'
import {
  BENCH_DIR,
  ROOT,
  childNode,
  exec,
  fileSize,
  loadNote,
  markdownTable,
  median,
  megabytes,
  nccBuild,
  preferNode24,
  ratio,
  seconds,
  tempDir,
  timedNode,
  watchLoad
} from './lib.mjs'

/** Issue 19: the action without a recipient within this many times the undici floor. */
const UNDICI_FLOOR_TARGET = 1.25
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 16)
const DIST_DIR = resolve(ROOT, process.env.BENCH_DIST ?? 'dist')
/** ncc's chunk files beside a bundle named index.js (scripts/bundle.mjs, `chunkFiles`). */
const CHUNK = /^\d+\.index\.js$/

const log = line => process.stderr.write(`${line}\n`)

/** An OpenSSH `ssh-ed25519 AAAA…` public key line, made here (the key is never used to decrypt). */
function sshEd25519PublicKey() {
  const { publicKey } = generateKeyPairSync('ed25519')
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
  const string = bytes => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(bytes.length)
    return Buffer.concat([length, bytes])
  }
  const wire = Buffer.concat([string(Buffer.from('ssh-ed25519')), string(raw)])
  return `ssh-ed25519 ${wire.toString('base64')} bench`
}

/** What is in a chunk, from the sources its map names: `src/delivery`, `@actions/github`… */
function chunkContents(chunkPath) {
  try {
    const { sources } = JSON.parse(readFileSync(`${chunkPath}.map`, 'utf8'))
    const groups = sources.map(source => {
      const path = source.replace(/^(\.\.?\/)+/, '')
      const modules = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
      return modules ? modules[1] : path.split('/').slice(0, 2).join('/')
    })
    const counted = new Map()
    for (const group of groups) counted.set(group, (counted.get(group) ?? 0) + 1)
    return [...counted.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([group]) => group)
      .join(', ')
  } catch {
    return '(no readable map)'
  }
}

async function main() {
  preferNode24(log)
  const bundle = join(DIST_DIR, 'index.js')
  const chunks = readdirSync(DIST_DIR).filter(name => CHUNK.test(name))
  const work = await tempDir('start-cost')
  log('bench:start: building the undici floor (ncc --minify)…')
  const undiciFloor = await nccBuild(join(BENCH_DIR, 'undici-floor.mjs'), join(work, 'floor'), [
    '--minify'
  ])
  const standIn = await startStandIn()
  const keyLine = sshEd25519PublicKey()
  const github = await startGitHubStandIn({ users: { 'alice-gh': [sshEd25519PublicKey()] } })
  const profiles = join(work, 'profiles')
  await mkdir(profiles)
  const [key] = DEFAULT_CREDENTIALS

  const variants = [
    { key: 'bare', label: 'floor: bare `node -e 0`', args: ['-e', '0'] },
    {
      key: 'floor',
      label: 'the undici floor: one POST through `EnvHttpProxyAgent` (ncc --minify)',
      args: [undiciFloor]
    },
    { key: 'none', label: 'the action, no recipient', args: [bundle], action: true },
    {
      key: 'plain',
      label: 'the action, no recipient, `config-dir` (a plaintext profile)',
      args: [bundle],
      action: true,
      inputs: { 'config-dir': profiles }
    },
    {
      key: 'keyLine',
      label: 'the action, `recipient: ssh-ed25519 …` (a key given)',
      args: [bundle],
      action: true,
      inputs: { recipient: keyLine, 'config-dir': profiles }
    },
    {
      key: 'github',
      label: 'the action, `recipient: github:alice-gh` (one GitHub call)',
      args: [bundle],
      action: true,
      inputs: { recipient: 'github:alice-gh', 'config-dir': profiles, 'github-token': github.token }
    }
  ].map(v => ({ ...v, times: [] }))

  let serial = 0
  const runOnce = async variant => {
    const outputFile = join(work, 'output')
    const summaryFile = join(work, 'summary')
    await writeFile(outputFile, '')
    await writeFile(summaryFile, '')
    const name = `start-${++serial}`
    // What the runner gives a step (as test-server/run-action.mjs does); the same for every run.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_API_URL: github.url,
      NODE_EXTRA_CA_CERTS: TEST_CA_PATH,
      ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
      'INPUT_REGION-ID': 'cn-hangzhou',
      'INPUT_SSL-VPN-SERVER-ID': 'vss-standin0001',
      INPUT_NAME: name,
      INPUT_ENDPOINT: standIn.endpoint,
      'INPUT_TIMEOUT-SECONDS': '60',
      ...Object.fromEntries(
        Object.entries(variant.inputs ?? {}).map(([input, value]) => [
          `INPUT_${input.toUpperCase()}`,
          value
        ])
      )
    }
    const result = await timedNode(variant.args, env)
    if (result.exitCode !== 0) throw new Error(`${variant.label} failed:\n${result.output}`)
    if (variant.action) {
      const outputs = parseOutputFile(await readFile(outputFile, 'utf8'))
      if (!outputs['cert-id']?.startsWith('vsc-') || outputs.name !== name)
        throw new Error(`${variant.label} did not report the certificate:\n${result.output}`)
      if (variant.inputs?.recipient && !outputs['encrypted-to']?.includes('SHA256:'))
        throw new Error(`${variant.label} did not encrypt the profile:\n${result.output}`)
    }
    return result.wallMs
  }

  let load
  try {
    // One untimed round first, so every file is in the page cache before timing starts.
    for (const v of variants) await runOnce(v)
    const loadDone = watchLoad()
    // Interleaved rounds, each starting one variant later: a slow spell hits every variant alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(round + i) % variants.length]
        v.times.push(await runOnce(v))
      }
    }
    load = loadDone()
  } finally {
    await Promise.all([standIn.close(), github.close()])
    await rm(work, { recursive: true, force: true })
  }

  for (const v of variants) v.time = median(v.times)
  const byKey = Object.fromEntries(variants.map(v => [v.key, v]))
  const { bare, floor, none, plain, keyLine: keyGiven, github: githubUser } = byKey
  const met = none.time <= UNDICI_FLOOR_TARGET * floor.time
  const timeTable = markdownTable(
    ['run', 'median spawn→exit', '÷ undici floor', '÷ bare node'],
    variants.map(v => [
      v.label,
      seconds(v.time),
      ratio(v.time, floor.time),
      ratio(v.time, bare.time)
    ])
  )
  const files = [
    ['index.js', 'loaded at start', await fileSize(bundle)],
    ...(await Promise.all(
      chunks.map(async name => [
        name,
        `a chunk, loaded only with a recipient; holds ${chunkContents(join(DIST_DIR, name))}`,
        await fileSize(join(DIST_DIR, name))
      ])
    ))
  ]
  const sizeTable = markdownTable(
    ['file', 'what', 'bytes', 'MB'],
    files.map(([name, what, bytes]) => [name, what, bytes.toLocaleString('en'), megabytes(bytes)])
  )
  const nodeVersion = (await exec(childNode(), ['--version'])).trim()
  process.stdout.write(`# Start-up cost of a recipient (\`npm run bench:start\`)

${DIST_DIR === join(ROOT, 'dist') ? 'dist/' : DIST_DIR}, Node ${nodeVersion}, ${ROUNDS} interleaved rounds (medians), ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}.

${timeTable}

Without a recipient: ${ratio(none.time, floor.time)} the undici floor (target ≤ ${UNDICI_FLOOR_TARGET}×): ${met ? 'met' : '**not met**'}.

${sizeTable}

- A profile (\`config-dir\`) waits for the certificate's material: the stand-in signs each
  client certificate with the \`openssl\` CLI, which is most of the plaintext row's extra. The
  recipient rows do the same, so what delivery itself costs is their difference to it: a key
  ${seconds(keyGiven.time - plain.time)}, \`github:\` ${seconds(githubUser.time - plain.time)}.
- A key given in the workflow loads only the delivery chunk; \`github:\` also the chunks of
  src/github/client.ts and of Octokit with undici's index (a dynamic import in
  src/delivery/github-keys.ts).
- ${loadNote(load)}
`)
  if (!load.reliable) log(`bench:start: ${load.warning}`)
}

await main()
