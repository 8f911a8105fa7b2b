import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes
} from 'node:crypto'
import {
  ageKeygen,
  makeKeyDir,
  sshKeygen,
  sshKeygenFingerprint,
  type KeyPair
} from '../../__fixtures__/age-keys.js'
import {
  MAX_RECIPIENT_KEY_LENGTH,
  RecipientKeyError,
  parseRecipientKey,
  type RecipientKey,
  type UnusableKey
} from '../../src/delivery/recipients.js'

// Real lines of kinds ssh-keygen here cannot make (security keys need the hardware; DSA is gone
// from newer OpenSSH); `ssh-keygen -l` prints their fingerprints as in the comments.
/** SHA256:LEYjlkyneAaSF9NnnXIDS8dzcq3T9UToU8ZaqZ53tH4 (ED25519-SK) */
const SK_ED25519 =
  'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIP5v0S/AXilakEk2Q91YhjBk+MPnCKL1c1+8x+uizC5/AAAABHNzaDo= alice@yubikey'
/** SHA256:ypfmbW0bjxW+WDOd7U9bAA7bduKMEbaRGnadML4Zo0Y (ECDSA-SK) */
const SK_ECDSA =
  'sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20AAAAIbmlzdHAyNTYAAABBBGcfj9YZ0PyI0LLWekoEQOfELyqecr08/LAt2+dOA3rKHZf53c+Sfv4IA0jgsNoYSL9x3km1mYbNOTP9cB9n9ZYAAAAEc3NoOg== bob@yubikey'
/** SHA256:93HDmkKarKJh++Hn6F/xJDA7QvQu+16IZv3e4BLcvvU (DSA) */
const DSA =
  'ssh-dss AAAAB3NzaC1kc3MAAACBAIntT1wDK3TmmI/QZ2/1HY0mZxmyACkmmODKw1a97wwgOoEHrdEJYIDU1psN98up8albkmC9R1tS6GP6+kEj8XyzNkYA7m7EJDIZb1D1Kue849iCWTHYwQNDcZ05yZz+TIqWaijL/rbPOmoTLGndjf6z2XUBR6UoCXzSIl2Fr+ehAAAAFQDJ+lu1ktNcOM+cK75dSnQuT1gytQAAAIB8pXfk20MICYtd2CXHUiP1ZKAV9c78OZh751nfSVBjwUo1jxrCKlPSkmInfyA7SV06YD+4N3VufDRGGzcpwUH+wgZvvsZiUPNaS9llymewymOWFDd/6oqdKOzgHGo1XOOhxaGNesGwVbAbc65c4wK0nGy7I1HWZ0ZacTBiIkDN9wAAAIAh0wFCxAOpWWDAsq5eYGjO9treN70+23Fy1dJl+ADfButylofby4B/YCLlYGEJX1Z/QyYzZVocfO7m5JZ8l/ZAJXsg/zgbQOVmVQB2iF8SfO0NKGz4HyB1DANvb14Fh9DAz2kRsIo0XpeOe0ycJP2OXaLd+AVtwBhcbzBDgUhSVA== root@vm'
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/

/** The X25519 recipient from C2SP age.md's examples. */
const SPEC_AGE_RECIPIENT = 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj'

/** X25519 public keys of small order (cr.yp.to/ecdh.html), little-endian hex. */
const SMALL_ORDER_X25519 = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'
]
let dir: { path: string; remove: () => Promise<void> }
const keys: Record<string, KeyPair> = {}

beforeAll(async () => {
  dir = await makeKeyDir()
  keys.ed25519 = await sshKeygen(dir.path, 'ed', 'ed25519')
  keys.rsa2048 = await sshKeygen(dir.path, 'rsa2048', 'rsa', 2048)
  keys.rsa1024 = await sshKeygen(dir.path, 'rsa1024', 'rsa', 1024)
  keys.ecdsa256 = await sshKeygen(dir.path, 'ecdsa256', 'ecdsa', 256)
  keys.ecdsa384 = await sshKeygen(dir.path, 'ecdsa384', 'ecdsa', 384)
  keys.age = await ageKeygen(dir.path, 'age.txt')
})

afterAll(() => dir.remove())

function usable(text: string): RecipientKey {
  const key = parseRecipientKey(text)
  if (key.type === 'unusable') throw new Error(`unusable: ${key.reason}`)
  return key
}

function unusable(text: string): UnusableKey {
  const key = parseRecipientKey(text)
  if (key.type !== 'unusable') throw new Error(`usable: ${key.type}`)
  return key
}

function rejection(text: string): RecipientKeyError {
  try {
    parseRecipientKey(text)
  } catch (error) {
    if (error instanceof RecipientKeyError) return error
    throw error
  }
  throw new Error('parsed')
}

describe('usable keys', () => {
  test.each(['ed25519', 'rsa2048'])(
    'ssh-keygen %s: the type, the comment, and the fingerprint ssh-keygen -l prints',
    async name => {
      const { publicKey } = keys[name]!
      const key = usable(publicKey)
      expect(key.type).toBe(publicKey.split(' ')[0])
      expect(key.fingerprint).toBe(await sshKeygenFingerprint(dir.path, publicKey))
      expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
      expect(key.comment).toBe(`${name === 'ed25519' ? 'ed' : name}@test`)
      expect(key.publicKey).toBe(publicKey.split(' ').slice(0, 2).join(' '))
    }
  )

  test('an RSA key: its size in bits', () => {
    const key = usable(keys.rsa2048!.publicKey)
    expect(key.type === 'ssh-rsa' && key.bits).toBe(2048)
  })

  test('a line without a comment, with surrounding whitespace, and with tabs', () => {
    const [type, base64] = keys.ed25519!.publicKey.split(' ')
    expect(usable(`  ${type} ${base64}\n`).comment).toBe('')
    expect(usable(`${type}\t${base64}\tlaptop`).comment).toBe('laptop')
  })

  test("a comment's control characters are escaped, and a long one is cut", () => {
    const [type, base64] = keys.ed25519!.publicKey.split(' ')
    const key = usable(`${type} ${base64} evil\u001b[2Jcomment ${'x'.repeat(500)}`)
    expect(key.comment).not.toMatch(CONTROL_CHARACTERS)
    expect(key.comment.length).toBeLessThanOrEqual(100)
  })

  test('age-keygen: an age1 recipient is its own fingerprint, and upper case is accepted', () => {
    const { publicKey } = keys.age!
    const key = usable(publicKey)
    expect(key).toMatchObject({ type: 'x25519', fingerprint: publicKey, publicKey })
    expect(key.type === 'x25519' && key.x25519PublicKey).toHaveLength(32)
    expect(usable(publicKey.toUpperCase()).fingerprint).toBe(publicKey)
    expect(usable(SPEC_AGE_RECIPIENT).fingerprint).toBe(SPEC_AGE_RECIPIENT)
  })
})

describe('keys age cannot use: a reason, not an error', () => {
  test.each([
    ['ecdsa256', 'ecdsa-sha2-nistp256', /ECDSA/],
    ['ecdsa384', 'ecdsa-sha2-nistp384', /ECDSA/],
    ['rsa1024', 'ssh-rsa', /1024 bits; age requires at least 2048/]
  ])('ssh-keygen %s', async (name, keyType, reason) => {
    const { publicKey } = keys[name]!
    const key = unusable(publicKey)
    expect(key.keyType).toBe(keyType)
    expect(key.reason).toMatch(reason)
    expect(key.fingerprint).toBe(await sshKeygenFingerprint(dir.path, publicKey))
  })

  test.each([
    [
      'FIDO Ed25519',
      SK_ED25519,
      'sk-ssh-ed25519@openssh.com',
      'SHA256:LEYjlkyneAaSF9NnnXIDS8dzcq3T9UToU8ZaqZ53tH4',
      /security key/
    ],
    [
      'FIDO ECDSA',
      SK_ECDSA,
      'sk-ecdsa-sha2-nistp256@openssh.com',
      'SHA256:ypfmbW0bjxW+WDOd7U9bAA7bduKMEbaRGnadML4Zo0Y',
      /security key/
    ],
    ['DSA', DSA, 'ssh-dss', 'SHA256:93HDmkKarKJh++Hn6F/xJDA7QvQu+16IZv3e4BLcvvU', /DSA/]
  ])('%s', (_, line, keyType, fingerprint, reason) => {
    expect(unusable(line)).toEqual({
      type: 'unusable',
      keyType,
      fingerprint,
      reason: expect.stringMatching(reason)
    })
  })

  test('an OpenSSH certificate', () => {
    const type = 'ssh-ed25519-cert-v01@openssh.com'
    const blob = sshString(Buffer.from(type))
    expect(unusable(`${type} ${blob.toString('base64')}`).reason).toMatch(/certificate/)
  })

  test('age recipients of other kinds (post-quantum, plugins)', () => {
    const pq = bech32Encode('age1pq', new Uint8Array(1216))
    expect(unusable(pq)).toMatchObject({ keyType: 'age1pq', fingerprint: undefined })
    expect(unusable(bech32Encode('age1yubikey', new Uint8Array(33))).reason).toMatch(/X25519/)
  })
})

describe('not a key: a typed error quoting a short, clean prefix', () => {
  test.each([
    ['empty', ''],
    ['a word', 'hello'],
    ['a key type alone', 'ssh-ed25519'],
    ['not base64', 'ssh-ed25519 AAAA!!!!'],
    ['truncated', () => keys.ed25519!.publicKey.split(' ').slice(0, 2).join(' ').slice(0, 60)],
    ['the wrong type on the line', () => `ssh-rsa ${keys.ed25519!.publicKey.split(' ')[1]}`],
    ['options before the key', () => `no-pty,command="x" ${keys.ed25519!.publicKey}`],
    ['an age key with a bad checksum', SPEC_AGE_RECIPIENT.slice(0, -1) + 'q'],
    ['an age key of the wrong length', bech32Encode('age', new Uint8Array(31))],
    ['an age-like key with control characters', bech32Encode('age1\u001b[31m', new Uint8Array(32))],
    [
      'mixed case age key',
      SPEC_AGE_RECIPIENT.slice(0, 10).toUpperCase() + SPEC_AGE_RECIPIENT.slice(10)
    ]
  ])('%s', (_, input) => {
    const text = typeof input === 'function' ? input() : input
    const error = rejection(text)
    expect(error.name).toBe('RecipientKeyError')
    expect(error.message).toMatch(/Expected one line/)
    // At most 20 characters of the input are quoted.
    expect(quotedPrefix(error.message).length).toBeLessThanOrEqual(20)
  })

  test('an Ed25519 key that is not a point on the curve', () => {
    // y = 2 has no x on the curve (x² = 3 / (4d + 1) is not a square mod p).
    const point = Buffer.alloc(32)
    point[0] = 2
    const error = rejection(sshLine('ssh-ed25519', point))
    expect(error.message).toMatch(/not a valid point/)
  })

  test('an Ed25519 key of small order (every shared secret would be zero)', () => {
    // y = 0: the point (±sqrt(-1), 0) of order 4, whose Montgomery u is 1.
    const point = Buffer.alloc(32)
    expect(rejection(sshLine('ssh-ed25519', point)).message).toMatch(/weak point/)
  })

  test('extra bytes after a key', () => {
    const wire = Buffer.from(keys.ed25519!.publicKey.split(' ')[1]!, 'base64')
    const line = `ssh-ed25519 ${Buffer.concat([wire, Buffer.from([0])]).toString('base64')}`
    expect(rejection(line).message).toMatch(/extra bytes/)
  })

  test('control characters and long text are not echoed', () => {
    const error = rejection(`\u001b]0;owned\u0007${'A'.repeat(100)}`)
    expect(error.message).not.toMatch(CONTROL_CHARACTERS)
    expect(error.message).not.toContain('A'.repeat(21))
  })

  test(`a text over ${MAX_RECIPIENT_KEY_LENGTH} characters`, () => {
    const error = rejection(`ssh-rsa ${'A'.repeat(MAX_RECIPIENT_KEY_LENGTH)}`)
    expect(error.message).toMatch(/longer than 8192 characters/)
  })

  test('a private key pasted by mistake: nothing of it is quoted', async () => {
    const agePrivate = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX'
    const sshPrivate = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n'
    for (const text of [agePrivate, agePrivate.toLowerCase(), sshPrivate]) {
      const error = rejection(text)
      expect(error.message).toMatch(/private key/)
      expect(error.message).not.toContain('GFPYY')
      expect(error.message).not.toContain('b3Bl')
    }
  })
})

describe('Ed25519 → X25519, against independent implementations', () => {
  test('the converted key is the X25519 public key of the Ed25519 secret (RFC 8032 §5.1.5)', () => {
    // An Ed25519 secret's scalar is the clamped first half of SHA-512(seed); X25519 of that scalar
    // and the base point is the Montgomery form of the Ed25519 public key. Node computes both.
    for (let i = 0; i < 50; i++) {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519')
      const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url')
      const scalar = createHash('sha512').update(seed).digest().subarray(0, 32)
      const x25519Public = createPublicKey(x25519PrivateKey(scalar))
        .export({ format: 'der', type: 'spki' })
        .subarray(-32)
      const point = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')
      const key = usable(sshLine('ssh-ed25519', point))
      expect(key.type === 'ssh-ed25519' && Buffer.from(key.x25519PublicKey)).toEqual(x25519Public)
    }
  })

  test('which 32-byte encodings are valid points: the same verdicts as the age CLI', () => {
    // Random encodings are valid about half the time; `age -e -r` parses with filippo.io/edwards25519.
    const verdicts = Array.from({ length: 40 }, () => {
      const line = sshLine('ssh-ed25519', randomBytes(32))
      const age = spawnSync('age', ['-e', '-r', line], { input: '' })
      let ours: boolean
      try {
        ours = parseRecipientKey(line).type === 'ssh-ed25519'
      } catch (error) {
        if (!(error instanceof RecipientKeyError)) throw error
        ours = false
      }
      return { line, ours, age: age.status === 0 }
    })
    for (const verdict of verdicts) expect(verdict.ours).toBe(verdict.age)
    expect(verdicts.some(v => v.ours)).toBe(true)
    expect(verdicts.some(v => !v.ours)).toBe(true)
  })

  test.each(SMALL_ORDER_X25519)(
    'an age1 recipient of small order is refused, as Node would at encryption (%s)',
    hex => {
      const u = Buffer.from(hex, 'hex')
      expect(() =>
        diffieHellman({
          privateKey: x25519PrivateKey(randomBytes(32)),
          publicKey: createPublicKey({
            key: Buffer.concat([X25519_SPKI_PREFIX, u]),
            format: 'der',
            type: 'spki'
          })
        })
      ).toThrow()
      expect(rejection(bech32Encode('age', u)).message).toMatch(/weak/)
    }
  )
})

describe('any text: a key, an unusable key or a RecipientKeyError, never anything else', () => {
  const alphabet = fc.constantFrom(
    ...'ssh-ed25519 rsa age1 AAAA+/=qpzry9x8\t\n\u001b\u0000é'.split('')
  )
  const texts = fc.oneof(
    fc.string(),
    fc.string({ unit: alphabet, maxLength: 200 }),
    fc
      .uint8Array({ maxLength: 120 })
      .map(bytes => `ssh-ed25519 ${Buffer.from(bytes).toString('base64')}`),
    fc
      .uint8Array({ maxLength: 300 })
      .map(bytes => sshLine('ssh-rsa', bytes.subarray(0, 3), bytes.subarray(3)))
  )

  test('property: the message quotes at most 20 characters and no control character', () => {
    fc.assert(
      fc.property(texts, text => {
        try {
          const key = parseRecipientKey(text)
          expect(['ssh-ed25519', 'ssh-rsa', 'x25519', 'unusable']).toContain(key.type)
        } catch (error) {
          expect(error).toBeInstanceOf(RecipientKeyError)
          const message = (error as Error).message
          expect(message).not.toMatch(CONTROL_CHARACTERS)
          if (!/private key/.test(message)) {
            expect(quotedPrefix(message).length).toBeLessThanOrEqual(20)
          }
        }
      }),
      { numRuns: 2000 }
    )
  })
})

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')

function x25519PrivateKey(scalar: Uint8Array) {
  const pkcs8Prefix = Buffer.from('302e020100300506032b656e04220420', 'hex')
  return createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, scalar]),
    format: 'der',
    type: 'pkcs8'
  })
}

/** The part of the input an error message quotes: `… ("<prefix>"): …`. */
function quotedPrefix(message: string): string {
  const quoted = /\("(.*)"\): /.exec(message)?.[1]
  if (quoted === undefined) throw new Error(`no quoted prefix in: ${message}`)
  return quoted
}

function sshString(bytes: Uint8Array): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(bytes.length)
  return Buffer.concat([length, bytes])
}

function sshLine(type: string, ...fields: Uint8Array[]): string {
  const wire = Buffer.concat([sshString(Buffer.from(type)), ...fields.map(sshString)])
  return `${type} ${wire.toString('base64')}`
}

/** BIP 173 Bech32, written independently of the parser (reference code's structure). */
function bech32Encode(hrp: string, bytes: Uint8Array): string {
  const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
  const groups: number[] = []
  let accumulator = 0
  let bits = 0
  for (const byte of bytes) {
    accumulator = ((accumulator << 8) | byte) & 0xffff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      groups.push((accumulator >> bits) & 31)
    }
  }
  if (bits > 0) groups.push((accumulator << (5 - bits)) & 31)
  const polymod = (values: number[]): number => {
    const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
    let chk = 1
    for (const v of values) {
      const b = chk >>> 25
      chk = ((chk & 0x1ffffff) << 5) ^ v
      for (let i = 0; i < 5; i++) if ((b >>> i) & 1) chk ^= generators[i]!
    }
    return chk >>> 0
  }
  const expanded = [...hrp].map(c => c.charCodeAt(0) >> 5)
  const values = [
    ...expanded,
    0,
    ...[...hrp].map(c => c.charCodeAt(0) & 31),
    ...groups,
    0,
    0,
    0,
    0,
    0,
    0
  ]
  const mod = polymod(values) ^ 1
  const checksum = [0, 1, 2, 3, 4, 5].map(i => (mod >>> (5 * (5 - i))) & 31)
  return `${hrp}1${[...groups, ...checksum].map(g => charset[g]).join('')}`
}
