/**
 * End to end over the bundles (main, revoke, report), run as the runner runs them, against a
 * stand-in whose DescribeSslVpnClientCerts misbehaves (`listingFaults`: pages that repeat, a
 * TotalCount that undercounts, a server filter that is ignored) or whose certificates carry names
 * the API allows but our input rule does not (`a`, `张三`, `john laptop`). A listing that
 * contradicts itself must stop the step with a clear error and delete nothing; one that lists
 * another SSL server's certificates must never get one of them deleted or reused; a name the API
 * allows must be listed, reported and revoked like any other.
 *
 * The runs are slow (a Node process each), so they run in `beforeAll`, a few at a time; every row
 * is then its own test.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import {
  DEFAULT_CREDENTIALS,
  startStandIn,
  type CallRecord,
  type StandIn,
  type StandInOptions
} from '../../test-server/stand-in.mjs'
import { runAction, type RunResult } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { inParallel } from '../../__fixtures__/in-parallel.js'

const [KEY] = DEFAULT_CREDENTIALS
if (!KEY) throw new Error('the stand-in has no default credentials')

const SERVER = 'vss-standin0001'
const OTHER_SERVER = 'vss-standin0002'
const TWO_SERVERS = [
  { regionId: 'cn-hangzhou', sslVpnServerId: SERVER },
  { regionId: 'cn-hangzhou', sslVpnServerId: OTHER_SERVER }
]
const WORKFLOW = {
  GITHUB_REPOSITORY: 'acme/offboarding',
  GITHUB_RUN_ID: '9002',
  GITHUB_JOB: 'listing',
  GITHUB_ACTION: 'listing'
}
const PARALLEL = 4
const DAY_MS = 24 * 60 * 60 * 1000
/** Names the API allows and older certificates carry, that our input rule would refuse. */
const API_NAMES = ['a', '张三', 'john laptop', 'x|`y`|<b>z</b>']

interface Row {
  title: string
  action: 'main' | 'revoke' | 'report'
  standIn: StandInOptions
  /** Inputs over the base ones (region, SSL server, endpoint, keys). */
  inputs: (standIn: StandIn) => Record<string, string | undefined>
  check: (outcome: Outcome) => void
}

interface Outcome {
  standIn: StandIn
  result: RunResult
  /** The IDs of the certificates the stand-in held before the run, in listing order. */
  ids: string[]
}

const ids = (s: StandIn) => s.certificates.map(c => c.id)
const idsNamed = (s: StandIn, name: string, server = SERVER) =>
  s.certificates.filter(c => c.name === name && c.sslVpnServerId === server).map(c => c.id)
const deletes = (s: StandIn): CallRecord[] =>
  s.calls.filter(c => c.action === 'DeleteSslVpnClientCert')
const json = (result: RunResult, name: string): unknown =>
  JSON.parse(result.outputs[name] ?? 'null')
const many = (n: number, name: string, extra: object = {}) =>
  Array.from({ length: n }, () => ({ name, ...extra }))

/**
 * The step failed with the inconsistent-listing error (one annotation naming the operation, the
 * RequestId, what was inconsistent and that nothing more was deleted), and nothing was deleted.
 */
function expectStoppedOnInconsistentListing(outcome: Outcome, inconsistency: RegExp) {
  const { result, standIn } = outcome
  expect(result.exitCode).toBe(1)
  const error = result.errors.join('\n')
  expect(error).toMatch(
    /DescribeSslVpnClientCerts answered inconsistently for .* \(RequestId: [A-Za-z0-9-]+\): /
  )
  expect(error).toMatch(inconsistency)
  expect(error).toContain('nothing more was deleted or used on its word')
  expect(deletes(standIn)).toEqual([])
  expect(standIn.disconnections).toEqual({})
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

const ROWS: Row[] = [
  // revoke
  {
    title:
      'revoke name: a listing that ignores PageNumber (page 1 again) stops the step, nothing deleted',
    action: 'revoke',
    standIn: {
      existingCertificates: many(60, 'alice'),
      listingFaults: { ignorePageNumber: 'echo-requested' }
    },
    inputs: () => ({ name: 'alice' }),
    check: outcome => {
      expectStoppedOnInconsistentListing(
        outcome,
        /page 2 lists only certificates of earlier pages .*: the PageNumber asked for was ignored/
      )
      expect(json(outcome.result, 'revoked-cert-ids')).toEqual([])
      expect(outcome.standIn.listedCertificates()).toHaveLength(60)
    }
  },
  {
    title:
      'revoke name: a TotalCount that undercounts (50 for 60): read on, stopped, nothing deleted',
    action: 'revoke',
    standIn: { existingCertificates: many(60, 'alice'), listingFaults: { undercountTotal: 10 } },
    inputs: () => ({ name: 'alice' }),
    check: outcome => {
      expectStoppedOnInconsistentListing(
        outcome,
        /its pages list 60 certificates, more than its TotalCount of 50/
      )
      const pages = outcome.standIn.calls
        .filter(c => c.action === 'DescribeSslVpnClientCerts')
        .map(c => c.params['PageNumber'])
      expect(pages).toEqual(['1', '2'])
    }
  },
  {
    title:
      'revoke name: a listing that ignores the server filter: the other server’s alice is not deleted',
    action: 'revoke',
    standIn: {
      sslVpnServers: TWO_SERVERS,
      existingCertificates: [{ name: 'alice' }, { name: 'alice', sslVpnServerId: OTHER_SERVER }],
      listingFaults: { ignoreServerFilter: true }
    },
    inputs: () => ({ name: 'alice' }),
    check: outcome => {
      expectStoppedOnInconsistentListing(
        outcome,
        new RegExp(
          `it lists vsc-[a-z0-9]+ of SSL server ${OTHER_SERVER}, though only certificates of ${SERVER} were asked for \\(the filter was ignored\\)`
        )
      )
      expect(outcome.standIn.listedCertificates()).toHaveLength(2)
    }
  },
  {
    title:
      'revoke cert-id: an ID of another server, listing ignoring the server filter: not deleted',
    action: 'revoke',
    standIn: {
      sslVpnServers: TWO_SERVERS,
      existingCertificates: [{ name: 'bob', sslVpnServerId: OTHER_SERVER }, { name: 'carol' }],
      listingFaults: { ignoreServerFilter: true }
    },
    inputs: s => ({ 'cert-ids': ids(s).join('\n') }),
    check: outcome => {
      expectStoppedOnInconsistentListing(outcome, new RegExp(`of SSL server ${OTHER_SERVER}`))
      // Not even carol's, on the right server: that endpoint is not trusted any more.
      expect(outcome.standIn.listedCertificates()).toHaveLength(2)
    }
  },
  {
    title:
      'revoke cert-id: certificates named a, 张三, john laptop (names the API allows) are revoked',
    action: 'revoke',
    standIn: { existingCertificates: API_NAMES.map(name => ({ name })) },
    inputs: s => ({ 'cert-ids': ids(s).join('\n') }),
    check: ({ result, standIn, ids }) => {
      expect(result.errors).toEqual([])
      expect(result.exitCode).toBe(0)
      expect(json(result, 'revoked-cert-ids')).toEqual(ids)
      expect(standIn.listedCertificates()).toEqual([])
      // Shown as they are, escaped: one HTML table, the markup as text.
      expect(result.summary).toContain('<td>张三</td>')
      expect(result.summary).toContain('<td>john laptop</td>')
      expect(result.summary).toContain('x|`y`|&lt;b&gt;z&lt;/b&gt;')
      expect(result.summary).not.toContain('<b>z</b>')
    }
  },
  // report
  {
    title:
      'report: certificates named a, 张三, john laptop are listed and reported, not an unexpected answer',
    action: 'report',
    standIn: {
      existingCertificates: [
        ...API_NAMES.map(name => ({ name })),
        { name: '张三', endTime: Date.now() + 3 * DAY_MS }
      ]
    },
    inputs: () => ({}),
    check: ({ result, ids }) => {
      expect(result.errors).toEqual([])
      expect(result.exitCode).toBe(0)
      expect(result.outputs['certificate-count']).toBe('5')
      const listed = json(result, 'certificates') as { name: string }[]
      expect(listed.map(c => c.name).sort()).toEqual([...API_NAMES, '张三'].sort())
      expect(json(result, 'expiring')).toEqual([
        expect.objectContaining({ 'cert-id': ids[4], name: '张三' })
      ])
      expect(result.summary).toContain('x|`y`|&lt;b&gt;z&lt;/b&gt;')
      expect(result.summary).not.toContain('<b>z</b>')
    }
  },
  {
    title:
      'report: names no console makes (a line break, U+2028, a tab, a bidi override) are listed in their escaped form, not an unexpected answer',
    action: 'report',
    standIn: {
      existingCertificates: [
        { name: 'alice\n::error::forged', endTime: Date.now() + 3 * DAY_MS },
        { name: 'two\u2028lines' },
        { name: 'tab\there' },
        { name: 'ab\u202ecd' }
      ]
    },
    inputs: () => ({}),
    check: ({ result }) => {
      expect(result.errors).toEqual([])
      expect(result.exitCode).toBe(0)
      expect(result.outputs['certificate-count']).toBe('4')
      const listed = json(result, 'certificates') as { name: string }[]
      expect(listed.map(c => c.name).sort()).toEqual(
        ['alice\\u000a::error::forged', 'two\\u2028lines', 'tab\\u0009here', 'ab\\u202ecd'].sort()
      )
      expect(json(result, 'expiring')).toEqual([
        expect.objectContaining({ name: 'alice\\u000a::error::forged' })
      ])
      // Nothing of a name starts a line of the log (no forged annotation) or hides text.
      expect(result.stdout).not.toMatch(/^::error::forged/m)
      expect(result.stdout + result.summary).not.toMatch(/[\u2028\u202e]/)
      expect(result.summary).toContain('two\\u2028lines')
    }
  },
  {
    title:
      'report: a TotalCount that undercounts (50 for 60): an error, not a report of 50 that misses the expiring ones',
    action: 'report',
    standIn: {
      existingCertificates: [
        ...many(55, 'staff'),
        ...many(5, 'soon', { endTime: Date.now() + 3 * DAY_MS })
      ],
      listingFaults: { undercountTotal: 10 }
    },
    inputs: () => ({}),
    check: outcome => {
      expectStoppedOnInconsistentListing(
        outcome,
        /its pages list 60 certificates, more than its TotalCount of 50/
      )
      expect(outcome.result.outputs['certificate-count']).toBeUndefined()
    }
  },
  {
    title: 'report: pages that repeat (PageNumber 1 echoed for page 2): an error, not 50 of 60',
    action: 'report',
    standIn: {
      existingCertificates: many(60, 'staff'),
      listingFaults: { ignorePageNumber: 'echo-served' }
    },
    inputs: () => ({}),
    check: outcome => {
      expectStoppedOnInconsistentListing(outcome, /page 2 came back as PageNumber 1/)
    }
  },
  // create with if-exists
  {
    title:
      'if-exists: replace, a TotalCount that undercounts: the old ones are not left working behind a green step',
    action: 'main',
    standIn: { existingCertificates: many(55, 'alice'), listingFaults: { undercountTotal: 10 } },
    inputs: () => ({ name: 'alice', 'if-exists': 'replace' }),
    check: ({ result, standIn, ids }) => {
      expect(result.exitCode).toBe(1)
      expect(result.errors.join('\n')).toMatch(
        /DescribeSslVpnClientCerts answered inconsistently for the certificates named "alice" on vss-standin0001 .*: its pages list 56 certificates, more than its TotalCount of 46/
      )
      expect(deletes(standIn)).toEqual([])
      // The new one was made (its outputs say so); all 55 old ones are still there.
      expect(idsNamed(standIn, 'alice')).toHaveLength(56)
      expect(result.outputs['cert-id']).toBe(idsNamed(standIn, 'alice')[55])
      expect(standIn.listedCertificates().map(c => c.id)).toEqual(expect.arrayContaining(ids))
      expect(json(result, 'replaced-cert-ids')).toEqual([])
    }
  },
  {
    title:
      'if-exists: replace, a listing that ignores the server filter: the other server’s alice is not deleted',
    action: 'main',
    standIn: {
      sslVpnServers: TWO_SERVERS,
      existingCertificates: [{ name: 'alice' }, { name: 'alice', sslVpnServerId: OTHER_SERVER }],
      listingFaults: { ignoreServerFilter: true }
    },
    inputs: () => ({ name: 'alice', 'if-exists': 'replace' }),
    check: ({ result, standIn }) => {
      expect(result.exitCode).toBe(1)
      expect(result.errors.join('\n')).toMatch(
        new RegExp(`of SSL server ${OTHER_SERVER}, though only certificates of ${SERVER}`)
      )
      expect(deletes(standIn)).toEqual([])
      expect(idsNamed(standIn, 'alice', OTHER_SERVER)).toHaveLength(1)
      expect(standIn.listedCertificates()).toHaveLength(3)
    }
  },
  {
    title:
      'if-exists: reuse, a listing that ignores the server filter: another server’s certificate is not reused',
    action: 'main',
    standIn: {
      sslVpnServers: TWO_SERVERS,
      existingCertificates: [{ name: 'alice', sslVpnServerId: OTHER_SERVER }],
      listingFaults: { ignoreServerFilter: true }
    },
    inputs: () => ({ name: 'alice', 'if-exists': 'reuse' }),
    check: ({ result, ids }) => {
      expect(result.exitCode).toBe(1)
      expect(result.errors.join('\n')).toMatch(
        new RegExp(`of SSL server ${OTHER_SERVER}, though only certificates of ${SERVER}`)
      )
      expect(result.outputs['cert-id']).not.toBe(ids[0])
      expect(result.stdout).not.toContain(`Reusing ${ids[0]}`)
    }
  },
  {
    title:
      'if-exists: reuse, 60 of that name and a TotalCount of 50: stopped, nothing reused or created',
    action: 'main',
    standIn: { existingCertificates: many(60, 'alice'), listingFaults: { undercountTotal: 10 } },
    inputs: () => ({ name: 'alice', 'if-exists': 'reuse' }),
    check: ({ result, standIn }) => {
      expect(result.exitCode).toBe(1)
      expect(result.errors.join('\n')).toMatch(/more than its TotalCount of 50/)
      expect(standIn.calls.filter(c => c.action === 'CreateSslVpnClientCert')).toEqual([])
    }
  }
]

const outcomes = new Map<Row, Outcome>()

async function runRow(row: Row): Promise<Outcome> {
  const standIn = await startStandIn(row.standIn)
  const before = ids(standIn)
  const result = await runAction({
    ...(row.action === 'main' ? {} : { action: row.action }),
    inputs: {
      'region-id': 'cn-hangzhou',
      ...(row.action === 'report' ? {} : { 'ssl-vpn-server-id': SERVER }),
      endpoint: standIn.endpoint,
      'access-key-id': KEY?.accessKeyId,
      'access-key-secret': KEY?.accessKeySecret,
      ...row.inputs(standIn)
    },
    env: WORKFLOW,
    killAfterMs: 90_000
  })
  return { standIn, result, ids: before }
}

beforeAll(async () => {
  await inParallel(ROWS, PARALLEL, async row => {
    outcomes.set(row, await runRow(row))
  })
}, 240_000)

afterAll(async () => {
  await Promise.all([...outcomes.values()].map(outcome => outcome.standIn.close()))
})

describe('listings believed only for what they prove (main, revoke and report bundles)', () => {
  test.each(ROWS.map(row => [row.title, row] as const))('%s', (_title, row) => {
    const outcome = outcomes.get(row)
    if (!outcome) throw new Error('the row did not run')
    expectNoSecrets(outcome.result, [KEY.accessKeyId, KEY.accessKeySecret])
    row.check(outcome)
  })
})
