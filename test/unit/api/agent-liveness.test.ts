import { machineLiveness } from '../../../scheduler/api/agent-liveness';

describe('dead and unknown agents (SingularityState)', () => {
  it('an agent offering is live, one reported lost is DEAD, one never offering since start is unknown; racks when all their agents are', () => {
    const known = [
      { id: 'a1', rackId: 'r1', state: 'ACTIVE' }, { id: 'a2', rackId: 'r1', state: 'ACTIVE' },
      { id: 'b1', rackId: 'r2', state: 'FROZEN' }, { id: 'b2', rackId: 'r2', state: 'ACTIVE' },
      { id: 'c1', rackId: 'r3', state: 'ACTIVE' },
      { id: 'd1', rackId: 'r4', state: 'DECOMMISSIONED' }, // retired: none of these
    ];
    expect(machineLiveness(known, new Set(['a1']), new Set(['a2', 'b1', 'b2', 'd1']))).toEqual({ deadAgents: 3, unknownAgents: 1, deadRacks: 1, unknownRacks: 1 });
    // Offering again wins over an earlier loss.
    expect(machineLiveness(known, new Set(['a1', 'a2', 'b1', 'b2', 'c1']), new Set(['a2']))).toEqual({ deadAgents: 0, unknownAgents: 0, deadRacks: 0, unknownRacks: 0 });
  });
});
