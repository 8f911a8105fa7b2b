// No export without an importer: every `export` in src/ must be imported by another module in src/
// or by a test (__tests__/, __fixtures__/); an export used nowhere else is module-private and loses
// its `export`. Run by `npm run lint`, so a new unused export fails CI.
//
// Plain Node and regular expressions over the sources, which follow one style (prettier): exported
// declarations (`export function|const|class|interface|type … NAME`), export lists and re-exports
// (`export { a, b as c } [from './x.js']`, `export * from`), and static imports (`import [type]
// { … } from`, `import * as ns from`, `import name from`). A relative specifier `./x.js` resolves
// to the sibling `x.ts`. A namespace import counts as using every export of that module.
//
// Usage: node scripts/check-exports.mjs [--list]   (--list prints every export and its importers)
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Modules whose exports are checked. */
const SOURCES = 'src'
/** Also importers: tests and their fixtures. */
const IMPORTERS = [SOURCES, '__tests__', '__fixtures__']

function tsFiles(dir) {
  const full = join(ROOT, dir)
  let names
  try {
    names = readdirSync(full)
  } catch {
    return []
  }
  return names.sort().flatMap(name => {
    const path = join(full, name)
    if (statSync(path).isDirectory()) return tsFiles(join(dir, name))
    return /\.m?ts$/.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.d.mts') ? [path] : []
  })
}

/** `{ a, type b, c as d }` → the names as exported by the other side: a, b, c. */
function listedNames(list) {
  return list
    .split(',')
    .map(item => item.replace(/\/\/.*$/gm, '').trim())
    .filter(item => item !== '')
    .map(item =>
      item
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
        .trim()
    )
}

/** `./x.js` from `file` → the absolute path of `x.ts`; undefined for packages. */
function resolveSpecifier(file, specifier) {
  if (!specifier.startsWith('.')) return undefined
  return resolve(dirname(file), specifier).replace(/\.js$/, '.ts')
}

/** Drops comments, so a commented-out import or an `export` in TSDoc does not count. */
function withoutComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
}

const DECLARATION =
  /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|const|let|var|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm
const EXPORT_LIST = /^export\s+(?:type\s+)?\{([^}]*)\}(?:\s*from\s*['"]([^'"]+)['"])?/gm
const EXPORT_ALL = /^export\s+\*\s+from\s*['"]([^'"]+)['"]/gm
const IMPORT_LIST =
  /^import\s+(?:type\s+)?(?:[A-Za-z_$][\w$]*\s*,\s*)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/gm
const IMPORT_NAMESPACE =
  /^import\s+(?:type\s+)?\*\s+as\s+[A-Za-z_$][\w$]*\s+from\s*['"]([^'"]+)['"]/gm
/** `const { a, b } = await import('./x.js')` (after jest.unstable_mockModule, say). */
const DYNAMIC_DESTRUCTURED = /\{([^}]*)\}\s*=\s*await\s+import\(\s*['"]([^'"]+)['"]\s*\)/g
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

/** Every export of src/, as `path#name` → the files that import it. */
export function findExports() {
  const exported = new Map()
  const used = new Map()
  const namespaceUsed = new Set()
  const use = (target, name, by) => {
    const key = `${target}#${name}`
    if (!used.has(key)) used.set(key, new Set())
    used.get(key).add(by)
  }
  const sources = new Set(tsFiles(SOURCES))
  for (const file of IMPORTERS.flatMap(tsFiles)) {
    const text = withoutComments(readFileSync(file, 'utf8'))
    const isSource = sources.has(file)
    if (isSource) {
      for (const [, name] of text.matchAll(DECLARATION)) exported.set(`${file}#${name}`, file)
    }
    for (const [, list, from] of text.matchAll(EXPORT_LIST)) {
      const target = from === undefined ? undefined : resolveSpecifier(file, from)
      for (const item of list.split(',').filter(i => i.trim() !== '')) {
        const [original, alias] = item
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
        if (isSource) exported.set(`${file}#${(alias ?? original).trim()}`, file)
        // A re-export imports the name from the other module.
        if (target) use(target, original.trim(), file)
      }
    }
    for (const [, from] of text.matchAll(EXPORT_ALL)) {
      const target = resolveSpecifier(file, from)
      if (target) namespaceUsed.add(target)
    }
    for (const [, list, from] of text.matchAll(IMPORT_LIST)) {
      const target = resolveSpecifier(file, from)
      if (target) for (const name of listedNames(list)) use(target, name, file)
    }
    for (const [, from] of text.matchAll(IMPORT_NAMESPACE)) {
      const target = resolveSpecifier(file, from)
      if (target) namespaceUsed.add(target)
    }
    const destructured = new Set()
    for (const [whole, list, from] of text.matchAll(DYNAMIC_DESTRUCTURED)) {
      destructured.add(whole.slice(whole.indexOf('import(')))
      const target = resolveSpecifier(file, from)
      if (target)
        for (const name of listedNames(list.replace(/:\s*[\w$]+/g, ''))) use(target, name, file)
    }
    for (const [call, from] of text.matchAll(DYNAMIC)) {
      const target = resolveSpecifier(file, from)
      // Any other dynamic import may use anything the module exports.
      if (target && ![...destructured].some(d => d.startsWith(call))) namespaceUsed.add(target)
    }
  }
  return [...exported.keys()].sort().map(key => {
    const file = key.slice(0, key.indexOf('#'))
    const name = key.slice(key.indexOf('#') + 1)
    const importers = [...(used.get(key) ?? [])].filter(by => by !== file)
    return {
      file: relative(ROOT, file),
      name,
      importers: namespaceUsed.has(file)
        ? ['(namespace import)']
        : importers.map(by => relative(ROOT, by))
    }
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const all = findExports()
  const unused = all.filter(e => e.importers.length === 0)
  if (process.argv.includes('--list')) {
    for (const e of all) console.log(`${e.file} ${e.name}: ${e.importers.join(', ') || '-'}`)
  }
  if (unused.length > 0) {
    console.error(
      `${unused.length} of ${all.length} exports in src/ are imported nowhere else (remove \`export\`, or import them):`
    )
    for (const e of unused) console.error(`  ${e.file}: ${e.name}`)
    process.exitCode = 1
  } else {
    console.log(`check-exports: all ${all.length} exports in src/ have an importer.`)
  }
}
