import { parseAttributes, parseResources, type Offer } from '../../../mesos-proto';
import type { AgentPlacement } from '../../../contract';
import { emptyLoad, matchOffers, type AgentLoad, type TaskDemand } from '../../../scheduler/placement';

function offer(n: number, resources = 'cpus:4;mem:4096;disk:10000;ports:[31000-31009]', attributes = ''): Offer {
  return {
    id: { value: `offer-${n}` }, framework_id: { value: 'fw' }, agent_id: { value: `agent-${n}` }, hostname: `host${n}`,
    resources: parseResources(resources), attributes: attributes ? parseAttributes(attributes) : [],
  };
}

function demands(count: number, over: Partial<TaskDemand> = {}): TaskDemand[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `r1/d1/${i + 1}`, group: 'r1/d1', requestId: 'r1', deployId: 'd1',
    cpus: 1, memMb: 128, diskMb: 0, numPorts: 0, hostPorts: [], placement: 'OPTIMISTIC' as AgentPlacement,
    instances: count, ...over,
  }));
}

function perAgent(assignments: { offer: Offer }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of assignments) out.set(a.offer.agent_id.value, (out.get(a.offer.agent_id.value) ?? 0) + 1);
  return out;
}

describe('matchOffers: feasibility', () => {
  it.each<[string, Partial<TaskDemand>, string, string]>([
    ['too few cpus', { cpus: 8 }, 'cpus:4;mem:4096', 'no offer with 8 cpus'],
    ['too little mem', { memMb: 8192 }, 'cpus:4;mem:4096', 'no offer with 8192 MB mem'],
    ['too little disk', { diskMb: 500 }, 'cpus:4;mem:4096;disk:100', 'no offer with 500 MB disk'],
    ['too few ports', { numPorts: 3 }, 'cpus:4;mem:4096;ports:[31000-31001]', 'no offer with 3 free ports'],
    ['literal host port not offered', { hostPorts: [8080] }, 'cpus:4;mem:4096;ports:[31000-31001]', 'no offer with host port 8080 free'],
  ])('%s → pending with a reason', (_name, over, resources, reason) => {
    const result = matchOffers({ demands: demands(1, over), offers: [offer(1, resources)], loads: new Map(), knownAgents: 1 });
    expect(result.assignments).toHaveLength(0);
    expect(result.unplaced.get('r1/d1')?.reason).toBe(reason);
  });

  it('takes numPorts from the offered ranges and literal host ports as asked', () => {
    const result = matchOffers({
      demands: demands(2, { numPorts: 2, hostPorts: [31005] }), offers: [offer(1)], loads: new Map(), knownAgents: 1,
    });
    expect(result.assignments[0].ports).toEqual([31000, 31001, 31005]);
    // The second task cannot have 31005 again.
    expect(result.assignments).toHaveLength(1);
    expect(result.unplaced.get('r1/d1')?.reason).toBe('no offer with host port 31005 free');
    const ports = result.assignments[0].resources.find((r) => r.name === 'ports');
    expect(ports?.ranges?.range).toEqual([{ begin: 31000, end: 31001 }, { begin: 31005, end: 31005 }]);
  });

  it.each<[string, Partial<TaskDemand>, string, boolean]>([
    ['required attribute present', { requiredAttributes: { rack: 'r1' } }, 'rack:r1', true],
    ['required attribute different', { requiredAttributes: { rack: 'r1' } }, 'rack:r2', false],
    ['required attribute missing', { requiredAttributes: { rack: 'r1' } }, '', false],
    ['allowed attribute matching', { allowedAttributes: { pool: 'batch' } }, 'pool:batch', true],
    ['allowed attribute absent on agent', { allowedAttributes: { pool: 'batch' } }, '', true],
    ['allowed attribute different', { allowedAttributes: { pool: 'batch' } }, 'pool:web', false],
  ])('attributes: %s', (_name, over, attributes, placed) => {
    const result = matchOffers({ demands: demands(1, over), offers: [offer(1, undefined, attributes)], loads: new Map(), knownAgents: 1 });
    expect(result.assignments.length === 1).toBe(placed);
    if (!placed) expect(result.unplaced.get('r1/d1')?.reason).toMatch(/^no offer from an agent with attributes/);
  });
});

describe('matchOffers: placement', () => {
  const three = [offer(1), offer(2), offer(3)];

  it.each<[AgentPlacement, number, number, number[]]>([
    // placement, tasks, placed, tasks per agent (sorted)
    ['SEPARATE', 5, 3, [1, 1, 1]],
    ['SEPARATE_BY_REQUEST', 5, 3, [1, 1, 1]],
    ['SPREAD_ALL_AGENTS', 3, 3, [1, 1, 1]],
    ['OPTIMISTIC', 6, 6, [2, 2, 2]],
    ['OPTIMISTIC', 7, 7, [2, 2, 3]],
    ['GREEDY', 4, 4, [4]],
  ])('%s with %i tasks on 3 agents places %i', (placement, count, placed, spread) => {
    const result = matchOffers({ demands: demands(count, { placement }), offers: three, loads: new Map(), knownAgents: 3 });
    expect(result.assignments).toHaveLength(placed);
    expect([...perAgent(result.assignments).values()].sort()).toEqual(spread);
  });

  it('SEPARATE says how many agents it needs', () => {
    const result = matchOffers({ demands: demands(5, { placement: 'SEPARATE' }), offers: three, loads: new Map(), knownAgents: 3 });
    expect(result.unplaced.get('r1/d1')).toEqual({ count: 2, reason: 'SEPARATE needs 5 agents, 3 known' });
  });

  it('SEPARATE counts tasks already running on an agent', () => {
    const loads = new Map<string, AgentLoad>([['agent-1', { byRequest: new Map([['r1', 1]]), byDeploy: new Map([['r1/d1', 1]]) }]]);
    const result = matchOffers({ demands: demands(2, { placement: 'SEPARATE', instances: 3 }), offers: three, loads, knownAgents: 3 });
    expect(result.assignments.map((a) => a.offer.agent_id.value).sort()).toEqual(['agent-2', 'agent-3']);
  });

  it('spreads onto the agents with the fewest tasks of the request first', () => {
    const loads = new Map<string, AgentLoad>([
      ['agent-1', { byRequest: new Map([['r1', 2]]), byDeploy: new Map() }],
      ['agent-2', { byRequest: new Map([['r1', 1]]), byDeploy: new Map() }],
      ['agent-3', emptyLoad()],
    ]);
    const result = matchOffers({ demands: demands(3, { instances: 9 }), offers: three, loads, knownAgents: 3 });
    expect(result.assignments.map((a) => a.offer.agent_id.value)).toEqual(['agent-3', 'agent-2', 'agent-3']);
  });

  it('puts many tasks into one offer until it is used up', () => {
    const result = matchOffers({ demands: demands(10, { placement: 'GREEDY', cpus: 0.5, memMb: 256 }), offers: [offer(1, 'cpus:4;mem:4096')], loads: new Map(), knownAgents: 1 });
    expect(result.assignments).toHaveLength(8);
    expect(result.unplaced.get('r1/d1')).toEqual({ count: 2, reason: 'no offer with 0.5 cpus' });
  });

  it('respects maxTasksPerOffer', () => {
    const result = matchOffers({ demands: demands(5, { placement: 'GREEDY', maxTasksPerOffer: 2 }), offers: [offer(1)], loads: new Map(), knownAgents: 1 });
    expect(result.assignments).toHaveLength(2);
    expect(result.unplaced.get('r1/d1')?.reason).toBe('maxTasksPerOffer 2 reached in every offer');
  });

  it('says it waits for offers when there are none', () => {
    const result = matchOffers({ demands: demands(1), offers: [], loads: new Map(), knownAgents: 0 });
    expect(result.unplaced.get('r1/d1')?.reason).toBe('waiting for offers');
  });

  it('carves resources with the offered role', () => {
    const o = offer(1);
    o.resources = o.resources!.map((r) => ({ ...r, role: '*', allocation_info: { role: '*' } }));
    const [a] = matchOffers({ demands: demands(1, { cpus: 0.25, memMb: 64 }), offers: [o], loads: new Map(), knownAgents: 1 }).assignments;
    expect(a.resources).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.25 }, role: '*', allocation_info: { role: '*' } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, role: '*', allocation_info: { role: '*' } },
    ]);
  });
});

describe('matchOffers: inactive hosts', () => {
  it('places nothing on a host marked inactive and uses the others', () => {
    const result = matchOffers({ demands: demands(2), offers: [offer(1), offer(2)], loads: new Map(), knownAgents: 2, inactiveHosts: new Set(['host1']) });
    expect(perAgent(result.assignments)).toEqual(new Map([['agent-2', 2]]));
  });

  it('says so when every offer is from an inactive host', () => {
    const result = matchOffers({ demands: demands(1), offers: [offer(1)], loads: new Map(), knownAgents: 1, inactiveHosts: new Set(['host1']) });
    expect(result.assignments).toHaveLength(0);
    expect(result.unplaced.get('r1/d1')?.reason).toBe('every offer is from a host marked inactive');
  });

  it('a host taken off the list is used again', () => {
    const result = matchOffers({ demands: demands(1), offers: [offer(1)], loads: new Map(), knownAgents: 1, inactiveHosts: new Set(['host9']) });
    expect(result.assignments).toHaveLength(1);
  });
});
