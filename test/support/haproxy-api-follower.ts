/**
 * A stand-in for haproxy-api, written from its documented behaviour, that consumes a discovery
 * listener the way haproxy-api does in each of its two modes:
 *
 * - default mode: reads the state URL (`http://host:7777/state.json`) once at start, then
 *   serves `POST /update` and takes each posted StateChangedEvent whose `State.LastChanged` is
 *   later than the state it holds; it reloads only for a change that can move the rotation.
 * - follow mode (`-F host:port`): streams `http://host:port/watch`, and on every document read
 *   from it fetches `http://host:port/api/state.json` afresh (the document itself is unused).
 *
 * Either way it hands the services of the state it holds, grouped by name, to `onState`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { JsonDocumentSplitter } from '../../cli/haproxy';
import type { SidecarServicesByName, SidecarState, SidecarStateChangedEvent } from '../../contract';

const ALIVE = 0, TOMBSTONE = 1, UNHEALTHY = 2, UNKNOWN = 3, DRAINING = 4;

/** haproxy-api's reload rule for one change. */
function shouldReload(previous: number, status: number): boolean {
  if (status === ALIVE || status === TOMBSTONE || status === DRAINING) return true;
  return (status === UNKNOWN || status === UNHEALTHY) && previous === ALIVE;
}

/** The state's services grouped by name, across every server, as haproxy-api's template reads them. */
export function servicesOfState(state: SidecarState): SidecarServicesByName {
  const byName: SidecarServicesByName = {};
  for (const server of Object.values(state.Servers)) {
    for (const svc of Object.values(server.Services)) (byName[svc.Name] ??= []).push(svc);
  }
  return byName;
}

async function fetchState(url: string): Promise<SidecarState> {
  const res = await fetch(url);
  if (res.status < 200 || res.status > 299) throw new Error(`state fetch from ${url} answered ${res.status}`);
  return await res.json() as SidecarState;
}

export interface Follower {
  /** The state held now (undefined before the first read). */
  readonly state: SidecarState | undefined;
  /** POSTs received / accepted (newer state) / ignored (not newer). */
  readonly counts: { posts: number; accepted: number; stale: number; reloads: number };
  close(): Promise<void>;
}

/**
 * Default mode. The HTTP server starts first, so its `/update` URL can be configured on the
 * discovery side before `start(stateUrl)` reads the initial state.
 */
export async function defaultModeFollower(onState: (services: SidecarServicesByName) => void): Promise<Follower & {
  updateUrl: string;
  start(stateUrl: string): Promise<void>;
}> {
  let state: SidecarState | undefined;
  const counts = { posts: 0, accepted: 0, stale: 0, reloads: 0 };
  const reload = (): void => {
    counts.reloads++;
    if (state) onState(servicesOfState(state));
  };
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/update') {
      res.writeHead(req.url === '/health' ? 200 : 404).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { body += chunk; });
    req.on('end', () => {
      counts.posts++;
      let event: SidecarStateChangedEvent;
      try {
        event = JSON.parse(body) as SidecarStateChangedEvent;
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [(err as Error).message] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end();
      if (state && Date.parse(state.LastChanged) >= Date.parse(event.State.LastChanged)) {
        counts.stale++;
        return;
      }
      state = event.State;
      counts.accepted++;
      if (shouldReload(event.ChangeEvent.PreviousStatus, event.ChangeEvent.Service.Status)) reload();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    updateUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/update`,
    get state() { return state; },
    counts,
    start: async (stateUrl) => {
      state = await fetchState(stateUrl);
      reload();
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Follow mode against `hostPort` (`127.0.0.1:7777`): reconnects when the stream ends. */
export function followModeFollower(hostPort: string, onState: (services: SidecarServicesByName) => void): Follower {
  let state: SidecarState | undefined;
  const counts = { posts: 0, accepted: 0, stale: 0, reloads: 0 };
  const abort = new AbortController();
  const refetch = async (): Promise<void> => {
    state = await fetchState(`http://${hostPort}/api/state.json`);
    counts.accepted++;
    counts.reloads++;
    onState(servicesOfState(state));
  };
  const follow = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch(`http://${hostPort}/watch`, { signal: abort.signal });
        if (!res.ok || !res.body) throw new Error(`/watch answered ${res.status}`);
        const splitter = new JsonDocumentSplitter();
        const decoder = new TextDecoder();
        for await (const chunk of res.body) {
          // Only that something changed matters; the state comes from state.json.
          for (const doc of splitter.push(decoder.decode(chunk, { stream: true }))) {
            JSON.parse(doc);
            await refetch();
          }
        }
      } catch {
        if (abort.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  void follow();
  return {
    get state() { return state; },
    counts,
    close: async () => abort.abort(),
  };
}
