import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { readableStack } from '../../src/core/stack-trace.js'

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** One Base64 VLQ number of a source map's `mappings` (source map v3). */
function vlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1
  let out = ''
  do {
    let digit = rest & 31
    rest >>>= 5
    if (rest > 0) digit |= 32
    out += BASE64[digit]
  } while (rest > 0)
  return out
}

/**
 * A source map of a one-line minified file whose column `column` (1-based) comes from line
 * `line`, column `originalColumn` of `source` (1-based), as ncc names sources relative to dist/.
 */
function oneLineMap(
  file: string,
  source: string,
  column: number,
  line: number,
  originalColumn = 5
) {
  return {
    version: 3,
    file,
    sources: [source],
    names: [],
    mappings: [column - 1, 0, line - 1, originalColumn - 1].map(vlq).join('')
  }
}

let dir: string
let bundle: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stack-trace-'))
  bundle = join(dir, 'index.js')
  // ncc's bundle map names sources `../src/…`, its chunks' maps `.././src/…`.
  await writeFile(`${bundle}.map`, JSON.stringify(oneLineMap('index.js', '../src/main.ts', 10, 42)))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('readableStack', () => {
  test('translates frames of the bundle through its source map, and leaves others alone', () => {
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
  })

  test('translates frames of each chunk file beside the bundle through that chunk’s own map', async () => {
    const chunk = join(dir, '803.index.js')
    await writeFile(
      `${chunk}.map`,
      JSON.stringify(oneLineMap('803.index.js', '.././src/delivery/deliver.ts', 7, 117, 9))
    )
    const stack = [
      'TypeError: boom',
      `    at sealer (${pathToFileURL(chunk).href}:1:7)`,
      `    at async run (${pathToFileURL(bundle).href}:1:10)`,
      `    at ${chunk}:1:7`
    ].join('\n')
    expect(readableStack(stack, pathToFileURL(bundle).href).split('\n')).toEqual([
      'TypeError: boom',
      '    at sealer (src/delivery/deliver.ts:117:9)',
      '    at async run (src/main.ts:42:5)',
      '    at src/delivery/deliver.ts:117:9'
    ])
  })

  test('files that are not the bundle’s chunks keep their frames, even with a map beside them', async () => {
    const elsewhere = join(dir, 'elsewhere')
    await mkdir(elsewhere)
    const strangers = [
      join(elsewhere, '803.index.js'), // a chunk's name in another directory
      join(dir, 'evil.index.js'), // not a chunk id
      join(dir, '803.other.js') // a chunk of another bundle name
    ]
    for (const file of strangers) {
      await writeFile(`${file}.map`, JSON.stringify(oneLineMap('x.js', '../src/wrong.ts', 7, 1)))
    }
    const stack = strangers.map(file => `    at f (${file}:1:7)`).join('\n')
    expect(readableStack(stack, bundle)).toBe(stack)
  })

  test('a chunk whose map is missing, malformed or too large keeps its frames; the others are translated', async () => {
    const chunks = {
      missing: join(dir, '1.index.js'),
      notJson: join(dir, '2.index.js'),
      notAMap: join(dir, '3.index.js'),
      tooLarge: join(dir, '4.index.js')
    }
    await writeFile(`${chunks.notJson}.map`, '{"version":3,"mappings":')
    await writeFile(`${chunks.notAMap}.map`, JSON.stringify({ version: 3, mappings: 42 }))
    // A valid map padded past the bound (8 MiB) with whitespace, which JSON allows.
    await writeFile(
      `${chunks.tooLarge}.map`,
      JSON.stringify(oneLineMap('4.index.js', '.././src/too-large.ts', 7, 1)) +
        ' '.repeat(8 * 1024 * 1024)
    )
    const chunkFrames = Object.values(chunks).map(file => `    at f (${file}:1:7)`)
    const stack = ['Error: boom', ...chunkFrames, `    at run (${bundle}:1:10)`].join('\n')
    expect(readableStack(stack, bundle).split('\n')).toEqual([
      'Error: boom',
      ...chunkFrames,
      '    at run (src/main.ts:42:5)'
    ])
  })

  test('a map past the size bound is not read, the bundle’s own included', async () => {
    const valid = JSON.stringify(oneLineMap('index.js', '../src/main.ts', 10, 42))
    await writeFile(`${bundle}.map`, valid + ' '.repeat(8 * 1024 * 1024))
    const stack = `    at run (${bundle}:1:10)`
    expect(readableStack(stack, bundle)).toBe(stack)
    await writeFile(`${bundle}.map`, valid + ' '.repeat(1024))
    expect(readableStack(stack, bundle)).toBe('    at run (src/main.ts:42:5)')
  })

  test('a source name from a map is shown on one line, control characters escaped', async () => {
    const chunk = join(dir, '5.index.js')
    await writeFile(
      `${chunk}.map`,
      JSON.stringify(oneLineMap('5.index.js', '.././src/a\n::error::b\u001b[2J.ts', 7, 3, 1))
    )
    expect(readableStack(`    at f (${chunk}:1:7)`, bundle)).toBe(
      '    at f (src/a ::error::b\\u001b[2J.ts:3:1)'
    )
  })

  test('without a source map the stack is unchanged', () => {
    const stack =
      'Error: boom\n    at run (/nowhere/index.js:1:10)\n    at f (/nowhere/9.index.js:1:3)'
    expect(readableStack(stack, '/nowhere/index.js')).toBe(stack)
  })
})
