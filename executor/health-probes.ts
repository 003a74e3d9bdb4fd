/**
 * The three Mesos health-check kinds. HTTP and TCP go to the port the task listens on, through
 * the container's own network: its bridge IP in BRIDGE mode (the container port, not the
 * mapped host port), the loopback in HOST mode, as Mesos's executors do by entering the
 * task's network namespace. COMMAND runs inside the container with `docker exec`.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type Docker from 'dockerode';
import type { HealthCheck } from '../mesos-proto';
import { execInContainer } from './docker-engine';
import type { Probe } from './health-checker';

export class HealthCheckSpecError extends Error {}

function httpProbe(host: string, check: NonNullable<HealthCheck['http']>): Probe {
  const scheme = check.scheme ?? 'http';
  const path = check.path ? (check.path.startsWith('/') ? check.path : `/${check.path}`) : '/';
  const statuses = check.statuses ?? [];
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${check.port}${path}`;
  const lib = scheme === 'https' ? https : http;
  return (timeoutMs) =>
    new Promise<void>((resolve, reject) => {
      const req = lib.get(url, { timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        // Mesos counts 200-399 as healthy unless `statuses` lists the accepted codes.
        const ok = statuses.length ? statuses.includes(code) : code >= 200 && code < 400;
        if (ok) resolve();
        else reject(new Error(`HTTP GET ${url} returned ${code}`));
      });
      req.on('timeout', () => req.destroy(new Error(`HTTP GET ${url} timed out after ${timeoutMs} ms`)));
      req.on('error', (err) => reject(new Error(err.message.startsWith('HTTP GET') ? err.message : `HTTP GET ${url} failed: ${err.message}`)));
    });
}

function tcpProbe(host: string, port: number): Probe {
  return (timeoutMs) =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host, port });
      const fail = (why: string) => {
        socket.destroy();
        reject(new Error(`TCP connect to ${host}:${port} ${why}`));
      };
      socket.setTimeout(timeoutMs, () => fail(`timed out after ${timeoutMs} ms`));
      socket.once('connect', () => {
        socket.end();
        resolve();
      });
      socket.once('error', (err) => fail(`failed: ${err.message}`));
    });
}

function commandProbe(container: Docker.Container, command: NonNullable<HealthCheck['command']>): Probe {
  if (!command.value) throw new HealthCheckSpecError('health_check.command.value must be set for a COMMAND check');
  const cmd = command.shell ?? true ? ['/bin/sh', '-c', command.value] : [command.value, ...(command.arguments ?? [])];
  return async (timeoutMs) => {
    const code = await execInContainer(container, cmd, timeoutMs);
    if (code !== 0) throw new Error(`command '${command.value}' exited with ${code}`);
  };
}

export function healthCheckKind(check: HealthCheck): 'HTTP' | 'TCP' | 'COMMAND' {
  if (check.type && check.type !== 'UNKNOWN') return check.type;
  // Older schedulers leave `type` unset and fill one of the fields.
  if (check.http) return 'HTTP';
  if (check.tcp) return 'TCP';
  if (check.command) return 'COMMAND';
  throw new HealthCheckSpecError('health_check has no type and none of http, tcp or command');
}

export function createProbe(check: HealthCheck, container: Docker.Container, targetHost: string): Probe {
  const kind = healthCheckKind(check);
  if (kind === 'HTTP') {
    if (!check.http) throw new HealthCheckSpecError('health_check.http must be set for an HTTP check');
    return httpProbe(targetHost, check.http);
  }
  if (kind === 'TCP') {
    if (!check.tcp) throw new HealthCheckSpecError('health_check.tcp must be set for a TCP check');
    return tcpProbe(targetHost, check.tcp.port);
  }
  if (!check.command) throw new HealthCheckSpecError('health_check.command must be set for a COMMAND check');
  return commandProbe(container, check.command);
}
