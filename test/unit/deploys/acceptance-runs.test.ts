import type { Verdict } from '../../../scheduler/acceptance';
import { AcceptanceRuns } from '../../../scheduler/deploys/acceptance-runs';
import type { SingularityDeploy } from '../../../contract';

/** The driver's acceptance evaluations: one at a time per request, inconclusive ones polled. */

const deploy: SingularityDeploy = { requestId: 'web', id: 'v2', command: 'serve', acceptanceChecks: [{ type: 'HTTP', url: 'http://hook/' }] };

function setup() {
  let now = 1000;
  const pending: ((v: Verdict) => void)[] = [];
  const woken: string[] = [];
  const runs = new AcceptanceRuns(
    () => new Promise<Verdict>((resolve) => pending.push(resolve)), 500, () => now, (id) => woken.push(id), undefined,
  );
  return { runs, pending, woken, advance: (ms: number) => (now += ms) };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('acceptance runs', () => {
  it('never runs two evaluations at once for a request, and wakes the rollout with the verdict', async () => {
    const s = setup();
    s.runs.want('web', deploy, 1, 1000);
    s.runs.want('web', deploy, 1, 1000);
    expect(s.pending).toHaveLength(1);
    s.pending[0]({ kind: 'pass', reason: 'ok' });
    await flush();
    expect(s.woken).toEqual(['web']);
    expect(s.runs.latestFor('web', 'v2')).toMatchObject({ step: 1, startedAt: 1000, verdict: { kind: 'pass' } });
    expect(s.runs.latestFor('web', 'v1')).toBeUndefined();
    s.runs.want('web', deploy, 1, 1000);
    expect(s.pending).toHaveLength(1);
  });

  it('asks an inconclusive check again only after the poll interval; a new step or healthy moment asks at once', async () => {
    const s = setup();
    s.runs.want('web', deploy, 1, 1000);
    s.pending[0]({ kind: 'inconclusive', reason: 'no samples' });
    await flush();
    s.advance(499);
    s.runs.want('web', deploy, 1, 1000);
    expect(s.pending).toHaveLength(1);
    s.advance(1);
    s.runs.want('web', deploy, 1, 1000);
    expect(s.pending).toHaveLength(2);
    s.pending[1]({ kind: 'pass', reason: 'ok' });
    await flush();
    s.runs.want('web', deploy, 2, 1500);
    expect(s.pending).toHaveLength(3);
  });

  it('a runner that throws is an inconclusive verdict, not a crash', async () => {
    const woken: string[] = [];
    const runs = new AcceptanceRuns(() => Promise.reject(new Error('boom')), 500, () => 0, (id) => woken.push(id), undefined);
    runs.want('web', deploy, 1, 0);
    await flush();
    expect(runs.latestFor('web', 'v2')?.verdict).toEqual({ kind: 'inconclusive', reason: 'acceptance checks threw: Error: boom' });
  });
});
