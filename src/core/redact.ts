/**
 * Redaction of secrets from text that came from elsewhere (API error messages, proxy pages) before
 * it reaches a log line, an error or an output. `core.setSecret` masks exact values in the runner's
 * log, but not their escaped forms, and not in the job summary or outputs; an Alibaba Cloud
 * `SignatureDoesNotMatch` answer echoes the server's string to sign, which carries the AccessKeyId
 * and any security token encoded once or twice, and a hostile endpoint may echo them in any escape.
 *
 * Instead of listing every encoded form of every secret (case-insensitive percent-encoding once and
 * twice, JSON `\/` and `\uXXXX`, HTML `&#47;`/`&#x2F;`/`&plus;`, and their mixtures), the text is
 * decoded layer by layer, each decoded character remembering the span of the original text it came
 * from, and the plain secrets are looked up in every layer. A match removes its whole original
 * span. Secrets are indexed by their first characters, so registering one is O(1) and redacting
 * costs the text's length, not the number of secrets times their forms.
 */
import { percentEncode } from '../alibaba/signer.js'

export const REDACTED = '***'

/**
 * Some encoded forms of `secret` in a URL, a string to sign or a JSON string: what the redactor must
 * remove at least (it decodes rather than enumerates, so it removes many more).
 */
export function secretForms(secret: string): string[] {
  const once = percentEncode(secret)
  return [
    secret,
    once,
    percentEncode(once),
    encodeURIComponent(secret),
    // form-encoding (space as '+'), as encodeURIComponent and as URLSearchParams do it
    encodeURIComponent(secret).replace(/%20/g, '+'),
    new URLSearchParams({ s: secret }).toString().slice(2),
    // JSON escaping
    JSON.stringify(secret).slice(1, -1)
  ]
}

/**
 * Replaces every secret, in any form, with `***`, and drops the server's echoed string to sign
 * altogether (it is never useful to a reader and always sensitive). With `limit`, returns only the
 * first `limit` characters of `text`, redacted exactly: a secret that starts before the cut is
 * removed whole, however far it reaches, and no piece of one is left at the cut.
 */
export type Redactor = (text: string, limit?: number) => string

/** Layers of escaping undone: percent-encoding twice with a JSON or HTML escape on top. */
const DECODE_DEPTH = 3
/** Layers `unescapeFully` undoes at most. */
const FULL_DECODE_DEPTH = 8
/**
 * How long the encoded form of one character is taken to be at most (`%25E2%2580%2594` for a
 * three-byte character percent-encoded twice is 15): bounds how far past a cut a secret that
 * starts before it can reach.
 */
const MAX_ENCODED_CHARACTER_LENGTH = 16
/** Secrets are indexed by this many leading characters; shorter ones are searched one by one. */
const PREFIX_LENGTH = 8

const STRING_TO_SIGN = /string to sign is:/i

/** HTML named character references for ASCII punctuation (and the few others worth knowing). */
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  AMP: '&',
  lt: '<',
  LT: '<',
  gt: '>',
  GT: '>',
  quot: '"',
  QUOT: '"',
  apos: "'",
  excl: '!',
  num: '#',
  dollar: '$',
  percnt: '%',
  lpar: '(',
  rpar: ')',
  ast: '*',
  midast: '*',
  plus: '+',
  comma: ',',
  period: '.',
  sol: '/',
  colon: ':',
  semi: ';',
  equals: '=',
  quest: '?',
  commat: '@',
  lsqb: '[',
  lbrack: '[',
  bsol: '\\',
  rsqb: ']',
  rbrack: ']',
  Hat: '^',
  lowbar: '_',
  UnderBar: '_',
  grave: '`',
  DiacriticalGrave: '`',
  lcub: '{',
  lbrace: '{',
  verbar: '|',
  vert: '|',
  VerticalLine: '|',
  rcub: '}',
  rbrace: '}',
  Tab: '\t',
  NewLine: '\n',
  nbsp: '\u00a0'
}

const JSON_SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t'
}

/** A text and, for each of its UTF-16 units, the span `[start, end)` of the original it came from. */
interface View {
  text: string
  start: Int32Array
  end: Int32Array
}

function identityView(text: string): View {
  const start = new Int32Array(text.length)
  const end = new Int32Array(text.length)
  for (let i = 0; i < text.length; i++) {
    start[i] = i
    end[i] = i + 1
  }
  return { text, start, end }
}

function hexAt(text: string, at: number, digits: number): number {
  const hex = text.slice(at, at + digits)
  return hex.length === digits && /^[0-9A-Fa-f]+$/.test(hex) ? parseInt(hex, 16) : -1
}

/** UTF-8 bytes percent-encoded at `at` (`%E2%80%94`): the code point and the length, or undefined. */
function percentSequence(
  text: string,
  at: number
): { codePoint: number; length: number } | undefined {
  if (text[at + 1] === 'u' || text[at + 1] === 'U') {
    // `%uXXXX`, as JavaScript's escape() writes it
    const unit = hexAt(text, at + 2, 4)
    return unit < 0 ? undefined : { codePoint: unit, length: 6 }
  }
  const lead = hexAt(text, at + 1, 2)
  if (lead < 0) return undefined
  if (lead < 0x80) return { codePoint: lead, length: 3 }
  const more =
    lead >= 0xc2 && lead <= 0xdf
      ? 1
      : lead >= 0xe0 && lead <= 0xef
        ? 2
        : lead >= 0xf0 && lead <= 0xf4
          ? 3
          : -1
  if (more < 0) return undefined
  let codePoint = lead & (0x3f >> more)
  for (let k = 1; k <= more; k++) {
    const at3 = at + 3 * k
    const byte = text[at3] === '%' ? hexAt(text, at3 + 1, 2) : -1
    if (byte < 0x80 || byte > 0xbf) return undefined
    codePoint = (codePoint << 6) | (byte & 0x3f)
  }
  return codePoint > 0x10ffff ? undefined : { codePoint, length: 3 * (more + 1) }
}

/** A JSON or JavaScript escape at `at` (`\/`, `\u002F`, `\x2F`): the character and the length. */
function backslashSequence(
  text: string,
  at: number
): { codePoint: number; length: number } | undefined {
  const next = text[at + 1]
  if (next === undefined) return undefined
  const simple = JSON_SIMPLE_ESCAPES[next]
  if (simple !== undefined) return { codePoint: simple.charCodeAt(0), length: 2 }
  if (next === 'u') {
    const unit = hexAt(text, at + 2, 4)
    return unit < 0 ? undefined : { codePoint: unit, length: 6 }
  }
  if (next === 'x') {
    const byte = hexAt(text, at + 2, 2)
    return byte < 0 ? undefined : { codePoint: byte, length: 4 }
  }
  return undefined
}

/** An HTML character reference at `at` (`&#47;`, `&#x2F;`, `&sol;`): the text and the length. */
function entitySequence(text: string, at: number): { decoded: string; length: number } | undefined {
  const numeric = /^&#(?:([0-9]{1,7})|[xX]([0-9A-Fa-f]{1,6}));?/.exec(text.slice(at, at + 12))
  if (numeric) {
    const codePoint =
      numeric[1] !== undefined ? parseInt(numeric[1], 10) : parseInt(numeric[2] ?? '', 16)
    if (codePoint > 0x10ffff) return undefined
    return { decoded: String.fromCodePoint(codePoint), length: numeric[0].length }
  }
  const named = /^&([A-Za-z]{2,16});/.exec(text.slice(at, at + 19))
  const decoded = named ? HTML_ENTITIES[named[1] ?? ''] : undefined
  return named && decoded !== undefined ? { decoded, length: named[0].length } : undefined
}

/**
 * Undoes one layer of escaping (percent-encoding, JSON/JavaScript escapes, HTML character
 * references) wherever it appears. Undefined when there was nothing to undo.
 */
function decodeLayer(view: View): View | undefined {
  const { text } = view
  const units: string[] = []
  const start: number[] = []
  const end: number[] = []
  let changed = false
  const emit = (decoded: string, from: number, length: number) => {
    const spanStart = view.start[from] ?? 0
    const spanEnd = view.end[from + length - 1] ?? spanStart
    for (let k = 0; k < decoded.length; k++) {
      units.push(decoded[k] ?? '')
      start.push(spanStart)
      end.push(spanEnd)
    }
  }
  for (let i = 0; i < text.length;) {
    const c = text[i]
    let found: { decoded: string; length: number } | undefined
    if (c === '%' || c === '\\') {
      const sequence = c === '%' ? percentSequence(text, i) : backslashSequence(text, i)
      if (sequence)
        found = { decoded: String.fromCodePoint(sequence.codePoint), length: sequence.length }
    } else if (c === '&') {
      found = entitySequence(text, i)
    }
    if (found) {
      emit(found.decoded, i, found.length)
      i += found.length
      changed = true
    } else {
      emit(c ?? '', i, 1)
      i += 1
    }
  }
  if (!changed) return undefined
  return { text: units.join(''), start: Int32Array.from(start), end: Int32Array.from(end) }
}

/**
 * `text` with every layer of percent-encoding, JSON/JavaScript escaping and HTML character
 * references undone (up to a fixed depth): to tell whether a text still reveals a secret.
 */
export function unescapeFully(text: string): string {
  let view: View | undefined = identityView(text)
  let plain = text
  for (let depth = 0; depth < FULL_DECODE_DEPTH && view; depth++) {
    view = decodeLayer(view)
    if (view) plain = view.text
  }
  return plain
}

/** The plain strings to look for: the secret, and with spaces as `+` (form-encoding). */
function targetsOf(secret: string): string[] {
  return secret.includes(' ') ? [secret, secret.replaceAll(' ', '+')] : [secret]
}

/** The secrets known so far, indexed by their first characters. */
class SecretIndex {
  private readonly byPrefix = new Map<string, string[]>()
  private readonly short: string[] = []
  private readonly known = new Set<string>()
  private longest = 0

  add(secret: string): void {
    for (const target of targetsOf(secret)) {
      if (this.known.has(target)) continue
      this.known.add(target)
      this.longest = Math.max(this.longest, target.length)
      if (target.length < PREFIX_LENGTH) {
        this.short.push(target)
        continue
      }
      const prefix = target.slice(0, PREFIX_LENGTH)
      const list = this.byPrefix.get(prefix)
      if (list) list.push(target)
      else this.byPrefix.set(prefix, [target])
    }
  }

  /** Adds the original spans of every secret found in `view` to `spans`. */
  private find(view: View, spans: Array<[number, number]>): void {
    const { text } = view
    const span = (at: number, length: number) => {
      spans.push([view.start[at] ?? 0, view.end[at + length - 1] ?? 0])
    }
    if (this.byPrefix.size > 0) {
      for (let i = 0; i + PREFIX_LENGTH <= text.length; i++) {
        const candidates = this.byPrefix.get(text.slice(i, i + PREFIX_LENGTH))
        if (candidates === undefined) continue
        for (const target of candidates) if (text.startsWith(target, i)) span(i, target.length)
      }
    }
    for (const target of this.short) {
      for (let at = text.indexOf(target); at >= 0; at = text.indexOf(target, at + 1)) {
        span(at, target.length)
      }
    }
  }

  redact(text: string, limit = Infinity): string {
    let end = Math.min(limit, text.length)
    // Only what can reach into the first `end` characters is looked at.
    const window = text.slice(0, end + this.longest * MAX_ENCODED_CHARACTER_LENGTH)
    const stringToSign = STRING_TO_SIGN.exec(window)
    const dropsRest = stringToSign !== null && stringToSign.index < end
    if (stringToSign !== null && dropsRest) end = stringToSign.index + stringToSign[0].length

    const spans: Array<[number, number]> = []
    if (this.known.size > 0) {
      let view: View | undefined = identityView(window)
      for (let depth = 0; depth <= DECODE_DEPTH && view; depth++) {
        this.find(view, spans)
        view = depth < DECODE_DEPTH ? decodeLayer(view) : undefined
      }
    }
    spans.sort((a, b) => a[0] - b[0])
    let result = ''
    let at = 0
    for (const [from, to] of spans) {
      if (from >= end) break
      if (to <= at) continue // inside a span already replaced
      if (from >= at) result += window.slice(at, from) + REDACTED
      at = to
    }
    if (at < end) result += window.slice(at, end)
    return dropsRest ? `${result} ${REDACTED}` : result
  }
}

/** A redactor for a fixed list of secrets (empty and undefined ones are ignored). */
export function createRedactor(secrets: ReadonlyArray<string | undefined>): Redactor {
  const index = new SecretIndex()
  for (const secret of secrets) if (secret) index.add(secret)
  return (text, limit) => index.redact(text, limit)
}

/**
 * The secrets known so far, growing as the run learns new ones (STS keys arrive mid-run; with
 * `config-dir`, every line of key material). `mask` records a secret for redaction and hands it to
 * the runner's masking in one step, so the two can never disagree; it costs O(length of the secret),
 * however many are known.
 */
export function createSecretRegistry(maskInRunnerLog: (secret: string) => void): {
  mask: (secret: string) => void
  redact: Redactor
} {
  const masked = new Set<string>()
  const index = new SecretIndex()
  return {
    mask: secret => {
      if (secret === '' || masked.has(secret)) return
      maskInRunnerLog(secret)
      masked.add(secret)
      index.add(secret)
    },
    redact: (text, limit) => index.redact(text, limit)
  }
}

/** Lines long enough to identify a secret; masking `client` or `-----END…` would only garble logs. */
const MIN_MASKED_LINE_LENGTH = 16

/** Masks a multi-line secret line by line (the runner masks single lines) and as a whole. */
export function maskMultiline(text: string, mask: (secret: string) => void): void {
  mask(text)
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim()
    if (trimmed.length >= MIN_MASKED_LINE_LENGTH && !/^-----(BEGIN|END) /.test(trimmed)) {
      mask(trimmed)
    }
  }
}
