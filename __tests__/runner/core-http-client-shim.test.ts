/** @actions/core's getIDToken is refused by name (shims/actions-core-http-client), never loaded quietly. */
import { expect, test } from '@jest/globals'

test("core.getIDToken fails with the shim's message, pointing to src/github/id-token.ts", async () => {
  const core = await import('@actions/core')
  const saved = { ...process.env }
  process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = 'https://127.0.0.1:9/token'
  process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = 'request-token'
  try {
    await expect(core.getIDToken('sts.aliyuncs.com')).rejects.toThrow(/src\/github\/id-token\.ts/)
  } finally {
    process.env = saved
  }
})
