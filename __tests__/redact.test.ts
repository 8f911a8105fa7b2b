import { describe, expect, test } from '@jest/globals'
import { createRedactor, createSecretRegistry, REDACTED, secretForms } from '../src/redact.js'

/** RFC 3986 percent-encoding over UTF-8, written independently of the signer's. */
function rfc3986(value: string): string {
  return [...new TextEncoder().encode(value)]
    .map(byte => {
      const c = String.fromCharCode(byte)
      return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
    })
    .join('')
}

/** The forms the module promises to remove, each computed here from its definition. */
function expectedForms(secret: string): [string, string][] {
  return [
    ['raw', secret],
    ['percent-encoded once', rfc3986(secret)],
    ['percent-encoded twice', rfc3986(rfc3986(secret))],
    ['URI-component-encoded', encodeURIComponent(secret)],
    ['form-encoded', encodeURIComponent(secret).replace(/%20/g, '+')],
    ['URLSearchParams-encoded', new URLSearchParams({ s: secret }).toString().slice(2)],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)]
  ]
}

const SECRETS: [string, string][] = [
  ['base64 key material', 'kT9+/aB3=xQ=='],
  ['URL-special characters', "Sk+/=&% ~*'()!Zq"],
  ['quotes and backslashes', 'Sk"quo\\te\u0001Zq'],
  ['unicode', 'Sk-ключ-秘密-🔑-Zq']
]

describe('secretForms', () => {
  test.each(SECRETS)('covers every form of a secret with %s', (_what, secret) => {
    const forms = secretForms(secret)
    for (const [, form] of expectedForms(secret)) expect(forms).toContain(form)
  })

  test('the URL forms really differ for such a secret (the test is not vacuous)', () => {
    const urlForms = expectedForms("Sk+/=&% ~*'()!Zq")
      .filter(([name]) => name !== 'JSON-escaped')
      .map(([, form]) => form)
    expect(new Set(urlForms).size).toBe(6)
    expect(JSON.stringify('Sk"quo\\te\u0001Zq').slice(1, -1)).not.toBe('Sk"quo\\te\u0001Zq')
  })
})

describe('createRedactor', () => {
  describe.each(SECRETS)('a secret with %s', (_what, secret) => {
    const redact = createRedactor([secret])

    test.each(expectedForms(secret))('removes the %s form', (_form, form) => {
      expect(redact(`before ${form} after`)).toBe(`before ${REDACTED} after`)
    })

    test('removes every form in one text, every time it occurs, leaving no piece', () => {
      const forms = expectedForms(secret).map(([, form]) => form)
      const text = [...forms, ...forms].map(form => `<${form}>`).join(' | ')
      const result = redact(text)
      expect(result).toBe([...forms, ...forms].map(() => `<${REDACTED}>`).join(' | '))
      // Every secret here starts with "Sk" or "kT" and ends with "Zq" or "==": no piece left.
      expect(result).not.toMatch(/Sk|Zq|kT9/)
    })
  })

  test('drops the server’s string to sign, whatever follows and however it is spelled', () => {
    const redact = createRedactor(['LTAI5tKeyId'])
    const message =
      'Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DUNRELATED%26Action%3DCreate\nSecurityToken%3Dabc'
    const result = redact(message)
    expect(result).toBe(
      `Specified signature is not matched with our calculation. server string to sign is: ${REDACTED}`
    )
    expect(redact('Server String To Sign Is: GET&%2F&x')).toBe(
      `Server String To Sign Is: ${REDACTED}`
    )
  })

  test('drops the string to sign even with no secrets registered', () => {
    expect(createRedactor([])('bad. string to sign is:ACS3-HMAC-SHA256\nabc')).toBe(
      `bad. string to sign is: ${REDACTED}`
    )
  })

  test('text without secrets is unchanged', () => {
    const redact = createRedactor(['kT9+/aB3=xQ==', 'LTAI5tKeyId'])
    const text =
      'The specified service is configuring. <html> 100% & ~*() "quoted" \\ ключ 🔑\nline two'
    expect(redact(text)).toBe(text)
    expect(redact('')).toBe('')
  })

  test('undefined and empty secrets are ignored (they would match everywhere)', () => {
    const redact = createRedactor([undefined, '', 'LTAI5tKeyId', undefined])
    expect(redact('abc LTAI5tKeyId def')).toBe(`abc ${REDACTED} def`)
    expect(createRedactor([undefined, ''])('plain text')).toBe('plain text')
  })

  test('several secrets: each is removed, the longest first so none leaves a piece', () => {
    const redact = createRedactor(['abc123', 'abc123def456', 'Token+/='])
    expect(redact('x abc123def456 y abc123 z Token%2B%2F%3D')).toBe(
      `x ${REDACTED} y ${REDACTED} z ${REDACTED}`
    )
  })

  test('a percent-encoded-twice form is not left half-redacted by the once form', () => {
    const secret = 'a b+c'
    const redact = createRedactor([secret])
    const twice = rfc3986(rfc3986(secret))
    expect(twice).toBe('a%2520b%252Bc')
    expect(redact(`q=${twice}&r=1`)).toBe(`q=${REDACTED}&r=1`)
  })
})

describe('createSecretRegistry', () => {
  test('masks each secret once for the runner and redacts it from then on', () => {
    const runnerMasked: string[] = []
    const registry = createSecretRegistry(s => runnerMasked.push(s))
    expect(registry.redact('token=late-secret')).toBe('token=late-secret')
    registry.mask('late-secret')
    registry.mask('late-secret')
    registry.mask('')
    expect(runnerMasked).toEqual(['late-secret'])
    expect(registry.redact('token=late-secret, encoded late-secret')).toBe('token=***, encoded ***')
  })
})
