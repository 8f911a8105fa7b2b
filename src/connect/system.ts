/**
 * The live {@link RunnerProbe}: the real platform, user, files and commands. Commands run without
 * a shell, with only PATH (and what a command needs) in their environment, never the step's.
 */
import { execFile } from 'node:child_process'
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { RunnerProbe } from './runner-setup.js'

/** The most a probe's output is read (apt-get's is the longest). */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024

export const liveProbe: RunnerProbe = {
  platform: process.platform,
  uid: process.geteuid?.(),
  isCharacterDevice: async path => {
    try {
      return (await stat(path)).isCharacterDevice()
    } catch {
      return false
    }
  },
  findExecutable: async (name, dirs) => {
    for (const dir of dirs) {
      const path = join(dir, name)
      try {
        await access(path, constants.X_OK)
        if ((await stat(path)).isFile()) return path
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
