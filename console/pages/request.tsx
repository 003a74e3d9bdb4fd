import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SlimPage, SlimTask } from '../../contract/console';
import type {
  SingularityDeployHistory, SingularityPendingDeployState, SingularityRequestParent, SingularityTaskHistoryItem,
} from '../../contract/singularity-views';
import { requestIdOf } from '../state';
import { age, api, duration, enc, ErrorNote, Health, href, Link, shortState, time, useLive } from '../ui';
import { DeployHistory } from './deploy-history';
import { RequestActions, TaskKill } from './request-actions';
import { ExpiringActions, Priority } from './request-expiring';

interface RequestData { parent: SingularityRequestParent; tasks: SlimTask[]; ended: SingularityTaskHistoryItem[]; deploys: SingularityDeployHistory[] }

async function loadRequest(id: string): Promise<RequestData> {
  const [parent, tasks, ended, deploys] = await Promise.all([
    api<SingularityRequestParent>(`/requests/request/${enc(id)}`),
    api<SlimPage<SlimTask>>(`/slim/tasks?requestId=${enc(id)}&limit=1000`),
    api<SingularityTaskHistoryItem[]>(`/history/request/${enc(id)}/tasks?count=50`),
    api<SingularityDeployHistory[]>(`/history/request/${enc(id)}/deploys?count=50`),
  ]);
  return { parent, tasks: tasks.items, ended, deploys };
}

function progressOf(p: SingularityPendingDeployState | undefined): Record<string, unknown> {
  return p?.deployProgress ?? {};
}

/** The step's acceptance (canary deploys): the mode, and the latest verdict with its reason. */
function acceptanceText(progress: Record<string, unknown>): string {
  const a = progress.acceptance as { step?: number; verdict?: string; reason?: string } | undefined;
  const mode = String(progress.acceptanceMode).toLowerCase();
  if (!a?.verdict) return mode;
  return `${mode}; step ${a.step ?? '–'}: ${a.verdict.toLowerCase()}${a.reason ? ` (${a.reason})` : ''}`;
}

function PendingDeploy(props: { parent: SingularityRequestParent }): JSX.Element | null {
  const p = props.parent;
  // Elapsed time moves even while no event arrives.
  const [, setNow] = useState(0);
  useEffect(() => {
    if (!p.pendingDeploy) return;
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [p.pendingDeploy?.id]);
  if (!p.pendingDeploy) return null;
  const progress = progressOf(p.pendingDeployState);
  const started = p.pendingDeployState?.deployMarker.timestamp;
  const n = (k: string): string => (typeof progress[k] === 'number' ? String(progress[k]) : '–');
  return (
    <section aria-labelledby="pending-h" class="panel">
      <h2 id="pending-h">Pending deploy {p.pendingDeploy.id}</h2>
      <dl class="facts">
        <dt>Image</dt><dd>{p.pendingDeploy.containerInfo?.docker?.image ?? '–'}</dd>
        <dt>Step</dt><dd>{n('step')}</dd>
        <dt>Healthy / target</dt><dd>{n('currentActiveInstances')} / {n('targetActiveInstances')}</dd>
        <dt>Elapsed</dt><dd>{age(started)}</dd>
        {typeof progress.pendingReason === 'string' && <><dt>Waiting because</dt><dd>{progress.pendingReason}</dd></>}
        {typeof progress.acceptanceMode === 'string' && <><dt>Acceptance</dt><dd>{acceptanceText(progress)}</dd></>}
        {progress.autoAdvanceDeploySteps === false && <><dt>Steps</dt><dd>advance by hand{progress.stepComplete === true ? ' (this step is complete)' : ''}</dd></>}
      </dl>
    </section>
  );
}

function ActiveTasks(props: { tasks: SlimTask[] }): JSX.Element {
  return (
    <section aria-labelledby="tasks-h">
      <h2 id="tasks-h">Active tasks ({props.tasks.length})</h2>
      {props.tasks.length === 0 ? <p>No active task.</p> : (
        <div class="scroller" tabIndex={0} role="region" aria-label="Active tasks (scrollable)">
          <table class="grid">
            <thead><tr><th scope="col">Task</th><th scope="col">Host</th><th scope="col">Ports</th><th scope="col">State</th><th scope="col">Health</th><th scope="col">Age</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {props.tasks.map((t) => (
                <tr key={t.taskId}>
                  <td><Link to={href.task(t.taskId)}>{t.deployId} #{t.instanceNo}</Link></td>
                  <td>{t.host}</td>
                  <td>{t.ports.length === 0 ? '–' : t.ports.map((p) => <a href={`http://${t.host}:${p}/`} target="_blank" rel="noreferrer" class="port">{p}</a>)}</td>
                  <td>{shortState(t.state)}{t.killRequested ? ' (being killed)' : ''}</td>
                  <td><Health healthy={t.healthy} state={t.state} /></td>
                  <td>{age(t.startedAt)}</td>
                  <td><TaskKill taskId={t.taskId} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function TaskHistory(props: { ended: SingularityTaskHistoryItem[] }): JSX.Element {
  return (
    <section aria-labelledby="ended-h">
      <h2 id="ended-h">Task history</h2>
      {props.ended.length === 0 ? <p>No ended task yet.</p> : (
        <div class="scroller" tabIndex={0} role="region" aria-label="Task history (scrollable)">
          <table class="grid">
            <thead><tr><th scope="col">Task</th><th scope="col">Last state</th><th scope="col">Message</th><th scope="col">Ended</th><th scope="col">Ran for</th></tr></thead>
            <tbody>
              {props.ended.map((t) => (
                <tr key={t.taskId.id}>
                  <td><Link to={href.task(t.taskId.id)}>{t.taskId.deployId} #{t.taskId.instanceNo} on {t.taskId.host}</Link></td>
                  <td>{shortState(t.lastTaskState)}</td>
                  <td class="wrap">{t.message ?? t.reason ?? '–'}</td>
                  <td>{time(t.updatedAt)}</td>
                  <td>{duration(t.updatedAt - t.taskId.startedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** One request: its deploys (active, pending with progress, history), tasks and actions. */
export function RequestPage(props: { requestId: string }): JSX.Element {
  const id = props.requestId;
  const live = useLive(`request:${id}`, () => loadRequest(id), (f) => requestIdOf(f) === id, 5000);
  const d = live.data;
  return (
    <section>
      <p class="crumbs"><Link to={href.overview()}>Overview</Link> › request</p>
      <h1>{id}</h1>
      <ErrorNote error={live.error} />
      {!d && !live.error && <p role="status">Loading…</p>}
      {d && (
        <>
          <dl class="facts">
            <dt>Type</dt><dd>{d.parent.request.requestType.toLowerCase()}</dd>
            <dt>State</dt><dd>{d.parent.state.toLowerCase()}</dd>
            <dt>Instances</dt><dd>{d.parent.request.instances ?? 1}</dd>
            <Priority parent={d.parent} onChange={live.reload} />
            <dt>Active deploy</dt><dd>{d.parent.activeDeploy ? `${d.parent.activeDeploy.id} (${d.parent.activeDeploy.containerInfo?.docker?.image ?? 'no image'})` : 'none'}</dd>
            <dt>Events</dt><dd><Link to={href.events(id)}>this request's live events</Link></dd>
          </dl>
          <RequestActions parent={d.parent} deploys={d.deploys} onChange={live.reload} />
          <ExpiringActions parent={d.parent} onChange={live.reload} />
          <PendingDeploy parent={d.parent} />
          <ActiveTasks tasks={d.tasks} />
          <DeployHistory deploys={d.deploys} />
          <TaskHistory ended={d.ended} />
        </>
      )}
    </section>
  );
}
