#!/usr/bin/env node
/**
 * griddle-scheduler: the framework scheduler. With --zk, state lives in ZooKeeper and several
 * instances elect a leader (standbys serve reads and forward writes); without it, state lives
 * in --state-dir and this instance is the only leader.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fs from 'node:fs';
import type { Server } from 'node:http';
import { Command, InvalidArgumentError, Option } from 'commander';
import express from 'express';
import { createLogger } from '../common/logger';
import { CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF } from '../mesos-proto';
import { createApiRouter, loadShellCommandsFile, loadTokens, singularityWireHeaders } from './api';
import { consoleAssets } from './ui';
import { Scheduler } from './core';
import { createDiscovery, parseAdvertisedAddresses, type Discovery } from './discovery';
import { DEFAULT_LEADER_GRACE_MS, DEFAULT_SESSION_TIMEOUT_MS, forwardWritesToLeader, LeaderElection, LeadershipWatchdog, StandbyRefresh } from './ha';
import { LocalDirStateStore, parseZkUrl, ZkStateStore, type StateStore } from './state';

export interface SchedulerCliOptions {
  master: string;
  zk?: string;
  stateDir: string;
  port: number;
  bind: string;
  discoveryPort: number;
  grpcPort: number;
  contentType: 'json' | 'protobuf';
  executorCmd?: string;
  apiTokensFile?: string;
  insecureNoAuth: boolean;
  advertiseUrl?: string;
  /** Sidecar listener URLs that get a StateChangedEvent POSTed on every discovery change. */
  discoveryListener?: string[];
  /** `ADDRESS` or `HOSTNAME=ADDRESS`: the IP endpoints are published with. */
  discoveryAdvertiseIp?: string[];
  /** ZooKeeper session timeout asked for (the server clamps it to [2, 20] × tickTime). */
  zkSessionTimeoutMs?: number;
  /** How long a member may hold the election without leading before it resigns. */
  leaderGraceMs?: number;
  /** Seconds an endpoint in rotation is drained before its task is killed, unless its request or deploy says. */
  drainSeconds?: number;
  /** Prometheus base URL for PROMETHEUS acceptance checks of deploys. */
  prometheusUrl?: string;
  /** JSON or YAML allow-list of the shell commands API callers may run in tasks. */
  shellCommandsFile?: string;
}

/** A repeatable flag whose environment variable is a comma-separated list. */
/** Where the process's memory is: V8 heap (objects) or outside it (Buffers). */
function memoryMb(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (n: number): number => Math.round(n / 1048576);
  return { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
}

function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

function listenerUrl(value: string, previous: string[] = []): string[] {
  const urls = list(value);
  for (const url of urls) {
    if (!/^https?:\/\/[^/]+/.test(url)) throw new InvalidArgumentError(`expected an http(s) URL, got '${url}'`);
  }
  return [...previous, ...urls];
}

function millis(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 100) throw new InvalidArgumentError('must be a whole number of milliseconds, at least 100');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of seconds, 0 or more');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

export function parseArgs(argv: string[]): SchedulerCliOptions {
  const program = new Command('griddle-scheduler')
    .description('Griddle framework scheduler (Mesos v1 HTTP API, ZooKeeper state and leader election)')
    .addOption(new Option('--master <url>', 'Mesos master: http://host:5050 or zk://host:2181/mesos').env('GRIDDLE_MASTER').default('http://127.0.0.1:5050'))
    .addOption(new Option('--zk <url>', 'ZooKeeper for state and leader election, e.g. zk://host:2181/griddle').env('GRIDDLE_ZK'))
    .addOption(new Option('--state-dir <dir>', 'local state directory (used without --zk)').env('GRIDDLE_STATE_DIR').default('.griddle/state'))
    .addOption(new Option('--port <port>', 'REST API port').env('GRIDDLE_PORT').default(7099).argParser(port))
    .addOption(new Option('--bind <address>', 'address the REST API listens on').env('GRIDDLE_BIND').default('127.0.0.1'))
    .addOption(new Option('--discovery-port <port>', 'Sidecar-compatible discovery listener').env('GRIDDLE_DISCOVERY_PORT').default(7777).argParser(port))
    .addOption(new Option('--grpc-port <port>', 'gRPC discovery watch listener').env('GRIDDLE_GRPC_PORT').default(7098).argParser(port))
    .addOption(new Option('--discovery-listener <url>', 'POST Sidecar StateChangedEvents to this URL on every change (repeatable)').env('GRIDDLE_DISCOVERY_LISTENERS').argParser(listenerUrl))
    .addOption(new Option('--discovery-advertise-ip <ip|host=ip>', 'address published as endpoints\' IP, for every agent or one (repeatable; default: the resolved agent hostname)').env('GRIDDLE_DISCOVERY_ADVERTISE_IP').argParser(list))
    // sidecar-executor drained for 10 s before stopping a container (EXECUTOR_SIDECAR_DRAINING_DURATION).
    .addOption(new Option('--drain-seconds <s>', 'drain a task\'s endpoint this long before killing it, unless its request or deploy sets drainSeconds').env('GRIDDLE_DRAIN_SECONDS').default(10).argParser(seconds))
    .addOption(new Option('--content-type <type>', 'Mesos content type').env('GRIDDLE_CONTENT_TYPE').choices(['json', 'protobuf']).default('json'))
    .addOption(new Option('--executor-cmd <cmd>', 'command that starts griddle-executor on agents').env('GRIDDLE_EXECUTOR_CMD'))
    .addOption(new Option('--api-tokens-file <file>', 'file of API bearer tokens, one per line').env('GRIDDLE_API_TOKENS_FILE'))
    .addOption(new Option('--insecure-no-auth', 'allow binding a non-loopback address without API tokens').env('GRIDDLE_INSECURE_NO_AUTH').default(false))
    .addOption(new Option('--advertise-url <url>', 'API URL other instances forward writes to (default http://<bind>:<port>)').env('GRIDDLE_ADVERTISE_URL'))
    .addOption(new Option('--zk-session-timeout <ms>', 'ZooKeeper session timeout: how long a dead leader keeps its leadership (see docs/reliability.md)')
      .env('GRIDDLE_ZK_SESSION_TIMEOUT').default(DEFAULT_SESSION_TIMEOUT_MS).argParser(millis))
    .addOption(new Option('--leader-grace <ms>', 'resign the leadership when not leading (subscribed to Mesos) this long after election')
      .env('GRIDDLE_LEADER_GRACE').default(DEFAULT_LEADER_GRACE_MS).argParser(millis))
    .addOption(new Option('--prometheus-url <url>', 'Prometheus for deploy acceptance checks of type PROMETHEUS, e.g. http://127.0.0.1:9090').env('GRIDDLE_PROMETHEUS_URL'))
    .addOption(new Option('--shell-commands-file <file>', 'JSON or YAML allow-list of task shell commands (name → command, options)').env('GRIDDLE_SHELL_COMMANDS_FILE'))
    .exitOverride((err) => process.exit(err.exitCode));
  program.parse(argv);
  const o = program.opts<Omit<SchedulerCliOptions, 'insecureNoAuth' | 'zkSessionTimeoutMs' | 'leaderGraceMs'> & {
    insecureNoAuth: boolean | string; zkSessionTimeout: number; leaderGrace: number;
  }>();
  if (o.zk) parseZkUrl(o.zk);
  if (o.prometheusUrl !== undefined && !/^https?:\/\/[^/]+/.test(o.prometheusUrl)) {
    throw new InvalidArgumentError(`--prometheus-url: expected http://host:port, got '${o.prometheusUrl}'`);
  }
  if (!o.master.startsWith('zk://') && !/^https?:\/\/[^/]+/.test(o.master)) {
    throw new InvalidArgumentError(`--master: expected http://host:port or zk://host:port/mesos, got '${o.master}'`);
  }
  // An env value arrives as text: GRIDDLE_INSECURE_NO_AUTH=1 or true.
  const insecure = o.insecureNoAuth === true || o.insecureNoAuth === 'true' || o.insecureNoAuth === '1';
  const { zkSessionTimeout, leaderGrace, ...rest } = o;
  return { ...rest, insecureNoAuth: insecure, zkSessionTimeoutMs: zkSessionTimeout, leaderGraceMs: leaderGrace };
}

export interface RunningScheduler {
  scheduler: Scheduler;
  discovery: Discovery;
  election: LeaderElection | null;
  app: express.Express;
  server: Server;
  stop(): Promise<void>;
}

const STANDBY_REFRESH_MS = 5000;

export async function runScheduler(options: SchedulerCliOptions): Promise<RunningScheduler> {
  const log = createLogger('griddle-scheduler');
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(options.bind);
  if (!loopback && !options.apiTokensFile && !options.insecureNoAuth) {
    throw new Error(`--bind ${options.bind}: binding a non-loopback address needs --api-tokens-file (or --insecure-no-auth)`);
  }
  if (options.apiTokensFile && !fs.existsSync(options.apiTokensFile)) throw new Error(`--api-tokens-file: ${options.apiTokensFile} does not exist`);
  // Read once: the API and discovery's drain endpoint check the same tokens.
  const tokens = options.apiTokensFile ? loadTokens(options.apiTokensFile) : undefined;
  const zkStore = options.zk ? await ZkStateStore.open(options.zk, { sessionTimeoutMs: options.zkSessionTimeoutMs }) : null;
  const store: StateStore = zkStore ?? new LocalDirStateStore(options.stateDir);
  const scheduler = new Scheduler({
    store,
    master: options.master,
    contentType: options.contentType === 'protobuf' ? CONTENT_TYPE_PROTOBUF : CONTENT_TYPE_JSON,
    executorCmd: options.executorCmd,
    log,
  });
  await scheduler.load();
  // Discovery listens on the same address as the API: loopback unless the operator opens it.
  const discovery = await createDiscovery(scheduler, {
    sidecarPort: options.discoveryPort, grpcPort: options.grpcPort, bind: options.bind, log,
    listeners: options.discoveryListener ?? [],
    advertise: parseAdvertisedAddresses(options.discoveryAdvertiseIp ?? []),
    tokens,
    defaultDrainSeconds: options.drainSeconds,
  });

  let election: LeaderElection | null = null;
  let refresh: StandbyRefresh | null = null;
  let selfUrl: string | null = options.advertiseUrl ?? null; // known once the listener is bound
  const app = express();
  app.use(singularityWireHeaders); // exact `application/json`, also on /healthz and the forwarder's own answers
  // Longest the event loop was blocked: past the ZooKeeper session timeout, the session is lost.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  app.get('/healthz', (_req, res) => {
    res.json({
      eventLoopDelayMs: { p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) },
      memoryMb: memoryMb(),
      status: 'ok',
      role: scheduler.isLeader ? 'leader' : 'standby',
      leader: scheduler.isLeader ? selfUrl : election?.leader?.apiUrl ?? null,
      frameworkId: scheduler.frameworkId ?? null,
      subscribed: scheduler.subscribed,
      master: scheduler.masterUrl,
      mesosCalls: scheduler.mesosCalls,
      // How far behind the leader a standby's view may be: what a take-over still has to read.
      standbyReadAgoMs: !scheduler.isLeader && refresh && refresh.lastEndedAt > 0 ? Date.now() - refresh.lastEndedAt : null,
    });
  });
  app.use(forwardWritesToLeader({ isLeader: () => scheduler.isLeader, leaderUrl: () => election?.leader?.apiUrl ?? null }));
  const api = createApiRouter(scheduler, {
    log, tokens, prometheusUrl: options.prometheusUrl, discoveryPort: discovery.sidecarPort,
    shellCommands: options.shellCommandsFile ? loadShellCommandsFile(options.shellCommandsFile) : undefined,
  });
  app.use(['/api', '/singularity/api'], api);
  app.get('/metrics', (req, res) => void api.metricsHandler(req, res));
  app.use('/ui', consoleAssets());
  app.get('/', (_req, res) => res.redirect(302, '/ui/'));

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.bind, () => resolve(s));
    s.on('error', reject);
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : options.port;
  const apiUrl = options.advertiseUrl ?? `http://${options.bind === '0.0.0.0' ? '127.0.0.1' : options.bind}:${boundPort}`;
  selfUrl = apiUrl;

  let watchdog: LeadershipWatchdog | null = null;
  if (options.zk) {
    const { hosts, path } = parseZkUrl(options.zk);
    const elected = new LeaderElection({ hosts, root: path || '/griddle', apiUrl, log, sessionTimeoutMs: options.zkSessionTimeoutMs });
    election = elected;
    elected.on('leader', (isLeader) => {
      if (isLeader) {
        // becomeLeader loads the state first and leads only on what it read; when that fails
        // it must not keep the election either, or no standby could take over.
        scheduler.becomeLeader().catch((err: Error) => {
          log.error({ err: err.message }, 'could not take over as leader; resigning');
          scheduler.stepDown();
          void elected.resign(`take-over failed: ${err.message}`);
        });
      } else {
        scheduler.stepDown();
      }
    });
    watchdog = new LeadershipWatchdog({
      holdsElection: () => elected.isLeader,
      leading: () => scheduler.isLeader && scheduler.subscribed,
      // Half the session timeout: the leader stops before the server can expire its session.
      storeDown: zkStore ? () => ({ forMs: zkStore.unavailableForMs(), limitMs: zkStore.sessionTimeoutMs / 2 }) : undefined,
      resign: (why) => {
        scheduler.stepDown();
        void elected.resign(why);
      },
      graceMs: options.leaderGraceMs,
    });
    watchdog.start();
    await elected.start();
    // Standbys serve reads from the store: refresh what they show.
    refresh = new StandbyRefresh({
      refresh: () => scheduler.refreshFromStore(),
      isLeader: () => scheduler.isLeader,
      onError: (err) => log.warn({ err: err.message }, 'standby refresh failed'),
      minIntervalMs: STANDBY_REFRESH_MS,
    });
    refresh.start();
  } else {
    await scheduler.becomeLeader();
  }
  log.info({
    role: scheduler.isLeader || election?.isLeader ? 'leader' : 'standby', master: options.master, state: store.description,
    api: apiUrl, port: boundPort, discoveryPort: discovery.sidecarPort, grpcPort: discovery.grpcPort, pid: process.pid,
  }, 'griddle-scheduler started');

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      refresh?.stop();
      watchdog?.stop();
      api.close();
      await discovery.close();
      scheduler.stepDown();
      await election?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await store.close();
    })();
    return stopping;
  };
  return { scheduler, discovery, election, app, server, stop };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv);
  const running = await runScheduler(options);
  const shutdown = (signal: string): void => {
    running.scheduler.log.info({ signal }, 'shutting down');
    running.stop().then(() => process.exit(0), (err: Error) => {
      running.scheduler.log.error({ err: err.message }, 'unclean shutdown');
      process.exit(1);
    });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`griddle-scheduler: ${err.message}\n`);
    process.exit(1);
  });
}
