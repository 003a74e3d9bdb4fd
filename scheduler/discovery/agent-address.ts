/**
 * The address an agent's endpoints are published with (Sidecar's port `IP`). Followers put it
 * straight into `server <name> <IP>:<port>` lines, so it must be an address, not a hostname:
 * an operator's advertised address first (`--discovery-advertise-ip`), else the agent's
 * hostname resolved once and cached. Lookups are asynchronous; until one answers, the catalog
 * publishes the hostname and is told to re-describe that host's endpoints when it does.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { systemClock, type Clock, type Logger } from '../../common';

export interface AdvertisedAddresses {
  /** One address for every agent (a single-host or NAT setup). */
  all?: string;
  /** Per agent hostname. */
  byHost: Map<string, string>;
}

/**
 * Parses `--discovery-advertise-ip` values: `ADDRESS` (every agent) or `HOSTNAME=ADDRESS`, each
 * possibly a comma-separated list (the environment variable's form).
 */
export function parseAdvertisedAddresses(values: readonly string[]): AdvertisedAddresses {
  const parsed: AdvertisedAddresses = { byHost: new Map() };
  for (const item of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    const host = eq >= 0 ? item.slice(0, eq).trim() : undefined;
    const address = (eq >= 0 ? item.slice(eq + 1) : item).trim();
    if (net.isIP(address) === 0) throw new Error(`advertised address "${item}": "${address}" is not an IP address`);
    if (host === undefined) parsed.all = address;
    else if (host) parsed.byHost.set(host, address);
    else throw new Error(`advertised address "${item}": empty hostname`);
  }
  return parsed;
}

/** The first IPv4 address, else the first one: HAProxy server lines take IPv4 as written. */
export function pickAddress(addresses: readonly { address: string; family: number }[]): string | undefined {
  return (addresses.find((a) => a.family === 4) ?? addresses[0])?.address;
}

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: LookupAll = (hostname) => dns.lookup(hostname, { all: true });

export interface AgentAddressOptions {
  advertised?: AdvertisedAddresses;
  /** Called once a hostname's lookup answers, so its endpoints can be re-described. */
  onResolved?: (hostname: string) => void;
  lookup?: LookupAll;
  /** How long a failed lookup is remembered before the next attempt (default 30 s). */
  retryMs?: number;
  clock?: Clock;
  log?: Logger;
}

export class AgentAddresses {
  private readonly resolved = new Map<string, string>();
  private readonly failedAt = new Map<string, number>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly options: AgentAddressOptions = {}) {}

  /** The address for `hostname` if known now; otherwise starts a lookup and answers undefined. */
  addressOf(hostname: string): string | undefined {
    const advertised = this.options.advertised;
    const fixed = advertised?.byHost.get(hostname) ?? advertised?.all;
    if (fixed) return fixed;
    if (!hostname || net.isIP(hostname) !== 0) return hostname || undefined;
    const known = this.resolved.get(hostname);
    if (known) return known;
    this.resolve(hostname);
    return undefined;
  }

  private resolve(hostname: string): void {
    const clock = this.options.clock ?? systemClock;
    const failed = this.failedAt.get(hostname);
    if (this.inFlight.has(hostname) || (failed !== undefined && clock.now() - failed < (this.options.retryMs ?? 30_000))) return;
    this.inFlight.add(hostname);
    void (this.options.lookup ?? systemLookup)(hostname).then((addresses) => {
      const address = pickAddress(addresses);
      if (!address) throw new Error('no address');
      this.resolved.set(hostname, address);
      this.failedAt.delete(hostname);
      this.options.onResolved?.(hostname);
    }).catch((err: Error) => {
      this.failedAt.set(hostname, clock.now());
      this.options.log?.warn({ hostname, err: err.message }, 'cannot resolve an agent hostname: its endpoints publish the hostname as IP');
    }).finally(() => this.inFlight.delete(hostname));
  }
}
