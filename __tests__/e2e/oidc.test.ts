/**
 * End to end over dist/index.js: keyless credentials. The stand-in plays the runner's OIDC token
 * service (so the real `core.getIDToken` path runs), STS AssumeRoleWithOIDC and the VPC API,
 * which accepts the STS keys only with their security token.
 */
import { describe, expect, test } from '@jest/globals'
import type { StandInOptions } from '../../test-server/stand-in.mjs'
import { runAction, type RunOptions, type RunResult } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { DEFAULT_KEY, standInPerTest } from '../../__fixtures__/stand-in.js'

const KEY = DEFAULT_KEY
const startStandIn = standInPerTest({ oidc: {} })

async function start(options: StandInOptions = {}) {
  const server = await startStandIn(options)
  const oidc = server.oidc
  if (!oidc) throw new Error('the stand-in did not start its OIDC side')
  return { server, oidc }
}

type Started = Awaited<ReturnType<typeof start>>

function oidcRun({ server, oidc }: Started, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    ...extra,
    inputs: {
      'region-id': 'cn-hangzhou',
      'ssl-vpn-server-id': 'vss-standin0001',
      name: 'keyless',
      endpoint: server.endpoint,
      'sts-endpoint': server.endpoint,
      'role-to-assume': oidc.roleArn,
      'oidc-provider-arn': oidc.oidcProviderArn,
      ...extra.inputs
    },
    env: {
      GITHUB_REPOSITORY: 'acme/onboarding',
      GITHUB_RUN_ID: '4242',
      ACTIONS_ID_TOKEN_REQUEST_URL: oidc.tokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
      ...extra.env
    }
  }
}

/** Every secret of the run: the runner's request token, the OIDC tokens and every key. */
function expectNothingSecretShown(result: RunResult, { server, oidc }: Started) {
  expectNoSecrets(result, [
    oidc.requestToken,
    ...oidc.issued.map(t => t.token),
    ...server.credentials.flatMap(c => [c.accessKeyId, c.accessKeySecret, c.securityToken])
  ])
}

describe('keyless credentials', () => {
  test('the OIDC token is exchanged for STS keys, which sign the VPC call', async () => {
    const started = await start()
    const { server, oidc } = started
    const result = await runAction(oidcRun(started))
    expectNothingSecretShown(result, started)
    expect(result.exitCode).toBe(0)
    expect(oidc.tokenRequests).toEqual([{ audience: 'sts.aliyuncs.com', authorized: true }])
    const [assume, create] = server.calls
    expect(assume?.action).toBe('AssumeRoleWithOIDC')
    expect(assume?.outcome).toBe('assumed')
    expect(assume?.params['RoleSessionName']).toBe('gha-acme-onboarding-4242')
    expect(assume?.params['DurationSeconds']).toBe('900')
    expect(assume?.accessKeyId).toBeNull() // anonymous: no key, no signature
    expect(create?.action).toBe('CreateSslVpnClientCert')
    expect(create?.accessKeyId).toMatch(/^STS\./)
    expect(create?.outcome).toBe('created')
    expect(result.outputs['cert-id']).toBe(server.certificates[0]?.id)
    // Every secret that appeared during the run was masked for the runner.
    const sts = server.credentials.find(c => c.accessKeyId === create?.accessKeyId)
    for (const secret of [sts?.accessKeySecret, sts?.securityToken, oidc.issued[0]?.token]) {
      expect(result.stdout).toContain(`::add-mask::${secret}`)
    }
    expect(result.stdout).toMatch(
      /Assumed acs:ram::\d+:role\/\S+ as session gha-acme-onboarding-4242/
    )
  })

  test('OIDC inputs take precedence over key inputs and variables', async () => {
    const started = await start()
    const result = await runAction(
      oidcRun(started, {
        inputs: { 'access-key-id': KEY.accessKeyId, 'access-key-secret': KEY.accessKeySecret },
        env: {
          ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret
        }
      })
    )
    expectNothingSecretShown(result, started)
    expect(result.exitCode).toBe(0)
    expect(started.server.calls.map(c => c.accessKeyId)).toEqual([
      null,
      expect.stringMatching(/^STS\./)
    ])
  })

  test('without `permissions: id-token: write`: says exactly that, no call made', async () => {
    const started = await start()
    const result = await runAction(
      oidcRun(started, {
        env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }
      })
    )
    expectNothingSecretShown(result, started)
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toContain('permissions: id-token: write')
    expect(started.server.calls).toHaveLength(0)
  })

  test('half an OIDC configuration is an input error', async () => {
    const started = await start()
    const result = await runAction(oidcRun(started, { inputs: { 'oidc-provider-arn': '' } }))
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(
      /^Input 'oidc-provider-arn': is required with 'role-to-assume'/
    )
    expect(started.server.calls).toHaveLength(0)
  })

  test.each([
    [
      'a role that does not exist',
      { 'role-to-assume': 'acs:ram::1234567890123456:role/no-such-role' },
      'EntityNotExist.Role',
      /role-to-assume does not exist/
    ],
    [
      'a provider the account does not have',
      { 'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/other' },
      'AuthenticationFail.NoPermission',
      /trust policy/
    ],
    [
      'an audience the provider does not accept',
      { audience: 'https://github.com/acme' },
      'AuthenticationFail.OIDCToken.AudienceNotMatch',
      /set `audience`/
    ]
  ])('an STS error (%s): one call, code, RequestId and hint', async (_what, inputs, code, hint) => {
    const started = await start()
    const result = await runAction(oidcRun(started, { inputs }))
    expectNothingSecretShown(result, started)
    expect(result.exitCode).toBe(1)
    const [assume, ...rest] = started.server.calls
    expect(rest).toHaveLength(0)
    expect(assume?.outcome).toBe(code)
    const [first, second] = (result.errors[0] ?? '').split('\n')
    expect(first).toMatch(
      new RegExp(`^${code.replace(/\./g, '\\.')}: .+ \\(RequestId: ${assume?.requestId}\\)$`)
    )
    expect(second).toMatch(hint)
  })

  test('a throttled STS call is retried, then the certificate is made', async () => {
    const started = await start({ faults: [{ kind: 'throttle', action: 'AssumeRoleWithOIDC' }] })
    const result = await runAction(oidcRun(started))
    expectNothingSecretShown(result, started)
    expect(result.exitCode).toBe(0)
    expect(started.server.calls.map(c => [c.action, c.outcome])).toEqual([
      ['AssumeRoleWithOIDC', 'fault:throttle'],
      ['AssumeRoleWithOIDC', 'assumed'],
      ['CreateSslVpnClientCert', 'created']
    ])
    expect(result.stdout).toMatch(/^AssumeRoleWithOIDC attempt 1: Throttling\.User/m)
  })
})
