import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../common';
import { acceptanceRunner } from '../acceptance';
import { DeployEngine, type SchedulerPort } from '../deploys';
import { ApiContext } from './api-context';
import { type TokenTable, authMiddleware } from './auth';
import { EventHub } from './event-hub';
import { durableWrites } from './durable-writes';
import { feedEvents } from './event-feed';
import { errorHandler, notFound } from './http-errors';
import { ApiMetrics } from './metrics';
import { registerDeploys } from './resources/deploys';
import { registerEvents } from './resources/events';
import { registerHistory } from './resources/history';
import { registerOpenApi } from './resources/openapi';
import { registerRequests } from './resources/requests';
import { registerSandbox } from './resources/sandbox';
import { registerState } from './resources/state';
import { registerTasks } from './resources/tasks';
import { registerGroups } from './resources/groups';
import { registerHistoryViews } from './resources/history-views';
import { registerRequestViews } from './resources/request-views';
import { registerStateViews } from './resources/state-views';
import { registerTaskTracking } from './resources/task-tracking';
import { registerTaskViews } from './resources/task-views';
import { registerAuthUser } from './resources/auth-user';
import { registerConfiguration } from './resources/configuration';
import { registerShuffle } from './resources/shuffle';
import { registerInactive } from './resources/inactive';
import { InactiveHosts } from './inactive-hosts';
import { registerMachines } from './resources/machines';
import { registerPriority } from './resources/priority';
import { registerDisasters } from './resources/disasters';
import { OfferLedger, registerUsage } from './resources/usage';
import { type DisasterOptions, Disasters } from './disasters';
import { disabledActionGate } from './disabled-action-gate';
import { registerShellCommands } from './resources/shell-commands';
import { registerSlim } from './resources/slim';
import { SlimCounts } from './slim-counts';
import { SlimViews } from './slim-views';
import type { ShellCommandAllowList } from './shell-command-config';
import { ShellCommands } from './shell-commands';
import { ApiExtras } from './api-extras';
import { RequestGroups } from './request-groups';
import { RequestHistoryLog } from './request-history';
import { ResponseCache } from './response-cache';
import type { TaskJsonCache } from './task-json';
import { SandboxReader } from './sandbox';
import { TaskStatistics } from './task-statistics';
import { DEFAULT_USAGE_POLL_MS, UsagePoller } from './usage-poller';
import { AgentLiveness } from './agent-liveness';
import { requestGroupGate } from './request-group-gate';
import { registerTaskStatistics } from './resources/task-statistics';
import { registerLogs } from './resources/logs';
import { TaskHistory } from './task-history';
import { singularityWireHeaders } from './wire-headers';
import { type OperationsOptions, startOperations } from './operations';
import type { Webhooks } from '../webhooks';

export interface ApiOptions extends OperationsOptions {
  log?: Logger;
  /** Bearer tokens (GRIDDLE_API_TOKENS_FILE); without them the API is open (loopback binds only). */
  tokens?: TokenTable;
  /** Whether reads need a token too when tokens are configured. */
  protectReads?: boolean;
  /** JSON body size limit (default 1 MB). */
  bodyLimit?: string;
  /** An engine already running; otherwise the router creates and starts one. */
  engine?: DeployEngine;
  /** Whether this process may write (default: it is the leader). */
  isWritable?: () => boolean;
  eventBufferSize?: number;
  sseMaxBufferedBytes?: number;
  now?: () => number;
  /** Prometheus base URL for PROMETHEUS acceptance checks that name none (--prometheus-url). */
  prometheusUrl?: string;
  /** Pause before an inconclusive acceptance check is asked again (default 5 s). */
  acceptancePollMs?: number;
  /** Disaster detector thresholds and the actions detected disasters disable. */
  disasters?: DisasterOptions;
  /** The shell commands API callers may run in tasks (--shell-commands-file); none without it. */
  shellCommands?: ShellCommandAllowList;
  /** How often the leader asks every running task's executor for its usage (default 60 s; 0: never). */
  usagePollMs?: number;
  /** The Sidecar discovery listener's port, told to the console (`/slim/session`). */
  discoveryPort?: number;
}

export interface ApiRouter extends Router {
  engine: DeployEngine;
  hub: EventHub;
  metrics: ApiMetrics;
  sandbox: SandboxReader;
  history: TaskHistory;
  /** Active tasks' JSON; `serialized` counts the tasks rendered (one per change). */
  taskJson: TaskJsonCache;
  /** The console's slim views; `counts` are those behind the overview and the agents list (with visit counters). */
  slim: SlimViews;
  webhooks: Webhooks;
  disasters: Disasters;
  shellCommands: ShellCommands;
  statistics: TaskStatistics;
  usage: UsagePoller;
  /** Serves `/metrics` (mount at the root beside `/healthz`). */
  metricsHandler: (req: Request, res: Response) => Promise<void>;
  close(): void;
}

/**
 * The Singularity-compatible REST API (DESIGN.md's table): the shared middleware, then one
 * resource per area (`resources/`). Mount it at `/api` and `/singularity/api`; mount
 * `metricsHandler` at `/metrics`.
 */
export function createApiRouter(scheduler: SchedulerPort, options: ApiOptions = {}): ApiRouter {
  const now = options.now ?? Date.now;
  const log = options.log;
  const bodyLimit = options.bodyLimit ?? '1mb';
  const engine = options.engine ?? new DeployEngine(scheduler, {
    log, now, acceptance: { run: acceptanceRunner({ prometheusUrl: options.prometheusUrl }), pollMs: options.acceptancePollMs },
  });
  const ownsEngine = !options.engine;
  const hub = new EventHub(options.eventBufferSize ?? 10_000, now);
  const history = new TaskHistory(scheduler);
  const sandbox = new SandboxReader(scheduler);
  const metrics = new ApiMetrics(scheduler, engine);
  const cache = new ResponseCache(() => scheduler.isLeader);
  const ctx = new ApiContext(scheduler, engine, hub, history, sandbox, cache, options.isWritable ?? (() => scheduler.isLeader), now, log);

  const requestHistory = new RequestHistoryLog(scheduler, engine, now, (options.tokens?.size ?? 0) > 0);
  const groups = new RequestGroups(scheduler);
  const extras = new ApiExtras(ctx, requestHistory, groups);
  const inactiveHosts = new InactiveHosts(scheduler, now);
  void inactiveHosts.start().catch((err: unknown) => log?.warn({ err }, 'could not load inactive hosts'));
  const ops = startOperations(scheduler, engine, ctx, requestHistory, options.isWritable ?? (() => scheduler.isLeader), options);
  void requestHistory.start().catch((err: unknown) => log?.warn({ err }, 'could not load request history'));
  void groups.start().catch((err: unknown) => log?.warn({ err }, 'could not load request groups'));
  const shellCommands = new ShellCommands(scheduler, options.shellCommands ?? new Map(), now, log);
  ctx.shellCommands = shellCommands;
  void shellCommands.start().catch((err: unknown) => log?.warn({ err }, 'could not load shell commands'));
  const statistics = new TaskStatistics(scheduler);
  statistics.start();

  const pendingForDetector = (): { count: number; since: number }[] => extras.pendingTasks().map((p) => ({ count: 1, since: p.pendingTaskId.nextRunAt }));
  const disasters = new Disasters(scheduler, pendingForDetector, now, options.isWritable ?? (() => scheduler.isLeader), options.disasters, log);
  void disasters.start().catch((err: unknown) => log?.warn({ err }, 'could not load disasters'));
  const usage = new UsagePoller(scheduler, (t) => statistics.ask(t), options.usagePollMs ?? DEFAULT_USAGE_POLL_MS, log);
  usage.start();
  const offerLedger = new OfferLedger(ctx, (taskId) => usage.usageOf(taskId));
  offerLedger.start();
  const liveness = new AgentLiveness(scheduler);
  liveness.start();
  const slimCounts = new SlimCounts(scheduler, (r, d) => ctx.deployOf(r, d));
  slimCounts.start();

  const stopFeed = feedEvents(scheduler, engine, hub, () => cache.invalidate());
  sandbox.start();
  metrics.start();
  void history.start().catch((err: unknown) => log?.warn({ err }, 'could not load task history'));
  if (ownsEngine) engine.start();

  const router = express.Router() as ApiRouter;
  router.use(singularityWireHeaders);
  router.use(metrics.timer());
  router.use(authMiddleware(options.tokens, options.protectReads));
  // Before any resource: every acknowledged write is in the store before the answer leaves.
  router.use(durableWrites((scope) => scheduler.store.flushWrites(scope)));
  router.use(express.json({ limit: bodyLimit, strict: true, type: ['application/json', 'application/*+json'] }));
  // Before every write route: the changes a call makes are recorded with its user and message.
  router.use(requestHistory.middleware);
  // Disabled actions refuse the calls they name before any resource acts on them.
  router.use(disabledActionGate(disasters, (id) => scheduler.requests.has(id)));
  // A token held to groups changes only the requests of its groups.
  router.use(requestGroupGate((id) => scheduler.requests.get(id)?.request, (taskId) => ctx.anyTask(taskId)?.requestId));
  registerRequests(router, ctx, (id) => requestHistory.of(id)[0]?.user);
  registerDeploys(router, ctx);
  registerHistory(router, ctx);
  registerTasks(router, ctx);
  registerSandbox(router, ctx);
  registerLogs(router, ctx);
  registerState(router, ctx, { extras, metrics, liveness });
  registerRequestViews(router, ctx, extras);
  registerHistoryViews(router, ctx, extras);
  registerGroups(router, ctx, extras);
  registerTaskViews(router, ctx, extras);
  registerTaskTracking(router, ctx, extras);
  registerStateViews(router, ctx, extras);
  registerInactive(router, ctx, inactiveHosts);
  registerAuthUser(router, options.tokens);
  registerConfiguration(router);
  registerShuffle(router);
  ops.register(router);
  registerMachines(router, ctx, ops.machineExpiry);
  registerPriority(router, ctx);
  registerDisasters(router, ctx, disasters);
  registerUsage(router, ctx, offerLedger);
  registerShellCommands(router, ctx, shellCommands);
  registerTaskStatistics(router, ctx, statistics);
  const slim = new SlimViews(ctx, extras, offerLedger, slimCounts);
  registerSlim(router, slim, { tokens: options.tokens, protectReads: options.protectReads, discoveryPort: options.discoveryPort });
  registerEvents(router, hub, { maxBufferedBytes: options.sseMaxBufferedBytes });
  registerOpenApi(router);
  router.use((req, _res, next) => next(notFound(`no such endpoint: ${req.method} ${req.baseUrl}${req.path.slice(0, 200)}`)));
  router.use(errorHandler(bodyLimit, log));

  router.engine = engine;
  router.hub = hub;
  router.metrics = metrics;
  router.sandbox = sandbox;
  router.history = history;
  router.taskJson = ctx.taskJson;
  router.slim = slim;
  router.webhooks = ops.webhooks;
  router.disasters = disasters;
  router.shellCommands = shellCommands;
  router.statistics = statistics;
  router.usage = usage;
  router.metricsHandler = (req, res) => metrics.handler(req, res);
  router.close = () => {
    stopFeed();
    ops.stop();
    requestHistory.stop();
    groups.stop();
    shellCommands.stop();
    statistics.stop();
    inactiveHosts.stop();
    disasters.stop();
    offerLedger.stop();
    usage.stop();
    liveness.stop();
    slimCounts.stop();
    sandbox.stop();
    metrics.stop();
    history.stop();
    if (ownsEngine) engine.stop();
  };
  return router;
}
