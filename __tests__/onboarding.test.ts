import { describe, expect, test } from '@jest/globals'
import { MockAgent } from 'undici'
import { DeadlineError } from '../src/errors.js'
import {
  maskMultiline,
  obtainCertificates,
  type OnboardingDependencies
} from '../src/onboarding.js'
import { createRedactor } from '../src/redact.js'
import { DEFAULT_RETRY_POLICY } from '../src/retry.js'
import type { Settings } from '../src/settings.js'

describe('maskMultiline', () => {
  test('the whole text and every identifying line; not armour or short directives', () => {
    const masked: string[] = []
    const key = [
      '-----BEGIN PRIVATE KEY-----',
      'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4KSsJLoglRUu42my',
      'short',
      '  nDJRWcxhcGsK9cnJVCVYUtkBRd8wW3pCOAsLmMoeFsHLoUaHQLDUdCSW  ',
      '-----END PRIVATE KEY-----'
    ].join('\n')
    maskMultiline(key, secret => masked.push(secret))
    expect(masked).toEqual([
      key,
      'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4KSsJLoglRUu42my',
      'nDJRWcxhcGsK9cnJVCVYUtkBRd8wW3pCOAsLmMoeFsHLoUaHQLDUdCSW'
    ])
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

  function deps(
    agent: MockAgent,
    now: () => number,
    deadline: number,
    log: string[]
  ): OnboardingDependencies {
    return {
      dispatcher: agent,
      policy: DEFAULT_RETRY_POLICY,
      now,
      sleep: async () => undefined,
      random: () => 0.5,
      newNonce: () => 'n',
      redact: createRedactor([]),
      log: line => log.push(line),
      deadline,
      mask: () => undefined,
      writeFile: async () => {
        throw new Error('no profile expected')
      }
    }
  }

  test('a name that fails does not stop the next; log lines carry the [i/n] name prefix', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
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
    const log: string[] = []
    const outcomes = await obtainCertificates(
      SETTINGS,
      { accessKeyId: 'id', accessKeySecret: 'secret' },
      deps(agent, () => 0, 60_000, log)
    )
    await agent.close()
    expect(outcomes.map(o => [o.requested, o.ok])).toEqual([
      ['ann', false],
      ['ben', true]
    ])
    expect(log).toEqual([
      expect.stringMatching(/^\[2\/2\] ben: Certificate vsc-ben \(ben\) after 1 attempt/)
    ])
  })

  test('past the deadline, the remaining names are not attempted (and say so)', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    const outcomes = await obtainCertificates(
      SETTINGS,
      { accessKeyId: 'id', accessKeySecret: 'secret' },
      deps(agent, () => 100, 100, [])
    )
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
