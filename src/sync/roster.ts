/**
 * The roster: the file in the repository that says who should have a certificate on one SSL
 * server. One entry per certificate name, each with an optional `recipient` (who its profile is
 * for, kept for encrypted delivery) and an optional `expires` date after which the entry counts as
 * gone. {@link parseRoster} is pure: it takes the file's text and says, with the file and line,
 * what is wrong before any network call.
 *
 * ```yaml
 * certificates:
 *   - name: alice.laptop
 *     recipient: github:alice
 *     expires: 2027-03-31
 *   - name: build-agent-1
 * ```
 *
 * The parser is the `yaml` package (eemeli/yaml), not js-yaml: its document model keeps every
 * node's source range (so each message names the line of the entry or key at fault, not only
 * syntax errors as js-yaml's `mark.line` does) and shows aliases as nodes, so they are refused
 * outright here rather than expanded (no "billion laughs"). It has no dependencies; it adds about
 * 126 KB (minified, measured alone) to the sync bundle only; its cost is CPU: parsing 2,000
 * entries takes a few hundred ms in a cold process (bench/sync-plan.mjs).
 */
import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, visit } from 'yaml'
import type { Node as YamlNode, Pair } from 'yaml'
import { singleLine } from '../answer-text.js'
import { InputError } from '../errors.js'
import { NAME_PATTERN, quote } from '../input-rules.js'

/** One person's (or machine's) certificate, as the roster says it. */
export interface RosterEntry {
  /** The certificate's name: the API's rule for a new name (input-rules.ts `NAME_PATTERN`). */
  name: string
  /** Who the profile is encrypted to, as written (syntax checked only); undefined: plain delivery. */
  recipient: string | undefined
  /**
   * The last day the entry holds (`YYYY-MM-DD`, UTC), as ms at the start of the next day: from
   * then on the entry counts as gone. Undefined: no end.
   */
  expiresAt: number | undefined
  /** As written, for messages and the plan. */
  expires: string | undefined
  /** 1-based line of the entry in the file. */
  line: number
}

export interface Roster {
  /** The file as the user named it (for messages). */
  file: string
  entries: RosterEntry[]
}

/** Largest roster file read: 5,000 entries (the most the listing reads) of ~200 bytes each. */
export const MAX_ROSTER_BYTES = 1024 * 1024
/** Most entries: the most certificates the listing reads (vpc-client.ts MAX_LIST_PAGES × 50). */
const MAX_ROSTER_ENTRIES = 5000

const ENTRY_KEYS = ['name', 'recipient', 'expires'] as const
const TOP_KEYS = ['certificates'] as const
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 24 * 60 * 60 * 1000

/** The roster input's name, which every message starts with. */
const INPUT = 'roster-file'

/**
 * A recipient as the delivery feature will take it: `github:USER` (the user's public SSH keys on
 * GitHub), one OpenSSH public key line (`ssh-ed25519 AAAA… [comment]`, `ssh-rsa AAAA… [comment]`)
 * or an age recipient (`age1…`). Only the syntax is checked here; the delivery code parses the key.
 */
const RECIPIENT_PATTERNS: readonly RegExp[] = [
  // GitHub's username rule: 1 to 39 letters, digits and single hyphens, not at either end.
  /^github:[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
  /^ssh-(?:ed25519|rsa) AAAA[A-Za-z0-9+/]{16,2000}={0,2}(?: [\x21-\x7e][\x20-\x7e]{0,199})?$/,
  // Bech32: `age1` and 58 characters of its alphabet (no 1, b, i, o).
  /^age1[02-9ac-hj-np-z]{58}$/
]

/** The error every roster problem becomes: the input, the file, the line, what is expected. */
function rosterError(file: string, line: number | undefined, problem: string): InputError {
  const where = line === undefined ? quote(file) : `${quote(file)} line ${line}`
  return new InputError(INPUT, `${where}: ${problem}`)
}

/** The first line of a parser message (its own excerpt of the file is left out), on one line. */
function parserProblem(message: string): string {
  const [first = ''] = message.split('\n')
  return singleLine(first.replace(/ at line \d+, column \d+:?$/, '')).slice(0, 200)
}

/**
 * Parses and checks the roster's text. Refused: more than {@link MAX_ROSTER_BYTES}, YAML that does
 * not parse, more than one document, anchors, aliases and tags, anything but a mapping with one
 * `certificates` list of entries, unknown keys, names the API would refuse, a name twice, a
 * recipient or date that is not well formed, more than {@link MAX_ROSTER_ENTRIES} entries.
 *
 * @param file the path as the user gave it (only shown)
 */
export function parseRoster(text: string, file: string): Roster {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_ROSTER_BYTES) {
    throw rosterError(
      file,
      undefined,
      `is ${bytes} bytes; a roster holds at most ${MAX_ROSTER_BYTES} bytes (${MAX_ROSTER_ENTRIES} entries).`
    )
  }
  const lineCounter = new LineCounter()
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    schema: 'core'
  })
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined
  // Aliases are refused below, and the document is never turned into plain values (`toJS`), so
  // nothing is ever expanded: the entries are read from the nodes themselves.
  const [syntax] = document.errors
  if (syntax !== undefined) {
    const line = lineCounter.linePos(syntax.pos[0]).line
    throw rosterError(file, line, `is not valid YAML (${parserProblem(syntax.message)}).`)
  }
  // Anchors, aliases and tags have no use in a roster; refusing them keeps expansion bombs out.
  visit(document, (_key, node) => {
    const at = lineOf(node as YamlNode)
    if (isAlias(node)) {
      throw rosterError(file, at, `has an alias (*${node.source}); write every entry out in full.`)
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor) {
      throw rosterError(file, at, `has an anchor (&${node.anchor}); write every entry out in full.`)
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.tag) {
      throw rosterError(file, at, `has a tag (${quote(node.tag)}); a roster has plain values only.`)
    }
    return undefined
  })
  const top = document.contents
  if (!isMap(top)) {
    throw rosterError(
      file,
      lineOf(top as YamlNode | null),
      'expected a mapping with one key, "certificates", a list of entries (each with "name", and optionally "recipient" and "expires").'
    )
  }
  checkKeys(top.items, TOP_KEYS, file, lineOf, 'the top level')
  const list = top.get('certificates', true)
  if (list === undefined || (isScalar(list) && list.value === null)) {
    return { file, entries: [] }
  }
  if (!isSeq(list)) {
    throw rosterError(
      file,
      lineOf(list as YamlNode),
      '"certificates" is not a list; expected one entry per line starting with "- name:".'
    )
  }
  if (list.items.length > MAX_ROSTER_ENTRIES) {
    throw rosterError(
      file,
      lineOf(list),
      `"certificates" has ${list.items.length} entries; at most ${MAX_ROSTER_ENTRIES}.`
    )
  }
  const seen = new Map<string, number>()
  const entries = list.items.map(item => {
    const entry = parseEntry(item as YamlNode, file, lineOf)
    const first = seen.get(entry.name)
    if (first !== undefined) {
      throw rosterError(
        file,
        entry.line,
        `the name ${quote(entry.name)} is already on line ${first}; one entry per certificate name.`
      )
    }
    seen.set(entry.name, entry.line)
    return entry
  })
  return { file, entries }
}

function checkKeys(
  pairs: readonly Pair[],
  allowed: readonly string[],
  file: string,
  lineOf: (node: YamlNode | null | undefined) => number | undefined,
  where: string
): void {
  for (const pair of pairs) {
    const key = pair.key as YamlNode
    const name = isScalar(key) ? key.value : undefined
    if (typeof name !== 'string' || !allowed.includes(name)) {
      const shown = typeof name === 'string' ? quote(name) : 'a key that is not text'
      throw rosterError(
        file,
        lineOf(key),
        `${shown} is not a key of ${where}; expected ${allowed.map(k => `"${k}"`).join(', ')}.`
      )
    }
  }
}

/** One entry: a mapping with `name` and the optional keys, or a bare name. */
function parseEntry(
  node: YamlNode,
  file: string,
  lineOf: (node: YamlNode | null | undefined) => number | undefined
): RosterEntry {
  const line = lineOf(node) ?? 0
  if (isScalar(node)) {
    return {
      name: checkedName(node.value, file, line),
      recipient: undefined,
      expiresAt: undefined,
      expires: undefined,
      line
    }
  }
  if (!isMap(node)) {
    throw rosterError(
      file,
      line,
      'an entry is not a mapping; expected "- name: …" with optional "recipient:" and "expires:".'
    )
  }
  checkKeys(node.items, ENTRY_KEYS, file, lineOf, 'an entry')
  const value = (key: string) => {
    const found = node.get(key, true) as YamlNode | undefined
    return found === undefined
      ? undefined
      : { node: found, value: isScalar(found) ? found.value : found }
  }
  const name = value('name')
  if (name === undefined) {
    throw rosterError(file, line, 'an entry has no "name"; expected the certificate\'s name.')
  }
  const recipient = value('recipient')
  const expires = value('expires')
  const expiresText =
    expires === undefined
      ? undefined
      : checkedDate(expires.value, file, lineOf(expires.node) ?? line)
  return {
    name: checkedName(name.value, file, lineOf(name.node) ?? line),
    recipient:
      recipient === undefined
        ? undefined
        : checkedRecipient(recipient.value, file, lineOf(recipient.node) ?? line),
    expires: expiresText,
    expiresAt: expiresText === undefined ? undefined : dayAfter(expiresText),
    line
  }
}

function checkedName(value: unknown, file: string, line: number): string {
  if (typeof value === 'string' && NAME_PATTERN.test(value)) return value
  const shown =
    typeof value === 'string'
      ? quote(value)
      : `a ${value === null ? 'missing value' : typeof value}`
  throw rosterError(
    file,
    line,
    `${shown} is not a certificate name the API accepts; expected 2 to 128 letters, digits, ".", "_" and "-", starting with a letter.`
  )
}

function checkedRecipient(value: unknown, file: string, line: number): string {
  if (typeof value === 'string' && RECIPIENT_PATTERNS.some(p => p.test(value))) return value
  // A private key pasted by mistake must not be echoed: show only what kind of thing it starts as.
  const shown = typeof value === 'string' ? quote(value.slice(0, 12)) : `a ${typeof value}`
  throw rosterError(
    file,
    line,
    `"recipient" is ${shown}${typeof value === 'string' && value.length > 12 ? '…' : ''}, which is not a recipient; expected "github:USER", one OpenSSH public key line ("ssh-ed25519 AAAA…") or an age recipient ("age1…").`
  )
}

function checkedDate(value: unknown, file: string, line: number): string {
  const match = typeof value === 'string' ? DATE_PATTERN.exec(value) : null
  if (match && typeof value === 'string') {
    const [, year, month, day] = match.map(Number)
    const at = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 0))
    if (
      at.getUTCFullYear() === year &&
      at.getUTCMonth() === (month ?? 0) - 1 &&
      at.getUTCDate() === day
    ) {
      return value
    }
  }
  const shown = typeof value === 'string' ? quote(value) : `a ${typeof value}`
  throw rosterError(
    file,
    line,
    `"expires" is ${shown}; expected a date, YYYY-MM-DD (the last day the entry holds, UTC).`
  )
}

/** Start of the day after `YYYY-MM-DD`, UTC, in ms: when an entry that expires that day is gone. */
function dayAfter(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) + DAY_MS
}
