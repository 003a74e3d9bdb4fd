import { OutputTail, RedactingStream, redact } from '../../../executor/secret-redaction';
import { UpdateTracker, resubscribeDelayMs } from '../../../executor/update-tracker';
import type { TaskInfo, TaskStatus } from '../../../mesos-proto';

const task: TaskInfo = { name: 't', task_id: { value: 't1' }, agent_id: { value: 'a' } };
const status = (uuid: string, state: TaskStatus['state'] = 'TASK_RUNNING'): TaskStatus => ({ task_id: { value: 't1' }, state, uuid });

describe('update tracker', () => {
  it('keeps updates until ACKNOWLEDGED and the task until one of its updates is', () => {
    const t = new UpdateTracker();
    t.addTask(task);
    t.add(status('u1', 'TASK_STARTING'));
    t.add(status('u2'));
    expect(t.unacknowledgedTasks()).toEqual([task]);
    expect(t.unacknowledgedUpdates().map((u) => u.status.uuid)).toEqual(['u1', 'u2']);
    expect(t.acknowledge('t1', 'u1')?.state).toBe('TASK_STARTING');
    expect(t.unacknowledgedTasks()).toEqual([]);
    expect(t.unacknowledgedUpdates().map((u) => u.status.uuid)).toEqual(['u2']);
    expect(t.allAcknowledged).toBe(false);
    expect(t.acknowledge('other', 'u2')).toBeUndefined();
    t.acknowledge('t1', 'u2');
    expect(t.allAcknowledged).toBe(true);
  });
});

describe('resubscribe backoff', () => {
  it('grows exponentially and never exceeds MESOS_SUBSCRIPTION_BACKOFF_MAX', () => {
    const top = () => 1;
    expect(resubscribeDelayMs(0, 2000, top)).toBe(250);
    expect(resubscribeDelayMs(2, 2000, top)).toBe(1000);
    expect(resubscribeDelayMs(10, 2000, top)).toBe(2000);
    expect(resubscribeDelayMs(50, 2000, () => 0)).toBe(1000);
  });
});

describe('secret redaction', () => {
  it('replaces every occurrence', () => {
    expect(redact('a=hunter2 b=hunter2 c', ['hunter2'])).toBe('a=[redacted] b=[redacted] c');
  });

  it('catches a secret split across chunks, and passes other bytes through unchanged', async () => {
    const stream = new RedactingStream(['pässwörd', 'x']);
    const out: Buffer[] = [];
    stream.on('data', (d: Buffer) => out.push(d));
    const bytes = Buffer.from('line1 pässwörd end ünïcode\n');
    for (let i = 0; i < bytes.length; i += 3) stream.write(bytes.subarray(i, i + 3));
    stream.end();
    await new Promise((r) => stream.on('end', r));
    expect(Buffer.concat(out).toString('utf8')).toBe('line1 [redacted] end ünïcode\n');
  });
});

describe('output tail', () => {
  it('keeps the last bytes, cut on a character boundary', () => {
    for (const [max, expected] of [[8, '…cdéfgh'], [5, '…fgh']] as const) {
      const tail = new OutputTail(max);
      tail.push(Buffer.from('0123456789'));
      tail.push(Buffer.from('abcdé'));
      tail.push(Buffer.from('fgh\n'));
      expect(tail.text()).toBe(expected);
    }
  });

  it('returns short output whole', () => {
    const tail = new OutputTail(100);
    tail.push(Buffer.from('last words\n'));
    expect(tail.text()).toBe('last words');
  });
});
