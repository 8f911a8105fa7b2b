import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import {
  createRedactor,
  createSecretRegistry,
  maskMultiline,
  REDACTED,
  secretForms,
  unescapeFully
} from '../../src/core/redact.js'

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

/** Percent-encoding with lower-case hex digits (`%2b`), as some encoders write it. */
function lowerHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, escape => escape.toLowerCase())
}

/** `\uXXXX` for every UTF-16 unit, in lower or upper case. */
function unicodeEscaped(text: string, upper = false): string {
  return Array.from({ length: text.length }, (_, i) => {
    const hex = text.charCodeAt(i).toString(16).padStart(4, '0')
    return `\\u${upper ? hex.toUpperCase() : hex}`
  }).join('')
}

/** The escaped forms a hostile endpoint (or a careless one) may echo, each from its definition. */
function escapedForms(secret: string): [string, string][] {
  const hex = (c: string) => c.charCodeAt(0).toString(16)
  return [
    ['JSON with \\/', secret.replaceAll('/', '\\/')],
    ['percent-encoded once, lower case', lowerHex(rfc3986(secret))],
    ['percent-encoded twice, lower case', lowerHex(rfc3986(rfc3986(secret)))],
    ['percent-encoded, mixed case', rfc3986(secret).replace(/%2B/g, '%2b')],
    ['\\u00XX for + and /', secret.replace(/[+/]/g, c => `\\u00${hex(c)}`)],
    ['\\uXXXX for every character', unicodeEscaped(secret)],
    ['\\uXXXX in upper case', unicodeEscaped(secret, true)],
    ['HTML decimal references', secret.replace(/[+/=]/g, c => `&#${c.charCodeAt(0)};`)],
    ['HTML hex references', secret.replace(/[+/=]/g, c => `&#x${hex(c)};`)],
    [
      'HTML hex references, upper case X',
      secret.replace(/[+/=]/g, c => `&#X${hex(c).toUpperCase()};`)
    ],
    [
      'HTML named references',
      secret.replace(/[+/=]/g, c => ({ '+': '&plus;', '/': '&sol;', '=': '&equals;' })[c] ?? c)
    ],
    ['HTML references for every character', [...secret].map(c => `&#${c.charCodeAt(0)};`).join('')],
    ['HTML references, themselves HTML-escaped', secret.replace(/\//g, '&amp;#47;')],
    ['JSON escapes, then percent-encoded', encodeURIComponent(secret.replaceAll('/', '\\/'))],
    ['percent-encoded, then \\u-escaped', rfc3986(secret).replace(/%/g, '\\u0025')],
    ['%uXXXX (JavaScript escape())', secret.replace(/[+/]/g, c => `%u00${hex(c)}`)]
  ]
}

describe('escaped forms', () => {
  const TOKEN = 'CAISTok+en/Ab+Cd/Ef==Zq'
  const redact = createRedactor([TOKEN])

  test.each(escapedForms(TOKEN))('removes the secret %s', (_what, form) => {
    expect(form).not.toContain(TOKEN) // the form really is escaped
    expect(redact(`before ${form} after`)).toBe(`before ${REDACTED} after`)
  })

  test('a secret with non-ASCII characters, percent-encoded as UTF-8 in lower case', () => {
    const secret = 'Sk-ключ-秘密-🔑-Zq'
    const redact = createRedactor([secret])
    expect(redact(`a ${lowerHex(encodeURIComponent(secret))} b`)).toBe(`a ${REDACTED} b`)
    expect(redact(`a ${unicodeEscaped(secret)} b`)).toBe(`a ${REDACTED} b`)
    expect(redact(`a ${[...secret].map(c => `&#${c.codePointAt(0)};`).join('')} b`)).toBe(
      `a ${REDACTED} b`
    )
  })

  test('a near miss is left alone: only the secret itself, in any form, is removed', () => {
    const nearMiss = `${TOKEN.slice(0, -1)}X`
    expect(redact(`${nearMiss} ${encodeURIComponent(nearMiss)}`)).toBe(
      `${nearMiss} ${encodeURIComponent(nearMiss)}`
    )
  })

  test('escapes around but not in a secret stay as they are', () => {
    const text = `{"Message":"a\\/b %2F &amp; \\u0041 ${TOKEN}"}`
    expect(redact(text)).toBe(`{"Message":"a\\/b %2F &amp; \\u0041 ${REDACTED}"}`)
  })
})

describe('unescapeFully', () => {
  test('undoes layers of percent, JSON and HTML escaping', () => {
    let text = 'a+b/c'
    for (let i = 0; i < 5; i++) text = encodeURIComponent(text)
    expect(unescapeFully(text)).toBe('a+b/c')
    expect(unescapeFully('&amp;#x2F; \\u002B %252f')).toBe('/ + /')
    expect(unescapeFully('plain')).toBe('plain')
  })
})

describe('with a limit', () => {
  const SECRET = 'LimitSecret+/0123456789'
  const redact = createRedactor([SECRET])

  test('returns the first `limit` characters, redacted', () => {
    expect(redact(`${'x'.repeat(30)}${SECRET}${'y'.repeat(30)}`, 10)).toBe('x'.repeat(10))
    // The limit counts characters of the text, not of the result.
    expect(redact(`ab ${SECRET} cd ${'e'.repeat(100)}`, 3 + SECRET.length + 6)).toBe(
      `ab ${REDACTED} cd ee`
    )
  })

  test('a secret that starts before the cut is removed whole, in any form', () => {
    for (const form of [SECRET, rfc3986(rfc3986(SECRET)), unicodeEscaped(SECRET)]) {
      const result = redact(`${'x'.repeat(20)}${form}${'y'.repeat(50)}`, 25)
      expect(result).toBe(`${'x'.repeat(20)}${REDACTED}`)
    }
  })

  test('the string to sign is dropped when it starts before the cut', () => {
    expect(redact(`bad. string to sign is:POST&${'x'.repeat(100)}`, 12)).toBe(
      `bad. string to sign is: ${REDACTED}`
    )
  })

  test('property: the limited result is the start of the whole result, and holds no secret', () => {
    const secrets = ['PropSecret+/AAAA', 'Prop2', 'PropSecret+/AAAABBBB==']
    const redactAll = createRedactor(secrets)
    const forms = (s: string) => [s, rfc3986(s), lowerHex(rfc3986(rfc3986(s))), unicodeEscaped(s)]
    const piece = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(...secrets.flatMap(forms), '%', '\\', '&#', '&amp;')
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.nat(200), (pieces, limit) => {
        const text = pieces.join('')
        const whole = redactAll(text)
        const limited = redactAll(text, limit)
        expect(whole.startsWith(limited)).toBe(true)
        for (const secret of secrets) expect(unescapeFully(limited)).not.toContain(secret)
      })
    )
  })
})

describe('at scale', () => {
  test('10,000 long secrets: each found in any form, nothing else touched', () => {
    const registry = createSecretRegistry(() => undefined)
    const secrets = Array.from({ length: 10_000 }, () => randomBytes(48).toString('base64'))
    // Some share a long prefix, as PEM blocks do.
    const pem = (s: string) => `-----BEGIN PRIVATE KEY-----\n${s}\n-----END PRIVATE KEY-----`
    for (const secret of secrets) registry.mask(secret)
    registry.mask(pem(secrets[1] ?? ''))
    registry.mask(pem(secrets[2] ?? ''))
    const pick = (i: number) => secrets[i] ?? ''
    const notASecret = randomBytes(48).toString('base64')
    const text = [
      `raw ${pick(0)}`,
      `json ${pick(9_999).replaceAll('/', '\\/')}`,
      `lower ${lowerHex(rfc3986(pick(5_000)))}`,
      `twice ${lowerHex(rfc3986(rfc3986(pick(123))))}`,
      `unicode ${unicodeEscaped(pick(7_777))}`,
      `html ${pick(42).replace(/[+/=]/g, c => `&#x${c.charCodeAt(0).toString(16)};`)}`,
      `pem ${JSON.stringify(pem(pick(2))).slice(1, -1)}`,
      `other ${notASecret}`
    ].join('\n')
    expect(registry.redact(text)).toBe(
      [
        `raw ${REDACTED}`,
        `json ${REDACTED}`,
        `lower ${REDACTED}`,
        `twice ${REDACTED}`,
        `unicode ${REDACTED}`,
        `html ${REDACTED}`,
        `pem ${REDACTED}`,
        `other ${notASecret}`
      ].join('\n')
    )
  })

  test('a secret masked after a redaction is redacted from then on', () => {
    const registry = createSecretRegistry(() => undefined)
    for (let i = 0; i < 100; i++) registry.mask(`EarlySecret${i}-${'x'.repeat(20)}`)
    expect(registry.redact('LateSecretValue0001')).toBe('LateSecretValue0001')
    registry.mask('LateSecretValue0001')
    expect(registry.redact(`a ${encodeURIComponent('LateSecretValue0001')} b`)).toBe(
      `a ${REDACTED} b`
    )
  })
})

describe('maskMultiline', () => {
  test('the whole text and every identifying line; not armour or short directives', () => {
    const masked: string[] = []
    const key = [
      '-----BEGIN PRIVATE KEY-----',
      'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4KSsJLoglRUu42my',
      'short',
      '  nDJRWcxhcGsK9cnJVCVYUtkBRd8wW3pCOAsLmMoeFsHLoUaHQLDUdCSW  ',
      '-----END PRIVATE KEY-----'
    ].join('\n')
    maskMultiline(key, secret => masked.push(secret))
    expect(masked).toEqual([
      key,
      'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4KSsJLoglRUu42my',
      'nDJRWcxhcGsK9cnJVCVYUtkBRd8wW3pCOAsLmMoeFsHLoUaHQLDUdCSW'
    ])
  })
})
