/** Types for run-action.mjs: run dist/index.js the way the GitHub runner does. */
import type { ChildProcess } from 'node:child_process'

export const ACTION_PATH: string
export const TEST_CA_PATH: string
export const ACTION_YML_PATH: string

/** An input as `action.yml` declares it. */
export interface ActionInput {
  required: boolean
  /** As the runner passes it: a string, or undefined when there is none. */
  default: string | undefined
}

export interface RunOptions {
  /**
   * Action inputs by their action.yml names. One not mentioned gets its action.yml default, as
   * from the runner; one given as `undefined` is not set at all (not even its default).
   */
  inputs?: Record<string, string | undefined> | undefined
  /** Extra environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined> | undefined
  /** Set NODE_EXTRA_CA_CERTS to the test CA (default true). */
  trustTestCa?: boolean | undefined
  onSpawn?: ((child: ChildProcess) => void) | undefined
  onStdout?: ((chunk: string) => void) | undefined
  /** SIGKILL the action after this long (default 120 s). */
  killAfterMs?: number | undefined
  /**
   * A main step's `state` (RunResult.state): runs the post step, each value as `STATE_<name>`,
   * as the runner does.
   */
  state?: Record<string, string> | undefined
  /**
   * A sub-action's folder (`report`): run the bundle its `<folder>/action.yml` names in
   * `runs.main`, with that action.yml's defaults, instead of the main action.
   */
  action?: string | undefined
}

export interface RunResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** The raw GITHUB_OUTPUT file. */
  outputFile: string
  outputs: Record<string, string>
  /** The GITHUB_STEP_SUMMARY file. */
  summary: string
  /** What the step saved (`core.saveState`, the GITHUB_STATE file), last value of each name. */
  state: Record<string, string>
  durationMs: number
  /** `::error::` annotations, unescaped. */
  errors: string[]
}

/**
 * A sub-action's action.yml, and the bundle that runs for it: `runs.main` resolved from its folder
 * as the runner does, taken from the bundle under test (beside ACTION_UNDER_TEST, else in
 * ACTION_DIST, else in dist/).
 */
export function subActionPaths(folder: string): { actionYml: string; script: string }
/** The inputs `action.yml` (default: the repository's) declares, by name. */
export function actionInputs(path?: string): Record<string, ActionInput>
export function inputVariable(name: string): string
export function parseOutputFile(text: string): Record<string, string>
export function runAction(options?: RunOptions): Promise<RunResult>
