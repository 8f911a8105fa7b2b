/**
 * What the connect step leaves: its outputs (`tunnel-ip`, `interface`, `pid`, `routes`), one log
 * line and one job-summary line. Every value came from OpenVPN: each is checked for its shape
 * before it is written, and anything else is written as empty.
 */
import { singleLine } from '../core/text.js'
import type { SummarySink } from '../runner/summary.js'
import { escapeHtml } from '../runner/summary.js'
import type { Tunnel } from './openvpn.js'

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/
const INTERFACE = /^[A-Za-z0-9_.-]{1,15}$/
const ROUTE = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/

/** The outputs, each in its documented shape. */
export function connectOutputs(tunnel: Tunnel): Record<string, string> {
  return {
    'tunnel-ip': IPV4.test(tunnel.tunnelIp) ? tunnel.tunnelIp : '',
    interface: INTERFACE.test(tunnel.interfaceName) ? tunnel.interfaceName : '',
    pid: String(tunnel.pid),
    routes: JSON.stringify(tunnel.routes.filter(route => ROUTE.test(route)))
  }
}

/** One line for the log and the summary. */
export function describeTunnel(tunnel: Tunnel, elapsedMs: number): string {
  const outputs = connectOutputs(tunnel)
  const routes = JSON.parse(outputs['routes'] ?? '[]') as string[]
  return singleLine(
    `Connected to ${tunnel.remote || 'the server'} in ${(elapsedMs / 1000).toFixed(1)} s: ${outputs['tunnel-ip'] || 'no IPv4 address'} on ${outputs['interface'] || 'a tun device'}, OpenVPN ${tunnel.version && /^[\d.]{1,20}$/.test(tunnel.version) ? `${tunnel.version} ` : ''}pid ${outputs['pid']}${tunnel.dataCipher ? `, data cipher ${tunnel.dataCipher}` : ''}, ${routes.length === 0 ? 'no routes pushed' : `routes ${routes.join(', ')}`}.`
  )
}

/** The job summary's line. */
export async function writeConnectSummary(summary: SummarySink, line: string): Promise<void> {
  await summary.addRaw(`<p>${escapeHtml(line)}</p>`, true).write()
}
