import { formatTaskId, legacyTaskIdOf, parseTaskId } from '../../../contract';
import { buildTaskInfo, decodeTaskCommand } from '../../../scheduler/core/task-info';
import { makeTaskId, rackOf } from '../../../scheduler/core';
import { taskIdObject } from '../../../scheduler/api/singularity-shapes';
import type { TaskRecord } from '../../../scheduler/model';

describe('task ids', () => {
  it('have Singularity 6 parts; host and rack sanitized ("-" → "_", dots kept)', () => {
    expect(makeTaskId('prod-web', '1.2.3', 1700000000000, 2, 'agent-1.example.com', 'us-east-1a'))
      .toBe('prod-web-1.2.3-1700000000000-2-agent_1.example.com-us_east_1a');
    expect(makeTaskId('r', 'd', 1, 0, 'h')).toBe('r-d-1-0-h-DEFAULT');
  });

  it.each([
    ['prod-web-1.2.3-1700000000000-2-agent_1.example.com-us_east_1a', { requestId: 'prod-web', deployId: '1.2.3', startedAt: 1700000000000, instanceNo: 2, sanitizedHost: 'agent_1.example.com', sanitizedRackId: 'us_east_1a', legacy: false }],
    // legacy 5-part ids, as stored before racks (request ids with '-')
    ['prod-web-v1-1700000000000-0-127.0.0.1', { requestId: 'prod-web', deployId: 'v1', startedAt: 1700000000000, instanceNo: 0, sanitizedHost: '127.0.0.1', legacy: true }],
    ['a-b-c-v_2-1000-3-host', { requestId: 'a-b-c', deployId: 'v_2', startedAt: 1000, instanceNo: 3, sanitizedHost: 'host', legacy: true }],
  ])('parses %s', (id, expected) => {
    expect(parseTaskId(id)).toEqual(expected);
    const { legacy, ...parts } = expected;
    expect(formatTaskId(parts)).toBe(id);
    void legacy;
  });

  it('splits exactly when the request id is known (a legacy id with an all-digit deploy id)', () => {
    const id = 'a-req-123-1000-0-host';
    expect(parseTaskId(id, 'a-req')).toMatchObject({ requestId: 'a-req', deployId: '123', startedAt: 1000, instanceNo: 0, legacy: true });
    expect(parseTaskId(id, 'a')).toMatchObject({ requestId: 'a', deployId: 'req', legacy: false });
    expect(parseTaskId(id, 'zzz')).toBeNull();
  });

  it('refuses what is not a task id', () => {
    for (const bad of ['', 'a-b', 'r-d-x-0-h-R', 'r-d-1-y-h', '-d-1-0-h-R', 'r-..-1-0-h-R', 'r-d-1-99999999999-h-R']) expect(parseTaskId(bad)).toBeNull();
  });

  it('names the legacy id a DEFAULT-rack 6-part id stands for', () => {
    expect(legacyTaskIdOf('r-d-1-0-h-DEFAULT')).toBe('r-d-1-0-h');
    expect(legacyTaskIdOf('r-d-1-0-h-r1')).toBeNull();
    expect(legacyTaskIdOf('r-d-1-0-DEFAULT')).toBeNull();
  });

  it('the served id object rebuilds the id, for new and legacy tasks', () => {
    const record = { taskId: '', requestId: 'prod-web', deployId: 'v1', instanceNo: 1, startedAt: 5, hostname: 'agent-1', rackId: 'r-1' } as TaskRecord;
    const fresh = makeTaskId('prod-web', 'v1', 5, 1, 'agent-1', 'r-1');
    const o = taskIdObject(fresh, { ...record, taskId: fresh });
    expect(o).toEqual({ id: fresh, requestId: 'prod-web', deployId: 'v1', startedAt: 5, instanceNo: 1, host: 'agent_1', sanitizedHost: 'agent_1', rackId: 'r_1', sanitizedRackId: 'r_1' });
    expect(formatTaskId(o)).toBe(fresh);
    const legacy = 'prod-web-v1-4-1-agent_1';
    const l = taskIdObject(legacy, { ...record, taskId: legacy });
    expect(l.sanitizedRackId).toBe('DEFAULT');
    expect(legacyTaskIdOf(formatTaskId(l))).toBe(legacy);
  });

  it('reads the rack from the agent attribute `rack` (or Singularity’s `rackid`), else DEFAULT', () => {
    expect(rackOf({ attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r-1' } }] })).toBe('r-1');
    expect(rackOf({ attributes: [{ name: 'rackid', type: 'TEXT', text: { value: 'us-east-1a' } }] })).toBe('us-east-1a');
    expect(rackOf({ attributes: [] })).toBe('DEFAULT');
    expect(rackOf({})).toBe('DEFAULT');
  });

  it('gives the task Singularity’s environment: TASK_RACK_ID and TASK_HOST unsanitized, the deploy’s env winning', () => {
    const taskId = makeTaskId('web', 'v1', 5, 1, 'agent-1', 'r-1');
    const info = buildTaskInfo({
      taskId, agentId: 'a1', request: { id: 'web', requestType: 'SERVICE', instances: 3 },
      deploy: { requestId: 'web', id: 'v1', command: 'run', env: { AVAILABILITY_ZONE: 'mine' } },
      ports: [], resources: [], executorCmd: 'x', placement: { instanceNo: 1, hostname: 'agent-1', rackId: 'r-1' },
    });
    const env = Object.fromEntries((decodeTaskCommand(info.data)?.environment?.variables ?? []).map((v) => [v.name, v.value]));
    expect(env).toEqual({
      INSTANCE_NO: '1', TASK_HOST: 'agent-1', TASK_RACK_ID: 'r-1', AVAILABILITY_ZONE: 'mine', TASK_REQUEST_ID: 'web',
      TASK_DEPLOY_ID: 'v1', TASK_ID: taskId, ESTIMATED_INSTANCE_COUNT: '3',
    });
  });
});
