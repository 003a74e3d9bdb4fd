/**
 * Endpoints in Sidecar's shapes as Sidecar writes them: Name from the ServiceName label,
 * ServicePort only from ServicePort_<port> labels, IP an address, ProxyMode http/tcp/ws, and a
 * LastChanged that strictly increases.
 */
import {
  AgentAddresses, Catalog, catalogState, parseAdvertisedAddresses, pickAddress, sidecarChangeEvent, toSidecarService,
} from '../../../scheduler/discovery';
import type { TaskInfo } from '../../../mesos-proto';
import { demoTaskInfo, taskRecord } from '../../support/task-fixtures';
import { ManualTimers } from '../../support/manual-timers';
import { until } from '../../support/kit';

function withLabels(labels: Record<string, string>, dockerLabels: Record<string, string> = {}): TaskInfo {
  const info = demoTaskInfo('t1', 31001, { labels: { labels: Object.entries(labels).map(([key, value]) => ({ key, value })) } });
  info.container!.docker!.parameters = Object.entries(dockerLabels).map(([k, v]) => ({ key: 'label', value: `${k}=${v}` }));
  return info;
}

function describe1(info: TaskInfo, addressOf?: (h: string) => string | undefined) {
  const catalog = new Catalog({ addressOf });
  return toSidecarService(catalog.applyTask(taskRecord('t1', { taskInfo: info, hostname: 'agent-1.example', state: 'TASK_RUNNING', healthy: true }))!.endpoint);
}

describe('Sidecar service shape', () => {
  it('names the service by its ServiceName label (TaskInfo or docker label), then griddle.service_name, then the request id', () => {
    expect(describe1(withLabels({ ServiceName: 'exampleServer', 'griddle.service_name': 'x' })).Name).toBe('exampleServer');
    expect(describe1(withLabels({}, { ServiceName: 'fromDocker' })).Name).toBe('fromDocker');
    expect(describe1(withLabels({ 'griddle.service_name': 'meta' })).Name).toBe('meta');
    expect(describe1(withLabels({})).Name).toBe('prod-demo');
  });

  it('publishes ServicePort only from a ServicePort_<containerPort> label, else 0', () => {
    expect(describe1(withLabels({})).Ports).toEqual([{ Type: 'tcp', Port: 31001, ServicePort: 0, IP: 'agent-1.example' }]);
    expect(describe1(withLabels({ ServicePort_8080: '10080' })).Ports[0]?.ServicePort).toBe(10080);
    expect(describe1(withLabels({ ServicePort_9090: '10080' })).Ports[0]?.ServicePort).toBe(0);
    expect(describe1(withLabels({ ServicePort_8080: 'eighty' })).Ports[0]?.ServicePort).toBe(0);
  });

  it('accepts ProxyMode http, tcp and ws (any case); anything else is http', () => {
    expect(describe1(withLabels({ ProxyMode: 'ws' })).ProxyMode).toBe('ws');
    expect(describe1(withLabels({}, { ProxyMode: 'TCP' })).ProxyMode).toBe('tcp');
    expect(describe1(withLabels({ ProxyMode: 'gopher' })).ProxyMode).toBe('http');
  });

  it('publishes the agent address as IP and keeps the hostname as Hostname', () => {
    const svc = describe1(withLabels({}), (h) => (h === 'agent-1.example' ? '10.0.0.7' : undefined));
    expect(svc.Hostname).toBe('agent-1.example');
    expect(svc.Ports[0]?.IP).toBe('10.0.0.7');
  });
});

describe('LastChanged and ChangeEvent', () => {
  it('strictly increases LastChanged even when changes land in the same millisecond', () => {
    const catalog = new Catalog({ now: () => 5000 });
    const stamps: number[] = [];
    catalog.subscribe(() => stamps.push(catalog.lastChanged));
    catalog.applyTask(taskRecord('t1', { state: 'TASK_RUNNING' }));
    catalog.applyTask(taskRecord('t2', { state: 'TASK_RUNNING' }));
    catalog.drain('t1');
    expect(stamps).toEqual([5000, 5001, 5002]);
    expect(catalogState(catalog, 'c', 'h').LastChanged).toBe(new Date(5002).toISOString());
  });

  it('reports a new endpoint as coming from UNKNOWN, and a later change from its previous status', () => {
    const catalog = new Catalog({ now: () => 1000 });
    const first = catalog.applyTask(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }))!;
    expect(sidecarChangeEvent(first, 1000)).toMatchObject({ PreviousStatus: 3, Service: { ID: 't1', Status: 0 }, Time: new Date(1000).toISOString() });
    const drained = catalog.drain('t1')!;
    expect(sidecarChangeEvent(drained, 1001)).toMatchObject({ PreviousStatus: 0, Service: { Status: 4 } });
  });
});

describe('agent addresses', () => {
  it('parses ADDRESS and HOSTNAME=ADDRESS, comma-separated or repeated, and refuses hostnames as addresses', () => {
    const parsed = parseAdvertisedAddresses(['10.0.0.1', 'a1=10.0.0.2,a2=fd00::2']);
    expect(parsed.all).toBe('10.0.0.1');
    expect([...parsed.byHost]).toEqual([['a1', '10.0.0.2'], ['a2', 'fd00::2']]);
    expect(() => parseAdvertisedAddresses(['a1=agent-1.example'])).toThrow(/not an IP address/);
    expect(() => parseAdvertisedAddresses(['=10.0.0.1'])).toThrow(/empty hostname/);
  });

  it('prefers an IPv4 answer', () => {
    expect(pickAddress([{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }])).toBe('127.0.0.1');
    expect(pickAddress([{ address: 'fd00::1', family: 6 }])).toBe('fd00::1');
    expect(pickAddress([])).toBeUndefined();
  });

  it('answers advertised and literal addresses at once, resolves hostnames once, and retries a failure only after the retry time', async () => {
    const timers = new ManualTimers();
    const lookups: string[] = [];
    const resolved: string[] = [];
    let fail = true;
    const addresses = new AgentAddresses({
      advertised: parseAdvertisedAddresses(['pinned=10.9.9.9']),
      clock: timers,
      retryMs: 1000,
      onResolved: (h) => resolved.push(h),
      lookup: async (h) => {
        lookups.push(h);
        if (fail) throw new Error('NXDOMAIN');
        return [{ address: '10.1.1.1', family: 4 }];
      },
    });
    expect(addresses.addressOf('pinned')).toBe('10.9.9.9');
    expect(addresses.addressOf('192.168.1.5')).toBe('192.168.1.5');
    expect(addresses.addressOf('agent-1')).toBeUndefined();
    await until(() => lookups.length === 1, 'the first lookup');
    await Promise.resolve();
    expect(addresses.addressOf('agent-1')).toBeUndefined(); // failed just now: not retried yet
    expect(lookups).toHaveLength(1);
    fail = false;
    timers.advance(1000);
    expect(addresses.addressOf('agent-1')).toBeUndefined(); // retried in the background
    await until(() => resolved.length === 1, 'the retry resolving');
    expect(addresses.addressOf('agent-1')).toBe('10.1.1.1');
    expect(lookups).toEqual(['agent-1', 'agent-1']);
  });
});
