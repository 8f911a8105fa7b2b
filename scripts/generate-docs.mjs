// Generates the inputs and outputs tables of the documentation from the action.yml files, the one
// source of truth for names, defaults and descriptions (as actions/checkout generates its usage
// block). `npm run build` runs it; CI fails when a generated table differs from what is committed.
//
// A table goes between two markers in README.md or docs/*.md:
//   <!-- generated: inputs of action.yml -->
//   …replaced…
//   <!-- end generated -->
// (`outputs of revoke/action.yml` likewise). `--check` writes nothing and exits 1 when a file is stale.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import yaml from 'js-yaml'
import prettier from 'prettier'
import { ROOT } from './bundle.mjs'

const MARKED =
  /(<!-- generated: (inputs|outputs) of ([\w./-]+) -->\n)[\s\S]*?(<!-- end generated -->)/g

/** An action.yml's inputs or outputs, as declared. */
export function readAction(path) {
  const action = yaml.load(readFileSync(join(ROOT, path), 'utf8'))
  if (!action || typeof action !== 'object') throw new Error(`${path} is not a YAML mapping`)
  return action
}

/** One line of table text: folded whitespace, pipes escaped. */
function cell(text) {
  return (
    String(text ?? '')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/\|/g, '\\|')
      // `<name>` in a description would render as an (invisible) HTML tag.
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
  )
}

export function table(kind, path) {
  const action = readAction(path)
  const entries = Object.entries(action[kind] ?? {})
  if (entries.length === 0) throw new Error(`${path} declares no ${kind}`)
  if (kind === 'inputs') {
    const rows = entries.map(([name, spec]) => {
      const required = spec?.required === true ? 'yes' : 'no'
      const fallback = spec?.default === undefined ? '' : `\`${cell(spec.default)}\``
      return `| \`${name}\` | ${required} | ${fallback} | ${cell(spec?.description)} |`
    })
    return ['| input | required | default | description |', '| --- | --- | --- | --- |', ...rows]
  }
  const rows = entries.map(([name, spec]) => `| \`${name}\` | ${cell(spec?.description)} |`)
  return ['| output | description |', '| --- | --- |', ...rows]
}

/** The documentation files that may hold generated tables. */
function documents() {
  const docs = existsSync(join(ROOT, 'docs'))
    ? readdirSync(join(ROOT, 'docs'))
        .filter(f => f.endsWith('.md'))
        .map(f => join('docs', f))
    : []
  return ['README.md', ...docs].filter(f => existsSync(join(ROOT, f)))
}

/**
 * The document with every marked table regenerated, formatted as `prettier --check` expects. The
 * tables themselves are left unpadded (prettier-ignore): padded to their longest description they
 * would triple the README's size.
 */
export async function render(text, file) {
  const filled = text.replace(
    MARKED,
    (_all, open, kind, path, close) =>
      `${open}<!-- prettier-ignore-start -->\n${table(kind, path).join('\n')}\n<!-- prettier-ignore-end -->\n${close}`
  )
  const options = (await prettier.resolveConfig(join(ROOT, file))) ?? {}
  return prettier.format(filled, { ...options, filepath: join(ROOT, file) })
}

if (process.argv[1] && process.argv[1].endsWith('generate-docs.mjs')) {
  const check = process.argv.includes('--check')
  const stale = []
  for (const file of documents()) {
    const before = readFileSync(join(ROOT, file), 'utf8')
    const after = await render(before, file)
    if (after === before) continue
    stale.push(file)
    if (!check) writeFileSync(join(ROOT, file), after)
  }
  if (check && stale.length > 0) {
    console.error(
      `Generated tables are stale in ${stale.join(', ')}: run 'npm run docs' and commit the result.`
    )
    process.exit(1)
  }
  console.log(
    stale.length === 0 ? 'Docs tables up to date.' : `Regenerated tables in ${stale.join(', ')}.`
  )
}
