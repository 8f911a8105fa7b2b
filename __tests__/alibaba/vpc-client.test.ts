import { beforeEach, describe, expect, test } from '@jest/globals'
import { virtualRunPerTest } from '../../__fixtures__/virtual-time.js'
import { ApiError, DeadlineError, UnexpectedResponseError } from '../../src/core/errors.js'
import { createRedactor } from '../../src/core/redact.js'
import {
  createRequestParams,
  createVpcClient,
  LIST_PAGE_SIZE,
  listPageCount,
  MAX_LIST_PAGES,
  type NewCertificate,
  type VpcClient,
  type VpcClientParameters,
  type VpcTarget
} from '../../src/alibaba/vpc-client.js'

const ORIGIN = 'https://vpc.cn-hangzhou.aliyuncs.com'
const TOKEN = 'gha-0123456789abcdef0123456789abcdef01234567'
const START = Date.parse('2025-03-01T12:00:00.000Z')
const JSON_HEADERS = { 'content-type': 'application/json' }

const KEYS = { accessKeyId: 'LTAI5tCertTestKeyId', accessKeySecret: 'CertTestSecret0123' }
const TARGET = {
  regionId: 'cn-hangzhou',
  sslVpnServerId: 'vss-bp1test0001',
  endpoint: { origin: ORIGIN, hostHeader: 'vpc.cn-hangzhou.aliyuncs.com' },
  signatureVersion: 'v3'
} satisfies VpcTarget
const CERTIFICATE: NewCertificate = { name: 'ci-cert', clientToken: TOKEN }
/** timeout-seconds' default. */
const TIMEOUT_MS = 300_000

const BUSY = {
  statusCode: 400,
  data: {
    RequestId: 'REQ-BUSY',
    HostId: 'vpc.cn-hangzhou.aliyuncs.com',
    Code: 'VpnGateway.Configuring',
    Message: 'The specified service is configuring.'
  },
  responseOptions: { headers: JSON_HEADERS }
}
const CREATED = {
  statusCode: 200,
  data: {
    RequestId: '606998F0-B94D-48FE-8316-ACA81BB230DA',
    SslVpnClientCertId: 'vsc-bp1n8wcf134yl0osr0001',
    Name: 'ci-cert'
  },
  responseOptions: { headers: JSON_HEADERS }
}

/** What the interceptor saw of one request. */
interface Captured {
  query: URLSearchParams
  headers: Record<string, string>
}

function headersOf(raw: unknown): Record<string, string> {
  const result: Record<string, string> = {}
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2)
      result[String(raw[i]).toLowerCase()] = String(raw[i + 1])
  } else if (raw && typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw)) result[name.toLowerCase()] = String(value)
  }
  return result
}

function signatureOf(request: Captured): string | undefined {
  return (
    /Signature=([0-9a-f]+)$/.exec(request.headers['authorization'] ?? '')?.[1] ??
    request.query.get('Signature') ??
    undefined
  )
}

const run = virtualRunPerTest(() => ({
  start: START,
  redact: createRedactor([KEYS.accessKeyId, KEYS.accessKeySecret])
}))
/** The waits so far, in ms. */
const sleeps = () => run().clock.sleeps.map(s => s.ms)
let captured: Captured[]

beforeEach(() => {
  captured = []
})

/** Answers the n-th request (1-based) with `answer(n)`, recording each request. */
function serve(answer: (n: number) => { statusCode: number; data?: object | string }) {
  const { agent } = run()
  agent
    .get(ORIGIN)
    .intercept({ path: path => path.startsWith('/?'), method: 'POST' })
    .reply(opts => {
      captured.push({
        query: new URLSearchParams(opts.path.slice(2)),
        headers: headersOf(opts.headers)
      })
      // Each round trip takes 120 ms on the virtual clock.
      run().clock.advance(120)
      return answer(captured.length)
    })
    .persist()
}

/** A client of the mock endpoint, by default with timeout-seconds' default deadline. */
function client(overrides: Partial<VpcClientParameters> = {}): VpcClient {
  return createVpcClient({
    rpc: run().rpc,
    deadline: run().clock.now() + TIMEOUT_MS,
    target: TARGET,
    credentials: KEYS,
    mask: () => undefined,
    ...overrides
  })
}

describe('createCertificate', () => {
  test('busy twice, then created: 3 attempts, one ClientToken, a fresh signature each time', async () => {
    serve(n => (n <= 2 ? BUSY : CREATED))
    const result = await client().createCertificate(CERTIFICATE)

    expect(result).toEqual({
      certId: 'vsc-bp1n8wcf134yl0osr0001',
      name: 'ci-cert',
      requestId: '606998F0-B94D-48FE-8316-ACA81BB230DA',
      clientToken: TOKEN,
      attempts: 3,
      waitedMs: sleeps().reduce((sum, ms) => sum + ms, 0),
      elapsedMs: run().clock.now() - START,
      // The second retry still found the gateway busy: after the first round trip and wait.
      busySeenMs: 2 * 120 + (sleeps()[0] ?? 0)
    })
    expect(sleeps()).toHaveLength(2)
    expect(result.elapsedMs).toBe(3 * 120 + result.waitedMs)

    expect(captured).toHaveLength(3)
    for (const request of captured) {
      expect(request.query.get('ClientToken')).toBe(TOKEN)
      expect(request.query.get('RegionId')).toBe('cn-hangzhou')
      expect(request.query.get('SslVpnServerId')).toBe('vss-bp1test0001')
      expect(request.query.get('Name')).toBe('ci-cert')
      expect(request.headers['x-acs-action']).toBe('CreateSslVpnClientCert')
      expect(request.headers['x-acs-version']).toBe('2016-04-28')
    }
    const nonces = captured.map(r => r.headers['x-acs-signature-nonce'])
    expect(nonces).toEqual(['nonce-1', 'nonce-2', 'nonce-3'])
    const signatures = captured.map(signatureOf)
    for (const signature of signatures) expect(signature).toMatch(/^[0-9a-f]{64}$/)
    expect(new Set(signatures).size).toBe(3)
    // Each attempt is dated by the (virtual) clock when it is signed.
    expect(captured[0]?.headers['x-acs-date']).toBe('2025-03-01T12:00:00Z')
  })

  test('one log line per retry, naming the code, RequestId and attempt', async () => {
    serve(n => (n <= 2 ? BUSY : CREATED))
    await client().createCertificate(CERTIFICATE)
    expect(run().logLines).toHaveLength(2)
    run().logLines.forEach((line, i) => {
      expect(line).toContain(`Attempt ${i + 1}: VpnGateway.Configuring (RequestId: REQ-BUSY)`)
    })
  })

  test('signature V1: the same ClientToken, a fresh nonce and signature in the query', async () => {
    serve(n => (n <= 1 ? BUSY : CREATED))
    const result = await client({
      target: { ...TARGET, signatureVersion: 'v1' }
    }).createCertificate(CERTIFICATE)
    expect(result.attempts).toBe(2)
    expect(captured.map(r => r.query.get('ClientToken'))).toEqual([TOKEN, TOKEN])
    expect(captured.map(r => r.query.get('SignatureNonce'))).toEqual(['nonce-1', 'nonce-2'])
    const [first, second] = captured.map(r => r.query.get('Signature'))
    expect(first).toBeTruthy()
    expect(second).toBeTruthy()
    expect(first).not.toBe(second)
  })

  test('without Name in the answer, the requested name is reported', async () => {
    serve(() => ({ ...CREATED, data: { RequestId: 'R', SslVpnClientCertId: 'vsc-1' } }))
    const result = await client().createCertificate(CERTIFICATE)
    expect(result.name).toBe('ci-cert')
    expect(captured).toHaveLength(1)
  })

  test('200 without SslVpnClientCertId: UnexpectedResponseError, not retried', async () => {
    serve(() => ({ ...CREATED, data: { RequestId: 'REQ-NOID' } }))
    const error = await client()
      .createCertificate(CERTIFICATE)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error).toMatchObject({ httpStatus: 200, requestId: 'REQ-NOID' })
    expect((error as Error).message).toContain('SslVpnClientCertId')
    expect(captured).toHaveLength(1)
  })

  test('a non-retryable code: exactly 1 request', async () => {
    serve(() => ({
      statusCode: 403,
      data: { RequestId: 'REQ-403', Code: 'Forbidden', Message: 'User not authorized.' }
    }))
    const error = await client()
      .createCertificate(CERTIFICATE)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'Forbidden', requestId: 'REQ-403', httpStatus: 403 })
    expect(captured).toHaveLength(1)
    expect(sleeps()).toHaveLength(0)
  })

  test('busy past timeout-seconds: DeadlineError, one request per attempt', async () => {
    serve(() => BUSY)
    const error = await client({ deadline: START + 20_000 })
      .createCertificate(CERTIFICATE)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
    const deadline = error as DeadlineError
    expect(deadline.attempts).toBe(captured.length)
    expect(deadline.lastError).toBeInstanceOf(ApiError)
    expect(run().clock.now() - START).toBeLessThanOrEqual(20_000 + 120)
    expect(new Set(captured.map(r => r.query.get('ClientToken')))).toEqual(new Set([TOKEN]))
  })
})

describe('the client', () => {
  test('timeLeftMs counts down on the run’s clock to the one deadline', () => {
    const vpc = client({ deadline: START + 1_000 })
    expect(vpc.timeLeftMs()).toBe(1_000)
    run().clock.advance(1_250)
    expect(vpc.timeLeftMs()).toBe(-250)
  })

  test('withLogPrefix: the same client, each line it logs prefixed; the original unchanged', async () => {
    serve(n => (n === 1 || n === 3 ? BUSY : CREATED))
    const vpc = client()
    await vpc.withLogPrefix('[2/3] ci-cert: ').createCertificate(CERTIFICATE)
    await vpc.createCertificate(CERTIFICATE)
    expect(run().logLines).toEqual([
      expect.stringMatching(/^\[2\/3\] ci-cert: Attempt 1: VpnGateway\.Configuring/),
      expect.stringMatching(/^Attempt 1: VpnGateway\.Configuring/)
    ])
  })

  test('waitUntilReady masks the key material whole and line by line, before checking it', async () => {
    const keyLine = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4KSsJLoglRUu42my'
    const key = `-----BEGIN PRIVATE KEY-----\n${keyLine}\n-----END PRIVATE KEY-----`
    serve(() => ({
      statusCode: 200,
      data: {
        RequestId: 'REQ-D',
        Name: 'ci-cert',
        Status: 'normal',
        CaCert: 'ca',
        ClientCert: 'cert',
        ClientKey: key,
        ClientConfig: 'client\nremote vpn.example 1194'
      }
    }))
    const masked: string[] = []
    const error = await client({ mask: text => masked.push(text) })
      .waitUntilReady('vsc-ok1')
      .catch((e: unknown) => e)
    // 'ca' and 'cert' are no PEM blocks: the answer is refused, after everything was masked.
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(masked).toEqual([
      'ca',
      'cert',
      key,
      keyLine,
      'client\nremote vpn.example 1194',
      'remote vpn.example 1194'
    ])
  })
})

describe('createRequestParams', () => {
  const SETTINGS = { ...TARGET, ...CERTIFICATE }

  test('with a name: RegionId, SslVpnServerId, ClientToken and Name', () => {
    expect(createRequestParams(SETTINGS)).toEqual({
      RegionId: 'cn-hangzhou',
      SslVpnServerId: 'vss-bp1test0001',
      ClientToken: TOKEN,
      Name: 'ci-cert'
    })
  })

  test('without a name: no Name at all (not an empty one)', () => {
    const params = createRequestParams({ ...SETTINGS, name: undefined })
    expect(params).toEqual({
      RegionId: 'cn-hangzhou',
      SslVpnServerId: 'vss-bp1test0001',
      ClientToken: TOKEN
    })
    expect('Name' in params).toBe(false)
  })
})

describe('answers are checked before anything in them is used', () => {
  const DEADLINE = START + 60_000

  test.each([
    ['SslVpnClientCertId', { SslVpnClientCertId: 'vsc-1\n::add-mask::x', Name: 'ci-cert' }],
    ['SslVpnClientCertId', { SslVpnClientCertId: 'vsc-1\u2028x', Name: 'ci-cert' }],
    ['SslVpnClientCertId', { SslVpnClientCertId: '../../x', Name: 'ci-cert' }],
    ['SslVpnClientCertId', { SslVpnClientCertId: 42, Name: 'ci-cert' }],
    ['Name', { SslVpnClientCertId: 'vsc-ok1', Name: 'ci-cert\r::error title=x::forged' }],
    ['Name', { SslVpnClientCertId: 'vsc-ok1', Name: '../ci-cert' }]
  ])(
    'a created certificate with a malformed %s: unexpected answer, not retried',
    async (field, data) => {
      serve(() => ({ statusCode: 200, data: { RequestId: 'REQ-BAD', ...data } }))
      const error = (await client()
        .createCertificate(CERTIFICATE)
        .catch((e: unknown) => e)) as UnexpectedResponseError
      expect(error).toBeInstanceOf(UnexpectedResponseError)
      expect(error).toMatchObject({ httpStatus: 200, requestId: 'REQ-BAD', field })
      expect(error.message).toMatch(
        new RegExp(
          `^Unexpected answer to CreateSslVpnClientCert \\(RequestId: REQ-BAD\\): ${field} is `
        )
      )
      expect(error.message).not.toMatch(/[\r\n\u2028]/)
      expect(captured).toHaveLength(1)
      expect(run().logLines).toEqual([])
    }
  )

  test.each([
    ['Name', { SslVpnClientCertId: 'vsc-ok1', Name: 'ci-cert\n::add-mask::x', Status: 'normal' }],
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
        }
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

  test('a Describe answer with a malformed Status: unexpected answer, after the material is masked', async () => {
    const masked: string[] = []
    serve(() => ({
      statusCode: 200,
      data: {
        RequestId: 'REQ-D',
        Name: 'ci-cert',
        Status: 'normal\n::stop-commands::x',
        CaCert: 'ca',
        ClientCert: 'cert',
        ClientKey: 'key',
        ClientConfig: 'config'
      }
    }))
    const mask = (text: string) => masked.push(text)
    const error = await client({ deadline: DEADLINE, mask })
      .waitUntilReady('vsc-ok1')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error).toMatchObject({ field: 'Status' })
    expect(masked).toEqual(['ca', 'cert', 'key', 'config'])
  })
})

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

  test('a TotalCount that grows with every page does not keep it paging', async () => {
    serve(n => page((n + 1) * LIST_PAGE_SIZE, LIST_PAGE_SIZE, 0, n))
    await find()
    expect(pagesAsked()).toEqual([1, 2])
  })

  test('an empty page ends the listing early', async () => {
    serve(n => page(500, n === 1 ? 50 : 0, 0, n))
    await find()
    expect(pagesAsked()).toEqual([1, 2])
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

  test('exactly the most pages is read to the end', async () => {
    serve(n => page(MAX_LIST_PAGES * LIST_PAGE_SIZE, LIST_PAGE_SIZE, 0, n))
    await find()
    expect(captured).toHaveLength(MAX_LIST_PAGES)
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

  test('a certificate listed on two pages (the listing moved) is kept once', async () => {
    serve(n =>
      listing(
        60,
        n === 1
          ? Array.from({ length: 50 }, (_, i) => entry(`vsc-a${i}`))
          : [entry('vsc-a49'), ...Array.from({ length: 9 }, (_, i) => entry(`vsc-b${i}`))],
        n
      )
    )
    const ids = (await listed()).map(c => c.certId)
    expect(ids).toHaveLength(59)
    expect(new Set(ids).size).toBe(59)
  })

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
    [
      'another SSL server',
      { SslVpnServerId: 'vss-bp1other0002' },
      /is "vss-bp1other0002"; expected "vss-bp1test0001", the SSL server asked for/
    ],
    ['a malformed name', { Name: 'two words' }, /\[0\]\.Name is "two words"/],
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

describe('deleteCertificate, waitUntilGone, findCertificateById', () => {
  const CERT = 'vsc-bp1old0000000000001'
  const DELETED = {
    statusCode: 200,
    data: { RequestId: 'REQ-DEL' },
    responseOptions: { headers: JSON_HEADERS }
  }
  const notFound = (code: string) => ({
    statusCode: 404,
    data: { RequestId: `REQ-${code.replace(/\./g, '-')}`, Code: code, Message: 'gone' },
    responseOptions: { headers: JSON_HEADERS }
  })
  const listing = (...certIds: string[]) => ({
    statusCode: 200,
    data: {
      RequestId: 'REQ-LIST',
      TotalCount: certIds.length,
      PageNumber: 1,
      PageSize: 50,
      SslVpnClientCertKeys: {
        SslVpnClientCertKey: certIds.map(id => ({
          SslVpnClientCertId: id,
          Name: 'old',
          Status: 'normal',
          CreateTime: 1
        }))
      }
    },
    responseOptions: { headers: JSON_HEADERS }
  })

  test('delete: busy twice, then accepted; one ClientToken, the API names, a fresh signature each time', async () => {
    serve(n => (n <= 2 ? BUSY : DELETED))
    const result = await client().deleteCertificate({ certId: CERT, clientToken: TOKEN })
    expect(result).toEqual({
      certId: CERT,
      requestId: 'REQ-DEL',
      alreadyGone: false,
      notFoundCode: undefined,
      attempts: 3,
      waitedMs: sleeps().reduce((sum, ms) => sum + ms, 0),
      elapsedMs: run().clock.now() - START,
      busySeenMs: 2 * 120 + (sleeps()[0] ?? 0)
    })
    for (const request of captured) {
      expect(request.headers['x-acs-action']).toBe('DeleteSslVpnClientCert')
      expect(Object.fromEntries(request.query)).toEqual({
        RegionId: 'cn-hangzhou',
        SslVpnClientCertId: CERT,
        ClientToken: TOKEN
      })
    }
    expect(new Set(captured.map(signatureOf)).size).toBe(3)
    expect(run().logLines[0]).toContain('DeleteSslVpnClientCert attempt 1: VpnGateway.Configuring')
  })

  test.each(['InvalidSslVpnClientCertId.NotFound', 'InvalidInstanceId.NotFound'])(
    'delete answered %s: already gone, not an error, not retried',
    async code => {
      serve(() => notFound(code))
      const result = await client().deleteCertificate({ certId: CERT, clientToken: TOKEN })
      expect(result).toMatchObject({ alreadyGone: true, notFoundCode: code, attempts: 1 })
      expect(result.requestId).toBe(`REQ-${code.replace(/\./g, '-')}`)
      expect(captured).toHaveLength(1)
    }
  )

  test('delete answered Forbidden: thrown as it is (only a listing can tell what it means)', async () => {
    serve(() => ({ ...notFound('Forbidden'), statusCode: 403 }))
    const error = await client()
      .deleteCertificate({ certId: CERT, clientToken: TOKEN })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'Forbidden' })
  })

  test('a 200 without a RequestId is not an accepted delete', async () => {
    serve(() => ({ ...DELETED, data: {} }))
    const error = await client()
      .deleteCertificate({ certId: CERT, clientToken: TOKEN })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as Error).message).toMatch(
      /^Unexpected answer to DeleteSslVpnClientCert: no RequestId/
    )
  })

  test('waitUntilGone: lists by ID on this SSL server until it is no longer listed', async () => {
    serve(n => (n <= 2 ? listing(CERT) : listing()))
    const gone = await client().waitUntilGone(CERT)
    expect(gone.attempts).toBe(3)
    expect(gone.lastSeenMs).toBe(2 * 120 + (sleeps()[0] ?? 0))
    expect(gone.elapsedMs).toBe(run().clock.now() - START)
    for (const request of captured) {
      expect(request.headers['x-acs-action']).toBe('DescribeSslVpnClientCerts')
      expect(Object.fromEntries(request.query)).toMatchObject({
        SslVpnServerId: 'vss-bp1test0001',
        SslVpnClientCertId: CERT
      })
    }
    expect(run().logLines[0]).toBe(
      `DescribeSslVpnClientCerts attempt 1: ${CERT} is still listed (its deletion is under way); retrying in ${((sleeps()[0] ?? 0) / 1000).toFixed(1)} s, 300 s left before timeout-seconds.`
    )
  })

  test('waitUntilGone: the leading waits come first, then the backoff', async () => {
    serve(n => (n <= 3 ? listing(CERT) : listing()))
    await client().waitUntilGone(CERT, [1_000, 250])
    expect(sleeps().slice(0, 2)).toEqual([1_000, 250])
  })

  test('waitUntilGone: an answer without a TotalCount is not believed to mean gone', async () => {
    serve(() => ({ ...listing(), data: { RequestId: 'REQ-ODD' } }))
    await expect(client().waitUntilGone(CERT)).rejects.toBeInstanceOf(UnexpectedResponseError)
  })

  test('waitUntilGone: still listed at the deadline is a DeadlineError', async () => {
    serve(() => listing(CERT))
    const error = await client({ deadline: START + 20_000 })
      .waitUntilGone(CERT)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineError)
  })

  test('findCertificateById: here, with one listing on this SSL server', async () => {
    serve(() => listing(CERT))
    expect(await client().findCertificateById(CERT)).toMatchObject({
      where: 'here',
      certificate: { certId: CERT, name: 'old' }
    })
    expect(captured).toHaveLength(1)
  })

  test('findCertificateById: elsewhere, told by a second, region-wide listing', async () => {
    serve(n => (n === 1 ? listing() : listing(CERT)))
    expect(await client().findCertificateById(CERT)).toEqual({ where: 'elsewhere' })
    expect(captured.map(r => r.query.get('SslVpnServerId'))).toEqual(['vss-bp1test0001', null])
    expect(captured.map(r => r.query.get('SslVpnClientCertId'))).toEqual([CERT, CERT])
  })

  test('findCertificateById: an answer that lists another ID does not count', async () => {
    serve(() => listing('vsc-somethingelse'))
    expect(await client().findCertificateById(CERT)).toEqual({ where: 'nowhere' })
  })
})
