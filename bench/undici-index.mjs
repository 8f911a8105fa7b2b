// Reference for part 1, not an action: one HTTPS POST with undici imported from its index (as
// src/client.ts imports it today), bundled with ncc like dist/. Same call as undici-floor.mjs; the
// difference between the two is what importing all of undici costs.
import { EnvHttpProxyAgent, request } from 'undici'

const dispatcher = new EnvHttpProxyAgent({ connect: { rejectUnauthorized: true } })
const answer = await request(`https://${process.env['INPUT_ENDPOINT']}/`, {
  method: 'POST',
  dispatcher
})
await answer.body.text()
await dispatcher.destroy()
