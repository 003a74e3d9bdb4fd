import { launchRoom, MAX_CALL_WAIT_MS, MAX_CALLS_QUEUED, MAX_LAUNCHES_PER_CYCLE } from '../../../scheduler/core/launch-room';

const queue = (queued: number, oldestWaitMs = 0) => ({ queued, oldestWaitMs });

describe('launchRoom: launches per cycle, by the Mesos call queue and the updates still owed', () => {
  it('is the per-cycle cap with an empty queue and nothing launching', () => {
    expect(launchRoom(queue(0), 0)).toBe(MAX_LAUNCHES_PER_CYCLE);
  });

  it('leaves room for two ACKs per launch under the bound, counting the updates launches under way still owe', () => {
    expect(launchRoom(queue(MAX_CALLS_QUEUED - 1000), 0)).toBe(500);
    expect(launchRoom(queue(0), MAX_CALLS_QUEUED - 1000)).toBe(500);
    expect(launchRoom(queue(MAX_CALLS_QUEUED - 1000), 600)).toBe(200);
    expect(launchRoom(queue(MAX_CALLS_QUEUED - 1), 0)).toBe(0);
  });

  it('is 0 at or past the bound, never negative', () => {
    expect(launchRoom(queue(MAX_CALLS_QUEUED), 0)).toBe(0);
    expect(launchRoom(queue(94_000), 190_000)).toBe(0);
  });

  it('is 0 while the oldest queued call has waited MAX_CALL_WAIT_MS, however short the queue', () => {
    expect(launchRoom(queue(10, MAX_CALL_WAIT_MS - 1), 0)).toBe(MAX_LAUNCHES_PER_CYCLE);
    expect(launchRoom(queue(10, MAX_CALL_WAIT_MS), 0)).toBe(0);
  });

  it('keeps calls queued plus updates owed under the bound after any launch it allows', () => {
    for (let queued = 0; queued <= MAX_CALLS_QUEUED + 10; queued += 7) {
      for (const owed of [0, 1, 999, 3000]) {
        expect(queued + owed + 2 * launchRoom(queue(queued), owed)).toBeLessThanOrEqual(Math.max(queued + owed, MAX_CALLS_QUEUED));
      }
    }
  });
});
