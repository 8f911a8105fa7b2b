import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { MAX_PROFILE_BYTES } from '../../src/connect/inputs.js'
import { WORK_DIR_PREFIX } from '../../src/connect/post.js'
import { makeWorkDir, readProfileFile, writeProfileCopy } from '../../src/connect/work-dir.js'

let parent: string

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'work-dir-test-'))
})

afterEach(() => {
  rmSync(parent, { recursive: true, force: true })
})

describe('makeWorkDir and writeProfileCopy', () => {
  test('a private directory and a 0600 copy in it, whatever the umask', () => {
    const previous = process.umask(0)
    try {
      const dir = makeWorkDir(parent)
      expect(dirname(dir)).toBe(parent)
      expect(basename(dir).startsWith(WORK_DIR_PREFIX)).toBe(true)
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      const path = writeProfileCopy(dir, 'profile.ovpn', 'client\nremote vpn.example 1194 udp\n')
      expect(path).toBe(join(dir, 'profile.ovpn'))
      expect(statSync(path).mode & 0o777).toBe(0o600)
      expect(readFileSync(path, 'utf8')).toBe('client\nremote vpn.example 1194 udp\n')
    } finally {
      process.umask(previous)
    }
  })

  test('never writes into a file or through a link already there', () => {
    const dir = makeWorkDir(parent)
    const target = join(parent, 'elsewhere')
    writeFileSync(target, 'untouched')
    symlinkSync(target, join(dir, 'link.ovpn'))
    writeFileSync(join(dir, 'there.ovpn'), 'old')
    expect(() => writeProfileCopy(dir, 'link.ovpn', 'key material')).toThrow(/EEXIST/)
    expect(() => writeProfileCopy(dir, 'there.ovpn', 'key material')).toThrow(/EEXIST/)
    expect(readFileSync(target, 'utf8')).toBe('untouched')
    expect(readFileSync(join(dir, 'there.ovpn'), 'utf8')).toBe('old')
  })
})

describe('readProfileFile', () => {
  test('the text of a regular file', () => {
    const path = join(parent, 'a.ovpn')
    writeFileSync(path, 'client\n')
    expect(readProfileFile(path)).toBe('client\n')
  })

  test.each([
    [
      'missing',
      (p: string) => join(p, 'absent.ovpn'),
      /'config-file': ".*absent\.ovpn" cannot be read \(ENOENT\)/
    ],
    [
      'a directory',
      (p: string) => {
        mkdirSync(join(p, 'dir.ovpn'))
        return join(p, 'dir.ovpn')
      },
      /is not a regular file/
    ],
    [
      'too large',
      (p: string) => {
        writeFileSync(join(p, 'big.ovpn'), Buffer.alloc(MAX_PROFILE_BYTES + 1, 'a'))
        return join(p, 'big.ovpn')
      },
      new RegExp(`is ${MAX_PROFILE_BYTES + 1} bytes; expected an OpenVPN profile of at most`)
    ]
  ])('%s: an input error naming config-file', (_label, make, message) => {
    expect(() => readProfileFile(make(parent))).toThrow(message)
  })
})
