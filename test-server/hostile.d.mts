/** Types for hostile.mjs: a scriptable hostile HTTPS endpoint for tests. */
import type { ServerResponse } from 'node:http'

export interface ForwardedAnswer {
  status: number
  headers: Record<string, string>
  /** The raw body. */
  body: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into answers freely
  json: any
}

export interface HostileRequest {
  /** 0-based arrival order. */
  index: number
  receivedAt: number
  method: string
  /** Path and query as received. */
  url: string
  path: string
  /** Lowercase names, first value of each. */
  headers: Record<string, string>
  body: string
  /** `x-acs-action` (V3), or `Action` from the query or the form body (V1, STS); null otherwise. */
  action: string | null
  /** Query parameters and form-body fields, merged. */
  params: Record<string, string>
  /** Sends this request to the upstream stand-in unchanged and returns its genuine answer. */
  forward(): Promise<ForwardedAnswer>
}

export interface HostileReply {
  /** Default 200. */
  status?: number | undefined
  headers?: Record<string, string> | undefined
  /** Serialised as the body, with content-type application/json unless `headers` says otherwise. */
  json?: unknown
  /** A raw body (when `json` is not given). */
  body?: string | Buffer | undefined
  /** Writes the body itself (large or slow bodies); the response is ended afterwards. */
  stream?: ((res: ServerResponse) => Promise<void>) | undefined
  /** Wait this long before answering. */
  delayMs?: number | undefined
  /** Drop the connection without answering. */
  destroy?: boolean | undefined
  /** Never answer (close() ends it). */
  hang?: boolean | undefined
}

export interface HostileOptions {
  /** A stand-in's URL, for `request.forward()`. */
  upstream?: string | undefined
}

export interface Hostile {
  /** 'https://127.0.0.1:PORT' */
  url: string
  /** '127.0.0.1:PORT', for the `endpoint` input. */
  endpoint: string
  port: number
  /** Every request received (live array). */
  readonly requests: HostileRequest[]
  /** Destroys open sockets (hung ones too) and stops listening. */
  close(): Promise<void>
}

export function startHostile(
  respond: (request: HostileRequest) => HostileReply | Promise<HostileReply>,
  options?: HostileOptions
): Promise<Hostile>

export function writeLargeBody(
  res: ServerResponse,
  bytes: number,
  prefix?: string,
  suffix?: string
): Promise<void>
