import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, stopProcess, until } from './kit';

/**
 * A real Prometheus (Debian's `prometheus`, installed by scripts/ensure-services.sh) on a free
 * port, with a generated config scraping `targets` (at `metricsPath`, default /metrics) every
 * second and its TSDB in a temp dir.
 */
export interface TestPrometheus {
  url: string;
  /** Resolves once `query` has at least one sample (the first scrape has landed). */
  waitForSamples(query: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: string[], options: { metricsPath?: string } = {}): Promise<TestPrometheus> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-prom-'));
  const port = await freePort();
  const config = [
    'global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', '  - job_name: test',
    `    static_configs: [{ targets: [${targets.map((t) => `'${t}'`).join(', ')}] }]`,
    ...(options.metricsPath ? [`    metrics_path: '${options.metricsPath}'`] : []),
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `${config}\n`);
  let log = '';
  const child: ChildProcess = spawn('/usr/bin/prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await stopProcess(child, 10_000);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(async () => (await fetch(`${url}/-/ready`)).ok, () => `Prometheus ready on ${url} (log: ${log})`, 30_000, { retryErrors: true, intervalMs: 200 });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    async waitForSamples(query, timeoutMs = 30_000) {
      await until(async () => {
        const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
        const json = (await res.json()) as { data?: { result?: unknown[] } };
        return (json.data?.result?.length ?? 0) > 0;
      }, `samples of ${query}`, timeoutMs, { retryErrors: true, intervalMs: 250 });
    },
    stop,
  };
}
