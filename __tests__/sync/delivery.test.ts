/**
 * Sync's side of delivery: the roster's keys read with src/delivery's parser (keys made by the
 * real ssh-keygen and age-keygen pass; a key age cannot use, a malformed one or a private key is
 * refused naming roster-file, the file and the recipient's line, quoting no secret), and where the
 * keys of `github:` recipients are read.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { ageKeygen, makeKeyDir, sshKeygen, type KeyPair } from '../../__fixtures__/age-keys.js'
import {
  CancelledError,
  GitHubError,
  InputError,
  RecipientError,
  TransportError
} from '../../src/core/errors.js'
import type { GitHubAccountKeys } from '../../src/delivery/github-keys.js'
import { parseRecipientKey, type RecipientKey } from '../../src/delivery/recipients.js'
import {
  checkPlannedRecipients,
  checkRosterKeys,
  readGitHubKeySettings
} from '../../src/sync/delivery.js'
import type { Plan, PlannedCreate } from '../../src/sync/plan.js'
import { parseRoster } from '../../src/sync/roster.js'
import { EMPTY_PLAN } from '../../__fixtures__/plans.js'

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

describe("checkPlannedRecipients (plan mode reads the creates' github: accounts as apply will)", () => {
  const EMPTY = EMPTY_PLAN
  const create = (name: string, recipient: string | undefined, line = 4): PlannedCreate => ({
    name,
    recipient,
    recipientLine: recipient === undefined ? undefined : line,
    reason: 'new'
  })
  const usable = (publicKey: string) => parseRecipientKey(publicKey) as RecipientKey
  const ecdsa = () => {
    const key = parseRecipientKey(keys.ecdsa.publicKey)
    if (key.type !== 'unusable') throw new Error('ECDSA is usable?')
    return { keyType: key.keyType, fingerprint: key.fingerprint, reason: key.reason }
  }

  function reader(accounts: Record<string, GitHubAccountKeys | Error>) {
    const reads: string[] = []
    const read = async (username: string) => {
      reads.push(username)
      const found = accounts[username]
      if (found === undefined) throw new Error(`unexpected read of ${username}`)
      if (found instanceof Error) throw found
      return found
    }
    return { reads, read }
  }

  test('each distinct account of a create is read once; kept, revoked and key recipients are not read; the keys are shown as encrypted-to names them', async () => {
    const ed = usable(keys.ed25519.publicKey)
    const rsa = usable(keys.rsa.publicKey)
    const { reads, read } = reader({
      'alice-gh': { username: 'alice-gh', usable: [ed, rsa], skipped: [ecdsa()] }
    })
    const log: string[] = []
    const plan: Plan = {
      ...EMPTY,
      create: [
        create('alice.laptop', 'github:alice-gh'),
        create('alice.phone', 'github:Alice-GH', 6),
        create('bob', keys.ed25519.publicKey),
        create('dave', undefined)
      ],
      keep: [{ name: 'carol', certificates: [] }]
    }
    const checked = await checkPlannedRecipients(plan, 'roster.yml', read, l => log.push(l))
    expect(reads).toEqual(['alice-gh'])
    expect(checked.failure).toBeUndefined()
    expect(checked.warnings).toEqual([])
    const expectedKeys = [
      { type: 'ssh-ed25519', fingerprint: ed.fingerprint, from: 'github:alice-gh' },
      { type: 'ssh-rsa', fingerprint: rsa.fingerprint, from: 'github:alice-gh' }
    ]
    expect(checked.plan.create[0]?.github).toEqual({
      status: 'keys',
      username: 'alice-gh',
      keys: expectedKeys,
      skipped: 1
    })
    expect(checked.plan.create[1]?.github).toMatchObject({ status: 'keys', keys: expectedKeys })
    expect(checked.plan.create[2]?.github).toBeUndefined()
    expect(checked.plan.create[3]?.github).toBeUndefined()
    expect(checked.plan.keep).toBe(plan.keep)
    expect(log).toEqual([
      expect.stringMatching(
        /^Skipping a key of github:alice-gh \(ecdsa-sha2-nistp256 SHA256:.*ECDSA/
      )
    ])
  })

  test('no usable key, no key at all, no such account: the plan is marked and fails naming the file, the line, the name and what to do', async () => {
    const { read } = reader({
      'bob-gh': { username: 'bob-gh', usable: [], skipped: [ecdsa()] },
      'erin-gh': { username: 'erin-gh', usable: [], skipped: [] },
      'nobody-gh': new RecipientError(
        'GitHub has no account github:nobody-gh (HTTP 404 at https://api.github.com): check the username in the recipient.'
      )
    })
    const checked = await checkPlannedRecipients(
      {
        ...EMPTY,
        create: [
          create('bob.laptop', 'github:bob-gh', 7),
          create('erin', 'github:erin-gh', 9),
          create('nemo', 'github:nobody-gh', 11)
        ]
      },
      'roster.yml',
      read,
      () => undefined
    )
    expect(checked.plan.create.map(c => c.github?.status)).toEqual([
      'problem',
      'problem',
      'problem'
    ])
    const lines = checked.failure?.split('\n') ?? []
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(
      /^"roster\.yml" line 7: "bob\.laptop": apply would fail this name: github:bob-gh has no public SSH key age can encrypt to \(GitHub lists 1: ecdsa-sha2-nistp256 SHA256:\S+; ECDSA and sk- keys are skipped\)\. Ask them to add an ssh-ed25519 or ssh-rsa \(2048 bits or more\) key to their GitHub account .*or put their public key line .* in the roster as the recipient\.$/
    )
    expect(lines[1]).toMatch(
      /^"roster\.yml" line 9: "erin": apply would fail this name: github:erin-gh has no public SSH key age can encrypt to \(GitHub lists none\)/
    )
    expect(lines[2]).toBe(
      '"roster.yml" line 11: "nemo": apply would fail this name: GitHub has no account github:nobody-gh (HTTP 404 at https://api.github.com): check the username in the recipient.'
    )
    expect(checked.warnings).toEqual([])
  })

  test('GitHub unreachable, 5xx or rate limited: a warning naming what could not be checked, not a failure', async () => {
    const { read } = reader({
      'alice-gh': new TransportError(
        'Could not reach the GitHub API at https://127.0.0.1:1 (ECONNREFUSED).',
        'ECONNREFUSED',
        true
      ),
      'carol-gh': new GitHubError(
        403,
        "GitHub refused to list the public keys of github:carol-gh (HTTP 403). GitHub's API rate limit was reached: re-run later."
      )
    })
    const checked = await checkPlannedRecipients(
      {
        ...EMPTY,
        create: [
          create('alice.laptop', 'github:alice-gh'),
          create('alice.phone', 'github:alice-gh'),
          create('carol', 'github:carol-gh')
        ]
      },
      'roster.yml',
      read,
      () => undefined
    )
    expect(checked.failure).toBeUndefined()
    expect(checked.plan.create.map(c => c.github?.status)).toEqual([
      'unchecked',
      'unchecked',
      'unchecked'
    ])
    expect(checked.warnings).toEqual([
      expect.stringMatching(
        /^The keys of github:alice-gh \(the recipient of "alice\.laptop", "alice\.phone"\) could not be checked: .*ECONNREFUSED.* apply reads them again/
      ),
      expect.stringMatching(
        /^The keys of github:carol-gh \(the recipient of "carol"\) could not be checked: .*rate limit/
      )
    ])
  })

  test('a redelivery to a github: account is read as a create is (once per account); a redelivery by its create is not read again', async () => {
    const ed = usable(keys.ed25519.publicKey)
    const { reads, read } = reader({
      'alice-gh': { username: 'alice-gh', usable: [ed], skipped: [] },
      'bob-gh': { username: 'bob-gh', usable: [], skipped: [] }
    })
    const checked = await checkPlannedRecipients(
      {
        ...EMPTY,
        create: [create('carol', 'github:alice-gh')],
        redeliver: [
          {
            name: 'alice',
            recipient: 'github:alice-gh',
            recipientLine: 3,
            action: 'deliver',
            certId: 'vsc-a',
            kept: 1
          },
          {
            name: 'bob',
            recipient: 'github:bob-gh',
            recipientLine: 5,
            action: 'deliver',
            certId: 'vsc-b',
            kept: 1
          },
          { name: 'carol', recipient: 'github:alice-gh', action: 'by-create', reason: 'new' }
        ]
      },
      'roster.yml',
      read,
      () => undefined
    )
    expect(reads).toEqual(['alice-gh', 'bob-gh'])
    expect(checked.plan.redeliver.map(r => r.github?.status)).toEqual([
      'keys',
      'problem',
      undefined
    ])
    expect(checked.failure).toMatch(
      /^"roster\.yml" line 5: "bob": apply would fail this name: github:bob-gh has no public SSH key age can encrypt to \(GitHub lists none\)/
    )
  })

  test('cancellation and bugs are not turned into warnings', async () => {
    const plan: Plan = { ...EMPTY, create: [create('alice', 'github:alice-gh')] }
    for (const error of [new CancelledError('cancelled'), new TypeError('a bug')]) {
      const { read } = reader({ 'alice-gh': error })
      await expect(checkPlannedRecipients(plan, 'roster.yml', read, () => undefined)).rejects.toBe(
        error
      )
    }
  })
})
