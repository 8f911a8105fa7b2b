/**
 * Waiting in end-to-end tests for something to happen, never for a stretch of time, and never
 * without a bound:
 *
 * - `waitFor(condition, { what })` polls until `condition()` holds, and fails with a message that
 *   names `what` when it has not within `timeoutMs`, or when it no longer can (`giveUp`).
 * - `runActionWhile(options, moves)` runs the action (`runAction`) and the test's `moves` beside
 *   it: wait until the stand-in holds a request, then signal the action; wait until the gateway's
 *   busy answer went out, then move the stand-in's clock on. A wait there fails at once when the
 *   action exits first; a move that fails kills the action, so the test fails with the move's
 *   message rather than at jest's timeout.
 * - `releaseBusyGateway(standIn, busyMs)` is the move the busy-gateway tests share: the gateway is
 *   busy (`busyAfterCreateMs`, `busyAfterDeleteMs`) on the stand-in's clock, which moves on only
 *   once the action has been told `VpnGateway.Configuring`, so the action meets a busy gateway
 *   however slow the machine, and must retry to get past it.
 */
import type { ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import type { StandIn } from '../test-server/stand-in.mjs'
import { runAction, type RunOptions, type RunResult } from '../test-server/run-action.mjs'

/** How long a wait lasts before it fails, unless a test says otherwise. */
const DEFAULT_TIMEOUT_MS = 30_000
/** How often a condition is checked. */
const POLL_INTERVAL_MS = 20

export interface WaitForOptions {
  /** What is waited for, as the failure names it: "the third delete, held by the stand-in". */
  what: string
  /** Default 30 s. */
  timeoutMs?: number
  /**
   * Checked after `condition` each time: a reason (e.g. "the action exited (code 1)") when what is
   * waited for can no longer happen; the wait then fails at once, giving that reason.
   */
  giveUp?: () => string | undefined
}

/** Resolves once `condition()` holds; rejects, naming `what`, on timeout or `giveUp`. */
export async function waitFor(condition: () => boolean, options: WaitForOptions): Promise<void> {
  const { what, timeoutMs = DEFAULT_TIMEOUT_MS, giveUp } = options
  const started = performance.now()
  for (;;) {
    if (condition()) return
    const reason = giveUp?.()
    if (reason !== undefined) throw new Error(`Gave up waiting for ${what}: ${reason}`)
    const waitedMs = performance.now() - started
    if (waitedMs >= timeoutMs) {
      throw new Error(`Waited ${timeoutMs} ms for ${what}; it did not happen`)
    }
    await sleep(Math.min(POLL_INTERVAL_MS, timeoutMs - waitedMs))
  }
}

/** The action while it runs, as `runActionWhile` gives it to the test's moves. */
export interface RunningAction {
  /** The action's process. */
  readonly child: ChildProcess
  /** Whether the action has exited. */
  exited(): boolean
  /** `waitFor`, giving up at once when the action exits first. */
  waitFor(condition: () => boolean, options: Omit<WaitForOptions, 'giveUp'>): Promise<void>
  /**
   * `waitFor(condition)`, then `signal` (default SIGTERM) to the action. It resolves in the same
   * turn as the signal: what the test reads right after it (the stand-in's calls) is as it was at
   * the signal.
   */
  signalWhen(
    condition: () => boolean,
    options: Omit<WaitForOptions, 'giveUp'> & { signal?: NodeJS.Signals }
  ): Promise<void>
}

/** A test's moves beside a run: wait for something, then signal the action or move a clock on. */
export type ActionMoves = (action: RunningAction) => Promise<void>

/**
 * Runs the action with `runAction(options)` and, once its process is up, `moves(action)` beside
 * it. Resolves with the run's result once both are done. When `moves` fails, the action is killed
 * (SIGKILL) and its failure is what this rejects with.
 */
export async function runActionWhile(options: RunOptions, moves: ActionMoves): Promise<RunResult> {
  let child: ChildProcess | undefined
  let exit: string | undefined
  const running = runAction({
    ...options,
    onSpawn: spawned => {
      child = spawned
      spawned.once('exit', (code, signal) => {
        exit = `the action exited (${signal ?? `code ${code}`})`
      })
      options.onSpawn?.(spawned)
    }
  })
  // runAction prepares the runner's files before it spawns: wait for the process, or its failure.
  const spawned = await Promise.race([
    waitFor(() => child !== undefined, { what: 'the action to start' }).then(() => true),
    running.then(() => false)
  ])
  if (!spawned || child === undefined) throw new Error('runAction ended before the action started')
  const actionProcess = child
  const waitWhileRunning = (condition: () => boolean, wait: Omit<WaitForOptions, 'giveUp'>) =>
    waitFor(condition, { ...wait, giveUp: () => exit })
  const action: RunningAction = {
    child: actionProcess,
    exited: () => exit !== undefined,
    waitFor: waitWhileRunning,
    signalWhen: async (condition, { signal = 'SIGTERM', ...wait }) => {
      await waitWhileRunning(condition, wait)
      actionProcess.kill(signal)
    }
  }
  try {
    await moves(action)
  } catch (error) {
    actionProcess.kill('SIGKILL')
    await running
    throw error
  }
  return running
}

/** How many times the stand-in has answered VpnGateway.Configuring so far. */
export function configuringAnswers(standIn: StandIn): number {
  return standIn.calls.filter(c => c.outcome === 'VpnGateway.Configuring').length
}

/**
 * A move for `runActionWhile`: each time the stand-in has answered VpnGateway.Configuring once
 * more, its clock moves on by `busyMs`, so the gateway is free for the action's retry (and busy
 * again after the next create or delete, until the next Configuring). It goes on until the action
 * exits; an action that does not retry exits on the first Configuring. Each wait, for the next
 * Configuring or the exit, fails after 30 s (`waitFor`'s default), and the action is then killed.
 */
export function releaseBusyGateway(standIn: StandIn, busyMs: number): ActionMoves {
  return async action => {
    for (let released = configuringAnswers(standIn); ; released++) {
      await action.waitFor(() => action.exited() || configuringAnswers(standIn) > released, {
        what: `VpnGateway.Configuring answer no. ${released + 1} or the action's exit`
      })
      if (configuringAnswers(standIn) <= released) return // the action exited
      standIn.advanceClock(busyMs)
    }
  }
}
