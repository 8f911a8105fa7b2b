/**
 * The part of js-yaml that test-server/run-action.mjs and the tests use. js-yaml ships no types and
 * @types/js-yaml is not a dependency; this lets `npm run build` type-check run-action.mjs.
 */
declare module 'js-yaml' {
  /** Parses one YAML document; what it holds is the caller's to check. */
  export function load(text: string): unknown
  const yaml: { load: typeof load }
  export default yaml
}
