/**
 * Each agent's advertised resources: the `--resources` text shared by all agents, with the
 * `ports` ranges made disjoint so that tasks on different agents of one machine never get
 * the same host port. Pure.
 */
import { rangesOf, ranges as rangesResource, type Range, type Resource } from '../mesos-proto';

const MAX_PORT = 65535;

/**
 * Agent `index` of `count`: ranges shifted by their width when they fit, else split evenly, or
 * with `overlap` (the simulated containerizer, where nothing binds a port) the whole ranges
 * for every agent, as on separate hosts: split over 10,000 agents, each had 3 ports, so at
 * most 30,000 one-port tasks could ever run and the 100,000-instance benchmark waited for ever.
 */
export function agentResources(base: readonly Resource[], index: number, count: number, overlap = false): Resource[] {
  const ports = rangesOf(base, 'ports');
  const out = base.filter((r) => r.name !== 'ports');
  if (ports.length === 0) return out;
  const lo = Math.min(...ports.map((r) => r.begin));
  const hi = Math.max(...ports.map((r) => r.end));
  const width = hi - lo + 1;
  if (lo + count * width - 1 <= MAX_PORT) {
    const shift = index * width;
    out.push(rangesResource('ports', ports.map((r) => ({ begin: r.begin + shift, end: r.end + shift }))));
    return out;
  }
  if (overlap) {
    out.push(rangesResource('ports', ports.map((r) => ({ begin: r.begin, end: r.end }))));
    return out;
  }
  const share = Math.max(1, Math.floor((MAX_PORT - lo + 1) / count));
  const begin = lo + index * share;
  const slice: Range[] = begin <= MAX_PORT ? [{ begin, end: Math.min(MAX_PORT, begin + share - 1) }] : [];
  if (slice.length > 0) out.push(rangesResource('ports', slice));
  return out;
}
