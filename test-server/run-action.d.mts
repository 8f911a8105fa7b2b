/** Types for run-action.mjs: run a bundled action the way the GitHub runner does. */
import type { ChildProcess } from 'node:child_process'

/** The main action's bundle under test. */
export const ACTION_PATH: string
export const TEST_CA_PATH: string
export const ACTION_YML_PATH: string

/** The repository's actions: the main one (undefined) and its sub-actions, by folder. */
export type ActionName = 'revoke' | 'report' | 'sync' | 'connect' | undefined

/** The action.yml of `action`: action.yml, or `<action>/action.yml`. */
export function actionYmlPath(action?: ActionName): string
/**
 * The bundle the runner runs for `action`: its action.yml's `runs.main` resolved from that
 * action.yml's folder, taken from ACTION_UNDER_TEST's folder or ACTION_DIST when under dist/.
 */
export function actionPath(action?: ActionName): string

/** An input as `action.yml` declares it. */
export interface ActionInput {
  required: boolean
  /** As the runner passes it: a string, or undefined when there is none. */
  default: string | undefined
}

export interface RunOptions {
  /**
   * Which action: undefined for the main one, or a sub-action's folder ('revoke', 'report', 'sync',
   * 'connect'): the
   * bundle its action.yml's `runs.main` names, with that action.yml's defaults.
   */
  action?: ActionName
  /**
   * Action inputs by their action.yml names. One not mentioned gets its action.yml default, as
   * from the runner; one given as `undefined` is not set at all (not even its default).
   */
  inputs?: Record<string, string | undefined> | undefined
  /** Extra environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined> | undefined
  /** Set NODE_EXTRA_CA_CERTS to the test CA (default true). */
  trustTestCa?: boolean | undefined
  /**
   * A command that runs Node in place of itself (`['ip', 'netns', 'exec', 'ns1']`): the action then
   * runs inside it, with the same pid.
   */
  launcher?: string[] | undefined
  onSpawn?: ((child: ChildProcess) => void) | undefined
  onStdout?: ((chunk: string) => void) | undefined
  /** SIGKILL the action after this long (default 120 s). */
  killAfterMs?: number | undefined
  /**
   * A main step's `state` (RunResult.state): runs the post step, each value as `STATE_<name>`,
   * as the runner does.
   */
  state?: Record<string, string> | undefined
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
export function subActionPaths(folder: Exclude<ActionName, undefined>): {
  actionYml: string
  script: string
}
/** The inputs `action.yml` (default: the repository's) declares, by name. */
export function actionInputs(path?: string): Record<string, ActionInput>
export function inputVariable(name: string): string
export function parseOutputFile(text: string): Record<string, string>
export function runAction(options?: RunOptions): Promise<RunResult>
