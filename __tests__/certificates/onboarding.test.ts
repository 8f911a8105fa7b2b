import { describe, expect, test } from '@jest/globals'
import type { MockAgent } from 'undici'
import { virtualRun } from '../../__fixtures__/virtual-time.js'
import { DeadlineError, UnexpectedResponseError } from '../../src/core/errors.js'
import {
  chooseReusable,
  obtainCertificates,
  type OnboardingDependencies
} from '../../src/certificates/onboarding.js'
import type { Settings } from '../../src/alibaba/settings.js'
import {
  createVpcClient,
  type ExistingCertificate,
  type VpcClient
} from '../../src/alibaba/vpc-client.js'

describe('chooseReusable', () => {
  function cert(certId: string, status: string, createTime: number): ExistingCertificate {
    return { certId, name: 'dup', status, createTime, requestId: `R-${certId}` }
  }

  test('the oldest usable one; expired (and unknown) statuses skipped and named', () => {
    const log: string[] = []
    const chosen = chooseReusable(
      [
        cert('vsc-a', 'expired', 1),
        cert('vsc-b', 'creating', 2),
        cert('vsc-c', 'expiring-soon', 3),
        cert('vsc-d', 'normal', 4)
      ],
      line => log.push(line)
    )
    expect(chosen?.certId).toBe('vsc-c')
    expect(log).toEqual([
      'Not reusing 2 certificates of that name that cannot be used: vsc-a (Status "expired"), vsc-b (Status "creating").',
      'Reusing vsc-c (dup, Status expiring-soon): the oldest of 2 with that name and a usable Status.'
    ])
  })

  test('none usable: undefined, and the log says one is created', () => {
    const log: string[] = []
    expect(chooseReusable([cert('vsc-a', 'expired', 1)], line => log.push(line))).toBeUndefined()
    expect(log).toEqual([
      'Not reusing a certificate of that name that cannot be used: vsc-a (Status "expired").',
      'None of that name can be used; creating a new one.'
    ])
  })

  test('none at all: undefined, nothing to say', () => {
    const log: string[] = []
    expect(chooseReusable([], line => log.push(line))).toBeUndefined()
    expect(log).toEqual([])
  })
})

describe('obtainCertificates', () => {
  const SETTINGS: Settings = {
    regionId: 'cn-hangzhou',
    sslVpnServerId: 'vss-bp1test0001',
    targets: [
      { name: 'ann', clientToken: 't-ann', clientTokenSource: 'from the input' },
      { name: 'ben', clientToken: 't-ben', clientTokenSource: 'from the input' }
    ],
    ifExists: 'create',
    configDir: undefined,
    keyPassphrase: undefined,
    keepProfiles: false,
    credentials: { source: 'inputs', keys: { accessKeyId: 'id', accessKeySecret: 'secret' } },
    endpoint: {
      origin: 'https://vpc.cn-hangzhou.aliyuncs.com',
      hostHeader: 'vpc.cn-hangzhou.aliyuncs.com'
    },
    signatureVersion: 'v3',
    timeoutMs: 60_000
  }

  const KEYS = { accessKeyId: 'id', accessKeySecret: 'secret' }

  /**
   * A run in virtual time from `start` with `deadline`: its mock network, the VPC client of
   * SETTINGS on it, and onboarding's own dependencies; what either logs goes into `log`.
   */
  function virtualOnboarding(
    start: number,
    deadline: number,
    log: string[]
  ): { agent: MockAgent; vpc: VpcClient; deps: OnboardingDependencies } {
    const { agent, rpc } = virtualRun({ start, log: line => log.push(line) })
    const mask = () => undefined
    const vpc = createVpcClient({ rpc, deadline, mask, target: SETTINGS, credentials: KEYS })
    const deps: OnboardingDependencies = {
      log: line => log.push(line),
      mask,
      writeFile: async () => {
        throw new Error('no profile expected')
      },
      deleteToken: certId => `t-delete-${certId}`
    }
    return { agent, vpc, deps }
  }

  test('a name that fails does not stop the next; log lines carry the [i/n] name prefix', async () => {
    const log: string[] = []
    const { agent, vpc, deps } = virtualOnboarding(0, 60_000, log)
    let n = 0
    agent
      .get(SETTINGS.endpoint.origin)
      .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
      .reply<object>(() =>
        ++n === 1
          ? {
              statusCode: 400,
              data: { Code: 'Resource.QuotaFull', Message: 'full', RequestId: 'R1' }
            }
          : {
              statusCode: 200,
              data: { RequestId: 'R2', SslVpnClientCertId: 'vsc-ben', Name: 'ben' }
            }
      )
      .persist()
    const outcomes = await obtainCertificates(SETTINGS, vpc, deps)
    await agent.close()
    expect(outcomes.map(o => [o.requested, o.ok])).toEqual([
      ['ann', false],
      ['ben', true]
    ])
    expect(log).toEqual([
      expect.stringMatching(/^\[2\/2\] ben: Certificate vsc-ben \(ben\) after 1 attempt/)
    ])
  })

  test('in a batch, the client’s retry lines carry the name’s prefix too', async () => {
    const log: string[] = []
    const { agent, vpc, deps } = virtualOnboarding(0, 60_000, log)
    let n = 0
    agent
      .get(SETTINGS.endpoint.origin)
      .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
      .reply<object>(() =>
        ++n === 1
          ? {
              statusCode: 400,
              data: { Code: 'VpnGateway.Configuring', Message: 'busy', RequestId: 'R1' }
            }
          : {
              statusCode: 200,
              data: {
                RequestId: `R${n}`,
                SslVpnClientCertId: `vsc-${n}`,
                Name: n === 2 ? 'ann' : 'ben'
              }
            }
      )
      .persist()
    const outcomes = await obtainCertificates(SETTINGS, vpc, deps)
    await agent.close()
    expect(outcomes.map(o => o.ok)).toEqual([true, true])
    expect(log).toEqual([
      expect.stringMatching(/^\[1\/2\] ann: Attempt 1: VpnGateway\.Configuring \(RequestId: R1\)/),
      expect.stringMatching(/^\[1\/2\] ann: Certificate vsc-2 \(ann\) after 2 attempts/),
      expect.stringMatching(/^\[2\/2\] ben: Certificate vsc-3 \(ben\) after 1 attempt/)
    ])
  })

  test('reuse: the request-id is the RequestId of the listing call that found it', async () => {
    const { agent, vpc, deps } = virtualOnboarding(0, 60_000, [])
    agent
      .get(SETTINGS.endpoint.origin)
      .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
      .reply(200, {
        RequestId: 'LIST-1',
        TotalCount: 2,
        SslVpnClientCertKeys: {
          SslVpnClientCertKey: [
            { SslVpnClientCertId: 'vsc-old', Name: 'ann', Status: 'expired', CreateTime: 1 },
            { SslVpnClientCertId: 'vsc-new', Name: 'ann', Status: 'normal', CreateTime: 2 }
          ]
        }
      })
    const [target] = SETTINGS.targets
    const outcomes = await obtainCertificates(
      { ...SETTINGS, targets: target ? [target] : [], ifExists: 'reuse' },
      vpc,
      deps
    )
    await agent.close()
    expect(outcomes).toEqual([
      expect.objectContaining({ ok: true, certId: 'vsc-new', created: false, requestId: 'LIST-1' })
    ])
  })

  test('a name from the answer that is no file name: refused before the key is fetched', async () => {
    const { agent, vpc, deps } = virtualOnboarding(0, 60_000, [])
    const actions: string[] = []
    agent
      .get(SETTINGS.endpoint.origin)
      .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
      .reply<object>(options => {
        actions.push(String((options.headers as Record<string, string>)['x-acs-action']))
        return {
          statusCode: 200,
          data: { RequestId: 'R1', SslVpnClientCertId: 'vsc-abc', Name: '../../x' }
        }
      })
      .persist()
    const outcomes = await obtainCertificates(
      {
        ...SETTINGS,
        targets: [{ name: undefined, clientToken: 't', clientTokenSource: 'from the input' }],
        configDir: '/nowhere'
      },
      vpc,
      deps
    )
    await agent.close()
    expect(actions).toEqual(['CreateSslVpnClientCert'])
    const [outcome] = outcomes
    expect(outcome?.ok).toBe(false)
    const error = outcome && !outcome.ok ? outcome.error : undefined
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    // The create answer's Name is refused where answers are read (vpc-client.ts); the profile
    // writer's own check of the file name stays as a second guard (profile.test.ts).
    expect(error?.message).toMatch(
      /^Unexpected answer to CreateSslVpnClientCert \(RequestId: R1\): Name is "\.\.\/\.\.\/x"; expected 2 to 128 characters/
    )
  })

  test('past the deadline, the remaining names are not attempted (and say so)', async () => {
    const { agent, vpc, deps } = virtualOnboarding(100, 100, [])
    const outcomes = await obtainCertificates(SETTINGS, vpc, deps)
    await agent.close()
    expect(outcomes).toHaveLength(2)
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false)
      if (!outcome.ok) {
        expect(outcome.error).toBeInstanceOf(DeadlineError)
        expect((outcome.error as DeadlineError).attempts).toBe(0)
      }
    }
  })
})

describe('if-exists: replace', () => {
  const BASE: Settings = {
    regionId: 'cn-hangzhou',
    sslVpnServerId: 'vss-bp1test0001',
    targets: [{ name: 'ann', clientToken: 't-ann', clientTokenSource: 'from the input' }],
    ifExists: 'replace',
    configDir: undefined,
    keyPassphrase: undefined,
    keepProfiles: false,
    credentials: { source: 'inputs', keys: { accessKeyId: 'id', accessKeySecret: 'secret' } },
    endpoint: {
      origin: 'https://vpc.cn-hangzhou.aliyuncs.com',
      hostHeader: 'vpc.cn-hangzhou.aliyuncs.com'
    },
    signatureVersion: 'v3',
    timeoutMs: 120_000
  }
  const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIBreplaceTestCert==\n-----END CERTIFICATE-----\n'
  const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEreplaceTestKey==\n-----END PRIVATE KEY-----\n'

  /**
   * A gateway in virtual time where `vsc-old1` and `vsc-old2` are named ann, a create makes
   * `vsc-new` (pending for its first Describe), and `answer` may override any action's answer.
   */
  function gateway(override: (action: string, n: number) => object | undefined = () => undefined) {
    const log: string[] = []
    const { agent, rpc } = virtualRun({ log: line => log.push(line) })
    const vpc = createVpcClient({
      rpc,
      deadline: rpc.now() + BASE.timeoutMs,
      mask: () => undefined,
      target: BASE,
      credentials: { accessKeyId: 'id', accessKeySecret: 'secret' }
    })
    const live = new Set(['vsc-old1', 'vsc-old2'])
    const actions: string[] = []
    let describes = 0
    agent
      .get(BASE.endpoint.origin)
      .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
      .reply<object>(options => {
        const action = String((options.headers as Record<string, string>)['x-acs-action'])
        const params = Object.fromEntries(new URLSearchParams(options.path.slice(2)))
        actions.push(
          `${action}${params['SslVpnClientCertId'] ? ` ${params['SslVpnClientCertId']}` : ''}`
        )
        const overridden = override(action, actions.length)
        if (overridden) return overridden as { statusCode: number; data: object }
        const ok = (data: object) => ({
          statusCode: 200,
          data: { RequestId: `R${actions.length}`, ...data }
        })
        if (action === 'CreateSslVpnClientCert') {
          live.add('vsc-new')
          return ok({ SslVpnClientCertId: 'vsc-new', Name: 'ann' })
        }
        if (action === 'DescribeSslVpnClientCert') {
          return ok({
            SslVpnClientCertId: 'vsc-new',
            Name: 'ann',
            Status: ++describes === 1 ? 'creating' : 'normal',
            CaCert: PEM_CERT,
            ClientCert: PEM_CERT,
            ClientKey: PEM_KEY,
            ClientConfig: 'client\nremote 192.0.2.1 1194\n'
          })
        }
        if (action === 'DeleteSslVpnClientCert') {
          live.delete(params['SslVpnClientCertId'] ?? '')
          return ok({})
        }
        const listed = [...live].filter(
          id => !params['SslVpnClientCertId'] || id === params['SslVpnClientCertId']
        )
        return ok({
          TotalCount: listed.length,
          SslVpnClientCertKeys: {
            SslVpnClientCertKey: listed.map((id, i) => ({
              SslVpnClientCertId: id,
              Name: 'ann',
              Status: 'normal',
              CreateTime: i
            }))
          }
        })
      })
      .persist()
    const deps: OnboardingDependencies = {
      log: line => log.push(line),
      mask: () => undefined,
      writeFile: async () => {
        throw new Error('no profile expected')
      },
      deleteToken: certId => `t-delete-${certId}`
    }
    return { agent, vpc, deps, actions, log, live }
  }

  test('create, wait until usable, then revoke the others one at a time', async () => {
    const { agent, vpc, deps, actions, live } = gateway()
    const [outcome] = await obtainCertificates(BASE, vpc, deps)
    await agent.close()
    expect(actions).toEqual([
      'CreateSslVpnClientCert',
      'DescribeSslVpnClientCert vsc-new',
      'DescribeSslVpnClientCert vsc-new',
      'DescribeSslVpnClientCerts',
      'DeleteSslVpnClientCert vsc-old1',
      'DescribeSslVpnClientCerts vsc-old1',
      'DeleteSslVpnClientCert vsc-old2',
      'DescribeSslVpnClientCerts vsc-old2'
    ])
    expect(outcome).toMatchObject({ ok: true, certId: 'vsc-new', created: true, status: 'normal' })
    const replacement = outcome?.ok ? outcome.replacement : undefined
    expect(replacement?.revocations.map(r => [r.certId, r.ok])).toEqual([
      ['vsc-old1', true],
      ['vsc-old2', true]
    ])
    expect([...live]).toEqual(['vsc-new'])
  })

  test('the new certificate fails: nothing is listed, nothing deleted', async () => {
    const { agent, vpc, deps, actions } = gateway(action =>
      action === 'CreateSslVpnClientCert'
        ? {
            statusCode: 400,
            data: { RequestId: 'RQ', Code: 'Resource.QuotaFull', Message: 'full' }
          }
        : undefined
    )
    const [outcome] = await obtainCertificates(BASE, vpc, deps)
    await agent.close()
    expect(outcome?.ok).toBe(false)
    expect(actions).toEqual(['CreateSslVpnClientCert'])
  })

  test('the others cannot be listed: the new certificate is obtained, the listing error kept', async () => {
    const { agent, vpc, deps, actions } = gateway(action =>
      action === 'DescribeSslVpnClientCerts'
        ? { statusCode: 403, data: { RequestId: 'RF', Code: 'Forbidden', Message: 'no' } }
        : undefined
    )
    const [outcome] = await obtainCertificates(BASE, vpc, deps)
    await agent.close()
    expect(outcome).toMatchObject({ ok: true, certId: 'vsc-new' })
    const replacement = outcome?.ok ? outcome.replacement : undefined
    expect(replacement?.revocations).toEqual([])
    expect(replacement?.listingError).toMatchObject({
      name: 'PermissionError',
      code: 'Forbidden',
      permission: 'vpc:DescribeSslVpnClientCerts'
    })
    expect(actions.filter(a => a.startsWith('DeleteSslVpnClientCert'))).toEqual([])
  })

  test('reuse and create do not replace anything', async () => {
    const { agent, vpc, deps, actions } = gateway()
    const [outcome] = await obtainCertificates({ ...BASE, ifExists: 'create' }, vpc, deps)
    await agent.close()
    expect(actions).toEqual(['CreateSslVpnClientCert'])
    expect(outcome?.ok && outcome.replacement).toBe(undefined)
  })
})
