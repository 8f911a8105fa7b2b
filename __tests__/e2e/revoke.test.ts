/**
 * End to end over the revoke action's bundle: each row runs the file revoke/action.yml's
 * `runs.main` names, as the runner does (INPUT_* variables with revoke/action.yml's defaults,
 * outputs from GITHUB_OUTPUT, the job summary from GITHUB_STEP_SUMMARY), against its own local
 * stand-in, once or twice (a re-run of the same job), and checks what the stand-in saw: which
 * certificates were deleted, one at a time, each with its own ClientToken, and how many times
 * every client of the SSL server was disconnected.
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
import { runAction, type RunOptions, type RunResult } from '../../test-server/run-action.mjs'
import { expectNoSecrets } from '../../__fixtures__/secrets.js'
import { inParallel } from '../../__fixtures__/in-parallel.js'
import { releaseBusyGateway, runActionWhile } from '../../__fixtures__/wait-for.js'

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
  GITHUB_RUN_ID: '9001',
  GITHUB_JOB: 'offboard',
  GITHUB_ACTION: 'revoke'
}
/** revoke/action.yml's outputs: nothing else may appear in GITHUB_OUTPUT. */
const OUTPUTS = ['revoked-cert-ids', 'absent', 'count']
/** How many actions run at once. */
const PARALLEL = 4

interface Row {
  title: string
  standIn: StandInOptions
  /** Inputs over the base ones (region, SSL server, endpoint, keys); IDs come from the stand-in. */
  inputs: (standIn: StandIn) => Record<string, string | undefined>
  /** Runs of the same job (a re-run sends the same tokens). Default 1. */
  runs?: number
  /** Keyless: the stand-in plays the token service and STS, no keys are given. */
  oidc?: boolean
  /**
   * While a run goes, each new VpnGateway.Configuring answer moves the stand-in's clock on by this
   * many ms: a gateway busy for that long (busyAfterDeleteMs) is busy when the next call comes
   * however slow the machine, and free once the action has been told so.
   */
  releaseBusyMs?: number
  check: (outcome: Outcome) => void
}

interface Outcome {
  standIn: StandIn
  results: RunResult[]
  /** The stand-in's calls, run by run. */
  calls: CallRecord[][]
  /** The IDs of the certificates the stand-in held before the first run, in listing order. */
  ids: string[]
}

const ids = (s: StandIn) => s.certificates.map(c => c.id)
const listed = (s: StandIn) => s.listedCertificates().map(c => c.id)
const deletes = (calls: CallRecord[]) => calls.filter(c => c.action === 'DeleteSslVpnClientCert')
const accepted = (calls: CallRecord[]) => deletes(calls).filter(c => c.outcome === 'deleted')
const json = (result: RunResult | undefined, name: string): unknown =>
  JSON.parse(result?.outputs[name] ?? 'null')
const only = (outcome: Outcome): RunResult => {
  expect(outcome.results).toHaveLength(1)
  return outcome.results[0] as RunResult
}
/** The runner's warning annotations. */
const warnings = (result: RunResult) =>
  [...result.stdout.matchAll(/^::warning::(.*)$/gm)].map(m => m[1] ?? '')

/** The cost, said plainly in the log (a warning) and in the job summary. */
function expectDisconnectionsSaid(result: RunResult, n: number) {
  expect(warnings(result)).toEqual([
    `${n === 1 ? 'One certificate was' : `${n} certificates were`} deleted on ${SERVER}: each delete disconnected every client of that SSL server${n === 1 ? '' : ` (${n} times in all)`}; the other users must reconnect.`
  ])
  expect(result.summary).toContain(
    `<strong>Every client of SSL server <code>${SERVER}</code> was disconnected${n > 1 ? `, ${n} times (once per delete)` : ''}</strong>`
  )
  expect(result.stdout).toContain(`every client of ${SERVER} was disconnected`)
}

/**
 * One at a time: every delete the stand-in accepted was sent only once the certificate deleted
 * before it was no longer listed (a listing by its ID, after its deletion had ended).
 */
function expectOneAtATime(outcome: Outcome, calls: CallRecord[], visibleForMs: number) {
  const done = accepted(calls)
  for (const [i, call] of done.entries()) {
    if (i === 0) continue
    const previousId = done[i - 1]?.params['SslVpnClientCertId']
    const previous = outcome.standIn.certificates.find(c => c.id === previousId)
    const firstAttempt = calls.find(
      c =>
        c.action === 'DeleteSslVpnClientCert' &&
        c.params['SslVpnClientCertId'] === call.params['SslVpnClientCertId']
    )
    const before = calls.slice(0, firstAttempt ? calls.indexOf(firstAttempt) : 0)
    const lastListing = before
      .filter(
        c =>
          c.action === 'DescribeSslVpnClientCerts' && c.params['SslVpnClientCertId'] === previousId
      )
      .at(-1)
    expect(previous?.deletedAt).not.toBeNull()
    expect(lastListing).toBeDefined()
    // The stand-in's clock is Date.now(): that listing came when the previous one was gone.
    expect(lastListing?.receivedAt).toBeGreaterThanOrEqual(
      (previous?.deletedAt ?? Infinity) + visibleForMs
    )
  }
}

const ROWS: Row[] = [
  {
    title:
      'name: every certificate of exactly that name on this SSL server, across pages (55), one at a time',
    standIn: {
      sslVpnServers: TWO_SERVERS,
      existingCertificates: [
        ...Array.from({ length: 55 }, () => ({ name: 'dup' })),
        { name: 'dup2' },
        { name: 'Dup' },
        { name: 'dup', sslVpnServerId: OTHER_SERVER }
      ]
    },
    inputs: () => ({ name: 'dup' }),
    check: outcome => {
      const result = only(outcome)
      const [calls = []] = outcome.calls
      const dups = outcome.ids.slice(0, 55)
      expect(result.exitCode).toBe(0)
      const byName = calls.filter(c => c.params['Name'] === 'dup')
      expect(byName.map(c => [c.params['SslVpnServerId'], c.params['PageNumber']])).toEqual([
        [SERVER, '1'],
        [SERVER, '2']
      ])
      expect(accepted(calls).map(c => c.params['SslVpnClientCertId'])).toEqual(dups)
      const tokens = accepted(calls).map(c => c.clientToken ?? '')
      expect(new Set(tokens).size).toBe(55)
      expect(tokens.every(t => /^gha-[0-9a-f]{40}$/.test(t))).toBe(true)
      expect(json(result, 'revoked-cert-ids')).toEqual(dups)
      expect(result.outputs['count']).toBe('55')
      expect(json(result, 'absent')).toEqual([])
      expect(listed(outcome.standIn)).toEqual(outcome.ids.slice(55))
      expect(outcome.standIn.disconnections).toEqual({ [SERVER]: 55 })
      expectOneAtATime(outcome, calls, 0)
      expectDisconnectionsSaid(result, 55)
    }
  },
  {
    title: 'cert-id: that one certificate, checked to be on this SSL server; its namesake stays',
    standIn: { existingCertificates: [{ name: 'alice' }, { name: 'alice' }] },
    inputs: s => ({ 'cert-id': ids(s)[1] }),
    check: outcome => {
      const result = only(outcome)
      const [calls = []] = outcome.calls
      const [first, second] = outcome.ids
      expect(result.exitCode).toBe(0)
      // Looked up on this SSL server first, by its ID.
      expect(calls[0]?.action).toBe('DescribeSslVpnClientCerts')
      expect(calls[0]?.params).toMatchObject({ SslVpnServerId: SERVER, SslVpnClientCertId: second })
      expect(accepted(calls).map(c => c.params['SslVpnClientCertId'])).toEqual([second])
      expect(json(result, 'revoked-cert-ids')).toEqual([second])
      expect(result.outputs['count']).toBe('1')
      expect(listed(outcome.standIn)).toEqual([first])
      expect(outcome.standIn.disconnections).toEqual({ [SERVER]: 1 })
      expectDisconnectionsSaid(result, 1)
    }
  },
  {
    title:
      'cert-ids: an ID of another SSL server is refused and named, nothing deleted for it; the others are revoked',
    standIn: {
      sslVpnServers: TWO_SERVERS,
      existingCertificates: [
        { name: 'alice' },
        { name: 'shared', sslVpnServerId: OTHER_SERVER },
        { name: 'bob' }
      ]
    },
    inputs: s => ({ 'cert-ids': ids(s).join('\n') }),
    check: outcome => {
      const result = only(outcome)
      const [calls = []] = outcome.calls
      const [alice, other, bob] = outcome.ids
      expect(result.exitCode).toBe(1)
      expect(result.errors).toEqual([
        // A refusal is refused again on a re-run: the advice is to check the inputs, not to re-run.
        `1 revocation refused (2 certificates are gone):\n- cert-id ${other}: ${other} is a certificate of another SSL server, not of ${SERVER}: refused, nothing was deleted for it. Check cert-id, or ssl-vpn-server-id.`
      ])
      expect(deletes(calls).map(c => c.params['SslVpnClientCertId'])).toEqual([alice, bob])
      expect(listed(outcome.standIn)).toEqual([other])
      expect(outcome.standIn.disconnections).toEqual({ [SERVER]: 2 })
      expect(json(result, 'revoked-cert-ids')).toEqual([alice, bob])
      expect(result.summary).toContain('<strong>refused</strong>')
    }
  },
  {
    title: 'names: already absent is success, so a re-run deletes nothing more',
    standIn: { existingCertificates: [{ name: 'alice' }, { name: 'alice' }, { name: 'carol' }] },
    inputs: () => ({ names: 'alice\nbob' }),
    runs: 2,
    check: ({ standIn, results: [first, again], calls: [, rerun = []], ids: [a1, a2, carol] }) => {
      expect(first?.exitCode).toBe(0)
      expect(json(first, 'revoked-cert-ids')).toEqual([a1, a2])
      expect(json(first, 'absent')).toEqual(['bob'])
      expect(again?.exitCode).toBe(0)
      expect(again?.errors).toEqual([])
      expect(json(again, 'revoked-cert-ids')).toEqual([])
      expect(json(again, 'absent')).toEqual(['alice', 'bob'])
      expect(again?.outputs['count']).toBe('0')
      expect(deletes(rerun)).toEqual([])
      // Nothing deleted, so no disconnection warning; what was absent is said, as a warning.
      expect(warnings(again as RunResult)).toEqual([
        `No certificate named "alice", "bob" on SSL server ${SERVER} (cn-hangzhou): nothing was revoked for them. Check the names for a typo (a name matches exactly, case included); if they were revoked already, nothing is missing. To fail the step in this case, set fail-if-absent: true.`
      ])
      expect(again?.summary).toContain('Nothing was deleted, so no one was disconnected.')
      expect(listed(standIn)).toEqual([carol])
      expect(standIn.disconnections).toEqual({ [SERVER]: 2 })
    }
  },
  {
    title: 'cert-ids: an ID already gone (or never there) is absent, and a re-run succeeds',
    standIn: { existingCertificates: [{ name: 'dave' }] },
    inputs: s => ({ 'cert-ids': `${ids(s)[0]}\nvsc-nosuchcertificate0` }),
    runs: 2,
    check: ({ results: [first, again], calls: [, rerun = []], ids: [dave], standIn }) => {
      expect(first?.exitCode).toBe(0)
      expect(json(first, 'revoked-cert-ids')).toEqual([dave])
      expect(json(first, 'absent')).toEqual(['vsc-nosuchcertificate0'])
      expect(again?.exitCode).toBe(0)
      expect(json(again, 'absent')).toEqual([dave, 'vsc-nosuchcertificate0'])
      expect(deletes(rerun)).toEqual([])
      expect(standIn.disconnections).toEqual({ [SERVER]: 1 })
    }
  },
  {
    title:
      'busy gateway after each delete: a concurrent delete is refused, so each is retried with its own token until accepted',
    standIn: {
      busyAfterDeleteMs: 60_000,
      existingCertificates: Array.from({ length: 4 }, () => ({ name: 'team' }))
    },
    releaseBusyMs: 60_000,
    inputs: () => ({ name: 'team' }),
    check: outcome => {
      const result = only(outcome)
      const [calls = []] = outcome.calls
      expect(result.exitCode).toBe(0)
      expect(accepted(calls).map(c => c.params['SslVpnClientCertId'])).toEqual(outcome.ids)
      // Gone from the listing at once here, so every later delete met the busy gateway first (busy
      // for a minute of the stand-in's clock, which moves on only once Configuring was answered).
      const busy = deletes(calls).filter(c => c.outcome === 'VpnGateway.Configuring')
      expect(new Set(busy.map(c => c.params['SslVpnClientCertId']))).toEqual(
        new Set(outcome.ids.slice(1))
      )
      for (const call of busy) {
        const done = accepted(calls).find(
          c => c.params['SslVpnClientCertId'] === call.params['SslVpnClientCertId']
        )
        expect(call.clientToken).toBe(done?.clientToken)
      }
      expect(result.stdout).toMatch(
        /DeleteSslVpnClientCert attempt 1: VpnGateway\.Configuring \(RequestId: [0-9A-F-]+\); retrying in/
      )
      expect(listed(outcome.standIn)).toEqual([])
      expect(outcome.standIn.disconnections).toEqual({ [SERVER]: 4 })
      expectDisconnectionsSaid(result, 4)
    }
  },
  {
    title:
      'asynchronous deletes: each certificate is waited for until it is no longer listed before the next delete',
    standIn: {
      busyAfterDeleteMs: 1_200,
      deleteVisibleForMs: 1_200,
      existingCertificates: Array.from({ length: 3 }, () => ({ name: 'contractors' }))
    },
    inputs: () => ({ name: 'contractors' }),
    check: outcome => {
      const result = only(outcome)
      const [calls = []] = outcome.calls
      expect(result.exitCode).toBe(0)
      expect(accepted(calls)).toHaveLength(3)
      expectOneAtATime(outcome, calls, 1_200)
      expect(result.stdout).toMatch(/is still listed \(its deletion is under way\); retrying in/)
      expect(result.stdout).toMatch(/gone: no longer listed after \d+ listings/)
      expect(outcome.standIn.disconnections).toEqual({ [SERVER]: 3 })
    }
  },
  {
    title:
      'partial failure: one refused delete does not stop the others, the step names it with code and RequestId; a clean re-run deletes what is left with the same token',
    standIn: {
      existingCertificates: [{ name: 'ann' }, { name: 'ann' }, { name: 'ann' }],
      faults: [
        { action: 'DeleteSslVpnClientCert', kind: 'error', code: 'VpnGateway.FinancialLocked' }
      ]
    },
    inputs: () => ({ name: 'ann' }),
    runs: 2,
    check: ({ standIn, results: [first, again], calls: [run1 = [], run2 = []], ids: all }) => {
      const [a1, a2, a3] = all
      const refused = deletes(run1)[0]
      expect(refused?.outcome).toBe('fault:error')
      expect(first?.exitCode).toBe(1)
      expect(first?.errors).toEqual([
        `1 revocation failed (2 certificates are gone; a re-run deletes only what is left):\n- ${a1} (ann): VpnGateway.FinancialLocked: The specified service is financial locked. (RequestId: ${refused?.requestId}) The VPN gateway is suspended for an overdue payment: top up the Alibaba Cloud account, then re-run.`
      ])
      expect(json(first, 'revoked-cert-ids')).toEqual([a2, a3])
      expect(first?.outputs['count']).toBe('2')
      expect(first?.summary).toContain('<strong>failed</strong>: VpnGateway.FinancialLocked')
      expect(again?.exitCode).toBe(0)
      expect(json(again, 'revoked-cert-ids')).toEqual([a1])
      expect(deletes(run2).map(c => [c.params['SslVpnClientCertId'], c.clientToken])).toEqual([
        [a1, refused?.clientToken]
      ])
      expect(listed(standIn)).toEqual([])
      expect(standIn.disconnections).toEqual({ [SERVER]: 3 })
    }
  },
  {
    title:
      'a delete refused after two succeeded: the others go ahead; outputs and summary for what was done, the one left named by ID and name',
    standIn: {
      existingCertificates: Array.from({ length: 4 }, () => ({ name: 'fay' })),
      faults: [
        {
          action: 'DeleteSslVpnClientCert',
          kind: 'error',
          code: 'VpnGateway.FinancialLocked',
          afterCalls: 2
        }
      ]
    },
    inputs: () => ({ name: 'fay' }),
    check: outcome => {
      const result = only(outcome)
      const [calls = []] = outcome.calls
      const [f1, f2, f3, f4] = outcome.ids
      const refused = deletes(calls)[2]
      expect(refused?.outcome).toBe('fault:error')
      expect(result.exitCode).toBe(1)
      expect(json(result, 'revoked-cert-ids')).toEqual([f1, f2, f4])
      expect(result.outputs['count']).toBe('3')
      expect(result.errors).toEqual([
        `1 revocation failed (3 certificates are gone; a re-run deletes only what is left):\n- ${f3} (fay): VpnGateway.FinancialLocked: The specified service is financial locked. (RequestId: ${refused?.requestId}) The VPN gateway is suspended for an overdue payment: top up the Alibaba Cloud account, then re-run.`
      ])
      expect(result.summary).toContain(
        `<code>${f3}</code></td><td>fay</td><td><strong>failed</strong>: VpnGateway.FinancialLocked`
      )
      expect(listed(outcome.standIn)).toEqual([f3])
      expectDisconnectionsSaid(result, 3)
    }
  },
  {
    title:
      'Forbidden on a delete while the certificate is still listed: a missing permission, named, not a success',
    standIn: {
      existingCertificates: [{ name: 'bob' }],
      faults: [{ action: 'DeleteSslVpnClientCert', kind: 'error', code: 'Forbidden' }]
    },
    inputs: () => ({ name: 'bob' }),
    check: outcome => {
      const result = only(outcome)
      const [calls = []] = outcome.calls
      const [bob] = outcome.ids
      expect(result.exitCode).toBe(1)
      const refused = deletes(calls)[0]
      expect(result.errors[0]).toContain(
        `- ${bob} (bob): Forbidden: User not authorized to operate on the specified resource (RequestId: ${refused?.requestId}). The RAM identity behind these keys lacks vpc:DeleteSslVpnClientCert on this certificate; it is still there`
      )
      // The refusal was checked against a listing by ID before it was believed.
      const after = calls.slice(calls.indexOf(refused as CallRecord) + 1)
      expect(after.map(c => [c.action, c.params['SslVpnClientCertId']])).toContainEqual([
        'DescribeSslVpnClientCerts',
        bob
      ])
      expect(listed(outcome.standIn)).toEqual([bob])
      expect(json(result, 'revoked-cert-ids')).toEqual([])
      expect(warnings(result)).toEqual([])
    }
  },
  {
    title: 'dry-run: lists what would be revoked, in the outputs too, and deletes nothing',
    standIn: {
      existingCertificates: [{ name: 'carl' }, { name: 'carl' }, { name: 'dave' }]
    },
    inputs: () => ({ names: 'carl\ndave\nerin', 'dry-run': 'true' }),
    check: outcome => {
      const result = only(outcome)
      const [calls = []] = outcome.calls
      expect(result.exitCode).toBe(0)
      expect(deletes(calls)).toEqual([])
      expect(json(result, 'revoked-cert-ids')).toEqual(outcome.ids)
      expect(result.outputs['count']).toBe('3')
      expect(json(result, 'absent')).toEqual(['erin'])
      expect(listed(outcome.standIn)).toEqual(outcome.ids)
      expect(outcome.standIn.disconnections).toEqual({})
      expect(result.stdout).toContain(
        'Dry run: listing what revoking would delete, deleting nothing'
      )
      expect(result.summary).toContain(
        `Dry run: nothing was deleted. Revoking these 3 certificates would disconnect every client of SSL server <code>${SERVER}</code>, 3 times.`
      )
      expect((result.summary.match(/would be revoked/g) ?? []).length).toBeGreaterThanOrEqual(3)
      // No disconnection warning (nothing deleted); the name with nothing to revoke is said.
      expect(warnings(result)).toEqual([
        `No certificate named "erin" on SSL server ${SERVER} (cn-hangzhou): nothing would be revoked for it. Check the name for a typo (a name matches exactly, case included); if it was revoked already, nothing is missing. To fail the step in this case, set fail-if-absent: true.`
      ])
    }
  },
  {
    title:
      'dry-run with a cert-id of another SSL server: refused, and the advice is to check the inputs, not to re-run',
    standIn: {
      sslVpnServers: TWO_SERVERS,
      existingCertificates: [{ name: 'alice' }, { name: 'shared', sslVpnServerId: OTHER_SERVER }]
    },
    inputs: s => ({ 'cert-ids': ids(s).join('\n'), 'dry-run': 'true' }),
    check: outcome => {
      const result = only(outcome)
      const [alice, other] = outcome.ids
      expect(result.exitCode).toBe(1)
      expect(result.errors).toEqual([
        `1 revocation refused (dry run: nothing was deleted):\n- cert-id ${other}: ${other} is a certificate of another SSL server, not of ${SERVER}: refused, nothing was deleted for it. Check cert-id, or ssl-vpn-server-id.`
      ])
      expect(json(result, 'revoked-cert-ids')).toEqual([alice])
      expect(deletes(outcome.calls[0] ?? [])).toEqual([])
    }
  },
  {
    title:
      'a name with no certificate (a typo): the step succeeds with a warning naming the name and the SSL server',
    standIn: { existingCertificates: [{ name: 'alice' }] },
    inputs: () => ({ name: 'alcie' }),
    check: outcome => {
      const result = only(outcome)
      expect(result.exitCode).toBe(0)
      expect(json(result, 'absent')).toEqual(['alcie'])
      expect(warnings(result)).toEqual([
        `No certificate named "alcie" on SSL server ${SERVER} (cn-hangzhou): nothing was revoked for it. Check the name for a typo (a name matches exactly, case included); if it was revoked already, nothing is missing. To fail the step in this case, set fail-if-absent: true.`
      ])
      expect(result.summary).toContain('absent: nothing to revoke')
      expect(listed(outcome.standIn)).toEqual(outcome.ids)
    }
  },
  {
    title:
      'fail-if-absent: true: the names found are revoked, then the step fails naming the one with none',
    standIn: { existingCertificates: [{ name: 'alice' }, { name: 'bob' }] },
    inputs: () => ({ names: 'alice\nbbo', 'fail-if-absent': 'true' }),
    check: outcome => {
      const result = only(outcome)
      const [alice, bob] = outcome.ids
      expect(result.exitCode).toBe(1)
      expect(result.errors).toEqual([
        `No certificate named "bbo" on SSL server ${SERVER} (cn-hangzhou): nothing was revoked for it. Check the name for a typo (a name matches exactly, case included); if it was revoked already, nothing is missing. The step fails because fail-if-absent is true.`
      ])
      expect(json(result, 'revoked-cert-ids')).toEqual([alice])
      expect(json(result, 'absent')).toEqual(['bbo'])
      expect(listed(outcome.standIn)).toEqual([bob])
      expectDisconnectionsSaid(result, 1)
    }
  },
  {
    title: "keyless: the main action's OIDC credentials, through the same code",
    standIn: { oidc: {}, existingCertificates: [{ name: 'erin' }] },
    oidc: true,
    inputs: () => ({ name: 'erin' }),
    check: outcome => {
      const result = only(outcome)
      const [calls = []] = outcome.calls
      expect(result.exitCode).toBe(0)
      expect(calls[0]?.action).toBe('AssumeRoleWithOIDC')
      const issued = outcome.standIn.credentials.at(-1)?.accessKeyId
      expect(issued).toMatch(/^STS\./)
      expect(accepted(calls).map(c => c.accessKeyId)).toEqual([issued])
      expect(listed(outcome.standIn)).toEqual([])
    }
  },
  ...(
    [
      [
        'no name, names, cert-id or cert-ids',
        {},
        /^Input 'name\/names\/cert-id\/cert-ids': one of them is required/
      ],
      [
        'name and cert-id together',
        { name: 'alice', 'cert-id': 'vsc-abc' },
        /^Input 'cert-id': cannot be combined with 'name'; give exactly one of 'name', 'names', 'cert-id' and 'cert-ids'\.$/
      ],
      [
        'fail-if-absent not a boolean',
        { name: 'alice', 'fail-if-absent': 'yes' },
        /^Input 'fail-if-absent': "yes" is not a boolean; expected "true" \(fail the step when a name or ID has no certificate on the SSL server\) or "false" \(the default: warn and succeed\)\.$/
      ],
      [
        'a cert-id that is not one',
        { 'cert-id': 'VSC-ABC' },
        /^Input 'cert-id': "VSC-ABC" is not a certificate ID; expected "vsc-"/
      ],
      [
        'cert-ids with a bad line',
        { 'cert-ids': 'vsc-abc\nvsc-a b' },
        /^Input 'cert-ids': line 2: "vsc-a b" is not a certificate ID/
      ],
      [
        'dry-run not a boolean',
        { name: 'alice', 'dry-run': 'yes' },
        /^Input 'dry-run': "yes" is not a boolean/
      ]
    ] as const
  ).map(([what, inputs, message]): Row => ({
    title: `refused before any call: ${what}`,
    standIn: { existingCertificates: [{ name: 'alice' }] },
    inputs: () => ({ ...inputs }),
    check: outcome => {
      const result = only(outcome)
      expect(result.exitCode).toBe(1)
      expect(result.errors).toEqual([expect.stringMatching(message)])
      expect(outcome.standIn.calls).toEqual([])
    }
  }))
]

const outcomes = new Map<Row, Outcome>()

async function runRow(row: Row): Promise<Outcome> {
  const standIn = await startStandIn(row.standIn)
  const before = ids(standIn)
  const keys = row.oidc
    ? {
        'sts-endpoint': standIn.endpoint,
        'role-to-assume': standIn.oidc?.roleArn,
        'oidc-provider-arn': standIn.oidc?.oidcProviderArn
      }
    : { 'access-key-id': KEY?.accessKeyId, 'access-key-secret': KEY?.accessKeySecret }
  const env = row.oidc
    ? {
        ...WORKFLOW,
        ACTIONS_ID_TOKEN_REQUEST_URL: standIn.oidc?.tokenRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: standIn.oidc?.requestToken
      }
    : WORKFLOW
  const results: RunResult[] = []
  const calls: CallRecord[][] = []
  for (let run = 0; run < (row.runs ?? 1); run++) {
    const from = standIn.calls.length
    const options: RunOptions = {
      action: 'revoke',
      inputs: {
        'region-id': 'cn-hangzhou',
        'ssl-vpn-server-id': SERVER,
        endpoint: standIn.endpoint,
        ...keys,
        ...row.inputs(standIn)
      },
      env,
      killAfterMs: 90_000
    }
    const result = await (row.releaseBusyMs === undefined
      ? runAction(options)
      : runActionWhile(options, releaseBusyGateway(standIn, row.releaseBusyMs)))
    results.push(result)
    calls.push(standIn.calls.slice(from))
  }
  return { standIn, results, calls, ids: before }
}

beforeAll(async () => {
  await inParallel(ROWS, PARALLEL, async row => {
    outcomes.set(row, await runRow(row))
  })
}, 240_000)

afterAll(async () => {
  await Promise.all([...outcomes.values()].map(outcome => outcome.standIn.close()))
})

describe('revoke (revoke/action.yml, run as the runner runs it)', () => {
  test.each(ROWS.map(row => [row.title, row] as const))('%s', (_title, row) => {
    const outcome = outcomes.get(row)
    if (!outcome) throw new Error('the row did not run')
    for (const result of outcome.results) {
      expectNoSecrets(result, [
        KEY.accessKeyId,
        KEY.accessKeySecret,
        outcome.standIn.oidc?.requestToken,
        ...(outcome.standIn.oidc?.issued.map(t => t.token) ?? []),
        ...outcome.standIn.credentials.flatMap(c => [
          c.accessKeyId,
          c.accessKeySecret,
          c.securityToken
        ])
      ])
      // Nothing but the revoke action's own outputs, each on one line.
      expect(Object.keys(result.outputs).filter(name => !OUTPUTS.includes(name))).toEqual([])
    }
    row.check(outcome)
  })
})
