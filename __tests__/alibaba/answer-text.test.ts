import { describe, expect, test } from '@jest/globals'
import {
  ANSWER_SHAPES,
  answerField,
  answerMilliseconds,
  checkedValue,
  type AnswerSource
} from '../../src/alibaba/answer-text.js'
import {
  bodyExcerpt,
  cutText,
  MAX_EXCERPT_LENGTH,
  MAX_SHOWN_TEXT_LENGTH,
  shownAnswerText,
  singleLine
} from '../../src/core/text.js'
import { UnexpectedResponseError } from '../../src/core/errors.js'
import { createRedactor } from '../../src/core/redact.js'

const TOKEN = 'CAISAnswerTextToken+/Zq=='
const redact = createRedactor([TOKEN])
const SOURCE: AnswerSource = { action: 'CreateSslVpnClientCert', redact }

/** Every way a text can end a line: for the runner, Markdown, JavaScript or a viewer. */
const LINE_BREAKS = ['\n', '\r', '\r\n', '\n\n', '\r\r', '\u2028', '\u2029', '\u0085', '\v', '\f']

/** Percent-encoding with lower-case hex digits (`%2b`), as some encoders write it. */
function lowerHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, escape => escape.toLowerCase())
}

/** Runs `fn`, expecting it to throw, and returns what it threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('singleLine', () => {
  test.each(LINE_BREAKS.map(b => [JSON.stringify(b), b]))(
    'a %s cannot start a new line: it becomes one space',
    (_shown, lineBreak) => {
      const text = singleLine(`msg${lineBreak}::add-mask::x${lineBreak}${lineBreak}# Heading`)
      expect(text).toBe('msg ::add-mask::x # Heading')
    }
  )

  test('controls, bidirectional and zero-width characters are shown escaped, never acted on', () => {
    expect(singleLine('a\u001b[31mred\u0007\u202eevil\u200bx\u2066y\ufeffz\u0000')).toBe(
      // U+FEFF counts as whitespace: one space
      'a\\u001b[31mred\\u0007\\u202eevil\\u200bx\\u2066y z\\u0000'
    )
  })

  test('plain text is unchanged, apart from runs of spaces', () => {
    expect(singleLine('  The specified service is   configuring. 100% «ok» ключ  ')).toBe(
      'The specified service is configuring. 100% «ok» ключ'
    )
  })
})

describe('cutText', () => {
  test('a text within the limit is unchanged; a longer one is cut to the limit, with …', () => {
    expect(cutText('abcdef', 6)).toBe('abcdef')
    expect(cutText('abcdefg', 6)).toBe('abcde…')
    expect(cutText(cutText('x'.repeat(50), 10), 10)).toBe(cutText('x'.repeat(50), 10))
  })

  test('never cuts a surrogate pair in two', () => {
    const cut = cutText('abcd🔑efgh', 6)
    expect(cut).toBe('abcd…')
    expect(cut.length).toBeLessThanOrEqual(6)
  })
})

describe('shownAnswerText', () => {
  test('redacted, one line, cut to a few hundred characters', () => {
    const shown = shownAnswerText(`denied ${TOKEN}\n\n# Heading\n${'word '.repeat(5_000)}`, redact)
    expect(shown).toMatch(/^denied \*\*\* # Heading word word/)
    expect(shown.length).toBeLessThanOrEqual(MAX_SHOWN_TEXT_LENGTH)
    expect(shown).toMatch(/…$/)
    expect(shown).not.toMatch(/[\r\n\u2028\u2029\u0085]/)
  })

  test('a secret encoded more often than the redactor decodes is not shown at all', () => {
    let encoded = TOKEN
    for (let i = 0; i < 5; i++) encoded = encodeURIComponent(encoded)
    // Five layers: more than the redactor undoes, so redaction alone would leave it.
    expect(redact(`x ${encoded} y`)).toContain(encoded)
    expect(shownAnswerText(`x ${encoded} y`, redact)).toBe('(not shown: it contains a secret)')
  })

  test('a secret at the very end of a long message is removed whole, not cut in two', () => {
    const text = `${'m'.repeat(MAX_SHOWN_TEXT_LENGTH - 5)}${TOKEN}`
    const shown = shownAnswerText(text, redact)
    expect(shown).not.toContain(TOKEN.slice(0, 5))
  })
})

describe('bodyExcerpt', () => {
  test('tag-free, one line, cut and quoted; an unterminated script is dropped', () => {
    const page = `<html><head><title>Blocked</title></head><body>\n\n# not a heading\n<p>by proxy</p><script>var secret = 1; ${'x'.repeat(20_000)}`
    const excerpt = bodyExcerpt(page, redact)
    expect(excerpt).toBe('"Blocked # not a heading by proxy"')
  })

  test('long text is cut to the excerpt length', () => {
    const excerpt = bodyExcerpt('word '.repeat(1_000), redact)
    expect(JSON.parse(excerpt)).toHaveLength(MAX_EXCERPT_LENGTH)
  })

  test('a body that still reveals a secret once unescaped is not quoted', () => {
    let encoded = TOKEN
    for (let i = 0; i < 5; i++) encoded = encodeURIComponent(encoded)
    expect(bodyExcerpt(`<p>${encoded}</p>`, redact)).toBe(
      'a body (not shown: it contains a secret)'
    )
  })

  test('U+2028 and other characters JSON leaves alone are escaped in the quote', () => {
    expect(bodyExcerpt('a\u2028b\u009bc\u202ed', redact)).toBe('"a b\\u009bc\\u202ed"')
  })

  test('an empty or tag-only body says so', () => {
    expect(bodyExcerpt('', redact)).toBe('an empty body')
    expect(bodyExcerpt('<html>\n<body></body></html>', redact)).toBe('an empty body')
  })
})

describe('shapes', () => {
  test.each([
    ['requestId', '606998F0-B94D-48FE-8316-ACA81BB230DA'],
    ['requestId', 'REQ-1'],
    ['code', 'VpnGateway.Configuring'],
    ['code', 'Forbbiden.SubUser'],
    ['code', 'AuthenticationFail.OIDCToken.AudienceNotMatch'],
    ['code', 'Throttling_User-2'],
    ['certificateId', 'vsc-bp1n8wcf134yl0osr0001'],
    ['name', 'ci-cert'],
    ['name', 'Alice.Smith_2'],
    // Names the API allows (1 to 100 characters, not http(s)://), and older ones: not our input rule.
    ['name', 'a'],
    ['name', '1alice'],
    ['name', '张三'],
    ['name', 'john laptop'],
    ['name', 'a'.repeat(256)],
    ['status', 'normal'],
    ['status', 'expiring-soon'],
    ['status', 'creating'],
    ['time', '2026-11-27T20:00:00Z'],
    ['time', '2026-11-27T20:00:00.123Z'],
    ['keyMaterial', 'STS.NTissued0001'],
    ['keyMaterial', `CAIS${'Ab+/'.repeat(200)}==`]
  ] as const)('%s accepts %s', (shape, value) => {
    expect(checkedValue(value, 'Field', ANSWER_SHAPES[shape], SOURCE)).toBe(value)
  })

  test.each([
    ['requestId', 'REQ-1\n::add-mask::x'],
    ['requestId', 'REQ 1'],
    ['requestId', 'R'.repeat(129)],
    ['code', 'Forbidden\r::error title=x::pwned'],
    ['code', 'Forbidden\u2028x'],
    ['code', 'Some Code'],
    ['certificateId', 'vsc-1\n::add-mask::x'],
    ['certificateId', 'vsc-ABC'],
    ['certificateId', 'vss-abc'],
    ['certificateId', 'vsc-'],
    ['certificateId', '../../etc/passwd'],
    ['status', 'normal\n::stop-commands::tok'],
    ['status', 'normal\u2029x'],
    ['status', ''.padEnd(65, 'x')],
    ['time', '2026-11-27T20:00:00Z\n::add-mask::x'],
    ['time', '2026-13-45T20:00:00Z'],
    ['time', 'tomorrow'],
    ['keyMaterial', 'STS.key with space'],
    ['keyMaterial', 'STS.key\nline']
  ] as const)('%s refuses %j', (shape, value) => {
    const error = thrownBy(() => checkedValue(value, 'Field', ANSWER_SHAPES[shape], SOURCE))
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    const message = (error as Error).message
    expect(message).toMatch(/^Unexpected answer to CreateSslVpnClientCert: Field is /)
    expect(message).toContain(`expected ${ANSWER_SHAPES[shape].expected}`)
    expect(message).not.toMatch(/[\r\n\u2028\u2029\u0085]/)
    expect((error as UnexpectedResponseError).field).toBe('Field')
  })
})

describe('names: every string the API may give is taken, in the one-line form shown everywhere', () => {
  test.each([
    ['alice\n::group::x', 'alice\\u000a::group::x'],
    ['two\r\nlines', 'two\\u000d\\u000alines'],
    ['alice\u0085bob', 'alice\\u0085bob'],
    ['para\u2028graph', 'para\\u2028graph'],
    ['alice\tbob', 'alice\\u0009bob'],
    ['alice\u202ebob', 'alice\\u202ebob'],
    ['a'.repeat(257), `${'a'.repeat(255)}…`],
    ['张三 laptop', '张三 laptop']
  ])('%j is taken as %j', (value, shown) => {
    const taken = checkedValue(value, 'Name', ANSWER_SHAPES.name, SOURCE)
    expect(taken).toBe(shown)
    expect(taken).not.toMatch(/[\r\n\u0085\u2028\u2029\u202e]/)
  })

  test('a name that echoes a secret is taken redacted', () => {
    expect(checkedValue(`x ${TOKEN}`, 'Name', ANSWER_SHAPES.name, SOURCE)).toBe('x ***')
  })
})

describe('checkedValue and answerField', () => {
  test('absent, null or empty: undefined, not an error', () => {
    for (const value of [undefined, null, '']) {
      expect(checkedValue(value, 'Name', ANSWER_SHAPES.name, SOURCE)).toBeUndefined()
    }
    expect(answerField(undefined, 'Name', ANSWER_SHAPES.name, SOURCE)).toBeUndefined()
    expect(answerField({}, 'Name', ANSWER_SHAPES.name, SOURCE)).toBeUndefined()
  })

  test('not a string: says what it is', () => {
    for (const [value, what] of [
      [42, 'a number'],
      [{ a: 1 }, 'an object'],
      [['x'], 'a list'],
      [true, 'a boolean']
    ] as const) {
      const error = thrownBy(() => checkedValue(value, 'Name', ANSWER_SHAPES.name, SOURCE))
      expect((error as Error).message).toContain(`Name is ${what}; expected`)
    }
  })

  test('the value is quoted safely (escaped, cut, with its length) and the field has its path', () => {
    const value = `vsc-1\n::add-mask::x\u2028${'y'.repeat(200)}`
    const error = thrownBy(() =>
      answerField(
        { SslVpnClientCertId: value },
        'SslVpnClientCertId',
        ANSWER_SHAPES.certificateId,
        { ...SOURCE, httpStatus: 200, requestId: 'REQ-7' },
        'Page.'
      )
    ) as UnexpectedResponseError
    expect(error.message).toContain(
      'Unexpected answer to CreateSslVpnClientCert (RequestId: REQ-7): Page.SslVpnClientCertId is "vsc-1\\n::add-mask::x\\u2028yyy'
    )
    expect(error.message).toContain(`…" (${value.length} characters); expected "vsc-"`)
    expect(error).toMatchObject({
      httpStatus: 200,
      requestId: 'REQ-7',
      field: 'Page.SslVpnClientCertId'
    })
  })

  test('a malformed value that echoes a secret is redacted in the quote', () => {
    const error = thrownBy(() =>
      checkedValue(
        `x ${lowerHex(encodeURIComponent(TOKEN))}\n`,
        'RequestId',
        ANSWER_SHAPES.requestId,
        SOURCE
      )
    ) as Error
    expect(error.message).toContain('"x ***\\n"')
  })

  test('key material is never quoted', () => {
    const error = thrownBy(() =>
      checkedValue('CAISsecret part\n', 'Credentials.SecurityToken', ANSWER_SHAPES.keyMaterial, {
        ...SOURCE,
        action: 'AssumeRoleWithOIDC'
      })
    ) as Error
    expect(error.message).toContain(
      'AssumeRoleWithOIDC: Credentials.SecurityToken is malformed (not shown: it is a secret)'
    )
    expect(error.message).not.toContain('CAISsecret')
  })
})

describe('answerMilliseconds', () => {
  const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z')

  test('a whole number from 0 to the last millisecond of the year 9999; absent or null: none', () => {
    for (const value of [0, 1_552_550_980_000, LAST_MS]) {
      expect(answerMilliseconds({ EndTime: value }, 'EndTime', SOURCE)).toBe(value)
    }
    expect(answerMilliseconds({}, 'EndTime', SOURCE)).toBeUndefined()
    expect(answerMilliseconds({ EndTime: null }, 'EndTime', SOURCE)).toBeUndefined()
    expect(answerMilliseconds(undefined, 'EndTime', SOURCE)).toBeUndefined()
  })

  test.each<[string, unknown, string]>([
    ['negative', -1, 'is -1'],
    ['a fraction', 0.5, 'is 0.5'],
    ['after the year 9999', LAST_MS + 1, `is ${LAST_MS + 1}`],
    ['beyond safe integers', 2 ** 53, `is ${2 ** 53}`],
    ['a numeric string', '1552550980000', 'is "1552550980000"'],
    ['an empty string', '', 'is ""'],
    ['a boolean', true, 'is a boolean'],
    ['a list', [1], 'is a list']
  ])('%s: an unexpected answer naming the field and the value', (_what, value, shown) => {
    const error = thrownBy(() => answerMilliseconds({ EndTime: value }, 'EndTime', SOURCE, 'Key.'))
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as UnexpectedResponseError).field).toBe('Key.EndTime')
    expect((error as Error).message).toContain(
      `Key.EndTime ${shown}; expected a whole number of milliseconds since 1970-01-01`
    )
  })

  test('a secret in a string is not quoted', () => {
    const error = thrownBy(() => answerMilliseconds({ EndTime: TOKEN }, 'EndTime', SOURCE))
    expect((error as Error).message).not.toContain(TOKEN)
  })
})
