/**
 * The part of js-yaml (4.x, which ships no types) that roster.ts uses; @types/js-yaml is not a
 * dependency.
 */
declare module 'js-yaml' {
  /** The parser's state as a listener sees it: 0-based line, the node's anchor and result. */
  export interface LoaderState {
    line: number
    /** 1 for the document's top node, 2 for its children, and so on. */
    depth: number
    anchor: string | null
    result: unknown
  }
  export interface LoadOptions {
    filename?: string
    schema?: unknown
    json?: boolean
    maxDepth?: number
    /** Called as each node opens and closes (js-yaml `composeNode`). */
    listener?: (event: 'open' | 'close', state: LoaderState) => void
  }
  /** Parses one YAML document; what it holds is the caller's to check. */
  export function load(text: string, options?: LoadOptions): unknown
  /** null, booleans, numbers and strings only: no dates, binaries, sets or other types. */
  export const JSON_SCHEMA: unknown
  export class YAMLException extends Error {
    reason: string
    mark: { line: number; column: number } | undefined
  }
}
