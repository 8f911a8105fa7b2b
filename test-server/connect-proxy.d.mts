/** Types for connect-proxy.mjs: a minimal HTTP CONNECT proxy that only tunnels to loopback. */

export interface ConnectProxyOptions {
  /** Address to listen on. Default '127.0.0.1'. */
  host?: string | undefined
  /** Default 0: a random free port. */
  port?: number | undefined
  /** Answer every CONNECT with 403 instead of tunnelling. Default false. */
  refuse?: boolean | undefined
  /**
   * Listen as an https:// proxy: 'trusted' with the stand-in's certificate (signed by tls/ca.pem),
   * 'untrusted' with the self-signed tls/untrusted.pem. Default: plain http://.
   */
  tls?: 'trusted' | 'untrusted' | undefined
}

export interface TunnelRecord {
  /** The CONNECT request target as received, e.g. 'localhost:8443'. */
  target: string
  /** Date.now() when the CONNECT arrived. */
  at: number
  /**
   * The proxy's answer: 200 (tunnel established), 403 (refused, or not a loopback target), 502
   * (the target could not be reached); null while connecting upstream or when closed first.
   */
  status: 200 | 403 | 502 | null
  /** The Proxy-Authorization header of the CONNECT, as received (null when absent). */
  proxyAuthorization: string | null
}

export interface ProxiedRequest {
  method: string
  /** Absolute-form URL as received, e.g. 'http://example.test/'. */
  url: string
  /** Date.now() when it arrived. */
  at: number
}

export interface ConnectProxy {
  /** 'http://127.0.0.1:PORT' ('https://…' with `tls`): the value for HTTPS_PROXY / HTTP_PROXY. */
  url: string
  port: number
  /** One record per CONNECT received, in arrival order (live array). */
  readonly tunnels: TunnelRecord[]
  /** Plain (non-CONNECT) proxy requests, each answered 502 (live array). */
  readonly requests: ProxiedRequest[]
  /** TCP connections accepted so far, TLS handshake finished or not. */
  readonly connections: number
  /** Destroys every open socket (tunnels included) and stops listening. */
  close(): Promise<void>
}

/** The address to dial for a loopback host ('localhost' → '127.0.0.1'), else null. */
export function loopbackAddress(hostname: string): string | null

export function startConnectProxy(options?: ConnectProxyOptions): Promise<ConnectProxy>
