#!/usr/bin/env node
/** `griddle-mesos-local`: a Mesos-compatible master and agents on this machine. */
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '../common';
import { DEFAULT_RESOURCES, startMesosLocal } from './mesos-local';

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got '${value}'`);
    return n;
  };
}

const env = (name: string): string | undefined => process.env[`GRIDDLE_MESOS_LOCAL_${name}`];

const program = new Command('griddle-mesos-local')
  .description('A Mesos-compatible master and agents in one process (flags also read GRIDDLE_MESOS_LOCAL_<FLAG> variables, e.g. GRIDDLE_MESOS_LOCAL_PORT)')
  .option('--port <port>', 'master port; agents use the ports after it (0 = ephemeral)', integer('--port', 0), Number(env('PORT') ?? 5050))
  .option('--agents <n>', 'number of agents', integer('--agents', 0), Number(env('AGENTS') ?? 3))
  .option('--resources <text>', "each agent's resources, Mesos syntax (ports are made disjoint per agent)", env('RESOURCES') ?? DEFAULT_RESOURCES)
  .option('--attributes <text>', "each agent's attributes, Mesos syntax (e.g. rack:r1;zone:a)", env('ATTRIBUTES') ?? '')
  .option('--containerizer <kind>', 'process (executors run as processes) or simulated (no processes)', env('CONTAINERIZER') ?? 'process')
  .option('--work-dir <dir>', 'where agents keep sandboxes (default: a temporary directory)', env('WORK_DIR'))
  .option('--zk <url>', 'zk://host:port/path: elect the leading master in ZooKeeper', env('ZK'))
  .option('--masters <n>', 'masters sharing the agents (more than 1 needs --zk); the agents follow the elected one', integer('--masters', 1), Number(env('MASTERS') ?? 1))
  .option('--hostname <name>', 'hostname the master and agents advertise', env('HOSTNAME') ?? '127.0.0.1')
  .option('--allocation-interval <ms>', 'offer allocation interval in milliseconds', integer('--allocation-interval', 1), Number(env('ALLOCATION_INTERVAL') ?? 1000));

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<{
    port: number; agents: number; masters: number; resources: string; attributes: string; containerizer: string; workDir?: string; zk?: string;
    hostname: string; allocationInterval: number;
  }>();
  const log = createLogger('mesos-local');
  if (opts.containerizer !== 'process' && opts.containerizer !== 'simulated') {
    program.error(`--containerizer must be 'process' or 'simulated', got '${opts.containerizer}'`);
  }
  let local;
  try {
    local = await startMesosLocal({
      port: opts.port, agents: opts.agents, masters: opts.masters, resources: opts.resources, attributes: opts.attributes,
      containerizer: opts.containerizer as 'process' | 'simulated', workDir: opts.workDir, zk: opts.zk, hostname: opts.hostname,
      allocationIntervalMs: opts.allocationInterval, log,
    });
  } catch (err) {
    log.fatal({ err }, `cannot start mesos-local: ${(err as Error).message}`);
    process.exit(1);
  }
  for (const url of local.masterUrls) log.info({ masterUrl: url }, `master: ${url}`);
  for (const agent of local.agents) log.info({ agentId: agent.id, endpoint: agent.endpoint }, `agent ${agent.id}: ${agent.endpoint}`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: killing every executor process');
    local.stop().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
