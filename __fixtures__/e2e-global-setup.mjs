// Jest global setup of the end-to-end project: bundles the current sources (scripts/bundle.mjs,
// the same build as `npm run bundle`) into .tmp/test-dist/ and points the runner harness
// (test-server/run-action.mjs) at it, so a green `npm test` always means the code in src/ works,
// whatever dist/ holds. CI checks separately that the committed dist/ is a fresh build.
//
// The build is skipped when nothing it reads changed since the last one (a hash of the sources,
// the lock file and the build script). ACTION_UNDER_TEST, when set, wins: it runs the tests
// against another bundle (for example an older release, to show that a new test fails there).
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { BUNDLES, ROOT, bundleAll } from '../scripts/bundle.mjs'

const OUT = join(ROOT, '.tmp', 'test-dist')
const INPUTS = ['src', 'shims', 'package-lock.json', 'scripts/bundle.mjs', 'tsconfig.json']

function files(path) {
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path)
    .sort()
    .flatMap(name => files(join(path, name)))
}

function sourceHash() {
  const hash = createHash('sha256')
  for (const file of INPUTS.flatMap(input => files(join(ROOT, input)))) {
    hash
      .update(`${relative(ROOT, file)}\0`)
      .update(readFileSync(file))
      .update('\0')
  }
  return hash.digest('hex')
}

export default function globalSetup() {
  process.env.ACTION_DIST = OUT
  if (process.env.ACTION_UNDER_TEST) {
    console.log(`\ne2e: running ${process.env.ACTION_UNDER_TEST} (ACTION_UNDER_TEST)`)
    return
  }
  const stamp = join(OUT, '.source-hash')
  const hash = sourceHash()
  const built = BUNDLES.every(b => existsSync(join(OUT, b.folder, 'index.js')))
  if (built && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return
  const started = Date.now()
  bundleAll(OUT)
  writeFileSync(stamp, hash)
  console.log(
    `\ne2e: bundled the current sources into .tmp/test-dist in ${Date.now() - started} ms`
  )
}
