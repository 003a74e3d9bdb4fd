import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SingularitySandbox } from '../../contract/singularity-more';
import type { SingularityTaskHistory } from '../../contract/singularity-views';
import { isTerminalState } from '../../mesos-proto/types';
import { type LogTail, appendChunk, tailStart } from '../state';
import { api, enc, ErrorNote, Health, href, Link, num, shortState, time, useLive } from '../ui';
import { ShellCommand } from './task-command';

const FOLLOW_MS = 1000;

/** A sandbox file's tail, read again every second while the task lives. */
function SandboxTail(props: { taskId: string; path: 'stdout' | 'stderr'; follow: boolean }): JSX.Element {
  const [tail, setTail] = useState<LogTail | undefined>();
  const [error, setError] = useState<string | undefined>();
  const pre = useRef<HTMLPreElement>(null);
  const base = `/sandbox/${enc(props.taskId)}`;
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    let current: LogTail | undefined;
    const read = async (): Promise<void> => {
      try {
        if (!current) {
          const listing = await api<SingularitySandbox>(`${base}/browse`);
          const size = listing.files.find((f) => f.name === props.path)?.size ?? 0;
          current = { text: '', nextOffset: tailStart(size), truncated: false };
        }
        const chunk = await api<{ data: string; offset: number; nextOffset: number }>(`${base}/read?path=${props.path}&offset=${current.nextOffset}&length=50000`);
        current = appendChunk(current, chunk);
        if (!stopped) {
          setTail(current);
          setError(undefined);
        }
      } catch (err) {
        if (!stopped) setError(err instanceof Error ? err.message : String(err));
      }
      if (!stopped && props.follow) timer = window.setTimeout(() => void read(), FOLLOW_MS);
    };
    void read();
    return () => {
      stopped = true;
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [props.taskId, props.path, props.follow]);
  useEffect(() => {
    const el = pre.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [tail?.text]);
  return (
    <section aria-labelledby={`${props.path}-h`}>
      <h2 id={`${props.path}-h`}>{props.path} {props.follow ? '(following)' : ''}</h2>
      <ErrorNote error={error} />
      {tail?.truncated && <p class="hint">Showing the end of the file.</p>}
      <pre class="log" ref={pre} tabIndex={0} aria-label={`${props.path} of the task`} data-log={props.path}>{tail?.text || (tail ? '(empty)' : error ? '(not readable now)' : 'Loading…')}</pre>
    </section>
  );
}

interface MesosTaskView {
  resources?: { name: string; scalar?: { value: number }; ranges?: { range: { begin: number; end: number }[] } }[];
  executor?: { command?: { environment?: { variables?: { name: string; value?: string }[] } } };
}

/** One task: its status timeline, health, sandbox output (live), resources, agent, container. */
export function TaskPage(props: { taskId: string }): JSX.Element {
  const id = props.taskId;
  const live = useLive(`task:${id}`, () => api<SingularityTaskHistory>(`/history/task/${enc(id)}`), (f) => 'taskId' in f && f.taskId === id);
  const h = live.data;
  const task = h?.task;
  const mesos = task?.mesosTask as MesosTaskView | undefined;
  const env = mesos?.executor?.command?.environment?.variables ?? [];
  const active = h ? !isTerminalState(h.lastTaskState) : false;
  const updates = h ? [...h.taskUpdates].sort((a, b) => a.timestamp - b.timestamp) : [];
  return (
    <section>
      <p class="crumbs"><Link to={href.overview()}>Overview</Link> › {task && <Link to={href.request(task.taskId.requestId)}>{task.taskId.requestId}</Link>} › task</p>
      <h1 class="break">{id}</h1>
      <ErrorNote error={live.error} />
      {!h && !live.error && <p role="status">Loading…</p>}
      {h && task && (
        <>
          <dl class="facts">
            <dt>State</dt><dd>{shortState(h.lastTaskState)}</dd>
            <dt>Health</dt><dd><Health healthy={task.healthy} state={h.lastTaskState} /></dd>
            <dt>Request</dt><dd><Link to={href.request(task.taskId.requestId)}>{task.taskId.requestId}</Link>, deploy {task.taskId.deployId}, instance {task.taskId.instanceNo}</dd>
            <dt>Agent</dt><dd>{task.offer.hostname} ({task.offer.agentId.value})</dd>
            <dt>Ports</dt><dd>{task.ports.length ? task.ports.map((p) => <a class="port" href={`http://${task.offer.hostname}:${p}/`} target="_blank" rel="noreferrer">{p}</a>) : '–'}</dd>
            <dt>Container</dt><dd>{h.containerId ?? '–'}</dd>
            <dt>Image</dt><dd>{task.taskRequest.deploy?.containerInfo?.docker?.image ?? '–'}</dd>
            <dt>Resources</dt><dd>{(mesos?.resources ?? []).map((r) => `${r.name} ${r.scalar ? num(r.scalar.value) : (r.ranges?.range ?? []).map((x) => `${x.begin}-${x.end}`).join(',')}`).join('; ') || '–'}</dd>
            <dt>Sandbox</dt><dd>{h.directory ?? '–'}</dd>
          </dl>
          <section aria-labelledby="timeline-h">
            <h2 id="timeline-h">Status timeline</h2>
            <ol class="timeline">
              {updates.map((u) => (
                <li><time dateTime={new Date(u.timestamp).toISOString()}>{time(u.timestamp)}</time> <strong>{shortState(u.taskState)}</strong>
                  {u.statusReason && <> · {u.statusReason.replace(/^REASON_/, '').toLowerCase().replace(/_/g, ' ')}</>}
                  {u.statusMessage && <> · <span class="msg">{u.statusMessage}</span></>}
                </li>
              ))}
            </ol>
          </section>
          <section aria-labelledby="health-h">
            <h2 id="health-h">Health checks</h2>
            <p>{task.healthy === true ? 'The last check passed.' : task.healthy === false ? 'The last check failed.' : 'No check result yet (or the deploy has no health check).'}</p>
          </section>
          <section aria-labelledby="env-h">
            <h2 id="env-h">Environment</h2>
            <p class="hint">Secret values never reach the scheduler, so none are shown here.</p>
            {env.length === 0 ? <p>No variables.</p> : (
              <dl class="facts env">{env.map((v) => <><dt>{v.name}</dt><dd>{v.value ?? ''}</dd></>)}</dl>
            )}
          </section>
          <ShellCommand taskId={id} running={h.lastTaskState === 'TASK_RUNNING'} />
          <SandboxTail taskId={id} path="stdout" follow={active} />
          <SandboxTail taskId={id} path="stderr" follow={active} />
        </>
      )}
    </section>
  );
}
