/**
 * Text from outside shown to people: free text from any answer (Alibaba Cloud's, GitHub's, the
 * runner's token service's) is redacted, put on one line, stripped of characters that hide or
 * reorder text, and cut, so it can never start a line of the log, an annotation or an output, nor
 * break out of a summary cell. Identifiers are checked against their shapes where each service's
 * answers are read (alibaba/answer-text.ts); this is what every side shares.
 */
import { unescapeFully, type Redactor } from './redact.js'

/** The most of a message or a recommendation shown, anywhere (annotation, log, summary). */
export const MAX_SHOWN_TEXT_LENGTH = 300
/** The most of a body that is not an API answer (an HTML page) quoted in an error. */
export const MAX_EXCERPT_LENGTH = 160
/** How much of a body is looked at for an excerpt (tags and scripts are dropped from it first). */
const EXCERPT_SOURCE_LENGTH = 16 * 1024

/**
 * Whitespace that ends a line somewhere: the runner splits on `\n` and `\r`, Markdown on those, and
 * JavaScript and some viewers also on U+0085, U+2028 and U+2029.
 */
const LINE_BREAKS_AND_SPACE = /[\s\u0085]+/g
/**
 * Characters that a terminal or a log acts on, or that hide or reorder text: C0 and C1 controls,
 * DEL, bidirectional controls, zero-width characters, the BOM and interlinear annotations.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex
  /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g

/** Every {@link INVISIBLE} character (line breaks, controls, bidi overrides) as `\uXXXX`; the rest as it is. */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** One line: every run of whitespace and line breaks as one space; invisible characters as `\uXXXX`. */
export function singleLine(text: string): string {
  return escapeInvisible(text.replace(LINE_BREAKS_AND_SPACE, ' ').trim())
}

/** `text` cut to at most `max` characters, `…` marking a cut (never inside a surrogate pair). */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return `${text.slice(0, end)}…`
}

/**
 * JSON on one line: JSON.stringify escapes \n and \r but leaves U+0085, U+2028 and U+2029 as they
 * are, which a runner, a script or a viewer may take as line breaks; they are escaped too
 * (`\u2028`: still the same JSON value). For outputs and files built from names in answers.
 */
export function oneLineJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0085\u2028\u2029]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** JSON-quoted, with the characters JSON leaves alone but a log acts on (U+2028…) escaped too. */
export function quoteShown(text: string): string {
  return escapeInvisible(JSON.stringify(text))
}

/**
 * Whether `shown` (already redacted) would still reveal a secret once its escapes are undone, e.g.
 * one encoded more times than the redactor decodes.
 */
export function revealsSecret(shown: string, redact: Redactor): boolean {
  const plain = unescapeFully(shown)
  return redact(plain) !== plain
}

export const WITHHELD = '(not shown: it contains a secret)'

/**
 * Free text from an answer (`Message`, `Recommend`) as it may be shown: redacted, on one line,
 * cut to `max` characters; withheld altogether if a secret would survive unescaping it.
 */
export function shownAnswerText(
  text: string,
  redact: Redactor,
  max = MAX_SHOWN_TEXT_LENGTH
): string {
  // Redact a generous cut (whitespace runs shrink to one space), exactly up to that cut.
  const shown = cutText(singleLine(redact(text, 4 * max)), max)
  return revealsSecret(shown, redact) ? WITHHELD : shown
}

/**
 * A short, single-line, tag-free, redacted, quoted piece of a body that is not an API answer (an
 * HTML page from a proxy); not quoted at all if a secret would survive unescaping it.
 */
export function bodyExcerpt(text: string, redact: Redactor): string {
  const plain = redact(text, EXCERPT_SOURCE_LENGTH)
    // An unterminated script or style (the cut may fall inside one) is dropped to the end.
    .replace(/<(script|style)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, ' ')
    .replace(/<[^>]*(?:>|$)/g, ' ')
    .replace(LINE_BREAKS_AND_SPACE, ' ')
    .trim()
  if (plain === '') return 'an empty body'
  const shown = cutText(plain, MAX_EXCERPT_LENGTH)
  return revealsSecret(shown, redact) ? `a body ${WITHHELD}` : quoteShown(shown)
}
