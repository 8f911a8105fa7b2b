// Reference for part 1, not an action: the least one HTTPS call costs through undici, the HTTP
// client the action uses, bundled with ncc like dist/. One POST to the stand-in named by
// INPUT_ENDPOINT through an EnvHttpProxyAgent (as src/main.ts makes it), the answer read, the agent
// destroyed, exit.
import { EnvHttpProxyAgent, request } from 'undici'

const dispatcher = new EnvHttpProxyAgent({ connect: { rejectUnauthorized: true } })
const answer = await request(`https://${process.env['INPUT_ENDPOINT']}/`, {
  method: 'POST',
  dispatcher
})
await answer.body.text()
await dispatcher.destroy()
