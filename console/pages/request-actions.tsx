import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SingularityDeployHistory, SingularityRequestParent } from '../../contract/singularity-views';
import { ActionButton, api, canWrite, enc, href, navigate, useDuration, useSession } from '../ui';

const JOB_TYPES = new Set(['ON_DEMAND', 'RUN_ONCE', 'SCHEDULED']);

/**
 * The request's write actions, shown only to a session that may write. Destructive ones ask
 * first and say what will happen.
 */
export function RequestActions(props: { parent: SingularityRequestParent; deploys: SingularityDeployHistory[]; onChange: () => void }): JSX.Element | null {
  const session = useSession();
  const p = props.parent;
  const id = p.request.id;
  const current = p.request.instances ?? 1;
  const [instances, setInstances] = useState(String(current));
  const duration = useDuration('Scale or pause for (optional)');
  const candidates = props.deploys.filter((d) => d.deployResult?.deployState === 'SUCCEEDED' && d.deploy.id !== p.activeDeploy?.id);
  const [rollbackTo, setRollbackTo] = useState('');
  if (!canWrite(session)) return null;
  const base = `/requests/request/${enc(id)}`;
  const target = Number(instances);
  const validScale = Number.isInteger(target) && target >= 0 && target !== current;
  const paused = p.state === 'PAUSED';
  const longRunning = !JOB_TYPES.has(p.request.requestType);
  const progress = p.pendingDeployState?.deployProgress ?? {};
  const chosen = rollbackTo || candidates[0]?.deploy.id || '';
  const after = props.onChange;
  const timed = duration.ms ? { durationMillis: duration.ms } : {};
  return (
    <section aria-labelledby="actions-h" class="panel">
      <h2 id="actions-h">Actions</h2>
      {(longRunning || !paused) && <p class="filters">{duration.field}</p>}
      <div class="actions">
        {longRunning && (
          <span class="action-group">
            <label>Instances <input type="number" min={0} max={10000} value={instances} onInput={(e) => setInstances((e.target as HTMLInputElement).value)} class="narrow" /></label>
            <ActionButton label="Scale" disabled={!validScale || !duration.valid} onResult={after} done={`scaled to ${target}${duration.phrase}`}
              confirm={target < current ? `Scale ${id} down from ${current} to ${target} instances${duration.phrase}: ${current - target} task(s) will be killed.`
                : duration.ms ? `Scale ${id} up from ${current} to ${target} instances${duration.phrase}: back to ${current} when the time is up.` : undefined}
              run={() => api(`${base}/scale`, { method: 'PUT', body: { instances: target, message: 'from the console', ...timed } })} />
          </span>
        )}
        {paused
          ? <ActionButton label="Unpause" onResult={after} run={() => api(`${base}/unpause`, { method: 'POST', body: {} })} />
          : <ActionButton label="Pause" danger disabled={!duration.valid} onResult={after}
              confirm={`Pause ${id}${duration.phrase}: every task of it is killed and a pending deploy is canceled, until ${duration.ms ? 'the time is up or ' : ''}you unpause.`}
              run={() => api(`${base}/pause`, { method: 'POST', body: { ...timed } })} />}
        {longRunning && !paused && (
          <ActionButton label="Bounce" onResult={after} confirm={`Restart every task of ${id}, a few at a time under its deploy rules (new tasks first, old ones retired once healthy).`}
            run={() => api(`${base}/bounce`, { method: 'POST', body: {} })} />
        )}
        {!longRunning && <ActionButton label="Run now" onResult={after} run={() => api(`${base}/run`, { method: 'POST', body: {} })} />}
        {candidates.length > 0 && (
          <span class="action-group">
            <label>Roll back to <select value={chosen} onChange={(e) => setRollbackTo((e.target as HTMLSelectElement).value)}>
              {candidates.map((d) => <option value={d.deploy.id}>{d.deploy.id} ({d.deploy.containerInfo?.docker?.image ?? 'no image'})</option>)}
            </select></label>
            <ActionButton label="Roll back" danger onResult={after} done={`rolling back to ${chosen}`}
              confirm={`Start a new deploy of ${id} from deploy ${chosen}'s definition; it replaces the active deploy ${p.activeDeploy?.id ?? ''} once healthy.`}
              run={() => api(`${base}/rollback`, { method: 'POST', body: { deployId: chosen, message: 'from the console' } })} />
          </span>
        )}
        {p.pendingDeploy && (
          <ActionButton label="Cancel deploy" danger onResult={after} confirm={`Cancel deploy ${p.pendingDeploy.id}: its new tasks are killed and ${p.activeDeploy?.id ?? 'nothing'} stays active.`}
            run={() => api(`/deploys/deploy/${enc(p.pendingDeploy?.id ?? '')}/request/${enc(id)}`, { method: 'DELETE' })} />
        )}
        {p.pendingDeploy && progress.autoAdvanceDeploySteps === false && (
          <ActionButton label="Advance step" onResult={after}
            run={() => api('/deploys/update', { method: 'POST', body: { requestId: id, deployId: p.pendingDeploy?.id, targetActiveInstances: Number(progress.targetActiveInstances ?? 0) + Number(progress.deployInstanceCountPerStep ?? 1) } })} />
        )}
        <ActionButton label="Delete request" danger confirm={`Delete ${id}: all its tasks are killed. Its deploy and task history stay readable.`}
          run={async () => {
            await api(base, { method: 'DELETE', body: { message: 'from the console' } });
            navigate(href.overview());
          }} />
      </div>
    </section>
  );
}

/** Kill one task (it is replaced unless the request is paused). */
export function TaskKill(props: { taskId: string }): JSX.Element | null {
  const session = useSession();
  if (!canWrite(session)) return null;
  return <ActionButton label="Kill" danger confirm={`Kill task ${props.taskId}. It is replaced by a new task unless the request is paused.`}
    run={() => api(`/tasks/task/${enc(props.taskId)}`, { method: 'DELETE', body: { message: 'from the console' } })} />;
}
