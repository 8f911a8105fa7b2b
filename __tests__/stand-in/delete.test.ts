/**
 * DeleteSslVpnClientCert (test-server/stand-in/delete.mjs): asynchronous deletion, ClientToken
 * idempotency, the busy SSL server, disconnections.
 * Requests are signed with the official @alicloud/openapi-util (__fixtures__/stand-in-client.ts).
 */
import { type StandIn } from '../../test-server/stand-in.mjs'
import { standInPerTest } from '../../__fixtures__/stand-in.js'
import {
  STS_KEY,
  type CallOptions,
  call,
  create,
  expectError,
  describeCert,
  listCerts,
  type CertKey,
  createdId
} from '../../__fixtures__/stand-in-client.js'

const standIn = standInPerTest()

describe('DeleteSslVpnClientCert', () => {
  const SERVERS = [
    { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0001' },
    { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0002' }
  ]

  function deleteCert(
    s: StandIn,
    id: string,
    extra: Record<string, string> = {},
    o: CallOptions = {}
  ) {
    return call(s, {
      ...o,
      action: 'DeleteSslVpnClientCert',
      params: { RegionId: 'cn-hangzhou', SslVpnClientCertId: id, ...extra }
    })
  }

  const listedIds = async (s: StandIn, params: Record<string, string> = {}) =>
    (
      (await listCerts(s, params)).json?.SslVpnClientCertKeys as { SslVpnClientCertKey: CertKey[] }
    ).SslVpnClientCertKey.map(k => k.SslVpnClientCertId)

  test('signed and checked like every action (V3 and V1); answers only a RequestId', async () => {
    const s = await standIn({ existingCertificates: [{ name: 'alice' }, { name: 'bob' }] })
    const [alice, bob] = s.certificates.map(c => c.id) as [string, string]
    expectError(
      await deleteCert(s, alice, {}, { signingSecret: 'wrong' }),
      400,
      'SignatureDoesNotMatch'
    )
    expectError(
      await deleteCert(s, alice, {}, { key: STS_KEY }),
      404,
      'InvalidAccessKeyId.NotFound'
    )
    const v3 = await deleteCert(s, alice)
    expect(v3.status).toBe(200)
    expect(Object.keys(v3.json ?? {})).toEqual(['RequestId'])
    expect((await deleteCert(s, bob, {}, { signature: 'v1' })).status).toBe(200)
    expect(s.calls.map(c => c.outcome)).toEqual([
      'SignatureDoesNotMatch',
      'InvalidAccessKeyId.NotFound',
      'deleted',
      'deleted'
    ])
    expect(await listedIds(s)).toEqual([])
    expect(s.certificates.every(c => c.deletedAt !== null)).toBe(true)
  })

  test('not found: an unknown ID, another region, or one already deleted (404); parameters required', async () => {
    const s = await standIn({ existingCertificates: [{ name: 'alice' }] })
    const [alice] = s.certificates.map(c => c.id) as [string]
    expectError(await deleteCert(s, 'vsc-doesnotexist'), 404, 'InvalidSslVpnClientCertId.NotFound')
    expectError(
      await deleteCert(s, alice, { RegionId: 'cn-beijing' }),
      404,
      'InvalidSslVpnClientCertId.NotFound'
    )
    expect((await deleteCert(s, alice)).status).toBe(200)
    expectError(await deleteCert(s, alice), 404, 'InvalidSslVpnClientCertId.NotFound')
    expectError(await deleteCert(s, ''), 400, 'MissingParameter')
    expect(s.disconnections).toEqual({ 'vss-standin0001': 1 })
  })

  test('ClientToken: the same delete replays (even while busy), other parameters mismatch', async () => {
    const s = await standIn({
      busyAfterDeleteMs: 10_000,
      existingCertificates: [{ name: 'alice' }, { name: 'bob' }]
    })
    const [alice, bob] = s.certificates.map(c => c.id) as [string, string]
    expect((await deleteCert(s, alice, { ClientToken: 'del-1' })).status).toBe(200)
    const replay = await deleteCert(s, alice, { ClientToken: 'del-1' })
    expect(replay.status).toBe(200)
    expectError(
      await deleteCert(s, bob, { ClientToken: 'del-1' }),
      400,
      'IdempotentParameterMismatch'
    )
    expectError(
      await deleteCert(s, alice, { ClientToken: 'x'.repeat(65) }),
      400,
      'InvalidClientToken.Malformed'
    )
    expect(s.calls.map(c => c.outcome)).toEqual([
      'deleted',
      'replayed',
      'IdempotentParameterMismatch',
      'InvalidClientToken.Malformed'
    ])
    // A replay disconnects no one again.
    expect(s.disconnections).toEqual({ 'vss-standin0001': 1 })
  })

  test('busyAfterDeleteMs: the SSL server refuses deletes and creates meanwhile, others are free', async () => {
    const s = await standIn({
      busyAfterDeleteMs: 60_000,
      sslVpnServers: SERVERS,
      existingCertificates: [
        { name: 'alice' },
        { name: 'bob' },
        { name: 'carol', sslVpnServerId: 'vss-standin0002' }
      ]
    })
    const [alice, bob, carol] = s.certificates.map(c => c.id) as [string, string, string]
    expect((await deleteCert(s, alice)).status).toBe(200)
    // A concurrent delete on the same gateway is not supported.
    expectError(await deleteCert(s, bob), 400, 'VpnGateway.Configuring')
    expectError(await create(s, { Name: 'dave' }), 400, 'VpnGateway.Configuring')
    expect((await deleteCert(s, carol)).status).toBe(200)
    s.advanceClock(60_000)
    expect((await deleteCert(s, bob)).status).toBe(200)
    expect(s.disconnections).toEqual({ 'vss-standin0001': 2, 'vss-standin0002': 1 })
  })

  test('busyAfterCreateMs makes a delete wait too', async () => {
    const s = await standIn({
      busyAfterCreateMs: 60_000,
      existingCertificates: [{ name: 'alice' }]
    })
    const [alice] = s.certificates.map(c => c.id) as [string]
    await createdId(s, { Name: 'bob' })
    expectError(await deleteCert(s, alice), 400, 'VpnGateway.Configuring')
    s.advanceClock(60_000)
    expect((await deleteCert(s, alice)).status).toBe(200)
  })

  test('deleteVisibleForMs: still listed and describable for a while, then gone from both', async () => {
    const s = await standIn({
      deleteVisibleForMs: 60_000,
      existingCertificates: [{ name: 'alice' }, { name: 'alice' }]
    })
    const [first, second] = s.certificates.map(c => c.id) as [string, string]
    expect((await deleteCert(s, first)).status).toBe(200)
    expect(await listedIds(s, { Name: 'alice' })).toEqual([first, second])
    expect(await listedIds(s, { SslVpnClientCertId: first })).toEqual([first])
    expect((await describeCert(s, first)).status).toBe(200)
    expect(s.listedCertificates().map(c => c.id)).toEqual([first, second])
    s.advanceClock(60_000)
    expect(await listedIds(s, { Name: 'alice' })).toEqual([second])
    expect(await listedIds(s, { SslVpnClientCertId: first })).toEqual([])
    expectError(await describeCert(s, first), 404, 'InvalidSslVpnClientCertId.NotFound')
    expect(s.listedCertificates().map(c => c.id)).toEqual([second])
    expect(s.certificates).toHaveLength(2)
  })

  test('faults can target it: a scripted error, and a lost answer after the delete happened', async () => {
    const s = await standIn({
      existingCertificates: [{ name: 'alice' }, { name: 'bob' }],
      faults: [
        { kind: 'error', code: 'VpnGateway.FinancialLocked', action: 'DeleteSslVpnClientCert' },
        { kind: 'lose-response', action: 'DeleteSslVpnClientCert' }
      ]
    })
    const [alice, bob] = s.certificates.map(c => c.id) as [string, string]
    expectError(await deleteCert(s, alice), 400, 'VpnGateway.FinancialLocked')
    await expect(deleteCert(s, bob, { ClientToken: 'del-bob' })).rejects.toThrow()
    expect((await deleteCert(s, bob, { ClientToken: 'del-bob' })).status).toBe(200)
    expect(s.calls.map(c => [c.outcome, c.innerOutcome])).toEqual([
      ['fault:error', null],
      ['fault:lose-response', 'deleted'],
      ['replayed', null]
    ])
    expect(await listedIds(s)).toEqual([alice])
    expect(s.disconnections).toEqual({ 'vss-standin0001': 1 })
  })
})
