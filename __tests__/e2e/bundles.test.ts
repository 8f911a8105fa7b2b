/**
 * What each bundle under test (built from the current sources by the e2e global setup) loads at
 * start, from its source map: `@actions/core`'s HTTP client is the shim (shims/README.md), never
 * the real one with `tunnel` and undici's `ProxyAgent`, which cost every step's start 40-60 ms; the
 * connect action, which calls no API, carries no undici at all. The GitHub client's own
 * `@actions/http-client` stays, in the lazily loaded Octokit chunk.
 */
import { describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { actionPath } from '../../test-server/run-action.mjs'

const ACTIONS = [undefined, 'revoke', 'report', 'sync', 'connect'] as const

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

  test('connect carries no undici', () => {
    expect(
      sourcesOf(actionPath('connect')).filter(s => s.includes('node_modules/undici/'))
    ).toEqual([])
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
