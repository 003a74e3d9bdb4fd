import type { JSX } from 'preact';
import type { SlimAgent } from '../../contract/console';
import { age, api, ErrorNote, num, useLive } from '../ui';

const used = (u: { used: number; total: number }, unit = ''): string => `${num(u.used)} / ${num(u.total)}${unit}`;

/** Agents with their attributes, resources used/total and how many tasks each runs. */
export function AgentsPage(): JSX.Element {
  const live = useLive('agents', () => api<SlimAgent[]>('/slim/agents'), (f) => f.type === 'task.status');
  const agents = live.data ?? [];
  return (
    <section>
      <h1>Agents</h1>
      <ErrorNote error={live.error} />
      {!live.data && !live.error && <p role="status">Loading…</p>}
      {live.data && agents.length === 0 && <p>No agent has offered resources yet.</p>}
      {agents.length > 0 && (
        <div class="scroller" tabIndex={0} role="region" aria-label="Agents (scrollable)">
          <table class="grid">
            <thead><tr><th scope="col">Host</th><th scope="col">Agent id</th><th scope="col">Attributes</th><th scope="col">CPUs used / total</th><th scope="col">Memory used / total</th><th scope="col">Disk used / total</th><th scope="col">Tasks</th><th scope="col">Last offer</th></tr></thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.agentId}>
                  <td>{a.hostname}</td>
                  <td class="break">{a.agentId}</td>
                  <td>{Object.entries(a.attributes).map(([k, v]) => `${k}=${v}`).join(', ') || '–'}</td>
                  <td>{used(a.resources.cpus)}</td>
                  <td>{used(a.resources.memoryMb, ' MB')}</td>
                  <td>{used(a.resources.diskMb, ' MB')}</td>
                  <td>{a.tasks}</td>
                  <td>{age(a.lastOfferAt)} ago</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
