/**
 * DescribeSslVpnClientCerts (test-server/stand-in/list.mjs): paging, filters, and the
 * existingCertificates option (certificates.mjs) seen through it.
 * Requests are signed with the official @alicloud/openapi-util (__fixtures__/stand-in-client.ts).
 */
import { DEFAULT_RESOURCE_GROUP_ID, startStandIn } from '../../test-server/stand-in.mjs'
import { standInPerTest } from '../../__fixtures__/stand-in.js'
import {
  expectError,
  TWO_SERVERS,
  describeCert,
  listCerts,
  type CertList,
  listOk,
  keysOf,
  createdId
} from '../../__fixtures__/stand-in-client.js'

const standIn = standInPerTest()

describe('DescribeSslVpnClientCerts', () => {
  test('paging: 23 certificates in pages of 10, oldest first, no duplicates', async () => {
    const existing = Array.from({ length: 20 }, (_, i) => ({ name: `old-${i}` }))
    const s = await standIn({ existingCertificates: existing })
    for (const name of ['new-0', 'new-1', 'new-2']) await createdId(s, { Name: name })

    const pages = [
      await listOk(s),
      await listOk(s, { PageNumber: '2', PageSize: '10' }),
      await listOk(s, { PageNumber: '3' })
    ]
    expect(pages.map(p => [p.TotalCount, p.PageNumber, p.PageSize, keysOf(p).length])).toEqual([
      [23, 1, 10, 10],
      [23, 2, 10, 10],
      [23, 3, 10, 3]
    ])
    const names = pages.flatMap(p => keysOf(p).map(k => k.Name))
    expect(names).toEqual([...existing.map(e => e.name), 'new-0', 'new-1', 'new-2'])
    const ids = pages.flatMap(p => keysOf(p).map(k => k.SslVpnClientCertId))
    expect(new Set(ids).size).toBe(23)
    expect(ids).toEqual(s.certificates.map(c => c.id))
    const times = pages.flatMap(p => keysOf(p).map(k => k.CreateTime))
    expect(times).toEqual([...times].sort((x, y) => x - y))

    expect(keysOf(pages[2] as CertList)[2]).toEqual({
      SslVpnClientCertId: s.certificates[22]?.id,
      Name: 'new-2',
      SslVpnServerId: 'vss-standin0001',
      RegionId: 'cn-hangzhou',
      Status: 'normal',
      CreateTime: s.certificates[22]?.createdAt,
      EndTime: s.certificates[22]?.endTime,
      ResourceGroupId: DEFAULT_RESOURCE_GROUP_ID
    })
    const beyond = await listOk(s, { PageNumber: '4' })
    expect([beyond.TotalCount, keysOf(beyond)]).toEqual([23, []])
  })

  test('filters: exact Name, server, certificate id, region', async () => {
    const s = await standIn({
      sslVpnServers: TWO_SERVERS,
      existingCertificates: [
        { name: 'dev' },
        { name: 'dev', sslVpnServerId: 'vss-standin0002' },
        { name: 'dev2' },
        { name: 'dev', regionId: 'cn-beijing' }
      ]
    })
    const byName = await listOk(s, { Name: 'dev' })
    expect(keysOf(byName).map(k => k.SslVpnServerId)).toEqual([
      'vss-standin0001',
      'vss-standin0002'
    ])
    expect(byName.TotalCount).toBe(2)
    const onServer = await listOk(s, { SslVpnServerId: 'vss-standin0001' })
    expect(keysOf(onServer).map(k => k.Name)).toEqual(['dev', 'dev2'])
    const both = await listOk(s, { SslVpnServerId: 'vss-standin0002', Name: 'dev' })
    expect(keysOf(both).map(k => k.SslVpnClientCertId)).toEqual([s.certificates[1]?.id])
    const byId = await listOk(s, { SslVpnClientCertId: s.certificates[2]?.id ?? '' })
    expect(keysOf(byId).map(k => k.Name)).toEqual(['dev2'])
    expect((await listOk(s, { Name: 'de' })).TotalCount).toBe(0)
    expect((await listOk(s, { SslVpnServerId: 'vss-nope' })).TotalCount).toBe(0)
    const beijing = await listOk(s, { RegionId: 'cn-beijing' })
    expect(keysOf(beijing).map(k => [k.Name, k.SslVpnServerId, k.RegionId])).toEqual([
      ['dev', 'vss-standin0003', 'cn-beijing']
    ])
  })

  test('PageSize 1 to 50 and PageNumber from 1; anything else is InvalidParameter', async () => {
    const s = await standIn()
    const tooBig = await listCerts(s, { PageSize: '51' })
    expectError(tooBig, 400, 'InvalidParameter')
    expect(tooBig.json?.Message).toBe('The specified parameter "PageSize" is not valid.')
    for (const bad of [
      { PageSize: '0' },
      { PageSize: 'ten' },
      { PageNumber: '0' },
      { PageNumber: '-1' }
    ]) {
      expectError(await listCerts(s, bad), 400, 'InvalidParameter')
    }
    const widest = await listOk(s, { PageSize: '50' })
    expect([widest.PageSize, widest.TotalCount, keysOf(widest)]).toEqual([50, 0, []])
    expect(s.calls.map(c => c.outcome).slice(-2)).toEqual(['InvalidParameter', 'listed'])
  })

  test('existingCertificates: 60 across pages, duplicates allowed, describable', async () => {
    const existing = Array.from({ length: 60 }, (_, i) => ({ name: i < 2 ? 'same' : `cert-${i}` }))
    const s = await standIn({ existingCertificates: existing })
    expect(s.certificates).toHaveLength(60)
    const first = await listOk(s, { PageSize: '50' })
    const second = await listOk(s, { PageSize: '50', PageNumber: '2' })
    expect([first.TotalCount, keysOf(first).length, keysOf(second).length]).toEqual([60, 50, 10])
    expect((await listOk(s, { Name: 'same' })).TotalCount).toBe(2)
    const oldest = s.certificates[0]
    expect(oldest?.createdAt).toBeLessThan(Date.now() - 59 * 60_000)
    const described = await describeCert(s, oldest?.id ?? '')
    expect(described.json).toEqual(
      expect.objectContaining({ Name: 'same', Status: 'normal', CreateTime: oldest?.createdAt })
    )
    expect(s.calls).toHaveLength(4) // nothing was called to set them up

    for (const name of ['', 'https://x.example', 'http://x', 'n'.repeat(129)]) {
      await expect(startStandIn({ existingCertificates: [{ name }] })).rejects.toThrow(
        /existingCertificates\[0\]: invalid name/
      )
    }
    await expect(
      startStandIn({ existingCertificates: [{ name: 'ok', sslVpnServerId: 'vss-nope' }] })
    ).rejects.toThrow(/no SSL server/)
  })

  test('existingCertificates: endTime in the past is expired, within 7 days expiring-soon', async () => {
    const day = 24 * 60 * 60 * 1000
    const s = await standIn({
      existingCertificates: [
        { name: 'old', endTime: Date.now() - day },
        { name: 'soon', endTime: Date.now() + 2 * day },
        { name: 'fresh' }
      ]
    })
    const statuses = keysOf(await listOk(s, { PageSize: '50' })).map(k => [k.Name, k.Status])
    expect(statuses).toEqual([
      ['old', 'expired'],
      ['soon', 'expiring-soon'],
      ['fresh', 'normal']
    ])
    await expect(
      startStandIn({ existingCertificates: [{ name: 'ok', endTime: Number.NaN }] })
    ).rejects.toThrow(/endTime must be a number/)
  })

  test('without SslVpnServerId: every SSL server of the region, across pages, no other region', async () => {
    const day = 24 * 60 * 60 * 1000
    const s = await standIn({
      sslVpnServers: TWO_SERVERS,
      existingCertificates: Array.from({ length: 55 }, (_, i) => ({
        name: `c-${i}`,
        sslVpnServerId: ['vss-standin0001', 'vss-standin0002', 'vss-standin0003'][i % 3],
        ...(i % 5 === 0 ? { endTime: Date.now() + (i - 25) * day } : {})
      }))
    })
    const first = await listOk(s, { PageSize: '50' })
    const second = await listOk(s, { PageSize: '50', PageNumber: '2' })
    const keys = [...keysOf(first), ...keysOf(second)]
    const inHangzhou = s.certificates.filter(c => c.regionId === 'cn-hangzhou')
    expect([first.TotalCount, keys.length]).toEqual([inHangzhou.length, inHangzhou.length])
    expect(new Set(keys.map(k => k.SslVpnServerId))).toEqual(
      new Set(['vss-standin0001', 'vss-standin0002'])
    )
    expect(keys.map(k => k.SslVpnClientCertId)).toEqual(inHangzhou.map(c => c.id))
    // Every entry says its server and both times; the scripted end times set the statuses.
    for (const key of keys) {
      const certificate = s.certificates.find(c => c.id === key.SslVpnClientCertId)
      expect(key).toMatchObject({
        SslVpnServerId: certificate?.sslVpnServerId,
        CreateTime: certificate?.createdAt,
        EndTime: certificate?.endTime
      })
      const left = (certificate?.endTime ?? 0) - Date.now()
      const expected = left <= 0 ? 'expired' : left <= 7 * day ? 'expiring-soon' : 'normal'
      expect([key.Name, key.Status]).toEqual([certificate?.name, expected])
    }
    expect(new Set(keys.map(k => k.Status))).toEqual(
      new Set(['expired', 'expiring-soon', 'normal'])
    )
  })

  test('existingCertificates: endTime 7 days ahead is expiring-soon, a moment more is normal', async () => {
    const week = 7 * 24 * 60 * 60 * 1000
    // The stand-in's own clock, so that the margin is not eaten by the time the test takes.
    const s = await standIn({
      existingCertificates: [
        { name: 'inside', endTime: Date.now() + week - 60_000 },
        { name: 'outside', endTime: Date.now() + week + 60_000 },
        { name: 'now', endTime: Date.now() }
      ]
    })
    const statuses = keysOf(await listOk(s)).map(k => [k.Name, k.Status])
    expect(statuses).toEqual([
      ['inside', 'expiring-soon'],
      ['outside', 'normal'],
      ['now', 'expired']
    ])
  })

  test('existingCertificates: any name the API allows (one letter, CJK, spaces, 128 characters)', async () => {
    const names = ['a', '张三', 'john laptop', ' lead space', 'x'.repeat(128)]
    const s = await standIn({ existingCertificates: names.map(name => ({ name })) })
    expect(keysOf(await listOk(s)).map(k => k.Name)).toEqual(names)
    expect(keysOf(await listOk(s, { Name: 'john laptop' })).map(k => k.Name)).toEqual([
      'john laptop'
    ])
  })
})

describe('listingFaults: DescribeSslVpnClientCerts misbehaving', () => {
  const sixty = Array.from({ length: 60 }, (_, i) => ({ name: `cert-${i}` }))
  const idsOf = (list: CertList) => keysOf(list).map(k => k.SslVpnClientCertId)

  test.each([
    ['echo-requested', 2],
    ['echo-served', 1]
  ] as const)(
    'ignorePageNumber %s: page 2 is page 1 again, PageNumber echoed as %s',
    async (mode, echoed) => {
      const s = await standIn({
        existingCertificates: sixty,
        listingFaults: { ignorePageNumber: mode }
      })
      const first = await listOk(s, { PageSize: '50' })
      const second = await listOk(s, { PageSize: '50', PageNumber: '2' })
      expect(idsOf(second)).toEqual(idsOf(first))
      expect(idsOf(first)).toHaveLength(50)
      expect([first.PageNumber, second.PageNumber, second.TotalCount]).toEqual([1, echoed, 60])
    }
  )

  test('undercountTotal: TotalCount that many below the truth, the pages still hold every one', async () => {
    const s = await standIn({ existingCertificates: sixty, listingFaults: { undercountTotal: 10 } })
    const first = await listOk(s, { PageSize: '50' })
    const second = await listOk(s, { PageSize: '50', PageNumber: '2' })
    expect([first.TotalCount, idsOf(first).length, idsOf(second).length]).toEqual([50, 50, 10])
    const few = await standIn({
      existingCertificates: [{ name: 'one' }],
      listingFaults: { undercountTotal: 5 }
    })
    expect((await listOk(few)).TotalCount).toBe(0)
  })

  test('ignoreServerFilter: certificates of every SSL server of the region, not of another region', async () => {
    const s = await standIn({
      sslVpnServers: TWO_SERVERS,
      existingCertificates: [
        { name: 'dev' },
        { name: 'dev', sslVpnServerId: 'vss-standin0002' },
        { name: 'dev', regionId: 'cn-beijing' }
      ],
      listingFaults: { ignoreServerFilter: true }
    })
    const listed = await listOk(s, { SslVpnServerId: 'vss-standin0001', Name: 'dev' })
    expect(keysOf(listed).map(k => k.SslVpnServerId)).toEqual([
      'vss-standin0001',
      'vss-standin0002'
    ])
    expect(listed.TotalCount).toBe(2)
  })
})
