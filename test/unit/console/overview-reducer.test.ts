import type { SlimOverview, SlimRequest } from '../../../contract';
import type { ApiEventFrame } from '../../../contract';
import {
  appendEvent, describeEvent, emptyOverview, loaded, reduceOverview, rowsLoaded, rowsReloaded, underProvisionedReloaded, visibleRows,
} from '../../../console/state';

const row = (id: string, extra: Partial<SlimRequest> = {}): SlimRequest => ({
  id, type: 'SERVICE', state: 'ACTIVE', desired: 3, running: 3, healthy: 3, activeDeployId: '1', underProvisioned: false, pendingReasons: [], ...extra,
});
const summary: SlimOverview = {
  isLeader: true, agents: 3, requests: 2, underProvisioned: 0, pendingTasks: 0, lastEventId: 10,
  resources: { cpus: { used: 1, total: 12 }, memoryMb: { used: 96, total: 24_576 }, diskMb: { used: 0, total: 60_000 } },
  tasksByState: { TASK_RUNNING: 6 },
};
let nextId = 11;
const frame = (e: Record<string, unknown>): ApiEventFrame => ({ id: nextId++, at: 0, ...e }) as ApiEventFrame;
const start = () => loaded(summary, [row('web'), row('api')]);

describe('the overview reducer', () => {
  it('a fresh load is neither stale nor dirty', () => {
    expect(emptyOverview().stale).toBe(true);
    const s = start();
    expect(s.stale).toBe(false);
    expect(s.dirty.size).toBe(0);
    expect([...s.requests.keys()]).toEqual(['web', 'api']);
  });

  it('a task status moves the count from its previous state to its new one and marks its request for re-reading', () => {
    let s = reduceOverview(start(), frame({ type: 'task.status', requestId: 'web', deployId: '1', taskId: 't1', state: 'TASK_STAGING', host: 'h', killRequested: false }));
    expect(s.summary?.tasksByState).toEqual({ TASK_RUNNING: 6, TASK_STAGING: 1 });
    s = reduceOverview(s, frame({ type: 'task.status', requestId: 'web', deployId: '1', taskId: 't1', state: 'TASK_RUNNING', previousState: 'TASK_STAGING', host: 'h', killRequested: false }));
    expect(s.summary?.tasksByState).toEqual({ TASK_RUNNING: 7 });
    s = reduceOverview(s, frame({ type: 'task.status', requestId: 'web', deployId: '1', taskId: 't1', state: 'TASK_FAILED', previousState: 'TASK_RUNNING', host: 'h', killRequested: false }));
    expect(s.summary?.tasksByState).toEqual({ TASK_RUNNING: 6 });
    expect([...s.dirty]).toEqual(['web']);
    expect(s.summary?.lastEventId).toBe(nextId - 1);
  });

  it('a finished deploy becomes the row’s last deploy; a success also its active deploy', () => {
    let s = reduceOverview(start(), frame({ type: 'deploy.started', requestId: 'web', deployId: '2', kind: 'deploy' }));
    expect(s.requests.get('web')?.pendingDeployId).toBe('2');
    s = reduceOverview(s, frame({ type: 'deploy.finished', requestId: 'web', deployId: '2', kind: 'deploy', deployResult: { deployState: 'FAILED', message: 'health checks failed', deployFailures: [], timestamp: 5 } }));
    expect(s.requests.get('web')).toMatchObject({ activeDeployId: '1', pendingDeployId: undefined, lastDeploy: { deployId: '2', state: 'FAILED', message: 'health checks failed' } });
    s = reduceOverview(s, frame({ type: 'deploy.finished', requestId: 'api', deployId: '3', kind: 'deploy', deployResult: { deployState: 'SUCCEEDED', deployFailures: [], timestamp: 6 } }));
    expect(s.requests.get('api')).toMatchObject({ activeDeployId: '3', lastDeploy: { state: 'SUCCEEDED' } });
  });

  it('request updates change the row in place; a new request is re-read; a deleted one goes', () => {
    let s = reduceOverview(start(), frame({ type: 'request.updated', requestId: 'web', state: 'ACTIVE', activeDeployId: '1', instances: 5 }));
    expect(s.requests.get('web')?.desired).toBe(5);
    s = reduceOverview(s, frame({ type: 'request.updated', requestId: 'web', state: 'PAUSED', activeDeployId: '1', instances: 5 }));
    expect(s.requests.get('web')).toMatchObject({ state: 'PAUSED', desired: 5 });
    s = reduceOverview(s, frame({ type: 'request.created', requestId: 'new', state: 'ACTIVE' }));
    expect(s.requests.has('new')).toBe(false);
    expect(s.dirty.has('new')).toBe(true);
    s = rowsReloaded(s, ['new'], [row('new', { desired: 1 })]);
    expect(s.requests.get('new')?.desired).toBe(1);
    expect(s.dirty.has('new')).toBe(false);
    s = reduceOverview(s, frame({ type: 'request.deleted', requestId: 'api', state: 'DELETED' }));
    expect(s.requests.has('api')).toBe(false);
  });

  it('an event for a row it does not have marks that request dirty rather than inventing a row', () => {
    const s = reduceOverview(start(), frame({ type: 'deploy.started', requestId: 'ghost', deployId: '1', kind: 'deploy' }));
    expect(s.requests.has('ghost')).toBe(false);
    expect(s.dirty.has('ghost')).toBe(true);
  });

  it('a leader change makes everything stale', () => {
    const s = reduceOverview(start(), frame({ type: 'leader.changed', isLeader: false }));
    expect(s.stale).toBe(true);
    expect(s.summary?.isLeader).toBe(false);
  });

  it('filters by id substring in any case and lists under-provisioned requests first', () => {
    const s = loaded(summary, [row('a-web'), row('b-api', { underProvisioned: true }), row('c-web', { state: 'PAUSED' })]);
    expect(visibleRows(s, {}).map((r) => r.id)).toEqual(['b-api', 'a-web', 'c-web']);
    expect(visibleRows(s, { q: 'WEB' }).map((r) => r.id)).toEqual(['a-web', 'c-web']);
    expect(visibleRows(s, { state: 'PAUSED' }).map((r) => r.id)).toEqual(['c-web']);
    expect(visibleRows(s, { underOnly: true }).map((r) => r.id)).toEqual(['b-api']);
    expect(visibleRows(s, { ids: new Set(['c-web', 'a-web', 'gone']) }).map((r) => r.id)).toEqual(['a-web', 'c-web']);
  });

  it('draws rows read before the summary, and keeps the summary a later row read finds', () => {
    const rowsFirst = rowsLoaded(emptyOverview(), [row('x')]);
    expect(rowsFirst.summary).toBeUndefined();
    expect(rowsFirst.stale).toBe(false);
    expect(visibleRows(rowsFirst, {}).map((r) => r.id)).toEqual(['x']);
    const again = rowsLoaded({ ...start(), dirty: new Set(['web']) }, [row('y')]);
    expect(again.summary).toBe(summary);
    expect([...again.requests.keys()]).toEqual(['y']);
    expect(again.dirty.size).toBe(0);
  });
});

describe('the event log', () => {
  it('keeps the newest first, at most max, and each id once', () => {
    const a = frame({ type: 'leader.changed', isLeader: true });
    const b = frame({ type: 'request.created', requestId: 'x', state: 'ACTIVE' });
    let log = appendEvent([], a, 2);
    log = appendEvent(log, b, 2);
    log = appendEvent(log, b, 2);
    expect(log.map((e) => e.id)).toEqual([b.id, a.id]);
    log = appendEvent(log, frame({ type: 'leader.changed', isLeader: false }), 2);
    expect(log).toHaveLength(2);
    expect(log[1].id).toBe(b.id);
  });

  it('describes an event in words', () => {
    expect(describeEvent(frame({ type: 'deploy.finished', requestId: 'web', deployId: '2', kind: 'deploy', deployResult: { deployState: 'FAILED', message: 'boom', deployFailures: [], timestamp: 1 } })))
      .toBe('web deploy 2 FAILED: boom');
    expect(describeEvent(frame({ type: 'task.status', requestId: 'web', deployId: '1', taskId: 't', state: 'TASK_RUNNING', previousState: 'TASK_STAGING', healthy: true, host: 'h', killRequested: false })))
      .toBe('t TASK_STAGING → TASK_RUNNING (healthy)');
  });
});

describe('the periodic read of under-provisioned rows', () => {
  it('replaces the rows it got and re-reads those no longer under-provisioned', () => {
    const s = loaded(summary, [row('a', { underProvisioned: true }), row('b', { underProvisioned: true }), row('c')]);
    const next = underProvisionedReloaded(s, { ...summary, pendingTasks: 4 }, [row('a', { underProvisioned: true, pendingReasons: ['no agent has cpus 64'] })]);
    expect(next.requests.get('a')?.pendingReasons).toEqual(['no agent has cpus 64']);
    expect([...next.dirty]).toEqual(['b']);
    expect(next.summary?.pendingTasks).toBe(4);
  });
});
