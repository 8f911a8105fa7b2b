import { describe, expect, test } from '@jest/globals'
import { BATCH_PACING, batchLeadingDelays } from '../../src/certificates/batch-pacing.js'
import { DEFAULT_RETRY_POLICY } from '../../src/http/retry.js'

describe('batch pacing', () => {
  test('no busy create seen yet: no leading delays', () => {
    expect(batchLeadingDelays(undefined)).toBeUndefined()
  })

  test('only the first attempt failed: start one probe step before the last success', () => {
    expect(batchLeadingDelays({ busyAtMs: undefined, freeByMs: 2_600 })).toEqual([
      2_350, 250, 250, 250
    ])
  })

  test('a wide bracket: start one probe step after the last busy answer', () => {
    expect(batchLeadingDelays({ busyAtMs: 1_700, freeByMs: 5_000 })).toEqual([1_950, 250, 250, 250])
  })

  test('a narrow bracket: never before the last busy answer', () => {
    expect(batchLeadingDelays({ busyAtMs: 1_950, freeByMs: 2_100 })).toEqual([1_950, 250, 250, 250])
  })

  test('the default floor is the batch probe step: no wait the action makes is shorter', () => {
    expect(BATCH_PACING.probeDelayMs).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.minDelayMs)
    expect(DEFAULT_RETRY_POLICY.minDelayMs).toBeGreaterThan(0)
  })
})
