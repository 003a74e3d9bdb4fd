import type { JSX } from 'preact';
import type { SlimAgent } from '../../contract/console';
import type { SingularityAgent, SingularityExpiringMachineState, SingularityRack } from '../../contract/singularity-machines';
import { age, api, canWrite, ErrorNote, num, useDuration, useLive, useSession } from '../ui';
import { MachineActions, MachineStateText } from './machine-actions';

const used = (u: { used: number; total: number }, unit = ''): string => `${num(u.used)} / ${num(u.total)}${unit}`;

interface Machines {
  slim: SlimAgent[];
  agents: SingularityAgent[];
  racks: SingularityRack[];
  agentExpiry: SingularityExpiringMachineState[];
  rackExpiry: SingularityExpiringMachineState[];
}

async function loadMachines(): Promise<Machines> {
  const [slim, agents, racks, agentExpiry, rackExpiry] = await Promise.all([
    api<SlimAgent[]>('/slim/agents'), api<SingularityAgent[]>('/agents'), api<SingularityRack[]>('/racks'),
    api<SingularityExpiringMachineState[]>('/agents/expiring'), api<SingularityExpiringMachineState[]>('/racks/expiring'),
  ]);
  return { slim, agents, racks, agentExpiry, rackExpiry };
}

/** One row per agent: those offering (with resources) and those only in the machine book (e.g. decommissioned). */
interface AgentRow { id: string; host: string; slim?: SlimAgent; machine?: SingularityAgent }

function agentRows(m: Machines): AgentRow[] {
  const book = new Map(m.agents.map((a) => [a.id, a]));
  const rows: AgentRow[] = m.slim.map((s) => ({ id: s.agentId, host: s.hostname, slim: s, machine: book.get(s.agentId) }));
  const seen = new Set(rows.map((r) => r.id));
  for (const a of m.agents) if (!seen.has(a.id)) rows.push({ id: a.id, host: a.host, machine: a });
  return rows;
}

/** Agents and racks: attributes, resources used/total, tasks, machine state, and the maintenance actions. */
export function AgentsPage(): JSX.Element {
  const live = useLive('agents', loadMachines, (f) => f.type === 'task.status', 5000);
  const session = useSession();
  const duration = useDuration('Freeze, decommission or activate for (optional)');
  const m = live.data;
  const rows = m ? agentRows(m) : [];
  const expiryOf = (list: SingularityExpiringMachineState[], id: string): SingularityExpiringMachineState | undefined => list.find((e) => e.machineId === id);
  return (
    <section>
      <h1>Agents</h1>
      <ErrorNote error={live.error} />
      {!m && !live.error && <p role="status">Loading…</p>}
      {m && rows.length === 0 && <p>No agent has offered resources yet.</p>}
      {canWrite(session) && rows.length > 0 && <p class="filters">{duration.field}</p>}
      {rows.length > 0 && m && (
        <div class="scroller" tabIndex={0} role="region" aria-label="Agents (scrollable)">
          <table class="grid">
            <thead><tr><th scope="col">Host</th><th scope="col">Agent id</th><th scope="col">State</th><th scope="col">Rack</th><th scope="col">Attributes</th><th scope="col">CPUs used / total</th><th scope="col">Memory used / total</th><th scope="col">Disk used / total</th><th scope="col">Tasks</th><th scope="col">Last offer</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-agent={a.id}>
                  <td>{a.host}</td>
                  <td class="break">{a.id}</td>
                  <td><MachineStateText state={a.machine?.currentState.state} expiring={expiryOf(m.agentExpiry, a.id)} /></td>
                  <td>{a.machine?.rackId ?? '–'}</td>
                  <td>{Object.entries(a.slim?.attributes ?? a.machine?.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || '–'}</td>
                  <td>{a.slim ? used(a.slim.resources.cpus) : '–'}</td>
                  <td>{a.slim ? used(a.slim.resources.memoryMb, ' MB') : '–'}</td>
                  <td>{a.slim ? used(a.slim.resources.diskMb, ' MB') : '–'}</td>
                  <td>{a.slim?.tasks ?? '–'}</td>
                  <td>{a.slim ? `${age(a.slim.lastOfferAt)} ago` : '–'}</td>
                  <td><MachineActions kind="agent" id={a.id} label={a.host} state={a.machine?.currentState.state} expiring={expiryOf(m.agentExpiry, a.id)} duration={duration} onChange={live.reload} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {m && m.racks.length > 0 && (
        <>
          <h2>Racks</h2>
          <div class="scroller" tabIndex={0} role="region" aria-label="Racks (scrollable)">
            <table class="grid">
              <thead><tr><th scope="col">Rack</th><th scope="col">State</th><th scope="col">Agents</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                {m.racks.map((r) => (
                  <tr key={r.id} data-rack={r.id}>
                    <td>{r.id}</td>
                    <td><MachineStateText state={r.currentState.state} expiring={expiryOf(m.rackExpiry, r.id)} /></td>
                    <td>{m.agents.filter((a) => a.rackId === r.id).length}</td>
                    <td><MachineActions kind="rack" id={r.id} label={r.id} state={r.currentState.state} expiring={expiryOf(m.rackExpiry, r.id)} duration={duration} onChange={live.reload} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
