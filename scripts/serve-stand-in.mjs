// Runs the local API stand-in until stopped, for trying the action by hand or from a workflow
// (`.github/workflows/ci.yml` runs `uses: ./` against it).
//   node scripts/serve-stand-in.mjs [--port 8443] [--busy-calls 2] [--busy-after-create-ms 0]
// Prints one line with the endpoint when it is ready. Trust test-server/tls/ca.pem with
// NODE_EXTRA_CA_CERTS; the credentials are the stand-in's DEFAULT_CREDENTIALS.
import { parseArgs } from 'node:util'
import { startStandIn } from '../test-server/stand-in.mjs'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8443' },
    'busy-calls': { type: 'string', default: '0' },
    'busy-after-create-ms': { type: 'string', default: '0' }
  }
})
const standIn = await startStandIn({
  port: Number(values.port),
  busyCalls: Number(values['busy-calls']),
  busyAfterCreateMs: Number(values['busy-after-create-ms'])
})
console.log(`stand-in listening: endpoint ${standIn.endpoint}`)
const stop = async () => {
  console.log(
    `stand-in stopping after ${standIn.calls.length} calls, ${standIn.certificates.length} certificates`
  )
  await standIn.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
