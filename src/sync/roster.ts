/**
 * The roster: the file in the repository that says who should have a certificate on one SSL
 * server. One entry per certificate name, each with an optional `recipient` (whom its profile is
 * encrypted to) and an optional `expires` date after which the entry counts as
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
 * The parser is js-yaml with its JSON schema (strings, numbers, booleans, null: a date stays the
 * text the user wrote, and `!!binary`, `!!set` or any other tag is refused as unknown), chosen
 * over the `yaml` package for its cost where it counts: it parses a 2,000-entry roster in a cold
 * process in about a fifth of the CPU time (bench/sync-plan.mjs has to plan 2,000 names in under a
 * second), the sync bundle is 71 KB smaller with it, and it was already in the lock file. What the
 * `yaml` package would give for free is done here with js-yaml's node listener: the line each
 * list item opens on is recorded (so a refusal names the line of the entry at fault, a key's own
 * line found from there in the text, and syntax errors their own line from `mark.line`), and
 * every anchor is refused as its node closes, before
 * any alias could refer to it (an alias without an anchor is a syntax error), so nothing is ever
 * expanded: no "billion laughs". Nesting is capped at a depth no roster needs.
 */
import { JSON_SCHEMA, load, YAMLException, type LoaderState } from 'js-yaml'
import { singleLine } from '../core/text.js'
import { InputError } from '../core/errors.js'
import { NAME_PATTERN } from '../alibaba/rules.js'
import { quote } from '../core/input-rules.js'

/** One person's (or machine's) certificate, as the roster says it. */
export interface RosterEntry {
  /** The certificate's name: the API's rule for a new name (input-rules.ts `NAME_PATTERN`). */
  name: string
  /**
   * Who the profile is encrypted to, as written; undefined: plain delivery. Its form is checked
   * here; a key's content by src/delivery's parser (sync/delivery.ts `checkRosterKeys`), still
   * before any network call.
   */
  recipient: string | undefined
  /** 1-based line of `recipient:` (undefined without one). */
  recipientLine: number | undefined
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
 * A recipient as delivery takes it: `github:USER` (the user's public SSH keys on GitHub), one
 * OpenSSH public key line (`ssh-ed25519 AAAA… [comment]`, `ssh-rsa AAAA… [comment]`) or an age
 * recipient (`age1…`). Only the form is checked here, so this module stays free of the delivery
 * code (loaded only when a roster names a recipient); sync/delivery.ts then reads each key with
 * delivery's own parser.
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

/** A roster is a mapping of a list of mappings: three levels, and room. */
const MAX_DEPTH = 6
/** The depth of the list's items: the document's mapping is 1, `certificates` 2. */
const ITEM_DEPTH = 3

type Lines = (value: unknown) => number | undefined

/**
 * Parses and checks the roster's text. Refused: more than {@link MAX_ROSTER_BYTES}, YAML that does
 * not parse or holds more than one document, anchors and aliases, tags other than the JSON
 * schema's, anything but a mapping with one `certificates` list of entries, unknown keys, names
 * the API would refuse, a name twice, a recipient or date that is not well formed, more than
 * {@link MAX_ROSTER_ENTRIES} entries.
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
  const lineOf = new WeakMap<object, number>()
  // The nodes at depth 3 are the items of the one list (`certificates`), in order: bare names too.
  const itemLines: number[] = []
  // The line each depth's current node opened on (a node may open and never close: no stack).
  const openedAt: number[] = []
  let refusal: InputError | undefined
  const listener = (event: 'open' | 'close', state: LoaderState) => {
    if (event === 'open') {
      openedAt[state.depth] = state.line
      return
    }
    const line = (openedAt[state.depth] ?? 0) + 1
    if (state.anchor !== null) {
      refusal = rosterError(
        file,
        line,
        `has an anchor (&${singleLine(state.anchor).slice(0, 40)}); write every entry out in full.`
      )
      throw refusal
    }
    if (typeof state.result === 'object' && state.result !== null) lineOf.set(state.result, line)
    if (state.depth === ITEM_DEPTH) itemLines.push(line)
  }
  let document: unknown
  try {
    document = load(text, { schema: JSON_SCHEMA, listener, maxDepth: MAX_DEPTH })
  } catch (error) {
    if (error === refusal) throw error
    if (!(error instanceof YAMLException)) throw error
    const line = error.mark === undefined ? undefined : error.mark.line + 1
    const reason = singleLine(error.reason || 'a syntax error').slice(0, 200)
    throw rosterError(file, line, `is not valid YAML (${reason}).`)
  }
  const lines: Lines = value =>
    typeof value === 'object' && value !== null ? lineOf.get(value) : undefined
  if (!isMapping(document)) {
    throw rosterError(
      file,
      lines(document) ?? 1,
      'expected a mapping with one key, "certificates", a list of entries (each with "name", and optionally "recipient" and "expires").'
    )
  }
  checkKeys(document, TOP_KEYS, file, lines(document) ?? 1, 'the top level')
  const list = document['certificates']
  if (list === undefined || list === null) return { file, entries: [] }
  if (!Array.isArray(list)) {
    throw rosterError(
      file,
      lines(document) ?? 1,
      '"certificates" is not a list; expected one entry per line starting with "- name:".'
    )
  }
  if (list.length > MAX_ROSTER_ENTRIES) {
    throw rosterError(
      file,
      lines(list),
      `"certificates" has ${list.length} entries; at most ${MAX_ROSTER_ENTRIES}.`
    )
  }
  const seen = new Map<string, number>()
  const listLine = lines(list) ?? 1
  const keyLines = linesOfKeys(text)
  const entries = list.map((item: unknown, index) => {
    const line = itemLines[index] ?? lines(item) ?? listLine
    const entry = parseEntry(item, file, line, index, keyLines)
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

/**
 * Where a key of an entry is: the first line at or after the entry's line (and within a few) that
 * holds `key:` (block or flow style); else the entry's own line.
 */
function linesOfKeys(text: string): (from: number, key: string) => number {
  const sourceLines = text.split(/\r?\n/)
  return (from, key) => {
    const pattern = new RegExp(`(?:^|[\\s{,-])${key}\\s*:`)
    for (
      let line = from;
      line < Math.min(from + ENTRY_KEYS.length + 2, sourceLines.length + 1);
      line++
    ) {
      if (pattern.test(sourceLines[line - 1] ?? '')) return line
    }
    return from
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkKeys(
  mapping: Record<string, unknown>,
  allowed: readonly string[],
  file: string,
  line: number,
  where: string,
  keyLine: (key: string) => number = () => line
): void {
  for (const key of Object.keys(mapping)) {
    if (!allowed.includes(key)) {
      throw rosterError(
        file,
        /^[A-Za-z0-9_-]{1,40}$/.test(key) ? keyLine(key) : line,
        `${quote(key)} is not a key of ${where}; expected ${allowed.map(k => `"${k}"`).join(', ')}.`
      )
    }
  }
}

/** One entry: a mapping with `name` and the optional keys, or a bare name. */
function parseEntry(
  item: unknown,
  file: string,
  line: number,
  index: number,
  keyLines: (from: number, key: string) => number
): RosterEntry {
  if (typeof item === 'string') {
    return {
      name: checkedName(item, file, line),
      recipient: undefined,
      recipientLine: undefined,
      expiresAt: undefined,
      expires: undefined,
      line
    }
  }
  if (!isMapping(item)) {
    throw rosterError(
      file,
      line,
      `entry ${index + 1} is not a mapping; expected "- name: …" with optional "recipient:" and "expires:".`
    )
  }
  const at = (key: string) => keyLines(line, key)
  checkKeys(item, ENTRY_KEYS, file, line, 'an entry', at)
  if (!Object.hasOwn(item, 'name')) {
    throw rosterError(file, line, 'an entry has no "name"; expected the certificate\'s name.')
  }
  const expires =
    item['expires'] === undefined ? undefined : checkedDate(item['expires'], file, at('expires'))
  const recipientLine = item['recipient'] === undefined ? undefined : at('recipient')
  return {
    name: checkedName(item['name'], file, at('name')),
    recipient:
      recipientLine === undefined
        ? undefined
        : checkedRecipient(item['recipient'], file, recipientLine),
    recipientLine,
    expires,
    expiresAt: expires === undefined ? undefined : dayAfter(expires),
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
