/**
 * The local HTTPS stand-in for the Alibaba Cloud VPC API (and, with `oidc`, the runner's OIDC
 * token service and STS), under the one path every test, benchmark and script imports. The code is
 * in stand-in/ (start with stand-in/index.mjs, which lists its modules); the public API is declared
 * in stand-in.d.mts.
 */
export * from './stand-in/index.mjs'

/**
 * Checked by `npm run build` (tsconfig.test-server.json): stand-in/ must provide every value that
 * stand-in.d.mts declares, each assignable to its declared type, or the build fails here.
 * @template Declared
 * @template {Declared} Implementation
 * @typedef {Implementation} Provides
 */
/** @typedef {Provides<typeof import('./stand-in.d.mts'), typeof import('./stand-in/index.mjs')>} _StandInMatchesDeclarations */
