// @actions/http-client imports only `ProxyAgent` from undici, for @actions/core's getIDToken,
// which this action does not call (src/id-token.ts fetches the token through its own
// dispatcher). Resolved from this folder, `undici` is the action's own undici 7.
export { default as ProxyAgent } from 'undici/lib/dispatcher/proxy-agent.js'
