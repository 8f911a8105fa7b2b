/**
 * CreateSslVpnClientCert (test-server/stand-in/create.mjs): ClientToken idempotency, parameter
 * validation, the scripted busy gateway.
 * Requests are signed with the official @alicloud/openapi-util (__fixtures__/stand-in-client.ts).
 */
import { standInPerTest } from '../../__fixtures__/stand-in.js'
import { call, create, expectError, sleep } from '../../__fixtures__/stand-in-client.js'

const standIn = standInPerTest()

describe('CreateSslVpnClientCert', () => {
  test('ClientToken: same parameters replay, other parameters mismatch', async () => {
    const s = await standIn({ busyAfterCreateMs: 10_000 })
    const first = await create(s, { ClientToken: 'tok-1', Name: 'dev1' })
    expect(first.status).toBe(200)
    // The gateway is busy now, but a replay still answers.
    const replay = await create(s, { ClientToken: 'tok-1', Name: 'dev1' })
    expect(replay.status).toBe(200)
    expect(replay.json?.SslVpnClientCertId).toBe(first.json?.SslVpnClientCertId)
    expect(replay.json?.Name).toBe('dev1')
    expect(replay.json?.RequestId).not.toBe(first.json?.RequestId)
    expectError(
      await create(s, { ClientToken: 'tok-1', Name: 'dev2' }),
      400,
      'IdempotentParameterMismatch'
    )
    expectError(
      await create(s, { ClientToken: 'tok-2', Name: 'dev1' }),
      400,
      'VpnGateway.Configuring'
    )
    expect(s.certificates).toHaveLength(1)
    expect(s.calls.map(c => c.outcome)).toEqual([
      'created',
      'replayed',
      'IdempotentParameterMismatch',
      'VpnGateway.Configuring'
    ])
  })

  test('without a ClientToken every call creates a new certificate', async () => {
    const s = await standIn()
    const a = await create(s, { Name: 'same' })
    const b = await create(s, { Name: 'same' })
    expect(a.json?.SslVpnClientCertId).not.toBe(b.json?.SslVpnClientCertId)
    expect(s.certificates).toHaveLength(2)
  })

  test('parameter validation: InvalidName, MissingParameter, unknown server or region', async () => {
    const s = await standIn()
    for (const bad of ['x', '1abc', 'has space', 'http://x', 'a'.repeat(129), 'ünïcode']) {
      const answer = await create(s, { Name: bad })
      expectError(answer, 400, 'InvalidName')
      expect(answer.json?.Message).toBe('The name is not valid')
    }
    expect((await create(s, { Name: 'ab' })).status).toBe(200)
    expect((await create(s, { Name: `a${'b'.repeat(127)}` })).status).toBe(200)
    expectError(await call(s, { params: { RegionId: 'cn-hangzhou' } }), 400, 'MissingParameter')
    expectError(
      await call(s, { params: { SslVpnServerId: 'vss-standin0001' } }),
      400,
      'MissingParameter'
    )
    expectError(
      await call(s, { params: { RegionId: 'cn-hangzhou', SslVpnServerId: 'vss-nope' } }),
      404,
      'InvalidSslVpnServerId.NotFound'
    )
    expectError(
      await call(s, { params: { RegionId: 'cn-beijing', SslVpnServerId: 'vss-standin0001' } }),
      404,
      'InvalidSslVpnServerId.NotFound'
    )
  })

  test('busyCalls: the first N calls answer VpnGateway.Configuring', async () => {
    const s = await standIn({ busyCalls: 2 })
    const first = await create(s)
    expectError(first, 400, 'VpnGateway.Configuring')
    expect(first.json?.Message).toBe('The specified service is configuring.')
    expectError(await create(s), 400, 'VpnGateway.Configuring')
    expect((await create(s)).status).toBe(200)
    s.setBusyCalls(1)
    expectError(await create(s), 400, 'VpnGateway.Configuring')
    expect((await create(s)).status).toBe(200)
  })

  test('busyForMs: Configuring until T ms after the first authenticated call', async () => {
    const s = await standIn({ busyForMs: 300 })
    expectError(await create(s, {}, { signingSecret: 'bad' }), 400, 'SignatureDoesNotMatch')
    await sleep(350) // the failed call above must not have started the clock
    expectError(await create(s), 400, 'VpnGateway.Configuring')
    await sleep(350)
    expect((await create(s)).status).toBe(200)
  })

  test('busyAfterCreateMs: the SSL server is busy after each creation', async () => {
    const servers = [
      { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0001' },
      { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-standin0002' }
    ]
    const s = await standIn({ busyAfterCreateMs: 300, sslVpnServers: servers })
    expect((await create(s)).status).toBe(200)
    expectError(await create(s), 400, 'VpnGateway.Configuring')
    expect((await create(s, { SslVpnServerId: 'vss-standin0002' })).status).toBe(200)
    await sleep(350)
    expect((await create(s)).status).toBe(200)
  })
})
