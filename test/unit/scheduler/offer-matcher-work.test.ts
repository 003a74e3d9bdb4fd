import { parseResources, type Offer } from '../../../mesos-proto';
import { matchOffers, type TaskDemand } from '../../../scheduler/placement';

/** Counts the matcher's work (slots ranked), never its time: the bound is what a heap per deploy allows. */

function offers(count: number): Offer[] {
  return Array.from({ length: count }, (_, n) => ({
    id: { value: `offer-${n}` }, framework_id: { value: 'fw' }, agent_id: { value: `agent-${n}` }, hostname: `host${n}`,
    resources: parseResources('cpus:4;mem:4096;disk:10000;ports:[31000-31999]'),
  }));
}

function deploys(groups: number, perGroup: number, over: Partial<TaskDemand> = {}): TaskDemand[] {
  const out: TaskDemand[] = [];
  for (let g = 0; g < groups; g++) {
    for (let i = 0; i < perGroup; i++) {
      out.push({
        key: `r${g}/d1/${i + 1}`, group: `r${g}/d1`, requestId: `r${g}`, deployId: 'd1',
        cpus: 0.1, memMb: 32, diskMb: 0, numPorts: 1, hostPorts: [], placement: 'OPTIMISTIC', instances: perGroup, ...over,
      });
    }
  }
  return out;
}

describe('matchOffers: work does not grow with pending tasks × offers', () => {
  it('10,000 tasks of one deploy into 1,000 offers rank O((tasks + offers) log offers) slots, not tasks × offers', () => {
    const result = matchOffers({ demands: deploys(1, 10_000), offers: offers(1000), loads: new Map(), knownAgents: 1000 });
    expect(result.assignments).toHaveLength(10_000);
    // tasks × offers would be 10,000,000 rankings; a placement costs a few heap steps.
    expect(result.evaluations).toBeLessThan(4 * (10_000 + 1000));
    const perAgent = new Map<string, number>();
    for (const a of result.assignments) perAgent.set(a.offer.agent_id.value, (perAgent.get(a.offer.agent_id.value) ?? 0) + 1);
    expect(new Set(perAgent.values())).toEqual(new Set([10]));
  });

  it('deploys waiting on used-up offers add no work: 2,000 pending deploys cost what 1,000 do', () => {
    // 200 offers of 4 cpus fit 200 × 40 = 8,000 tasks of 0.1 cpus; 1,000 deploys want 10,000.
    const run = (groups: number): ReturnType<typeof matchOffers> => matchOffers({ demands: deploys(groups, 10), offers: offers(200), loads: new Map(), knownAgents: 200 });
    const thousand = run(1000);
    const twoThousand = run(2000);
    expect(thousand.assignments.length).toBe(8000);
    expect(thousand.unplaced.get('r999/d1')).toEqual({ count: 10, reason: 'no offer with 0.1 cpus' });
    expect(twoThousand.evaluations).toBe(thousand.evaluations);
    // A scan of every offer per task would rank 10,000 × 200 = 2,000,000 slots.
    expect(thousand.evaluations).toBeLessThan(200_000);
  });

  it('places exactly what a scan of every offer would: the first best slot, ties by offer order', () => {
    const result = matchOffers({ demands: deploys(1, 5), offers: offers(3), loads: new Map(), knownAgents: 3 });
    expect(result.assignments.map((a) => a.offer.agent_id.value)).toEqual(['agent-0', 'agent-1', 'agent-2', 'agent-0', 'agent-1']);
  });
});
