/**
 * The parts of undici the action uses, imported from undici's own files rather than its index.
 *
 * Why: undici's index loads everything it offers at start (fetch, WebSocket, EventSource, caches,
 * mocks, cookies, whose first touch of `globalThis.Headers` makes Node load its own internal copy
 * of undici too): about half of the action's start-up. These files are all a signed POST
 * through an `EnvHttpProxyAgent` needs, with `Dispatcher#connect` for the proxy's CONNECT tunnel
 * (bench part 1, CONTRIBUTING.md).
 *
 * The cost: undici's files are not its public API. `package.json` pins undici exactly, and
 * `scripts/bundle.mjs` fails the build, naming the file, when one of these paths no longer exists;
 * the types come from undici's public declarations (its `types/`), which describe the same classes.
 */
import type * as Undici from 'undici'
// @ts-expect-error undici's internal files ship without declarations (see above)
import EnvHttpProxyAgentClass from 'undici/lib/dispatcher/env-http-proxy-agent.js'
// @ts-expect-error as above
import PoolClass from 'undici/lib/dispatcher/pool.js'
// @ts-expect-error as above
import dispatcherRequest from 'undici/lib/api/api-request.js'
// @ts-expect-error as above
import dispatcherConnect from 'undici/lib/api/api-connect.js'
// @ts-expect-error as above
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js'

export type { Dispatcher, buildConnector } from 'undici'

// undici's index gives every dispatcher its API methods (Object.assign(Dispatcher.prototype, api));
// its ProxyAgent opens a tunnel with `client.connect(…)`, so that one is given here the same way.
const prototype = (DispatcherClass as { prototype: Record<string, unknown> }).prototype
prototype['connect'] ??= dispatcherConnect

export const EnvHttpProxyAgent = EnvHttpProxyAgentClass as typeof Undici.EnvHttpProxyAgent
export const Pool = PoolClass as typeof Undici.Pool

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & {
  dispatcher: Undici.Dispatcher
}

/**
 * `undici.request(url, options)`, without the index: `Dispatcher#request` called on the given
 * dispatcher (the index attaches it to every dispatcher's prototype; this calls it directly).
 */
export function request(
  url: string,
  { dispatcher, ...options }: RequestOptions
): Promise<Undici.Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url)
  const call = dispatcherRequest as (
    this: Undici.Dispatcher,
    options: Undici.Dispatcher.RequestOptions
  ) => Promise<Undici.Dispatcher.ResponseData>
  return call.call(dispatcher, { ...options, origin, path: `${pathname}${search}` })
}
