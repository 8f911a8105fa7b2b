// Part 1's floor, not an action: the least one HTTPS call costs through undici 7, the HTTP client
// the action uses, bundled with `ncc --minify` like dist/. One POST to the stand-in named by
// INPUT_ENDPOINT through an EnvHttpProxyAgent (as src/main.ts makes it, so HTTPS_PROXY and NO_PROXY
// work), the answer read, the agent destroyed, exit. undici is imported the cheapest way it
// allows: its package has no `exports` map, so the agent's own file and the one request function
// are imported, not undici's index (which loads fetch, WebSocket, the cache, mocks and the rest).
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js'
import request from 'undici/lib/api/api-request.js'

const dispatcher = new EnvHttpProxyAgent({ connect: { rejectUnauthorized: true } })
const answer = await request.call(dispatcher, {
  origin: `https://${process.env['INPUT_ENDPOINT']}`,
  path: '/',
  method: 'POST'
})
await answer.body.text()
await dispatcher.destroy()
