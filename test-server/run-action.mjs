// Runs a bundled action (dist/index.js, or a sub-action's bundle such as dist/revoke/index.js)
// the way the GitHub runner does: the file its action.yml's `runs.main` names, in a fresh Node process,
// inputs as INPUT_<NAME> variables (action.yml's default for an input the test does not mention,
// as the runner passes it), outputs and the job summary written to the files named by
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, saved state to the file named by GITHUB_STATE. Passing a
// run's `state` back runs the post step, as the runner does: each saved value as STATE_<name>.
// Shared by the end-to-end tests and `npm run demo`.
import yaml from 'js-yaml'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const DIST = join(root, 'dist')
/** @type {typeof import('./run-action.d.mts').TEST_CA_PATH} */
export const TEST_CA_PATH = join(root, 'test-server', 'tls', 'ca.pem')
/** @type {typeof import('./run-action.d.mts').ACTION_YML_PATH} */
export const ACTION_YML_PATH = join(root, 'action.yml')

/**
 * What this module reads of an action.yml; every value is checked where it is used.
 * @typedef {object} ActionYml
 * @property {{ main?: unknown }} [runs]
 * @property {Record<string, { required?: unknown, default?: unknown } | null>} [inputs]
 */

/**
 * @param {string} path
 * @returns {ActionYml | null | undefined}
 */
function readActionYml(path) {
  return /** @type {ActionYml | null | undefined} */ (yaml.load(readFileSync(path, 'utf8')))
}

/**
 * The action.yml of `action`: the repository's own (undefined), or `<action>/action.yml`.
 * @type {typeof import('./run-action.d.mts').actionYmlPath}
 */
export function actionYmlPath(action) {
  return action === undefined ? ACTION_YML_PATH : join(root, action, 'action.yml')
}

/**
 * The bundle the runner runs for `action`: its action.yml's `runs.main`, resolved from the folder
 * of that action.yml as the runner resolves it (`../dist/revoke/index.js` from `revoke/`). A file
 * under the repository's dist/ is taken from where the bundle under test is instead: the folder
 * of ACTION_UNDER_TEST (a main bundle, to run a test against another build, e.g. to show that it
 * fails on an older one), else ACTION_DIST (the end-to-end tests' global setup bundles the current
 * sources there), else dist/ itself (the committed bundles, for the demo).
 * @type {typeof import('./run-action.d.mts').actionPath}
 */
export function actionPath(action) {
  const yml = actionYmlPath(action)
  const main = readActionYml(yml)?.runs?.main
  if (typeof main !== 'string') throw new Error(`${yml} has no runs.main`)
  const file = resolve(dirname(yml), main)
  const inDist = relative(DIST, file)
  if (inDist.startsWith('..') || isAbsolute(inDist)) return file
  if (process.env.ACTION_UNDER_TEST) return join(dirname(process.env.ACTION_UNDER_TEST), inDist)
  return join(process.env.ACTION_DIST || DIST, inDist)
}

/**
 * The main action's bundle under test (see actionPath).
 * @type {typeof import('./run-action.d.mts').ACTION_PATH}
 */
export const ACTION_PATH = process.env.ACTION_UNDER_TEST || actionPath()

/**
 * A sub-action's action.yml and the bundle that runs for it (see actionPath).
 * @type {typeof import('./run-action.d.mts').subActionPaths}
 */
export function subActionPaths(folder) {
  return { actionYml: actionYmlPath(folder), script: actionPath(folder) }
}

/**
 * The inputs `action.yml` declares: name → whether it is required, and its default as the runner
 * passes it (a string; undefined when it has none).
 * @type {typeof import('./run-action.d.mts').actionInputs}
 */
export function actionInputs(path = ACTION_YML_PATH) {
  const { inputs = {} } = readActionYml(path) ?? {}
  return Object.fromEntries(
    Object.entries(inputs).map(([name, spec]) => [
      name,
      {
        required: spec?.required === true,
        default:
          spec?.default === undefined || spec.default === null ? undefined : String(spec.default)
      }
    ])
  )
}

/**
 * The runner's variable for an input: `INPUT_` + name uppercased, spaces to `_` (hyphens kept).
 * @type {typeof import('./run-action.d.mts').inputVariable}
 */
export function inputVariable(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Parses a GITHUB_OUTPUT (or GITHUB_STATE) file: `name<<DELIMITER\nvalue\nDELIMITER\n` blocks
 * (and `name=value` lines, which older writers use). A name written twice keeps its last value.
 * @type {typeof import('./run-action.d.mts').parseOutputFile}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = /** @type {string} */ (lines[i])
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const name = /** @type {string} */ (heredoc[1])
      const delimiter = heredoc[2]
      const value = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      outputs[name] = value.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      outputs[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return outputs
}

/**
 * Runs one action step (the main action, or `options.action`'s sub-action; the post step when
 * given a `state`) and collects what the runner would see. The options are documented in
 * run-action.d.mts (RunOptions).
 * @type {typeof import('./run-action.d.mts').runAction}
 */
export async function runAction(options = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'ssl-vpn-action-'))
  const outputPath = join(dir, 'output')
  const summaryPath = join(dir, 'summary')
  const statePath = join(dir, 'state')
  await writeFile(outputPath, '')
  await writeFile(summaryPath, '')
  await writeFile(statePath, '')
  // Like the runner: a clean environment with PATH and the runner's own variables, not ours.
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_STATE: statePath,
    ...(options.trustTestCa === false ? {} : { NODE_EXTRA_CA_CERTS: TEST_CA_PATH })
  }
  const inputs = options.inputs ?? {}
  for (const [name, { default: value }] of Object.entries(
    actionInputs(actionYmlPath(options.action))
  )) {
    if (value !== undefined && !Object.hasOwn(inputs, name)) env[inputVariable(name)] = value
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (value !== undefined) env[inputVariable(name)] = value
  }
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }

  const started = performance.now()
  const bundle = options.action === undefined ? ACTION_PATH : actionPath(options.action)
  // A launcher (`ip netns exec <ns>`, say) execs Node itself, so the child is still the action.
  const [file, ...launcherArgs] = options.launcher ?? [process.execPath]
  const args = options.launcher ? [...launcherArgs, process.execPath, bundle] : [bundle]
  const child = spawn(/** @type {string} */ (file), args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  options.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', chunk => {
    stdout += chunk
    options.onStdout?.(chunk)
  })
  child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk))
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 120_000)
  /** @type {[number | null, NodeJS.Signals | null]} */
  const [exitCode, signal] = await new Promise(resolve =>
    child.on('close', (code, sig) => resolve([code, sig]))
  )
  clearTimeout(killer)
  const durationMs = performance.now() - started
  const outputFile = await readFile(outputPath, 'utf8')
  const summary = await readFile(summaryPath, 'utf8')
  const state = parseOutputFile(await readFile(statePath, 'utf8'))
  await rm(dir, { recursive: true, force: true })
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    outputFile,
    outputs: parseOutputFile(outputFile),
    summary,
    state,
    durationMs,
    /** The `::error::` annotation text(s), unescaped as the runner shows them. */
    errors: [...stdout.matchAll(/^::error::(.*)$/gm)].map(m =>
      /** @type {string} */ (m[1]).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
    )
  }
}
