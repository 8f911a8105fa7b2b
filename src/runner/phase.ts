/**
 * Which of its two steps a bundle is running: the runner runs the same file for `main:` and
 * `post:`, and hands the post step what the main step saved as `STATE_<name>` variables. The main
 * step saves {@link STATE_IS_POST} first thing, so the post step knows itself, as in
 * actions/checkout. Read without `@actions/core` (workflow-commands.ts), so an entry can choose
 * its step before loading anything else.
 */
import { getState as readState } from './workflow-commands.js'

/** Saved by the main step before anything else; set only in the post step. */
export const STATE_IS_POST = 'isPost'

/** True in the post step: the main step saved `isPost` first thing. */
export function isPostPhase(getState: (name: string) => string = readState): boolean {
  return getState(STATE_IS_POST) === 'true'
}
