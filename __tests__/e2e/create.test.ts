/**
 * End to end: the bundled dist/index.js, run as the runner runs it (INPUT_* variables, outputs
 * read from the GITHUB_OUTPUT file), against the local HTTPS stand-in on loopback.
 */
import { describe, expect, test } from '@jest/globals'
import type { StandIn } from '../../test-server/stand-in.mjs'
import { runAction, type RunOptions } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { standInPerTest } from '../../__fixtures__/stand-in.js'

const KEY = { accessKeyId: 'LTAI5tE2eKeyId00001', accessKeySecret: 'e2e+Secret/With=Odd&Chars~*' }
const STS = {
  accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez2Ma',
  accessKeySecret: 'Sts+Secret/For=Tests',
  securityToken: 'CAIS+token/with=chars&more+STSE2E0123456789abcdef'
}
const SERVER = { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-e2e0001' }
const ALL_SECRETS = [
  KEY.accessKeyId,
  KEY.accessKeySecret,
  STS.accessKeyId,
  STS.accessKeySecret,
  STS.securityToken
]

const start = standInPerTest({ credentials: [KEY, STS], sslVpnServers: [SERVER] })

function baseInputs(server: StandIn, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'region-id': SERVER.regionId,
    'ssl-vpn-server-id': SERVER.sslVpnServerId,
    endpoint: server.endpoint,
    'access-key-id': KEY.accessKeyId,
    'access-key-secret': KEY.accessKeySecret,
    ...extra
  }
}

async function run(options: RunOptions) {
  const result = await runAction(options)
  expectNoSecrets(result, ALL_SECRETS)
  return result
}

describe('success', () => {
  test.each(['v3', 'v1'])('signature %s: one call, outputs and summary written', async version => {
    const server = await start()
    const result = await run({
      inputs: baseInputs(server, { name: 'alice.smith', 'signature-version': version })
    })
    expect(result.exitCode).toBe(0)
    expect(server.certificates).toHaveLength(1)
    const [certificate] = server.certificates
    expect(result.outputs['cert-id']).toBe(certificate?.id)
    expect(result.outputs['name']).toBe('alice.smith')
    expect(result.outputs['request-id']).toBe(server.calls[0]?.requestId)
    expect(result.outputs['client-token']).toBe(server.calls[0]?.clientToken)
    expect(server.calls.map(c => c.signatureVersion)).toEqual([version])
    expect(result.summary).toContain(certificate?.id)
    expect(result.summary).toContain(SERVER.sslVpnServerId)
    expect(result.summary).toContain('alice.smith')
  })

  test('keys from the ALIBABA_CLOUD_* environment variables', async () => {
    const server = await start()
    const { 'access-key-id': _id, 'access-key-secret': _secret, ...inputs } = baseInputs(server)
    const result = await run({
      inputs,
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret
      }
    })
    expect(result.exitCode).toBe(0)
    expect(server.calls[0]?.accessKeyId).toBe(KEY.accessKeyId)
    expect(result.stdout).toContain('from environment')
  })

  test('inputs win over the environment variables', async () => {
    const server = await start()
    const result = await run({
      inputs: baseInputs(server),
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong-secret-from-env',
        ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken
      }
    })
    expect(result.exitCode).toBe(0)
    expect(server.calls[0]?.accessKeyId).toBe(KEY.accessKeyId)
    // Every secret read is masked, used or not.
    expect(result.stdout).toContain('::add-mask::wrong-secret-from-env')
  })

  test.each(['v3', 'v1'])('STS keys with their security token (%s)', async version => {
    const server = await start()
    const result = await run({
      inputs: baseInputs(server, {
        'access-key-id': STS.accessKeyId,
        'access-key-secret': STS.accessKeySecret,
        'security-token': STS.securityToken,
        'signature-version': version
      })
    })
    expect(result.exitCode).toBe(0)
    expect(server.calls.map(c => c.outcome)).toEqual(['created'])
    for (const secret of Object.values(STS)) {
      expect(result.stdout).toContain(`::add-mask::${secret}`)
    }
  })

  test('STS keys without their token are refused by the API, and nothing leaks', async () => {
    const server = await start()
    const result = await run({
      inputs: baseInputs(server, {
        'access-key-id': STS.accessKeyId,
        'access-key-secret': STS.accessKeySecret
      })
    })
    expect(result.exitCode).toBe(1)
    expect(server.calls).toHaveLength(1)
    expect(server.certificates).toHaveLength(0)
  })
})

describe('a busy gateway', () => {
  test('busy for several calls: retried with one ClientToken and fresh nonces, one certificate', async () => {
    const server = await start({ busyCalls: 3 })
    const result = await run({ inputs: baseInputs(server, { name: 'bob' }) })
    expect(result.exitCode).toBe(0)
    expect(server.calls.map(c => c.outcome)).toEqual([
      'VpnGateway.Configuring',
      'VpnGateway.Configuring',
      'VpnGateway.Configuring',
      'created'
    ])
    expect(server.certificates).toHaveLength(1)
    expect(new Set(server.calls.map(c => c.clientToken)).size).toBe(1)
    expect(new Set(server.calls.map(c => c.nonce)).size).toBe(4)
    expect(result.outputs['client-token']).toBe(server.calls[0]?.clientToken)
    // One log line per retry: code, RequestId, attempt, wait and time left.
    const retryLines = result.stdout.split('\n').filter(l => l.startsWith('Attempt '))
    expect(retryLines).toHaveLength(3)
    retryLines.forEach((line, i) => {
      expect(line).toContain(`Attempt ${i + 1}: VpnGateway.Configuring`)
      expect(line).toContain(`RequestId: ${server.calls[i]?.requestId}`)
      expect(line).toMatch(/retrying in \d+\.\d s, \d+ s left before timeout-seconds/)
    })
    expect(result.summary).toContain('4 API calls')
  })

  test('the deadline is kept: gives up at timeout-seconds with the last code and the token to re-use', async () => {
    const server = await start({ busyCalls: 10_000 })
    const result = await run({ inputs: baseInputs(server, { 'timeout-seconds': '3' }) })
    expect(result.exitCode).toBe(1)
    expect(server.certificates).toHaveLength(0)
    expect(server.calls.length).toBeGreaterThanOrEqual(2)
    expect(new Set(server.calls.map(c => c.clientToken)).size).toBe(1)
    // No attempt starts after the deadline (3 s after the first call, plus scheduling slack).
    const first = server.calls[0]?.receivedAt ?? 0
    const last = server.calls[server.calls.length - 1]?.receivedAt ?? 0
    expect(last - first).toBeLessThanOrEqual(3_500)
    const [error] = result.errors
    expect(error).toContain('timeout-seconds (3 s) reached')
    expect(error).toContain('VpnGateway.Configuring')
    expect(error).toContain(`client-token: ${server.calls[0]?.clientToken}`)
    expect(result.outputs['cert-id']).toBeUndefined()
    expect(result.outputs['client-token']).toBe(server.calls[0]?.clientToken)
  })
})

describe('idempotency across runs', () => {
  const workflow = {
    GITHUB_REPOSITORY: 'acme/onboarding',
    GITHUB_RUN_ID: '123456789',
    GITHUB_JOB: 'onboard',
    GITHUB_ACTION: 'cert'
  }

  test('a re-run of the same job returns the same certificate', async () => {
    const server = await start()
    const inputs = baseInputs(server, { name: 'carol' })
    const first = await run({ inputs, env: { ...workflow, GITHUB_RUN_ATTEMPT: '1' } })
    const second = await run({ inputs, env: { ...workflow, GITHUB_RUN_ATTEMPT: '2' } })
    expect(first.exitCode).toBe(0)
    expect(second.exitCode).toBe(0)
    expect(second.outputs['cert-id']).toBe(first.outputs['cert-id'])
    expect(server.certificates).toHaveLength(1)
    expect(server.calls.map(c => c.outcome)).toEqual(['created', 'replayed'])
    expect(first.outputs['client-token']).toMatch(/^gha-[0-9a-f]{40}$/)
  })

  test('another name in the same step makes another certificate', async () => {
    const server = await start()
    await run({ inputs: baseInputs(server, { name: 'dave' }), env: workflow })
    await run({ inputs: baseInputs(server, { name: 'erin' }), env: workflow })
    expect(server.certificates.map(c => c.name)).toEqual(['dave', 'erin'])
  })
})

describe('failures', () => {
  test('a non-retryable code: exactly one call, the code, RequestId and a hint', async () => {
    const server = await start({ faults: [{ kind: 'error', code: 'Resource.QuotaFull' }] })
    const result = await run({ inputs: baseInputs(server) })
    expect(result.exitCode).toBe(1)
    expect(server.calls).toHaveLength(1)
    const [error] = result.errors
    expect(error).toContain(
      `Resource.QuotaFull: The quota of resource is full (RequestId: ${server.calls[0]?.requestId})`
    )
    expect(error).toContain('quota')
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  test('a wrong secret: SignatureDoesNotMatch, with the echoed string to sign redacted', async () => {
    const server = await start()
    const result = await run({
      inputs: baseInputs(server, {
        'access-key-id': STS.accessKeyId,
        'access-key-secret': 'not-the-right-secret',
        'security-token': STS.securityToken,
        'signature-version': 'v1'
      })
    })
    expect(result.exitCode).toBe(1)
    expect(server.calls.map(c => c.outcome)).toEqual(['SignatureDoesNotMatch'])
    expect(result.errors[0]).toContain('SignatureDoesNotMatch')
    expect(result.errors[0]).toContain('string to sign is: ***')
  })

  test('missing credentials: names the inputs and the variables, no call made', async () => {
    const server = await start()
    const { 'access-key-id': _id, 'access-key-secret': _secret, ...inputs } = baseInputs(server)
    const result = await run({ inputs })
    expect(result.exitCode).toBe(1)
    expect(server.calls).toHaveLength(0)
    const [error] = result.errors
    for (const name of [
      'access-key-id',
      'access-key-secret',
      'ALIBABA_CLOUD_ACCESS_KEY_ID',
      'ALIBABA_CLOUD_ACCESS_KEY_SECRET'
    ]) {
      expect(error).toContain(name)
    }
  })

  test('an invalid name is refused before any call', async () => {
    const server = await start()
    const result = await run({ inputs: baseInputs(server, { name: '1-starts-with-digit' }) })
    expect(result.exitCode).toBe(1)
    expect(server.calls).toHaveLength(0)
    expect(result.errors[0]).toMatch(
      /^Input 'name': "1-starts-with-digit" does not start with a letter/
    )
  })

  test('a plain-http endpoint is refused before any call', async () => {
    const server = await start()
    const result = await run({
      inputs: baseInputs(server, { endpoint: `http://${server.endpoint}` })
    })
    expect(result.exitCode).toBe(1)
    expect(server.calls).toHaveLength(0)
    expect(result.errors[0]).toContain("Input 'endpoint'")
    expect(result.errors[0]).toContain('https://')
  })
})
