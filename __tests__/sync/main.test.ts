/**
 * The sync step's wiring, in-process: runSync with a fake runner, a roster given as text, and an
 * undici MockAgent that plays the VPC API's listing and records every request. A bad or missing
 * roster fails before any request; plan mode lists and changes nothing; the safety rail stops
 * apply before any change.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { reader, VALID } from '../../__fixtures__/inputs.js'
import { RunAgent } from '../../__fixtures__/run-agent.js'
import { DAY_MS } from '../../src/certificates/expiry.js'
import { type Environment } from '../../src/core/environment.js'
import { runSync, type SyncIo } from '../../src/sync/main.js'

const VPC = 'https://vpc.cn-hangzhou.aliyuncs.com'
const START = Date.parse('2026-12-05T08:00:00Z')
const SERVER = VALID['ssl-vpn-server-id'] ?? ''
const ENV: Environment = { GITHUB_WORKSPACE: '/work/repo', GITHUB_STEP_SUMMARY: '/runner/summary' }

let agent: RunAgent
let requests: string[]
let recorded: {
  outputs: Record<string, string>
  failures: string[]
  summary: string[]
  files: string[]
}

beforeEach(() => {
  agent = new RunAgent()
  agent.disableNetConnect()
  requests = []
  recorded = { outputs: {}, failures: [], summary: [], files: [] }
})
afterEach(async () => {
  await agent.close()
})

/** The VPC API: every call recorded by its Action; listings answered with these names. */
function serveListing(names: string[], totalCount = names.length) {
  agent
    .get(VPC)
    .intercept({ path: p => p.startsWith('/?'), method: 'POST' })
    .reply<object>(options => {
      const params = new URLSearchParams(options.path.slice(2))
      // V3 signing names the operation in a header; V1 in the query.
      const headers = options.headers as Record<string, string>
      requests.push(headers['x-acs-action'] ?? params.get('Action') ?? '?')
      return {
        statusCode: 200,
        data: {
          RequestId: 'REQ-LIST',
          TotalCount: totalCount,
          PageNumber: 1,
          PageSize: 50,
          SslVpnClientCertKeys: {
            SslVpnClientCertKey: names.map((name, i) => ({
              SslVpnClientCertId: `vsc-main${i}`,
              Name: name,
              SslVpnServerId: SERVER,
              Status: 'normal',
              CreateTime: START - 100 * DAY_MS,
              EndTime: START + 900 * DAY_MS
            }))
          }
        },
        responseOptions: { headers: { 'content-type': 'application/json' } }
      }
    })
    .persist()
}

function fakeIo(inputs: Record<string, string>, roster: string | Error): SyncIo {
  const summary: SyncIo['summary'] = {
    addHeading: text => (recorded.summary.push(text), summary),
    addTable: rows => (recorded.summary.push(JSON.stringify(rows)), summary),
    addRaw: text => (recorded.summary.push(text), summary),
    write: async () => recorded.summary.push('(written)')
  }
  return {
    getInput: reader({ ...VALID, ...inputs }),
    env: ENV,
    setOutput: (name, value) => void (recorded.outputs[name] = value),
    summary,
    logger: {
      info: () => undefined,
      warning: () => undefined,
      debug: () => undefined,
      setFailed: message => void recorded.failures.push(message),
      setSecret: () => undefined
    },
    now: () => START,
    sleep: async () => undefined,
    random: () => 0.5,
    newNonce: () => `nonce-${requests.length}-${Math.random()}`,
    randomClientToken: () => 'random-token',
    createDispatcher: () => agent,
    signal: new AbortController().signal,
    prepareConfigDir: async dir => dir,
    writeProfile: async (dir, fileName) => `${dir}/${fileName}`,
    readRoster: async path => {
      recorded.files.push(path)
      if (roster instanceof Error) throw roster
      return roster
    },
    writePlanFile: async fileName => `/runner/temp/${fileName}`
  }
}

describe('runSync', () => {
  test('a bad roster fails the step with file and line, before any request', async () => {
    serveListing([])
    await runSync(fakeIo({}, 'certificates:\n  - name: alice\n  - name: alice\n'))
    expect(recorded.failures).toEqual([
      `Input 'roster-file': ".github/ssl-vpn-roster.yml" line 3: the name "alice" is already on line 2; one entry per certificate name.`
    ])
    expect(recorded.files).toEqual(['/work/repo/.github/ssl-vpn-roster.yml'])
    expect(requests).toEqual([])
  })

  test('a missing roster: says to check out the repository, before any request', async () => {
    serveListing([])
    await runSync(fakeIo({}, Object.assign(new Error('nope'), { code: 'ENOENT' })))
    expect(recorded.failures).toEqual([
      `Input 'roster-file': ".github/ssl-vpn-roster.yml" does not exist in the workspace; check out the repository first (actions/checkout), or set roster-file.`
    ])
    expect(requests).toEqual([])
  })

  test('plan: one listing, outputs and summary, no change', async () => {
    serveListing(['alice', 'mallory'])
    await runSync(fakeIo({}, 'certificates:\n  - name: alice\n  - name: bob\n'))
    expect(recorded.failures).toEqual([])
    expect(requests).toEqual(['DescribeSslVpnClientCerts'])
    expect(recorded.outputs).toMatchObject({
      'create-count': '1',
      'revoke-count': '1',
      changes: 'true',
      'plan-file': `/runner/temp/ssl-vpn-sync-plan-${SERVER}.json`
    })
    expect(recorded.summary.join('\n')).toContain('1 to create, 1 to revoke, 1 kept.')
  })

  test('apply over max-revocations: refused after the listing, nothing created or deleted', async () => {
    serveListing(['u1', 'u2', 'u3'])
    await runSync(
      fakeIo({ mode: 'apply', 'max-revocations': '2' }, 'certificates:\n  - name: newcomer\n')
    )
    expect(requests).toEqual(['DescribeSslVpnClientCerts'])
    expect(recorded.failures).toEqual([
      expect.stringMatching(/^The plan revokes 3 certificates, more than max-revocations \(2\)/)
    ])
  })

  test('apply on a listing that contradicts itself: refused, nothing created or deleted', async () => {
    // One page of 2 certificates that claims 5 in all.
    serveListing(['alice', 'mallory'], 5)
    await runSync(fakeIo({ mode: 'apply' }, 'certificates:\n  - name: alice\n  - name: bob\n'))
    expect(requests.every(r => r === 'DescribeSslVpnClientCerts')).toBe(true)
    expect(recorded.failures).toEqual([
      expect.stringMatching(/DescribeSslVpnClientCerts answered inconsistently/)
    ])
    expect(recorded.outputs['created']).toBeUndefined()
  })

  test.each([
    [
      'an Ed25519 key that is not a point',
      `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'A'.repeat(43)}`,
      /its Ed25519 key is (not a valid|a weak) point/
    ],
    ['an age recipient with a bad checksum', `age1${'q'.repeat(58)}`, /Bech32 checksum/]
  ])(
    'a roster recipient delivery cannot use (%s): refused with file and line, before any request',
    async (_what, recipient, problem) => {
      serveListing([])
      await runSync(
        fakeIo(
          { mode: 'apply', 'config-dir': '/profiles' },
          `certificates:\n  - name: alice\n  - name: bob\n    recipient: ${recipient}\n`
        )
      )
      expect(recorded.failures).toHaveLength(1)
      expect(recorded.failures[0]).toMatch(
        /^Input 'roster-file': "\.github\/ssl-vpn-roster\.yml" line 4: the recipient of bob: /
      )
      expect(recorded.failures[0]).toMatch(problem)
      expect(requests).toEqual([])
    }
  )
})
