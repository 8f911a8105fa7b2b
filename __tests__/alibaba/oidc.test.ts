import { beforeEach, describe, expect, test } from '@jest/globals'
import { virtualRunPerTest } from '../../__fixtures__/virtual-time.js'
import {
  CancelledError,
  DeadlineError,
  InputError,
  TransportError,
  UnexpectedResponseError
} from '../../src/core/errors.js'
import {
  assumeRoleWithOidc,
  fetchOidcToken,
  obtainCredentials,
  type OidcDependencies
} from '../../src/alibaba/oidc.js'
import { createSecretRegistry } from '../../src/core/redact.js'
import type { OidcSettings } from '../../src/alibaba/settings.js'

const STS = 'https://sts.aliyuncs.com'
const OIDC: OidcSettings = {
  roleArn: 'acs:ram::1234567890123456:role/ci',
  oidcProviderArn: 'acs:ram::1234567890123456:oidc-provider/github',
  roleSessionName: 'gha-acme-onboarding-1',
  durationSeconds: 900,
  audience: 'sts.aliyuncs.com',
  stsEndpoint: { origin: STS, hostHeader: 'sts.aliyuncs.com' }
}
const TOKEN_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.invalid/token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}
const ISSUED = {
  AccessKeyId: 'STS.NTissued0001',
  AccessKeySecret: 'issued-secret',
  SecurityToken: 'CAISissued-token',
  Expiration: '2026-11-27T20:00:00Z'
}

let masked: string[]
let events: string[]
/** Every secret, masked in `masked` and `events`, and redacted from what the run prints. */
let secrets: ReturnType<typeof createSecretRegistry>

beforeEach(() => {
  masked = []
  events = []
  secrets = createSecretRegistry(secret => {
    masked.push(secret)
    events.push(`mask ${secret}`)
  })
})
const run = virtualRunPerTest(() => ({
  start: 1_800_000_000_000,
  redact: secrets.redact,
  log: line => events.push(`log ${line}`)
}))
/** The virtual time now. */
const now = () => run().clock.now()

/** The exchange's dependencies with a deadline a minute away, unless `overrides` say otherwise. */
function deps(overrides: Partial<OidcDependencies> = {}): OidcDependencies {
  return {
    ...run().withDeadlineIn(60_000),
    getIDToken: async audience => `jwt-for-${audience}`,
    mask: secrets.mask,
    env: TOKEN_ENV,
    ...overrides
  }
}

function stsAnswers(...answers: { statusCode: number; data: object }[]) {
  let n = 0
  const { agent } = run()
  agent
    .get(STS)
    .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
    .reply<object>(() => answers[Math.min(n++, answers.length - 1)]!)
    .persist()
}

describe('fetchOidcToken: the deadline and cancellation', () => {
  test('the run’s deadline is handed to the token request', async () => {
    const deadlines: number[] = []
    await fetchOidcToken(
      'aud',
      deps({
        deadline: now() + 12_345,
        getIDToken: async (audience, deadline) => {
          deadlines.push(deadline)
          return `jwt-for-${audience}`
        }
      })
    )
    expect(deadlines).toEqual([now() + 12_345])
  })

  test.each([
    ['a cancellation', new CancelledError('received SIGTERM')],
    ['the deadline', new DeadlineError('x', new Error('not started'), 0, 'OIDC token request')],
    ['a bad runner variable', new InputError('ACTIONS_ID_TOKEN_REQUEST_URL', 'bad', 'environment')]
  ])('%s passes through as is', async (_what, thrown) => {
    const error = await fetchOidcToken(
      'aud',
      deps({
        getIDToken: async () => {
          throw thrown
        }
      })
    ).catch((e: unknown) => e)
    expect(error).toBe(thrown)
  })
})

describe('fetchOidcToken', () => {
  test('without the runner variables: names the missing permission, asks for no token', async () => {
    let asked = false
    const error = await fetchOidcToken(
      'sts.aliyuncs.com',
      deps({
        env: {},
        getIDToken: async () => {
          asked = true
          return 'x'
        }
      })
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toContain('permissions: id-token: write')
    expect(asked).toBe(false)
  })

  test('the token is masked as soon as it arrives', async () => {
    const token = await fetchOidcToken('aud-1', deps())
    expect(token).toBe('jwt-for-aud-1')
    expect(masked).toEqual(['jwt-for-aud-1'])
  })

  test('a failing token service becomes a clear, non-retryable error', async () => {
    const error = await fetchOidcToken(
      'sts.aliyuncs.com',
      deps({
        getIDToken: async () => {
          throw new Error('Failed to get ID Token. Error Code : 500')
        }
      })
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransportError)
    expect((error as TransportError).retryable).toBe(false)
    expect((error as Error).message).toMatch(/Could not get the OIDC token from GitHub.*500/)
  })
})

describe('assumeRoleWithOidc', () => {
  test('returns the STS keys, masked before the function returns', async () => {
    stsAnswers({ statusCode: 200, data: { RequestId: 'R', Credentials: ISSUED } })
    const sts = await assumeRoleWithOidc(OIDC, 'jwt', deps())
    expect(sts.credentials).toEqual({
      accessKeyId: ISSUED.AccessKeyId,
      accessKeySecret: ISSUED.AccessKeySecret,
      securityToken: ISSUED.SecurityToken
    })
    expect(sts.expiration).toBe(ISSUED.Expiration)
    expect(masked).toEqual(
      expect.arrayContaining([ISSUED.AccessKeyId, ISSUED.AccessKeySecret, ISSUED.SecurityToken])
    )
  })

  test('an answer with incomplete Credentials: masks what came, then a clear error', async () => {
    stsAnswers({
      statusCode: 200,
      data: {
        RequestId: 'R9',
        Credentials: { AccessKeyId: 'STS.half', AccessKeySecret: 'half-secret' }
      }
    })
    const error = await assumeRoleWithOidc(OIDC, 'jwt', deps()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as Error).message).toContain('without complete Credentials (RequestId: R9)')
    expect(masked).toEqual(expect.arrayContaining(['STS.half', 'half-secret']))
  })
})

describe('assumeRoleWithOidc: the answer is checked before anything in it is used', () => {
  test.each([
    ['Credentials.Expiration', { Expiration: '2026-11-27T20:00:00Z\n::add-mask::x' }],
    ['Credentials.Expiration', { Expiration: 'soon\u2028::error::forged' }],
    ['Credentials.AccessKeyId', { AccessKeyId: 'STS.id\n::add-mask::x' }],
    ['Credentials.AccessKeySecret', { AccessKeySecret: 'a secret with spaces' }],
    ['Credentials.SecurityToken', { SecurityToken: 'CAIS\r\n::group::x' }]
  ])(
    'a malformed %s: unexpected answer naming it, keys masked, none quoted',
    async (field, change) => {
      const credentials = { ...ISSUED, ...change }
      stsAnswers({ statusCode: 200, data: { RequestId: 'R5', Credentials: credentials } })
      const error = (await assumeRoleWithOidc(OIDC, 'jwt', deps()).catch(
        (e: unknown) => e
      )) as UnexpectedResponseError
      expect(error).toBeInstanceOf(UnexpectedResponseError)
      expect(error.field).toBe(field)
      expect(error.message).toMatch(
        new RegExp(
          `^Unexpected answer to AssumeRoleWithOIDC \\(RequestId: R5\\): ${field.replace('.', '\\.')} is `
        )
      )
      expect(error.message).not.toMatch(/[\r\n\u2028]/)
      for (const key of [
        credentials.AccessKeyId,
        credentials.AccessKeySecret,
        credentials.SecurityToken
      ]) {
        expect(masked).toContain(key)
        expect(error.message).not.toContain(key)
      }
    }
  )

  test('a malformed RequestId: unexpected answer, nothing logged', async () => {
    stsAnswers({ statusCode: 200, data: { RequestId: 'R\n::add-mask::x', Credentials: ISSUED } })
    const error = await obtainCredentials(
      { credentials: { source: 'oidc', oidc: OIDC } },
      deps()
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'UnexpectedResponseError', field: 'RequestId' })
    expect(events.filter(e => e.startsWith('log '))).toEqual([])
  })
})

describe('obtainCredentials', () => {
  test('keys pass through untouched, with no network', async () => {
    const keys = { accessKeyId: 'id', accessKeySecret: 'secret' }
    const credentials = await obtainCredentials(
      { credentials: { source: 'inputs', keys } },
      deps({ deadline: now() + 1 })
    )
    expect(credentials).toBe(keys)
  })

  test('OIDC: token, exchange, then one log line naming the role and session, after masking', async () => {
    stsAnswers({ statusCode: 200, data: { RequestId: 'R1', Credentials: ISSUED } })
    const credentials = await obtainCredentials(
      { credentials: { source: 'oidc', oidc: OIDC } },
      deps()
    )
    expect(credentials.securityToken).toBe(ISSUED.SecurityToken)
    const logIndex = events.findIndex(e => e.startsWith('log '))
    expect(events[logIndex]).toContain(`Assumed ${OIDC.roleArn} as session ${OIDC.roleSessionName}`)
    expect(events[logIndex]).toContain('RequestId: R1')
    // Everything secret was masked before the first log line.
    const maskedBefore = events.slice(0, logIndex).filter(e => e.startsWith('mask '))
    expect(maskedBefore).toEqual(
      expect.arrayContaining([
        'mask jwt-for-sts.aliyuncs.com',
        `mask ${ISSUED.AccessKeySecret}`,
        `mask ${ISSUED.SecurityToken}`
      ])
    )
    for (const event of events.filter(e => e.startsWith('log '))) {
      expect(event).not.toContain(ISSUED.AccessKeySecret)
    }
  })
})
