import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SlimOverview, SlimPage, SlimRequest } from '../../contract/console';
import type { SingularityRequestGroup } from '../../contract/singularity-more';
import { type OverviewState, emptyOverview, reduceOverview, rowsLoaded, rowsReloaded, underProvisionedReloaded, visibleRows } from '../state';
import { api, type Column, DeployState, enc, ErrorNote, href, Link, num, shortState, useEvents, VirtualTable } from '../ui';

const PAGE = 1000;
/** Pending reasons, placement and resources change without an event: the ones that matter are re-read this often. */
const UNDER_PROVISIONED_EVERY_MS = 5000;

async function allRequests(query = ''): Promise<SlimRequest[]> {
  const rows: SlimRequest[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await api<SlimPage<SlimRequest>>(`/slim/requests?limit=${PAGE}&offset=${offset}${query}`);
    rows.push(...page.items);
    if (offset + PAGE >= page.total) return rows;
  }
}

const columns: Column<SlimRequest>[] = [
  { title: 'Request', cell: (r) => <Link to={href.request(r.id)}>{r.id}</Link> },
  { title: 'Type', cell: (r) => r.type.toLowerCase() },
  { title: 'State', cell: (r) => r.state.toLowerCase() },
  {
    title: 'Running / healthy / desired',
    cell: (r) => <span>{r.running} / {r.healthy} / {r.desired}{r.underProvisioned && <strong class="warn-text"> ⚠ under-provisioned</strong>}</span>,
  },
  { title: 'Active deploy', cell: (r) => r.activeDeployId ?? '–' },
  { title: 'Last deploy', cell: (r) => (r.lastDeploy ? <span title={r.lastDeploy.message}>{r.lastDeploy.deployId} <DeployState state={r.lastDeploy.state} /></span> : '–') },
  { title: 'Pending', cell: (r) => (r.pendingDeployId ? `deploy ${r.pendingDeployId}${r.pendingReasons.length ? `; ${r.pendingReasons.join('; ')}` : ''}` : r.pendingReasons.join('; ') || '–'), class: 'wrap' },
];

function Summary(props: { s?: SlimOverview }): JSX.Element | null {
  const s = props.s;
  if (!s) return null;
  const states = Object.entries(s.tasksByState).sort();
  return (
    <dl class="cards">
      <div><dt>Scheduler</dt><dd>{s.isLeader ? 'Leader' : 'Standby (writes go to the leader)'}</dd></div>
      <div><dt>Agents</dt><dd>{s.agents}</dd></div>
      <div><dt>CPUs used / total</dt><dd>{num(s.resources.cpus.used)} / {num(s.resources.cpus.total)}</dd></div>
      <div><dt>Memory used / total</dt><dd>{num(s.resources.memoryMb.used, 0)} / {num(s.resources.memoryMb.total, 0)} MB</dd></div>
      <div><dt>Requests</dt><dd>{s.requests}{s.underProvisioned > 0 && <strong class="warn-text"> (⚠ {s.underProvisioned} under-provisioned)</strong>}</dd></div>
      <div><dt>Pending tasks</dt><dd>{s.pendingTasks}</dd></div>
      <div><dt>Tasks by state</dt><dd>{states.length === 0 ? 'none' : states.map(([k, v]) => `${shortState(k)} ${v}`).join(', ')}</dd></div>
    </dl>
  );
}

/** Leader, agents, resources, tasks by state, and every request in one virtualized table. */
export function OverviewPage(): JSX.Element {
  const [state, setState] = useState<OverviewState>(emptyOverview);
  const [error, setError] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [stateFilter, setStateFilter] = useState('');
  const [underOnly, setUnderOnly] = useState(false);
  const [groups, setGroups] = useState<SingularityRequestGroup[]>([]);
  const [groupFilter, setGroupFilter] = useState('');
  const busy = useRef(false);

  // The summary and the rows are drawn each as it arrives: the table need not wait for the cards.
  const loadAll = async (): Promise<void> => {
    busy.current = true;
    try {
      await Promise.all([
        api<SlimOverview>('/slim/overview').then((summary) => setState((s) => ({ ...s, summary }))),
        allRequests().then((rows) => setState((s) => rowsLoaded(s, rows))),
        // An older scheduler without groups still gets its overview.
        api<SingularityRequestGroup[]>('/groups').then(setGroups, () => undefined),
      ]);
      setError(undefined);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      busy.current = false;
    }
  };
  const loadDirty = async (ids: string[]): Promise<void> => {
    busy.current = true;
    try {
      const [summary, ...pages] = await Promise.all([api<SlimOverview>('/slim/overview'), ...ids.map((id) => allRequests(`&q=${enc(id)}`))]);
      setState((s) => ({ ...rowsReloaded(s, ids, pages.flat().filter((r) => ids.includes(r.id) || s.requests.has(r.id))), summary }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      busy.current = false;
    }
  };

  useEffect(() => void loadAll(), []);
  useEffect(() => {
    const t = window.setInterval(() => {
      if (busy.current || document.hidden) return;
      void Promise.all([api<SlimOverview>('/slim/overview'), allRequests('&underProvisioned=true')])
        .then(([summary, rows]) => setState((s) => underProvisionedReloaded(s, summary, rows)), () => undefined);
    }, UNDER_PROVISIONED_EVERY_MS);
    return () => window.clearInterval(t);
  }, []);
  useEvents((f) => setState((s) => reduceOverview(s, f)), () => setState((s) => ({ ...s, stale: true })));
  // Re-read what the events could not tell, coalesced: at most one read in flight.
  useEffect(() => {
    if (busy.current || (!state.stale && state.dirty.size === 0) || !state.summary) return;
    const t = window.setTimeout(() => {
      if (busy.current) return;
      if (state.stale || state.dirty.size > 20) void loadAll();
      else void loadDirty([...state.dirty]);
    }, 150);
    return () => window.clearTimeout(t);
  }, [state]);

  const members = useMemo(() => {
    const g = groups.find((x) => x.id === groupFilter);
    return g ? new Set(g.requestIds) : undefined;
  }, [groups, groupFilter]);
  const rows = visibleRows(state, { q, state: stateFilter || undefined, underOnly, ids: members });
  return (
    <section>
      <h1>Overview</h1>
      <ErrorNote error={error} />
      {!state.summary && state.stale && !error && <p role="status">Loading…</p>}
      <Summary s={state.summary} />
      <h2>Requests</h2>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>Search <input type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} placeholder="request id" /></label>
        <label>State <select value={stateFilter} onChange={(e) => setStateFilter((e.target as HTMLSelectElement).value)}>
          <option value="">any</option>
          {['ACTIVE', 'PAUSED', 'DEPLOYING_TO_UNPAUSE', 'SYSTEM_COOLDOWN', 'FINISHED'].map((s) => <option value={s}>{s.toLowerCase()}</option>)}
        </select></label>
        {groups.length > 0 && (
          <label>Group <select value={groupFilter} onChange={(e) => setGroupFilter((e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            {groups.map((g) => <option value={g.id}>{g.id} ({g.requestIds.length})</option>)}
          </select></label>
        )}
        <label><input type="checkbox" checked={underOnly} onChange={(e) => setUnderOnly((e.target as HTMLInputElement).checked)} /> Under-provisioned only</label>
        <span class="hint" aria-live="polite">{rows.length} of {state.requests.size} requests</span>
      </form>
      <VirtualTable label="Requests" rows={rows} columns={columns} rowKey={(r) => r.id} rowClass={(r) => (r.underProvisioned ? 'under' : undefined)} />
    </section>
  );
}
