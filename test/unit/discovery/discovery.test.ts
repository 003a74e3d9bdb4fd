import pino from 'pino';
import { createDiscovery, DISCOVERY_COLLECTION, drainSecondsFor, type Discovery } from '../../../scheduler/discovery';
import type { DeployRecord, RequestRecord } from '../../../scheduler/model';
import { SchedulerDouble } from './scheduler-double';
import { taskRecord } from '../../support/task-fixtures';

const log = pino({ level: 'silent' });

function request(drainSeconds?: number): RequestRecord {
  return { request: { id: 'prod-demo', requestType: 'SERVICE', drainSeconds }, state: 'ACTIVE', createdAt: 0, updatedAt: 0 };
}
function deploy(drainSeconds?: number): DeployRecord {
  return { deploy: { requestId: 'prod-demo', id: 'd1', drainSeconds }, createdAt: 0 };
}

describe('drainSecondsFor', () => {
  const task = { requestId: 'prod-demo', deployId: 'd1' };
  it('prefers the deploy, then the request, then the default', () => {
    expect(drainSecondsFor(task, new Map([['prod-demo', request(5)]]), new Map([['prod-demo/d1', deploy(2)]]))).toBe(2);
    expect(drainSecondsFor(task, new Map([['prod-demo', request(5)]]), new Map([['prod-demo/d1', deploy()]]))).toBe(5);
    expect(drainSecondsFor(task, new Map(), new Map(), 3)).toBe(3);
    expect(drainSecondsFor(task, new Map(), new Map())).toBe(0);
  });
});

describe('createDiscovery', () => {
  let discovery: Discovery | undefined;
  afterEach(async () => {
    jest.useRealTimers();
    await discovery?.close();
    discovery = undefined;
  });

  it('follows task events and persists every endpoint in the discovery collection', async () => {
    const scheduler = new SchedulerDouble();
    discovery = await createDiscovery(scheduler, { sidecarPort: false, grpcPort: false, log });
    scheduler.update(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    expect(discovery.catalog.get('t1')?.status).toBe('ALIVE');
    expect(scheduler.store.collections.get(DISCOVERY_COLLECTION)?.get('t1')).toMatchObject({ status: 'ALIVE', revision: 1 });
    scheduler.update(taskRecord('t1', { state: 'TASK_FAILED' }));
    expect(scheduler.store.collections.get(DISCOVERY_COLLECTION)?.get('t1')).toMatchObject({ status: 'TOMBSTONE', revision: 2 });
  });

  it('drains before the kill goes out and waits drainSeconds', async () => {
    jest.useFakeTimers();
    const scheduler = new SchedulerDouble();
    scheduler.requests.set('prod-demo', request(10));
    discovery = await createDiscovery(scheduler, { sidecarPort: false, grpcPort: false, log });
    scheduler.update(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    const statusAtKill: string[] = [];
    let killed = false;
    const kill = scheduler.kill('t1', () => { statusAtKill.push(discovery!.catalog.get('t1')!.status); killed = true; });
    await jest.advanceTimersByTimeAsync(9_999);
    expect(killed).toBe(false);
    expect(discovery.catalog.get('t1')?.status).toBe('DRAINING');
    await jest.advanceTimersByTimeAsync(1);
    await kill;
    expect(statusAtKill).toEqual(['DRAINING']);
    scheduler.update(taskRecord('t1', { state: 'TASK_KILLED' }));
    expect(discovery.catalog.get('t1')?.status).toBe('TOMBSTONE');
  });

  it('drains with the default when nothing sets drainSeconds, and never an endpoint that was out of rotation', async () => {
    jest.useFakeTimers();
    const scheduler = new SchedulerDouble();
    discovery = await createDiscovery(scheduler, { sidecarPort: false, grpcPort: false, log, defaultDrainSeconds: 10 });
    scheduler.update(taskRecord('alive', { state: 'TASK_RUNNING', healthy: true }));
    scheduler.update(taskRecord('sick', { state: 'TASK_RUNNING', healthy: false }));
    let aliveKilled = false;
    const killAlive = scheduler.kill('alive', () => { aliveKilled = true; });
    // An unhealthy endpoint takes no traffic: its kill goes out at once, while the healthy one drains.
    await scheduler.kill('sick');
    await jest.advanceTimersByTimeAsync(9_999);
    expect(aliveKilled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await killAlive;
    expect(aliveKilled).toBe(true);
  });

  it('lets the kill go as soon as the task exits during the drain, and at once with drainSeconds 0', async () => {
    jest.useFakeTimers();
    const scheduler = new SchedulerDouble();
    scheduler.deploys.set('prod-demo/d1', deploy(60));
    discovery = await createDiscovery(scheduler, { sidecarPort: false, grpcPort: false, log });
    scheduler.update(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    let killed = false;
    const kill = scheduler.kill('t1', () => { killed = true; });
    await jest.advanceTimersByTimeAsync(1000);
    expect(killed).toBe(false);
    scheduler.update(taskRecord('t1', { state: 'TASK_FINISHED' }));
    await jest.advanceTimersByTimeAsync(0);
    await kill;
    expect(killed).toBe(true);

    scheduler.deploys.clear();
    scheduler.update(taskRecord('t2', { state: 'TASK_RUNNING', healthy: true }));
    await scheduler.kill('t2');
    expect(discovery.catalog.get('t2')?.status).toBe('DRAINING');
  });

  it('survives a failover: a new leader restores endpoints from the store and continues the revision', async () => {
    const first = new SchedulerDouble();
    const one = await createDiscovery(first, { sidecarPort: false, grpcPort: false, log });
    first.update(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    first.update(taskRecord('t2', { state: 'TASK_RUNNING', healthy: true }));
    first.update(taskRecord('t2', { state: 'TASK_RUNNING', healthy: false }));
    await one.close();

    const second = new SchedulerDouble(first.store);
    second.tasks.set('t1', taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    second.tasks.set('t2', taskRecord('t2', { state: 'TASK_RUNNING', healthy: false }));
    discovery = await createDiscovery(second, { sidecarPort: false, grpcPort: false, log });
    expect(discovery.catalog.list().map((e) => [e.taskId, e.status])).toEqual([['t1', 'ALIVE'], ['t2', 'UNHEALTHY']]);
    expect(discovery.catalog.revision).toBe(3);
    second.update(taskRecord('t1', { state: 'TASK_KILLED' }));
    expect(discovery.catalog.get('t1')?.revision).toBe(4);
  });

  it('tombstones endpoints of tasks the scheduler no longer knows, then expires them', async () => {
    jest.useFakeTimers();
    const scheduler = new SchedulerDouble();
    discovery = await createDiscovery(scheduler, { sidecarPort: false, grpcPort: false, log, sweepIntervalMs: 1000, tombstoneTtlMs: 5000 });
    scheduler.update(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    scheduler.tasks.delete('t1');
    await jest.advanceTimersByTimeAsync(1000);
    expect(discovery.catalog.get('t1')?.status).toBe('TOMBSTONE');
    await jest.advanceTimersByTimeAsync(5000);
    expect(discovery.catalog.get('t1')).toBeUndefined();
    expect(scheduler.store.collections.get(DISCOVERY_COLLECTION)?.has('t1')).toBe(false);
    expect(scheduler.store.collections.get(DISCOVERY_COLLECTION)?.get('_revision')).toEqual({ revision: 3 });
  });
});
