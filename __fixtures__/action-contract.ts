/**
 * Checks that tie an action.yml to the code that reads it (action-yml.test.ts,
 * report-inputs.test.ts): which input names the sources read, and which inputs a reader refuses
 * when they are empty.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

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
