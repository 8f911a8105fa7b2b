import { describe, expect, test } from '@jest/globals'
import { formatDuration, parseConnectRecord } from '../../src/connect/post.js'

const RECORD = {
  workDir: '/home/runner/work/_temp/ssl-vpn-connect-AbC123',
  pid: 4242,
  sudo: true,
  connectedAt: 1796457656000,
  keep: false,
  cleaned: false
}

describe('parseConnectRecord: the saved state is input too', () => {
  test('a record of ours reads back as saved', () => {
    expect(parseConnectRecord(JSON.stringify(RECORD))).toEqual(RECORD)
    const { pid: _pid, connectedAt: _at, ...early } = RECORD
    expect(parseConnectRecord(JSON.stringify(early))).toEqual({
      ...early,
      pid: undefined,
      connectedAt: undefined
    })
  })

  test.each([
    ['nothing saved', ''],
    ['not JSON', '{'],
    ['a relative directory', JSON.stringify({ ...RECORD, workDir: 'ssl-vpn-connect-x' })],
    ['a directory the step did not make', JSON.stringify({ ...RECORD, workDir: '/home/runner' })],
    ['a pid that is not one', JSON.stringify({ ...RECORD, pid: -1 })],
    ['a pid of 0 (the whole process group)', JSON.stringify({ ...RECORD, pid: 0 })],
    ['a missing flag', JSON.stringify({ ...RECORD, keep: undefined })]
  ])('%s: nothing is touched', (_what, raw) => {
    expect(parseConnectRecord(raw)).toBeUndefined()
  })
})

test('formatDuration', () => {
  expect(formatDuration(850)).toBe('850 ms')
  expect(formatDuration(12_400)).toBe('12 s')
  expect(formatDuration(192_000)).toBe('3 min 12 s')
  expect(formatDuration(7_500_000)).toBe('2 h 5 min')
})
