import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SingularityRequestParent } from '../../contract/singularity-views';
import { expiringActions } from '../state';
import { ActionButton, age, api, canWrite, enc, time, useDuration, useSession } from '../ui';

/** Singularity's defaultTaskPriorityLevel, which applies while a request sets none. */
const DEFAULT_PRIORITY = 0.3;

/**
 * The request's expiring actions (what was done, what comes back and when) with a button that
 * cancels an expiry, keeping the action as it is.
 */
export function ExpiringActions(props: { parent: SingularityRequestParent; onChange: () => void }): JSX.Element | null {
  const session = useSession();
  const views = expiringActions(props.parent);
  if (views.length === 0) return null;
  const id = props.parent.request.id;
  return (
    <section aria-labelledby="expiring-h" class="panel">
      <h2 id="expiring-h">Expiring actions</h2>
      <div class="scroller" tabIndex={0} role="region" aria-label="Expiring actions (scrollable)">
        <table class="grid" data-expiring>
          <thead><tr><th scope="col">Action</th><th scope="col">When the time is up</th><th scope="col">Ends</th><th scope="col">Started</th><th scope="col">Why</th><th scope="col"><span class="visually-hidden">Cancel</span></th></tr></thead>
          <tbody>
            {views.map((v) => (
              <tr key={v.kind} data-kind={v.kind}>
                <td>{v.action}</td>
                <td>{v.then}</td>
                <td>{v.endsAt === undefined ? '–' : `${time(v.endsAt)} (in ${age(Date.now(), v.endsAt)})`}</td>
                <td>{time(v.startMillis)}{v.user ? ` by ${v.user}` : ''}</td>
                <td class="wrap">{v.message ?? '–'}</td>
                <td>{canWrite(session) && (
                  <ActionButton label={`Cancel ${v.kind} expiry`} onResult={props.onChange} done={`kept: ${v.action}`}
                    confirm={`Cancel the expiry of "${v.action}" on ${id}: it stays as it is and nothing reverts.`}
                    run={() => api(`/requests/request/${enc(id)}/${v.kind}`, { method: 'DELETE' })} />
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The request's task priority, and for a writer a field to change it (optionally for a while). */
export function Priority(props: { parent: SingularityRequestParent; onChange: () => void }): JSX.Element {
  const session = useSession();
  const level = props.parent.request.taskPriorityLevel;
  const [text, setText] = useState(String(level ?? DEFAULT_PRIORITY));
  const duration = useDuration('for (optional)');
  const target = Number(text);
  const valid = text.trim() !== '' && target >= 0 && target <= 1 && duration.valid;
  return (
    <>
      <dt>Priority</dt>
      <dd>
        {level ?? `${DEFAULT_PRIORITY} (default)`}{' '}
        {canWrite(session) && (
          <span class="action-group">
            <label>Set to <input type="number" min={0} max={1} step={0.1} value={text} class="narrow" onInput={(e) => setText((e.target as HTMLInputElement).value)} /></label>
            {' '}{duration.field}
            <ActionButton label="Set priority" disabled={!valid} onResult={props.onChange} done={`priority ${target}${duration.phrase}`}
              run={() => api(`/requests/request/${enc(props.parent.request.id)}/priority`, { method: 'PUT', body: { priority: target, message: 'from the console', ...(duration.ms ? { durationMillis: duration.ms } : {}) } })} />
          </span>
        )}
      </dd>
    </>
  );
}
