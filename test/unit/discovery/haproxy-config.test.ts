import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HoldDown, JsonDocumentSplitter, renderHaproxyConfig } from '../../../cli/haproxy';
import { SIDECAR_STATUS_CODE, type SidecarService, type SidecarServicesByName } from '../../../contract';

function svc(id: string, status: keyof typeof SIDECAR_STATUS_CODE, port: number, extra: Partial<SidecarService> = {}): SidecarService {
  return {
    ID: id, Name: 'web', Image: 'web:1', Created: '2026-01-01T00:00:00.000Z', Hostname: '127.0.0.1',
    Ports: [{ Type: 'tcp', Port: port, ServicePort: 10080, IP: '127.0.0.1' }],
    Updated: '2026-01-01T00:00:00.000Z', ProxyMode: 'http', Status: SIDECAR_STATUS_CODE[status], ...extra,
  };
}

function section(config: string, header: string): string[] {
  const lines = config.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l === '');
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('renderHaproxyConfig', () => {
  const services: SidecarServicesByName = {
    web: [svc('b', 'ALIVE', 31002), svc('a', 'ALIVE', 31001), svc('c', 'DRAINING', 31003), svc('d', 'UNHEALTHY', 31004), svc('e', 'TOMBSTONE', 31005)],
    db: [svc('x', 'ALIVE', 31010, { Name: 'db', ProxyMode: 'tcp', Ports: [{ Type: 'tcp', Port: 31010, ServicePort: 15432, IP: '127.0.0.2' }] })],
  };

  it('renders a frontend and backend per service port: ALIVE servers, DRAINING at weight 0, nothing else', () => {
    const { config, warnings } = renderHaproxyConfig(services, { bindAddress: '127.0.0.1', statsSocket: '/tmp/x.sock' });
    expect(warnings).toEqual([]);
    expect(section(config, 'frontend web-10080')).toEqual([
      'frontend web-10080', '\tmode http', '\tbind 127.0.0.1:10080', '\toption idle-close-on-response', '\tdefault_backend web-10080',
    ]);
    expect(section(config, 'backend web-10080')).toEqual([
      'backend web-10080', '\tmode http', '\tretry-on conn-failure empty-response response-timeout',
      '\tserver 127.0.0.1-a 127.0.0.1:31001 weight 1',
      '\tserver 127.0.0.1-b 127.0.0.1:31002 weight 1',
      '\tserver 127.0.0.1-c 127.0.0.1:31003 weight 0',
    ]);
    expect(section(config, 'frontend db-15432')).toEqual(['frontend db-15432', '\tmode tcp', '\tbind 127.0.0.1:15432', '\tdefault_backend db-15432']);
    expect(section(config, 'backend db-15432')).toEqual([
      'backend db-15432', '\tmode tcp', '\tserver 127.0.0.1-x 127.0.0.2:31010 weight 1',
    ]);
    expect(config).toContain('stats socket /tmp/x.sock mode 600 level admin expose-fd listeners');
  });

  it('is stable: the same services render the same text whatever their order', () => {
    const shuffled: SidecarServicesByName = { db: services.db!, web: [...services.web!].reverse() };
    expect(renderHaproxyConfig(shuffled).config).toBe(renderHaproxyConfig(services).config);
  });

  it('leaves out services that only have tombstones, UDP ports and a service port claimed twice', () => {
    const { config, warnings } = renderHaproxyConfig({
      gone: [svc('g', 'TOMBSTONE', 31020, { Name: 'gone' })],
      a: [svc('a1', 'ALIVE', 31021, { Name: 'a', Ports: [{ Type: 'udp', Port: 31021, ServicePort: 5353, IP: '127.0.0.1' }, { Type: 'tcp', Port: 31022, ServicePort: 10080, IP: '127.0.0.1' }] })],
      b: [svc('b1', 'ALIVE', 31023, { Name: 'b' })],
    });
    expect(config).not.toContain('gone');
    expect(config).not.toContain('5353');
    expect(config).toContain('frontend a-10080');
    expect(config).not.toContain('frontend b-10080');
    expect(warnings).toEqual(['service b port 10080 left out: a already binds it']);
  });

  it('keeps a frontend for a service with no healthy instance (clients get 503, not a refused connection)', () => {
    const { config } = renderHaproxyConfig({ web: [svc('d', 'UNHEALTHY', 31004)] });
    expect(section(config, 'backend web-10080')).toEqual(['backend web-10080', '\tmode http', '\tretry-on conn-failure empty-response response-timeout']);
  });

  it('passes `haproxy -c`', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-haproxy-unit-'));
    try {
      const file = path.join(dir, 'haproxy.cfg');
      fs.writeFileSync(file, renderHaproxyConfig(services, { statsSocket: path.join(dir, 's.sock') }).config);
      // Valid, and without a single warning.
      expect(execFileSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toContain('Configuration file is valid');
      expect(execFileSync('sh', ['-c', `haproxy -c -f ${file} 2>&1`], { encoding: 'utf8' })).not.toMatch(/WARNING|ALERT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('JsonDocumentSplitter', () => {
  const docs = ['{"a":[1,2,{"b":"}{"}]}', '{"c":"quote \\" brace {"}', '{}'];
  it.each([1, 2, 3, 7, 100])('splits back-to-back documents in chunks of %i characters', (size) => {
    const wire = `${docs[0]}${docs[1]}\n${docs[2]}\n`;
    const splitter = new JsonDocumentSplitter();
    const out: string[] = [];
    for (let i = 0; i < wire.length; i += size) out.push(...splitter.push(wire.slice(i, i + size)));
    expect(out).toEqual(docs);
  });

  it('rejects garbage between documents', () => {
    expect(() => new JsonDocumentSplitter().push('{} x')).toThrow(/outside a document/);
  });
});

describe('HoldDown', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('applies the first change at once and batches the following ones', async () => {
    const runs: number[] = [];
    const holdDown = new HoldDown(1000, async () => { runs.push(Date.now()); });
    const t0 = Date.now();
    holdDown.trigger();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toEqual([t0]);
    for (let i = 0; i < 5; i++) {
      holdDown.trigger();
      await jest.advanceTimersByTimeAsync(100);
    }
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(500);
    expect(runs).toEqual([t0, t0 + 1000]);
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(2);
    holdDown.stop();
    holdDown.trigger();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(2);
  });
});
