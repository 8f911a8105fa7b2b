/**
 * The local API stand-in, per test: `standInPerTest()` registers an `afterEach` that closes every
 * stand-in a test started, and returns the function that starts one (the file's defaults merged
 * with the test's options).
 */
import { afterEach } from '@jest/globals'
import {
  DEFAULT_CREDENTIALS,
  startStandIn,
  type Credential,
  type StandIn,
  type StandInOptions
} from '../test-server/stand-in.mjs'

const [firstKey] = DEFAULT_CREDENTIALS
if (!firstKey) throw new Error('the stand-in has no default credentials')
/** The stand-in's built-in key pair. */
export const DEFAULT_KEY: Credential = firstKey

export function standInPerTest(
  defaults: StandInOptions = {}
): (options?: StandInOptions) => Promise<StandIn> {
  const open: StandIn[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map(standIn => standIn.close()))
  })
  return async (options = {}) => {
    const standIn = await startStandIn({ ...defaults, ...options })
    open.push(standIn)
    return standIn
  }
}
