/**
 * Plans for sync's unit tests.
 */
import type { Plan } from '../src/sync/plan.js'

/** A plan with nothing in it; tests spread their own parts over it. */
export const EMPTY_PLAN: Plan = {
  create: [],
  keep: [],
  revoke: [],
  ignored: [],
  expiredEntries: [],
  redeliver: []
}
