/**
 * DescribeSslVpnClientCert (test-server/stand-in/describe.mjs, client-keys.mjs): real PEM
 * material, the client key pool, the pending status, refusals.
 * Requests are signed with the official @alicloud/openapi-util (__fixtures__/stand-in-client.ts).
 */
import { readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import {
  CLIENT_CA_CERT_PATH,
  CLIENT_KEY_POOL_NAME,
  DEFAULT_RESOURCE_GROUP_ID,
  prepareClientKeys,
  startStandIn,
  type StandIn
} from '../../test-server/stand-in.mjs'
import { standInPerTest } from '../../__fixtures__/stand-in.js'
import {
  call,
  create,
  expectError,
  DAY_MS,
  TWO_SERVERS,
  describeCert,
  listOk,
  keysOf,
  createdId
} from '../../__fixtures__/stand-in-client.js'

const standIn = standInPerTest()

describe('DescribeSslVpnClientCert', () => {
  test('Describe answers a key and a certificate that match, signed by CaCert', async () => {
    const s = await standIn()
    const id = await createdId(s, { Name: 'Alice-laptop.1' })
    // Concurrent first Describes share one issuance; later ones answer the cached material.
    const [a, b] = await Promise.all([describeCert(s, id), describeCert(s, id)])
    const c = await describeCert(s, id, { signature: 'v1' })
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200])
    const json = a.json ?? {}
    expect(json).toEqual({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      SslVpnClientCertId: id,
      Name: 'Alice-laptop.1',
      SslVpnServerId: 'vss-standin0001',
      RegionId: 'cn-hangzhou',
      ResourceGroupId: DEFAULT_RESOURCE_GROUP_ID,
      Status: 'normal',
      CreateTime: s.certificates[0]?.createdAt,
      EndTime: (s.certificates[0]?.createdAt ?? 0) + 1095 * DAY_MS,
      CaCert: readFileSync(CLIENT_CA_CERT_PATH, 'utf8'),
      ClientCert: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n/),
      ClientKey: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----\n/),
      ClientConfig: expect.any(String)
    })
    for (const other of [b.json, c.json]) {
      expect(other?.ClientCert).toBe(json.ClientCert)
      expect(other?.ClientKey).toBe(json.ClientKey)
    }

    const key = createPrivateKey(String(json.ClientKey)) // unencrypted: no passphrase needed
    const cert = new X509Certificate(String(json.ClientCert))
    const ca = new X509Certificate(String(json.CaCert))
    expect(cert.checkPrivateKey(key)).toBe(true)
    expect(cert.verify(ca.publicKey)).toBe(true)
    expect(cert.checkIssued(ca)).toBe(true)
    expect(cert.subject).toBe('CN=Alice-laptop.1')
    expect(cert.ca).toBe(false)
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']) // clientAuth
    expect(ca.subject).toContain('TEST-ONLY')
    expect(s.calls.map(call => [call.action, call.outcome])).toEqual([
      ['CreateSslVpnClientCert', 'created'],
      ['DescribeSslVpnClientCert', 'described'],
      ['DescribeSslVpnClientCert', 'described'],
      ['DescribeSslVpnClientCert', 'described']
    ])
  })

  test('each certificate gets its own key; ClientConfig names its files', async () => {
    const s = await standIn()
    const first = await createdId(s)
    const second = await createdId(s)
    const [a, b] = await Promise.all([describeCert(s, first), describeCert(s, second)])
    expect(a.json?.ClientKey).not.toBe(b.json?.ClientKey)
    expect(new X509Certificate(String(a.json?.ClientCert)).subject).toBe(
      `CN=${s.certificates[0]?.name}`
    )
    expect(String(b.json?.ClientConfig).split('\n')).toEqual([
      'client',
      'dev tun',
      'proto udp',
      'remote 198.51.100.7 1194',
      'resolv-retry infinite',
      'nobind',
      'persist-key',
      'persist-tun',
      'ca ca.crt',
      `cert ${second}.crt`,
      `key ${second}.key`,
      'keepalive 10 60',
      'verb 3'
    ])
  })

  test('ClientKey is an RSA-2048 key like the real one, its own for every certificate, PKCS#8 or PKCS#1', async () => {
    const pkcs8 = await standIn()
    const pkcs1 = await standIn({ clientKeyFormat: 'pkcs1' })
    const described = async (s: StandIn, count: number) => {
      const ids: string[] = []
      for (let i = 0; i < count; i++) ids.push(await createdId(s, { Name: `cert-${i}` }))
      const answers = await Promise.all(ids.map(id => describeCert(s, id)))
      return answers.map(a => a.json ?? {})
    }
    const ca = new X509Certificate(readFileSync(CLIENT_CA_CERT_PATH))
    const [first8, ...more8] = await described(pkcs8, 4)
    const [first1] = await described(pkcs1, 1)
    const keyPems: string[] = []
    for (const [json, header] of [
      ...[first8, ...more8].map(j => [j, 'PRIVATE KEY'] as const),
      [first1, 'RSA PRIVATE KEY'] as const
    ]) {
      const pem = String(json?.ClientKey)
      expect(pem.startsWith(`-----BEGIN ${header}-----\n`)).toBe(true)
      expect(pem.endsWith(`-----END ${header}-----\n`)).toBe(true)
      const key = createPrivateKey(pem)
      expect([key.asymmetricKeyType, key.asymmetricKeyDetails?.modulusLength]).toEqual([
        'rsa',
        2048
      ])
      const cert = new X509Certificate(String(json?.ClientCert))
      expect(cert.checkPrivateKey(key)).toBe(true)
      expect(cert.verify(ca.publicKey)).toBe(true)
      expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048)
      keyPems.push(String(key.export({ type: 'pkcs8', format: 'pem' })))
    }
    // Every certificate of one stand-in has its own key; stand-ins share the pool, so the first
    // certificate of each has the pool's first key.
    expect(new Set(keyPems.slice(0, 4)).size).toBe(4)
    expect(keyPems[4]).toBe(keyPems[0])
    await expect(startStandIn({ clientKeyFormat: 'der' as 'pkcs1' })).rejects.toThrow(
      /clientKeyFormat/
    )
  })

  test('the key pool is kept in the temp dir for later runs, readable by this user only', async () => {
    await prepareClientKeys(2)
    const dir = join(tmpdir(), CLIENT_KEY_POOL_NAME)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const saved = [0, 1].map(n => {
      const file = join(dir, `${n}.pem`)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      return readFileSync(file, 'utf8')
    })
    expect(saved[0]).not.toBe(saved[1])
    const s = await standIn()
    const id = await createdId(s)
    expect((await describeCert(s, id)).json?.ClientKey).toBe(saved[0])
  })

  // The server clock moves only when the test says (advanceClock), so a slow machine cannot end
  // the pending status before it is looked at.
  test('pendingStatusMs: a new certificate reports the pending status, then normal', async () => {
    const s = await standIn({
      pendingStatusMs: 600_000,
      existingCertificates: [{ name: 'old-one' }],
      // Describe is never busy, even while Create is.
      busyAfterCreateMs: 900_000
    })
    const id = await createdId(s, { Name: 'fresh' })
    expectError(await create(s), 400, 'VpnGateway.Configuring')
    const pending = await describeCert(s, id)
    expect(pending.status).toBe(200)
    expect(pending.json?.Status).toBe('creating')
    expect(keysOf(await listOk(s)).map(k => [k.Name, k.Status])).toEqual([
      ['old-one', 'normal'],
      ['fresh', 'creating']
    ])
    s.advanceClock(540_000)
    expect((await describeCert(s, id)).json?.Status).toBe('creating')
    s.advanceClock(60_000)
    expect((await describeCert(s, id)).json?.Status).toBe('normal')
    expect(keysOf(await listOk(s, { Name: 'fresh' }))[0]?.Status).toBe('normal')

    const custom = await standIn({ pendingStatusMs: 10_000, pendingStatus: 'provisioning' })
    const other = await createdId(custom)
    expect(keysOf(await listOk(custom))[0]?.Status).toBe('provisioning')
    expect(custom.certificates[0]?.pendingUntil).toBe(
      (custom.certificates[0]?.createdAt ?? 0) + 10_000
    )
    expect(other).toMatch(/^vsc-/)
  })

  test('unknown id, another region or missing parameters are refused', async () => {
    const s = await standIn({ sslVpnServers: TWO_SERVERS })
    const id = await createdId(s)
    const unknown = await describeCert(s, 'vsc-doesnotexist00000')
    expectError(unknown, 404, 'InvalidSslVpnClientCertId.NotFound')
    expect(unknown.json?.Message).toBe('The specified SslVpnClientCertId does not exist.')
    // Certificates are regional.
    expectError(
      await describeCert(s, id, {}, 'cn-beijing'),
      404,
      'InvalidSslVpnClientCertId.NotFound'
    )
    expectError(
      await call(s, { action: 'DescribeSslVpnClientCert', params: { RegionId: 'cn-hangzhou' } }),
      400,
      'MissingParameter'
    )
    expectError(
      await call(s, { action: 'DescribeSslVpnClientCerts', params: {} }),
      400,
      'MissingParameter'
    )
    // Authentication applies as for Create.
    expectError(await describeCert(s, id, { signingSecret: 'wrong' }), 400, 'SignatureDoesNotMatch')
  })
})
