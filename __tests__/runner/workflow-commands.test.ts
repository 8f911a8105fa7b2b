// workflow-commands.ts stands in for @actions/core in the connect bundle: it must write exactly
// what @actions/core writes. Each case runs both on the same values and environment and compares
// the bytes on stdout, in the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, what is
// thrown and the exit code; only the random part of a file command's delimiter may differ.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as core from '@actions/core'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as commands from '../../src/runner/workflow-commands.js'

type Library = typeof commands

/** What one run left behind. */
interface Trace {
  stdout: string
  files: Record<string, string>
  thrown: string | undefined
  result: unknown
  exitCode: typeof process.exitCode
}

const FILES = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'] as const
const DELIMITER = /ghadelimiter_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

let dir: string
const savedEnv = { ...process.env }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'workflow-commands-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  process.env = { ...savedEnv }
  process.exitCode = undefined
  jest.restoreAllMocks()
})

/**
 * Runs `act` against `library` in a fresh environment: the three files exist (unless `missing`
 * names them) and `env` is added.
 */
async function trace(
  library: Library,
  act: (library: Library) => unknown,
  options: { env?: Record<string, string | undefined>; missing?: readonly string[] } = {}
): Promise<Trace> {
  const runDir = mkdtempSync(join(dir, 'run-'))
  process.env = { ...savedEnv }
  for (const name of Object.keys(process.env)) {
    if (/^(INPUT_|STATE_|GITHUB_)/.test(name)) delete process.env[name]
  }
  for (const name of FILES) {
    const path = join(runDir, name)
    if (!options.missing?.includes(name)) writeFileSync(path, '')
    process.env[name] = path
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  process.exitCode = undefined
  let stdout = ''
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    stdout += String(chunk)
    return true
  })
  let thrown: string | undefined
  let result: unknown
  try {
    result = await act(library)
  } catch (error) {
    thrown = (error as Error).message
  } finally {
    write.mockRestore()
  }
  const files: Record<string, string> = {}
  for (const name of FILES) {
    try {
      files[name] = readFileSync(join(runDir, name), 'utf8').replace(DELIMITER, 'DELIMITER')
    } catch {
      files[name] = '(absent)'
    }
  }
  const exitCode = process.exitCode
  process.exitCode = undefined
  return {
    stdout: stdout.replaceAll(runDir, 'RUN_DIR'),
    files,
    thrown: thrown?.replaceAll(runDir, 'RUN_DIR'),
    result: typeof result === 'string' ? result : undefined,
    exitCode
  }
}

/** Both libraries leave the same trace, and it is not an empty one. */
async function expectSame(
  act: (library: Library) => unknown,
  options?: Parameters<typeof trace>[2]
): Promise<Trace> {
  const ours = await trace(commands, act, options)
  const theirs = await trace(core as unknown as Library, act, options)
  expect(ours).toEqual(theirs)
  return ours
}

const AWKWARD = [
  '',
  'plain',
  '100% done, 50%25 left',
  'a: b, c: d',
  'line one\nline two\r\nline three\r',
  '::error::not a command',
  'naïve ✓ 中文 🙂',
  ' padded \t'
]

describe('log lines and commands', () => {
  test.each(AWKWARD)(
    'info, debug, warning, error and setSecret write what core writes: %j',
    async text => {
      const { stdout } = await expectSame(library => {
        library.info(text)
        library.debug(text)
        library.warning(text)
        library.error(text)
        library.setSecret(text)
      })
      expect(stdout.split('\n').length).toBeGreaterThanOrEqual(5)
    }
  )

  test('setFailed: exit code 1 and an error line', async () => {
    const { exitCode, stdout } = await expectSame(library =>
      library.setFailed('it broke: 100%\nreally')
    )
    expect(exitCode).toBe(1)
    expect(stdout).toBe('::error::it broke: 100%25%0Areally\n')
  })
})

describe('inputs and state', () => {
  const env = {
    INPUT_PLAIN: '  value with spaces  ',
    INPUT_WITH_SPACE: 'spaced name',
    INPUT_EMPTY: '',
    STATE_ISPOST: 'nope',
    STATE_isPost: 'true'
  }

  test.each([
    ['plain', undefined],
    ['plain', { trimWhitespace: false }],
    ['Plain', undefined],
    ['with space', undefined],
    ['empty', undefined],
    ['absent', undefined],
    ['absent', { required: true }],
    ['empty', { required: true }],
    ['plain', { required: true }]
  ])('getInput(%j, %j) as core', async (name, options) => {
    await expectSame(library => library.getInput(name, options), { env })
  })

  test.each(['isPost', 'ISPOST', 'absent'])('getState(%j) as core', async name => {
    const { result } = await expectSame(library => library.getState(name), { env })
    if (name === 'isPost') expect(result).toBe('true')
  })
})

describe('outputs and saved state (file commands)', () => {
  test.each(AWKWARD)('setOutput and saveState write the same file lines: %j', async value => {
    const { files } = await expectSame(library => {
      library.setOutput('tunnel-ip', value)
      library.saveState('connection', value)
      library.setOutput('routes', JSON.stringify(['10.0.0.0/8']))
    })
    expect(files['GITHUB_OUTPUT']).toContain('tunnel-ip<<DELIMITER\n')
    expect(files['GITHUB_STATE']).toContain('connection<<DELIMITER\n')
  })

  test('each value gets a delimiter of its own (128 random bits, shaped as core’s UUID)', async () => {
    const path = join(dir, 'output')
    writeFileSync(path, '')
    process.env['GITHUB_OUTPUT'] = path
    commands.setOutput('a', '1')
    commands.setOutput('b', '2')
    const delimiters = readFileSync(path, 'utf8').match(DELIMITER) ?? []
    expect(delimiters).toHaveLength(4)
    expect(delimiters[0]).toBe(delimiters[1])
    expect(delimiters[2]).toBe(delimiters[3])
    expect(delimiters[0]).not.toBe(delimiters[2])
  })

  test('a file the runner named but that is missing: the same error', async () => {
    const { thrown } = await expectSame(library => library.setOutput('x', 'y'), {
      missing: ['GITHUB_OUTPUT']
    })
    expect(thrown).toBe('Missing file at path: RUN_DIR/GITHUB_OUTPUT')
  })

  test('no GITHUB_OUTPUT / GITHUB_STATE: the old stdout commands, as core falls back to', async () => {
    const { stdout } = await expectSame(
      library => {
        library.setOutput('pid', '4242')
        library.saveState('connection', '{"a":1}')
        library.setOutput('odd: name, 100%\n', 'a\nb')
      },
      { env: { GITHUB_OUTPUT: undefined, GITHUB_STATE: undefined } }
    )
    expect(stdout).toContain('::set-output name=pid::4242')
    expect(stdout).toContain('::set-output name=odd%3A name%2C 100%25%0A::a%0Ab')
  })
})

describe('job summary', () => {
  // Both keep the file's path from their first successful write for the rest of the process, and
  // keep what a failed write could not write: the failures run first, and the text they leave
  // ('x', twice) starts the write that succeeds, in both.
  test('no GITHUB_STEP_SUMMARY: the same error', async () => {
    const { thrown } = await expectSame(library => library.summary.addRaw('x').write(), {
      env: { GITHUB_STEP_SUMMARY: undefined }
    })
    expect(thrown).toMatch(/^Unable to find environment variable for \$GITHUB_STEP_SUMMARY/)
  })

  test('a summary file that cannot be written: the same error', async () => {
    const readOnly = join(dir, 'read-only')
    writeFileSync(readOnly, '')
    chmodSync(readOnly, 0o400)
    const { thrown } = await expectSame(library => library.summary.addRaw('x').write(), {
      env: { GITHUB_STEP_SUMMARY: process.getuid?.() === 0 ? join(dir, 'absent', 'x') : readOnly }
    })
    expect(thrown).toMatch(/^Unable to access summary file: /)
  })
  test('addRaw, addHeading, addTable and write append the same HTML', async () => {
    const { files } = await expectSame(async library => {
      await library.summary
        .addHeading('Connected', 2)
        .addHeading('bad level', 7)
        .addHeading('no level')
        .addRaw('<p>raw</p>')
        .addRaw('<p>with EOL</p>', true)
        .addTable([
          [
            { data: 'Name', header: true },
            { data: 'Wide', header: true, colspan: '2' }
          ],
          ['ann', 'a', ''],
          [{ data: 'ben', rowspan: '2' }, 'b', 'c']
        ])
        .write()
      await library.summary.addRaw('second write').write()
    })
    expect(files['GITHUB_STEP_SUMMARY']).toMatch(/^xx<h2>Connected<\/h2>\n/)
    expect(files['GITHUB_STEP_SUMMARY']).toContain('second write')
  })
})
