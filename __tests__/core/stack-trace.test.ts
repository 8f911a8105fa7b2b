import { describe, expect, test } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { readableStack } from '../../src/core/stack-trace.js'

/** A one-line "bundle" whose column 10 maps to line 42, column 5 of ../src/main.ts. */
const MAP = {
  version: 3,
  file: 'index.js',
  sources: ['../src/main.ts'],
  names: [],
  // segment: generated column 9, source 0, original line 41, original column 4 (all 0-based)
  mappings: 'SAyCI'
}

describe('readableStack', () => {
  test('translates frames of the bundle through its source map, and leaves others alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stack-trace-'))
    try {
      const bundle = join(dir, 'index.js')
      await writeFile(`${bundle}.map`, JSON.stringify(MAP))
      const stack = [
        'Error: boom',
        `    at run (${pathToFileURL(bundle).href}:1:10)`,
        `    at ${bundle}:1:10`,
        '    at Object.writeFileSync (node:fs:2380:20)',
        `    at other (${join(dir, 'other.js')}:1:10)`
      ].join('\n')
      expect(readableStack(stack, pathToFileURL(bundle).href).split('\n')).toEqual([
        'Error: boom',
        '    at run (src/main.ts:42:5)',
        '    at src/main.ts:42:5',
        '    at Object.writeFileSync (node:fs:2380:20)',
        `    at other (${join(dir, 'other.js')}:1:10)`
      ])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('without a source map the stack is unchanged', () => {
    const stack = 'Error: boom\n    at run (/nowhere/index.js:1:10)'
    expect(readableStack(stack, '/nowhere/index.js')).toBe(stack)
  })
})
