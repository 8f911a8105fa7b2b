/**
 * Readable stack traces for bugs. The bundle is minified (start-up time and size, see
 * CONTRIBUTING.md), so a raw stack names `dist/index.js:1:123456`. `npm run bundle` writes a source
 * map beside the bundle (`index.js.map`, without sources' content), and one beside each chunk file
 * ncc makes of a dynamic `import()` (`413.index.js.map`: the delivery code and Octokit, loaded only
 * with a recipient). Only when a bug's stack is about to be printed are the maps of the files its
 * frames name read, each at most once, and each frame translated to `src/<file>.ts:<line>:1` (ncc's
 * maps hold lines, not columns; scripts/bundle.mjs says why the lines are TypeScript's).
 * Nothing is loaded at start-up, and a map that is missing, too large or unreadable leaves its
 * frames as they were.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { SourceMap, type SourceMapPayload } from 'node:module'
import { basename, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cutText, singleLine } from './text.js'

/** `at … (file:///…/index.js:1:2345)` or `at /…/index.js:1:2345`: the file, line and column. */
const FRAME = /(file:\/\/\S+?|\/\S+?)\.js:(\d+):(\d+)/g

/**
 * The largest map read: the bundle's is about 0.4 MB without sources' content; a file far larger
 * beside it is not ours to parse while reporting a bug.
 */
const MAX_SOURCE_MAP_BYTES = 8 * 1024 * 1024

/** The longest source name shown in a frame (a map is a file from outside, however trusted). */
const MAX_SOURCE_NAME_LENGTH = 200

/**
 * The chunk files ncc writes beside a bundle named `index.js`: `<id>.index.js` with a numeric id
 * (scripts/bundle.mjs, `chunkFiles`, finds them by the same name).
 */
function isChunkOf(bundleName: string, fileName: string): boolean {
  return new RegExp(`^\\d+\\.${escapeRegExp(bundleName)}$`).test(fileName)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** `path`'s contents as text, or undefined when it cannot be read or exceeds `maxBytes`. */
function readBounded(path: string, maxBytes: number): string | undefined {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const { size } = fstatSync(fd)
    if (size > maxBytes) return undefined
    const buffer = Buffer.alloc(size)
    let read = 0
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read)
      if (n === 0) break
      read += n
    }
    return buffer.subarray(0, read).toString('utf8')
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function loadSourceMap(jsPath: string): SourceMap | undefined {
  const text = readBounded(`${jsPath}.map`, MAX_SOURCE_MAP_BYTES)
  if (text === undefined) return undefined
  try {
    const payload = JSON.parse(text) as SourceMapPayload
    if (typeof payload !== 'object' || payload === null || typeof payload.mappings !== 'string') {
      return undefined
    }
    return new SourceMap(payload)
  } catch {
    return undefined
  }
}

/** `../src/main.ts` (as ncc names sources, relative to dist/) → `src/main.ts`, on one line. */
function sourceName(source: string): string {
  const name = source.replace(/^(\.\.?\/)+/, '').replace(/^webpack:\/\/\/?/, '')
  return cutText(singleLine(name), MAX_SOURCE_NAME_LENGTH)
}

/** A frame's position translated through `map`, or undefined when the map does not cover it. */
function translate(map: SourceMap, line: string, column: string): string | undefined {
  try {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1)
    if (!('originalSource' in entry) || typeof entry.originalSource !== 'string') return undefined
    if (!entry.originalSource) return undefined
    return `${sourceName(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
  } catch {
    return undefined
  }
}

/**
 * `stack` with every frame in `bundleUrl` (default: this module's own file, i.e. the bundle), or
 * in a chunk file beside it (`<id>.index.js`), translated through that file's own source map.
 */
export function readableStack(stack: string, bundleUrl: string = import.meta.url): string {
  const bundlePath = bundleUrl.startsWith('file:') ? fileURLToPath(bundleUrl) : bundleUrl
  const bundleDir = dirname(bundlePath)
  const bundleName = basename(bundlePath)
  const maps = new Map<string, SourceMap | undefined>()
  return stack.replace(FRAME, (frame, file: string, line: string, column: string) => {
    let path: string
    try {
      path = file.startsWith('file:') ? fileURLToPath(`${file}.js`) : `${file}.js`
    } catch {
      return frame
    }
    const ours =
      path === bundlePath || (dirname(path) === bundleDir && isChunkOf(bundleName, basename(path)))
    if (!ours) return frame
    if (!maps.has(path)) maps.set(path, loadSourceMap(path))
    const map = maps.get(path)
    return (map && translate(map, line, column)) ?? frame
  })
}
