/**
 * What a revocation leaves behind: the revoke action's outputs, summary rows, failure message and
 * first log lines, and the main action's replaced-cert-ids and rotation rows. Every one of them says
 * that each delete disconnected every client of the SSL server.
 */
import { describe, expect, test } from '@jest/globals'
import { ApiError, CancelledError, CertificateElsewhereError } from '../../src/core/errors.js'
import type { CertificateOutcome, Obtained } from '../../src/certificates/onboarding.js'
import { type SummarySink } from '../../src/runner/summary.js'
import { setOutputs, summaryRows, writeSummary } from '../../src/create/outputs.js'
import type { CertificateRevocation, RevocationReport } from '../../src/certificates/revocation.js'
import {
  describeCancelledRotation,
  describeCreatedBeforeFailure,
  describeReplaceFailures,
  replacedRevocations,
  setReplacedOutput
} from '../../src/create/replace-report.js'
import { disconnectionWarning, describeRevokeFailures } from '../../src/runner/revocation-report.js'
import {
  describeAbsent,
  describeRevokeStart,
  revokeSummaryRows,
  setRevokeOutputs,
  writeRevokeSummary
} from '../../src/revoke/report.js'
import type { Settings } from '../../src/create/inputs.js'
import type { RevokeSettings } from '../../src/revoke/inputs.js'

const SERVER = 'vss-bp1test0001'
const CONNECTION = {
  regionId: 'cn-hangzhou',
  sslVpnServerId: SERVER,
  credentials: {
    source: 'inputs' as const,
    keys: { accessKeyId: 'LTAI5tReportKey', accessKeySecret: 'ReportSecret0' }
  },
  endpoint: {
    origin: 'https://vpc.cn-hangzhou.aliyuncs.com',
    hostHeader: 'vpc.cn-hangzhou.aliyuncs.com'
  },
  signatureVersion: 'v3' as const,
  timeoutMs: 300_000
}
const SETTINGS: RevokeSettings = {
  ...CONNECTION,
  targets: [
    { kind: 'name', name: 'alice' },
    { kind: 'name', name: 'bob' },
    { kind: 'name', name: 'nobody' }
  ],
  dryRun: false,
  failIfAbsent: false
}
const refused = new ApiError({
  code: 'VpnGateway.FinancialLocked',
  message: 'The specified service is financial locked.',
  requestId: 'REQ-LOCKED',
  httpStatus: 400,
  recommend: undefined,
  retryAfterMs: undefined,
  serverDate: undefined,
  clockSkewMs: undefined
})
const cert = (certId: string, name: string) => ({ certId, name, status: 'normal', createTime: 1 })

const REPORT: RevocationReport = {
  dryRun: false,
  resolutions: [
    {
      target: { kind: 'name', name: 'alice' },
      certificates: [cert('vsc-a1', 'alice'), cert('vsc-a2', 'alice')],
      error: undefined
    },
    {
      target: { kind: 'name', name: 'bob' },
      certificates: [cert('vsc-b1', 'bob')],
      error: undefined
    },
    { target: { kind: 'name', name: 'nobody' }, certificates: [], error: undefined },
    {
      target: { kind: 'cert-id', certId: 'vsc-x' },
      certificates: [],
      error: new CertificateElsewhereError('vsc-x', SERVER)
    }
  ],
  revocations: [
    {
      ok: true,
      certId: 'vsc-a1',
      name: 'alice',
      requestId: 'REQ-1',
      alreadyGone: false,
      attempts: 3,
      waitedMs: 2_000
    },
    {
      ok: true,
      certId: 'vsc-a2',
      name: 'alice',
      requestId: 'REQ-2',
      alreadyGone: true,
      attempts: 2,
      waitedMs: 0
    },
    { ok: false, certId: 'vsc-b1', name: 'bob', error: refused }
  ]
}

function recordingSink(calls: string[]): SummarySink {
  const sink: SummarySink = {
    addHeading: text => (calls.push(`heading ${text}`), sink),
    addTable: rows => (calls.push(`table ${JSON.stringify(rows)}`), sink),
    addRaw: text => (calls.push(`raw ${text}`), sink),
    write: async () => calls.push('write')
  }
  return sink
}

describe('the revoke action', () => {
  test('outputs: the certificates gone now, the names or IDs with nothing to delete, the count', () => {
    const outputs: Record<string, string> = {}
    setRevokeOutputs({ setOutput: (n, v) => (outputs[n] = v) }, REPORT)
    expect(outputs).toEqual({
      'revoked-cert-ids': '["vsc-a1","vsc-a2"]',
      absent: '["nobody"]',
      count: '2'
    })
  })

  test('outputs with dry-run: what would be revoked, each certificate once', () => {
    const outputs: Record<string, string> = {}
    const dry: RevocationReport = {
      dryRun: true,
      revocations: [],
      resolutions: [
        ...REPORT.resolutions,
        {
          target: { kind: 'cert-id', certId: 'vsc-a1' },
          certificates: [cert('vsc-a1', 'alice')],
          error: undefined
        }
      ]
    }
    setRevokeOutputs({ setOutput: (n, v) => (outputs[n] = v) }, dry)
    expect(outputs['revoked-cert-ids']).toBe('["vsc-a1","vsc-a2","vsc-b1"]')
    expect(outputs['count']).toBe('3')
  })

  test('summary rows: one per certificate found, or per name or ID with none; failures with code and RequestId', () => {
    expect(revokeSummaryRows(REPORT, 300)).toEqual([
      ['alice', '<code>vsc-a1</code>', 'alice', 'revoked (RequestId <code>REQ-1</code>)'],
      ['alice', '<code>vsc-a2</code>', 'alice', 'revoked (already being deleted)'],
      [
        'bob',
        '<code>vsc-b1</code>',
        'bob',
        '<strong>failed</strong>: VpnGateway.FinancialLocked: The specified service is financial locked. (RequestId: REQ-LOCKED)'
      ],
      ['nobody', '—', '—', 'absent: nothing to revoke'],
      [
        'vsc-x',
        '—',
        '—',
        expect.stringMatching(
          /^<strong>refused<\/strong>: vsc-x is a certificate of another SSL server/
        )
      ]
    ])
  })

  test('the summary says plainly that every client was disconnected, once per accepted delete', async () => {
    const calls: string[] = []
    await writeRevokeSummary(recordingSink(calls), SETTINGS, REPORT)
    expect(calls[0]).toBe('heading SSL-VPN client certificates revoked')
    expect(calls[2]).toBe(
      `raw <p><strong>Every client of SSL server <code>${SERVER}</code> was disconnected</strong>: deleting any client certificate ends every connection of that SSL server. The other users must reconnect (an OpenVPN client set to retry does so by itself).</p>`
    )
    expect(calls[3]).toContain('2 revoked · 1 absent · 5 API calls for the deletes · 2.0 s waiting')
    expect(calls.at(-1)).toBe('write')
  })

  test('the summary of a dry run: nothing deleted, and what it would cost', async () => {
    const calls: string[] = []
    await writeRevokeSummary(
      recordingSink(calls),
      { ...SETTINGS, dryRun: true },
      { ...REPORT, dryRun: true, revocations: [] }
    )
    expect(calls[0]).toBe('heading SSL-VPN client certificates: dry run')
    expect(calls[2]).toBe(
      `raw <p>Dry run: nothing was deleted. Revoking these 3 certificates would disconnect every client of SSL server <code>${SERVER}</code>, 3 times.</p>`
    )
  })

  test('the warning: none when nothing was deleted; a delete that found it gone disconnected no one', () => {
    expect(disconnectionWarning([], SERVER)).toBeUndefined()
    expect(disconnectionWarning(REPORT.revocations, SERVER)).toBe(
      `One certificate was deleted on ${SERVER}: each delete disconnected every client of that SSL server; the other users must reconnect.`
    )
  })

  test('the failure message: how many, then one line each, with code and RequestId', () => {
    expect(describeRevokeFailures(REPORT, 300)).toBe(
      [
        '2 revocations failed (2 certificates are gone; a re-run deletes only what is left):',
        `- cert-id vsc-x: vsc-x is a certificate of another SSL server, not of ${SERVER}: refused, nothing was deleted for it. Check cert-id, or ssl-vpn-server-id.`,
        '- vsc-b1 (bob): VpnGateway.FinancialLocked: The specified service is financial locked. (RequestId: REQ-LOCKED) The VPN gateway is suspended for an overdue payment: top up the Alibaba Cloud account, then re-run.'
      ].join('\n')
    )
    expect(
      describeRevokeFailures(
        { ...REPORT, resolutions: [], revocations: REPORT.revocations.slice(0, 2) },
        300
      )
    ).toBeUndefined()
  })

  test('a refusal alone: no advice to re-run (it would be refused again), in a dry run too', () => {
    const refusal: RevocationReport = {
      dryRun: true,
      resolutions: REPORT.resolutions.slice(3),
      revocations: []
    }
    const refusedLine = `- cert-id vsc-x: vsc-x is a certificate of another SSL server, not of ${SERVER}: refused, nothing was deleted for it. Check cert-id, or ssl-vpn-server-id.`
    expect(describeRevokeFailures(refusal, 300)).toBe(
      ['1 revocation refused (dry run: nothing was deleted):', refusedLine].join('\n')
    )
    expect(
      describeRevokeFailures(
        { ...refusal, dryRun: false, revocations: REPORT.revocations.slice(0, 1) },
        300
      )
    ).toBe(['1 revocation refused (1 certificate is gone):', refusedLine].join('\n'))
  })

  test('cancelled midway: how far it got, then every certificate that remains, by ID and name', () => {
    const cancelled: RevocationReport = {
      ...REPORT,
      resolutions: REPORT.resolutions.slice(0, 2),
      revocations: [
        REPORT.revocations[0] as CertificateRevocation,
        {
          ok: false,
          certId: 'vsc-a2',
          name: 'alice',
          error: new CancelledError('received SIGTERM'),
          deleteAccepted: true
        }
      ],
      cancelled: new CancelledError('received SIGTERM')
    }
    expect(describeRevokeFailures(cancelled, 300)).toBe(
      [
        'Cancelled (received SIGTERM): 1 of 3 certificates found was revoked; what remains:',
        '- vsc-a2 (alice): its delete was accepted (every client was disconnected), but it was not yet seen gone: the step was cancelled',
        '- vsc-b1 (bob): not revoked, cancelled before its turn; it still works',
        'A re-run of this job finishes the revocation: it deletes only what is left, re-sending the same deletes (ClientTokens), so nothing is done twice.'
      ].join('\n')
    )
    expect(revokeSummaryRows(cancelled, 300).map(row => row[3])).toEqual([
      'revoked (RequestId <code>REQ-1</code>)',
      '<strong>not revoked</strong>: its delete was accepted (every client was disconnected), but it was not yet seen gone: the step was cancelled',
      '<strong>not revoked</strong>: cancelled before its turn; it still works'
    ])
    // The accepted delete disconnected everyone, though it was not yet seen gone.
    expect(disconnectionWarning(cancelled.revocations, SERVER)).toMatch(/^2 certificates were/)
  })

  test('absent: named with the SSL server, a typo suggested; the step fails only with fail-if-absent', () => {
    const where = { sslVpnServerId: SERVER, regionId: 'cn-hangzhou' }
    expect(describeAbsent(REPORT, { ...where, failIfAbsent: false })).toBe(
      `No certificate named "nobody" on SSL server ${SERVER} (cn-hangzhou): nothing was revoked for it. Check the name for a typo (a name matches exactly, case included); if it was revoked already, nothing is missing. To fail the step in this case, set fail-if-absent: true.`
    )
    const ids: RevocationReport = {
      dryRun: true,
      revocations: [],
      resolutions: Array.from({ length: 12 }, (_, i) => ({
        target: { kind: 'cert-id' as const, certId: `vsc-gone${i}` },
        certificates: [],
        error: undefined
      }))
    }
    expect(describeAbsent(ids, { ...where, failIfAbsent: true })).toBe(
      `No certificate "vsc-gone0", "vsc-gone1", "vsc-gone2", "vsc-gone3", "vsc-gone4", "vsc-gone5", "vsc-gone6", "vsc-gone7", "vsc-gone8", "vsc-gone9" and 2 more (the absent output lists them all) on SSL server ${SERVER} (cn-hangzhou): nothing would be revoked for them. Check the IDs for a typo, and ssl-vpn-server-id; if they were revoked already, nothing is missing. The step fails because fail-if-absent is true.`
    )
    // A failed lookup or a refusal is not "absent": it is a failure of its own.
    expect(
      describeAbsent(
        { ...REPORT, resolutions: REPORT.resolutions.slice(3) },
        { ...where, failIfAbsent: true }
      )
    ).toBeUndefined()
  })

  test('the first log lines name what, where, how, and the cost', () => {
    expect(
      describeRevokeStart({ ...SETTINGS, targets: [{ kind: 'cert-id', certId: 'vsc-a1' }] })
    ).toBe(
      [
        `Revoking the SSL-VPN client certificate vsc-a1 on ${SERVER} (cn-hangzhou)`,
        '  endpoint: https://vpc.cn-hangzhou.aliyuncs.com, signature v3, AccessKey from inputs',
        `  each delete disconnects every client of ${SERVER} (they must reconnect)`,
        '  timeout-seconds: 300'
      ].join('\n')
    )
    expect(describeRevokeStart(SETTINGS).split('\n')[0]).toBe(
      `Revoking the SSL-VPN client certificates of 3 names, one at a time on ${SERVER} (cn-hangzhou)`
    )
  })

  test('no text from an answer can break out of a cell', () => {
    const hostile: RevocationReport = {
      ...REPORT,
      resolutions: [
        {
          target: { kind: 'name', name: 'alice' },
          certificates: [cert('vsc-a1', 'alice')],
          error: undefined
        }
      ],
      revocations: [
        {
          ok: false,
          certId: 'vsc-a1',
          name: 'alice',
          error: new Error('line\n\n# Heading <img src=x>')
        }
      ]
    }
    const [[, , , cell]] = revokeSummaryRows(hostile, 300) as [string[]]
    expect(cell).toBe('<strong>failed</strong>: line')
    const escaped = revokeSummaryRows(
      {
        ...hostile,
        revocations: [
          { ...hostile.revocations[0], error: new Error('<img src=x> & more') } as never
        ]
      },
      300
    )
    expect(escaped[0]?.[3]).toBe('<strong>failed</strong>: &lt;img src=x&gt; &amp; more')
  })
})

describe('the main action with if-exists: replace', () => {
  /** The other certificates found: the ones these revocations were for. */
  const othersOf = (revocations: readonly CertificateRevocation[]) =>
    revocations.map(({ certId, name }) => ({ certId, name, status: 'normal', createTime: 0 }))
  const NEW: Obtained = {
    ok: true,
    requested: 'alice',
    clientToken: 'gha-alice',
    certId: 'vsc-new1',
    name: 'alice',
    created: true,
    status: 'normal',
    configFile: undefined,
    requestId: 'REQ-C',
    attempts: 5,
    waitedMs: 0,
    replacement: {
      others: othersOf(REPORT.revocations),
      revocations: REPORT.revocations,
      listingError: undefined
    }
  }
  const BEN: Obtained = {
    ...NEW,
    requested: 'ben',
    name: 'ben',
    certId: 'vsc-new2',
    replacement: {
      others: [{ certId: 'vsc-b9', name: 'ben', status: 'normal', createTime: 0 }],
      revocations: [
        {
          ok: true,
          certId: 'vsc-b9',
          name: 'ben',
          requestId: 'R',
          alreadyGone: false,
          attempts: 2,
          waitedMs: 0
        }
      ],
      listingError: undefined
    }
  }

  test('replaced-cert-ids: one flat array across names, the old certificates gone', () => {
    const outputs: Record<string, string> = {}
    setReplacedOutput({ setOutput: (n, v) => (outputs[n] = v) }, [NEW, BEN])
    expect(outputs).toEqual({ 'replaced-cert-ids': '["vsc-a1","vsc-a2","vsc-b9"]' })
    expect(replacedRevocations([NEW, BEN]).map(r => r.certId)).toEqual([
      'vsc-a1',
      'vsc-a2',
      'vsc-b1',
      'vsc-b9'
    ])
  })

  test('a failed revocation of an old certificate, and a failed listing of the others, each named', () => {
    const listingError = new Error('DescribeSslVpnClientCerts refused')
    const noList: Obtained = { ...BEN, replacement: { others: [], revocations: [], listingError } }
    expect(describeReplaceFailures([NEW, noList], 300)).toBe(
      [
        '2 old certificates could not be revoked (the new ones are ready; a re-run returns them and revokes only what is left):',
        '- vsc-b1 (old alice): VpnGateway.FinancialLocked: The specified service is financial locked. (RequestId: REQ-LOCKED) The VPN gateway is suspended for an overdue payment: top up the Alibaba Cloud account, then re-run.',
        '- the others named ben: DescribeSslVpnClientCerts refused'
      ].join('\n')
    )
    expect(describeReplaceFailures([BEN], 300)).toBeUndefined()
  })

  test('the summary row says what was replaced and what was not; the totals warn of the disconnections', async () => {
    expect(summaryRows([NEW])[0]?.[2]).toBe(
      'created; replaced <code>vsc-a1</code>, <code>vsc-a2</code>; <strong>not revoked</strong>: <code>vsc-b1</code>'
    )
    const calls: string[] = []
    const settings = {
      ...CONNECTION,
      targets: [],
      ifExists: 'replace',
      configDir: undefined,
      keyPassphrase: undefined,
      keepProfiles: false
    } satisfies Settings
    await writeSummary(recordingSink(calls), settings, [NEW, BEN], { calls: 0, waitedMs: 0 })
    expect(calls[2]).toContain(
      `<p><strong>Every client of SSL server <code>${SERVER}</code> was disconnected</strong> by each delete of an old certificate (2 in all): the other users must reconnect.</p>`
    )
    expect(calls[3]).toBe('write')
  })

  describe('cut short by a cancellation or a failure', () => {
    const cancelled = new CancelledError('received SIGTERM')
    const settings = {
      ...CONNECTION,
      targets: ['alice', 'ben', 'cy'].map(name => ({
        name,
        clientToken: `gha-${name}`,
        clientTokenSource: 'derived from the workflow run'
      })),
      ifExists: 'replace',
      configDir: undefined,
      keyPassphrase: undefined,
      keepProfiles: false
    } as unknown as Settings
    /** ben: its new certificate ready, the first of three old ones revoked, the second under way. */
    const BEN_CUT: CertificateOutcome = {
      ok: false,
      requested: 'ben',
      clientToken: 'gha-ben',
      error: cancelled,
      created: { certId: 'vsc-new2', name: 'ben', requestId: 'REQ-B', status: 'normal' },
      replacement: {
        others: [cert('vsc-b1', 'ben'), cert('vsc-b2', 'ben'), cert('vsc-b3', 'ben')],
        revocations: [
          {
            ok: true,
            certId: 'vsc-b1',
            name: 'ben',
            requestId: 'R1',
            alreadyGone: false,
            attempts: 2,
            waitedMs: 0
          },
          { ok: false, certId: 'vsc-b2', name: 'ben', error: cancelled, deleteAccepted: true }
        ],
        listingError: undefined
      }
    }

    test('the failure message: per name, the new certificate, each old one gone or left, the names not started', () => {
      expect(
        describeCancelledRotation(settings.targets, [NEW, BEN_CUT], cancelled, 300, undefined)
      ).toBe(
        [
          'Cancelled (received SIGTERM) during the rotation; how far it got:',
          '- alice: new certificate vsc-new1, created and ready',
          '- vsc-a1 (old alice): revoked',
          '- vsc-a2 (old alice): revoked',
          '- vsc-b1 (old alice): VpnGateway.FinancialLocked: The specified service is financial locked. (RequestId: REQ-LOCKED) The VPN gateway is suspended for an overdue payment: top up the Alibaba Cloud account, then re-run.',
          '- ben: new certificate vsc-new2, created and ready',
          '- vsc-b1 (old ben): revoked',
          '- vsc-b2 (old ben): its delete was accepted (every client was disconnected), but it was not yet seen gone: the step was cancelled',
          '- vsc-b3 (old ben): not revoked, cancelled before its turn; it still works',
          '- cy: not started; nothing was created or deleted for it',
          'A re-run of this job finishes the rotation: it gets the same new certificates back (same ClientTokens), not second ones, and revokes only the old certificates left.'
        ].join('\n')
      )
    })

    test('outputs: the certificate created before the cancellation is named, and the old ones gone', () => {
      const outputs: Record<string, string> = {}
      const sink = { setOutput: (n: string, v: string) => (outputs[n] = v) }
      setOutputs(sink, [BEN_CUT], { rotation: true })
      setReplacedOutput(sink, [BEN_CUT])
      expect(outputs).toEqual({
        'cert-ids': '{"ben":"vsc-new2"}',
        'config-files': '{}',
        'encrypted-to': '{}',
        'cert-id': 'vsc-new2',
        name: 'ben',
        'request-id': 'REQ-B',
        'client-token': 'gha-ben',
        created: 'true',
        status: 'normal',
        'replaced-cert-ids': '["vsc-b1"]'
      })
      // Without rotation a failed name stays unnamed in the outputs, as before.
      const plain: Record<string, string> = {}
      setOutputs({ setOutput: (n, v) => (plain[n] = v) }, [BEN_CUT])
      expect(plain['cert-id']).toBeUndefined()
      expect(plain['cert-ids']).toBe('{}')
    })

    test('the summary: its row names the new certificate and the old ones left; the names not started have a row; the disconnections count the delete under way', async () => {
      expect(summaryRows([BEN_CUT], { rotation: true })[0]).toEqual([
        'ben',
        '<code>vsc-new2</code>',
        '<strong>cancelled</strong> (received SIGTERM); created and ready; replaced <code>vsc-b1</code>; <strong>not revoked</strong>: <code>vsc-b2</code>, <code>vsc-b3</code>',
        'normal',
        '—'
      ])
      const calls: string[] = []
      await writeSummary(
        recordingSink(calls),
        settings,
        [NEW, BEN_CUT],
        { calls: 0, waitedMs: 0 },
        cancelled
      )
      expect(calls[1]).toContain('"data":"cy"},{"data":"—"},{"data":"not started: cancelled"}')
      expect(calls[2]).toContain(
        '<p><strong>Cancelled</strong> (received SIGTERM) during the rotation'
      )
      // alice's vsc-a1 (vsc-a2 was gone already) and ben's vsc-b1 and vsc-b2 (accepted).
      expect(calls[2]).toContain('by each delete of an old certificate (3 in all)')
    })

    test('a name that failed after its create: the new certificate is named, no old one was deleted', () => {
      const failed: CertificateOutcome = {
        ok: false,
        requested: 'dave',
        clientToken: 'gha-dave',
        error: new Error('not ready'),
        created: { certId: 'vsc-new4', name: 'dave', requestId: 'REQ-D', status: undefined }
      }
      expect(describeCreatedBeforeFailure([NEW, failed])).toBe(
        [
          'A new certificate was created before the failure (a re-run gets it back, not a second one, and finishes the rotation):',
          '- dave: new certificate vsc-new4, created but not seen ready; no old certificate was deleted'
        ].join('\n')
      )
      expect(describeCreatedBeforeFailure([NEW])).toBeUndefined()
    })
  })
})
