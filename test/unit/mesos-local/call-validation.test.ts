import { validateExecutorCall } from '../../../mesos-local/executor-call-validation';
import { validateCall } from '../../../mesos-local/master-http';
import { newUuidBase64, type ExecutorCall } from '../../../mesos-proto';

describe('validateCall (scheduler)', () => {
  const info = { user: 'u', name: 'n' };
  it('follows Mesos validation::scheduler::call::validate', () => {
    expect(validateCall({})).toBe("Expecting 'type' to be present");
    expect(validateCall({ type: 'SUBSCRIBE' })).toBe("Expecting 'subscribe' to be present");
    expect(validateCall({ type: 'SUBSCRIBE', subscribe: { framework_info: info } })).toBeNull();
    expect(validateCall({ type: 'SUBSCRIBE', framework_id: { value: 'a' }, subscribe: { framework_info: info } })).toMatch(/differs/);
    expect(validateCall({ type: 'SUBSCRIBE', framework_id: { value: 'a' }, subscribe: { framework_info: { ...info, id: { value: 'a' } } } })).toBeNull();
    expect(validateCall({ type: 'ACCEPT' })).toBe("Expecting 'framework_id' to be present");
    for (const type of ['ACCEPT', 'DECLINE', 'KILL', 'SHUTDOWN', 'ACKNOWLEDGE', 'RECONCILE', 'MESSAGE'] as const) {
      expect(validateCall({ type, framework_id: { value: 'f' } })).toBe(`Expecting '${type.toLowerCase()}' to be present`);
    }
    expect(validateCall({ type: 'REVIVE', framework_id: { value: 'f' } })).toBeNull();
    const ack = (uuid: string) => validateCall({ type: 'ACKNOWLEDGE', framework_id: { value: 'f' }, acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid } });
    expect(ack(newUuidBase64())).toBeNull();
    expect(ack(Buffer.from('0123456789abcdef').toString('base64'))).toMatch(/UUID/);
  });
});

describe('validateExecutorCall', () => {
  const base: ExecutorCall = { executor_id: { value: 'e' }, framework_id: { value: 'f' } };
  const update = (status: Partial<NonNullable<ExecutorCall['update']>['status']>): ExecutorCall => ({
    ...base, type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', uuid: newUuidBase64(), ...status } },
  });
  it('follows Mesos validateExecutorCall', () => {
    expect(validateExecutorCall(base)).toBe("Expecting 'type' to be present");
    expect(validateExecutorCall({ ...base, type: 'SUBSCRIBE' })).toBe("Expecting 'subscribe' to be present");
    expect(validateExecutorCall({ ...base, type: 'UPDATE' })).toBe("Expecting 'update' to be present");
    expect(validateExecutorCall(update({}))).toBeNull();
    expect(validateExecutorCall(update({ uuid: undefined }))).toBe("Expecting 'uuid' to be present");
    expect(validateExecutorCall(update({ uuid: 'AAAA' }))).toMatch(/UUID/);
    expect(validateExecutorCall(update({ source: 'SOURCE_AGENT' }))).toMatch(/invalid source/);
    expect(validateExecutorCall(update({ state: 'TASK_STAGING' }))).toMatch(/TASK_STAGING/);
    expect(validateExecutorCall(update({ executor_id: { value: 'other' } }))).toMatch(/does not match/);
    expect(validateExecutorCall({ ...base, type: 'MESSAGE' })).toBe("Expecting 'message' to be present");
  });
});
