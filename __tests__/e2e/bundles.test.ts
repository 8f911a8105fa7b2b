/**
 * What each bundle under test (built from the current sources by the e2e global setup) loads at
 * start, from its source map: `@actions/core`'s HTTP client is the shim (shims/README.md), never
 * the real one with `tunnel` and undici's `ProxyAgent`, which cost every step's start 40-60 ms; the
 * connect action, which calls no API and writes the runner's commands itself (workflow-commands.ts),
 * carries no package at all, and its start loads neither `node:crypto` nor `node:assert`. The
 * GitHub client's own `@actions/http-client` stays, in the lazily loaded Octokit chunk.
 */
import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { actionPath } from '../../test-server/run-action.mjs'

const ACTIONS = [undefined, 'revoke', 'report', 'sync'] as const

function sourcesOf(file: string): string[] {
  return (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources
}

describe('what a bundle loads at start', () => {
  // report and sync call GitHub from the start: they carry the GitHub client's own
  // @actions/http-client (and tunnel), never the top-level one @actions/core would load.
  test.each(ACTIONS.map(action => [action ?? '(root)', action] as const))(
    "%s: @actions/core's HTTP client is the shim",
    (_label, action) => {
      const sources = sourcesOf(actionPath(action))
      // @actions/core's OIDC client, the one importer of the HTTP client, is there: the check
      // reads a real map (the shim itself is merged into it, so the map does not name it).
      expect(sources.some(s => s.endsWith('node_modules/@actions/core/lib/oidc-utils.js'))).toBe(
        true
      )
      expect(
        sources.filter(s => /^(\.\.\/)+node_modules\/@actions\/http-client\//.test(s))
      ).toEqual([])
      const github = sources.some(s => s.includes('node_modules/@actions/github/'))
      expect(github).toBe(action === 'report' || action === 'sync')
      if (!github)
        expect(
          sources.filter(s => /node_modules\/(tunnel|@actions\/http-client)\//.test(s))
        ).toEqual([])
    }
  )

  test('connect carries no package: neither undici nor @actions/core', () => {
    const sources = sourcesOf(actionPath('connect'))
    expect(sources.filter(s => s.includes('node_modules/'))).toEqual([])
    expect(sources.some(s => s.endsWith('src/runner/workflow-commands.ts'))).toBe(true)
  })

  test("connect's start loads neither node:crypto nor node:assert", () => {
    // The bundle runs as the runner runs it (here it stops at the missing profile input); at exit,
    // Node's own list of the built-in modules it loaded.
    const script = `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(process.moduleLoadList)))
await import(${JSON.stringify(actionPath('connect'))})`
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env['PATH'] },
      encoding: 'utf8'
    })
    expect(result.stdout).toContain("::error::Input 'config-file/profile': is required")
    const loaded = JSON.parse(/LOADED (.*)$/.exec(result.stderr)?.[1] ?? '[]') as string[]
    expect(loaded).toContain('NativeModule child_process')
    expect(loaded.filter(name => /^NativeModule (crypto|assert)$/.test(name))).toEqual([])
  })

  test("the root action's Octokit chunk keeps the GitHub client's real @actions/http-client", () => {
    const dir = dirname(actionPath())
    const chunks = readdirSync(dir).filter(name => /^\d+\.index\.js$/.test(name))
    const octokit = chunks.filter(name =>
      sourcesOf(join(dir, name)).some(s => s.includes('node_modules/@octokit/core/'))
    )
    expect(octokit).toHaveLength(1)
    expect(
      sourcesOf(join(dir, octokit[0]!)).some(s =>
        s.includes('node_modules/@actions/github/node_modules/@actions/http-client/')
      )
    ).toBe(true)
  })
})
