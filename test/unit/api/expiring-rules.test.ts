import type {
  SingularityExpiringAction, SingularityExpiringRequestBody, SingularityPriorityRequest, SingularityScaleRequest, SingularitySkipHealthchecksRequest,
} from '../../../contract';
import { type ExpiringAction, dueReverts, expiresAt, expiringFields } from '../../../scheduler/api/expiring-rules';

const base = <T extends SingularityExpiringRequestBody>(body: T, startMillis = 1000, requestId = 'r'): SingularityExpiringAction<T> => ({
  requestId, startMillis, actionId: `a-${startMillis}`, expiringAPIRequestObject: body,
});

describe('expiring action rules (fake clock: plain numbers)', () => {
  const scale: ExpiringAction = { kind: 'scale', action: { ...base<SingularityScaleRequest>({ instances: 5, durationMillis: 60_000 }), revertToInstances: 2 } };
  const pause: ExpiringAction = { kind: 'pause', action: base({ durationMillis: 30_000 }, 5000) };
  const skip: ExpiringAction = { kind: 'skipHealthchecks', action: { ...base<SingularitySkipHealthchecksRequest>({ skipHealthchecks: true, durationMillis: 10_000 }, 2000), revertToSkipHealthchecks: false } };
  const bounce: ExpiringAction = { kind: 'bounce', action: { ...base({ durationMillis: 1000 }, 0), deployId: 'v1' } };
  const forever: ExpiringAction = { kind: 'scale', action: { ...base<SingularityScaleRequest>({ instances: 3 }), revertToInstances: 1 } };

  it('is up at start + duration; without a duration never', () => {
    expect(expiresAt(scale)).toBe(61_000);
    expect(expiresAt(forever)).toBeNull();
  });

  it('nothing is due before its time', () => {
    expect(dueReverts([scale, pause, skip, forever], 11_999)).toEqual([]);
  });

  it('a 60 s scale reverts to the instances before it exactly at 60 s', () => {
    expect(dueReverts([scale], 60_999)).toEqual([]);
    expect(dueReverts([scale], 61_000)).toEqual([{ kind: 'scale', requestId: 'r', actionId: 'a-1000', instances: 2 }]);
  });

  it('reverts every kind, oldest expiry first', () => {
    expect(dueReverts([scale, pause, skip, bounce, forever], 100_000).map((r) => r.kind)).toEqual(['bounce', 'skipHealthchecks', 'pause', 'scale']);
    expect(dueReverts([skip], 12_000)).toEqual([{ kind: 'skipHealthchecks', requestId: 'r', actionId: 'a-2000', skipHealthchecks: false }]);
  });

  it('a priority reverts to the level before it, or to none (the default) when it had none', () => {
    const raised: ExpiringAction = { kind: 'priority', action: { ...base<SingularityPriorityRequest>({ priority: 0.9, durationMillis: 3_600_000 }), revertToPriority: 0.4 } };
    const fromDefault: ExpiringAction = { kind: 'priority', action: base<SingularityPriorityRequest>({ priority: 0.9, durationMillis: 60_000 }, 0, 'q') };
    expect(dueReverts([raised, fromDefault], 3_600_999)).toEqual([{ kind: 'priority', requestId: 'q', actionId: 'a-0', priority: undefined }]);
    expect(dueReverts([raised], 3_601_000)).toEqual([{ kind: 'priority', requestId: 'r', actionId: 'a-1000', priority: 0.4 }]);
    expect(expiringFields([raised]).expiringPriority?.revertToPriority).toBe(0.4);
  });

  it('is level-triggered: still due on a later tick (a new leader applies what the old one missed)', () => {
    expect(dueReverts([scale], 10 * 61_000)).toHaveLength(1);
  });

  it("fills the request parent's fields with Singularity's names", () => {
    expect(Object.keys(expiringFields([scale, pause, skip, bounce])).sort()).toEqual(['expiringBounce', 'expiringPause', 'expiringScale', 'expiringSkipHealthchecks']);
    expect(expiringFields([scale]).expiringScale?.revertToInstances).toBe(2);
  });
});
