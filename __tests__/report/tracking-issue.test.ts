import { describe, expect, test } from '@jest/globals'
import { classifyCertificates, DAY_MS, type ExpiryReport } from '../../src/certificates/expiry.js'
import type { IssueClient, TrackedIssue } from '../../src/github/client.js'
import { issueBody, syncTrackingIssue, type IssueContext } from '../../src/report/tracking-issue.js'
import type { ListedCertificate } from '../../src/alibaba/vpc-client.js'

const NOW = Date.parse('2026-06-01T12:00:00.000Z')
const LABEL = 'ssl-vpn-expiry'
const CONTEXT: IssueContext = {
  regionId: 'cn-hangzhou',
  sslVpnServerId: undefined,
  label: LABEL,
  title: 'SSL-VPN client certificates expiring',
  runUrl: 'https://github.com/acme/vpn/actions/runs/42'
}

function listed(id: string, endTime: number, change: Partial<ListedCertificate> = {}) {
  return {
    certId: id,
    name: `name-${id.slice(4)}`,
    sslVpnServerId: 'vss-bp1test0001',
    status: endTime <= NOW ? 'expired' : 'normal',
    createTime: endTime - 1095 * DAY_MS,
    endTime,
    requestId: 'REQ-SECRET-LOOKING-1',
    ...change
  } satisfies ListedCertificate
}

const FLAGGED: ExpiryReport = classifyCertificates(
  [
    listed('vsc-gone', NOW - 2 * DAY_MS),
    listed('vsc-soon', NOW + 5 * DAY_MS, { status: 'expiring-soon' }),
    listed('vsc-later', NOW + 20 * DAY_MS, { sslVpnServerId: 'vss-bp1test0002' }),
    listed('vsc-fine', NOW + 300 * DAY_MS)
  ],
  NOW,
  30
)
const NOTHING: ExpiryReport = classifyCertificates(
  [listed('vsc-fine', NOW + 300 * DAY_MS)],
  NOW,
  30
)

/** An in-memory repository behind the IssueClient interface, recording every call. */
function fakeRepository(
  initial: Partial<TrackedIssue>[] = [],
  options: { dropLabels?: boolean } = {}
) {
  const issues = initial.map((issue, i) => ({
    number: issue.number ?? i + 1,
    title: issue.title ?? 'old title',
    body: issue.body ?? 'old body',
    labels: issue.labels ?? [LABEL],
    url: undefined,
    open: true,
    comments: [] as string[]
  }))
  const calls: string[] = []
  const client: IssueClient = {
    listOpenIssues: async () => {
      calls.push('list')
      // Newest first, as GitHub lists them by default: the oldest is found whatever the order.
      return issues.filter(i => i.open).sort((a, b) => b.number - a.number)
    },
    createIssue: async (title, body) => {
      calls.push('create')
      const issue = {
        number: Math.max(0, ...issues.map(i => i.number)) + 1,
        title,
        body,
        labels: options.dropLabels ? [] : [LABEL],
        url: undefined,
        open: true,
        comments: []
      }
      issues.push(issue)
      return issue
    },
    updateIssue: async (n, change) => {
      calls.push(`update #${n}`)
      Object.assign(issues.find(i => i.number === n) ?? {}, change)
    },
    closeIssue: async (n, reason) => {
      calls.push(`close #${n} ${reason}`)
      const issue = issues.find(i => i.number === n)
      if (issue) issue.open = false
    },
    addComment: async (n, body) => {
      calls.push(`comment #${n}`)
      issues.find(i => i.number === n)?.comments.push(body)
    }
  }
  return { client, issues, calls }
}

describe('issueBody', () => {
  const body = issueBody(FLAGGED, CONTEXT)

  test('what is flagged, soonest first, one table row each; the valid ones left out', () => {
    const rows = body.split('\n').filter(line => /^\| (\*\*expired\*\*|expiring) /.test(line))
    expect(rows).toEqual([
      '| **expired** | `name-gone` | `vsc-gone` | `vss-bp1test0001` | expired | 2026-05-30 12:00 UTC | -2 |',
      '| expiring | `name-soon` | `vsc-soon` | `vss-bp1test0001` | expiring-soon | 2026-06-06 12:00 UTC | 5 |',
      '| expiring | `name-later` | `vsc-later` | `vss-bp1test0002` | normal | 2026-06-21 12:00 UTC | 20 |'
    ])
    expect(body).not.toContain('vsc-fine')
  })

  test('says where, how many, when, by which run, and what to do', () => {
    expect(body).toContain('every SSL server in `cn-hangzhou`')
    expect(body).toContain('1 expired, 2 expiring, of 4 listed')
    expect(body).toContain(
      'Checked 2026-06-01 12:00 UTC by [this run](https://github.com/acme/vpn/actions/runs/42).'
    )
    expect(body).toMatch(/cannot be renewed: issue a new one/)
    expect(body.split('\n')[0]).toMatch(/^<!-- ssl-vpn-expiry-report/)
    const one = issueBody(FLAGGED, {
      ...CONTEXT,
      sslVpnServerId: 'vss-bp1test0001',
      runUrl: undefined
    })
    expect(one).toContain('SSL server `vss-bp1test0001` in `cn-hangzhou`')
    expect(one).toContain('Checked 2026-06-01 12:00 UTC.')
  })

  test('only IDs, names, servers, statuses and dates: not even the RequestId', () => {
    expect(body).not.toContain('REQ-SECRET-LOOKING-1')
  })

  test('a body that would pass GitHub’s 65,536 characters lists what fits and counts the rest', () => {
    const many = classifyCertificates(
      Array.from({ length: 1000 }, (_, i) =>
        listed(`vsc-${'x'.repeat(40)}${i}`, NOW + (i % 30) * DAY_MS + 1, {
          name: `n${'y'.repeat(100)}${i}`
        })
      ),
      NOW,
      30
    )
    const big = issueBody(many, CONTEXT)
    expect(big.length).toBeLessThanOrEqual(60_000)
    const listedRows = big.split('\n').filter(line => line.startsWith('| expiring |')).length
    expect(listedRows).toBeGreaterThan(100)
    expect(big).toContain(`| … | ${1000 - listedRows} more, not listed here (see the job summary)`)
  })
})

describe('syncTrackingIssue', () => {
  test('something flagged, no issue: one is opened with the label', async () => {
    const repo = fakeRepository()
    const outcome = await syncTrackingIssue(repo.client, FLAGGED, CONTEXT)
    expect(outcome).toMatchObject({ action: 'opened', duplicatesClosed: [], labelDropped: false })
    expect(outcome.issue?.number).toBe(1)
    expect(repo.calls).toEqual(['list', 'create'])
    expect(repo.issues[0]).toMatchObject({
      title: CONTEXT.title,
      body: issueBody(FLAGGED, CONTEXT)
    })
  })

  test('something flagged, an issue open: rewritten in place (title too)', async () => {
    const repo = fakeRepository([{ number: 7, title: 'renamed by hand' }])
    const outcome = await syncTrackingIssue(repo.client, FLAGGED, CONTEXT)
    expect(outcome).toMatchObject({ action: 'updated', issue: { number: 7 } })
    expect(repo.calls).toEqual(['list', 'update #7'])
    expect(repo.issues[0]).toMatchObject({
      title: CONTEXT.title,
      body: issueBody(FLAGGED, CONTEXT)
    })
  })

  test('the same report again: nothing written', async () => {
    const repo = fakeRepository([{ title: CONTEXT.title, body: issueBody(FLAGGED, CONTEXT) }])
    const outcome = await syncTrackingIssue(repo.client, FLAGGED, CONTEXT)
    expect(outcome.action).toBe('unchanged')
    expect(repo.calls).toEqual(['list'])
  })

  test('nothing left: closed as completed, with a comment that says why', async () => {
    const repo = fakeRepository([{ number: 3 }])
    const outcome = await syncTrackingIssue(repo.client, NOTHING, CONTEXT)
    expect(outcome).toMatchObject({ action: 'closed', issue: { number: 3 } })
    expect(repo.calls).toEqual(['list', 'comment #3', 'close #3 completed'])
    expect(repo.issues[0]?.comments[0]).toMatch(
      /^Nothing of every SSL server in `cn-hangzhou` is expired or expires within 30 days any more \(checked 2026-06-01 12:00 UTC by \[this run\]/
    )
  })

  test('nothing left and no issue: nothing done', async () => {
    const repo = fakeRepository()
    expect(await syncTrackingIssue(repo.client, NOTHING, CONTEXT)).toEqual({
      action: 'none',
      issue: undefined,
      duplicatesClosed: [],
      labelDropped: false
    })
    expect(repo.calls).toEqual(['list'])
  })

  test.each([
    ['something flagged', FLAGGED, 'update #2'],
    ['nothing left', NOTHING, 'close #2 completed']
  ])(
    'several open (%s): the oldest kept, the others closed with a comment first',
    async (_w, report, last) => {
      const repo = fakeRepository([{ number: 9 }, { number: 2 }, { number: 5 }])
      const outcome = await syncTrackingIssue(repo.client, report, CONTEXT)
      expect(outcome.duplicatesClosed).toEqual([5, 9])
      expect(repo.calls).toEqual([
        'list',
        'comment #5',
        'close #5 not_planned',
        'comment #9',
        'close #9 not_planned',
        ...(last.startsWith('close') ? ['comment #2'] : []),
        last
      ])
      expect(repo.issues.find(i => i.number === 5)?.comments).toEqual([
        'Closing: a duplicate of #2 (the report keeps one open issue labelled `ssl-vpn-expiry`, the oldest).'
      ])
    }
  )

  test('a new issue whose label GitHub dropped is reported', async () => {
    const repo = fakeRepository([], { dropLabels: true })
    const outcome = await syncTrackingIssue(repo.client, FLAGGED, CONTEXT)
    expect(outcome).toMatchObject({ action: 'opened', labelDropped: true })
  })

  test('run twice: one issue, opened then left as it is', async () => {
    const repo = fakeRepository()
    await syncTrackingIssue(repo.client, FLAGGED, CONTEXT)
    const second = await syncTrackingIssue(repo.client, FLAGGED, CONTEXT)
    expect(second.action).toBe('unchanged')
    expect(repo.issues).toHaveLength(1)
  })
})
