/**
 * Checks that tie an action.yml to the code that reads it (action-yml.test.ts,
 * report-inputs.test.ts): which input names the sources read, and which inputs a reader refuses
 * when they are empty.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/** The sub-actions' folders in src/: each has its own action.yml and its own contract test. */
export const SUB_ACTION_FOLDERS = ['revoke', 'report', 'connect', 'sync']

/** The .ts files under `dir/folder` (or all of `dir`), as paths relative to `dir`. */
export function sourceFiles(dir: string, folder = ''): string[] {
  const walk = (path: string): string[] =>
    readdirSync(path).flatMap(name => {
      const full = join(path, name)
      if (statSync(full).isDirectory()) return walk(full)
      return name.endsWith('.ts') ? [relative(dir, full)] : []
    })
  return walk(join(dir, folder))
}

/** Every name passed to `getInput('…')` in these source files. */
export function inputsNamedIn(dir: string, files: readonly string[]): Set<string> {
  const named = new Set<string>()
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8')
    for (const [, name] of text.matchAll(/getInput\(\s*'([^']+)'/g)) named.add(name ?? '')
  }
  return named
}

/**
 * The inputs among `names` that `read` refuses with "Input '<name>': is required…" when that one
 * is empty and the others are as in `valid`.
 */
export function inputsRequiredWhenEmpty(
  names: readonly string[],
  valid: Readonly<Record<string, string>>,
  read: (values: Record<string, string>) => unknown
): string[] {
  return names.filter(name => {
    try {
      read({ ...valid, [name]: '' })
      return false
    } catch (error) {
      return new RegExp(`^Input '${name}': is required`).test(String((error as Error).message))
    }
  })
}
