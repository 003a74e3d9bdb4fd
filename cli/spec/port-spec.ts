/**
 * Nmesos's port syntax: `8080` (container port, host port from the offer), `9000:12000`
 * (container:host, a fixed host port), and either followed by `/udp`, `/tcp` or `/tcp,udp`.
 */
export interface PortSpec {
  containerPort: number;
  /** A fixed host port; without it the host port comes from the offer. */
  hostPort?: number;
  /** `tcp`, `udp` or `tcp,udp` (Nmesos passes the list through as one string). */
  protocol: string;
}

const PROTOCOLS = new Set(['tcp', 'udp']);

export class PortSyntaxError extends Error {}

function parsePortNumber(text: string, whole: string): number {
  if (!/^\d+$/.test(text)) throw new PortSyntaxError(`'${whole}' is not a port: expected 8080, 8080/udp, 8080/tcp,udp or 9000:12000`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new PortSyntaxError(`'${whole}': port ${port} is outside 1-65535`);
  return port;
}

export function parsePortSpec(value: number | string): PortSpec {
  const whole = String(value).trim();
  const [mapping, protocols, extra] = whole.split('/');
  if (extra !== undefined) throw new PortSyntaxError(`'${whole}' has more than one '/'`);
  let protocol = 'tcp';
  if (protocols !== undefined) {
    const list = protocols.split(',').map((p) => p.trim().toLowerCase());
    const unknown = list.find((p) => !PROTOCOLS.has(p));
    if (unknown !== undefined) throw new PortSyntaxError(`'${whole}': unknown protocol '${unknown}' (use tcp, udp or tcp,udp)`);
    protocol = list.join(',');
  }
  const parts = mapping.split(':');
  if (parts.length > 2) throw new PortSyntaxError(`'${whole}' has more than one ':' (use container:host)`);
  const containerPort = parsePortNumber(parts[0], whole);
  return parts.length === 2
    ? { containerPort, hostPort: parsePortNumber(parts[1], whole), protocol }
    : { containerPort, protocol };
}
