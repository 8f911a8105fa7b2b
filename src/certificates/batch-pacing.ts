/**
 * Pacing for a batch (`names`) on one gateway: each create puts the gateway into `Configuring`
 * for a while, which the next create then waits out. The previous busy create brackets how long,
 * in ms after its first attempt: still busy at its last failed retry (`busyAtMs`, unknown when
 * only the first attempt failed), free by its success (`freeByMs`). The next create's first wait
 * is one probe step into that bracket, then up to `probes` steps of `probeDelayMs`, before the
 * ordinary backoff (retry.ts) takes over: a configuration of steady length is waited out with at
 * most one probe step to spare instead of the backoff's seconds, and the bracket follows it if it
 * drifts.
 */

/** The probe step, and how many probe steps come before the backoff. */
export const BATCH_PACING = {
  probeDelayMs: 250,
  probes: 3
} as const

/** What one create that met a busy gateway showed, in ms after its first attempt. */
export interface BusySpan {
  busyAtMs: number | undefined
  freeByMs: number
}

/** The leading waits for the next create of a batch, from what the last busy create showed. */
export function batchLeadingDelays(span: BusySpan | undefined): number[] | undefined {
  if (span === undefined) return undefined
  const { probeDelayMs, probes } = BATCH_PACING
  const justBefore = span.freeByMs - probeDelayMs
  const first =
    span.busyAtMs === undefined
      ? justBefore
      : Math.max(span.busyAtMs, Math.min(justBefore, span.busyAtMs + probeDelayMs))
  return [Math.max(0, Math.round(first)), ...Array<number>(probes).fill(probeDelayMs)]
}
