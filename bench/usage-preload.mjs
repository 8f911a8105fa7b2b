// Preloaded with `node --import` by bench/lib.mjs (timedNode with measureUsage): when the process
// exits, write its own resource usage to the file named by BENCH_USAGE_FILE, as JSON: peak resident
// set size (`maxRSS`, KiB, the kernel's ru_maxrss) and CPU time (`userCPUTime`, `systemCPUTime`,
// µs). Used only in runs that measure these, never in the rounds that time a cold start.
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_USAGE_FILE
if (file) {
  process.on('exit', () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage()
    writeFileSync(file, JSON.stringify({ maxRSS, userCPUTime, systemCPUTime }))
  })
}
