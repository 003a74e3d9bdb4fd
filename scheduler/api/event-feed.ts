import type { ApiEvent } from '../../contract';
import type { DeployEngine, DeployEngineEvent, SchedulerPort } from '../deploys';
import type { RequestRecord, TaskRecord } from '../model';
import type { EventHub } from './event-hub';

/**
 * Turns the scheduler's and the deploy engine's changes into the events of
 * `contract/events`, and tells `onChange` about every change (cached lists go stale).
 * Returns the function that stops the feed.
 */
export function feedEvents(scheduler: SchedulerPort, engine: DeployEngine, hub: EventHub, onChange: () => void): () => void {
  const publish = ({ type, ...data }: ApiEvent): void => {
    hub.publish(type, data);
  };
  const onTask = (t: TaskRecord, prev: TaskRecord | undefined): void => {
    onChange();
    if (!prev || prev.state !== t.state || prev.killRequestedAt !== t.killRequestedAt) {
      publish({
        type: 'task.status', requestId: t.requestId, deployId: t.deployId, taskId: t.taskId, state: t.state, previousState: prev?.state,
        healthy: t.healthy, reason: t.reason, message: t.message, host: t.hostname, killRequested: t.killRequestedAt !== undefined,
      });
    }
    if (prev && prev.healthy !== t.healthy && t.healthy !== undefined) {
      publish({ type: 'task.health', requestId: t.requestId, deployId: t.deployId, taskId: t.taskId, healthy: t.healthy, state: t.state });
    }
  };
  const onRequest = (r: RequestRecord, prev: RequestRecord | undefined): void => {
    onChange();
    const type = r.state === 'DELETED' ? 'request.deleted' : prev ? 'request.updated' : 'request.created';
    publish({ type, requestId: r.request.id, state: r.state, activeDeployId: r.activeDeployId, pendingDeployId: r.pendingDeployId, instances: r.request.instances });
  };
  const onLeader = (isLeader: boolean): void => {
    onChange();
    publish({ type: 'leader.changed', isLeader });
  };
  const onEngine = (e: DeployEngineEvent): void => {
    onChange();
    // request.updated from the engine duplicates the core's request event.
    // Assigning the engine's event to the contract's type makes a drift between them a compile error.
    if (e.type !== 'request.updated') publish(e);
  };
  scheduler.events.on('task', onTask);
  scheduler.events.on('request', onRequest);
  scheduler.events.on('deploy', onChange);
  scheduler.events.on('leader', onLeader);
  engine.on('event', onEngine);
  return () => {
    scheduler.events.off('task', onTask);
    scheduler.events.off('request', onRequest);
    scheduler.events.off('deploy', onChange);
    scheduler.events.off('leader', onLeader);
    engine.off('event', onEngine);
  };
}
