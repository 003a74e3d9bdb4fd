import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { call, deployAndWait, serviceRequest, startHarness, type Harness } from '../../support/api-harness';
import { type TestPrometheus, startPrometheus } from '../../support/prometheus-server';

/**
 * PROMETHEUS acceptance checks against a real Prometheus scraping a small exporter: the error
 * counter of one deploy is above the threshold, the other's is not.
 */

let exporter: http.Server;
let prom: TestPrometheus;
let h: Harness;

const ERRORS: Record<string, number> = { good: 0, bad: 42 };

beforeAll(async () => {
  exporter = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(['# TYPE demo_errors_total counter', ...Object.entries(ERRORS).map(([d, n]) => `demo_errors_total{deploy="${d}"} ${n}`), ''].join('\n'));
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  prom = await startPrometheus([`127.0.0.1:${(exporter.address() as AddressInfo).port}`]);
  await prom.waitForSamples('demo_errors_total');
  h = await startHarness({ prometheusUrl: prom.url, acceptancePollMs: 100 });
  await call(h, 'POST', '/api/requests', serviceRequest('metered', 2));
  expect((await deployAndWait(h, 'metered', 'v1')).deployState).toBe('SUCCEEDED');
});

afterAll(async () => {
  await h?.close();
  await prom?.stop();
  exporter?.closeAllConnections();
  await new Promise<void>((resolve) => (exporter ? exporter.close(() => resolve()) : resolve()));
});

const check = { type: 'PROMETHEUS', query: 'demo_errors_total{deploy="{{deployId}}"}', comparison: '<', threshold: 1 };

describe('PROMETHEUS acceptance checks', () => {
  it('a deploy whose error counter is under the threshold SUCCEEDS', async () => {
    const result = await deployAndWait(h, 'metered', 'good', { acceptanceChecks: [check] });
    expect(result.deployState).toBe('SUCCEEDED');
  });

  it('a deploy whose error counter is over it FAILS with the sample and is rolled back', async () => {
    const result = await deployAndWait(h, 'metered', 'bad', { acceptanceChecks: [check] });
    expect(result.deployState).toBe('FAILED');
    expect(String(result.message)).toContain('acceptance check failed: PROMETHEUS demo_errors_total{deploy="{{deployId}}"} < 1:');
    expect(String(result.message)).toContain('deploy="bad"');
    expect(String(result.message)).toContain('= 42, wanted < 1');
    expect(String(result.message)).toContain('rolled back: deploy good restored to 2 instances');
  });

  it('a query with no samples stays inconclusive until the step deadline: OVERDUE', async () => {
    const result = await deployAndWait(h, 'metered', 'unseen', { deployHealthTimeoutSeconds: 1, healthcheck: undefined, acceptanceChecks: [check] });
    expect(result.deployState).toBe('OVERDUE');
    expect(String(result.message)).toContain('the query returned no samples');
  });
});
