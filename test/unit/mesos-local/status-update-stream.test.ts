import { StatusUpdateStreams } from '../../../mesos-local/status-update-stream';
import { newUuidBase64, type TaskStatus } from '../../../mesos-proto';
import { ManualTimers } from '../../support/manual-timers';

const status = (taskId: string, state: TaskStatus['state']): TaskStatus => ({ task_id: { value: taskId }, state, uuid: newUuidBase64(), source: 'SOURCE_EXECUTOR' });

describe('StatusUpdateStreams', () => {
  function setup() {
    const timers = new ManualTimers();
    const sent: { frameworkId: string; status: TaskStatus }[] = [];
    const streams = new StatusUpdateStreams({ timers, retryMinMs: 10_000, retryMaxMs: 600_000, forward: (frameworkId, s) => sent.push({ frameworkId, status: s }) });
    return { timers, sent, streams };
  }

  it('keeps one update per task in flight and sends the next only after the acknowledgement', () => {
    const { sent, streams } = setup();
    const running = status('t', 'TASK_RUNNING');
    const finished = status('t', 'TASK_FINISHED');
    streams.enqueue('f', running);
    streams.enqueue('f', finished);
    expect(sent.map((s) => s.status.state)).toEqual(['TASK_RUNNING']);
    expect(streams.acknowledge('f', 't', finished.uuid!)).toBeNull();
    expect(sent).toHaveLength(1);
    expect(streams.acknowledge('f', 't', running.uuid!)).toBe(running);
    expect(sent.map((s) => s.status.state)).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    streams.acknowledge('f', 't', finished.uuid!);
    expect(streams.pending('f', 't')).toEqual([]);
  });

  it('retries the update in flight at 10 s, doubling up to 10 min', () => {
    const { timers, sent, streams } = setup();
    streams.enqueue('f', status('t', 'TASK_RUNNING'));
    const times: number[] = [];
    const original = sent.push.bind(sent);
    sent.push = (...items) => {
      times.push(timers.now());
      return original(...items);
    };
    timers.advance(10 * 60 * 1000 * 3);
    expect(times.slice(0, 7)).toEqual([10_000, 30_000, 70_000, 150_000, 310_000, 630_000, 1_230_000]);
    expect(new Set(sent.map((s) => s.status.uuid)).size).toBe(1);
  });

  it('streams of different tasks are independent', () => {
    const { sent, streams } = setup();
    streams.enqueue('f', status('a', 'TASK_RUNNING'));
    streams.enqueue('f', status('b', 'TASK_RUNNING'));
    expect(sent.map((s) => s.status.task_id.value)).toEqual(['a', 'b']);
  });

  it('pause stops sending, even a framework\'s resend; resume re-sends what is in flight at once, for every framework', () => {
    const { timers, sent, streams } = setup();
    streams.enqueue('f', status('t', 'TASK_RUNNING'));
    streams.enqueue('g', status('u', 'TASK_RUNNING'));
    streams.pause();
    timers.advance(60_000);
    expect(sent).toHaveLength(2);
    streams.resend('f');
    expect(sent).toHaveLength(2);
    streams.resume();
    expect(sent.slice(2).map((s) => s.status.task_id.value)).toEqual(['t', 'u']);
    // And the retry interval starts over at its minimum.
    timers.advance(10_000);
    expect(sent).toHaveLength(6);
  });

  it('resend sends the framework\'s updates in flight now, and only its own', () => {
    const { sent, streams } = setup();
    streams.enqueue('f', status('t', 'TASK_RUNNING'));
    streams.enqueue('g', status('u', 'TASK_RUNNING'));
    streams.resend('f');
    expect(sent.map((s) => s.status.task_id.value)).toEqual(['t', 'u', 't']);
  });

  it('dropping a framework forgets its updates', () => {
    const { timers, sent, streams } = setup();
    streams.enqueue('f', status('t', 'TASK_RUNNING'));
    streams.dropFramework('f');
    timers.advance(60_000);
    expect(sent).toHaveLength(1);
    expect(streams.pending('f', 't')).toEqual([]);
  });
});
