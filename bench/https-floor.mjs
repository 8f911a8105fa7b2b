// Reference for part 1, not an action: the least one HTTPS call costs in a fresh Node process. One
// POST with node:https to the stand-in named by INPUT_ENDPOINT (loopback, the test CA trusted through
// NODE_EXTRA_CA_CERTS), the answer read to the end, exit.
import { request } from 'node:https'

const req = request(`https://${process.env['INPUT_ENDPOINT']}/`, { method: 'POST' }, res => {
  res.resume()
})
req.on('error', error => {
  console.error(error)
  process.exitCode = 1
})
req.end()
