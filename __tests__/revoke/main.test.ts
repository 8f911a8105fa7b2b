/**
 * The revoke step's wiring, in-process: runRevoke with a fake runner (inputs, outputs, summary,
 * log), a virtual clock and an undici MockAgent in place of the network. The composition it shares
 * with the main step (secrets, proxy, dispatcher, credentials, failures) is the same code.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { reader } from '../../__fixtures__/inputs.js'
import { deriveDeleteClientToken } from '../../src/alibaba/client-token.js'
import type { ActionIo } from '../../src/runner/composition.js'
import { CancelledError } from '../../src/core/errors.js'
import { runRevoke } from '../../src/revoke/main.js'
import { type Environment } from '../../src/core/environment.js'
import { RunAgent } from '../../__fixtures__/run-agent.js'

const VPC = 'https://vpc.cn-hangzhou.aliyuncs.com'
const KEY_ID = 'LTAI5tRevokeMainKey01'
const KEY_SECRET = 'RevokeMainSecret0123456789'
const SERVER = 'vss-bp1revoke0001'
const INPUTS = {
  'access-key-id': KEY_ID,
  'access-key-secret': KEY_SECRET,
  'region-id': 'cn-hangzhou',
  'ssl-vpn-server-id': SERVER,
  name: 'leaver'
}
const RUN_ENV = {
  GITHUB_REPOSITORY: 'acme/offboarding',
  GITHUB_RUN_ID: '77',
  GITHUB_JOB: 'offboard',
  GITHUB_ACTION: 'revoke'
}

interface Recorded {
  outputs: Record<string, string>
  failures: string[]
  warnings: string[]
  info: string[]
  masked: string[]
  summary: string[]
  /** `Action` and its parameters, in order. */
  requests: { action: string; params: Record<string, string> }[]
}

let agent: RunAgent
let recorded: Recorded
let time: number

beforeEach(() => {
  agent = new RunAgent()
  agent.disableNetConnect()
  time = Date.parse('2026-02-01T00:00:00Z')
  recorded = {
    outputs: {},
    failures: [],
    warnings: [],
    info: [],
    masked: [],
    summary: [],
    requests: []
  }
})
afterEach(async () => {
  await agent.close()
})

/**
 * A gateway with these certificates (all named `leaver` unless said) that deletes at once;
 * `onRequest` sees each request (action and parameters) before it is answered.
 */
function serve(
  certificates: { certId: string; name?: string }[],
  refuse: Record<string, string> = {},
  onRequest: (action: string, params: Record<string, string>) => void = () => undefined
) {
  const live = new Map(certificates.map(c => [c.certId, c.name ?? 'leaver']))
  agent
    .get(VPC)
    .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
    .reply<object>(options => {
      const headers = options.headers as Record<string, string>
      const action = headers['x-acs-action'] ?? '?'
      const params = Object.fromEntries(new URLSearchParams(options.path.slice(2)))
      recorded.requests.push({ action, params })
      onRequest(action, params)
      time += 100
      const json = { headers: { 'content-type': 'application/json' } }
      const id = params['SslVpnClientCertId'] ?? ''
      if (action === 'DeleteSslVpnClientCert') {
        const code = refuse[id]
        if (code) {
          return {
            statusCode: 400,
            data: { RequestId: 'REQ-REFUSED', Code: code, Message: `${code} (test).` },
            responseOptions: json
          }
        }
        live.delete(id)
        return { statusCode: 200, data: { RequestId: `REQ-DEL-${id}` }, responseOptions: json }
      }
      const listed = [...live].filter(
        ([certId, name]) => (!params['Name'] || name === params['Name']) && (!id || certId === id)
      )
      return {
        statusCode: 200,
        data: {
          RequestId: 'REQ-LIST',
          TotalCount: listed.length,
          PageNumber: 1,
          SslVpnClientCertKeys: {
            SslVpnClientCertKey: listed.map(([certId, name]) => ({
              SslVpnClientCertId: certId,
              SslVpnServerId: params['SslVpnServerId'],
              Name: name,
              Status: 'normal'
            }))
          }
        },
        responseOptions: json
      }
    })
    .persist()
}

function fakeIo(
  inputs: Record<string, string>,
  env: Environment = {},
  signal = new AbortController().signal
): ActionIo {
  const summary: ActionIo['summary'] = {
    addHeading: text => (recorded.summary.push(text), summary),
    addTable: rows => (recorded.summary.push(JSON.stringify(rows)), summary),
    addRaw: text => (recorded.summary.push(text), summary),
    write: async () => recorded.summary.push('write')
  }
  return {
    getInput: reader(inputs),
    env,
    setOutput: (name, value) => (recorded.outputs[name] = value),
    saveState: () => {
      throw new Error('the revoke step has no post step: it saves no state')
    },
    summary,
    logger: {
      info: line => recorded.info.push(line),
      warning: line => recorded.warnings.push(line),
      debug: () => undefined,
      setFailed: message => recorded.failures.push(message),
      setSecret: secret => recorded.masked.push(secret)
    },
    now: () => time,
    sleep: async ms => {
      time += ms
    },
    random: () => 0.5,
    newNonce: () => `nonce-${recorded.requests.length}-${time}`,
    randomClientToken: () => 'random-delete-token',
    createDispatcher: () => agent,
    signal,
    prepareConfigDir: async () => {
      throw new Error('no config-dir in revoke')
    },
    writeProfile: async () => {
      throw new Error('no profile in revoke')
    }
  }
}

describe('runRevoke', () => {
  test('revokes, sets its outputs, warns of the disconnections, writes the summary', async () => {
    serve([{ certId: 'vsc-old1' }, { certId: 'vsc-old2' }, { certId: 'vsc-other', name: 'stays' }])
    await runRevoke(fakeIo(INPUTS, { ...RUN_ENV, GITHUB_STEP_SUMMARY: '/runner/summary' }))
    expect(recorded.failures).toEqual([])
    expect(recorded.outputs).toEqual({
      'revoked-cert-ids': JSON.stringify(['vsc-old1', 'vsc-old2']),
      absent: '[]',
      count: '2'
    })
    expect(recorded.warnings).toEqual([
      `2 certificates were deleted on ${SERVER}: each delete disconnected every client of that SSL server (2 times in all); the other users must reconnect.`
    ])
    // Each delete's token is derived from the run and the certificate: a re-run re-sends it.
    const deletes = recorded.requests.filter(r => r.action === 'DeleteSslVpnClientCert')
    expect(deletes.map(r => r.params['ClientToken'])).toEqual(
      ['vsc-old1', 'vsc-old2'].map(certId =>
        deriveDeleteClientToken(
          { repository: 'acme/offboarding', runId: '77', job: 'offboard', step: 'revoke' },
          { regionId: 'cn-hangzhou', certId }
        )
      )
    )
    expect(recorded.summary.at(-1)).toBe('write')
    expect(recorded.summary.join('\n')).toContain(
      `<code>${SERVER}</code> was disconnected, 2 times`
    )
    expect(recorded.masked).toEqual(expect.arrayContaining([KEY_ID, KEY_SECRET]))
    expect(agent.destroyed).toBe(1)
  })

  test('outside a workflow run: random delete tokens; no summary without GITHUB_STEP_SUMMARY', async () => {
    serve([{ certId: 'vsc-old1' }])
    await runRevoke(fakeIo(INPUTS))
    const deletes = recorded.requests.filter(r => r.action === 'DeleteSslVpnClientCert')
    expect(deletes.map(r => r.params['ClientToken'])).toEqual(['random-delete-token'])
    expect(recorded.summary).toEqual([])
  })

  test('nothing there: absent, success, a warning that names the name and the SSL server', async () => {
    serve([])
    await runRevoke(fakeIo(INPUTS))
    expect(recorded.failures).toEqual([])
    expect(recorded.warnings).toEqual([
      `No certificate named "leaver" on SSL server ${SERVER} (cn-hangzhou): nothing was revoked for it. Check the name for a typo (a name matches exactly, case included); if it was revoked already, nothing is missing. To fail the step in this case, set fail-if-absent: true.`
    ])
    expect(recorded.outputs).toEqual({ 'revoked-cert-ids': '[]', absent: '["leaver"]', count: '0' })
  })

  test('fail-if-absent: the others are still revoked, then the step fails naming the absent', async () => {
    serve([{ certId: 'vsc-old1' }])
    await runRevoke(
      fakeIo({ ...INPUTS, name: '', names: 'leaver\nlaever', 'fail-if-absent': 'true' })
    )
    expect(recorded.outputs).toEqual({
      'revoked-cert-ids': '["vsc-old1"]',
      absent: '["laever"]',
      count: '1'
    })
    expect(recorded.failures).toEqual([
      `No certificate named "laever" on SSL server ${SERVER} (cn-hangzhou): nothing was revoked for it. Check the name for a typo (a name matches exactly, case included); if it was revoked already, nothing is missing. The step fails because fail-if-absent is true.`
    ])
    // The warning is the disconnection's only: the absent name is the failure, not also a warning.
    expect(recorded.warnings).toHaveLength(1)
    expect(recorded.warnings[0]).toMatch(/^One certificate was deleted/)
  })

  test('cancelled during the third of four deletes: outputs and summary for the two gone, the rest named', async () => {
    const cancellation = new AbortController()
    let deletes = 0
    serve(
      [
        { certId: 'vsc-old1' },
        { certId: 'vsc-old2' },
        { certId: 'vsc-old3', name: 'leaver' },
        { certId: 'vsc-old4' }
      ],
      {},
      action => {
        if (action === 'DeleteSslVpnClientCert' && ++deletes === 3) {
          cancellation.abort(new CancelledError('received SIGTERM'))
        }
      }
    )
    await runRevoke(fakeIo(INPUTS, { GITHUB_STEP_SUMMARY: '/runner/summary' }, cancellation.signal))
    expect(recorded.requests.filter(r => r.action === 'DeleteSslVpnClientCert')).toHaveLength(3)
    expect(recorded.outputs).toEqual({
      'revoked-cert-ids': '["vsc-old1","vsc-old2"]',
      absent: '[]',
      count: '2'
    })
    expect(recorded.failures).toEqual([
      [
        'Cancelled (received SIGTERM): 2 of 4 certificates found were revoked; what remains:',
        '- vsc-old3 (leaver): cancelled during its delete: it may be gone already, or still work',
        '- vsc-old4 (leaver): not revoked, cancelled before its turn; it still works',
        'A re-run of this job finishes the revocation: it deletes only what is left, re-sending the same deletes (ClientTokens), so nothing is done twice.'
      ].join('\n')
    ])
    expect(recorded.warnings[0]).toBe('Cancelled (received SIGTERM).')
    expect(recorded.warnings[1]).toMatch(/^2 certificates were deleted on/)
    const summary = recorded.summary.join('\n')
    expect(summary).toContain('<strong>Cancelled</strong> (received SIGTERM): 2 of 4 certificates')
    expect(summary).toContain('not revoked</strong>: cancelled before its turn; it still works')
    expect(recorded.summary.at(-1)).toBe('write')
  })

  test('cancelled while waiting for an accepted delete: counted as a disconnection, not as gone', async () => {
    const cancellation = new AbortController()
    serve([{ certId: 'vsc-old1' }, { certId: 'vsc-old2' }], {}, (action, params) => {
      const waiting = action === 'DescribeSslVpnClientCerts' && params['SslVpnClientCertId']
      if (waiting) cancellation.abort(new CancelledError('received SIGINT'))
    })
    await runRevoke(fakeIo(INPUTS, {}, cancellation.signal))
    expect(recorded.outputs['revoked-cert-ids']).toBe('[]')
    expect(recorded.warnings).toContain(
      `One certificate was deleted on ${SERVER}: each delete disconnected every client of that SSL server; the other users must reconnect.`
    )
    expect(recorded.failures[0]).toContain(
      '- vsc-old1 (leaver): its delete was accepted (every client was disconnected), but it was not yet seen gone: the step was cancelled'
    )
    expect(recorded.failures[0]).toContain(
      '- vsc-old2 (leaver): not revoked, cancelled before its turn; it still works'
    )
  })

  test('cancelled during the keyless exchange, before any lookup: no claim about a certificate', async () => {
    const cancellation = new AbortController()
    cancellation.abort(new CancelledError('received SIGINT'))
    serve([{ certId: 'vsc-old1' }])
    await runRevoke(
      fakeIo(
        {
          'region-id': 'cn-hangzhou',
          'ssl-vpn-server-id': SERVER,
          name: 'leaver',
          'role-to-assume': 'acs:ram::1234567890123456:role/github-ci',
          'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/github'
        },
        {
          ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example.test/token?api-version=2.0',
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token-0001'
        },
        cancellation.signal
      )
    )
    expect(recorded.failures).toEqual([
      'Cancelled (received SIGINT) before anything was looked up or deleted: a re-run of this job does the revocation.'
    ])
    expect(recorded.requests).toEqual([])
    expect(recorded.outputs).toEqual({})
  })

  test('cancelled before any lookup: said so, nothing claimed', async () => {
    const cancellation = new AbortController()
    cancellation.abort(new CancelledError('received SIGTERM'))
    serve([{ certId: 'vsc-old1' }])
    await runRevoke(fakeIo(INPUTS, {}, cancellation.signal))
    expect(recorded.outputs).toEqual({ 'revoked-cert-ids': '[]', absent: '[]', count: '0' })
    expect(recorded.failures).toEqual([
      [
        'Cancelled (received SIGTERM) before anything was deleted; not done:',
        '- name leaver: not looked up (cancelled)',
        'A re-run of this job finishes the revocation: it deletes only what is left, re-sending the same deletes (ClientTokens), so nothing is done twice.'
      ].join('\n')
    ])
  })

  test('a refused delete: the outputs of the others, one failure message naming it', async () => {
    serve([{ certId: 'vsc-old1' }, { certId: 'vsc-old2' }], {
      'vsc-old1': 'VpnGateway.FinancialLocked'
    })
    await runRevoke(fakeIo(INPUTS))
    expect(recorded.outputs['revoked-cert-ids']).toBe('["vsc-old2"]')
    expect(recorded.failures).toHaveLength(1)
    expect(recorded.failures[0]).toMatch(
      /^1 revocation failed \(1 certificate is gone; a re-run deletes only what is left\):\n- vsc-old1 \(leaver\): VpnGateway\.FinancialLocked: VpnGateway\.FinancialLocked \(test\)\. \(RequestId: REQ-REFUSED\)/
    )
  })

  test('an input error fails before any call; the dispatcher is still destroyed', async () => {
    serve([{ certId: 'vsc-old1' }])
    await runRevoke(fakeIo({ ...INPUTS, 'cert-id': 'vsc-old1' }))
    expect(recorded.failures).toEqual([
      "Input 'cert-id': cannot be combined with 'name'; give exactly one of 'name', 'names', 'cert-id' and 'cert-ids'."
    ])
    expect(recorded.requests).toEqual([])
    expect(recorded.outputs).toEqual({})
    expect(agent.destroyed).toBe(1)
  })

  test('dry run: the outputs say what would go; no delete, no warning', async () => {
    serve([{ certId: 'vsc-old1' }])
    await runRevoke(fakeIo({ ...INPUTS, 'dry-run': 'true' }))
    expect(recorded.requests.map(r => r.action)).toEqual(['DescribeSslVpnClientCerts'])
    expect(recorded.outputs['revoked-cert-ids']).toBe('["vsc-old1"]')
    expect(recorded.warnings).toEqual([])
    expect(recorded.info[0]).toMatch(
      /^Dry run: listing what revoking would delete, deleting nothing: every SSL-VPN client certificate named leaver on vss-bp1revoke0001/
    )
  })
})
