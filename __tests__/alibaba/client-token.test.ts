import { describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  CLIENT_TOKEN_MAX_LENGTH,
  deleteClientTokens,
  deriveClientToken,
  deriveDeleteClientToken,
  readWorkflowRunContext,
  type TokenRequestParams,
  type WorkflowRunContext
} from '../../src/alibaba/client-token.js'

const RUN: WorkflowRunContext = {
  repository: 'octo-org/infra',
  runId: '9876543210',
  job: 'vpn',
  step: 'issue-cert'
}
const PARAMS: TokenRequestParams = {
  regionId: 'cn-hangzhou',
  sslVpnServerId: 'vss-bp1abc123',
  name: 'ci-cert'
}

describe('deriveClientToken', () => {
  test('is deterministic: equal inputs (not the same objects) give the same token', () => {
    expect(deriveClientToken(RUN, PARAMS)).toBe(deriveClientToken({ ...RUN }, { ...PARAMS }))
  })

  test('fits the API: at most 64 printable ASCII characters', () => {
    expect(CLIENT_TOKEN_MAX_LENGTH).toBe(64)
    const token = deriveClientToken(RUN, PARAMS)
    expect(token.length).toBeLessThanOrEqual(64)
    expect(token).toMatch(/^[\x21-\x7e]+$/)
  })

  test('stays within the limits for very long and non-ASCII fields', () => {
    const token = deriveClientToken(
      {
        repository: 'ö/'.repeat(500),
        runId: '9'.repeat(30),
        job: 'jöb 🚀',
        step: 'x'.repeat(1000)
      },
      { regionId: 'cn-hangzhou', sslVpnServerId: 'vss-a', name: 'N'.repeat(128) }
    )
    expect(token.length).toBeLessThanOrEqual(64)
    expect(token).toMatch(/^[\x21-\x7e]+$/)
  })

  test('is "gha-" and 40 hex digits of SHA-256 over the length-prefixed fields (TSDoc)', () => {
    const fields = [
      'CreateSslVpnClientCert',
      RUN.repository,
      RUN.runId,
      RUN.job,
      RUN.step,
      PARAMS.regionId,
      PARAMS.sslVpnServerId,
      PARAMS.name ?? ''
    ]
    const expected = createHash('sha256')
      .update(fields.map(f => `${f.length}:${f};`).join(''), 'utf8')
      .digest('hex')
      .slice(0, 40)
    expect(deriveClientToken(RUN, PARAMS)).toBe(`gha-${expected}`)
  })

  const variants: [string, WorkflowRunContext, TokenRequestParams][] = [
    ['repository', { ...RUN, repository: 'octo-org/infra2' }, PARAMS],
    ['run id', { ...RUN, runId: '9876543211' }, PARAMS],
    ['job', { ...RUN, job: 'vpn-2' }, PARAMS],
    ['step', { ...RUN, step: 'issue-cert-2' }, PARAMS],
    ['region', RUN, { ...PARAMS, regionId: 'cn-shanghai' }],
    ['SSL server', RUN, { ...PARAMS, sslVpnServerId: 'vss-bp1abc124' }],
    ['name', RUN, { ...PARAMS, name: 'ci-cert-2' }],
    ['name given vs not', RUN, { ...PARAMS, name: undefined }]
  ]

  test.each(variants)('changes when the %s changes', (_field, run, params) => {
    expect(deriveClientToken(run, params)).not.toBe(deriveClientToken(RUN, PARAMS))
  })

  test('all the one-field variants are different from each other too', () => {
    const tokens = variants.map(([, run, params]) => deriveClientToken(run, params))
    expect(new Set(tokens).size).toBe(tokens.length)
  })

  test.each([
    [
      'job "a" + step "bc" vs job "ab" + step "c"',
      [{ ...RUN, job: 'a', step: 'bc' }, PARAMS],
      [{ ...RUN, job: 'ab', step: 'c' }, PARAMS]
    ],
    [
      'repository/run id boundary',
      [{ ...RUN, repository: 'o/r1', runId: '23' }, PARAMS],
      [{ ...RUN, repository: 'o/r', runId: '123' }, PARAMS]
    ],
    [
      'separators inside fields',
      [{ ...RUN, job: 'a;b', step: 'c' }, PARAMS],
      [{ ...RUN, job: 'a', step: 'b;c' }, PARAMS]
    ],
    [
      'a field moved from the run to the request',
      [
        { ...RUN, step: 'cn-hangzhou' },
        { ...PARAMS, regionId: '' }
      ],
      [
        { ...RUN, step: '' },
        { ...PARAMS, regionId: 'cn-hangzhou' }
      ]
    ],
    [
      'server/name boundary',
      [RUN, { ...PARAMS, sslVpnServerId: 'vss-ab', name: 'c' }],
      [RUN, { ...PARAMS, sslVpnServerId: 'vss-a', name: 'bc' }]
    ]
  ] as [
    string,
    [WorkflowRunContext, TokenRequestParams],
    [WorkflowRunContext, TokenRequestParams]
  ][])('is ambiguity-free: %s', (_what, [runA, paramsA], [runB, paramsB]) => {
    expect(deriveClientToken(runA, paramsA)).not.toBe(deriveClientToken(runB, paramsB))
  })
})

describe('readWorkflowRunContext', () => {
  test('reads the runner variables', () => {
    expect(
      readWorkflowRunContext({
        GITHUB_REPOSITORY: 'octo-org/infra',
        GITHUB_RUN_ID: '42',
        GITHUB_JOB: 'vpn',
        GITHUB_ACTION: '__run_2',
        GITHUB_RUN_ATTEMPT: '3'
      })
    ).toEqual({ repository: 'octo-org/infra', runId: '42', job: 'vpn', step: '__run_2' })
  })

  test('missing job and step are empty, not an error', () => {
    expect(readWorkflowRunContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '1' })).toEqual({
      repository: 'o/r',
      runId: '1',
      job: '',
      step: ''
    })
  })

  test.each([
    ['an empty environment', {}],
    ['no run id', { GITHUB_REPOSITORY: 'o/r', GITHUB_JOB: 'j' }],
    ['no repository', { GITHUB_RUN_ID: '1', GITHUB_JOB: 'j' }],
    ['empty values', { GITHUB_REPOSITORY: '', GITHUB_RUN_ID: '' }],
    ['undefined values', { GITHUB_REPOSITORY: undefined, GITHUB_RUN_ID: undefined }]
  ])('is undefined outside a workflow run: %s', (_what, env) => {
    expect(readWorkflowRunContext(env)).toBeUndefined()
  })

  test('the run attempt is left out: a re-run derives the same token', () => {
    const env = {
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '7',
      GITHUB_JOB: 'j',
      GITHUB_ACTION: 's'
    }
    const first = readWorkflowRunContext({ ...env, GITHUB_RUN_ATTEMPT: '1' })
    const second = readWorkflowRunContext({ ...env, GITHUB_RUN_ATTEMPT: '2' })
    expect(first).toBeDefined()
    expect(second).toBeDefined()
    if (first === undefined || second === undefined) return
    expect(deriveClientToken(second, PARAMS)).toBe(deriveClientToken(first, PARAMS))
  })
})

describe('deriveDeleteClientToken and deleteClientTokens (revocation)', () => {
  const CERT = { regionId: 'cn-hangzhou', certId: 'vsc-bp1old0001' }

  test('"gha-" and 40 hex digits of SHA-256 over the operation, the run and the certificate', () => {
    const fields = [
      'DeleteSslVpnClientCert',
      RUN.repository,
      RUN.runId,
      RUN.job,
      RUN.step,
      CERT.regionId,
      CERT.certId
    ]
    const hash = createHash('sha256')
    for (const field of fields) hash.update(`${field.length}:${field};`, 'utf8')
    expect(deriveDeleteClientToken(RUN, CERT)).toBe(`gha-${hash.digest('hex').slice(0, 40)}`)
  })

  test('a re-run re-sends the same token; another certificate, run or step gets another', () => {
    const token = deriveDeleteClientToken(RUN, CERT)
    expect(deriveDeleteClientToken({ ...RUN }, { ...CERT })).toBe(token)
    expect(deriveDeleteClientToken(RUN, { ...CERT, certId: 'vsc-bp1old0002' })).not.toBe(token)
    expect(deriveDeleteClientToken({ ...RUN, runId: '1' }, CERT)).not.toBe(token)
    expect(deriveDeleteClientToken({ ...RUN, step: 'other' }, CERT)).not.toBe(token)
  })

  test('never the create token of the same run', () => {
    expect(deriveDeleteClientToken(RUN, CERT)).not.toBe(
      deriveClientToken(RUN, { regionId: CERT.regionId, sslVpnServerId: '', name: CERT.certId })
    )
  })

  test('in a workflow run: derived; outside one: random, once per certificate', () => {
    const derived = deleteClientTokens(RUN, 'cn-hangzhou', () => 'unused')
    expect(derived(CERT.certId)).toBe(deriveDeleteClientToken(RUN, CERT))
    let n = 0
    const random = deleteClientTokens(undefined, 'cn-hangzhou', () => `random-${++n}`)
    expect([random('vsc-a'), random('vsc-b'), random('vsc-a')]).toEqual([
      'random-1',
      'random-2',
      'random-1'
    ])
  })
})
