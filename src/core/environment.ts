/**
 * What an action reads from outside the process, as the code sees it: an input by name (the
 * runner's `INPUT_*` variables through `@actions/core`, or a test's table) and the environment.
 */

/**
 * Reads one input as `core.getInput` does: trimmed, unless `trimWhitespace` is false (a
 * passphrase is taken exactly as configured).
 */
export type InputReader = (name: string, options?: { trimWhitespace?: boolean }) => string
/** The step's environment variables (`process.env` in production). */
export type Environment = Readonly<Record<string, string | undefined>>
