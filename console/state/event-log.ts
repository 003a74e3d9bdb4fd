import type { ApiEventFrame } from '../../contract/events';

/** The Events page's list: newest first, at most `max`, one entry per event id. */
export function appendEvent(log: readonly ApiEventFrame[], e: ApiEventFrame, max = 500): ApiEventFrame[] {
  if (log.length > 0 && log[0].id >= e.id) return log.some((x) => x.id === e.id) ? [...log] : [e, ...log].sort((a, b) => b.id - a.id).slice(0, max);
  return [e, ...log].slice(0, max);
}

export function requestIdOf(e: ApiEventFrame): string | undefined {
  return 'requestId' in e ? e.requestId : undefined;
}

/** One line for an event: what happened, in words, without colour. */
export function describeEvent(e: ApiEventFrame): string {
  switch (e.type) {
    case 'task.status':
      return `${e.taskId} ${e.previousState ? `${e.previousState} → ` : ''}${e.state}${e.healthy === undefined ? '' : e.healthy ? ' (healthy)' : ' (not healthy)'}${e.message ? `: ${e.message}` : ''}`;
    case 'task.health':
      return `${e.taskId} is ${e.healthy ? 'healthy' : 'not healthy'}`;
    case 'request.created':
    case 'request.updated':
    case 'request.deleted':
      return `${e.requestId} ${e.type.slice('request.'.length)}: ${e.state}${e.instances === undefined ? '' : `, ${e.instances} instances`}`;
    case 'leader.changed':
      return e.isLeader ? 'this scheduler leads' : 'this scheduler is a standby';
    case 'deploy.started':
      return `${e.requestId} ${e.kind} ${e.deployId} started${e.rollbackOf ? ` (rollback of ${e.rollbackOf})` : ''}`;
    case 'deploy.step':
      return `${e.requestId} ${e.deployId} step ${e.step}: target ${e.targetActiveInstances}`;
    case 'deploy.step-complete':
      return `${e.requestId} ${e.deployId} step ${e.step} complete: ${e.healthy} healthy`;
    case 'deploy.finished':
      return `${e.requestId} ${e.kind} ${e.deployId} ${e.deployResult.deployState}${e.deployResult.message ? `: ${e.deployResult.message}` : ''}`;
    case 'deploy.rollback':
      return `${e.requestId} rolled back from ${e.failedDeployId} to ${e.restoredDeployId}: ${e.reason}`;
    case 'run.finished':
      return `${e.requestId} run ${e.runId} ${e.outcome}`;
    default:
      return 'event';
  }
}
