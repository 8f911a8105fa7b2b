/**
 * The roster file: what it accepts, and that every refusal names the input, the file, the line and
 * what is expected (a hostile roster never gets past here, so no network call is made for it).
 */
import { describe, expect, test } from '@jest/globals'
import { InputError } from '../../src/core/errors.js'
import { MAX_ROSTER_BYTES, parseRoster } from '../../src/sync/roster.js'

const FILE = '.github/vpn-roster.yml'
const AGE = 'age1' + 'q'.repeat(58)
const SSH =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE alice@laptop'

function refusal(text: string): string {
  try {
    parseRoster(text, FILE)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('parseRoster', () => {
  test('reads names, recipients of the three kinds, expiry dates, and the line of each entry', () => {
    const roster = parseRoster(
      [
        '# who has access',
        'certificates:',
        '  - name: alice.laptop',
        '    recipient: github:alice',
        '    expires: 2027-03-31',
        `  - name: bob`,
        `    recipient: ${SSH}`,
        `  - name: carol_1`,
        `    recipient: ${AGE}`,
        '  - dave-ci'
      ].join('\n'),
      FILE
    )
    expect(roster.entries).toEqual([
      {
        name: 'alice.laptop',
        recipient: 'github:alice',
        recipientLine: 4,
        expires: '2027-03-31',
        expiresAt: Date.parse('2027-04-01T00:00:00Z'),
        line: 3
      },
      {
        name: 'bob',
        recipient: SSH,
        recipientLine: 7,
        expires: undefined,
        expiresAt: undefined,
        line: 6
      },
      {
        name: 'carol_1',
        recipient: AGE,
        recipientLine: 9,
        expires: undefined,
        expiresAt: undefined,
        line: 8
      },
      { name: 'dave-ci', recipient: undefined, expires: undefined, expiresAt: undefined, line: 10 }
    ])
  })

  test('an empty list, or none, is an empty roster (the plan then revokes; max-revocations guards it)', () => {
    expect(parseRoster('certificates: []\n', FILE).entries).toEqual([])
    expect(parseRoster('certificates:\n', FILE).entries).toEqual([])
  })

  test.each([
    [
      'a duplicate name, with both lines',
      'certificates:\n  - name: alice\n  - name: bob\n  - name: alice\n',
      /line 4: the name "alice" is already on line 2/
    ],
    [
      'a name the API refuses',
      'certificates:\n  - name: "9lives"\n',
      /line 2: "9lives" is not a certificate name the API accepts; expected 2 to 128/
    ],
    [
      'a name with a space',
      'certificates:\n  - name: alice smith\n',
      /line 2: "alice smith" is not a certificate name/
    ],
    [
      'a number as name',
      'certificates:\n  - name: 12345\n',
      /line 2: a number is not a certificate name/
    ],
    [
      'an unknown key in an entry',
      'certificates:\n  - name: alice\n    expiry: 2027-01-01\n',
      /line 3: "expiry" is not a key of an entry; expected "name", "recipient", "expires"/
    ],
    [
      'an unknown top-level key',
      'users:\n  - alice\n',
      /line 1: "users" is not a key of the top level/
    ],
    [
      'an entry without a name',
      'certificates:\n  - recipient: github:alice\n',
      /line 2: an entry has no "name"/
    ],
    [
      'a bad date',
      'certificates:\n  - name: alice\n    expires: 2027-02-30\n',
      /line 3: "expires" is "2027-02-30"; expected a date, YYYY-MM-DD/
    ],
    [
      'a bad recipient',
      'certificates:\n  - name: alice\n    recipient: someone@example.com\n',
      /line 3: "recipient" is "someone@exam"…, which is not a recipient; expected "github:USER"/
    ],
    ['an alias', 'certificates:\n  - &a { name: alice }\n  - *a\n', /line 2: has an anchor \(&a\)/],
    [
      'an alias without anchor check first',
      'x: 1\ncertificates:\n  - *undefined_alias\n',
      /is not valid YAML|has an alias/
    ],
    [
      'a tag',
      'certificates:\n  - name: !!binary YWxpY2U=\n',
      /line 2: is not valid YAML \(unknown tag !<tag:yaml.org,2002:binary>\)/
    ],
    [
      'a custom tag',
      'certificates:\n  - name: !alice x\n',
      /line 2: is not valid YAML \(unknown tag !<!alice>\)/
    ],
    [
      'a list at the top',
      '- alice\n- bob\n',
      /line 1: expected a mapping with one key, "certificates"/
    ],
    [
      'nesting no roster needs',
      'certificates:\n  - name: [[[[[[[[x]]]]]]]]\n',
      /line 2: is not valid YAML \(nesting exceeded maxDepth/
    ],
    ['not YAML', 'certificates: [alice\n', /line 2: is not valid YAML/],
    [
      'two documents',
      'certificates: []\n---\ncertificates: []\n',
      /": is not valid YAML \(expected a single document/
    ],
    [
      'a duplicate key',
      'certificates: []\ncertificates: []\n',
      /line 2: is not valid YAML \(duplicated mapping key\)/
    ]
  ])('refuses %s with the file and line', (_title, text, expected) => {
    const message = refusal(text)
    expect(message).toMatch(/^Input 'roster-file': ".github\/vpn-roster.yml"/)
    expect(message).toMatch(expected)
    expect(message).not.toMatch(/\n/)
  })

  test('a billion-laughs bomb is refused at its first anchor, without expanding anything', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i)
      const next = String.fromCharCode(97 + i)
      lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`)
    }
    lines.push('certificates: *i')
    const started = process.cpuUsage()
    expect(refusal(lines.join('\n'))).toMatch(/line 1: has an anchor \(&a\)/)
    const used = process.cpuUsage(started)
    // Nothing was expanded: 9^9 strings would take far more than this.
    expect(used.user + used.system).toBeLessThan(2_000_000)
  })

  test('a file over the size cap is refused before it is parsed', () => {
    const huge = 'certificates:\n' + '  - name: a\n'.repeat(MAX_ROSTER_BYTES / 10)
    expect(refusal(huge)).toMatch(/is \d+ bytes; a roster holds at most 1048576 bytes/)
  })

  test('a private key pasted as recipient is not echoed', () => {
    const message = refusal(
      'certificates:\n  - name: alice\n    recipient: "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA"\n'
    )
    expect(message).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA')
  })

  test('control characters in a refused name are shown escaped, on one line', () => {
    const message = refusal('certificates:\n  - name: "alice\\u001b[31m\\nX"\n')
    expect(message.includes('\u001b')).toBe(false)
    expect(message).not.toContain('\n')
  })
})
