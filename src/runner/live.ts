/**
 * The live runner, without any network: a runner library (`@actions/core`, or
 * workflow-commands.ts, which writes the same bytes), Node's clock and the runner's cancellation
 * signals, as one {@link RunnerIo}. Every action's entry starts from it; the actions that call an
 * API add the network and `@actions/core` in `composition.ts`, and `connect`, which calls none,
 * uses it with workflow-commands.ts alone, so its bundle loads neither the HTTP client nor
 * `@actions/core` at start-up. This module imports neither library: the entry chooses.
 */
import { CancelledError } from '../core/errors.js'
import type { Environment, InputReader } from '../core/environment.js'
import { sleep } from '../core/sleep.js'
import type { SummarySink } from './summary.js'

/** Where the step reports: the parts of `@actions/core` that log, fail the step and mask. */
interface ActionLogger {
  info: (line: string) => void
  warning: (line: string) => void
  /** Shown only with debug logging (a bug's stack trace). */
  debug: (line: string) => void
  setFailed: (message: string) => void
  /** Masks a secret in the runner's log (`core.setSecret`). */
  setSecret: (secret: string) => void
}

/** What every step reads or changes outside itself, network aside: the live one, or a test's fakes. */
export interface RunnerIo {
  /** The step's inputs, read as `core.getInput` does. */
  getInput: InputReader
  /** Credentials, proxy, workflow-run, token-service and STS variables, GITHUB_STEP_SUMMARY. */
  env: Environment
  setOutput: (name: string, value: string) => void
  /** Saves a value for the post step (`core.saveState`). */
  saveState: (name: string, value: string) => void
  /** The job summary; written only when GITHUB_STEP_SUMMARY is set. */
  summary: SummarySink
  logger: ActionLogger
  /** The clock, in ms. */
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Aborted, with a CancelledError as its reason, when the runner cancels the step. */
  signal: AbortSignal
}

/** Frames kept in a stack trace in the live step. */
const STACK_TRACE_FRAMES = 50

/**
 * Runs `step` with the live io that `makeIo` builds on the step's cancellation signal, aborted on
 * the runner's SIGINT or SIGTERM.
 */
export async function runLiveWith<IO>(
  makeIo: (signal: AbortSignal) => IO,
  step: (io: IO) => Promise<void>
): Promise<void> {
  // A bug's stack (debug log) should reach the entry: V8 keeps 10 frames by default, fewer than
  // the runner's library, this composition and the step's own work take between them.
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, STACK_TRACE_FRAMES)
  const cancellation = new AbortController()
  const stopListening = abortOnCancellation(cancellation)
  try {
    await step(makeIo(cancellation.signal))
  } finally {
    stopListening()
  }
}

/**
 * Aborts `controller` on the runner's cancellation signals (SIGINT, then SIGTERM). Returns the
 * function that removes the handlers.
 */
function abortOnCancellation(controller: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort(new CancelledError(`received ${signal}`))
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/**
 * What the live io needs of a runner library: `@actions/core`'s functions of these names, which
 * both `@actions/core` and workflow-commands.ts export.
 */
interface RunnerLibrary {
  getInput: InputReader
  setOutput: (name: string, value: string) => void
  saveState: (name: string, value: string) => void
  summary: SummarySink
  info: (message: string) => void
  warning: (message: string) => void
  debug: (message: string) => void
  setFailed: (message: string) => void
  setSecret: (secret: string) => void
}

/** The real runner through `core`, clock and cancellation signal. */
export function liveRunnerIo(core: RunnerLibrary, signal: AbortSignal): RunnerIo {
  return {
    getInput: (name, options) => core.getInput(name, options),
    env: process.env,
    setOutput: (name, value) => core.setOutput(name, value),
    saveState: (name, value) => core.saveState(name, value),
    summary: core.summary,
    logger: {
      info: line => core.info(line),
      warning: line => core.warning(line),
      debug: line => core.debug(line),
      setFailed: message => core.setFailed(message),
      setSecret: secret => core.setSecret(secret)
    },
    now: Date.now,
    sleep,
    signal
  }
}
