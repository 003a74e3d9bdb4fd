import { SIDECAR_STATUS_CODE, type EndpointStatus } from '../../../contract';
import { Catalog, type CatalogChange } from '../../../scheduler/discovery';
import { demoTaskInfo, taskRecord } from '../../support/task-fixtures';

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

function statuses(changes: CatalogChange[]): (EndpointStatus | string)[] {
  return changes.map((c) => (c.removed ? 'REMOVED' : c.endpoint.status));
}

describe('Catalog status transitions', () => {
  it('keeps Sidecar numeric codes', () => {
    expect(SIDECAR_STATUS_CODE).toEqual({ ALIVE: 0, TOMBSTONE: 1, UNHEALTHY: 2, UNKNOWN: 3, DRAINING: 4 });
  });

  it('goes UNKNOWN → ALIVE → UNHEALTHY → ALIVE with health verdicts, one revision per change', () => {
    const catalog = new Catalog({ now: fakeClock().now });
    const seen: CatalogChange[] = [];
    catalog.subscribe((c) => seen.push(c));
    const base = taskRecord('t1');
    catalog.applyTask(base);
    catalog.applyTask({ ...base, state: 'TASK_RUNNING' });
    catalog.applyTask({ ...base, state: 'TASK_RUNNING', healthy: true });
    catalog.applyTask({ ...base, state: 'TASK_RUNNING', healthy: true }); // no change
    catalog.applyTask({ ...base, state: 'TASK_RUNNING', healthy: false });
    catalog.applyTask({ ...base, state: 'TASK_RUNNING', healthy: true });
    expect(statuses(seen)).toEqual(['UNKNOWN', 'ALIVE', 'UNHEALTHY', 'ALIVE']);
    expect(seen.map((c) => c.revision)).toEqual([1, 2, 3, 4]);
    expect(seen.map((c) => c.previousStatus)).toEqual([undefined, 'UNKNOWN', 'ALIVE', 'UNHEALTHY']);
    expect(catalog.revision).toBe(4);
  });

  it('counts a running task without a health check as ALIVE', () => {
    const catalog = new Catalog();
    const info = demoTaskInfo('t1', 31000);
    delete info.health_check;
    const change = catalog.applyTask(taskRecord('t1', { state: 'TASK_RUNNING', taskInfo: info }));
    expect(change?.endpoint.status).toBe('ALIVE');
  });

  it('keeps the last verdict on a RUNNING update without one', () => {
    const catalog = new Catalog();
    const base = taskRecord('t1', { state: 'TASK_RUNNING' });
    catalog.applyTask({ ...base, healthy: true });
    expect(catalog.applyTask({ ...base, healthy: undefined })).toBeUndefined();
    expect(catalog.get('t1')?.status).toBe('ALIVE');
  });

  it('orders DRAINING before TOMBSTONE and never returns a drained task to rotation', () => {
    const clock = fakeClock();
    const catalog = new Catalog({ now: clock.now });
    const seen: CatalogChange[] = [];
    catalog.subscribe((c) => seen.push(c));
    const base = taskRecord('t1', { state: 'TASK_RUNNING', healthy: true });
    catalog.applyTask(base);
    clock.advance(10);
    expect(catalog.drain('t1')?.endpoint.status).toBe('DRAINING');
    expect(catalog.drain('t1')).toBeUndefined();
    catalog.applyTask({ ...base, healthy: true }); // a late health update must not undo the drain
    catalog.applyTask({ ...base, state: 'TASK_KILLING' });
    clock.advance(10);
    catalog.applyTask({ ...base, state: 'TASK_KILLED' });
    catalog.applyTask({ ...base, state: 'TASK_RUNNING', healthy: true }); // stale update after the end
    expect(statuses(seen)).toEqual(['ALIVE', 'DRAINING', 'TOMBSTONE']);
    expect(catalog.get('t1')).toMatchObject({ status: 'TOMBSTONE', updatedAt: clock.now(), createdAt: clock.now() - 20 });
  });

  it('drains when the scheduler marked the kill itself', () => {
    const catalog = new Catalog();
    const base = taskRecord('t1', { state: 'TASK_RUNNING', healthy: true });
    catalog.applyTask(base);
    expect(catalog.applyTask({ ...base, killRequestedAt: 5 })?.endpoint.status).toBe('DRAINING');
  });

  it('tombstones a task that dies without a drain, and ignores tasks that end unseen', () => {
    const catalog = new Catalog();
    catalog.applyTask(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    expect(catalog.applyTask(taskRecord('t1', { state: 'TASK_FAILED', healthy: false }))?.endpoint.status).toBe('TOMBSTONE');
    expect(catalog.applyTask(taskRecord('t2', { state: 'TASK_FAILED' }))).toBeUndefined();
    expect(catalog.get('t2')).toBeUndefined();
  });

  it('expires tombstones after their TTL, as a change', () => {
    const clock = fakeClock();
    const catalog = new Catalog({ now: clock.now, tombstoneTtlMs: 60_000 });
    catalog.applyTask(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    catalog.applyTask(taskRecord('t2', { state: 'TASK_RUNNING', healthy: true }));
    catalog.tombstone('t1');
    clock.advance(59_999);
    expect(catalog.expireTombstones()).toEqual([]);
    clock.advance(1);
    const removed = catalog.expireTombstones();
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({ removed: true, revision: 4, endpoint: { taskId: 't1' } });
    expect(catalog.list().map((e) => e.taskId)).toEqual(['t2']);
  });
});

describe('Catalog endpoints', () => {
  it('reads ports, image, version and name from the TaskInfo', () => {
    const catalog = new Catalog();
    catalog.applyTask(taskRecord('t1', { ports: [31005], state: 'TASK_RUNNING', healthy: true }));
    expect(catalog.get('t1')).toMatchObject({
      serviceName: 'demo', image: 'griddle/demo-http:1', version: '1', host: '127.0.0.1', proxyMode: 'http',
      // No ServicePort_8080 label: ServicePort 0, "not proxied", as Sidecar publishes it.
      ports: [{ containerPort: 8080, hostPort: 31005, protocol: 'tcp', servicePort: 0 }],
    });
  });

  it('takes Sidecar ServicePort and ProxyMode labels from docker parameters, and splits tcp,udp', () => {
    const info = demoTaskInfo('t1', 31001);
    info.container!.docker!.parameters = [
      { key: 'label', value: 'ServicePort_8080=10080' }, { key: 'label', value: 'ProxyMode=tcp' },
    ];
    info.container!.docker!.port_mappings = [{ host_port: 31001, container_port: 8080, protocol: 'tcp,udp' }];
    info.labels = { labels: [] };
    const catalog = new Catalog();
    const endpoint = catalog.applyTask(taskRecord('t1', { taskInfo: info }))!.endpoint;
    expect(endpoint.proxyMode).toBe('tcp');
    expect(endpoint.serviceName).toBe('prod-demo'); // no service name label: the request id
    expect(endpoint.version).toBe('1'); // the image tag
    expect(endpoint.ports).toEqual([
      { containerPort: 8080, hostPort: 31001, protocol: 'tcp', servicePort: 10080 },
      { containerPort: 8080, hostPort: 31001, protocol: 'udp', servicePort: 10080 },
    ]);
  });

  it.each([
    ['a TaskInfo label', (info: ReturnType<typeof demoTaskInfo>) => { info.labels!.labels!.push({ key: 'SidecarDiscover', value: 'false' }); }],
    ['a docker label parameter', (info: ReturnType<typeof demoTaskInfo>) => { info.container!.docker!.parameters = [{ key: 'label', value: 'SidecarDiscover=false' }]; }],
  ])('never publishes a task marked SidecarDiscover=false by %s', (_how, mark) => {
    const info = demoTaskInfo('t1', 31001);
    info.labels ??= { labels: [] };
    mark(info);
    const catalog = new Catalog();
    expect(catalog.applyTask(taskRecord('t1', { taskInfo: info }))).toBeUndefined();
    expect(catalog.applyTask(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true, taskInfo: info }))).toBeUndefined();
    expect(catalog.list()).toEqual([]);
    // The same task without the label is published: the check above is the label's doing.
    expect(catalog.applyTask(taskRecord('t2', { taskInfo: demoTaskInfo('t2', 31002) }))?.endpoint.taskId).toBe('t2');
  });

  it('uses the offered ports in HOST networking', () => {
    const info = demoTaskInfo('t1', 0);
    info.container!.docker!.network = 'HOST';
    delete info.container!.docker!.port_mappings;
    const catalog = new Catalog();
    const endpoint = catalog.applyTask(taskRecord('t1', { ports: [31002, 31003], taskInfo: info }))!.endpoint;
    expect(endpoint.ports.map((p) => [p.containerPort, p.hostPort])).toEqual([[31002, 31002], [31003, 31003]]);
  });

  it('lists by service name then task id', () => {
    const catalog = new Catalog();
    for (const id of ['b2', 'a1', 'b1']) {
      const info = demoTaskInfo(id, 31000, { labels: { labels: [{ key: 'griddle.service_name', value: id[0]! }] } });
      catalog.applyTask(taskRecord(id, { taskInfo: info }));
    }
    expect(catalog.list().map((e) => e.taskId)).toEqual(['a1', 'b1', 'b2']);
    expect(catalog.list('b').map((e) => e.taskId)).toEqual(['b1', 'b2']);
  });
});

describe('Catalog change log', () => {
  it('replays changes after a revision and refuses ones it no longer holds', () => {
    const catalog = new Catalog({ changeLogSize: 3 });
    for (let i = 0; i < 5; i++) catalog.applyTask(taskRecord(`t${i}`));
    expect(catalog.changesSince(5)).toEqual([]);
    expect(catalog.changesSince(3)?.map((c) => c.revision)).toEqual([4, 5]);
    expect(catalog.changesSince(2)?.map((c) => c.revision)).toEqual([3, 4, 5]);
    expect(catalog.changesSince(1)).toBeUndefined();
    expect(catalog.changesSince(9)).toBeUndefined();
  });

  it('keeps exactly the last changeLogSize changes however many pass through it', () => {
    const catalog = new Catalog({ changeLogSize: 3 });
    for (let n = 1; n <= 20; n++) {
      catalog.applyTask(taskRecord(`t${n}`));
      expect(catalog.changesSince(Math.max(0, n - 3))?.map((c) => c.revision)).toEqual([n - 2, n - 1, n].filter((r) => r > 0));
      if (n > 3) expect(catalog.changesSince(n - 4)).toBeUndefined();
    }
  });

  it('lists one service from its own index, also after an endpoint moves to another service', () => {
    const catalog = new Catalog();
    catalog.restore([{ ...new Catalog().applyTask(taskRecord('a1', { state: 'TASK_RUNNING', healthy: true }))!.endpoint, serviceName: 'old', revision: 1 }]);
    expect(catalog.list('old').map((e) => e.taskId)).toEqual(['a1']);
    catalog.applyTask(taskRecord('a1', { state: 'TASK_RUNNING', healthy: false }));
    expect(catalog.serviceNames()).toEqual([catalog.get('a1')!.serviceName]);
    expect(catalog.list('old')).toEqual([]);
    expect(catalog.list(catalog.get('a1')!.serviceName).map((e) => e.taskId)).toEqual(['a1']);
  });

  it('restores persisted endpoints and continues the revision above them', () => {
    const first = new Catalog();
    first.applyTask(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    first.applyTask(taskRecord('t2', { state: 'TASK_RUNNING', healthy: true }));
    const second = new Catalog();
    second.restore(first.list(), 7);
    expect(second.revision).toBe(7);
    expect(second.changesSince(3)).toBeUndefined();
    expect(second.drain('t1')?.revision).toBe(8);
    expect(second.list().map((e) => e.status)).toEqual(['DRAINING', 'ALIVE']);
  });
});

describe('Catalog description reuse', () => {
  /** The task with its TaskInfo's container behind a getter that counts how often it is read. */
  function counted(taskId: string): { task: ReturnType<typeof taskRecord>; reads: () => number } {
    const task = taskRecord(taskId, { state: 'TASK_RUNNING' });
    const info = task.taskInfo as Record<string, unknown>;
    const container = info.container;
    let reads = 0;
    Object.defineProperty(info, 'container', { enumerable: true, get: () => { reads++; return container; } });
    return { task, reads: () => reads };
  }

  it('folds status updates that keep the TaskInfo without describing the task again', () => {
    const catalog = new Catalog({ now: fakeClock().now });
    const { task, reads } = counted('t1');
    catalog.applyTask(task);
    const afterFirst = reads();
    expect(afterFirst).toBeGreaterThan(0);
    for (let k = 0; k < 10; k++) catalog.applyTask({ ...task, healthy: k % 2 === 0 });
    expect(reads()).toBe(afterFirst);
    expect(catalog.revision).toBe(11);
    expect(catalog.get('t1')?.image).toBe('griddle/demo-http:1');
  });

  it('describes again when the TaskInfo, the ports or the agent address change', () => {
    const agent: { address?: string } = {};
    const catalog = new Catalog({ now: fakeClock().now, addressOf: () => agent.address });
    const task = taskRecord('t1', { state: 'TASK_RUNNING', healthy: true });
    catalog.applyTask(task);
    agent.address = '10.0.0.7';
    catalog.applyTask({ ...task });
    expect(catalog.get('t1')?.ip).toBe('10.0.0.7');
    const info = task.taskInfo as { container: { docker: { image: string } } };
    const moved = { ...task, ports: [31005], taskInfo: { ...info, container: { ...info.container, docker: { ...info.container.docker, image: 'griddle/demo-http:2' } } } };
    catalog.applyTask(moved);
    expect(catalog.get('t1')).toEqual(expect.objectContaining({ image: 'griddle/demo-http:2', revision: 3 }));
  });
});
