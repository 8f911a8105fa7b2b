import { afterEach, describe, expect, test } from '@jest/globals'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  parseProfileRecord,
  profileRecorder,
  removeProfiles,
  type ProfileRecord
} from '../../src/runner/cleanup.js'
import { isPostPhase, STATE_IS_POST } from '../../src/runner/phase.js'

describe('isPostPhase', () => {
  test('only when the main step saved isPost=true', () => {
    expect(isPostPhase(name => (name === STATE_IS_POST ? 'true' : ''))).toBe(true)
    expect(isPostPhase(() => '')).toBe(false)
  })
})

describe('profileRecorder', () => {
  test('saves the whole record after each profile, each path once', () => {
    const saved: string[] = []
    const record = profileRecorder(false, value => saved.push(value))
    record('/w/profiles/ann.ovpn')
    record('/w/profiles/ben.ovpn')
    record('/w/profiles/ann.ovpn')
    expect(saved.map(value => parseProfileRecord(value))).toEqual([
      { configDir: '/w/profiles', files: ['/w/profiles/ann.ovpn'], keep: false },
      {
        configDir: '/w/profiles',
        files: ['/w/profiles/ann.ovpn', '/w/profiles/ben.ovpn'],
        keep: false
      },
      {
        configDir: '/w/profiles',
        files: ['/w/profiles/ann.ovpn', '/w/profiles/ben.ovpn'],
        keep: false
      }
    ])
  })

  test('keep-profiles is recorded', () => {
    const saved: string[] = []
    profileRecorder(true, value => saved.push(value))('/w/p/a.ovpn')
    expect(parseProfileRecord(saved[0] ?? '')?.keep).toBe(true)
  })
})

describe('parseProfileRecord', () => {
  test.each([
    '',
    'not json',
    'null',
    '[]',
    '{"configDir":"/d","files":"a","keep":false}',
    '{"configDir":"/d","files":[1],"keep":false}',
    '{"configDir":"/d","files":[]}',
    '{"files":[],"keep":false}'
  ])('%j is no record', raw => {
    expect(parseProfileRecord(raw)).toBeUndefined()
  })
})

describe('removeProfiles', () => {
  let root = ''
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true })
    root = ''
  })

  async function setUp(): Promise<{ dir: string; log: { info: string[]; warning: string[] } }> {
    root = await mkdtemp(join(tmpdir(), 'cleanup-test-'))
    const dir = join(root, 'profiles')
    await mkdir(dir, { mode: 0o700 })
    return { dir, log: { info: [], warning: [] } }
  }

  function sink(log: { info: string[]; warning: string[] }) {
    return { info: (l: string) => log.info.push(l), warning: (l: string) => log.warning.push(l) }
  }

  test('removes the recorded profiles and nothing else; one already gone is only noted', async () => {
    const { dir, log } = await setUp()
    for (const name of ['ann.ovpn', 'ben.ovpn', 'other.ovpn', 'notes.txt']) {
      await writeFile(join(dir, name), name)
    }
    const record: ProfileRecord = {
      configDir: dir,
      files: [join(dir, 'ann.ovpn'), join(dir, 'ben.ovpn'), join(dir, 'gone.ovpn')],
      keep: false
    }
    await removeProfiles(record, sink(log))
    expect((await readdir(dir)).sort()).toEqual(['notes.txt', 'other.ovpn'])
    expect(log.info).toEqual([
      `Removed profile ${join(dir, 'ann.ovpn')}.`,
      `Removed profile ${join(dir, 'ben.ovpn')}.`,
      `Profile ${join(dir, 'gone.ovpn')} is already gone.`
    ])
    expect(log.warning).toEqual([])
  })

  test('an encrypted profile (<name>.ovpn.age) is removed as a profile; another .age file is not', async () => {
    const { dir, log } = await setUp()
    for (const name of ['ann.ovpn.age', 'notes.age']) await writeFile(join(dir, name), name)
    const files = [join(dir, 'ann.ovpn.age'), join(dir, 'notes.age')]
    await removeProfiles({ configDir: dir, files, keep: false }, sink(log))
    expect(await readdir(dir)).toEqual(['notes.age'])
    expect(log.info).toEqual([`Removed profile ${join(dir, 'ann.ovpn.age')}.`])
    expect(log.warning).toEqual([
      `Not removed: ${join(dir, 'notes.age')} is not a profile directly inside ${dir}.`
    ])
  })

  test('keep: removes nothing and says so', async () => {
    const { dir, log } = await setUp()
    await writeFile(join(dir, 'ann.ovpn'), 'a')
    await removeProfiles({ configDir: dir, files: [join(dir, 'ann.ovpn')], keep: true }, sink(log))
    expect(await readdir(dir)).toEqual(['ann.ovpn'])
    expect(log.info).toEqual([`keep-profiles is true: leaving 1 profile in ${dir}.`])
  })

  test('a record that names files outside config-dir, or not profiles, removes none of them', async () => {
    const { dir, log } = await setUp()
    await writeFile(join(root, 'victim.ovpn'), 'v')
    await mkdir(join(dir, 'sub'))
    await writeFile(join(dir, 'sub', 'deep.ovpn'), 'd')
    await writeFile(join(dir, 'notes.txt'), 'n')
    const files = [
      join(root, 'victim.ovpn'),
      `${dir}/../victim.ovpn`,
      join(dir, 'sub', 'deep.ovpn'),
      join(dir, 'notes.txt'),
      'relative.ovpn'
    ]
    await removeProfiles({ configDir: dir, files, keep: false }, sink(log))
    expect(await readFile(join(root, 'victim.ovpn'), 'utf8')).toBe('v')
    expect(await readFile(join(dir, 'sub', 'deep.ovpn'), 'utf8')).toBe('d')
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('n')
    expect(log.warning).toEqual(
      files.map(file => `Not removed: ${file} is not a profile directly inside ${dir}.`)
    )
  })

  test('a profile swapped for a symbolic link or a directory is left, with a warning', async () => {
    const { dir, log } = await setUp()
    await writeFile(join(root, 'victim'), 'v')
    await symlink(join(root, 'victim'), join(dir, 'ann.ovpn'))
    await mkdir(join(dir, 'ben.ovpn'))
    await removeProfiles(
      { configDir: dir, files: [join(dir, 'ann.ovpn'), join(dir, 'ben.ovpn')], keep: false },
      sink(log)
    )
    expect(await readFile(join(root, 'victim'), 'utf8')).toBe('v')
    expect((await readdir(dir)).sort()).toEqual(['ann.ovpn', 'ben.ovpn'])
    expect(log.warning).toEqual([
      `Not removed: ${join(dir, 'ann.ovpn')} is no longer a regular file (a symbolic link); left as it is.`,
      `Not removed: ${join(dir, 'ben.ovpn')} is no longer a regular file (something else); left as it is.`
    ])
  })

  test('config-dir swapped for a symbolic link: nothing is removed through it', async () => {
    const { dir, log } = await setUp()
    await mkdir(join(root, 'elsewhere'))
    await writeFile(join(root, 'elsewhere', 'ann.ovpn'), 'a')
    await rm(dir, { recursive: true })
    await symlink(join(root, 'elsewhere'), dir)
    await removeProfiles({ configDir: dir, files: [join(dir, 'ann.ovpn')], keep: false }, sink(log))
    expect(await readdir(join(root, 'elsewhere'))).toEqual(['ann.ovpn'])
    expect(log.warning).toEqual([
      `config-dir ${dir} is no longer a directory (a symbolic link?): removed nothing from it.`
    ])
  })

  test('config-dir already gone: nothing to do, no warning', async () => {
    const { dir, log } = await setUp()
    await rm(dir, { recursive: true })
    await removeProfiles({ configDir: dir, files: [join(dir, 'a.ovpn')], keep: false }, sink(log))
    expect(log).toEqual({
      info: [`config-dir ${dir} is already gone: nothing to remove.`],
      warning: []
    })
  })
})
