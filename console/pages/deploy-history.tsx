import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SingularityDeployHistory } from '../../contract/singularity-views';
import { canonicalJson, sideBySide } from '../state';
import { DeployState, duration, href, Link, time } from '../ui';

function Failures(props: { d: SingularityDeployHistory }): JSX.Element | null {
  const r = props.d.deployResult;
  if (!r || (r.deployFailures.length === 0 && !r.message)) return null;
  return (
    <ul class="failures">
      {r.message && <li>{r.message}</li>}
      {r.deployFailures.map((f) => (
        <li>{f.reason.toLowerCase().replace(/_/g, ' ')}{f.message ? `: ${f.message}` : ''}
          {f.taskId && <> (<Link to={href.task(f.taskId.id)}>task {f.taskId.instanceNo} on {f.taskId.host}</Link>)</>}
        </li>
      ))}
    </ul>
  );
}

function Diff(props: { a: SingularityDeployHistory; b: SingularityDeployHistory }): JSX.Element {
  const rows = sideBySide(canonicalJson(props.a.deploy), canonicalJson(props.b.deploy));
  const changed = rows.filter((r) => r.kind !== 'same').length;
  const mark = { same: ' ', removed: '−', added: '+', changed: '~' };
  return (
    <figure class="diff">
      <figcaption>{props.a.deploy.id} ↔ {props.b.deploy.id}: {changed === 0 ? 'identical definitions' : `${changed} line(s) differ`}</figcaption>
      <div class="scroller" tabIndex={0} role="region" aria-label="Deploy definitions side by side (scrollable)">
        <table class="grid code">
          <thead><tr><th scope="col">Change</th><th scope="col">{props.a.deploy.id}</th><th scope="col">{props.b.deploy.id}</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr class={`diff-${r.kind}`}>
                <td aria-label={r.kind}>{mark[r.kind]}</td>
                <td><pre>{r.left ?? ''}</pre></td>
                <td><pre>{r.right ?? ''}</pre></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

/** Every deploy with its image, result, failure reasons, duration and rollbackOf; any two side by side. */
export function DeployHistory(props: { deploys: SingularityDeployHistory[] }): JSX.Element {
  const ds = props.deploys;
  const [left, setLeft] = useState('');
  const [right, setRight] = useState('');
  const a = ds.find((d) => d.deploy.id === (left || ds[1]?.deploy.id));
  const b = ds.find((d) => d.deploy.id === (right || ds[0]?.deploy.id));
  const picker = (label: string, value: string | undefined, set: (v: string) => void): JSX.Element => (
    <label>{label} <select value={value} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
      {ds.map((d) => <option value={d.deploy.id}>{d.deploy.id}</option>)}
    </select></label>
  );
  return (
    <section aria-labelledby="deploys-h">
      <h2 id="deploys-h">Deploy history</h2>
      {ds.length === 0 ? <p>No deploy yet.</p> : (
        <div class="scroller" tabIndex={0} role="region" aria-label="Deploy history (scrollable)">
          <table class="grid">
            <thead><tr><th scope="col">Deploy</th><th scope="col">Image</th><th scope="col">Result</th><th scope="col">Reasons</th><th scope="col">Started</th><th scope="col">Took</th><th scope="col">Rollback of</th></tr></thead>
            <tbody>
              {ds.map((d) => (
                <tr key={d.deploy.id}>
                  <td>{d.deploy.id}</td>
                  <td>{d.deploy.containerInfo?.docker?.image ?? '–'}</td>
                  <td><DeployState state={d.deployResult?.deployState ?? 'pending'} /></td>
                  <td class="wrap"><Failures d={d} /></td>
                  <td>{time(d.deployMarker.timestamp)}</td>
                  <td>{d.deployResult ? duration(d.deployResult.timestamp - d.deployMarker.timestamp) : 'running'}</td>
                  <td>{d.rollbackOf ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {ds.length >= 2 && a && b && (
        <>
          <h3>Compare definitions</h3>
          <div class="filters">{picker('Left', a.deploy.id, setLeft)}{picker('Right', b.deploy.id, setRight)}</div>
          <Diff a={a} b={b} />
        </>
      )}
    </section>
  );
}
