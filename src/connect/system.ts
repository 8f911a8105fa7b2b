/**
 * The live {@link RunnerProbe}: the real platform, user, files and commands. Commands run without
 * a shell, with only PATH (and what a command needs) in their environment, never the step's.
 */
import { execFile } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { join } from 'node:path'
import type { RunnerProbe } from './runner-setup.js'

/** The most a probe's output is read (apt-get's is the longest). */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024

export const liveProbe: RunnerProbe = {
  platform: process.platform,
  uid: process.geteuid?.(),
  // The two file probes are synchronous: each is a stat or two of local metadata, some
  // microseconds, where a round trip through libuv's thread pool costs about a millisecond per
  // call, and PATH has a dozen entries to try (bench/connect.mjs: 8 ms → under 1).
  isCharacterDevice: async path => {
    try {
      return statSync(path).isCharacterDevice()
    } catch {
      return false
    }
  },
  findExecutable: async (name, dirs) => {
    for (const dir of dirs) {
      const path = join(dir, name)
      try {
        accessSync(path, constants.X_OK)
        if (statSync(path).isFile()) return path
      } catch {
        // not here
      }
    }
    return undefined
  },
  run: (command, args, { timeoutMs, signal, extraEnv }) =>
    new Promise(resolve => {
      execFile(
        command,
        [...args],
        {
          timeout: timeoutMs,
          signal,
          maxBuffer: MAX_OUTPUT_BYTES,
          encoding: 'utf8',
          env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...extraEnv }
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
          resolve({ code, stdout, stderr })
        }
      )
    })
}
