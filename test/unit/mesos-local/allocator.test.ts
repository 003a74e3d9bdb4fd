import { Allocator } from '../../../mesos-local/allocator';
import { parseResources, scalarOf } from '../../../mesos-proto';

const AGENT = parseResources('cpus:4;mem:8192;ports:[31000-31009]');

describe('Allocator', () => {
  it('offers each agent whole to one framework per cycle, then nothing until resources return', () => {
    const a = new Allocator();
    a.addAgent('s1', AGENT);
    a.addAgent('s2', AGENT);
    a.addFramework('f1');
    const first = a.allocate(0);
    expect(first.map((x) => x.agentId).sort()).toEqual(['s1', 's2']);
    expect(scalarOf(first[0].resources, 'cpus')).toBe(4);
    expect(a.allocate(1)).toEqual([]);
    a.recover('s1', 'f1', parseResources('cpus:1;mem:100'), 2);
    const second = a.allocate(3);
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ agentId: 's1', frameworkId: 'f1' });
    expect(scalarOf(second[0].resources, 'cpus')).toBe(1);
  });

  it('a decline filter refuses resources contained in what was declined until it lapses', () => {
    const a = new Allocator();
    a.addAgent('s1', AGENT);
    a.addFramework('f1');
    const [offer] = a.allocate(0);
    a.recover('s1', 'f1', offer.resources, 0, 5);
    expect(a.allocate(1000)).toEqual([]);
    expect(a.allocate(4999)).toEqual([]);
    expect(a.allocate(5000)).toHaveLength(1);
  });

  it('a filter does not hide resources larger than the refused ones', () => {
    const a = new Allocator();
    a.addAgent('s1', AGENT);
    a.addFramework('f1');
    const [offer] = a.allocate(0);
    // A task took 1 cpu; the rest is declined for an hour.
    a.recover('s1', 'f1', parseResources('cpus:3;mem:8192;ports:[31000-31009]'), 0, 3600);
    expect(a.allocate(10)).toEqual([]);
    // The task ends: the agent now has more than was refused, so it is offered again.
    a.recover('s1', 'f1', parseResources('cpus:1'), 20);
    const [again] = a.allocate(30);
    expect(scalarOf(again.resources, 'cpus')).toBe(4);
    expect(offer.frameworkId).toBe('f1');
  });

  it('REVIVE clears filters and SUPPRESS stops offers', () => {
    const a = new Allocator();
    a.addAgent('s1', AGENT);
    a.addFramework('f1');
    const [offer] = a.allocate(0);
    a.recover('s1', 'f1', offer.resources, 0, 3600);
    a.suppress('f1');
    a.revive('f1');
    expect(a.allocate(1)).toHaveLength(1);
    a.recover('s1', 'f1', offer.resources, 2);
    a.suppress('f1');
    expect(a.allocate(3)).toEqual([]);
    expect(a.isSuppressed('f1')).toBe(true);
    a.revive('f1');
    expect(a.allocate(4)).toHaveLength(1);
  });

  it('gives an agent to the framework with the fewest allocated cpus, skipping filtered ones', () => {
    const a = new Allocator();
    a.addAgent('s1', AGENT);
    a.addFramework('big');
    a.claim('s1', 'big', parseResources('cpus:1'));
    a.addFramework('small');
    const [offer] = a.allocate(0);
    expect(offer.frameworkId).toBe('small');
    a.recover('s1', 'small', offer.resources, 0, 60);
    const [next] = a.allocate(1);
    expect(next.frameworkId).toBe('big');
    expect(scalarOf(next.resources, 'cpus')).toBe(3);
  });

  it('does not offer inactive agents or frameworks, nor less than the minimum allocatable', () => {
    const a = new Allocator();
    a.addAgent('s1', AGENT);
    a.addAgent('tiny', parseResources('cpus:0.001;mem:1'));
    a.addFramework('f1');
    a.setAgentActive('s1', false);
    expect(a.allocate(0)).toEqual([]);
    a.setAgentActive('s1', true);
    a.setFrameworkActive('f1', false);
    expect(a.allocate(1)).toEqual([]);
    a.setFrameworkActive('f1', true);
    expect(a.allocate(2).map((x) => x.agentId)).toEqual(['s1']);
  });

  it('allocates 1,000 agents in one cycle and then touches only agents whose resources changed', () => {
    const a = new Allocator();
    for (let i = 0; i < 1000; i++) a.addAgent(`s${i}`, AGENT);
    a.addFramework('f1');
    expect(a.allocate(0)).toHaveLength(1000);
    a.recover('s7', 'f1', parseResources('cpus:0.5'), 1);
    expect(a.allocate(2).map((x) => x.agentId)).toEqual(['s7']);
  });
});
