/**
 * End to end: a bug (not an expected failure) is reported in one annotation, and its stack, shown
 * with debug logging, names the TypeScript sources through the bundle's source map instead of
 * `index.js:1:<column>` of the minified bundle.
 */
import { describe, expect, test } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction } from '../../test-server/run-action.mjs'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'

const startStandIn = standInPerTest()

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
      const debug = result.stdout
        .split('\n')
        .filter(line => line.startsWith('::debug::'))
        .join('\n')
        .replace(/%0A/g, '\n')
      expect(debug).toMatch(/^\s+at run \(src\/main\.ts:\d+:\d+\)$/m)
      expect(debug).not.toMatch(/index\.js:1:\d{3,}/)
    } finally {
      await rm(notAFile, { recursive: true, force: true })
    }
  })
})
