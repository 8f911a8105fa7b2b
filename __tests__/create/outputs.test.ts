import { describe, expect, test } from '@jest/globals'
import { ApiError } from '../../src/core/errors.js'
import type { CertificateOutcome, Obtained } from '../../src/certificates/onboarding.js'
import { cellText, escapeHtml, type SummarySink } from '../../src/runner/summary.js'
import { setOutputs, summaryRows, writeSummary } from '../../src/create/outputs.js'
import type { Settings } from '../../src/create/inputs.js'

const SETTINGS: Settings = {
  regionId: 'cn-hangzhou',
  sslVpnServerId: 'vss-bp1test0001',
  targets: [],
  ifExists: 'reuse',
  configDir: '/tmp/profiles',
  keyPassphrase: undefined,
  keepProfiles: false,
  credentials: {
    source: 'environment',
    keys: { accessKeyId: 'LTAI5tReportKeyId', accessKeySecret: 'ReportSecret' }
  },
  endpoint: {
    origin: 'https://vpc.cn-hangzhou.aliyuncs.com',
    hostHeader: 'vpc.cn-hangzhou.aliyuncs.com'
  },
  signatureVersion: 'v3',
  timeoutMs: 300_000
}

const ALICE: Obtained = {
  ok: true,
  requested: 'alice',
  clientToken: 'gha-alice',
  certId: 'vsc-alice0001',
  name: 'alice',
  created: true,
  status: 'normal',
  configFile: '/tmp/profiles/alice.ovpn',
  requestId: 'REQ-A',
  attempts: 4,
  waitedMs: 3_500
}
const BOB: Obtained = {
  ...ALICE,
  requested: 'bob',
  clientToken: 'gha-bob',
  certId: 'vsc-bob0001',
  name: 'bob',
  created: false,
  configFile: undefined,
  requestId: undefined,
  attempts: 1,
  waitedMs: 0
}
const CAROL_FAILED: CertificateOutcome = {
  ok: false,
  requested: 'carol',
  clientToken: 'gha-carol',
  error: new ApiError({
    code: 'Resource.QuotaFull',
    message: 'The quota of resource is full',
    requestId: 'REQ-C',
    httpStatus: 400,
    recommend: undefined,
    retryAfterMs: undefined,
    serverDate: undefined,
    clockSkewMs: undefined
  })
}

function outputsOf(outcomes: CertificateOutcome[]): Record<string, string> {
  const outputs: [string, string][] = []
  setOutputs({ setOutput: (name, value) => outputs.push([name, value]) }, outcomes)
  expect(new Set(outputs.map(([name]) => name)).size).toBe(outputs.length) // each once
  return Object.fromEntries(outputs)
}

describe('setOutputs', () => {
  test('one certificate: every single output, and the JSON maps', () => {
    expect(outputsOf([ALICE])).toEqual({
      'cert-id': 'vsc-alice0001',
      name: 'alice',
      'request-id': 'REQ-A',
      'client-token': 'gha-alice',
      created: 'true',
      status: 'normal',
      'config-file': '/tmp/profiles/alice.ovpn',
      'cert-ids': JSON.stringify({ alice: 'vsc-alice0001' }),
      'config-files': JSON.stringify({ alice: '/tmp/profiles/alice.ovpn' }),
      'encrypted-to': '{}'
    })
  })

  test('a reused certificate without a profile: created false, no config-file', () => {
    const outputs = outputsOf([BOB])
    expect(outputs['created']).toBe('false')
    expect(outputs['config-file']).toBeUndefined()
    expect(outputs['config-files']).toBe('{}')
  })

  test('a batch: only the JSON maps, with the failed name left out', () => {
    const outputs = outputsOf([ALICE, BOB, CAROL_FAILED])
    expect(Object.keys(outputs).sort()).toEqual(['cert-ids', 'config-files', 'encrypted-to'])
    expect(JSON.parse(outputs['cert-ids'] ?? '')).toEqual({
      alice: 'vsc-alice0001',
      bob: 'vsc-bob0001'
    })
    expect(JSON.parse(outputs['config-files'] ?? '')).toEqual({ alice: '/tmp/profiles/alice.ovpn' })
  })

  test('an unnamed certificate is keyed by the name the API gave it', () => {
    const outputs = outputsOf([{ ...ALICE, requested: undefined, name: 'SslVpnClientCert-x1' }])
    expect(JSON.parse(outputs['cert-ids'] ?? '')).toEqual({
      'SslVpnClientCert-x1': 'vsc-alice0001'
    })
  })
})

describe('encrypted profiles', () => {
  const KEYS = [
    { type: 'ssh-ed25519', fingerprint: 'SHA256:abcDEF+/0123', from: 'github:alice-gh' },
    { type: 'x25519', fingerprint: 'age1qqqq', from: 'recipient' }
  ]
  const SEALED: Obtained = {
    ...ALICE,
    configFile: '/tmp/profiles/alice.ovpn.age',
    encryptedTo: KEYS
  }

  test('encrypted-to names the keys of each encrypted profile; config-files its .ovpn.age', () => {
    const outputs = outputsOf([SEALED, BOB])
    expect(JSON.parse(outputs['encrypted-to'] ?? '')).toEqual({ alice: KEYS })
    expect(JSON.parse(outputs['config-files'] ?? '')).toEqual({
      alice: '/tmp/profiles/alice.ovpn.age'
    })
  })

  test('the summary shows the fingerprints beside the file, HTML-escaped', () => {
    const [row] = summaryRows([{ ...SEALED, encryptedTo: [{ ...KEYS[0]!, from: 'github:<b>' }] }])
    expect(row?.[4]).toBe(
      '<code>/tmp/profiles/alice.ovpn.age</code><br>encrypted to ssh-ed25519 <code>SHA256:abcDEF+/0123</code> (github:&lt;b&gt;)'
    )
  })
})

describe('escapeHtml', () => {
  test('escapes the five HTML-special characters, and only those', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;'
    )
    expect(escapeHtml('plain-text_1.2 ключ')).toBe('plain-text_1.2 ключ')
  })
})

describe('summary', () => {
  test('one row per certificate: name, ID, created/reused/failed, status, profile path', () => {
    const rows = summaryRows([ALICE, BOB, CAROL_FAILED])
    expect(rows).toEqual([
      [
        'alice',
        '<code>vsc-alice0001</code>',
        'created',
        'normal',
        '<code>/tmp/profiles/alice.ovpn</code>'
      ],
      ['bob', '<code>vsc-bob0001</code>', 'reused', 'normal', '—'],
      ['carol', '—', '<strong>failed</strong>: The quota of resource is full', '—', '—']
    ])
  })

  test('writeSummary: heading, table, and the totals line, written once', async () => {
    const calls: string[] = []
    const sink: SummarySink = {
      addHeading: text => {
        calls.push(`heading ${text}`)
        return sink
      },
      addTable: rows => {
        calls.push(`table ${rows.length}`)
        return sink
      },
      addRaw: text => {
        calls.push(`raw ${text}`)
        return sink
      },
      write: async () => {
        calls.push('write')
        return sink
      }
    }
    // The step's tally, not the obtained certificates' own (4 + 1 calls, 3.5 s): a failed one
    // and the lookups count too.
    await writeSummary(sink, SETTINGS, [ALICE, BOB, CAROL_FAILED], { calls: 9, waitedMs: 6_200 })
    expect(calls[0]).toBe('heading SSL-VPN client certificates')
    expect(calls[1]).toBe('table 4') // header + 3 rows
    expect(calls[2]).toContain('<code>vss-bp1test0001</code> in cn-hangzhou')
    expect(calls[2]).toContain('9 API calls')
    expect(calls[2]).toContain('6.2 s waiting for the gateway')
    expect(calls[2]).toContain('RequestId <code>REQ-A</code>')
    expect(calls[3]).toBe('write')
  })

  test('no key material or token ever reaches the summary rows', () => {
    const text = JSON.stringify(summaryRows([ALICE, BOB, CAROL_FAILED]))
    for (const token of ['gha-alice', 'gha-bob', 'gha-carol']) expect(text).not.toContain(token)
  })
})

describe('text that cannot break out of the summary or an output', () => {
  test.each(
    ['\n\n', '\r\r', '\r\n\r\n', '\u2028', '\u2029', '\u0085'].map(b => [JSON.stringify(b), b])
  )('a cell with %s stays one line, its Markdown inert', (_shown, lineBreak) => {
    const cell = cellText(`m${lineBreak}# Heading${lineBreak}![x](https://evil)<img src=x>`)
    expect(cell).toBe('m # Heading ![x](https://evil)&lt;img src=x&gt;')
  })

  test('a failure cell is one line and cut, however long the message', () => {
    const failed: CertificateOutcome = {
      ...CAROL_FAILED,
      error: new Error(`first ${'w'.repeat(10_000)}\u2028# Heading\nsecond line`)
    }
    const [row] = summaryRows([failed])
    const cell = row?.[2] ?? ''
    expect(cell).toMatch(/^<strong>failed<\/strong>: first w+…$/)
    expect(cell.length).toBeLessThan(1_000)
  })

  test('an output value with a line break is refused, whatever put it there', () => {
    const forged: Obtained = { ...ALICE, certId: 'vsc-1\n::add-mask::x' }
    expect(() => setOutputs({ setOutput: () => undefined }, [forged])).toThrow(
      /output cert-id: its value has a line break/
    )
  })
})
