/**
 * Ports for tests that need an address nothing answers on.
 */
import { createServer } from 'node:net'

/** A port on loopback that nothing listens on (it did a moment ago, for the system to pick it). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}
