/**
 * Sync's side of delivery: the roster's keys read with src/delivery's parser (keys made by the
 * real ssh-keygen and age-keygen pass; a key age cannot use, a malformed one or a private key is
 * refused naming roster-file, the file and the recipient's line, quoting no secret), and where the
 * keys of `github:` recipients are read.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { ageKeygen, makeKeyDir, sshKeygen, type KeyPair } from '../../__fixtures__/age-keys.js'
import { InputError } from '../../src/core/errors.js'
import { checkRosterKeys, readGitHubKeySettings } from '../../src/sync/delivery.js'
import { parseRoster } from '../../src/sync/roster.js'

const FILE = '.github/ssl-vpn-roster.yml'
let dir: Awaited<ReturnType<typeof makeKeyDir>>
const keys: Record<'ed25519' | 'rsa' | 'rsa1024' | 'ecdsa' | 'age', KeyPair> = {} as never

beforeAll(async () => {
  dir = await makeKeyDir()
  keys.ed25519 = await sshKeygen(dir.path, 'ed', 'ed25519')
  keys.rsa = await sshKeygen(dir.path, 'rsa', 'rsa', 2048)
  keys.rsa1024 = await sshKeygen(dir.path, 'rsa-small', 'rsa', 1024)
  keys.ecdsa = await sshKeygen(dir.path, 'ec', 'ecdsa')
  keys.age = await ageKeygen(dir.path, 'age')
})
afterAll(async () => {
  await dir.remove()
})

const roster = (recipient: string) =>
  parseRoster(
    `certificates:\n  - name: alice\n  - name: bob\n    recipient: ${JSON.stringify(recipient)}\n`,
    FILE
  )

function refusal(recipient: string): string {
  try {
    checkRosterKeys(roster(recipient))
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('checkRosterKeys', () => {
  test('keys made by ssh-keygen and age-keygen, and github: accounts, pass', () => {
    for (const key of [keys.ed25519, keys.rsa, keys.age]) {
      expect(() => checkRosterKeys(roster(key.publicKey))).not.toThrow()
    }
    expect(() => checkRosterKeys(roster('github:bob-gh'))).not.toThrow()
  })

  test.each([
    [
      'an ECDSA key',
      () => keys.ecdsa.publicKey,
      /"recipient" is "ecdsa-sha2-n"…, which is not a recipient/
    ],
    [
      'an RSA key under 2048 bits',
      () => keys.rsa1024.publicKey,
      /the recipient of bob is a key age cannot encrypt to \(its RSA key has 1024 bits/
    ],
    [
      'an Ed25519 line with a broken key',
      () => keys.ed25519.publicKey.replace(/AAAAI(.)/, 'AAAAI$1$1'),
      /the recipient of bob: Not a public key age can encrypt to/
    ]
  ])(
    '%s: refused with the file and the recipient line, saying what is expected',
    (_what, key, problem) => {
      const message = refusal(key())
      expect(message).toMatch(/^Input 'roster-file': "\.github\/ssl-vpn-roster\.yml" line 4: /)
      expect(message).toMatch(problem)
      expect(message).toMatch(/ssh-ed25519/)
    }
  )
})

describe('readGitHubKeySettings', () => {
  test('only for a roster with a github: recipient; GITHUB_API_URL must be https', () => {
    expect(readGitHubKeySettings(roster(keys.age.publicKey), {}, 'tok')).toBeUndefined()
    expect(readGitHubKeySettings(roster('github:bob'), {}, undefined)).toEqual({
      apiUrl: 'https://api.github.com',
      token: undefined
    })
    expect(() =>
      readGitHubKeySettings(roster('github:bob'), { GITHUB_API_URL: 'http://ghe.example' }, 'tok')
    ).toThrow(/GITHUB_API_URL.*is not an https:\/\/ URL/)
  })
})
