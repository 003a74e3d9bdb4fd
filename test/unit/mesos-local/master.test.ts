/** The master's core driven directly (no HTTP), with a hand-driven clock and a recording agent link. */
import fs from 'node:fs';
import { createLogger } from '../../../common';
import { Master, type AgentLink, type FrameworkConnection } from '../../../mesos-local/master';
import { newUuidBase64, parseResources, type FrameworkInfo, type SchedulerEvent, type TaskInfo } from '../../../mesos-proto';
import { ManualTimers } from '../../support/manual-timers';

const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });

class RecordingLink implements AgentLink {
  readonly calls: string[] = [];
  runTask(_f: FrameworkInfo, task: TaskInfo): void { this.calls.push(`run ${task.task_id.value}`); }
  killTask(_f: string, taskId: string): void { this.calls.push(`kill ${taskId}`); }
  shutdownExecutor(_f: string, executorId: string): void { this.calls.push(`shutdown ${executorId}`); }
  shutdownFramework(frameworkId: string): void { this.calls.push(`shutdownFramework ${frameworkId}`); }
  acknowledge(_f: string, taskId: string): void { this.calls.push(`ack ${taskId}`); }
  frameworkMessage(): void { this.calls.push('message'); }
  frameworkSubscribed(frameworkId: string): void { this.calls.push(`subscribed ${frameworkId}`); }
}

class Stream implements FrameworkConnection {
  readonly events: SchedulerEvent[] = [];
  closed = false;
  constructor(readonly streamId = 'stream') {}
  send(event: SchedulerEvent): void { this.events.push(event); }
  close(): void { this.closed = true; }
  of(type: string): SchedulerEvent[] { return this.events.filter((e) => e.type === type); }
}

function setup(agentCount = 3) {
  const timers = new ManualTimers();
  const master = new Master({ port: 5050, log: quiet, timers, allocationIntervalMs: 1000, agentPingTimeoutMs: 75_000 });
  const links = Array.from({ length: agentCount }, (_, i) => {
    const link = new RecordingLink();
    master.registerAgent({ id: `s${i}`, hostname: '127.0.0.1', port: 5051 + i, resources: parseResources('cpus:4;mem:4096'), attributes: [], link });
    return link;
  });
  return { timers, master, links };
}

const info = (extra: Partial<FrameworkInfo> = {}): FrameworkInfo => ({ user: 'u', name: 'n', capabilities: [{ type: 'PARTITION_AWARE' }], ...extra });

function launch(master: Master, stream: Stream, taskId: string) {
  const framework = master.getFramework(stream.of('SUBSCRIBED')[0].subscribed!.framework_id.value)!;
  const offer = stream.of('OFFERS').flatMap((e) => e.offers!.offers!)[0];
  master.handleCall(framework, { type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [{
    name: taskId, task_id: { value: taskId }, agent_id: offer.agent_id, resources: parseResources('cpus:1'), command: { value: 'x' },
  }] } }] } });
  return { framework, offer };
}

describe('Master core', () => {
  it('sends SUBSCRIBED, HEARTBEAT at once and every 15 s, and all offers of a cycle in one OFFERS event', () => {
    const { timers, master } = setup(3);
    const stream = new Stream();
    master.subscribe({ framework_info: info() }, stream);
    expect(stream.events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
    timers.advance(0);
    expect(stream.of('OFFERS')).toHaveLength(1);
    expect(stream.of('OFFERS')[0].offers!.offers).toHaveLength(3);
    timers.advance(30_000);
    expect(stream.of('HEARTBEAT')).toHaveLength(3);
    master.stop();
  });

  it('tears the framework down once failover_timeout passes without a re-subscription', () => {
    const { timers, master, links } = setup(1);
    const stream = new Stream();
    master.subscribe({ framework_info: info({ failover_timeout: 10 }) }, stream);
    timers.advance(0);
    const { framework } = launch(master, stream, 't1');
    expect(links[0].calls).toContain('run t1');
    master.disconnected(framework.id, stream);
    timers.advance(9_999);
    expect(master.getFramework(framework.id)).toBeDefined();
    timers.advance(1);
    expect(master.getFramework(framework.id)).toBeUndefined();
    expect(links[0].calls).toContain(`shutdownFramework ${framework.id}`);
    expect(master.completedFrameworks[0].completedTasks[0].state).toBe('TASK_KILLED');
    master.stop();
  });

  it('a disconnected agent is marked unreachable after the ping timeout; tasks become TASK_UNREACHABLE or TASK_LOST', () => {
    const { timers, master } = setup(1);
    const aware = new Stream('a');
    master.subscribe({ framework_info: info() }, aware);
    timers.advance(0);
    launch(master, aware, 'ta');
    master.agentDisconnected('s0');
    timers.advance(74_999);
    expect(aware.of('UPDATE')).toHaveLength(0);
    timers.advance(1);
    const update = aware.of('UPDATE')[0].update!.status;
    expect(update).toMatchObject({ state: 'TASK_UNREACHABLE', reason: 'REASON_AGENT_REMOVED', source: 'SOURCE_MASTER' });
    master.stop();

    const second = setup(1);
    const legacy = new Stream('l');
    second.master.subscribe({ framework_info: info({ capabilities: [] }) }, legacy);
    second.timers.advance(0);
    launch(second.master, legacy, 'tl');
    second.master.markAgentUnreachable('s0');
    expect(legacy.of('UPDATE')[0].update!.status.state).toBe('TASK_LOST');
    second.master.stop();
  });

  it('recovers a task\'s resources on its terminal update and forgets the task on the acknowledgement', () => {
    const { timers, master, links } = setup(1);
    const stream = new Stream();
    master.subscribe({ framework_info: info() }, stream);
    timers.advance(0);
    const { framework, offer } = launch(master, stream, 't1');
    // What the task left is filtered for ACCEPT's default refuse_seconds (5 s).
    timers.advance(4000);
    expect(stream.of('OFFERS')).toHaveLength(1);
    timers.advance(1000);
    const used = stream.of('OFFERS');
    expect(used).toHaveLength(2);
    expect(used[1].offers!.offers![0].resources!.find((r) => r.name === 'cpus')!.scalar!.value).toBe(3);
    const uuid = newUuidBase64();
    master.statusUpdate('s0', framework.id, { task_id: { value: 't1' }, state: 'TASK_FINISHED', uuid, source: 'SOURCE_EXECUTOR' });
    expect(framework.tasks.get('t1')!.state).toBe('TASK_FINISHED');
    master.handleCall(framework, { type: 'ACKNOWLEDGE', acknowledge: { agent_id: offer.agent_id, task_id: { value: 't1' }, uuid } });
    expect(framework.tasks.has('t1')).toBe(false);
    expect(framework.completedTasks.map((t) => t.info.task_id.value)).toEqual(['t1']);
    expect(links[0].calls).toContain('ack t1');
    master.stop();
  });

  it('shows a task\'s latest state while an older update waits for its acknowledgement, and answers reconciliation with the forwarded one', () => {
    const { timers, master } = setup(1);
    const stream = new Stream();
    master.subscribe({ framework_info: info() }, stream);
    timers.advance(0);
    const { framework } = launch(master, stream, 't1');
    const uuid = newUuidBase64();
    // The agent forwards TASK_RUNNING (not acknowledged yet) while the task was killed since.
    master.statusUpdate('s0', framework.id, { task_id: { value: 't1' }, state: 'TASK_RUNNING', uuid, source: 'SOURCE_EXECUTOR' }, 'TASK_KILLED');
    const task = framework.tasks.get('t1')!;
    expect({ state: task.state, statusUpdateState: task.statusUpdateState, recovered: task.resourcesRecovered }).toEqual({ state: 'TASK_KILLED', statusUpdateState: 'TASK_RUNNING', recovered: true });
    expect(stream.of('UPDATE').map((e) => e.update!.status.state)).toEqual(['TASK_RUNNING']);
    master.handleCall(framework, { type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't1' } }] } });
    expect(stream.of('UPDATE')[1].update!.status).toMatchObject({ state: 'TASK_RUNNING', reason: 'REASON_RECONCILIATION' });
    master.stop();
  });

  it('failover drops every stream and changes the master id; the framework keeps its tasks', () => {
    const { timers, master } = setup(1);
    const stream = new Stream();
    master.subscribe({ framework_info: info({ failover_timeout: 60 }) }, stream);
    timers.advance(0);
    const { framework } = launch(master, stream, 't1');
    const before = master.id;
    master.failover();
    expect(stream.closed).toBe(true);
    expect(master.id).not.toBe(before);
    const again = new Stream('b');
    master.subscribe({ framework_info: info({ failover_timeout: 60, id: { value: framework.id } }) }, again);
    expect(again.events[0].subscribed!.framework_id.value).toBe(framework.id);
    expect(master.getFramework(framework.id)!.tasks.has('t1')).toBe(true);
    master.stop();
  });
});
