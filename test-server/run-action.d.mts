/** Types for run-action.mjs: run dist/index.js the way the GitHub runner does. */
import type { ChildProcess } from 'node:child_process'

export const ACTION_PATH: string
export const TEST_CA_PATH: string

export interface RunOptions {
  /** Action inputs by their action.yml names. */
  inputs?: Record<string, string> | undefined
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

export function inputVariable(name: string): string
export function parseOutputFile(text: string): Record<string, string>
export function runAction(options?: RunOptions): Promise<RunResult>
