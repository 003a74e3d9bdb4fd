/**
 * `startMesosLocal`: a master and N agents in one process, plus the faults tests and demos
 * inject (stop/start/partition/heal an agent, fail the master over, kill an executor), also
 * reachable on the master's admin paths under /__griddle/.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { createLogger, type Logger } from '../common';
import { parseAttributes, parseResources } from '../mesos-proto';
import { Agent, type AgentDescription, type ContainerizerKind } from './agent';
import { agentResources } from './agent-resources';
import { reply, replyJson } from './http-call';
import { MasterGroup } from './master-group';
import { masterRequestHandler } from './master-http';

export const DEFAULT_RESOURCES = 'cpus:4;mem:8192;disk:20000;ports:[31000-32000]';

export interface MesosLocalOptions {
  /** Master port; 0 = ephemeral (agents then get ephemeral ports too), else agents use the next ports. */
  port?: number;
  agents?: number;
  /** Mesos's --resources text, per agent (ports are made disjoint across agents). */
  resources?: string;
  attributes?: string;
  containerizer?: ContainerizerKind;
  workDir?: string;
  /** zk://host:port/path: join a ZooKeeper master group; only the leader serves, others answer 307. */
  zk?: string;
  /** Masters sharing the agents (more than one needs `zk`); the agents follow the elected one. */
  masters?: number;
  hostname?: string;
  allocationIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** First retry of an unacknowledged status update (Mesos: 10 s, doubling). */
  statusUpdateRetryMs?: number;
  /** How long a stopped agent stays disconnected before the master marks it unreachable (Mesos: 75 s). */
  agentPingTimeoutMs?: number;
  executorShutdownGraceMs?: number;
  executorReregistrationTimeoutMs?: number;
  log?: Logger;
}

export interface MesosLocal {
  /** The first master's URL (with several masters, any of them redirects to the leader). */
  masterUrl: string;
  masterUrls: string[];
  agents: AgentDescription[];
  isLeader(): boolean;
  stop(): Promise<void>;
  stopAgent(id: string): Promise<void>;
  startAgent(id: string): Promise<void>;
  partitionAgent(id: string): void;
  healAgent(id: string): void;
  /** Simulated failover of the leading master in place (streams dropped, new master id). */
  failoverMaster(): void;
  /** The leading master crashes (server and ZooKeeper session gone) and restarts as a standby; needs masters > 1. */
  killLeadingMaster(): Promise<void>;
  /** SIGKILL to the executor's process; false when no agent runs it. */
  killExecutor(executorId: string): boolean;
  /** Pids of every executor process started (for leak checks). */
  pids(): number[];
}

export async function startMesosLocal(options: MesosLocalOptions = {}): Promise<MesosLocal> {
  const log = options.log ?? createLogger('mesos-local');
  const hostname = options.hostname ?? '127.0.0.1';
  const bind = isIP(hostname) ? hostname : '0.0.0.0';
  const agentCount = options.agents ?? 3;
  if (!Number.isInteger(agentCount) || agentCount < 0) throw new Error(`agents must be a non-negative integer, got ${agentCount}`);
  const containerizer = options.containerizer ?? 'process';
  if (containerizer !== 'process' && containerizer !== 'simulated') throw new Error(`containerizer must be 'process' or 'simulated', got '${String(containerizer)}'`);
  const baseResources = parseResources(options.resources ?? DEFAULT_RESOURCES);
  const attributes = parseAttributes(options.attributes ?? '');
  const ownWorkDir = options.workDir === undefined;
  // Absolute, because executors get it (MESOS_DIRECTORY) while running in their sandboxes.
  const workDir = path.resolve(options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-mesos-local-')));
  fs.mkdirSync(workDir, { recursive: true });

  const masterCount = options.masters ?? 1;
  if (!Number.isInteger(masterCount) || masterCount < 1) throw new Error(`masters must be a positive integer, got ${masterCount}`);
  const agents = new Map<string, Agent>();
  let local: MesosLocal | null = null;
  const flags: Record<string, string> = {};
  const group = await MasterGroup.start({
    count: masterCount, hostname, ip: isIP(hostname) === 4 ? hostname : '127.0.0.1', bind, port: options.port ?? 5050, portGap: agentCount, zk: options.zk,
    master: { allocationIntervalMs: options.allocationIntervalMs, heartbeatIntervalMs: options.heartbeatIntervalMs, agentPingTimeoutMs: options.agentPingTimeoutMs },
    log,
    handler: (master, leadership) => masterRequestHandler(master, {
      leadership, log: log.child({ component: 'master-http' }), flags,
      extra: (req, res, p) => (local ? adminRoute(local, req, res, p) : false),
    }),
    onLeader: (master) => {
      for (const agent of agents.values()) agent.followMaster(master);
    },
  });
  const port = Number(new URL(group.urls[0]).port);
  const master = group.leading() ?? group.first;
  const agentIdPrefix = group.first.id;
  for (let i = 0; i < agentCount; i++) {
    const id = `${agentIdPrefix}-S${i}`;
    const agent = new Agent({
      id, hostname, bind, port: options.port ? port + 1 + i : 0,
      resources: agentResources(baseResources, i, agentCount, containerizer === 'simulated'), attributes,
      workDir: path.join(workDir, 'agents', id), containerizer, master, log: log.child({ component: 'agent' }),
      statusUpdateRetryMs: options.statusUpdateRetryMs, executorShutdownGraceMs: options.executorShutdownGraceMs,
      executorReregistrationTimeoutMs: options.executorReregistrationTimeoutMs,
    });
    agents.set(id, agent);
  }
  const teardown = async (): Promise<void> => {
    await group.stop();
    await Promise.all([...agents.values()].map((a) => a.destroy()));
    if (ownWorkDir) fs.rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await Promise.all([...agents.values()].map((a) => a.start()));
  } catch (err) {
    await teardown();
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `an agent port is already in use (agents listen on --port + 1 ...; choose another --port): ${(err as Error).message}` : (err as Error).message, { cause: err });
  }

  const agentOf = (id: string): Agent => {
    const agent = agents.get(id);
    if (!agent) throw new Error(`unknown agent '${id}' (known: ${[...agents.keys()].join(', ')})`);
    return agent;
  };

  local = {
    masterUrl: group.urls[0],
    masterUrls: group.urls,
    agents: [...agents.values()].map((a) => a.describe()),
    isLeader: () => group.isLeader(),
    stop: teardown,
    stopAgent: (id) => agentOf(id).stop(),
    startAgent: (id) => agentOf(id).start(),
    partitionAgent: (id) => agentOf(id).partition(),
    healAgent: (id) => agentOf(id).heal(),
    failoverMaster: () => group.failoverInPlace(),
    killLeadingMaster: () => group.killLeader(),
    killExecutor: (executorId) => [...agents.values()].map((a) => a.killExecutor(executorId)).some(Boolean),
    pids: () => [...agents.values()].flatMap((a) => a.pids()),
  };

  Object.assign(flags, {
    port: String(port), agents: String(agentCount), masters: String(masterCount), resources: options.resources ?? DEFAULT_RESOURCES,
    attributes: options.attributes ?? '', containerizer, work_dir: workDir, zk: options.zk ?? '',
    allocation_interval: `${options.allocationIntervalMs ?? 1000}ms`,
  });
  log.info({ masterUrl: local.masterUrl, agents: agentCount, containerizer, workDir }, 'mesos-local master started');
  return local;
}

const AGENT_ACTION = /^\/__griddle\/agents\/([^/]+)\/(stop|start|partition|heal)$/;
const EXECUTOR_KILL = /^\/__griddle\/executors\/([^/]+)\/kill$/;

/** mesos-local's own fault-injection paths (not part of the Mesos API). */
async function adminRoute(local: MesosLocal, req: http.IncomingMessage, res: http.ServerResponse, p: string): Promise<boolean> {
  if (!p.startsWith('/__griddle/')) return false;
  req.resume();
  if (req.method !== 'POST') {
    reply(res, 405, 'Expecting POST', { Allow: 'POST' });
    return true;
  }
  const agentMatch = AGENT_ACTION.exec(p);
  if (agentMatch) {
    const id = decodeURIComponent(agentMatch[1]);
    if (!local.agents.some((a) => a.id === id)) {
      reply(res, 404, `unknown agent '${id}'`);
      return true;
    }
    const action = agentMatch[2];
    if (action === 'stop') await local.stopAgent(id);
    else if (action === 'start') await local.startAgent(id);
    else if (action === 'partition') local.partitionAgent(id);
    else local.healAgent(id);
    replyJson(res, { agent: id, action });
    return true;
  }
  if (p === '/__griddle/master/failover') {
    local.failoverMaster();
    replyJson(res, { action: 'failover' });
    return true;
  }
  if (p === '/__griddle/master/kill') {
    if (local.masterUrls.length < 2) {
      reply(res, 409, 'killing the leading master needs more than one master (--masters 2 --zk ...)');
      return true;
    }
    // Answered first: the kill closes this very server (when it leads) and every connection to it.
    replyJson(res, { action: 'kill' });
    res.once('finish', () => void local.killLeadingMaster().catch(() => undefined));
    return true;
  }
  const execMatch = EXECUTOR_KILL.exec(p);
  if (execMatch) {
    const id = decodeURIComponent(execMatch[1]);
    if (!local.killExecutor(id)) reply(res, 404, `no running executor '${id}'`);
    else replyJson(res, { executor: id, action: 'kill' });
    return true;
  }
  reply(res, 404, 'unknown admin path');
  return true;
}
