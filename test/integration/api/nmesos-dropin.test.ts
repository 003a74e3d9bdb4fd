import { buildTaskInfo } from '../../../scheduler/core';
import { reportedFailures } from '../../../scheduler/api/singularity-shapes';
import { arr, call, deployAndWait, obj, serviceRequest, tasksOf, useHarness } from '../../support/api-harness';

/**
 * The API details that broke the original Nmesos against Griddle: old placement spellings, the
 * echo of a request without `instances`, `portMappings` on Docker tasks without ports, and
 * deploy failures without a task.
 */
const h = useHarness();

describe('placements spelled with SLAVES', () => {
  it.each([
    ['slavePlacement', 'SPREAD_ALL_SLAVES'],
    ['agentPlacement', 'SPREAD_ALL_SLAVES'],
    ['slavePlacement', 'SPREAD_ALL_AGENTS'],
  ])('%s: %s is read as SPREAD_ALL_AGENTS', async (field, value) => {
    const id = `spread_${field}_${value}`.toLowerCase();
    const res = await call(h, 'POST', '/api/requests', { id, requestType: 'SERVICE', instances: 1, [field]: value });
    expect(res.status).toBe(200);
    const request = obj(obj((await call(h, 'GET', `/api/requests/request/${id}`)).json).request);
    expect(request.agentPlacement).toBe('SPREAD_ALL_AGENTS');
    expect(request.slavePlacement).toBe('SPREAD_ALL_AGENTS');
  });

  it('an unknown placement is still a 400 naming the field', async () => {
    const res = await call(h, 'POST', '/api/requests', { id: 'bad_spread', requestType: 'SERVICE', slavePlacement: 'EVERYWHERE_SLAVES' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/slavePlacement/);
  });
});

describe('a request without instances', () => {
  it.each([
    ['SERVICE', { id: 'no_instances_svc', requestType: 'SERVICE' }],
    ['SCHEDULED', { id: 'no_instances_job', requestType: 'SCHEDULED', schedule: '*/5 * * * *' }],
  ])('%s is echoed as it came, without `instances`', async (_type, body) => {
    expect((await call(h, 'POST', '/api/requests', body)).status).toBe(200);
    const one = obj(obj((await call(h, 'GET', `/api/requests/request/${body.id}`)).json).request);
    expect('instances' in one).toBe(false);
    const listed = arr((await call(h, 'GET', '/api/requests')).json).map((p) => obj(p.request)).find((r) => r.id === body.id);
    expect(listed && 'instances' in listed).toBe(false);
  });
});

describe('Docker tasks without ports', () => {
  it('GET /api/tasks/active writes portMappings: [] in mesosTask.container.docker', async () => {
    const id = 'dev_noports';
    expect((await call(h, 'POST', '/api/requests', serviceRequest(id, 1))).status).toBe(200);
    const result = await deployAndWait(h, id, 'v1', { resources: { cpus: 0.1, memoryMb: 32, numPorts: 0 }, containerInfo: { type: 'DOCKER', docker: { image: 'griddle/busybox:latest' } }, healthcheck: undefined });
    expect(result.deployState).toBe('SUCCEEDED');
    // The task as the scheduler launches it: Mesos's JSON has no port_mappings when there are none.
    const [task] = tasksOf(h, id, 'v1');
    const request = h.scheduler.requests.get(id)!.request;
    const deploy = h.scheduler.deploys.get(`${id}/v1`)!.deploy;
    const taskInfo = buildTaskInfo({ taskId: task.taskId, agentId: task.agentId, request, deploy, ports: [], resources: [], executorCmd: 'griddle-executor' });
    expect(taskInfo.container?.docker?.port_mappings).toBeUndefined();
    h.scheduler.tasks.set(task.taskId, { ...task, taskInfo });
    const active = arr((await call(h, 'GET', '/api/tasks/active')).json).find((t) => obj(t.taskId).id === task.taskId);
    const docker = obj(obj(obj(active?.mesosTask).container).docker);
    expect(docker.portMappings).toEqual([]);
    expect(docker.image).toBe('griddle/busybox:latest');
    // Every other read of the deploy writes them too.
    const history = obj((await call(h, 'GET', `/api/history/request/${id}/deploy/v1`)).json);
    expect(obj(obj(obj(history.deploy).containerInfo).docker).portMappings).toEqual([]);
  });
});

describe('deploy failures without a task', () => {
  it('an unschedulable deploy reports its failure without a task once', async () => {
    const id = 'dev_unschedulable';
    expect((await call(h, 'POST', '/api/requests', serviceRequest(id, 3))).status).toBe(200);
    h.sim.behaviour.set('u1', 'unschedulable');
    const result = await deployAndWait(h, id, 'u1', { deployHealthTimeoutSeconds: 1, healthcheck: undefined });
    expect(result.deployState).toBe('OVERDUE');
    // The scheduler records one per missing instance; the API reports one, as Singularity does.
    expect(h.scheduler.deploys.get(`${id}/u1`)?.result?.deployFailures).toHaveLength(3);
    const failures = arr(result.deployFailures);
    expect(failures.filter((f) => f.taskId === undefined || f.taskId === null)).toHaveLength(1);
    expect(failures.every((f) => f.taskId === undefined || f.taskId === null || typeof obj(f.taskId).id === 'string')).toBe(true);
  });

  it('reportedFailures keeps task failures and folds the taskless ones into one', () => {
    const t = (taskId: string) => ({ reason: 'TASK_FAILED_HEALTH_CHECKS' as const, taskId, message: 'x' });
    const none = { reason: 'TASK_COULD_NOT_BE_SCHEDULED' as const, message: 'no offer matched the task' };
    expect(reportedFailures([t('a'), none, none, t('b'), none])).toEqual([t('a'), t('b'), { ...none, message: 'no offer matched the task (3 instances)' }]);
    expect(reportedFailures([none])).toEqual([none]);
    expect(reportedFailures([t('a')])).toEqual([t('a')]);
  });
});
