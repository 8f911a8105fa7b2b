// Preloaded with `node --import` by bench/lib.mjs (timedNode with measureRss): when the process
// exits, write its own peak resident set size (process.resourceUsage().maxRSS, in KiB) to the file
// named by BENCH_MAXRSS_FILE. Used only in the RSS rounds, never in the timed rounds.
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_MAXRSS_FILE
if (file) {
  process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
}
