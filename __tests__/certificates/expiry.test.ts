import { describe, expect, test } from '@jest/globals'
import {
  classify,
  classifyCertificates,
  DAY_MS,
  daysLeft,
  describeFlaggedCertificates,
  failOnVerdict,
  formatDate,
  type FailOn
} from '../../src/certificates/expiry.js'
import type { ListedCertificate } from '../../src/alibaba/vpc-client.js'

const NOW = Date.parse('2026-06-01T12:00:00.000Z')

function listed(id: string, endTime: number, change: Partial<ListedCertificate> = {}) {
  return {
    certId: id,
    name: `name-${id.slice(4)}`,
    sslVpnServerId: 'vss-bp1test0001',
    status: endTime <= NOW ? 'expired' : endTime - NOW <= 7 * DAY_MS ? 'expiring-soon' : 'normal',
    createTime: endTime - 1095 * DAY_MS,
    endTime,
    requestId: 'REQ-1',
    ...change
  } satisfies ListedCertificate
}

describe('classify: by EndTime, at the boundaries', () => {
  const normal = (endTime: number) => ({ status: 'normal', endTime })

  test.each([
    ['warn-days days ahead exactly: expiring', 30, NOW + 30 * DAY_MS, 'expiring'],
    ['one millisecond later: valid', 30, NOW + 30 * DAY_MS + 1, 'valid'],
    ['one millisecond ahead: expiring', 30, NOW + 1, 'expiring'],
    ['ending now: expired', 30, NOW, 'expired'],
    ['ended a millisecond ago: expired', 30, NOW - 1, 'expired'],
    ['warn-days 0, a millisecond ahead: valid', 0, NOW + 1, 'valid'],
    ['warn-days 0, ending now: expired', 0, NOW, 'expired'],
    ['warn-days 3650, nine years ahead: expiring', 3650, NOW + 9 * 365 * DAY_MS, 'expiring']
  ])('%s', (_what, warnDays, endTime, expected) => {
    expect(classify(normal(endTime), NOW, warnDays)).toBe(expected)
  })
})

describe('classify: the API’s Status counts first', () => {
  test('expiring-soon is expiring even beyond warn-days (warn-days 0 or 3)', () => {
    const soon = { status: 'expiring-soon', endTime: NOW + 6 * DAY_MS }
    expect(classify(soon, NOW, 0)).toBe('expiring')
    expect(classify(soon, NOW, 3)).toBe('expiring')
  })

  test('expired is expired even with an EndTime ahead', () => {
    expect(classify({ status: 'expired', endTime: NOW + 100 * DAY_MS }, NOW, 30)).toBe('expired')
  })

  test('normal with an EndTime passed is expired; no Status at all goes by EndTime', () => {
    expect(classify({ status: 'normal', endTime: NOW - DAY_MS }, NOW, 30)).toBe('expired')
    expect(classify({ status: '', endTime: NOW + 10 * DAY_MS }, NOW, 30)).toBe('expiring')
    expect(classify({ status: '', endTime: NOW + 40 * DAY_MS }, NOW, 30)).toBe('valid')
  })
})

describe('daysLeft: whole days, toward zero', () => {
  test.each([
    [NOW + 30 * DAY_MS, 30],
    [NOW + 30 * DAY_MS - 1, 29],
    [NOW + DAY_MS - 1, 0],
    [NOW, 0],
    [NOW - DAY_MS + 1, 0],
    [NOW - DAY_MS, -1],
    [NOW - 10.5 * DAY_MS, -10]
  ])('EndTime %p: %p', (endTime, expected) => {
    expect(Object.is(daysLeft(endTime, NOW), expected)).toBe(true)
  })
})

describe('classifyCertificates', () => {
  const certificates = [
    listed('vsc-late', NOW + 400 * DAY_MS),
    listed('vsc-gone', NOW - 3 * DAY_MS),
    listed('vsc-b', NOW + 12 * DAY_MS, { sslVpnServerId: 'vss-bp1test0002' }),
    listed('vsc-a', NOW + 12 * DAY_MS, { sslVpnServerId: 'vss-bp1test0002' }),
    listed('vsc-c', NOW + 12 * DAY_MS),
    listed('vsc-soon', NOW + 2 * DAY_MS)
  ]

  test('sorted by EndTime, then server, then ID; split into expired and expiring', () => {
    const report = classifyCertificates(certificates, NOW, 30)
    expect(report.certificates.map(c => c.certId)).toEqual([
      'vsc-gone',
      'vsc-soon',
      'vsc-c',
      'vsc-a',
      'vsc-b',
      'vsc-late'
    ])
    expect(report.expired.map(c => c.certId)).toEqual(['vsc-gone'])
    expect(report.expiring.map(c => c.certId)).toEqual(['vsc-soon', 'vsc-c', 'vsc-a', 'vsc-b'])
    expect(report.certificates.map(c => [c.expiry, c.daysLeft])).toEqual([
      ['expired', -3],
      ['expiring', 2],
      ['expiring', 12],
      ['expiring', 12],
      ['expiring', 12],
      ['valid', 400]
    ])
    expect(report).toMatchObject({ checkedAt: NOW, warnDays: 30 })
  })

  test('the order does not depend on the listing’s', () => {
    const once = classifyCertificates(certificates, NOW, 30).certificates.map(c => c.certId)
    const reversed = classifyCertificates([...certificates].reverse(), NOW, 30)
    expect(reversed.certificates.map(c => c.certId)).toEqual(once)
  })

  test('a smaller warn-days flags fewer', () => {
    const report = classifyCertificates(certificates, NOW, 7)
    expect(report.expiring.map(c => c.certId)).toEqual(['vsc-soon'])
  })

  test('nothing listed: nothing flagged', () => {
    expect(classifyCertificates([], NOW, 30)).toEqual({
      checkedAt: NOW,
      warnDays: 30,
      certificates: [],
      expiring: [],
      expired: []
    })
  })
})

describe('messages', () => {
  test('formatDate: minutes, UTC', () => {
    expect(formatDate(Date.parse('2027-03-01T08:05:59.999Z'))).toBe('2027-03-01 08:05 UTC')
  })

  test('what is flagged: a headline with both counts, then one line per certificate', () => {
    const report = classifyCertificates(
      [
        listed('vsc-gone', NOW - 3 * DAY_MS),
        listed('vsc-soon', NOW + DAY_MS, { name: '' }),
        listed('vsc-ok', NOW + 100 * DAY_MS)
      ],
      NOW,
      30
    )
    expect(describeFlaggedCertificates(report)?.split('\n')).toEqual([
      '1 certificate expired and 1 certificate expiring (within 30 days, or Status expiring-soon):',
      '- vsc-gone (name-gone) on vss-bp1test0001: expired (EndTime 2026-05-29 12:00 UTC)',
      '- vsc-soon on vss-bp1test0001: expires 2026-06-02 12:00 UTC, 1 day left'
    ])
    expect(describeFlaggedCertificates(classifyCertificates([], NOW, 30))).toBeUndefined()
  })

  test('at most 20 named, the rest counted', () => {
    const many = Array.from({ length: 25 }, (_, i) => listed(`vsc-n${i}`, NOW + (i + 1) * DAY_MS))
    const lines = describeFlaggedCertificates(classifyCertificates(many, NOW, 30))?.split('\n')
    expect(lines).toHaveLength(22)
    expect(lines?.[0]).toBe('25 certificates expiring (within 30 days, or Status expiring-soon):')
    expect(lines?.[21]).toBe('- … and 5 more (see the outputs or the job summary)')
  })
})

describe('failOnVerdict', () => {
  const only = (...certificates: ListedCertificate[]) => classifyCertificates(certificates, NOW, 30)
  const expired = only(listed('vsc-gone', NOW - DAY_MS), listed('vsc-soon', NOW + DAY_MS))
  const expiring = only(listed('vsc-soon', NOW + DAY_MS), listed('vsc-ok', NOW + 90 * DAY_MS))
  const fine = only(listed('vsc-ok', NOW + 90 * DAY_MS))

  test.each<[FailOn, string, boolean]>([
    ['never', 'expired', false],
    ['never', 'expiring', false],
    ['expired', 'expired', true],
    ['expired', 'expiring', false],
    ['expiring', 'expired', true],
    ['expiring', 'expiring', true],
    ['expiring', 'fine', false],
    ['expired', 'fine', false]
  ])('fail-on %s with something %s: fails %p', (failOn, what, fails) => {
    const report = { expired, expiring, fine }[what as 'expired' | 'expiring' | 'fine']
    const verdict = failOnVerdict(report, failOn)
    expect(verdict !== undefined).toBe(fails)
    if (verdict !== undefined) expect(verdict).toMatch(new RegExp(`^fail-on: ${failOn}\\. `))
  })

  test('fail-on expired names only the expired ones', () => {
    const verdict = failOnVerdict(expired, 'expired') ?? ''
    expect(verdict).toContain('vsc-gone')
    expect(verdict).not.toContain('vsc-soon')
    expect(failOnVerdict(expired, 'expiring')).toContain('vsc-soon')
  })
})
