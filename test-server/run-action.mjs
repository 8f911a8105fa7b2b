// Runs the bundled action (dist/index.js, or a sub-action's bundle) the way the GitHub runner does: a fresh Node process,
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
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/**
 * The bundle under test: ACTION_UNDER_TEST (a file, to run a test against another build, e.g. to
 * show that it fails on an older bundle), else `index.js` in ACTION_DIST (the end-to-end tests'
 * global setup bundles the current sources there), else the committed dist/index.js (the demo).
 */
export const ACTION_PATH =
  process.env.ACTION_UNDER_TEST || join(process.env.ACTION_DIST || join(root, 'dist'), 'index.js')
export const TEST_CA_PATH = join(root, 'test-server', 'tls', 'ca.pem')
export const ACTION_YML_PATH = join(root, 'action.yml')

/**
 * What runs for a sub-action (`report`: its folder): the file its `<folder>/action.yml` names in
 * `runs.main`, resolved from that folder as the runner resolves it (`../dist/report/index.js` →
 * `dist/report/index.js`), then taken from the bundle under test instead of dist/: beside
 * ACTION_UNDER_TEST when that is set (an older bundle without the sub-action then has no such
 * file, and the run fails), else in ACTION_DIST, else in dist/. Returns it with the action.yml.
 */
export function subActionPaths(folder) {
  const yml = join(root, folder, 'action.yml')
  const main = yaml.load(readFileSync(yml, 'utf8'))?.runs?.main
  if (typeof main !== 'string') throw new Error(`${folder}/action.yml has no runs.main`)
  const inDist = relative(join(root, 'dist'), resolve(root, folder, main))
  if (inDist.startsWith('..')) throw new Error(`${folder}/action.yml runs ${main}, outside dist/`)
  const distRoot = process.env.ACTION_UNDER_TEST
    ? dirname(process.env.ACTION_UNDER_TEST)
    : process.env.ACTION_DIST || join(root, 'dist')
  return { actionYml: yml, script: join(distRoot, inDist) }
}

/**
 * The inputs `action.yml` declares: name → whether it is required, and its default as the runner
 * passes it (a string; undefined when it has none).
 */
export function actionInputs(path = ACTION_YML_PATH) {
  const { inputs = {} } = yaml.load(readFileSync(path, 'utf8')) ?? {}
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

/** The runner's variable for an input: `INPUT_` + name uppercased, spaces to `_` (hyphens kept). */
export function inputVariable(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Parses a GITHUB_OUTPUT (or GITHUB_STATE) file: `name<<DELIMITER\nvalue\nDELIMITER\n` blocks
 * (and `name=value` lines, which older writers use). A name written twice keeps its last value.
 */
export function parseOutputFile(text) {
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
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
 * @param {object} options
 * @param {Record<string, string | undefined>} [options.inputs] action inputs by their action.yml
 *   names; one not mentioned gets its action.yml default, as from the runner, and one given as
 *   `undefined` is not set at all (not even its default)
 * @param {Record<string, string | undefined>} [options.env] extra environment (undefined removes)
 * @param {boolean} [options.trustTestCa] set NODE_EXTRA_CA_CERTS to the test CA (default true)
 * @param {(child: import('node:child_process').ChildProcess) => void} [options.onSpawn]
 * @param {(chunk: string) => void} [options.onStdout] live stdout, e.g. for the demo
 * @param {number} [options.killAfterMs] safety net: SIGKILL the action after this long (default 120 s)
 * @param {Record<string, string>} [options.state] a main step's `state`: run the post step with it
 * @param {string} [options.action] a sub-action's folder (`report`): run it instead of the main
 *   action, with its action.yml's defaults (see subActionPaths)
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
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_STATE: statePath,
    ...(options.trustTestCa === false ? {} : { NODE_EXTRA_CA_CERTS: TEST_CA_PATH })
  }
  const inputs = options.inputs ?? {}
  const { actionYml, script } = options.action
    ? subActionPaths(options.action)
    : { actionYml: ACTION_YML_PATH, script: ACTION_PATH }
  for (const [name, { default: value }] of Object.entries(actionInputs(actionYml))) {
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
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  options.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', chunk => {
    stdout += chunk
    options.onStdout?.(chunk)
  })
  child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk))
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 120_000)
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
      m[1].replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
    )
  }
}
