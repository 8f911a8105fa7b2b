/**
 * Readable stack traces for bugs. The bundle is minified (start-up time and size, see
 * CONTRIBUTING.md), so a raw stack names `dist/index.js:1:123456`. `npm run bundle` writes a source
 * map beside the bundle (`index.js.map`, without sources' content); only when a bug's stack is
 * about to be printed is it read and each bundle frame translated to `src/<file>.ts:<line>:<col>`.
 * Nothing is loaded at start-up, and a missing or unreadable map leaves the stack as it was.
 */
import { readFileSync } from 'node:fs'
import { SourceMap, type SourceMapPayload } from 'node:module'
import { fileURLToPath } from 'node:url'

/** `at … (file:///…/index.js:1:2345)` or `at /…/index.js:1:2345`: the file, line and column. */
const FRAME = /(file:\/\/\S+?|\/\S+?)\.js:(\d+):(\d+)/g

function loadSourceMap(bundlePath: string): SourceMap | undefined {
  try {
    const payload = JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')) as SourceMapPayload
    return new SourceMap(payload)
  } catch {
    return undefined
  }
}

/** `../src/main.ts` (as ncc names sources, relative to dist/) → `src/main.ts`. */
function sourceName(source: string): string {
  return source.replace(/^(\.\.\/)+/, '').replace(/^webpack:\/\/\/?/, '')
}

/**
 * `stack` with every frame in `bundleUrl` (default: this module's own file, i.e. the bundle)
 * translated through the bundle's source map.
 */
export function readableStack(stack: string, bundleUrl: string = import.meta.url): string {
  const bundlePath = bundleUrl.startsWith('file:') ? fileURLToPath(bundleUrl) : bundleUrl
  let map: SourceMap | undefined | null = null
  return stack.replace(FRAME, (frame, file: string, line: string, column: string) => {
    const path = file.startsWith('file:') ? fileURLToPath(`${file}.js`) : `${file}.js`
    if (path !== bundlePath) return frame
    map ??= loadSourceMap(bundlePath)
    const entry = map?.findEntry(Number(line) - 1, Number(column) - 1)
    if (!entry || !('originalSource' in entry) || !entry.originalSource) return frame
    return `${sourceName(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
  })
}
