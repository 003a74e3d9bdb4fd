import type { JSX } from 'preact';
import { ENDPOINT_STATUSES, SIDECAR_STATUS_CODE, type SidecarService, type SidecarServices } from '../../contract/sidecar';
import { ActionButton, ApiError, authHeaders, canWrite, ErrorNote, useLive, useSession } from '../ui';

/** The Sidecar listener runs on a port of its own on the same host; it allows the console's origin (CORS). */
const discoveryBase = (port: number): string => `${location.protocol}//${location.hostname}:${port}/api`;

async function discoveryCall<T>(port: number, path: string, method = 'GET'): Promise<T> {
  const res = await fetch(`${discoveryBase(port)}${path}`, { method, headers: { accept: 'application/json', ...authHeaders() } });
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, `${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

const statusName = (code: number): string => ENDPOINT_STATUSES.find((s) => SIDECAR_STATUS_CODE[s] === code) ?? `status ${code}`;

function Instance(props: { s: SidecarService; port: number; write: boolean; onDrained: () => void }): JSX.Element {
  const s = props.s;
  const status = statusName(s.Status);
  return (
    <tr>
      <td class="break">{s.ID}</td>
      <td>{s.Hostname}</td>
      <td><span class={`badge ${status === 'ALIVE' ? 'good' : status === 'DRAINING' || status === 'UNKNOWN' ? 'neutral' : 'bad'}`}>{status === 'ALIVE' ? '✓ ' : '• '}{status.toLowerCase()}</span></td>
      <td>{s.Ports.map((p) => `${p.IP}:${p.Port}${p.ServicePort ? ` (service ${p.ServicePort})` : ''}`).join(', ') || '–'}</td>
      <td>{s.Image}</td>
      <td>{props.write && status === 'ALIVE' && (
        <ActionButton label="Drain" danger onResult={props.onDrained}
          confirm={`Drain ${s.ID}: load balancers stop sending it new connections. The task keeps running; it does not return to rotation.`}
          run={() => discoveryCall(props.port, `/services/${encodeURIComponent(s.ID)}/drain`, 'POST')} />
      )}</td>
    </tr>
  );
}

/** Services in the discovery catalog with their instances, status and ports, and a drain action. */
export function DiscoveryPage(): JSX.Element {
  const session = useSession();
  const port = session?.discoveryPort;
  const live = useLive(`discovery:${port ?? ''}`, async () => (port ? discoveryCall<SidecarServices>(port, '/services.json') : undefined), (f) => f.type === 'task.status' || f.type === 'task.health');
  const services = Object.entries(live.data?.Services ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section>
      <h1>Discovery</h1>
      {session && !port && <p>This scheduler runs no Sidecar discovery listener.</p>}
      <ErrorNote error={live.error} />
      {port && <p class="hint">From the Sidecar API at {discoveryBase(port)}/services.json</p>}
      {live.data && services.length === 0 && <p>No service is registered.</p>}
      {services.map(([name, instances]) => (
        <section aria-labelledby={`svc-${name}`}>
          <h2 id={`svc-${name}`}>{name} ({instances.length})</h2>
          <div class="scroller" tabIndex={0} role="region" aria-label={`${name} instances (scrollable)`}>
            <table class="grid">
              <thead><tr><th scope="col">Instance</th><th scope="col">Host</th><th scope="col">Status</th><th scope="col">Ports</th><th scope="col">Image</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
              <tbody>{[...instances].sort((a, b) => a.Status - b.Status || a.ID.localeCompare(b.ID)).map((s) => <Instance s={s} port={port ?? 0} write={canWrite(session)} onDrained={live.reload} />)}</tbody>
            </table>
          </div>
        </section>
      ))}
    </section>
  );
}
