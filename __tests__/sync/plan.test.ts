/**
 * The plan: examples for each rule, and properties over random rosters and listings (every listed
 * certificate lands in exactly one place, ignored names are never touched, a roster name is never
 * revoked without rotation, and applying a plan then planning again changes nothing).
 */
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { InputError } from '../../src/core/errors.js'
import type { ListedCertificate } from '../../src/alibaba/vpc-client.js'
import {
  checkRedeliverNames,
  checkRosterAgainstIgnore,
  compileIgnorePatterns,
  computePlan,
  massRevocationRefusal,
  planChangesNothing,
  redeliveryRefusal,
  type PlanOptions
} from '../../src/sync/plan.js'
import type { Roster, RosterEntry } from '../../src/sync/roster.js'

const DAY = 24 * 60 * 60 * 1000
const NOW = Date.parse('2026-12-05T08:00:00Z')
const SERVER = 'vss-standin0001'

let serial = 0
function cert(name: string, overrides: Partial<ListedCertificate> = {}): ListedCertificate {
  serial += 1
  return {
    certId: `vsc-${String(serial).padStart(6, '0')}`,
    name,
    sslVpnServerId: SERVER,
    status: 'normal',
    createTime: NOW - 400 * DAY + serial,
    endTime: NOW + 600 * DAY,
    requestId: undefined,
    ...overrides
  }
}

function entry(name: string, expires?: string): RosterEntry {
  return {
    name,
    recipient: undefined,
    recipientLine: undefined,
    expires,
    expiresAt: expires === undefined ? undefined : Date.parse(`${expires}T00:00:00Z`) + DAY,
    line: 1
  }
}

const roster = (...entries: RosterEntry[]): Roster => ({ file: 'roster.yml', entries })
const options = (overrides: Partial<PlanOptions> = {}): PlanOptions => ({
  now: NOW,
  warnDays: 30,
  rotate: false,
  ignore: [],
  ...overrides
})

describe('computePlan', () => {
  test('creates names not listed, keeps names listed, revokes names not in the roster', () => {
    const bob = cert('bob')
    const mallory = cert('mallory')
    const plan = computePlan(roster(entry('alice'), entry('bob')), [mallory, bob], options())
    expect(plan.create).toEqual([{ name: 'alice', recipient: undefined, reason: 'new' }])
    expect(plan.keep).toEqual([{ name: 'bob', certificates: [bob] }])
    expect(plan.revoke.map(r => [r.certId, r.reason])).toEqual([[mallory.certId, 'not-in-roster']])
  })

  test('a rename is a revoke of the old name and a create of the new one', () => {
    const old = cert('alice.laptop')
    const plan = computePlan(roster(entry('alice.desktop')), [old], options())
    expect(plan.create.map(c => c.name)).toEqual(['alice.desktop'])
    expect(plan.revoke.map(r => r.certId)).toEqual([old.certId])
  })

  test('an entry past its expires day is gone: its certificate is revoked, nothing is created; on that day it still holds', () => {
    const carol = cert('carol')
    const dave = cert('dave')
    const plan = computePlan(
      roster(
        entry('carol', '2026-12-04'),
        entry('dave', '2026-12-05'),
        entry('erin', '2026-01-01')
      ),
      [carol, dave],
      options()
    )
    expect(plan.revoke).toEqual([
      expect.objectContaining({ certId: carol.certId, reason: 'entry-expired' })
    ])
    expect(plan.keep.map(k => k.name)).toEqual(['dave'])
    expect(plan.create).toEqual([])
    expect(plan.expiredEntries).toEqual([
      { name: 'carol', expires: '2026-12-04' },
      { name: 'erin', expires: '2026-01-01' }
    ])
  })

  test('ignored names are never touched, whatever the roster says', () => {
    const ci = cert('ci-runner-7')
    const build = cert('build-01')
    const plan = computePlan(
      roster(),
      [ci, build],
      options({ ignore: compileIgnorePatterns(['ci-*', 'build-??']) })
    )
    expect(plan.revoke).toEqual([])
    expect(plan.ignored).toEqual([
      { certId: build.certId, name: 'build-01', pattern: 'build-??' },
      { certId: ci.certId, name: 'ci-runner-7', pattern: 'ci-*' }
    ])
  })

  test('several certificates of one roster name are all kept', () => {
    const a = cert('alice')
    const b = cert('alice')
    const plan = computePlan(roster(entry('alice')), [b, a], options())
    expect(plan.keep).toEqual([{ name: 'alice', certificates: [a, b] }])
    expect(plan.revoke).toEqual([])
  })

  test('several certificates of a name not in the roster are all revoked, oldest first', () => {
    const a = cert('zoe')
    const b = cert('zoe')
    const plan = computePlan(roster(), [b, a], options())
    expect(plan.revoke.map(r => r.certId)).toEqual([a.certId, b.certId])
  })

  test('without rotate, expired and expiring certificates of roster names are kept', () => {
    const expired = cert('alice', { endTime: NOW - DAY, status: 'expired' })
    const plan = computePlan(roster(entry('alice')), [expired], options())
    expect(plan.keep.map(k => k.name)).toEqual(['alice'])
    expect(plan.create).toEqual([])
  })

  test('with rotate, expired or expiring within warn-days: a new one is created and the old one revoked as rotated', () => {
    const expiring = cert('alice', { endTime: NOW + 10 * DAY })
    const later = cert('bob', { endTime: NOW + 31 * DAY })
    const plan = computePlan(
      roster(entry('alice'), entry('bob')),
      [expiring, later],
      options({ rotate: true })
    )
    expect(plan.create).toEqual([{ name: 'alice', recipient: undefined, reason: 'rotation' }])
    expect(plan.revoke).toEqual([
      expect.objectContaining({ certId: expiring.certId, reason: 'rotated' })
    ])
    expect(plan.keep.map(k => k.name)).toEqual(['bob'])
  })

  test('with rotate, when a valid one of the name exists already (a re-run), the stale one is superseded and nothing is created', () => {
    const old = cert('alice', { endTime: NOW + 2 * DAY, status: 'expiring-soon' })
    const fresh = cert('alice')
    const plan = computePlan(roster(entry('alice')), [old, fresh], options({ rotate: true }))
    expect(plan.create).toEqual([])
    expect(plan.revoke).toEqual([
      expect.objectContaining({ certId: old.certId, reason: 'superseded' })
    ])
    expect(plan.keep).toEqual([{ name: 'alice', certificates: [fresh] }])
  })

  test('a certificate without a name, or with a name no roster could hold, is not in the roster', () => {
    const unnamed = cert('')
    const odd = cert('张 伟')
    const plan = computePlan(roster(entry('alice')), [unnamed, odd], options())
    expect(plan.revoke.map(r => r.certId).sort()).toEqual([unnamed.certId, odd.certId].sort())
  })

  test('an empty roster against an empty server changes nothing', () => {
    expect(planChangesNothing(computePlan(roster(), [], options()))).toBe(true)
  })
})

describe('compileIgnorePatterns and checkRosterAgainstIgnore', () => {
  test('* and ? are the only wildcards; a dot is literal', () => {
    const [pattern] = compileIgnorePatterns(['ci.*'])
    expect(pattern?.matches('ci.x')).toBe(true)
    expect(pattern?.matches('cixx')).toBe(false)
    expect(pattern?.matches('xci.x')).toBe(false)
  })

  test.each([['ci-[a]'], ['a b'], [''], ['x'.repeat(129)]])(
    'refuses %j naming the input and line',
    glob => {
      expect(() => compileIgnorePatterns(['ok', glob])).toThrow(
        /^Input 'ignore': line 2: .* is not a pattern; expected a certificate name with \* \(any characters\)/
      )
    }
  )

  test('a roster entry that an ignore pattern matches is refused, with its line', () => {
    const r: Roster = { file: 'roster.yml', entries: [{ ...entry('ci-bot'), line: 7 }] }
    expect(() => checkRosterAgainstIgnore(r, compileIgnorePatterns(['ci-*']))).toThrow(InputError)
    expect(() => checkRosterAgainstIgnore(r, compileIgnorePatterns(['ci-*']))).toThrow(
      /"roster.yml" line 7/
    )
  })
})

describe('redeliver', () => {
  test('a kept name: the oldest usable certificate (as if-exists: reuse picks), of how many kept; nothing created or revoked', () => {
    const expired = cert('alice', { status: 'expired', endTime: NOW - DAY })
    const older = cert('alice')
    const newer = cert('alice')
    const plan = computePlan(
      roster(entry('alice'), { ...entry('bob'), recipient: 'github:bob-gh', recipientLine: 4 }),
      [newer, cert('bob'), older, expired],
      options({ redeliver: ['alice', 'bob'] })
    )
    expect(plan.create).toEqual([])
    expect(plan.revoke).toEqual([])
    expect(plan.redeliver).toEqual([
      { name: 'alice', recipient: undefined, action: 'deliver', certId: older.certId, kept: 3 },
      {
        name: 'bob',
        recipient: 'github:bob-gh',
        recipientLine: 4,
        action: 'deliver',
        certId: expect.stringMatching(/^vsc-/),
        kept: 1
      }
    ])
    expect(planChangesNothing(plan)).toBe(true)
    expect(redeliveryRefusal(plan)).toBeUndefined()
  })

  test('a name the plan creates (not listed, or rotated) is delivered by its create, once', () => {
    const stale = cert('carol', { status: 'expiring-soon', endTime: NOW + 3 * DAY })
    const plan = computePlan(
      roster(entry('bob'), entry('carol')),
      [stale],
      options({ rotate: true, redeliver: ['carol', 'bob'] })
    )
    expect(plan.create.map(c => [c.name, c.reason])).toEqual([
      ['bob', 'new'],
      ['carol', 'rotation']
    ])
    expect(plan.redeliver).toEqual([
      { name: 'bob', recipient: undefined, action: 'by-create', reason: 'new' },
      { name: 'carol', recipient: undefined, action: 'by-create', reason: 'rotation' }
    ])
  })

  test('with rotate, a superseded certificate is revoked and the valid one re-delivered', () => {
    const stale = cert('dave', { status: 'expired', endTime: NOW - DAY })
    const valid = cert('dave')
    const plan = computePlan(
      roster(entry('dave')),
      [stale, valid],
      options({ rotate: true, redeliver: ['dave'] })
    )
    expect(plan.revoke.map(r => [r.certId, r.reason])).toEqual([[stale.certId, 'superseded']])
    expect(plan.redeliver).toEqual([
      expect.objectContaining({ action: 'deliver', certId: valid.certId, kept: 1 })
    ])
  })

  test('no kept certificate can be used (expired, without rotate): refused, naming each and what to do', () => {
    const expired = cert('erin', { status: 'expired', endTime: NOW - DAY })
    const plan = computePlan(roster(entry('erin')), [expired], options({ redeliver: ['erin'] }))
    expect(plan.redeliver).toEqual([
      {
        name: 'erin',
        recipient: undefined,
        action: 'unusable',
        certificates: [{ certId: expired.certId, status: 'expired' }]
      }
    ])
    expect(redeliveryRefusal(plan)).toBe(
      `redeliver: "erin": no certificate of that name can be used (${expired.certId} Status "expired"), so no profile can be written from one; nothing was changed. Set rotate: true to replace it (its new profile is written), or leave the name out of redeliver.`
    )
  })

  test('names not asked for are not re-delivered; no redeliver, no section', () => {
    const plan = computePlan(roster(entry('alice')), [cert('alice')], options())
    expect(plan.redeliver).toEqual([])
  })

  describe('checkRedeliverNames, before any call', () => {
    const file = roster(entry('alice'), { ...entry('carol', '2026-11-30'), line: 7 })
    const check =
      (names: string[], ignore: string[] = []) =>
      () =>
        checkRedeliverNames(names, file, compileIgnorePatterns(ignore), NOW)

    test('roster names that hold pass', () => {
      expect(check(['alice'])).not.toThrow()
      expect(check([])).not.toThrow()
    })

    test.each([
      [
        'a name not in the roster',
        ['alice', 'alicia'],
        [],
        /^Input 'redeliver': "alicia" is not in "roster\.yml"; expected names of roster entries \(redeliver writes again the profile of a certificate the roster keeps\)\. Names are compared exactly\.$/
      ],
      [
        'a name an ignore pattern matches',
        ['ci-runner-1'],
        ['ci-*'],
        /^Input 'redeliver': "ci-runner-1" matches the ignore pattern "ci-\*": sync never touches an ignored name, so it writes no profile for it; .*if-exists: reuse/
      ],
      [
        'a name whose entry has expired (its certificates are being revoked)',
        ['carol'],
        [],
        /^Input 'redeliver': "carol": its entry in "roster\.yml" \(line 7\) expired on 2026-11-30, so apply revokes its certificates and writes no profile for them\./
      ]
    ])('refuses %s', (_title, names, ignore, expected) => {
      const run = check(names, ignore)
      expect(run).toThrow(InputError)
      expect(run).toThrow(expected)
    })
  })
})

describe('massRevocationRefusal', () => {
  const plan = (n: number) =>
    computePlan(
      roster(),
      Array.from({ length: n }, (_, i) => cert(`user${i}`)),
      options()
    )
  test('at most max-revocations passes; one more is refused unless allowed', () => {
    expect(massRevocationRefusal(plan(5), 5, false)).toBeUndefined()
    expect(massRevocationRefusal(plan(6), 5, false)).toMatch(
      /revokes 6 certificates, more than max-revocations \(5\); nothing was changed.*allow-mass-revocation: true/
    )
    expect(massRevocationRefusal(plan(6), 5, true)).toBeUndefined()
  })
})

describe('computePlan, properties', () => {
  const names = fc.constantFrom('alice', 'bob', 'carol', 'ci-1', 'ci-2', 'dave', 'erin', '')
  const listed = fc.array(
    fc.record({
      name: names,
      endInDays: fc.integer({ min: -40, max: 800 }),
      ageMs: fc.integer({ min: 0, max: 1_000_000 })
    }),
    { maxLength: 25 }
  )
  const rosterArb = fc.uniqueArray(
    fc.record({
      name: fc.constantFrom('alice', 'bob', 'carol', 'dave', 'erin', 'frank'),
      expired: fc.boolean()
    }),
    { selector: e => e.name, maxLength: 6 }
  )
  const ignore = compileIgnorePatterns(['ci-*'])

  function build(l: { name: string; endInDays: number; ageMs: number }[]): ListedCertificate[] {
    return l.map(c =>
      cert(c.name, {
        endTime: NOW + c.endInDays * DAY,
        createTime: NOW - 1_000_000 + c.ageMs,
        status: c.endInDays <= 0 ? 'expired' : c.endInDays < 7 ? 'expiring-soon' : 'normal'
      })
    )
  }
  function rosterOf(r: { name: string; expired: boolean }[]): Roster {
    return roster(...r.map(e => entry(e.name, e.expired ? '2026-01-01' : undefined)))
  }

  test('every listed certificate is kept, revoked or ignored, exactly once', () => {
    fc.assert(
      fc.property(rosterArb, listed, fc.boolean(), (r, l, rotate) => {
        const listing = build(l)
        const plan = computePlan(rosterOf(r), listing, options({ rotate, ignore }))
        const placed = [
          ...plan.keep.flatMap(k => k.certificates.map(c => c.certId)),
          ...plan.revoke.map(c => c.certId),
          ...plan.ignored.map(c => c.certId)
        ]
        expect([...placed].sort()).toEqual(listing.map(c => c.certId).sort())
      })
    )
  })

  test('ignored names are never revoked; roster names are revoked only when rotating', () => {
    fc.assert(
      fc.property(rosterArb, listed, fc.boolean(), (r, l, rotate) => {
        const plan = computePlan(rosterOf(r), build(l), options({ rotate, ignore }))
        const active = new Set<string>(r.filter(e => !e.expired).map(e => e.name))
        for (const revoked of plan.revoke) {
          expect(revoked.name.startsWith('ci-')).toBe(false)
          if (active.has(revoked.name)) {
            expect(rotate).toBe(true)
            expect(['rotated', 'superseded']).toContain(revoked.reason)
          }
        }
      })
    )
  })

  test('applying the plan and planning again changes nothing (convergence)', () => {
    fc.assert(
      fc.property(rosterArb, listed, fc.boolean(), (r, l, rotate) => {
        const listing = build(l)
        const first = computePlan(rosterOf(r), listing, options({ rotate, ignore }))
        const revoked = new Set(first.revoke.map(c => c.certId))
        const after = [
          ...listing.filter(c => !revoked.has(c.certId)),
          ...first.create.map(c => cert(c.name, { createTime: NOW, endTime: NOW + 1095 * DAY }))
        ]
        const second = computePlan(rosterOf(r), after, options({ rotate, ignore }))
        expect(planChangesNothing(second)).toBe(true)
      })
    )
  })
})
