/**
 * DescribeSslVpnClientCerts (vpc-listing.ts): paging, every page checked against the request and
 * the pages against each other, the report's listing, names compared exactly.
 */
import { describe, expect, test } from '@jest/globals'
import {
  vpcEndpoint,
  CERTIFICATE,
  JSON_HEADERS,
  KEYS,
  START,
  TARGET
} from '../../__fixtures__/vpc-endpoint.js'
import {
  DeadlineError,
  InconsistentAnswerError,
  UnexpectedResponseError
} from '../../src/core/errors.js'
import { LIST_PAGE_SIZE, listPageCount, MAX_LIST_PAGES } from '../../src/alibaba/vpc-listing.js'

const { run, captured, serve, client } = vpcEndpoint()

describe('findCertificatesByName: paging', () => {
  /** A page of `count` certificates; `named` of them carry the name looked for. */
  function page(totalCount: unknown, count: number, named = 0, pageNumber = 1) {
    return {
      statusCode: 200,
      data: {
        RequestId: `REQ-LIST-${pageNumber}`,
        TotalCount: totalCount,
        PageNumber: pageNumber,
        PageSize: LIST_PAGE_SIZE,
        SslVpnClientCertKeys: {
          SslVpnClientCertKey: Array.from({ length: count }, (_, i) => ({
            SslVpnClientCertId: `vsc-p${pageNumber}n${i}`,
            SslVpnServerId: 'vss-bp1test0001',
            Name: i < named ? 'ci-cert' : `other-${i}`,
            Status: 'normal',
            CreateTime: 1_700_000_000_000 + pageNumber * 100 + i
          }))
        }
      },
      responseOptions: { headers: JSON_HEADERS }
    }
  }
  const find = (deadline = run().clock.now() + 300_000) =>
    client({ deadline }).findCertificatesByName('ci-cert')
  const pagesAsked = () => captured.map(c => Number(c.query.get('PageNumber') ?? '0'))

  test('reads as many pages as the first page’s TotalCount says, and finds every match', async () => {
    serve(n => page(120, n < 3 ? 50 : 20, 1, n))
    const found = await find()
    expect(pagesAsked()).toEqual([1, 2, 3])
    expect(found.map(c => c.certId)).toEqual(['vsc-p1n0', 'vsc-p2n0', 'vsc-p3n0'])
  })

  test('a TotalCount that grows with every page does not keep it paging: inconsistent at page 2', async () => {
    serve(n => page((n + 1) * LIST_PAGE_SIZE, LIST_PAGE_SIZE, 0, n))
    const error = await find().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect((error as Error).message).toMatch(/page 2 says TotalCount 150, page 1 said 100/)
    expect(pagesAsked()).toEqual([1, 2])
  })

  test('an empty page before TotalCount is reached: inconsistent (certificates were left out)', async () => {
    serve(n => page(500, n === 1 ? 50 : 0, 0, n))
    const error = await find().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect((error as Error).message).toMatch(
      /list 50 certificates, fewer than its TotalCount of 500/
    )
    expect(pagesAsked()).toEqual([1, 2])
  })

  test('a TotalCount that undercounts: full pages are read on, and the contradiction is an error', async () => {
    // 60 certificates, 10 of them named ci-cert on page 2, for a TotalCount of 50.
    serve(n => page(50, n === 1 ? 50 : 10, n === 1 ? 0 : 10, n))
    const error = await find().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect(error).toMatchObject({ operation: 'DescribeSslVpnClientCerts', requestId: 'REQ-LIST-2' })
    expect((error as Error).message).toBe(
      'DescribeSslVpnClientCerts answered inconsistently for the certificates named "ci-cert" on vss-bp1test0001 (RequestId: REQ-LIST-2): its pages list 60 certificates, more than its TotalCount of 50. An answer that contradicts itself or the request cannot be trusted, so nothing more was deleted or used on its word. Re-run; if it happens again, check what answers at the endpoint (docs/troubleshooting.md, "answered inconsistently").'
    )
    expect(pagesAsked()).toEqual([1, 2])
  })

  test('pages that ignore PageNumber (page 1 again, PageNumber echoed as asked): inconsistent at page 2', async () => {
    serve(n => ({ ...page(60, 50, 1, 1), data: { ...page(60, 50, 1, 1).data, PageNumber: n } }))
    const error = await find().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect((error as Error).message).toMatch(
      /page 2 lists only certificates of earlier pages \(vsc-p1n0…\): the PageNumber asked for was ignored/
    )
    expect(pagesAsked()).toEqual([1, 2])
  })

  test.each([
    ['page 1 again', 1, /page 2 came back as PageNumber 1/],
    ['no PageNumber', undefined, /page 2 came back without a PageNumber/],
    ['a PageNumber that is text', 'two', /page 2 came back as PageNumber "a string"/]
  ])('a page whose PageNumber echo is %s: inconsistent', async (_what, echoed, message) => {
    serve(n => {
      const answer = page(60, n === 1 ? 50 : 10, 0, n)
      return n === 1 ? answer : { ...answer, data: { ...answer.data, PageNumber: echoed } }
    })
    const error = await find().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect((error as Error).message).toMatch(message)
  })

  test('a PageNumber echoed as a numeric string is the page asked for', async () => {
    serve(n => {
      const answer = page(60, n === 1 ? 50 : 10, 1, n)
      return { ...answer, data: { ...answer.data, PageNumber: String(n) } }
    })
    expect(await find()).toHaveLength(2)
  })

  test('a certificate listed again on a later page: inconsistent, never counted twice', async () => {
    serve(n => {
      const answer = page(60, n === 1 ? 50 : 10, 0, n)
      if (n === 2)
        answer.data.SslVpnClientCertKeys.SslVpnClientCertKey[0]!.SslVpnClientCertId = 'vsc-p1n49'
      return answer
    })
    await expect(find()).rejects.toThrow(/page 2 lists vsc-p1n49 again/)
  })

  test.each([
    [
      'more than the most pages',
      MAX_LIST_PAGES * LIST_PAGE_SIZE + 1,
      /more than the 5000 \(100 pages\)/
    ],
    ['a billion', 1_000_000_000, /TotalCount of 1000000000 certificates/],
    ['a string', '60', /not a whole number/],
    ['negative', -1, /not a whole number/],
    ['a fraction', 12.5, /not a whole number/],
    ['absent', undefined, /not a whole number/],
    ['null', null, /not a whole number/]
  ])('a TotalCount that is %s: an unexpected answer after one page', async (_w, total, message) => {
    serve(() => page(total, 10))
    const error = await find().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).toContain('(RequestId: REQ-LIST-1)')
    expect(captured).toHaveLength(1)
  })

  test('exactly the most pages is read to the end, and one more page to see it end', async () => {
    serve(n =>
      page(MAX_LIST_PAGES * LIST_PAGE_SIZE, n <= MAX_LIST_PAGES ? LIST_PAGE_SIZE : 0, 0, n)
    )
    await find()
    expect(captured).toHaveLength(MAX_LIST_PAGES + 1)
  })

  test('full pages without end: the page cap stops the listing, an inconsistent answer', async () => {
    serve(n => page(MAX_LIST_PAGES * LIST_PAGE_SIZE, LIST_PAGE_SIZE, 0, n))
    const error = await find().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect((error as Error).message).toMatch(
      /list 5050 certificates, more than its TotalCount of 5000/
    )
    expect(captured).toHaveLength(MAX_LIST_PAGES + 1)
  })

  test('a page longer than the PageSize: an unexpected answer', async () => {
    serve(() => page(60, 60))
    await expect(find()).rejects.toThrow(/a page of 60 certificates for a PageSize of 50/)
  })

  test('the deadline between pages: the next page is not asked for', async () => {
    // Each page takes 120 ms on the virtual clock; the deadline falls during the fourth.
    serve(n => page(MAX_LIST_PAGES * LIST_PAGE_SIZE, LIST_PAGE_SIZE, 0, n))
    const error = await find(run().clock.now() + 400).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
    expect(error).toMatchObject({ attempts: 0, operation: 'DescribeSslVpnClientCerts' })
    expect(captured).toHaveLength(4)
  })

  test('listPageCount: zero certificates is zero pages', () => {
    expect(listPageCount({ TotalCount: 0 })).toBe(0)
    expect(listPageCount({ TotalCount: 50 })).toBe(1)
    expect(listPageCount({ TotalCount: 51 })).toBe(2)
  })
})

describe('listCertificates: the report’s listing', () => {
  const CREATED_AT = Date.parse('2024-03-01T12:00:00.000Z')
  const ENDS_AT = Date.parse('2027-03-01T12:00:00.000Z')
  /** One listed certificate as the API gives it; `change` replaces or (undefined) removes fields. */
  function entry(id: string, change: Record<string, unknown> = {}): Record<string, unknown> {
    const fields: Record<string, unknown> = {
      SslVpnClientCertId: id,
      Name: `name-${id.slice(4)}`,
      SslVpnServerId: 'vss-bp1test0001',
      RegionId: 'cn-hangzhou',
      Status: 'normal',
      CreateTime: CREATED_AT,
      EndTime: ENDS_AT,
      ...change
    }
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))
  }
  function listing(total: number, entries: unknown[], n = 1) {
    return {
      statusCode: 200,
      data: {
        RequestId: `REQ-LIST-${n}`,
        TotalCount: total,
        PageNumber: n,
        PageSize: LIST_PAGE_SIZE,
        SslVpnClientCertKeys: { SslVpnClientCertKey: entries }
      },
      responseOptions: { headers: JSON_HEADERS }
    }
  }
  const listed = () => client().listCertificates('vss-bp1test0001')

  test('one SSL server: every page asked for with its SslVpnServerId, each entry read whole', async () => {
    serve(n =>
      listing(
        51,
        n === 1
          ? Array.from({ length: 50 }, (_, i) => entry(`vsc-a${i}`))
          : [entry('vsc-last', { Status: 'expiring-soon', Name: undefined })],
        n
      )
    )
    const certificates = await listed()
    expect(captured.map(c => [c.query.get('PageNumber'), c.query.get('SslVpnServerId')])).toEqual([
      ['1', 'vss-bp1test0001'],
      ['2', 'vss-bp1test0001']
    ])
    expect(certificates).toHaveLength(51)
    expect(certificates[0]).toEqual({
      certId: 'vsc-a0',
      name: 'name-a0',
      sslVpnServerId: 'vss-bp1test0001',
      status: 'normal',
      createTime: CREATED_AT,
      endTime: ENDS_AT,
      requestId: 'REQ-LIST-1'
    })
    expect(certificates[50]).toMatchObject({
      certId: 'vsc-last',
      name: '',
      status: 'expiring-soon'
    })
  })

  test('every SSL server of the region: no SslVpnServerId asked for, entries of several kept', async () => {
    serve(() =>
      listing(2, [entry('vsc-one'), entry('vsc-two', { SslVpnServerId: 'vss-bp1other0002' })])
    )
    const certificates = await client().listCertificates(undefined)
    expect(captured[0]?.query.has('SslVpnServerId')).toBe(false)
    expect(captured[0]?.query.get('RegionId')).toBe('cn-hangzhou')
    expect(certificates.map(c => c.sslVpnServerId)).toEqual(['vss-bp1test0001', 'vss-bp1other0002'])
  })

  test('a client built without an SSL server lists a region, and refuses to create', async () => {
    serve(() => listing(1, [entry('vsc-one')]))
    const { sslVpnServerId: _server, ...regionOnly } = TARGET
    const regional = client({ target: regionOnly })
    expect(await regional.listCertificates(undefined)).toHaveLength(1)
    await expect(regional.createCertificate(CERTIFICATE)).rejects.toThrow(
      /CreateSslVpnClientCert needs an SSL server/
    )
    expect(captured).toHaveLength(1)
  })

  test('a certificate listed on two pages (the listing moved, or repeats): inconsistent, not a report missing one', async () => {
    serve(n =>
      listing(
        60,
        n === 1
          ? Array.from({ length: 50 }, (_, i) => entry(`vsc-a${i}`))
          : [entry('vsc-a49'), ...Array.from({ length: 9 }, (_, i) => entry(`vsc-b${i}`))],
        n
      )
    )
    const error = await listed().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect((error as Error).message).toMatch(/page 2 lists vsc-a49 again/)
  })

  test('a TotalCount below the certificates listed (50 for 60): inconsistent, not 50 of 60', async () => {
    serve(n =>
      listing(
        50,
        Array.from({ length: n === 1 ? 50 : 10 }, (_, i) => entry(`vsc-p${n}x${i}`)),
        n
      )
    )
    const error = await listed().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect((error as Error).message).toMatch(/60 certificates, more than its TotalCount of 50/)
  })

  test('another SSL server in a listing of one server: inconsistent (the filter was ignored)', async () => {
    serve(() =>
      listing(2, [entry('vsc-one'), entry('vsc-two', { SslVpnServerId: 'vss-bp1other0002' })])
    )
    const error = await listed().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InconsistentAnswerError)
    expect((error as Error).message).toMatch(
      /for every certificate on vss-bp1test0001 \(RequestId: REQ-LIST-1\): it lists vsc-two of SSL server vss-bp1other0002, though only certificates of vss-bp1test0001 were asked for \(the filter was ignored\)/
    )
  })

  test.each(['a', '张三', 'john laptop', 'http-ish: <b>|`x`|</b> @team #1', 'x'.repeat(256)])(
    'a name the API allows (%s) is listed as it is',
    async name => {
      serve(() => listing(1, [entry('vsc-one', { Name: name })]))
      expect((await listed()).map(c => c.name)).toEqual([name])
    }
  )

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['EndTime missing', { EndTime: undefined }, /\[0\]\.EndTime is missing/],
    ['CreateTime missing', { CreateTime: undefined }, /\[0\]\.CreateTime is missing/],
    ['SslVpnServerId missing', { SslVpnServerId: undefined }, /\[0\]\.SslVpnServerId is missing/],
    ['the ID missing', { SslVpnClientCertId: undefined }, /\[0\]\.SslVpnClientCertId is missing/],
    [
      'EndTime a string',
      { EndTime: '1709294400000' },
      /EndTime is "1709294400000"; expected a whole number of milliseconds/
    ],
    ['EndTime negative', { EndTime: -1 }, /EndTime is -1; expected/],
    ['EndTime a fraction', { EndTime: 1.5 }, /EndTime is 1\.5; expected/],
    ['EndTime past the year 9999', { EndTime: 253_402_300_800_000 }, /EndTime is 253402300800000/],
    ['CreateTime an object', { CreateTime: {} }, /CreateTime is an object; expected/],
    [
      'a server of another shape',
      { SslVpnServerId: 'vss-A B' },
      /SslVpnServerId is "vss-A B"; expected "vss-"/
    ],
    ['a malformed Status', { Status: '<b>' }, /\[0\]\.Status is "<b>"/]
  ])('%s: an unexpected answer naming the field', async (_what, change, message) => {
    serve(() => listing(1, [entry('vsc-one', change)]))
    const error = await listed().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as Error).message).toMatch(
      /^Unexpected answer to DescribeSslVpnClientCerts \(RequestId: REQ-LIST-1\): SslVpnClientCertKeys\.SslVpnClientCertKey\[0\]/
    )
    expect((error as Error).message).toMatch(message)
    expect(captured).toHaveLength(1)
  })

  test('names the API allows, or that no console would make, are listed in their one-line form', async () => {
    serve(() =>
      listing(4, [
        entry('vsc-one', { Name: 'two\u2028words' }),
        entry('vsc-two', { Name: 'ab\u202ecd' }),
        entry('vsc-three', { Name: 'n'.repeat(257) }),
        entry('vsc-four', { Name: '张三' })
      ])
    )
    const certificates = await listed()
    expect(certificates.map(c => c.name)).toEqual([
      'two\\u2028words',
      'ab\\u202ecd',
      `${'n'.repeat(255)}…`,
      '张三'
    ])
  })

  test('an entry that is not an object: an unexpected answer', async () => {
    serve(() => listing(2, [entry('vsc-one'), 'vsc-two']))
    await expect(listed()).rejects.toThrow(/SslVpnClientCertKey\[1\] is not an object/)
  })

  test('a secret in a malformed value is not shown', async () => {
    serve(() => listing(1, [entry('vsc-one', { EndTime: `t-${KEYS.accessKeySecret}` })]))
    const error = await listed().catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/EndTime is "t-\*\*\*"/)
    expect((error as Error).message).not.toContain(KEYS.accessKeySecret)
  })
})

describe('answers are checked before anything in them is used', () => {
  const DEADLINE = START + 60_000
  test.each([
    ['Status', { SslVpnClientCertId: 'vsc-ok1', Name: 'ci-cert', Status: 'normal\n::group::x' }],
    ['SslVpnClientCertId', { SslVpnClientCertId: 'vsc-ok1\r', Name: 'ci-cert', Status: 'normal' }]
  ])('a listing with a malformed %s: unexpected answer naming the entry', async (field, entry) => {
    serve(() => ({
      statusCode: 200,
      data: {
        RequestId: 'REQ-LIST',
        TotalCount: 2,
        SslVpnClientCertKeys: {
          SslVpnClientCertKey: [
            { SslVpnClientCertId: 'vsc-good1', Name: 'ci-cert', Status: 'normal' },
            entry
          ]
        },
        PageNumber: 1
      }
    }))
    const error = (await client({ deadline: DEADLINE })
      .findCertificatesByName('ci-cert')
      .catch((e: unknown) => e)) as UnexpectedResponseError
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error.field).toBe(`SslVpnClientCertKeys.SslVpnClientCertKey[1].${field}`)
    expect(error.message).toMatch(
      /^Unexpected answer to DescribeSslVpnClientCerts \(RequestId: REQ-LIST\)/
    )
  })
})

describe('answers are proven to be of what was asked for', () => {
  test('findCertificatesByName compares names exactly; any name the API allows is read', async () => {
    const names = ['ci-cert', 'ci-cert ', 'CI-CERT', 'ci-cert2', '张三', 'a', 'ci-cert']
    serve(() => ({
      statusCode: 200,
      data: {
        RequestId: 'REQ-L',
        TotalCount: names.length,
        PageNumber: 1,
        SslVpnClientCertKeys: {
          SslVpnClientCertKey: names.map((Name, i) => ({
            SslVpnClientCertId: `vsc-n${i}`,
            SslVpnServerId: 'vss-bp1test0001',
            Name,
            Status: 'normal',
            CreateTime: 1_000 - i
          }))
        }
      },
      responseOptions: { headers: JSON_HEADERS }
    }))
    const found = await client().findCertificatesByName('ci-cert')
    // Oldest first: the last entry was created first.
    expect(found.map(c => c.certId)).toEqual(['vsc-n6', 'vsc-n0'])
    expect(found[0]).toMatchObject({ sslVpnServerId: 'vss-bp1test0001', requestId: 'REQ-L' })
  })
})
