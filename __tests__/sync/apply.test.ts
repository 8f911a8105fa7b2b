/**
 * `mode: apply`'s own logic (apply.ts), with an in-memory VPC client: creates before the one
 * revocation window, nothing revoked after a failed create, a re-run that finishes the job without
 * a duplicate, rotations waited for, and delivery: a roster recipient's profile goes through the
 * sealer (only the sealed file is written) that is prepared only when a recipient is there.
 */
import { describe, expect, test } from '@jest/globals'
import { ApiError, RecipientError } from '../../src/core/errors.js'
import { applyPlan } from '../../src/sync/apply.js'
import { computePlan, type Plan } from '../../src/sync/plan.js'
import { parseRoster } from '../../src/sync/roster.js'
import type { SyncSettings } from '../../src/sync/inputs.js'
import type { DeliveryTarget } from '../../src/certificates/requests.js'
import type { ListedCertificate, VpcClient } from '../../src/alibaba/vpc-client.js'
import type { ProfileSealer } from '../../src/certificates/onboarding.js'

const SERVER = 'vss-bp1apply0001'
const NOW = Date.parse('2026-12-05T08:00:00Z')
const DAY = 24 * 60 * 60 * 1000
const RUN = { repository: 'acme/vpn', runId: '42', job: 'sync', step: 'apply' }

const SETTINGS = {
  regionId: 'cn-hangzhou',
  sslVpnServerId: SERVER,
  configDir: '/profiles',
  timeoutMs: 60_000
} as SyncSettings

/**
 * An SSL server in memory: what it lists, every call in order, ClientToken idempotency on create
 * (a re-run's create is answered with the certificate the first attempt made), and faults by
 * name: a create refused, a certificate that never becomes ready.
 */
class FakeServer {
  certificates: ListedCertificate[] = []
  calls: string[] = []
  refuseCreateOf = new Set<string>()
  neverReady = new Set<string>()
  private byToken = new Map<string, string>()
  private next = 1

  constructor(names: readonly (string | [string, number])[]) {
    for (const item of names) {
      const [name, endTime] = typeof item === 'string' ? [item, NOW + 300 * DAY] : item
      this.add(name, endTime)
    }
  }

  private add(name: string, endTime: number): string {
    const certId = `vsc-fake${this.next++}`
    this.certificates.push({
      certId,
      name,
      sslVpnServerId: SERVER,
      status: endTime < NOW ? 'expired' : 'normal',
      createTime: NOW - DAY + this.next,
      endTime,
      requestId: 'REQ-LIST'
    })
    return certId
  }

  names(): string[] {
    return this.certificates.map(c => c.name).sort()
  }

  client(): VpcClient {
    const client: Partial<VpcClient> = {
      timeLeftMs: () => 60_000,
      withLogPrefix: () => client as VpcClient,
      createCertificate: async ({ name = '', clientToken }) => {
        this.calls.push(`create ${name}`)
        if (this.refuseCreateOf.has(name)) {
          throw new ApiError({
            code: 'Resource.QuotaFull',
            message: 'quota full',
            requestId: 'REQ-Q',
            httpStatus: 400
          } as ConstructorParameters<typeof ApiError>[0])
        }
        const certId = this.byToken.get(clientToken) ?? this.add(name, NOW + 365 * DAY)
        this.byToken.set(clientToken, certId)
        return {
          certId,
          name,
          requestId: `REQ-${certId}`,
          clientToken,
          attempts: 1,
          waitedMs: 0,
          elapsedMs: 0,
          busySeenMs: undefined
        }
      },
      waitUntilReady: async certId => {
        this.calls.push(`ready ${certId}`)
        const name = this.certificates.find(c => c.certId === certId)?.name ?? ''
        if (this.neverReady.has(name)) throw new Error('still configuring at the deadline')
        return {
          certId,
          name,
          status: 'normal',
          caCert: 'CA',
          clientCert: 'CERT',
          clientKey: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----',
          clientConfig: 'client\nremote 192.0.2.1 1194',
          attempts: 1,
          waitedMs: 0
        }
      },
      deleteCertificate: async ({ certId }) => {
        this.calls.push(`delete ${certId}`)
        this.certificates = this.certificates.filter(c => c.certId !== certId)
        return {
          certId,
          requestId: `REQ-D-${certId}`,
          alreadyGone: false,
          notFoundCode: undefined,
          attempts: 1,
          waitedMs: 0,
          elapsedMs: 0,
          busySeenMs: undefined
        }
      },
      waitUntilGone: async () => ({
        attempts: 1,
        waitedMs: 0,
        elapsedMs: 0,
        lastSeenMs: undefined
      })
    }
    return client as VpcClient
  }
}

function planFor(
  server: FakeServer,
  roster: string,
  rotate = false,
  redeliver: string[] = []
): Plan {
  return computePlan(parseRoster(roster, 'roster.yml'), server.certificates, {
    now: NOW,
    warnDays: 30,
    rotate,
    ignore: [],
    redeliver
  })
}

function deps(
  server: FakeServer,
  extra: {
    prepareDelivery?: (settings: {
      targets: readonly DeliveryTarget[]
    }) => ReturnType<typeof sealerFor>
  } = {}
) {
  const written: { path: string; content: string | Uint8Array }[] = []
  const log: string[] = []
  let clock = NOW
  return {
    written,
    log,
    value: {
      log: (line: string) => void log.push(line),
      mask: () => undefined,
      writeFile: async (dir: string, fileName: string, content: string | Uint8Array) => {
        server.calls.push(`write ${fileName}`)
        written.push({ path: `${dir}/${fileName}`, content })
        return `${dir}/${fileName}`
      },
      deleteToken: (certId: string) => `delete-${certId}`,
      now: () => (clock += 1000),
      randomClientToken: () => `random-${Math.random()}`,
      ...extra
    }
  }
}

/** A sealer stand-in: records which targets it was asked for; seals by reversing the text. */
function sealerFor(asked: DeliveryTarget[]) {
  return async (target: DeliveryTarget): Promise<ProfileSealer | undefined> => {
    asked.push(target)
    const [recipient] = target.recipients ?? []
    if (recipient === undefined) return undefined
    if (recipient.kind === 'github' && recipient.username === 'nokeys') {
      throw new RecipientError('github:nokeys has no public SSH key age can encrypt to')
    }
    return {
      recipients: [{ type: 'ssh-ed25519', fingerprint: 'SHA256:fake', from: 'roster line 3' }],
      seal: async (fileName, profile) => ({
        fileName: `${fileName}.age`,
        content: new TextEncoder().encode([...profile].reverse().join(''))
      })
    }
  }
}

const roster = (...entries: string[]) => `certificates:\n${entries.map(e => `  - ${e}\n`).join('')}`

describe('applyPlan', () => {
  test('creates first (each waited for, its profile written), then every revocation back to back in one window', async () => {
    const server = new FakeServer(['alice', 'leaver1', 'leaver2'])
    const plan = planFor(server, roster('name: alice', 'name: bob', 'name: carol'))
    const d = deps(server)
    const report = await applyPlan(plan, SETTINGS, server.client(), d.value, RUN)
    const [leaver1, leaver2] = plan.revoke.map(r => r.certId)
    expect(server.calls.map(c => c.replace(/vsc-fake\d+/, 'ID'))).toEqual([
      'create bob',
      'ready ID',
      'write bob.ovpn',
      'create carol',
      'ready ID',
      'write carol.ovpn',
      'delete ID',
      'delete ID'
    ])
    expect(server.calls.slice(-2)).toEqual([`delete ${leaver1}`, `delete ${leaver2}`])
    expect(report.creates.map(o => o.ok && o.name)).toEqual(['bob', 'carol'])
    expect(report.revocations.map(r => r.ok && r.certId)).toEqual([leaver1, leaver2])
    expect(report.revocationsSkipped).toBe(false)
    expect(report.window).toBeDefined()
    expect(report.window!.endedAt).toBeGreaterThan(report.window!.startedAt)
    expect(server.names()).toEqual(['alice', 'bob', 'carol'])
  })

  test('a re-run on the same listing-made plan changes nothing; with the same ClientTokens, no duplicate', async () => {
    const server = new FakeServer(['leaver'])
    const text = roster('name: bob')
    await applyPlan(planFor(server, text), SETTINGS, server.client(), deps(server).value, RUN)
    const callsAfterFirst = server.calls.length

    // The plan made again from the listing: nothing to do.
    const again = planFor(server, text)
    expect(again.create).toEqual([])
    expect(again.revoke).toEqual([])
    const report = await applyPlan(again, SETTINGS, server.client(), deps(server).value, RUN)
    expect(report).toMatchObject({ creates: [], revocations: [], window: undefined })
    expect(server.calls).toHaveLength(callsAfterFirst)

    // A stale plan (the same job re-run before it listed again) re-sends bob's ClientToken: the
    // certificate the first attempt made, not a second one.
    const stale = {
      ...again,
      create: [{ name: 'bob', recipient: undefined, reason: 'new' as const }]
    }
    await applyPlan(stale, SETTINGS, server.client(), deps(server).value, RUN)
    expect(server.names()).toEqual(['bob'])
  })

  test('a failure halfway: the others are still created, nothing is revoked; the re-run finishes the job', async () => {
    const server = new FakeServer(['leaver'])
    server.refuseCreateOf.add('bob')
    const text = roster('name: bob', 'name: carol')
    const first = await applyPlan(
      planFor(server, text),
      SETTINGS,
      server.client(),
      deps(server).value,
      RUN
    )
    expect(first.creates.map(o => o.ok)).toEqual([false, true])
    expect(first.revocations).toEqual([])
    expect(first.revocationsSkipped).toBe(true)
    expect(first.window).toBeUndefined()
    expect(server.calls.some(c => c.startsWith('delete'))).toBe(false)
    expect(server.names()).toEqual(['carol', 'leaver'])

    server.refuseCreateOf.clear()
    const plan = planFor(server, text)
    expect(plan.create.map(c => c.name)).toEqual(['bob'])
    const second = await applyPlan(plan, SETTINGS, server.client(), deps(server).value, RUN)
    expect(second.revocationsSkipped).toBe(false)
    expect(server.names()).toEqual(['bob', 'carol'])
  })

  test('rotate: the old certificate goes only once the new one is ready; a new one that never is keeps the old one', async () => {
    const server = new FakeServer([['alice', NOW + 3 * DAY]])
    const old = server.certificates[0]!.certId
    const noProfiles = { ...SETTINGS, configDir: undefined }
    server.neverReady.add('alice')
    const failed = await applyPlan(
      planFor(server, roster('name: alice'), true),
      noProfiles,
      server.client(),
      deps(server).value,
      RUN
    )
    expect(failed.creates[0]?.ok).toBe(false)
    expect(failed.revocationsSkipped).toBe(true)
    expect(server.certificates.map(c => c.certId)).toContain(old)

    server.neverReady.clear()
    server.calls = []
    const plan = planFor(server, roster('name: alice'), true)
    await applyPlan(plan, noProfiles, server.client(), deps(server).value, RUN)
    // The first attempt's new certificate is there (valid): the re-run only revokes the old one.
    expect(plan.create).toEqual([])
    expect(plan.revoke.map(r => [r.certId, r.reason])).toEqual([[old, 'superseded']])
    expect(server.calls).toEqual([`delete ${old}`])
    expect(server.certificates.map(c => c.certId)).not.toContain(old)
  })

  test('a roster recipient: only the sealed <name>.ovpn.age is written, with the keys it opens with; plain names as before', async () => {
    const server = new FakeServer([])
    const asked: DeliveryTarget[] = []
    const prepared: { targets: readonly DeliveryTarget[] }[] = []
    const d = deps(server, {
      prepareDelivery: settings => (prepared.push(settings), sealerFor(asked))
    })
    const report = await applyPlan(
      planFor(server, roster('name: bob', 'name: alice\n    recipient: github:alice-gh')),
      SETTINGS,
      server.client(),
      d.value,
      RUN
    )
    expect(d.written.map(w => w.path)).toEqual(['/profiles/bob.ovpn', '/profiles/alice.ovpn.age'])
    const sealed = new TextDecoder().decode(d.written[1]!.content as Uint8Array)
    expect([...sealed].reverse().join('')).toContain('<key>')
    const alice = report.creates[1]
    expect(alice).toMatchObject({
      ok: true,
      configFile: '/profiles/alice.ovpn.age',
      encryptedTo: [{ type: 'ssh-ed25519', fingerprint: 'SHA256:fake', from: 'roster line 3' }]
    })
    // The targets carry the roster's recipient, with its line, as delivery reads it.
    expect(prepared).toHaveLength(1)
    expect(prepared[0]!.targets.map(t => t.recipients)).toEqual([
      [],
      [{ kind: 'github', username: 'alice-gh', given: { input: 'roster-file', line: 4 } }]
    ])
  })

  test('a recipient without a usable key fails that name before its create; the others go on, nothing is revoked', async () => {
    const server = new FakeServer(['leaver'])
    const asked: DeliveryTarget[] = []
    const d = deps(server, { prepareDelivery: () => sealerFor(asked) })
    const report = await applyPlan(
      planFor(server, roster('name: nora\n    recipient: github:nokeys', 'name: bob')),
      SETTINGS,
      server.client(),
      d.value,
      RUN
    )
    expect(report.creates[0]).toMatchObject({ ok: false, requested: 'nora' })
    expect((report.creates[0] as { error: Error }).error).toBeInstanceOf(RecipientError)
    expect(server.calls.filter(c => c.startsWith('create'))).toEqual(['create bob'])
    expect(report.revocationsSkipped).toBe(true)
    expect(server.names()).toEqual(['bob', 'leaver'])
  })

  test('no recipient in the plan: the delivery code is never prepared', async () => {
    const server = new FakeServer([])
    let prepared = 0
    const d = deps(server, { prepareDelivery: () => (prepared++, sealerFor([])) })
    await applyPlan(planFor(server, roster('name: bob')), SETTINGS, server.client(), d.value, RUN)
    expect(prepared).toBe(0)
    expect(d.written.map(w => w.path)).toEqual(['/profiles/bob.ovpn'])
  })
})

describe('applyPlan, redeliver', () => {
  test('after the creates and before the revocations: the oldest usable kept certificate described and its profile written; no create for it', async () => {
    const server = new FakeServer(['alice', 'alice', 'leaver'])
    const [older] = server.certificates
    const plan = planFor(server, roster('name: alice', 'name: bob'), false, ['alice'])
    const d = deps(server)
    const report = await applyPlan(plan, SETTINGS, server.client(), d.value, RUN)
    // alice vsc-fake1 (the older) and vsc-fake2, leaver vsc-fake3; bob is created as vsc-fake4.
    expect(plan.revoke.map(r => r.certId)).toEqual(['vsc-fake3'])
    expect(server.calls).toEqual([
      'create bob',
      'ready vsc-fake4',
      'write bob.ovpn',
      'ready vsc-fake1',
      'write alice.ovpn',
      'delete vsc-fake3'
    ])
    expect(older!.certId).toBe('vsc-fake1')
    expect(report.redeliveries).toEqual([
      {
        ok: true,
        name: 'alice',
        certId: 'vsc-fake1',
        status: 'normal',
        configFile: '/profiles/alice.ovpn',
        encryptedTo: undefined
      }
    ])
    expect(server.calls.filter(c => c.startsWith('create '))).toEqual(['create bob'])
    expect(d.log).toContain(
      'alice: Writing the profile of vsc-fake1 again (redeliver); nothing is created.'
    )
  })

  test('twice: the same profile written again each time, no create, no gateway change', async () => {
    const server = new FakeServer(['alice'])
    for (const run of [1, 2]) {
      const d = deps(server)
      const plan = planFor(server, roster('name: alice'), false, ['alice'])
      const report = await applyPlan(plan, SETTINGS, server.client(), d.value, {
        ...RUN,
        runId: String(run)
      })
      expect(report.redeliveries).toEqual([
        expect.objectContaining({ ok: true, certId: 'vsc-fake1' })
      ])
      expect(report.window).toBeUndefined()
    }
    expect(server.calls).toEqual([
      'ready vsc-fake1',
      'write alice.ovpn',
      'ready vsc-fake1',
      'write alice.ovpn'
    ])
  })

  test('a roster recipient: sealed as a new profile is, the sealer prepared with the redelivery among its targets', async () => {
    const server = new FakeServer(['alice'])
    const asked: DeliveryTarget[] = []
    const prepared: { targets: readonly DeliveryTarget[] }[] = []
    const d = deps(server, {
      prepareDelivery: settings => (prepared.push(settings), sealerFor(asked))
    })
    const report = await applyPlan(
      planFor(server, roster('name: alice\n    recipient: github:alice-gh'), false, ['alice']),
      SETTINGS,
      server.client(),
      d.value,
      RUN
    )
    expect(prepared).toHaveLength(1)
    expect(prepared[0]!.targets).toEqual([
      {
        name: 'alice',
        recipients: [
          { kind: 'github', username: 'alice-gh', given: { input: 'roster-file', line: 3 } }
        ]
      }
    ])
    expect(d.written.map(w => w.path)).toEqual(['/profiles/alice.ovpn.age'])
    expect(report.redeliveries[0]).toMatchObject({
      ok: true,
      configFile: '/profiles/alice.ovpn.age',
      encryptedTo: [{ type: 'ssh-ed25519', fingerprint: 'SHA256:fake', from: 'roster line 3' }]
    })
  })

  test('a redelivery that fails (no usable key, a failed describe) is reported and does not stop the revocations', async () => {
    const server = new FakeServer(['nora', 'olga', 'leaver'])
    server.neverReady.add('olga')
    const d = deps(server, { prepareDelivery: () => sealerFor([]) })
    const report = await applyPlan(
      planFor(server, roster('name: nora\n    recipient: github:nokeys', 'name: olga'), false, [
        'nora',
        'olga'
      ]),
      SETTINGS,
      server.client(),
      d.value,
      RUN
    )
    expect(report.redeliveries.map(r => [r.name, r.ok])).toEqual([
      ['nora', false],
      ['olga', false]
    ])
    // nora's key could not be had: her key material was not even fetched.
    expect(server.calls.filter(c => c.startsWith('ready '))).toEqual(['ready vsc-fake2'])
    expect(d.written).toEqual([])
    expect(report.revocations.map(r => r.ok)).toEqual([true])
    expect(server.names()).toEqual(['nora', 'olga'])
  })
})
