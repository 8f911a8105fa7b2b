/**
 * The plan as Markdown (names from the listing are any string: shown inert) and the one plan
 * comment: found by its marker, rewritten only when it differs, never a comment without it.
 */
import { describe, expect, test } from '@jest/globals'
import type { CommentClient, IssueComment } from '../../src/github/client.js'
import type { PlannedCreate as PlanCreate } from '../../src/sync/plan.js'
import {
  keepPlanComment,
  planMarkdown,
  planMarker,
  type PlanContext
} from '../../src/sync/plan-comment.js'
import { EMPTY_PLAN } from '../../__fixtures__/plans.js'

const SERVER = 'vss-standin0001'
const CONTEXT: PlanContext = {
  regionId: 'cn-hangzhou',
  sslVpnServerId: SERVER,
  rosterFile: '.github/ssl-vpn-roster.yml',
  mode: 'plan',
  checkedAt: Date.parse('2026-12-05T08:00:00Z'),
  refusal: undefined,
  runUrl: 'https://github.com/acme/vpn-admin/actions/runs/1'
}
const EMPTY = EMPTY_PLAN

function revocation(name: string, n: number) {
  return {
    certId: `vsc-${n}`,
    name,
    status: 'normal',
    endTime: CONTEXT.checkedAt,
    reason: 'not-in-roster' as const
  }
}

describe('planMarkdown', () => {
  test('starts with the marker; says what is created and revoked and why', () => {
    const text = planMarkdown(
      {
        ...EMPTY,
        create: [{ name: 'carol', recipient: undefined, reason: 'new' }],
        revoke: [revocation('mallory', 1)]
      },
      CONTEXT
    )
    expect(text.startsWith(`${planMarker(SERVER)}\n`)).toBe(true)
    expect(text).toContain('1 to create, 1 to revoke, 0 kept.')
    expect(text).toContain('- <code>carol</code>')
    expect(text).toContain('- <code>mallory</code> <code>vsc-1</code>: not in the roster')
    expect(text).toContain('disconnects every client')
  })

  test('a Re-deliver section, after Create: the certificate each profile is written from, of how many kept; by its create; or ✗ why not', () => {
    const text = planMarkdown(
      {
        ...EMPTY,
        create: [{ name: 'carol', recipient: undefined, reason: 'new' }],
        redeliver: [
          { name: 'alice', recipient: undefined, action: 'deliver', certId: 'vsc-a1', kept: 2 },
          {
            name: 'bob',
            recipient: 'github:bob-gh',
            action: 'deliver',
            certId: 'vsc-b1',
            kept: 1,
            github: {
              status: 'keys',
              username: 'bob-gh',
              keys: [{ type: 'ssh-ed25519', fingerprint: 'SHA256:bob', from: 'github:bob-gh' }],
              skipped: 0
            }
          },
          { name: 'carol', recipient: undefined, action: 'by-create', reason: 'new' },
          {
            name: 'erin',
            recipient: undefined,
            action: 'unusable',
            certificates: [{ certId: 'vsc-e1', status: 'expired' }]
          }
        ]
      },
      CONTEXT
    )
    expect(text).toContain(
      '1 to create, 0 to revoke, 0 kept. 2 profiles to re-deliver (redeliver).'
    )
    const section = text.slice(text.indexOf('**Re-deliver** (4)'))
    expect(text.indexOf('**Create**')).toBeLessThan(text.indexOf('**Re-deliver**'))
    expect(section).toContain(
      '- <code>alice</code> <code>vsc-a1</code>: its profile is written again (the oldest usable of the 2 kept), nothing is created\n'
    )
    expect(section).toContain(
      '- <code>bob</code> <code>vsc-b1</code>: its profile is written again, nothing is created: encrypted to ssh-ed25519 <code>SHA256:bob</code> (github:bob-gh)\n'
    )
    expect(section).toContain(
      '- <code>carol</code>: created above; its new profile is written once\n'
    )
    expect(section).toContain(
      '- <code>erin</code>: ✗ <strong>no certificate of that name can be used</strong> (<code>vsc-e1</code> expired): set rotate: true, or leave the name out of redeliver\n'
    )
  })

  test('no changes says so', () => {
    expect(planMarkdown(EMPTY, CONTEXT)).toContain('No changes: the SSL server matches the roster.')
  })

  test('a name from the listing cannot inject HTML, Markdown lines, mentions or a fake marker', () => {
    const hostile = '@acme/admins <img src=x onerror=alert(1)>\n\n## hi -->'
    const text = planMarkdown({ ...EMPTY, revoke: [revocation(hostile, 2)] }, CONTEXT)
    expect(text).not.toContain('<img')
    expect(text).not.toContain('@acme')
    expect(text).toContain('&#64;acme/admins &lt;img')
    expect(text.split('\n').filter(l => l.startsWith('## '))).toEqual([])
    expect(text.match(/-->/g)).toHaveLength(1)
  })

  test('the refusal of the safety rail is shown as a warning', () => {
    expect(planMarkdown(EMPTY, { ...CONTEXT, refusal: 'The plan revokes 9 certificates' })).toMatch(
      /> \[!WARNING\]\n> The plan revokes 9 certificates/
    )
  })

  test('long lists are cut, and the whole stays under GitHub’s comment limit', () => {
    const revoke = Array.from({ length: 3000 }, (_, i) =>
      revocation(`user-${'x'.repeat(100)}-${i}`, i)
    )
    const text = planMarkdown({ ...EMPTY, revoke }, CONTEXT)
    expect(text).toContain('- … and 2800 more (see the plan file, output plan-file)')
    expect(text.length).toBeLessThan(65_536)
  })
})

/** A fake comment client over a list of comments, recording writes. */
function fakeClient(comments: IssueComment[]) {
  const writes: string[] = []
  const client: CommentClient = {
    listComments: () => Promise.resolve(comments.map(c => ({ ...c }))),
    createComment: body => {
      writes.push(`create ${body.slice(0, 10)}`)
      comments.push({ id: 900 + comments.length, body })
      return Promise.resolve()
    },
    updateComment: (id, body) => {
      writes.push(`update ${id}`)
      const found = comments.find(c => c.id === id)
      if (found) found.body = body
      return Promise.resolve()
    }
  }
  return { client, writes }
}

describe('planMarkdown, github: recipients read by the plan', () => {
  const FP = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s'
  const created = (name: string, github: PlanCreate['github']): PlanCreate => ({
    name,
    recipient: `github:${github?.username ?? ''}`,
    recipientLine: 4,
    reason: 'new',
    github
  })

  test('each create shows the keys its profile will be encrypted to; one apply would fail is marked ✗ with why, with a caution on top; one not checked says so', () => {
    const text = planMarkdown(
      {
        ...EMPTY,
        create: [
          created('alice.laptop', {
            status: 'keys',
            username: 'alice-gh',
            keys: [{ type: 'ssh-ed25519', fingerprint: FP, from: 'github:alice-gh' }],
            skipped: 1
          }),
          created('bob.laptop', {
            status: 'problem',
            username: 'bob-gh',
            message: 'github:bob-gh has no public SSH key age can encrypt to (GitHub lists none).'
          }),
          created('carol', {
            status: 'unchecked',
            username: 'carol-gh',
            message: 'Could not reach <GitHub> @team'
          })
        ]
      },
      CONTEXT
    )
    expect(text).toContain(
      `- <code>alice.laptop</code>: encrypted to ssh-ed25519 <code>${FP}</code> (github:alice-gh; 1 key age cannot use skipped)`
    )
    expect(text).toContain(
      '- <code>bob.laptop</code>: ✗ <strong>apply would fail this name</strong>: github:bob-gh has no public SSH key age can encrypt to (GitHub lists none).'
    )
    expect(text).toMatch(/> \[!CAUTION\]\n> Apply would fail 1 name: /)
    // Escaped, and never a mention.
    expect(text).toContain(
      '- <code>carol</code>: ⚠ the keys of github:carol-gh could not be checked (Could not reach &lt;GitHub&gt; &#64;team); apply reads them again'
    )
  })

  test('without a problem, no caution', () => {
    const text = planMarkdown(
      {
        ...EMPTY,
        create: [
          created('alice', {
            status: 'keys',
            username: 'alice-gh',
            keys: [{ type: 'ssh-ed25519', fingerprint: FP, from: 'github:alice-gh' }],
            skipped: 0
          })
        ]
      },
      CONTEXT
    )
    expect(text).toContain(
      `- <code>alice</code>: encrypted to ssh-ed25519 <code>${FP}</code> (github:alice-gh)`
    )
    expect(text).not.toContain('CAUTION')
  })
})

describe('keepPlanComment', () => {
  const body = `${planMarker(SERVER)}\nplan v1`

  test('creates the comment when there is none with the marker', async () => {
    const { client, writes } = fakeClient([{ id: 1, body: 'LGTM' }])
    expect(await keepPlanComment(client, SERVER, body)).toBe('created')
    expect(writes).toEqual([`create ${body.slice(0, 10)}`])
  })

  test('rewrites the comment that starts with the marker; leaves one that only quotes it', async () => {
    const { client, writes } = fakeClient([
      { id: 1, body: `> ${planMarker(SERVER)}\nquoted by a reviewer` },
      { id: 2, body: `${planMarker(SERVER)}\nplan v0` }
    ])
    expect(await keepPlanComment(client, SERVER, body)).toBe('updated')
    expect(writes).toEqual(['update 2'])
  })

  test('the same plan: nothing written', async () => {
    const { client, writes } = fakeClient([{ id: 2, body }])
    expect(await keepPlanComment(client, SERVER, body)).toBe('unchanged')
    expect(writes).toEqual([])
  })

  test('the same plan listed later by another run: nothing written (the time and run link alone are no change)', async () => {
    const earlier = planMarkdown(EMPTY, CONTEXT)
    const later = planMarkdown(EMPTY, {
      ...CONTEXT,
      checkedAt: CONTEXT.checkedAt + 3 * 60_000,
      runUrl: 'https://github.com/acme/vpn-admin/actions/runs/2'
    })
    expect(later).not.toBe(earlier)
    const { client, writes } = fakeClient([{ id: 2, body: earlier }])
    expect(await keepPlanComment(client, SERVER, later)).toBe('unchanged')
    expect(writes).toEqual([])
    // A changed plan is still written, with the new time and link.
    const changed = planMarkdown(
      { ...EMPTY, create: [{ name: 'dave', reason: 'new' as const, recipient: undefined }] },
      { ...CONTEXT, runUrl: 'https://github.com/acme/vpn-admin/actions/runs/3' }
    )
    expect(await keepPlanComment(client, SERVER, changed)).toBe('updated')
  })

  test("another SSL server's plan comment is not this one", async () => {
    const { client, writes } = fakeClient([{ id: 3, body: `${planMarker('vss-other0002')}\nplan` }])
    expect(await keepPlanComment(client, SERVER, body)).toBe('created')
    expect(writes).toHaveLength(1)
  })
})
