import { reconciliationStatistics } from '../../../scheduler/api/api-extras';
import { detectCrashLoops } from '../../../scheduler/api/crash-loops';
import { parsePendingTaskId, pendingRequests, pendingTasks, pendingTaskIdString, scheduledTasksInfo, type PendingInput } from '../../../scheduler/api/pending-tasks';
import { groupsUpdateProblems, normalizeGroup, withoutRequest } from '../../../scheduler/api/request-groups';
import { classifyRequestChange, queryHistory } from '../../../scheduler/api/request-history-rules';
import { pageCount, searchTasks, taskCleanupType, taskUpdates } from '../../../scheduler/api/task-views';
import { cooldownTransition } from '../../../scheduler/deploys/cooldown';
import type { RequestRecord, TaskRecord } from '../../../scheduler/model';

const req = (over: Partial<RequestRecord> = {}, instances = 2): RequestRecord => ({
  request: { id: 'r', requestType: 'SERVICE', instances }, state: 'ACTIVE', activeDeployId: 'v1', createdAt: 1, updatedAt: 1, ...over,
});
const task = (over: Partial<TaskRecord> = {}): TaskRecord => ({
  taskId: `r-v1-${over.startedAt ?? 100}-${over.instanceNo ?? 1}-host`, requestId: 'r', deployId: 'v1', instanceNo: 1, agentId: 'a1', hostname: 'host',
  ports: [], startedAt: 100, updatedAt: 200, state: 'TASK_RUNNING', ...over,
});

describe('request history rules', () => {
  const cases: [string, RequestRecord | undefined, RequestRecord, string][] = [
    ['created', undefined, req(), 'CREATED'],
    ['scaled', req(), req({}, 3), 'SCALED'],
    ['paused', req(), req({ state: 'PAUSED' }), 'PAUSED'],
    ['unpaused', req({ state: 'PAUSED' }), req(), 'UNPAUSED'],
    ['deploy to unpause', req({ state: 'PAUSED' }), req({ state: 'DEPLOYING_TO_UNPAUSE' }), 'DEPLOYED_TO_UNPAUSE'],
    ['cooldown', req(), req({ state: 'SYSTEM_COOLDOWN' }), 'ENTERED_COOLDOWN'],
    ['cooldown over', req({ state: 'SYSTEM_COOLDOWN' }), req(), 'EXITED_COOLDOWN'],
    ['finished', req(), req({ state: 'FINISHED' }), 'FINISHED'],
    ['deleted', req(), req({ state: 'DELETED' }), 'DELETED'],
    ['updated', req(), { ...req(), request: { ...req().request, owners: ['x'] } }, 'UPDATED'],
    ['deploy started', req(), req({ pendingDeployId: 'v2' }), 'UPDATED'],
  ];
  it.each(cases)('%s', (_name, previous, next, type) => {
    expect(classifyRequestChange(previous, next)?.type).toBe(type);
  });

  it('no change at all is not recorded', () => {
    expect(classifyRequestChange(req(), req({ updatedAt: 5 }))).toBeNull();
  });

  it('filters by created time, orders and pages', () => {
    const items = [1, 2, 3, 4, 5].map((createdAt) => ({ createdAt }));
    expect(queryHistory(items, {}).map((i) => i.createdAt)).toEqual([5, 4, 3, 2, 1]);
    expect(queryHistory(items, { orderDirection: 'ASC', count: 2, page: 2 }).map((i) => i.createdAt)).toEqual([3, 4]);
    expect(queryHistory(items, { createdAfter: 1, createdBefore: 4 }).map((i) => i.createdAt)).toEqual([3, 2]);
  });
});

describe('task history search', () => {
  const tasks = [
    task({ taskId: 'a', updatedAt: 10, startedAt: 1, state: 'TASK_FAILED' }),
    task({ taskId: 'b', updatedAt: 30, startedAt: 2, state: 'TASK_KILLED', hostname: 'other' }),
    task({ taskId: 'c', updatedAt: 20, startedAt: 3, state: 'TASK_FAILED', deployId: 'v2' }),
  ];
  const runs = (id: string): string | undefined => (id === 'c' ? 'run-1' : undefined);

  it('every filter must hold', () => {
    expect(searchTasks(tasks, { lastTaskStatus: 'TASK_FAILED' }, runs).page.map((t) => t.taskId)).toEqual(['c', 'a']);
    expect(searchTasks(tasks, { host: 'other' }, runs).page.map((t) => t.taskId)).toEqual(['b']);
    expect(searchTasks(tasks, { runId: 'run-1' }, runs).page.map((t) => t.taskId)).toEqual(['c']);
    expect(searchTasks(tasks, { deployId: 'v1', startedAfter: 1 }, runs).page.map((t) => t.taskId)).toEqual(['b']);
    expect(searchTasks(tasks, { updatedBefore: 30, updatedAfter: 10 }, runs).page.map((t) => t.taskId)).toEqual(['c']);
  });

  it('orders by updatedAt and pages with a total', () => {
    const r = searchTasks(tasks, { orderDirection: 'ASC', count: 2, page: 2 }, runs);
    expect(r).toEqual({ page: [tasks[1]], total: 3 });
    expect(pageCount(3, 2)).toBe(2);
    expect(pageCount(0)).toBe(0);
  });
});

describe('pending tasks', () => {
  const input = (over: Partial<PendingInput> = {}): PendingInput => ({
    desired: [{ requestId: 'r', deployId: 'v1', instances: 3 }],
    tasks: [task({ instanceNo: 2 })],
    requests: new Map([['r', req({}, 3)]]),
    deploy: () => ({ deploy: { requestId: 'r', id: 'v1' }, createdAt: 50 }),
    rollout: () => undefined,
    openRuns: () => [],
    ended: () => [],
    crash: new Map(),
    launch: new Map(),
    pendingReasons: new Map([['r/v1', 'waiting for offers']]),
    ...over,
  });

  it('lists the missing instance numbers with their type and reason', () => {
    const list = pendingTasks(input());
    expect(list.map((p) => p.pendingTaskId.instanceNo)).toEqual([1, 3]);
    expect(list[0]).toMatchObject({ pendingReason: 'waiting for offers', pendingTaskId: { pendingType: 'NEW_DEPLOY', createdAt: 50, nextRunAt: 50 } });
  });

  it('a replaced task is TASK_DONE; backoffs push nextRunAt; rollouts are NEW_DEPLOY / BOUNCE', () => {
    const ended = [task({ instanceNo: 1, state: 'TASK_FAILED', updatedAt: 400 })];
    const launch = new Map([['r/v1/1', { nextLaunchAt: 900 }]]);
    const list = pendingTasks(input({ ended: () => ended, launch, crash: new Map([['r/v1', { nextLaunchAt: 700 }]]) }));
    // Soonest first: instance 3 waits only for the deploy's crash backoff.
    expect(list.map((p) => p.pendingTaskId)).toEqual([
      expect.objectContaining({ instanceNo: 3, pendingType: 'NEW_DEPLOY', nextRunAt: 700 }),
      expect.objectContaining({ instanceNo: 1, pendingType: 'TASK_DONE', createdAt: 400, nextRunAt: 900 }),
    ]);
    expect(pendingTasks(input({ rollout: () => ({ kind: 'bounce', deployId: 'v1', step: 1 }) }))[0].pendingTaskId.pendingType).toBe('BOUNCE');
    expect(pendingTasks(input({ rollout: () => ({ kind: 'deploy', deployId: 'v1', step: 2 }) }))[0].pendingTaskId.pendingType).toBe('NEXT_DEPLOY_STEP');
  });

  it('runs of one-shot requests carry their runId', () => {
    const requests = new Map([['r', { ...req(), request: { id: 'r', requestType: 'ON_DEMAND' as const } }]]);
    const list = pendingTasks(input({ desired: [{ requestId: 'r', deployId: 'v1', instances: 1 }], tasks: [], requests, openRuns: () => [{ runId: 'x', deployId: 'v1', queuedAt: 77 }] }));
    expect(list).toEqual([expect.objectContaining({ runId: 'x', pendingTaskId: expect.objectContaining({ pendingType: 'ONEOFF', createdAt: 77 }) })]);
  });

  it('ids round-trip, request ids with dashes included', () => {
    const parts = { requestId: 'my-req', deployId: 'v_1', nextRunAt: 5, instanceNo: 2, pendingType: 'RETRY' as const, createdAt: 3 };
    expect(parsePendingTaskId(pendingTaskIdString(parts))).toEqual(parts);
    expect(parsePendingTaskId('nope')).toBeNull();
  });

  it('fold into pending requests and scheduling lag', () => {
    const list = pendingTasks(input());
    expect(pendingRequests(list)).toEqual([expect.objectContaining({ requestId: 'r', pendingType: 'NEW_DEPLOY', missingInstances: 2, timestamp: 50 })]);
    const info = scheduledTasksInfo(list, new Map([['r', req()]]), 50 + 31_000);
    expect(info).toMatchObject({ numFutureTasks: 0, maxTaskLag: 31_000 });
    expect(info.lateTasks).toHaveLength(2);
  });
});

describe('crash loops', () => {
  const crash = (at: number, instanceNo = 1, over: Partial<TaskRecord> = {}): TaskRecord =>
    task({ taskId: `t${at}-${instanceNo}`, instanceNo, updatedAt: at, state: 'TASK_FAILED', runningSince: at - 1, ...over });
  const d = (ended: TaskRecord[], lastHealthyAt?: number) => ({ requestId: 'r', deployId: 'v1', longRunning: true, ended, lastHealthyAt });

  it('five crashes within a minute are a FAST_FAILURE_LOOP starting at the first', () => {
    const loops = detectCrashLoops(d([1000, 2000, 3000, 4000, 5000].map((t) => crash(t, (t / 1000) % 2))), 6000);
    expect(loops).toContainEqual({ requestId: 'r', deployId: 'v1', start: 1000, type: 'FAST_FAILURE_LOOP' });
  });

  it('one instance crashing again and again; startup failures; unexpected exits', () => {
    expect(detectCrashLoops(d([crash(1000), crash(200_000), crash(400_000)]), 500_000).map((l) => l.type)).toEqual(['SINGLE_INSTANCE_FAILURE_LOOP']);
    const never = [1, 2, 3].map((i) => crash(i * 1000, i, { runningSince: undefined }));
    expect(detectCrashLoops(d(never), 10_000).map((l) => l.type)).toEqual(['STARTUP_FAILURE_LOOP', 'MULTI_INSTANCE_FAILURE']);
    const exits = [1, 2, 3].map((i) => crash(i * 100_000, 1, { state: 'TASK_FINISHED' }));
    expect(detectCrashLoops(d(exits), 400_000).map((l) => l.type)).toContain('UNEXPECTED_EXITS');
  });

  it('killed tasks are no crashes, and a healthy run closes the loop', () => {
    const many = [1, 2, 3, 4, 5].map((i) => crash(i * 1000));
    expect(detectCrashLoops(d(many.map((t) => ({ ...t, killRequestedAt: 1 }))), 6000)).toEqual([]);
    expect(detectCrashLoops(d(many, 5500), 6000)).toEqual([]);
  });
});

describe('groups, cooldown, cleanups, updates, reconciliation numbers', () => {
  it('group rules', () => {
    expect(normalizeGroup({ id: 'g', requestIds: ['a', 'a', 'b'] })).toEqual({ id: 'g', requestIds: ['a', 'b'], metadata: {} });
    expect(groupsUpdateProblems({ readWriteGroups: ['x'], readOnlyGroups: ['x'] })[0].field).toBe('readOnlyGroups');
    expect(groupsUpdateProblems({ group: 'o', readOnlyGroups: ['o'] })).toHaveLength(1);
    expect(groupsUpdateProblems({ group: 'o', readWriteGroups: ['a'], readOnlyGroups: ['b'] })).toEqual([]);
    expect(withoutRequest([{ id: 'g', requestIds: ['a', 'b'], metadata: {} }, { id: 'h', requestIds: ['b'], metadata: {} }], 'a')).toEqual([{ id: 'g', requestIds: ['b'], metadata: {} }]);
  });

  it('cooldown transitions', () => {
    expect(cooldownTransition('ACTIVE', 2, false)).toBeNull();
    expect(cooldownTransition('ACTIVE', 3, false)).toBe('SYSTEM_COOLDOWN');
    expect(cooldownTransition('SYSTEM_COOLDOWN', 5, true)).toBe('ACTIVE');
    expect(cooldownTransition('PAUSED', 9, false)).toBeNull();
  });

  it('cleanup types', () => {
    const t = task({ killRequestedAt: 5 });
    expect(taskCleanupType(t, undefined, undefined, undefined)).toBe('REQUEST_DELETING');
    expect(taskCleanupType(t, req({ state: 'PAUSED' }), undefined, undefined)).toBe('PAUSING');
    expect(taskCleanupType({ ...t, killReason: 'killed through the API' }, req(), undefined, undefined)).toBe('USER_REQUESTED');
    expect(taskCleanupType(t, req(), undefined, 'bounce')).toBe('BOUNCING');
    expect(taskCleanupType(t, req(), undefined, undefined)).toBe('SCALING_DOWN');
    const failed = { deploy: { requestId: 'r', id: 'v2' }, createdAt: 1, result: { deployState: 'FAILED' as const, deployFailures: [], timestamp: 1 } };
    expect(taskCleanupType({ ...t, deployId: 'v2' }, req(), failed, undefined)).toBe('DEPLOY_FAILED');
    expect(taskCleanupType({ ...t, deployId: 'v0' }, req(), undefined, undefined)).toBe('NEW_DEPLOY_SUCCEEDED');
  });

  it('status updates rebuilt from a record', () => {
    const ended = task({ startedAt: 1, runningSince: 2, killRequestedAt: 3, killReason: 'why', state: 'TASK_KILLED', updatedAt: 4 });
    expect(taskUpdates(ended).map((u) => [u.taskState, u.timestamp])).toEqual([['TASK_LAUNCHED', 1], ['TASK_RUNNING', 2], ['TASK_CLEANING', 3], ['TASK_KILLED', 4]]);
    expect(taskUpdates(task({ state: 'TASK_STAGING', startedAt: 1, updatedAt: 1 })).map((u) => u.taskState)).toEqual(['TASK_LAUNCHED', 'TASK_STAGING']);
  });

  it('reconciliation statistics', () => {
    const s = reconciliationStatistics({ startedAt: 100, finishedAt: 400, iterations: 3, responseLatenciesMs: [10, 30, 20, 40] }, 1000);
    expect(s).toMatchObject({ taskReconciliationDurationMillis: 300, taskReconciliationIterations: 3, taskReconciliationResponseCount: 4, taskReconciliationResponseMin: 10, taskReconciliationResponseMax: 40, taskReconciliationResponseMean: 25, taskReconciliationResponseP50: 20, taskReconciliationResponseP99: 40 });
    expect(reconciliationStatistics({ startedAt: 100, finishedAt: null, iterations: 1, responseLatenciesMs: [] }, 1000).taskReconciliationDurationMillis).toBe(900);
  });
});
