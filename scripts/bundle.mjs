// Builds every bundle the repository ships with @vercel/ncc, the same way for `npm run bundle`
// (into dist/, committed and checked by CI) and for the end-to-end tests (into a scratch folder,
// so that a test run always exercises the current sources; see __fixtures__/e2e-global-setup.ts).
//
//   node scripts/bundle.mjs            → dist/
//   node scripts/bundle.mjs --out DIR  → DIR/
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * What ships: each entry point and the folder (under the output root) its bundle goes to. The
 * action.yml of each action names `<folder>/index.js`.
 */
export const BUNDLES = [
  { entry: 'src/create/index.ts', folder: '.' },
  { entry: 'src/report/index.ts', folder: 'report' },
  { entry: 'src/revoke/index.ts', folder: 'revoke' },
  { entry: 'src/sync/index.ts', folder: 'sync' },
  { entry: 'src/connect/index.ts', folder: 'connect' }
]

/**
 * ncc's flags: ESM output (the package is "type": "module"), minified (start-up time and size),
 * with a source map beside each bundle and chunk for readable stack traces of bugs
 * (src/core/stack-trace.ts reads them only when one is printed; no source-map-support is loaded at
 * start). tsconfig.json's `"sourceMap": true` is what makes them name TypeScript lines: without it
 * ncc's TypeScript step hands webpack no map, and every line is that of the JavaScript TypeScript
 * made (comments and types gone, so tens of lines early). The maps are webpack's "cheap" ones:
 * lines only, every column 1.
 */
const NCC_FLAGS = [
  '--license',
  'licenses.txt',
  '--target',
  'es2022',
  '--minify',
  '--source-map',
  '--no-source-map-register',
  '--quiet'
]

/**
 * The map without the sources' text: line and column translation needs only the mappings, and
 * the sources are in the repository (3.4 MB → about 1 MB).
 */
function slimSourceMap(path) {
  const map = JSON.parse(readFileSync(path, 'utf8'))
  delete map.sourcesContent
  writeFileSync(path, JSON.stringify(map))
}

/** Where the sources import undici's own files (src/http/undici.ts). */
const UNDICI_IMPORTERS = ['src/http/undici.ts']

/**
 * undici's files are not its public API (src/http/undici.ts says why the action imports them): before
 * building, check that every one imported still exists in the installed undici, and that the
 * installed undici is the exact version package.json pins, so an upgrade that moves a file fails
 * here, loudly and by name, instead of in a runner.
 */
export function checkUndiciFiles() {
  const pinned = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies.undici
  const installed = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', 'undici', 'package.json'), 'utf8')
  ).version
  if (installed !== pinned) {
    throw new Error(
      `undici ${installed} is installed but package.json pins ${pinned}: run npm ci (an upgrade must re-check src/http/undici.ts).`
    )
  }
  for (const importer of UNDICI_IMPORTERS) {
    const text = readFileSync(join(ROOT, importer), 'utf8')
    for (const [, file] of text.matchAll(/from 'undici\/(lib\/[^']+)'/g)) {
      if (!existsSync(join(ROOT, 'node_modules', 'undici', file))) {
        throw new Error(
          `${importer} imports undici/${file}, which undici ${installed} does not have: find where it moved and update ${importer}.`
        )
      }
    }
  }
}

/**
 * The chunk files of a bundle: what a dynamic `import()` in the sources becomes (`<id>.index.js`
 * and its map beside `index.js`; src/main.ts loads the encryption code and Octokit that way, only
 * when a recipient is given). They ship with the bundle: commit them with it.
 */
function chunkFiles(dir) {
  return existsSync(dir)
    ? readdirSync(dir).filter(name => /^\d+\.index\.js(\.map)?$/.test(name))
    : []
}

/** Bundles every entry into `outRoot`; throws with ncc's output when a build fails. */
export function bundleAll(outRoot = join(ROOT, 'dist')) {
  checkUndiciFiles()
  const ncc = join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  for (const { entry, folder } of BUNDLES) {
    const out = join(outRoot, folder)
    // ncc removes the old .js files it finds, not their maps: an old chunk's map would linger.
    for (const name of chunkFiles(out)) rmSync(join(out, name))
    // ncc writes licenses.txt only when the bundle has a package: one that no longer has any
    // (connect) would keep a stale list.
    rmSync(join(out, 'licenses.txt'), { force: true })
    const result = spawnSync(process.execPath, [ncc, 'build', entry, '-o', out, ...NCC_FLAGS], {
      cwd: ROOT,
      encoding: 'utf8'
    })
    if (result.status !== 0) {
      throw new Error(`ncc failed for ${entry}:\n${result.stdout}\n${result.stderr}`)
    }
    slimSourceMap(join(out, 'index.js.map'))
    for (const name of chunkFiles(out).filter(n => n.endsWith('.map'))) {
      slimSourceMap(join(out, name))
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out')
  const outRoot = at > 0 ? resolve(process.argv[at + 1] ?? '') : join(ROOT, 'dist')
  bundleAll(outRoot)
  console.log(`Bundled ${BUNDLES.map(b => b.entry).join(', ')} into ${outRoot}`)
}
