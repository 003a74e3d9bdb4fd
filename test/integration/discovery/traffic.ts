import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Wall-clock time of day to the millisecond, to line failures up with other events. */
export function clock(): string {
  return new Date().toISOString().slice(11, 23);
}

export interface Answer { backend: string; body: string }

/** Sends requests one after another until stopped, recording every answer and every failure. */
export function loadLoop(url: string, pauseMs = 5): { answers: Answer[]; failures: string[]; stop(): Promise<void> } {
  const answers: Answer[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(url);
        const body = (await res.text()).trim();
        if (res.status !== 200) failures.push(`${clock()} ${res.status} ${body.slice(0, 80)}`);
        else answers.push({ backend: res.headers.get('x-backend') ?? '', body });
      } catch (err) {
        failures.push(`${clock()} ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  return { answers, failures, stop: async () => { running = false; await loop; } };
}

export interface Backend { name: string; port: number; close(): Promise<void> }

/** An HTTP backend that names itself in `x-backend` and answers `version` on /version. */
export async function startBackend(name: string, version = '1'): Promise<Backend> {
  const server = http.createServer((req, res) => {
    res.setHeader('x-backend', name);
    res.end(req.url === '/version' ? version : 'ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
