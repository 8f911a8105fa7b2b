import { describe, expect, test } from '@jest/globals'
import type { MockAgent } from 'undici'
import { virtualRun } from '../../__fixtures__/virtual-time.js'
import {
  DeadlineError,
  InconsistentAnswerError,
  RecipientError,
  UnexpectedResponseError
} from '../../src/core/errors.js'
import {
  chooseReusable,
  obtainCertificates,
  type OnboardingDependencies
} from '../../src/certificates/onboarding.js'
import type { ConnectionSettings } from '../../src/alibaba/settings.js'
import type { OnboardingSettings } from '../../src/certificates/requests.js'
import {
  createVpcClient,
  type ExistingCertificate,
  type VpcClient
} from '../../src/alibaba/vpc-client.js'

/** What these tests build: the connection (for the VPC client) and what onboarding reads. */
type Settings = ConnectionSettings & OnboardingSettings

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

  test('with config-dir, a name whose recipient cannot be had fails before any call; the next goes ahead', async () => {
    const log: string[] = []
    const { agent, vpc, deps } = virtualOnboarding(0, 60_000, log)
    const actions: string[] = []
    agent
      .get(SETTINGS.endpoint.origin)
      .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
      .reply<object>(options => {
        actions.push(new URLSearchParams(options.path.slice(2)).get('Action') ?? '')
        return { statusCode: 500, data: { Code: 'InternalError', Message: 'x', RequestId: 'R' } }
      })
      .persist()
    const asked: string[] = []
    const outcomes = await obtainCertificates({ ...SETTINGS, configDir: '/tmp/x' }, vpc, {
      ...deps,
      sealerFor: async target => {
        asked.push(target.name ?? '')
        if (target.name === 'ann') throw new RecipientError('github:ann has no usable key')
        throw new RecipientError('ben too')
      }
    })
    await agent.close()
    expect(asked).toEqual(['ann', 'ben'])
    expect(outcomes.map(o => (o.ok ? 'ok' : o.error.message))).toEqual([
      'github:ann has no usable key',
      'ben too'
    ])
    expect(actions).toEqual([])
  })

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
        PageNumber: 1,
        SslVpnClientCertKeys: {
          SslVpnClientCertKey: [
            { SslVpnClientCertId: 'vsc-old', Name: 'ann', Status: 'expired', CreateTime: 1 },
            { SslVpnClientCertId: 'vsc-new', Name: 'ann', Status: 'normal', CreateTime: 2 }
          ].map(key => ({ ...key, SslVpnServerId: SETTINGS.sslVpnServerId }))
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
    // A name the API allows (answers are not held to our input rule, vpc-client.ts) but no file
    // may be named: refused by the profile's file-name check, before the key is fetched.
    expect(error?.message).toBe(
      'The API answered the certificate name "../../x", which the API allows but which cannot name a profile file (that takes 2 to 128 letters, digits, ".", "_" and "-", starting with a letter: give the name input); no profile file is named after it, so no profile was written (RequestId: R1).'
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
          PageNumber: 1,
          SslVpnClientCertKeys: {
            SslVpnClientCertKey: listed.map((id, i) => ({
              SslVpnClientCertId: id,
              SslVpnServerId: BASE.sslVpnServerId,
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

  test.each([
    [
      'an old one of another SSL server (the filter ignored)',
      { SslVpnServerId: 'vss-bp1other0002' },
      /of SSL server vss-bp1other0002/
    ],
    ['a TotalCount below its entries', { TotalCount: 1 }, /more than its TotalCount of 1/]
  ])(
    'the listing of the others has %s: inconsistent, nothing deleted, the new one kept',
    async (_what, change, message) => {
      const { agent, vpc, deps, actions, live } = gateway(action =>
        action === 'DescribeSslVpnClientCerts'
          ? {
              statusCode: 200,
              data: {
                RequestId: 'RL',
                TotalCount: 3,
                PageNumber: 1,
                SslVpnClientCertKeys: {
                  SslVpnClientCertKey: ['vsc-new', 'vsc-old1', 'vsc-old2'].map((id, i) => ({
                    SslVpnClientCertId: id,
                    SslVpnServerId: BASE.sslVpnServerId,
                    Name: 'ann',
                    Status: 'normal',
                    CreateTime: i,
                    ...(id === 'vsc-old2' && 'SslVpnServerId' in change ? change : {})
                  }))
                },
                ...('TotalCount' in change ? change : {})
              }
            }
          : undefined
      )
      const [outcome] = await obtainCertificates(BASE, vpc, deps)
      await agent.close()
      expect(outcome).toMatchObject({ ok: true, certId: 'vsc-new' })
      const replacement = outcome?.ok ? outcome.replacement : undefined
      expect(replacement?.revocations).toEqual([])
      expect(replacement?.listingError).toBeInstanceOf(InconsistentAnswerError)
      expect(replacement?.listingError?.message).toMatch(message)
      expect(actions.filter(a => a.startsWith('DeleteSslVpnClientCert'))).toEqual([])
      expect([...live].sort()).toEqual(['vsc-new', 'vsc-old1', 'vsc-old2'])
    }
  )

  test('reuse and create do not replace anything', async () => {
    const { agent, vpc, deps, actions } = gateway()
    const [outcome] = await obtainCertificates({ ...BASE, ifExists: 'create' }, vpc, deps)
    await agent.close()
    expect(actions).toEqual(['CreateSslVpnClientCert'])
    expect(outcome?.ok && outcome.replacement).toBe(undefined)
  })
})
