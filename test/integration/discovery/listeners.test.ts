import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import {
  Catalog, createDiscoveryClient, DISCOVERY_SERVICE, servicesByName, startGrpcListener, startSidecarListener,
  type GrpcListener, type SidecarListener, type SidecarServices, type SidecarServicesByName, type WatchEvent,
} from '../../../scheduler/discovery';
import { taskRecord } from '../../support/task-fixtures';
import { until } from '../../support/kit';

/** Reads newline-delimited JSON documents from a long-lived HTTP response. */
function watchHttp(url: string): { docs: unknown[]; ended: Promise<void>; close(): void } {
  const docs: unknown[] = [];
  let buffer = '';
  let req: http.ClientRequest | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    req = http.get(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          docs.push(JSON.parse(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
        }
      });
      res.on('end', () => resolve());
    });
    req.on('error', reject);
  });
  return { docs, ended, close: () => req?.destroy() };
}

async function getJson(url: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method });
  return { status: res.status, body: await res.text() };
}

describe('discovery listeners (Sidecar HTTP and gRPC)', () => {
  let catalog: Catalog;
  let sidecar: SidecarListener;
  let grpcListener: GrpcListener;

  beforeEach(async () => {
    catalog = new Catalog();
    sidecar = await startSidecarListener({ catalog, port: 0, host: '127.0.0.1', clusterName: 'test', hostname: 'griddle-1' });
    grpcListener = await startGrpcListener({ catalog, port: 0, host: '127.0.0.1' });
  });

  afterEach(async () => {
    await sidecar.close();
    await grpcListener.close();
  });

  it('serves Sidecar shapes, drains with 202 and 404s unknown names', async () => {
    catalog.applyTask(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true, ports: [31001] }));
    const base = `http://127.0.0.1:${sidecar.port}/api`;
    const services = JSON.parse((await getJson(`${base}/services.json`)).body) as SidecarServices;
    expect(services.ClusterName).toBe('test');
    expect(services.Services.demo).toEqual([expect.objectContaining({
      ID: 't1', Name: 'demo', Image: 'griddle/demo-http:1', Hostname: '127.0.0.1', ProxyMode: 'http', Status: 0,
      Ports: [{ Type: 'tcp', Port: 31001, ServicePort: 0, IP: '127.0.0.1' }],
    })]);
    expect(services.ClusterMembers?.['griddle-1']?.ServiceCount).toBe(1);
    expect((await getJson(`${base}/services/demo.json`)).status).toBe(200);
    expect(await getJson(`${base}/services/nope.json`)).toEqual({ status: 404, body: JSON.stringify({ status: 'error', message: 'no instances of nope found' }) });
    expect((await getJson(`${base}/services/demo.xml`)).status).toBe(404);
    const state = JSON.parse((await getJson(`${base}/state.json`)).body) as { Servers: Record<string, { Services: Record<string, { Status: number }> }> };
    expect(state.Servers['127.0.0.1']?.Services.t1?.Status).toBe(0);
    const drain = await getJson(`${base}/services/t1/drain`, 'POST');
    expect(drain.status).toBe(202);
    expect(JSON.parse(drain.body)).toEqual({ Message: 'Service "demo" instance "t1" set to DRAINING' });
    expect(catalog.get('t1')?.status).toBe('DRAINING');
    expect((await getJson(`${base}/services/zzz/drain`, 'POST')).status).toBe(404);
  });

  it('streams every change, in order, to an /api/watch client and a gRPC Watch client', async () => {
    catalog.applyTask(taskRecord('t0', { state: 'TASK_RUNNING', healthy: true }));
    // What each change leaves behind, to compare the HTTP documents against.
    const expectedDocs: SidecarServicesByName[] = [servicesByName(catalog.list())];
    catalog.subscribe(() => expectedDocs.push(servicesByName(catalog.list())));

    const httpWatch = watchHttp(`http://127.0.0.1:${sidecar.port}/api/watch`);
    const client = createDiscoveryClient(`127.0.0.1:${grpcListener.port}`);
    const events: WatchEvent[] = [];
    const stream = client.watch({});
    stream.on('data', (e: WatchEvent) => events.push(e));
    const streamEnded = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    await until(() => events.length === 1 && httpWatch.docs.length === 1, 'the initial documents');

    const base = taskRecord('t1', { ports: [31002] });
    catalog.applyTask(base);
    catalog.applyTask({ ...base, state: 'TASK_RUNNING', healthy: true });
    catalog.applyTask({ ...base, state: 'TASK_RUNNING', healthy: false });
    catalog.drain('t0');
    catalog.applyTask({ ...base, state: 'TASK_RUNNING', healthy: true });
    catalog.applyTask(taskRecord('t0', { state: 'TASK_KILLED' }));
    await until(() => events.length === 7 && httpWatch.docs.length === 7, 'all changes');

    expect(events[0]!.snapshot?.endpoints.map((e) => [e.taskId, e.status])).toEqual([['t0', 'ALIVE']]);
    expect(events.slice(1).map((e) => [e.change?.revision, e.change?.endpoint.taskId, e.change?.endpoint.status])).toEqual([
      [2, 't1', 'UNKNOWN'], [3, 't1', 'ALIVE'], [4, 't1', 'UNHEALTHY'], [5, 't0', 'DRAINING'], [6, 't1', 'ALIVE'], [7, 't0', 'TOMBSTONE'],
    ]);
    expect(httpWatch.docs).toEqual(expectedDocs);

    // Resuming from revision 4 replays exactly what came after it.
    const resumed: WatchEvent[] = [];
    const again = client.watch({ fromRevision: 4 });
    again.on('data', (e: WatchEvent) => resumed.push(e));
    const againEnded = new Promise<grpc.StatusObject>((resolve) => again.on('status', resolve));
    await until(() => resumed.length === 3, 'the replay');
    expect(resumed.map((e) => e.change?.revision)).toEqual([5, 6, 7]);

    // Shutdown ends both kinds of streams cleanly.
    await grpcListener.close();
    await sidecar.close();
    expect((await streamEnded).code).toBe(grpc.status.OK);
    expect((await againEnded).code).toBe(grpc.status.OK);
    await httpWatch.ended;
    client.close();
    // afterEach closes again: closing twice must be harmless.
  });

  it('lists and serves grpc.health.v1', async () => {
    catalog.applyTask(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    const client = createDiscoveryClient(`127.0.0.1:${grpcListener.port}`);
    const listed = await client.list({ serviceName: 'demo' });
    expect(listed.revision).toBe(1);
    expect(listed.endpoints.map((e) => [e.taskId, e.status, e.ports[0]?.containerPort])).toEqual([['t1', 'ALIVE', 8080]]);
    expect((await client.list({ serviceName: 'other' })).endpoints).toEqual([]);
    client.close();

    const healthClient = new grpc.Client(`127.0.0.1:${grpcListener.port}`, grpc.credentials.createInsecure());
    const status = await new Promise<Buffer>((resolve, reject) => {
      healthClient.makeUnaryRequest('/grpc.health.v1.Health/Check', (b: Buffer) => b, (b: Buffer) => b,
        Buffer.concat([Buffer.from([0x0a, DISCOVERY_SERVICE.length]), Buffer.from(DISCOVERY_SERVICE)]),
        (err: grpc.ServiceError | null, value?: Buffer) => (err || !value ? reject(err) : resolve(value)));
    });
    // HealthCheckResponse{status: SERVING(1)} = field 1 varint 1.
    expect([...status]).toEqual([0x08, 0x01]);
    healthClient.close();
  });

  it('sends a large catalog as snapshot pages under the 4 MB message limit, then changes', async () => {
    for (let i = 0; i < 4500; i++) catalog.applyTask(taskRecord(`t${String(i).padStart(4, '0')}`, { state: 'TASK_RUNNING', healthy: true, ports: [31000 + (i % 1000)] }));
    const client = createDiscoveryClient(`127.0.0.1:${grpcListener.port}`);
    const events: WatchEvent[] = [];
    const stream = client.watch({});
    stream.on('data', (e: WatchEvent) => events.push(e));
    stream.on('error', () => undefined);
    await until(() => events.length === 3, 'three snapshot pages');
    catalog.drain('t0001');
    await until(() => events.length === 4, 'the change after the pages');
    expect(events.slice(0, 3).map((e) => [e.snapshot?.revision, e.snapshot?.endpoints.length, e.snapshot?.more])).toEqual([
      [catalog.revision - 1, 2000, true], [catalog.revision - 1, 2000, true], [catalog.revision - 1, 500, false],
    ]);
    expect(new Set(events.slice(0, 3).flatMap((e) => e.snapshot!.endpoints.map((ep) => ep.taskId))).size).toBe(4500);
    expect(events[3]!.change).toMatchObject({ revision: catalog.revision, endpoint: { taskId: 't0001', status: 'DRAINING' } });
    stream.cancel();
    client.close();
  });
});
