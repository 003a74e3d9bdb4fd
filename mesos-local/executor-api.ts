/**
 * The v1 executor API (POST /api/v1/executor): checks in the order Mesos's agent makes them,
 * SUBSCRIBE (the event stream, queued launches and kills, heartbeats), UPDATE and MESSAGE.
 */
import type http from 'node:http';
import type { ExecutorCall } from '../mesos-proto';
import type { AgentState, RunningExecutor } from './agent-state';
import { executorUpdate } from './agent-task-updates';
import { validateExecutorCall } from './executor-call-validation';
import type { ExecutorProcesses } from './executor-processes';
import { decodeCall, EventStream, HttpError, negotiateAccept, readBody, refuseUnlessPost, reply, replyError } from './http-call';

export class ExecutorApi {
  constructor(private readonly state: AgentState, private readonly processes: ExecutorProcesses) {}

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (refuseUnlessPost(req, res)) return;
    const body = await readBody(req);
    const { state } = this;
    try {
      const { call } = decodeCall(req, body, 'mesos.v1.executor.Call');
      const invalid = validateExecutorCall(call);
      if (invalid) throw new HttpError(400, `Failed to validate Executor::Call: ${invalid}`);
      let accept: ReturnType<typeof negotiateAccept> | undefined;
      if (call.type === 'SUBSCRIBE') accept = negotiateAccept(req);
      else if (call.type === 'HEARTBEAT') return reply(res, 202);
      if (!state.frameworks.has(call.framework_id.value)) throw new HttpError(400, 'Framework cannot be found');
      const executor = state.executors.get(`${call.framework_id.value}/${call.executor_id.value}`);
      if (!executor || executor.state === 'TERMINATED') throw new HttpError(400, 'Executor cannot be found');
      if (executor.state === 'REGISTERING' && call.type !== 'SUBSCRIBE') throw new HttpError(403, 'Executor is not subscribed');
      switch (call.type) {
        case 'SUBSCRIBE': return this.subscribe(executor, call, res, accept!);
        case 'UPDATE': {
          const status = call.update!.status;
          executorUpdate(state, executor, status);
          reply(res, 202);
          executor.stream?.send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid! } });
          return;
        }
        case 'MESSAGE':
          state.master.executorMessage(state.id, executor.frameworkId, executor.info.executor_id.value, call.message!.data);
          return reply(res, 202);
        default:
          return reply(res, 501);
      }
    } catch (err) {
      replyError(res, err);
    }
  }

  private subscribe(executor: RunningExecutor, call: ExecutorCall, res: http.ServerResponse, contentType: ReturnType<typeof negotiateAccept>): void {
    const { state, processes } = this;
    const previous = executor.stream;
    const stream = new EventStream(res, 'mesos.v1.executor.Event', contentType);
    executor.stream = stream;
    previous?.close();
    state.timers.clearTimeout(executor.registrationTimer);
    const resubscribe = executor.state === 'RUNNING' || executor.state === 'TERMINATING';
    if (executor.state === 'REGISTERING') executor.state = 'RUNNING';
    stream.onClose(() => {
      if (executor.stream !== stream) return;
      executor.stream = null;
      state.timers.clearTimeout(executor.heartbeatTimer);
      if (!state.running || executor.state === 'TERMINATED') return;
      if (executor.framework.checkpoint !== true) {
        state.log.info({ executorId: executor.info.executor_id.value }, 'executor disconnected without checkpointing: shutting it down');
        processes.shutdown(executor);
      }
    });
    stream.send({
      type: 'SUBSCRIBED',
      subscribed: { executor_info: executor.info, framework_info: executor.framework, agent_info: state.agentInfo(), container_id: { value: executor.containerId } },
    });
    // Updates the executor sent but the agent never recorded (it was down) are taken now.
    for (const { status } of call.subscribe?.unacknowledged_updates ?? []) executorUpdate(state, executor, status);
    if (executor.state === 'TERMINATING') stream.send({ type: 'SHUTDOWN' });
    else {
      const queued = executor.queued;
      executor.queued = [];
      for (const task of queued) processes.sendLaunch(executor, task);
      for (const kill of executor.pendingKills.splice(0)) stream.send(kill);
    }
    const heartbeatMs = state.options.executorHeartbeatMs ?? 30_000;
    const beat = (): void => {
      if (executor.stream !== stream) return;
      stream.send({ type: 'HEARTBEAT' });
      executor.heartbeatTimer = state.timers.setTimeout(beat, heartbeatMs);
    };
    executor.heartbeatTimer = state.timers.setTimeout(beat, heartbeatMs);
    state.log.info({ executorId: executor.info.executor_id.value, resubscribe }, 'executor subscribed');
  }
}
