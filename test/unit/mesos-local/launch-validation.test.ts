import { formatResources, validateAccept, validateId, type AcceptContext, type OfferView } from '../../../mesos-local/launch-validation';
import { parseResources, type ExecutorInfo, type TaskInfo } from '../../../mesos-proto';

const offer: OfferView = { id: 'o1', frameworkId: 'f', agentId: 's1', resources: parseResources('cpus:2;mem:1024;ports:[31000-31010]') };

function task(id: string, resources = 'cpus:1;mem:128', extra: Partial<TaskInfo> = {}): TaskInfo {
  return { name: id, task_id: { value: id }, agent_id: { value: 's1' }, resources: parseResources(resources), command: { value: 'true' }, ...extra };
}

function ctx(tasks: TaskInfo[], overrides: Partial<AcceptContext> = {}): AcceptContext {
  const offers = new Map([[offer.id, offer], ['o2', { ...offer, id: 'o2', agentId: 's2' }], ['other', { ...offer, id: 'other', frameworkId: 'g' }]]);
  return {
    frameworkId: 'f', partitionAware: true, offerIds: ['o1'], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }],
    findOffer: (id) => offers.get(id), taskIdInUse: () => false, existingExecutor: () => undefined, ...overrides,
  };
}

describe('validateAccept', () => {
  it('launches tasks that fit and leaves the rest of the offer over', () => {
    const v = validateAccept(ctx([task('a'), task('b', 'cpus:0.5;ports:[31005-31005]')]));
    expect(v.launches.map((t) => t.task_id.value)).toEqual(['a', 'b']);
    expect(v.rejections).toEqual([]);
    expect(formatResources(v.leftover)).toBe('cpus:0.5; mem:896; ports:[31000-31004, 31006-31010]');
    expect(v.agentId).toBe('s1');
  });

  it('rejects with TASK_ERROR a task needing more than what is left, counting earlier tasks', () => {
    const v = validateAccept(ctx([task('a', 'cpus:1.5'), task('b', 'cpus:1')]));
    expect(v.launches.map((t) => t.task_id.value)).toEqual(['a']);
    expect(v.rejections[0]).toMatchObject({ state: 'TASK_ERROR', reason: 'REASON_TASK_INVALID' });
    expect(v.rejections[0].message).toBe('Total resources cpus:1 required by task and its executor is more than available cpus:0.5; mem:1024; ports:[31000-31010]');
  });

  it('rejects ports outside the offer', () => {
    const v = validateAccept(ctx([task('p', 'cpus:0.1;ports:[40000-40000]')]));
    expect(v.rejections[0].message).toMatch(/more than available/);
  });

  it('counts a new executor once, and checks that a reused executor id has the same ExecutorInfo', () => {
    const executor: ExecutorInfo = { executor_id: { value: 'e' }, command: { value: 'run' }, resources: parseResources('cpus:0.5;mem:64') };
    const withExecutor = (id: string, e: ExecutorInfo) => task(id, 'cpus:0.5;mem:64', { command: undefined, executor: e });
    const v = validateAccept(ctx([withExecutor('a', executor), withExecutor('b', executor), withExecutor('c', { ...executor, command: { value: 'other' } })]));
    expect(v.launches.map((t) => t.task_id.value)).toEqual(['a', 'b']);
    expect(v.rejections[0].message).toMatch(/ExecutorInfo is not compatible/);
    expect(formatResources(v.consumed)).toBe('cpus:1.5; mem:192');
  });

  it('applies Mesos task rules: ids, duplicates, agent, executor xor command, resources, health checks', () => {
    const cases: [TaskInfo, RegExp][] = [
      [task(''), /invalid TaskID: ID must not be empty/],
      [task('a b'), /invalid TaskID/],
      [task('..'), /invalid TaskID/],
      [task('used'), /duplicate ID: used/],
      [task('x', 'cpus:1', { agent_id: { value: 's9' } }), /invalid agent/],
      [task('y', 'cpus:1', { command: undefined }), /at least one \(but not both\)/],
      [task('z', 'cpus:1', { executor: { executor_id: { value: 'e' }, command: { value: 'x' } } }), /at least one \(but not both\)/],
      [task('n', ''), /Task uses no resources/],
      [task('neg', 'cpus:1', { resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: -1 } }] }), /invalid resources/],
      [task('hc', 'cpus:1', { health_check: { type: 'HTTP' } }), /invalid health check/],
      [task('kp', 'cpus:1', { kill_policy: { grace_period: { nanoseconds: -5 } } }), /must be non-negative/],
      [task('env', 'cpus:1', { command: { value: 'x', environment: { variables: [{ name: 'A' }] } } }), /Environment variable 'A' of type 'VALUE' must have a value set/],
      [task('env2', 'cpus:1', { command: { value: 'x', environment: { variables: [{ name: 'A', type: 'UNKNOWN', value: 'v' }] } } }), /type 'UNKNOWN' is not allowed/],
      [task('dock', 'cpus:1', { container: { type: 'DOCKER' } }), /DockerInfo 'docker' is not set for DOCKER typed ContainerInfo/],
      [task('dname', 'cpus:1', { container: { type: 'DOCKER', docker: { image: 'i', parameters: [{ key: 'name', value: 'n' }] } } }), /must not be 'name'/],
      [task('hpath', 'cpus:1', { health_check: { type: 'HTTP', http: { port: 80, path: 'health' } } }), /must start with '\/'/],
      [task('hscheme', 'cpus:1', { health_check: { type: 'HTTP', http: { port: 80, scheme: 'ftp' } } }), /Unsupported HTTP health check scheme: 'ftp'/],
      [task('hneg', 'cpus:1', { health_check: { type: 'TCP', tcp: { port: 80 }, interval_seconds: -1 } }), /'interval_seconds' to be non-negative/],
      [task('fw', 'cpus:1', { command: undefined, executor: { executor_id: { value: 'e' }, framework_id: { value: 'g' }, command: { value: 'x' } } }), /invalid FrameworkID/],
    ];
    for (const [t, message] of cases) {
      const v = validateAccept(ctx([t], { taskIdInUse: (id) => id === 'used' }));
      expect(v.launches).toEqual([]);
      expect(v.rejections[0].message).toMatch(message);
    }
  });

  it('drops every task when an offer is invalid: TASK_DROPPED, or TASK_LOST without PARTITION_AWARE', () => {
    const unknown = validateAccept(ctx([task('a')], { offerIds: ['o1', 'gone'] }));
    expect(unknown.rejections[0]).toMatchObject({ state: 'TASK_DROPPED', reason: 'REASON_INVALID_OFFERS', message: 'Task launched with invalid offers: Offer gone is no longer valid' });
    expect(unknown.usedOfferIds).toEqual(['o1']);
    expect(unknown.agentId).toBeUndefined();
    expect(validateAccept(ctx([task('a')], { offerIds: ['o1', 'o2'] })).rejections[0].message).toMatch(/must belong to one single agent/);
    expect(validateAccept(ctx([task('a')], { offerIds: ['other'] })).rejections[0].message).toMatch(/has invalid framework/);
    expect(validateAccept(ctx([task('a')], { offerIds: [] })).rejections[0].message).toMatch(/No offers specified/);
    expect(validateAccept(ctx([task('a')], { offerIds: ['o1', 'o1'] })).rejections[0].message).toMatch(/Duplicate offer/);
    expect(validateAccept(ctx([task('a')], { offerIds: ['gone'], partitionAware: false })).rejections[0].state).toBe('TASK_LOST');
  });

  it('refuses LAUNCH_GROUP and ignores other operations', () => {
    const v = validateAccept(ctx([], { operations: [{ type: 'RESERVE' }, { type: 'LAUNCH_GROUP', launch_group: { executor: { executor_id: { value: 'e' } }, task_group: { tasks: [task('g')] } } }] }));
    expect(v.ignoredOperations).toEqual(['RESERVE']);
    expect(v.rejections[0]).toMatchObject({ state: 'TASK_ERROR', reason: 'REASON_TASK_GROUP_INVALID' });
  });

  it('validateId follows Mesos', () => {
    expect(validateId('ok-id_1.2')).toBeNull();
    expect(validateId('a/b')).toMatch(/'\/' is disallowed/);
    expect(validateId('x'.repeat(256))).toMatch(/255/);
  });
});
