// Imports run downward only: every module in src/ lives in one folder (its layer), and may import
// modules of its own folder or of a lower layer, never of a higher one, and an action never imports
// another action (what two actions share belongs in a layer below them). Run by `npm run lint`, so
// a new upward or sideways import fails CI with the file, the line and the rule it breaks.
//
// The layers, lowest first (CONTRIBUTING.md "Layout" says what each holds):
//   core          errors, redaction, text, files, clock: knows nothing of HTTP, clouds or actions
//   http          undici, proxies, retry: any HTTPS service (the Alibaba and GitHub sides both use it)
//   alibaba       Alibaba Cloud's API: signer, RPC, the VPC client, STS/OIDC, answer checks
//   github        GitHub's API and the runner's token service: Octokit, issues, comments, user keys
//   certificates  the life of a certificate shared by several actions: reuse, replace, revoke, expiry
//   delivery      profiles encrypted to a person's keys (age), plugged into the certificate life
//   runner        what every action composes: the live ActionIo, inputs shared by all, failures
//   create, revoke, report, connect, sync   one folder per action: entry, inputs, outputs, logic
//
// Usage: node scripts/check-layers.mjs [--graph]   (--graph prints which folder imports which)
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SRC = join(ROOT, 'src')

/** Each folder's rank: a module may import from a folder of a strictly lower rank, or its own. */
export const LAYERS = {
  core: 0,
  http: 1,
  alibaba: 2,
  github: 2,
  certificates: 3,
  delivery: 4,
  runner: 4,
  create: 5,
  revoke: 5,
  report: 5,
  connect: 5,
  sync: 5
}

function tsFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap(name => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return tsFiles(path)
      return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : []
    })
}

/** Relative specifiers of static imports, re-exports and dynamic `import()`s, with their lines. */
function importsOf(text) {
  const found = []
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm
  for (const match of text.matchAll(pattern)) {
    const line = text.slice(0, match.index).split('\n').length
    found.push({ specifier: match[1], line })
  }
  return found
}

const problems = []
const graph = new Map()
for (const file of tsFiles(SRC)) {
  const path = posix.normalize(relative(SRC, file).split('\\').join('/'))
  const folder = path.includes('/') ? path.split('/')[0] : undefined
  if (folder === undefined || !(folder in LAYERS)) {
    problems.push(`src/${path}: not in a layer folder (${Object.keys(LAYERS).join(', ')})`)
    continue
  }
  for (const { specifier, line } of importsOf(readFileSync(file, 'utf8'))) {
    const target = posix.normalize(posix.join(posix.dirname(path), specifier))
    const targetFolder = target.split('/')[0]
    if (target.startsWith('..')) {
      problems.push(`src/${path}:${line}: imports ${specifier}, outside src/`)
      continue
    }
    if (targetFolder === folder) continue
    const edges = graph.get(folder) ?? new Set()
    edges.add(targetFolder)
    graph.set(folder, edges)
    if (!(targetFolder in LAYERS)) {
      problems.push(`src/${path}:${line}: imports ${specifier}, which is in no layer folder`)
    } else if (LAYERS[targetFolder] === LAYERS.create && LAYERS[folder] === LAYERS.create) {
      problems.push(
        `src/${path}:${line}: the ${folder} action imports the ${targetFolder} action (${specifier}); move what both need to a shared layer`
      )
    } else if (LAYERS[targetFolder] >= LAYERS[folder]) {
      problems.push(
        `src/${path}:${line}: ${folder} (layer ${LAYERS[folder]}) imports ${specifier} from ${targetFolder} (layer ${LAYERS[targetFolder]}); imports must run downward`
      )
    }
  }
}

if (process.argv.includes('--graph')) {
  for (const [from, to] of [...graph].sort()) console.log(`${from} -> ${[...to].sort().join(', ')}`)
}
if (problems.length > 0) {
  console.error(`check-layers: ${problems.length} import(s) break the layering:`)
  for (const problem of problems) console.error(`  ${problem}`)
  process.exit(1)
}
console.log(
  `check-layers: every import in src/ runs downward (${Object.keys(LAYERS).length} folders).`
)
