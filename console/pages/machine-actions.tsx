import type { JSX } from 'preact';
import type { MachineState, SingularityExpiringMachineState } from '../../contract/singularity-machines';
import { machineExpiry } from '../state';
import { ActionButton, api, canWrite, type DurationChoice, enc, time, useSession } from '../ui';

export type MachineKind = 'agent' | 'rack';

const DECOMMISSIONING = new Set<MachineState>(['STARTING_DECOMMISSION', 'DECOMMISSIONING', 'DECOMMISSIONED']);

/** A machine's state in words, with its expiry when it has one. */
export function MachineStateText(props: { state?: MachineState; expiring?: SingularityExpiringMachineState }): JSX.Element {
  const e = machineExpiry(props.expiring);
  const s = props.state ?? 'ACTIVE';
  const cls = s === 'ACTIVE' ? 'good' : DECOMMISSIONING.has(s) || s === 'DEAD' ? 'bad' : 'neutral';
  return (
    <span>
      <span class={`badge ${cls}`}>{s === 'ACTIVE' ? '✓ ' : '• '}{s.toLowerCase().replace(/_/g, ' ')}</span>
      {e && <span class="hint"> until {e.endsAt === undefined ? '–' : time(e.endsAt)}, then {e.revertTo.toLowerCase().replace(/_/g, ' ')}</span>}
    </span>
  );
}

/**
 * Freeze, decommission and activate one agent or rack (with the page's optional duration), and
 * cancel its expiry. Shown only to a session that may write; each asks first and says what happens.
 */
export function MachineActions(props: {
  kind: MachineKind; id: string; label: string; state?: MachineState; expiring?: SingularityExpiringMachineState; duration: DurationChoice; onChange: () => void;
}): JSX.Element | null {
  const session = useSession();
  if (!canWrite(session)) return null;
  const { kind, id, label, duration } = props;
  const base = `/${kind}s/${kind}/${enc(id)}`;
  const state = props.state ?? 'ACTIVE';
  const body = { message: 'from the console', ...(duration.ms ? { durationMillis: duration.ms } : {}) };
  const whose = kind === 'rack' ? `every agent of rack ${label}` : `agent ${label}`;
  const change = (verb: string) => () => api(`${base}/${verb}`, { method: 'POST', body });
  return (
    <span class="actions">
      {state === 'ACTIVE' && (
        <ActionButton label="Freeze" disabled={!duration.valid} onResult={props.onChange} done="frozen"
          confirm={`Freeze ${whose}${duration.phrase}: what runs there stays, nothing new is placed there.`} run={change('freeze')} />
      )}
      {!DECOMMISSIONING.has(state) && (
        <ActionButton label="Decommission" danger disabled={!duration.valid} onResult={props.onChange} done="decommissioning"
          confirm={`Decommission ${whose}${duration.phrase}: its tasks are replaced elsewhere, each retired once enough replacements are healthy; then it takes no tasks.`}
          run={change('decommission')} />
      )}
      {state !== 'ACTIVE' && (
        <ActionButton label="Activate" disabled={!duration.valid} onResult={props.onChange} done="active"
          confirm={`Activate ${whose}${duration.phrase}: it takes new tasks again.`} run={change('activate')} />
      )}
      {props.expiring && (
        <ActionButton label="Cancel expiry" onResult={props.onChange} done="expiry canceled; the state stays"
          run={() => api(`${base}/expiring`, { method: 'DELETE' })} />
      )}
    </span>
  );
}
