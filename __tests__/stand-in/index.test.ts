/**
 * startStandIn (test-server/stand-in/index.mjs): the server's TLS.
 * Requests are signed with the official @alicloud/openapi-util (__fixtures__/stand-in-client.ts).
 */
import { standInPerTest } from '../../__fixtures__/stand-in.js'
import { create } from '../../__fixtures__/stand-in-client.js'

const standIn = standInPerTest()

describe('TLS', () => {
  test('untrusted mode fails verification against ca.pem', async () => {
    const s = await standIn({ tls: 'untrusted' })
    await expect(create(s)).rejects.toThrow(/self[- ]signed|unable to verify/i)
    expect(s.calls).toHaveLength(0)
  })
})
