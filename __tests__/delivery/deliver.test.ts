/**
 * Encrypted delivery in-process (src/delivery/deliver.ts and github-keys.ts): the given keys read
 * before any request, GitHub accounts read once with the real @actions/github Octokit (answered by
 * an undici MockAgent, the action's dispatcher, on a virtual clock), their keys sorted, and the
 * failures each name gets. The e2e test (e2e-delivery) opens what is sealed with the real age CLI.
 */
import { describe, expect, test } from '@jest/globals'
import { virtualRunPerTest } from '../../__fixtures__/virtual-time.js'
import { prepareDelivery } from '../../src/delivery/deliver.js'
import { GitHubError, InputError, RecipientError } from '../../src/core/errors.js'
import { createRedactor } from '../../src/core/redact.js'
import type { CertificateTarget, Recipient } from '../../src/certificates/requests.js'
import type { DeliverySettings as Settings } from '../../src/delivery/settings.js'

const TOKEN = 'ghs_DeliverTestToken0123456789abcdef'
const API = 'https://api.github.test'
const ED25519 =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPwmJCHh/144J7wFVptgI8LRPYuilXX5n8soAVJkvDSz alice@laptop'
const ED25519_FINGERPRINT = 'SHA256:vU8TEMYuQ8q/sz5mrsInMfRp/41qkn9jbwbWVG6sako'
const RSA =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC58BjbjnqSfgwiKo0YVXq0xyS6QSCukwg652QqH1YJkWaF2SGb9amBcav8xbGFiIr3iEhGsgV/4ny1CdJ10kNXsUoLFhoDRxrM3bY6V7yv/1RkE0ZcKJzXoReOrtVYxTS1EmNg/Kp+UTtvnc9kFl12VhXBtoy/rrx4r6y+mXNBGh+fPpPuB5GAnKM19+yChW91pzkj7hgTnw4gd4wg+QfwDd028FFGFDsulJuBseozjEodsXPtk0y0mVhkCnIbMgatqQQd5HFnfCcll9Fj9tvn/UM2oW52meLlIPi+Jbl6yLQ4yGzi3jJ+s7LZmUm9KeTq1iWtOZ8i25Xa/EkVEqt1 bob@desk'
const RSA_FINGERPRINT = 'SHA256:EGOiXdsWyjNxyB2xo4cL1aHuwZxUtA9Uj43JaSrOpEY'
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBP+AQZO7YUzPov4WY1Ywho/b7kUg5xUElhpobFbIHSSUlw7RsePIYFBme9yo4rOztTD67YNmKx1nSUlf92rCu7w='

const run = virtualRunPerTest(() => ({ redact: createRedactor([TOKEN]) }))

type Reply = { status: number; data?: unknown; headers?: Record<string, string> }
interface Seen {
  path: string
  query: URLSearchParams
  authorization: string | undefined
}

/** Answers every GitHub request with `answer`, recording each. */
function serve(answer: (seen: Seen) => Reply): Seen[] {
  const seen: Seen[] = []
  run()
    .agent.get(API)
    .intercept({ path: () => true, method: 'GET' })
    .reply(options => {
      const url = new URL(options.path, API)
      const headers = options.headers as Record<string, string> | undefined
      const request = {
        path: url.pathname,
        query: url.searchParams,
        authorization: headers?.['authorization']
      }
      seen.push(request)
      const reply = answer(request)
      return {
        statusCode: reply.status,
        data: reply.data === undefined ? '' : JSON.stringify(reply.data),
        responseOptions: { headers: { 'content-type': 'application/json', ...reply.headers } }
      }
    })
    .persist()
  return seen
}

/** A user's keys as GitHub lists them. */
function keysOf(lines: string[]) {
  return lines.map((line, i) => ({ id: i + 1, key: line.split(' ').slice(0, 2).join(' ') }))
}

function target(name: string, recipients: Recipient[]): CertificateTarget {
  return { name, recipients, clientToken: `t-${name}`, clientTokenSource: 'from the input' }
}
const github = (username: string, line = 1): Recipient => ({
  kind: 'github',
  username,
  given: { input: 'names', line }
})
const key = (text: string, line = 1): Recipient => ({
  kind: 'key',
  text,
  given: { input: 'names', line }
})

function prepare(targets: CertificateTarget[], { anonymous = false } = {}) {
  const { rpc, clock } = run()
  const log: string[] = []
  const settings = {
    targets,
    github: { apiUrl: API, token: anonymous ? undefined : TOKEN }
  } as unknown as Settings
  const sealerFor = prepareDelivery(settings, {
    rpc,
    deadline: clock.now() + 60_000,
    log: line => log.push(line)
  })
  return { sealerFor, log }
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error
  )

describe('keys given in the inputs', () => {
  test('read before any request: a bad one is an input error naming its line', () => {
    const seen = serve(() => ({ status: 200, data: [] }))
    const bad = target('bob', [key('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIQ== x', 4)])
    let error: unknown
    try {
      prepare([target('alice', [github('alice-gh')]), bad])
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('names')
    expect((error as Error).message).toMatch(/^Input 'names': line 4: /)
    expect(seen).toEqual([])
  })

  test('a name without recipients gets no sealer; one with a key gets it, named by its line', async () => {
    const { sealerFor } = prepare([])
    expect(await sealerFor(target('dave', []))).toBeUndefined()
    const sealer = await sealerFor(target('bob', [key(RSA, 3)]))
    expect(sealer?.recipients).toEqual([
      { type: 'ssh-rsa', fingerprint: RSA_FINGERPRINT, from: 'names line 3' }
    ])
    const sealed = await sealer?.seal('bob.ovpn', 'client\n')
    expect(sealed?.fileName).toBe('bob.ovpn.age')
    const header = Buffer.from(sealed?.content ?? []).toString('latin1')
    expect(header).toMatch(/^age-encryption\.org\/v1\n-> ssh-rsa /)
    expect(header).not.toContain('client')
  })
})

describe('github: recipients', () => {
  test('every usable key, once; unusable ones skipped with a note; an account read once per run', async () => {
    const seen = serve(() => ({ status: 200, data: keysOf([ECDSA, ED25519, RSA, ED25519]) }))
    const { sealerFor, log } = prepare([])
    const first = await sealerFor(target('alice', [github('alice-gh'), key(ED25519)]))
    expect(first?.recipients).toEqual([
      { type: 'ssh-ed25519', fingerprint: ED25519_FINGERPRINT, from: 'github:alice-gh' },
      { type: 'ssh-rsa', fingerprint: RSA_FINGERPRINT, from: 'github:alice-gh' }
    ])
    expect(log).toEqual([
      expect.stringMatching(
        /^Skipping a key of github:alice-gh \(ecdsa-sha2-nistp256 SHA256:\S+\): .*ECDSA/
      )
    ])
    await sealerFor(target('alice2', [github('Alice-GH')]))
    expect(seen).toHaveLength(1)
    expect(seen[0]?.path).toBe('/users/alice-gh/keys')
    expect(Object.fromEntries(seen[0]?.query ?? [])).toEqual({ per_page: '100', page: '1' })
    expect(seen[0]?.authorization).toBe(`token ${TOKEN}`)
  })

  test('pages asked for by number while Link says there is a next; anonymous without a token', async () => {
    const seen = serve(({ query }) =>
      query.get('page') === '1'
        ? {
            status: 200,
            data: keysOf([ED25519]),
            headers: { link: '<https://elsewhere.test/x?page=2>; rel="next"' }
          }
        : { status: 200, data: keysOf([RSA]) }
    )
    const { sealerFor } = prepare([], { anonymous: true })
    const sealer = await sealerFor(target('alice', [github('alice-gh')]))
    expect(sealer?.recipients.map(r => r.type)).toEqual(['ssh-ed25519', 'ssh-rsa'])
    expect(seen.map(s => [s.path, s.query.get('page'), s.authorization])).toEqual([
      ['/users/alice-gh/keys', '1', undefined],
      ['/users/alice-gh/keys', '2', undefined]
    ])
  })

  test.each([
    [
      'no usable key',
      { status: 200, data: keysOf([ECDSA]) },
      RecipientError,
      /github:alice-gh has no public SSH key age can encrypt to \(1 skipped, listed above\)/
    ],
    ['no key at all', { status: 200, data: [] }, RecipientError, /\(GitHub lists none\)/],
    [
      'no such account',
      { status: 404, data: { message: 'Not Found' } },
      RecipientError,
      /GitHub has no account github:alice-gh \(HTTP 404 at https:\/\/api\.github\.test\)/
    ],
    [
      'the rate limit',
      {
        status: 403,
        data: { message: 'API rate limit exceeded for 1.2.3.4.' },
        headers: { 'x-ratelimit-remaining': '0' }
      },
      GitHubError,
      /\(HTTP 403: API rate limit exceeded for 1\.2\.3\.4\.\)\. GitHub's API rate limit was reached: re-run later\./
    ],
    [
      'a token not accepted',
      { status: 401, data: { message: 'Bad credentials' } },
      GitHubError,
      /github-token was not accepted/
    ],
    [
      'an answer that is not a list',
      { status: 200, data: { keys: [] } },
      GitHubError,
      /Unexpected answer from the GitHub API: the public keys of github:alice-gh is not a list/
    ],
    [
      'an entry that is not one key line',
      { status: 200, data: [{ id: 1, key: `${ED25519}\n::warning::x` }] },
      GitHubError,
      /has an entry \[0\] that is not one key line/
    ],
    [
      'more than 300 keys',
      {
        status: 200,
        data: keysOf([ED25519]),
        headers: { link: '<https://api.github.test/x?page=9>; rel="next"' }
      },
      RecipientError,
      /more than 300 public keys for github:alice-gh/
    ]
  ])('%s: that name fails with a clear error', async (_what, reply, kind, message) => {
    serve(() => reply)
    const { sealerFor } = prepare([])
    const error = await failureOf(sealerFor(target('alice', [github('alice-gh')])))
    expect(error).toBeInstanceOf(kind)
    expect(error?.message).toMatch(message)
  })

  test('the rate limit without a token says to pass github-token', async () => {
    serve(() => ({ status: 429, data: { message: 'You have exceeded a secondary rate limit.' } }))
    const { sealerFor } = prepare([], { anonymous: true })
    const error = await failureOf(sealerFor(target('alice', [github('alice-gh')])))
    expect(error?.message).toMatch(/HTTP 429: .*pass github-token \(usually github\.token\)/)
  })
})
