/**
 * Sidecar's health checks, from the `HealthCheck`/`HealthCheckArgs` labels, for tasks whose
 * deploy has no health check of its own. As Sidecar ran them: `HttpGet` is healthy on 2xx,
 * `External` runs a command on the host (split at spaces, no shell) and is healthy on exit 0,
 * `AlwaysSuccessful` always is. Templates (`{{ host }}`, `{{ tcp 8080 }}`) are filled from the
 * task's port mappings; `{{ host }}` is the loopback, where Docker publishes the host ports.
 */
import http from 'node:http';
import https from 'node:https';
import type { TaskInfo } from '../mesos-proto';
import { portResources } from './container-spec';
import type { Probe } from './health-checker';
import { renderCheckArgs, type SidecarCheck, type TemplateContext } from './sidecar-labels';

/** Host port of a container port: the BRIDGE mapping's, or the port itself in HOST mode. */
export function templateContext(task: TaskInfo, labels: ReadonlyMap<string, string>, containerHostname: string): TemplateContext {
  const mappings = task.container?.docker?.port_mappings ?? [];
  const hostMode = (task.container?.docker?.network ?? 'HOST') === 'HOST';
  return {
    host: '127.0.0.1',
    container: containerHostname,
    labels,
    hostPort: (port, protocol) => {
      const m = mappings.find((p) => p.container_port === port && (p.protocol ?? 'tcp').split(',').map((s) => s.trim()).includes(protocol));
      if (m) return m.host_port;
      return hostMode && portResources(task.resources).includes(port) ? port : undefined;
    },
  };
}

/** Sidecar's check for a service without labels: HTTP GET / on its first TCP port. */
function defaultArgs(task: TaskInfo): string {
  const first = task.container?.docker?.port_mappings?.[0]?.container_port ?? portResources(task.resources)[0];
  return first === undefined ? '' : `http://{{ host }}:{{ tcp ${first} }}/`;
}

function httpGet(url: string): Probe {
  const lib = url.startsWith('https:') ? https : http;
  return (timeoutMs) => new Promise<void>((resolve, reject) => {
    const req = lib.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 300) resolve();
      else reject(new Error(`HttpGet ${url} returned ${code}`));
    });
    req.on('timeout', () => req.destroy(new Error(`HttpGet ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new Error(err.message.startsWith('HttpGet') ? err.message : `HttpGet ${url} failed: ${err.message}`)));
  });
}

function external(command: string): Probe {
  const [file, ...args] = command.split(' ').filter((w) => w !== '');
  return async (timeoutMs) => {
    if (!file) throw new Error('External check has no command (HealthCheckArgs is empty)');
    // Loaded only for External checks, to keep the executor small.
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) => execFile(file, args, { timeout: timeoutMs }, (err) => {
      if (!err) resolve();
      else reject(new Error(`External '${command}' failed: ${err.killed ? `timed out after ${timeoutMs} ms` : `exit ${String(err.code)}`}`));
    }));
  };
}

export function labelProbe(check: SidecarCheck, task: TaskInfo, ctx: TemplateContext): { probe: Probe; describe: string } {
  if (check.type === 'AlwaysSuccessful') return { probe: () => Promise.resolve(), describe: 'AlwaysSuccessful' };
  const args = renderCheckArgs(check.args || (check.type === 'HttpGet' ? defaultArgs(task) : ''), ctx);
  if (check.type === 'External') return { probe: external(args), describe: `External ${args}` };
  if (!/^https?:\/\//.test(args)) {
    return { probe: () => Promise.reject(new Error(`HttpGet needs a URL in HealthCheckArgs (got '${args}')`)), describe: `HttpGet ${args}` };
  }
  return { probe: httpGet(args), describe: `HttpGet ${args}` };
}
