/**
 * The YAML examples of the README and docs/ are what people copy into their workflows: each must
 * parse, and none may put a value a person can type (`${{ inputs.* }}`, `${{ github.event.* }}`)
 * straight into a `run:` script, where the shell would execute it (script injection); such values
 * go through `env:`.
 */
import { describe, expect, test } from '@jest/globals'
import yaml from 'js-yaml'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ACTION_YML_PATH } from '../test-server/run-action.mjs'

const ROOT = join(ACTION_YML_PATH, '..')
const DOCUMENTS = ['README.md', ...readdirSync(join(ROOT, 'docs')).map(name => `docs/${name}`)]
  .filter(path => path.endsWith('.md'))
  .sort()

interface YamlBlock {
  document: string
  /** 1-based line of the opening fence. */
  line: number
  text: string
}

/** Every ```yaml block of `document`, indented ones (inside a list item) too, dedented. */
function yamlBlocks(document: string): YamlBlock[] {
  const markdown = readFileSync(join(ROOT, document), 'utf8')
  const blocks: YamlBlock[] = []
  for (const match of markdown.matchAll(/^( *)```ya?ml\n([\s\S]*?)^\1```$/gm)) {
    const indent = match[1] ?? ''
    const text = (match[2] ?? '')
      .split('\n')
      .map(line => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n')
    const line = markdown.slice(0, match.index).split('\n').length
    blocks.push({ document, line, text })
  }
  return blocks
}

/** Every `run:` value anywhere in a parsed workflow (or list of steps). */
function runScripts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(runScripts)
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, inner]) =>
    key === 'run' && typeof inner === 'string' ? [inner] : runScripts(inner)
  )
}

/** An expression a person outside the repository's code can choose, interpolated in a script. */
const TYPED_BY_A_PERSON = /\$\{\{\s*(inputs\.|github\.event\.)/

const BLOCKS = DOCUMENTS.flatMap(yamlBlocks)

test('the documents have YAML examples to check', () => {
  expect(BLOCKS.length).toBeGreaterThanOrEqual(10)
})

describe.each(BLOCKS.map(block => [`${block.document}:${block.line}`, block] as const))(
  '%s',
  (_where, block) => {
    test('parses as YAML', () => {
      expect(() => yaml.load(block.text)).not.toThrow()
    })

    test('no run: script interpolates inputs.* or github.event.* (pass them through env:)', () => {
      const scripts = runScripts(yaml.load(block.text))
      expect(scripts.filter(script => TYPED_BY_A_PERSON.test(script))).toEqual([])
    })
  }
)

/** The `inputs.<name>` a workflow refers to anywhere. */
function inputsUsed(text: string): string[] {
  return [
    ...new Set([...text.matchAll(/\$\{\{[^}]*\binputs\.([A-Za-z_][\w-]*)/g)].map(m => m[1] ?? ''))
  ]
}

/** The inputs a workflow declares (`on.workflow_dispatch.inputs`, `on.workflow_call.inputs`). */
function inputsDeclared(workflow: unknown): string[] {
  const on = (workflow as { on?: unknown } | null)?.on
  if (on === null || typeof on !== 'object') return []
  return Object.values(on).flatMap(trigger =>
    trigger !== null && typeof trigger === 'object' && 'inputs' in trigger
      ? Object.keys((trigger as { inputs: object }).inputs ?? {})
      : []
  )
}

describe.each(
  BLOCKS.filter(block => /^jobs:/m.test(block.text)).map(
    block => [`${block.document}:${block.line}`, block] as const
  )
)('%s (a whole workflow)', (_where, block) => {
  test('declares every inputs.* it uses', () => {
    const declared = inputsDeclared(yaml.load(block.text))
    expect(inputsUsed(block.text).filter(name => !declared.includes(name))).toEqual([])
  })
})

describe('the check itself', () => {
  test('finds an interpolated input in a run: script, in a list of steps or a workflow', () => {
    const steps = yaml.load('- run: ./send.sh "${{ inputs.employee }}"')
    const workflow = yaml.load(
      'jobs:\n  a:\n    steps:\n      - run: |\n          echo "${{ github.event.issue.title }}"'
    )
    expect(runScripts(steps).some(s => TYPED_BY_A_PERSON.test(s))).toBe(true)
    expect(runScripts(workflow).some(s => TYPED_BY_A_PERSON.test(s))).toBe(true)
    expect(runScripts(yaml.load('- env:\n    E: ${{ inputs.x }}\n  run: echo "$E"'))).toEqual([
      'echo "$E"'
    ])
  })

  test('finds an input used but not declared', () => {
    const text =
      'on:\n  workflow_dispatch:\n    inputs:\n      a: {}\njobs:\n  j:\n    steps:\n      - with:\n          x: ${{ inputs.a }}${{ inputs.b }}'
    expect(inputsUsed(text)).toEqual(['a', 'b'])
    expect(inputsDeclared(yaml.load(text))).toEqual(['a'])
  })
})
