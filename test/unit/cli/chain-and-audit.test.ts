import { ChainError, planChain, type AfterDeploy } from '../../../cli/chain/plan';
import { auditCluster, type AuditEndpoint, type AuditRequest, type AuditTask } from '../../../cli/verify/audit';

describe('after_deploy chain planning', () => {
  const specs: Record<string, AfterDeploy | undefined> = {
    root: { on_success: [{ service_name: 'a' }, { service_name: 'b', tag: '7' }], on_failure: { service_name: 'rescue', tag: 'stable' } },
    a: { on_success: [{ service_name: 'c' }], on_failure: { service_name: 'ignored' } },
    b: { on_success: [{ service_name: 'd' }] },
    c: undefined, d: undefined, rescue: undefined, ignored: undefined,
    loop0: { on_success: [{ service_name: 'loop1' }] },
    loop1: { on_success: [{ service_name: 'loop2' }] },
    loop2: { on_success: [{ service_name: 'loop0' }] },
    self: { on_success: [{ service_name: 'team/self' }] },
  };
  const read = (service: string) => {
    const name = service.split('/').pop()!;
    if (!(name in specs)) throw new Error(`no spec for ${service}`);
    return { spec: name, afterDeploy: specs[name] };
  };
  const key = (s: string) => s.split('/').pop()!;

  it('orders jobs breadth-first, each with its tag or the release\'s, chained ones forced', () => {
    const plan = planChain({ service: 'root', tag: '3', force: false }, read, key);
    expect(plan.steps.map((s) => [s.service, s.tag, s.force, s.via])).toEqual([
      ['root', '3', false, undefined], ['a', '3', true, 'root'], ['b', '7', true, 'root'], ['c', '3', true, 'a'], ['d', '3', true, 'b'],
    ]);
    expect(plan.onFailure).toMatchObject({ service: 'rescue', tag: 'stable', force: true });
  });

  it('only the first service\'s on_failure counts', () => {
    expect(planChain({ service: 'a', tag: '1', force: true }, read, key).onFailure?.service).toBe('ignored');
    // root's chain reaches a, whose on_failure is not root's.
    expect(planChain({ service: 'root', tag: '1', force: false }, read, key).onFailure?.service).toBe('rescue');
  });

  it('detects a cycle and names its path', () => {
    expect(() => planChain({ service: 'loop0', tag: '1', force: false }, read, key)).toThrow(new ChainError('after_deploy: loop0 appears more than once in the chain (loop0 → loop1 → loop2 → loop0); a chain must not loop or release a service twice'));
  });

  it('a service named by path is the same service', () => {
    expect(() => planChain({ service: 'self', tag: '1', force: false }, read, key)).toThrow(/team\/self appears more than once/);
  });

  it('reads every spec before anything runs: a missing one fails the plan', () => {
    expect(() => planChain({ service: 'root', tag: '1', force: false }, (s) => (s === 'd' ? read('nope') : read(s)), key)).toThrow('no spec for nope');
  });
});

describe('cluster audit', () => {
  const req = (id: string, extra: Partial<AuditRequest> = {}): AuditRequest => ({ id, state: 'ACTIVE', requestType: 'SERVICE', instances: 2, activeDeployId: 'd1', hasHealthcheck: true, ...extra });
  const task = (n: number, extra: Partial<AuditTask> = {}): AuditTask => ({ taskId: `web-d1-${n}`, requestId: 'web', deployId: 'd1', host: 'h1', state: 'TASK_RUNNING', healthy: true, ...extra });
  const ep = (n: number, extra: Partial<AuditEndpoint> = {}): AuditEndpoint => ({ taskId: `web-d1-${n}`, service: 'web', host: 'h1', status: 'ALIVE', ...extra });
  const kinds = (requests: AuditRequest[], tasks: AuditTask[], endpoints: AuditEndpoint[]) => auditCluster(requests, tasks, endpoints).map((f) => `${f.kind} ${f.taskId ?? f.requestId}`);

  it('a healthy cluster has no findings', () => {
    expect(kinds([req('web'), req('job', { requestType: 'SCHEDULED', activeDeployId: undefined }), req('off', { state: 'PAUSED' })], [task(1), task(2)], [ep(1), ep(2), ep(9, { status: 'TOMBSTONE' })])).toEqual([]);
  });

  it('finds a missing instance and an unhealthy one', () => {
    expect(kinds([req('web')], [task(1, { healthy: false })], [ep(1, { status: 'UNHEALTHY' })])).toEqual(['missing-instances web', 'unhealthy-task web-d1-1']);
    expect(kinds([req('web', { activeDeployId: undefined })], [], [])).toEqual(['missing-instances web']);
  });

  it('tasks being killed and old deploys do not count as instances', () => {
    expect(kinds([req('web', { instances: 1 })], [task(1, { killRequestedAt: 5 }), task(2, { deployId: 'd0' })], [ep(1, { status: 'DRAINING' }), ep(2)])).toEqual(['missing-instances web']);
  });

  it('finds discovery disagreeing with the scheduler', () => {
    expect(kinds([req('web')], [task(1), task(2)], [ep(1), ep(2, { status: 'UNHEALTHY' })])).toEqual(['discovery-disagrees web-d1-2']);
    expect(kinds([req('web')], [task(1), task(2)], [ep(1)])).toEqual(['not-in-discovery web-d1-2']);
    expect(kinds([req('web')], [task(1), task(2)], [ep(1), ep(2, { status: 'TOMBSTONE' })])).toEqual(['not-in-discovery web-d1-2']);
  });

  it('finds tasks unknown to the scheduler, in discovery or for an unknown request', () => {
    expect(kinds([req('web')], [task(1), task(2)], [ep(1), ep(2), ep(3)])).toEqual(['unknown-task web-d1-3']);
    expect(kinds([], [task(1, { requestId: 'gone' })], [ep(1)])).toEqual(['unknown-task web-d1-1']);
  });

  it('without a health check, running is enough; SPREAD_ALL_AGENTS has no count', () => {
    expect(kinds([req('web', { hasHealthcheck: false })], [task(1, { healthy: undefined }), task(2, { healthy: undefined })], [ep(1), ep(2, { status: 'UNKNOWN' })])).toEqual([]);
    expect(kinds([req('web', { instances: undefined })], [task(1)], [ep(1)])).toEqual([]);
  });
});
