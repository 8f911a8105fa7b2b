// @actions/core imports HttpClient only for core.getIDToken (lib/oidc-utils.js), which this action
// never calls: src/github/id-token.ts asks the runner's token service through the action's own
// dispatcher. Loading the real @actions/http-client (tunnel, undici's ProxyAgent, node:http2,
// node:tls) cost every action's start 40-60 ms (shims/README.md). Should a change ever call
// core.getIDToken, it fails here, loudly and by name, instead of quietly loading it.
export class HttpClient {
  constructor() {
    throw new Error(
      "@actions/core's getIDToken is not available in this action (shims/actions-core-http-client): use src/github/id-token.ts."
    )
  }
}
