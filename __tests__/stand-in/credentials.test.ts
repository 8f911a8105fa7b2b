/**
 * Accepted key pairs (test-server/stand-in/credentials.mjs): keys added at run time.
 * Requests are signed with the official @alicloud/openapi-util (__fixtures__/stand-in-client.ts).
 */
import { newStsCredential } from '../../test-server/stand-in.mjs'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'
import { create, expectError, listCerts } from '../../__fixtures__/stand-in-client.js'

const standIn = standInPerTest()

describe('credentials', () => {
  test('addCredential: a key issued at run time is accepted from then on', async () => {
    const s = await standIn()
    const sts = newStsCredential()
    expect(sts.accessKeyId).toMatch(/^STS\.NT[A-Za-z0-9]{26}$/)
    expect(sts.securityToken).toMatch(/^CAIS/)
    expectError(await listCerts(s, {}, { key: sts }), 404, 'InvalidAccessKeyId.NotFound')

    s.addCredential(sts)
    expect(s.credentials.map(c => c.accessKeyId)).toEqual([
      DEFAULT_KEY.accessKeyId,
      sts.accessKeyId
    ])
    expect((await listCerts(s, {}, { key: sts })).status).toBe(200)
    expect((await create(s, {}, { key: sts, signature: 'v1' })).status).toBe(200)
    expectError(
      await listCerts(s, {}, { key: sts, omitToken: true }),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey'
    )
    // The same AccessKeyId again replaces the old entry: its old token stops working.
    const refreshed = s.addCredential({ ...sts, securityToken: 'CAIS-refreshed' })
    expect(s.credentials).toHaveLength(2)
    expectError(
      await listCerts(s, {}, { key: sts }),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey'
    )
    expect((await listCerts(s, {}, { key: refreshed })).status).toBe(200)
  })
})
