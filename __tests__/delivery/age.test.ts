import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import {
  ageDecrypt,
  ageKeygen,
  makeKeyDir,
  sshKeygen,
  type KeyPair
} from '../../__fixtures__/age-keys.js'
import { PAYLOAD_CHUNK_BYTES, encryptAge, type RandomSource } from '../../src/delivery/age.js'
import {
  RecipientKeyError,
  parseRecipientKey,
  type RecipientKey
} from '../../src/delivery/recipients.js'

// Differential: every file encrypted here is opened by the real `age` CLI (`age -d -i KEY`) with
// keys made by ssh-keygen and age-keygen, as the person receiving a profile opens it.

type KeyName = 'ed25519' | 'rsa2048' | 'rsa3072' | 'age' | 'otherEd25519' | 'otherAge'
let dir: { path: string; remove: () => Promise<void> }
const keys = {} as Record<KeyName, KeyPair>

beforeAll(async () => {
  dir = await makeKeyDir()
  keys.ed25519 = await sshKeygen(dir.path, 'ed', 'ed25519')
  keys.rsa2048 = await sshKeygen(dir.path, 'rsa2048', 'rsa', 2048)
  // 3072 bits: the 384-byte OAEP body is exactly 8 base64 lines, so the stanza ends in an empty line.
  keys.rsa3072 = await sshKeygen(dir.path, 'rsa3072', 'rsa', 3072)
  keys.age = await ageKeygen(dir.path, 'age.txt')
  keys.otherEd25519 = await sshKeygen(dir.path, 'other', 'ed25519')
  keys.otherAge = await ageKeygen(dir.path, 'other-age.txt')
})

afterAll(() => dir.remove())

function recipient(name: KeyName): RecipientKey {
  const key = parseRecipientKey(keys[name].publicKey)
  if (key.type === 'unusable') throw new Error(key.reason)
  return key
}

/** A deterministic CSPRNG stand-in: SHA-256 in counter mode over a seed. */
function seededRandom(seed: string): RandomSource {
  let counter = 0
  return size => {
    const out = Buffer.alloc(size)
    for (let offset = 0; offset < size; offset += 32) {
      createHash('sha256').update(`${seed}/${counter++}`).digest().copy(out, offset)
    }
    return out
  }
}

function headerOf(file: Uint8Array): string {
  const text = Buffer.from(file).toString('latin1')
  return text.slice(0, text.indexOf('\n', text.indexOf('\n---') + 1) + 1)
}

describe('the real age CLI decrypts what encryptAge writes', () => {
  test.each(['ed25519', 'rsa2048', 'rsa3072', 'age'] as const)('to one %s key', async name => {
    const plaintext = randomBytes(1000)
    const file = await encryptAge(plaintext, [recipient(name)])
    const result = ageDecrypt(file, keys[name].privateKeyPath)
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.plaintext.equals(plaintext)).toBe(true)
  })

  test.each([
    ['empty', 0],
    ['one byte', 1],
    ['one byte short of a chunk', PAYLOAD_CHUNK_BYTES - 1],
    ['exactly one chunk', PAYLOAD_CHUNK_BYTES],
    ['one byte over a chunk', PAYLOAD_CHUNK_BYTES + 1],
    ['exactly two chunks', 2 * PAYLOAD_CHUNK_BYTES],
    ['three chunks and a bit', 3 * PAYLOAD_CHUNK_BYTES + 5]
  ])('%s (%i bytes): one chunk per started 64 KiB, at least one', async (_, size) => {
    const plaintext = randomBytes(size)
    const file = await encryptAge(plaintext, [recipient('age')])
    const result = ageDecrypt(file, keys.age.privateKeyPath)
    expect(result.stderr).toBe('')
    expect(result.plaintext.equals(plaintext)).toBe(true)
    const chunks = Math.max(1, Math.ceil(size / PAYLOAD_CHUNK_BYTES))
    const header = headerOf(file)
    expect(file.length).toBe(header.length + 16 + size + 16 * chunks)
  })

  test('to several keys of every kind in one file: each one opens it alone', async () => {
    const plaintext = Buffer.from('client\nremote vpn.example.com 1194\n<key>\n…\n</key>\n')
    const names = ['ed25519', 'rsa2048', 'rsa3072', 'age', 'otherEd25519'] as const
    const file = await encryptAge(plaintext, names.map(recipient))
    expect(headerOf(file).match(/^-> /gm)).toHaveLength(names.length)
    for (const name of names) {
      const result = ageDecrypt(file, keys[name].privateKeyPath)
      expect({ name, stderr: result.stderr }).toEqual({ name, stderr: '' })
      expect(result.plaintext.equals(plaintext)).toBe(true)
    }
  })
})

describe('what age refuses', () => {
  test.each([
    ['an SSH key it was not encrypted to', 'ed25519', 'otherEd25519'],
    ['an age key it was not encrypted to', 'age', 'otherAge'],
    ['an SSH key when encrypted to an age key', 'age', 'ed25519']
  ] as const)('%s', async (_, to, openedWith) => {
    const file = await encryptAge(Buffer.from('secret'), [recipient(to)])
    const result = ageDecrypt(file, keys[openedWith].privateKeyPath)
    expect(result.status).not.toBe(0)
    expect(result.stderr).toMatch(/no identity matched any of the recipients/)
    expect(result.plaintext).toHaveLength(0)
  })

  test.each([
    ['a stanza body', (header: number) => header - 60],
    ['the header MAC', (header: number) => header - 5],
    ['the payload nonce', (header: number) => header + 3],
    ['the payload ciphertext', (header: number) => header + 16 + 10],
    ['the last chunk tag', (_: number, length: number) => length - 1]
  ])('a file with a flipped bit in %s', async (_, position) => {
    const plaintext = randomBytes(100)
    const file = await encryptAge(plaintext, [recipient('ed25519')])
    expect(ageDecrypt(file, keys.ed25519.privateKeyPath).status).toBe(0)
    const tampered = Buffer.from(file)
    const at = position(headerOf(file).length, file.length)
    tampered[at]! ^= 0x01
    const result = ageDecrypt(tampered, keys.ed25519.privateKeyPath)
    expect(result.status).not.toBe(0)
    expect(result.plaintext.equals(plaintext)).toBe(false)
  })

  test('a file cut at a chunk boundary (the final chunk missing)', async () => {
    const file = await encryptAge(randomBytes(PAYLOAD_CHUNK_BYTES + 1), [recipient('age')])
    const cut = file.subarray(0, headerOf(file).length + 16 + PAYLOAD_CHUNK_BYTES + 16)
    const result = ageDecrypt(cut, keys.age.privateKeyPath)
    expect(result.status).not.toBe(0)
  })
})

describe('the format', () => {
  test('the header: version line, one stanza per recipient with the SSH key tag, then the MAC', async () => {
    const file = await encryptAge(Buffer.from('x'), [
      recipient('age'),
      recipient('ed25519'),
      recipient('rsa2048')
    ])
    const lines = headerOf(file).split('\n')
    expect(lines[0]).toBe('age-encryption.org/v1')
    const tag = (name: KeyName): string => {
      const wire = Buffer.from(keys[name].publicKey.split(' ')[1]!, 'base64')
      return createHash('sha256')
        .update(wire)
        .digest()
        .subarray(0, 4)
        .toString('base64')
        .slice(0, 6)
    }
    const argumentLines = lines.filter(line => line.startsWith('-> '))
    expect(argumentLines[0]).toMatch(/^-> X25519 [A-Za-z0-9+/]{43}$/)
    expect(argumentLines[1]).toBe(
      `-> ssh-ed25519 ${tag('ed25519')} ${argumentLines[1]!.split(' ')[3]}`
    )
    expect(argumentLines[1]).toMatch(/^-> ssh-ed25519 [A-Za-z0-9+/]{6} [A-Za-z0-9+/]{43}$/)
    expect(argumentLines[2]).toBe(`-> ssh-rsa ${tag('rsa2048')}`)
    expect(lines.at(-2)).toMatch(/^--- [A-Za-z0-9+/]{43}$/)
  })

  test('randomness is injectable: the same source gives the same bytes, another differs', async () => {
    const plaintext = Buffer.from('profile')
    const to = [recipient('age'), recipient('ed25519')]
    const first = await encryptAge(plaintext, to, seededRandom('a'))
    const again = await encryptAge(plaintext, to, seededRandom('a'))
    const other = await encryptAge(plaintext, to, seededRandom('b'))
    expect(Buffer.from(again).equals(first)).toBe(true)
    expect(Buffer.from(other).equals(first)).toBe(false)
    expect(ageDecrypt(first, keys.ed25519.privateKeyPath).plaintext.toString()).toBe('profile')
  })

  test('no recipient: a typed error, no file', async () => {
    await expect(encryptAge(Buffer.from('x'), [])).rejects.toThrow(RecipientKeyError)
  })
})
