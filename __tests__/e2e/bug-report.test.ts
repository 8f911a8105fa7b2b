/**
 * End to end: a bug (not an expected failure) is reported in one annotation, and its stack, shown
 * with debug logging, names the TypeScript sources through the bundle's source map instead of
 * `index.js:1:<column>` of the minified bundle. An error answer of GitHub that Octokit cannot read,
 * once such a bug, is an expected failure.
 */
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction, type RunResult } from '../../test-server/run-action.mjs'
import { startHostile } from '../../test-server/hostile.mjs'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'

const startStandIn = standInPerTest()

/**
 * The 1-based line of `src/<file>` that holds `text` (once): where a frame must point, read from
 * the sources so that an edit above it does not break the test.
 */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(new URL(`../../src/${file}`, import.meta.url), 'utf8').split('\n')
  const found = lines.flatMap((line, index) => (line.includes(text) ? [index + 1] : []))
  if (found.length !== 1) throw new Error(`${text} is on ${found.length} lines of src/${file}`)
  return found[0]!
}

/** A frame `at <fn> (src/<file>:<line>:<column>)`, as a pattern. */
function frame(fn: string, file: string, line: number): RegExp {
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^\\s+at ${escaped(fn)} \\(src/${escaped(file)}:${line}:\\d+\\)$`, 'm')
}

describe('a bug in the bundled action', () => {
  test('its stack names src/ files and lines, not the minified bundle', async () => {
    const standIn = await startStandIn()
    // GITHUB_OUTPUT names a directory: writing the first output fails in a way no input check
    // foresees, which is what a bug looks like from the outside.
    const notAFile = await mkdtemp(join(tmpdir(), 'output-is-a-directory-'))
    try {
      const result = await runAction({
        inputs: {
          'region-id': 'cn-hangzhou',
          'ssl-vpn-server-id': 'vss-standin0001',
          endpoint: standIn.endpoint,
          'access-key-id': DEFAULT_KEY.accessKeyId,
          'access-key-secret': DEFAULT_KEY.accessKeySecret,
          name: 'bug.report'
        },
        env: { GITHUB_OUTPUT: notAFile }
      })
      expect(result.exitCode).toBe(1)
      expect(result.errors).toEqual([expect.stringContaining('EISDIR')])
      const debug = debugLog(result)
      // The TypeScript line itself, not the line of the JavaScript TypeScript made of it.
      expect(debug).toMatch(
        frame('run', 'create/main.ts', lineOf('create/main.ts', 'await runLive(runAction)'))
      )
      expect(debug).not.toMatch(/index\.js:1:\d{3,}/)
    } finally {
      await rm(notAFile, { recursive: true, force: true })
    }
  })
})

/** What the action logged with `::debug::`, its encoded line breaks restored. */
function debugLog(result: RunResult): string {
  return result.stdout
    .split('\n')
    .filter(line => line.startsWith('::debug::'))
    .join('\n')
    .replace(/%0A/g, '\n')
}

// A bug inside a chunk file (src/delivery/, Octokit) has no trigger left from outside: the one
// used here before, a GitHub error answer Octokit could not turn into a message, is now the
// action's own error (below). The translation of chunk frames is unit-tested in
// __tests__/core/stack-trace.test.ts.
describe('an error answer Octokit cannot read, in the code loaded only with a recipient', () => {
  test('is not a bug: one line with the HTTP status and what to do, no stack', async () => {
    const standIn = await startStandIn()
    // A "GitHub API" whose error answer is a number too large for a double: Octokit would parse
    // it as a BigInt and then throw a TypeError turning it into a message.
    const github = await startHostile(() => ({
      status: 502,
      headers: { 'content-type': 'application/json' },
      body: '123456789012345678901234567890'
    }))
    const profiles = await mkdtemp(join(tmpdir(), 'bug-report-profiles-'))
    try {
      const result = await runAction({
        inputs: {
          'region-id': 'cn-hangzhou',
          'ssl-vpn-server-id': 'vss-standin0001',
          endpoint: standIn.endpoint,
          'access-key-id': DEFAULT_KEY.accessKeyId,
          'access-key-secret': DEFAULT_KEY.accessKeySecret,
          name: 'bug.report',
          recipient: 'github:alice-gh',
          'config-dir': profiles
        },
        env: { GITHUB_API_URL: github.url }
      })
      expect(result.exitCode).toBe(1)
      expect(result.errors).toEqual([
        'GitHub refused to list the public keys of github:alice-gh (HTTP 502). A passing fault of GitHub, most likely: re-run.'
      ])
      expect(result.stdout).not.toMatch(/^\s+at /m)
      expect(result.stderr).not.toMatch(/^\s+at /m)
    } finally {
      await github.close()
      await rm(profiles, { recursive: true, force: true })
    }
  })
})
