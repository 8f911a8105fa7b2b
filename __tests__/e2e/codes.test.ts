/**
 * End to end over dist/index.js: every error code the reference names, answered by the stand-in.
 * Non-retryable codes: exactly one call, the code and RequestId in the annotation. Retryable
 * codes: retried with the same ClientToken until the certificate is made.
 */
import { describe, expect, test } from '@jest/globals'
import type { StandIn } from '../../test-server/stand-in.mjs'
import { runAction } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'

const KEY = DEFAULT_KEY
const startStandIn = standInPerTest()

async function runAgainst(server: StandIn) {
  const result = await runAction({
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-standin0001',
      name: 'coded',
      endpoint: server.endpoint,
      'access-key-id': KEY.accessKeyId,
      'access-key-secret': KEY.accessKeySecret
    }
  })
  expectNoSecrets(result, [KEY.accessKeyId, KEY.accessKeySecret])
  return result
}

/** Non-retryable: the reference page's codes, then the general ones (alibaba-cloud-api.md §3). */
const NON_RETRYABLE: [code: string, hint: RegExp][] = [
  ['Forbbiden.SubUser', /vpc:CreateSslVpnClientCert/],
  ['Forbidden', /vpc:CreateSslVpnClientCert/],
  ['Resource.QuotaFull', /quota/],
  ['VpnGateway.FinancialLocked', /overdue payment/],
  ['InvalidName', /2 to 128 characters/],
  ['SignatureDoesNotMatch', /AccessKeySecret/],
  ['InvalidAccessKeyId.NotFound', /AccessKeyId does not exist/],
  ['InvalidTimeStamp.Expired', /clock/],
  ['SignatureNonceUsed', /nonce/],
  ['IdempotentParameterMismatch', /client-token was already used/]
]

describe('non-retryable codes', () => {
  test.each(NON_RETRYABLE)('%s: one call, code, RequestId and hint', async (code, hint) => {
    const server = await startStandIn({ faults: [{ kind: 'error', code }] })
    const result = await runAgainst(server)
    expect(result.exitCode).toBe(1)
    expect(server.calls).toHaveLength(1)
    expect(server.certificates).toHaveLength(0)
    expect(result.errors).toHaveLength(1)
    const [first, second] = (result.errors[0] ?? '').split('\n')
    expect(first).toMatch(
      new RegExp(
        `^${code.replace(/\./g, '\\.')}: .+ \\(RequestId: ${server.calls[0]?.requestId}\\)$`
      )
    )
    expect(second).toMatch(hint)
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
  })

  test("InvalidTimeStamp.Expired from the real check: says the runner's clock is off, and by how much", async () => {
    // The API's clock runs 20 minutes ahead: the action's timestamps look 20 minutes old.
    const server = await startStandIn({ clockSkewMs: 20 * 60_000 })
    const result = await runAgainst(server)
    expect(result.exitCode).toBe(1)
    expect(server.calls.map(c => c.outcome)).toEqual(['InvalidTimeStamp.Expired'])
    expect(result.errors[0]).toMatch(/^InvalidTimeStamp\.Expired: /)
    expect(result.errors[0]).toMatch(/runner's clock is about 20 min behind the API's/)
  })
})

describe('retryable codes', () => {
  test.each([
    'VpnGateway.Configuring',
    'Throttling',
    'Throttling.Api',
    'ServiceUnavailable',
    'InternalError',
    'OperationConflict'
  ])('%s: retried with the same ClientToken, one certificate', async code => {
    const server = await startStandIn({ faults: [{ kind: 'error', code }] })
    const result = await runAgainst(server)
    expect(result.exitCode).toBe(0)
    expect(server.calls.map(c => c.outcome)).toEqual(['fault:error', 'created'])
    expect(server.calls[0]?.clientToken).toBe(server.calls[1]?.clientToken)
    expect(server.calls[0]?.nonce).not.toBe(server.calls[1]?.nonce)
    expect(result.stdout).toContain(`Attempt 1: ${code} (RequestId: ${server.calls[0]?.requestId})`)
  })
})
