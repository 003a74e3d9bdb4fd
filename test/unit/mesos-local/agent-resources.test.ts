import { agentResources } from '../../../mesos-local/agent-resources';
import { parseResources, rangesOf, scalarOf } from '../../../mesos-proto';

describe('agentResources', () => {
  it('shifts the port ranges by their width so agents never overlap', () => {
    const base = parseResources('cpus:4;mem:8192;ports:[31000-32000]');
    const all = [0, 1, 2].map((i) => agentResources(base, i, 3));
    expect(all.map((r) => rangesOf(r, 'ports'))).toEqual([[{ begin: 31000, end: 32000 }], [{ begin: 32001, end: 33001 }], [{ begin: 33002, end: 34002 }]]);
    expect(all.every((r) => scalarOf(r, 'cpus') === 4)).toBe(true);
  });

  it('splits the space up to 65535 when shifted ranges would not fit (1,000 agents)', () => {
    const base = parseResources('cpus:4;ports:[31000-32000]');
    const ranges = Array.from({ length: 1000 }, (_, i) => rangesOf(agentResources(base, i, 1000), 'ports')[0]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].begin).toBeGreaterThan(ranges[i - 1].end);
    expect(ranges[999].end).toBeLessThanOrEqual(65535);
    expect(ranges[0].end - ranges[0].begin + 1).toBe(34);
  });

  it('simulated agents that cannot have disjoint ranges get the whole ranges (10,000 agents × 1,001 ports)', () => {
    const base = parseResources('cpus:4;ports:[31000-32000]');
    for (const i of [0, 5000, 9999]) expect(rangesOf(agentResources(base, i, 10_000, true), 'ports')).toEqual([{ begin: 31000, end: 32000 }]);
    // Few enough to shift: still disjoint, simulated or not.
    expect(rangesOf(agentResources(base, 2, 3, true), 'ports')).toEqual([{ begin: 33002, end: 34002 }]);
  });

  it('leaves resources without ports alone', () => {
    expect(agentResources(parseResources('cpus:1'), 5, 10)).toEqual(parseResources('cpus:1'));
  });
});
