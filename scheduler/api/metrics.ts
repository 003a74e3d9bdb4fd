import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Offer, TaskStatus } from '../../mesos-proto';
import type { TaskRecord } from '../model';
import type { DeployEngine, DeployEngineEvent, SchedulerPort } from '../deploys';

/** Singularity averages the delays of its recent status updates; this many here. */
const STATUS_DELAYS_KEPT = 100;

/** A gauge labelled by `state`, reset and set to how many records are in each state. */
function setByState(gauge: Gauge<'state'>, records: Iterable<{ state: string }>): void {
  gauge.reset();
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  for (const [state, n] of counts) gauge.set({ state }, n);
}

/**
 * Prometheus metrics of the scheduler, fed by the core's and the deploy engine's events and by
 * gauges read at scrape time. Mesos tells a framework nothing about its own declines, so an
 * offer counts as used when a task lands on its agent before that agent's next offer, and as
 * declined otherwise.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly offersReceived: Counter;
  private readonly offersDeclined: Counter;
  private readonly offersUsed: Counter;
  private readonly launches: Counter;
  private readonly timeToRunning: Histogram;
  private readonly statusLag: Histogram;
  private readonly deploys: Counter;
  private readonly latency: Histogram;
  private readonly openOffers = new Map<string, number>();

  private readonly onOffers = (offers: Offer[]): void => {
    this.offersReceived.inc(offers.length);
    for (const o of offers) {
      const agent = o.agent_id.value;
      const open = this.openOffers.get(agent) ?? 0;
      if (open > 0) this.offersDeclined.inc(open);
      this.openOffers.set(agent, 1);
    }
  };

  private readonly onTask = (task: TaskRecord, previous: TaskRecord | undefined): void => {
    if (!previous) {
      this.launches.inc();
      if ((this.openOffers.get(task.agentId) ?? 0) > 0) {
        this.offersUsed.inc();
        this.openOffers.set(task.agentId, 0);
      }
    }
    if (task.state === 'TASK_RUNNING' && previous?.state !== 'TASK_RUNNING') {
      this.timeToRunning.observe(Math.max(0, (task.runningSince ?? task.updatedAt) - task.startedAt) / 1000);
    }
  };

  /** The last STATUS_DELAYS_KEPT update delays (ms), for SingularityState's avgStatusUpdateDelayMs. */
  private readonly delays: number[] = [];
  private delaysAt = 0;
  /** When the leading master's last HEARTBEAT arrived (0: none yet). */
  lastHeartbeatAt = 0;

  /** Update timestamps come from the agent's or executor's clock: a skewed clock reads as lag 0. */
  private readonly onStatus = (status: TaskStatus, receivedAt: number): void => {
    if (status.timestamp === undefined) return;
    const lag = Math.max(0, receivedAt / 1000 - status.timestamp);
    this.statusLag.observe({ source: status.source ?? 'SOURCE_MASTER' }, lag);
    this.delays[this.delaysAt] = lag * 1000;
    this.delaysAt = (this.delaysAt + 1) % STATUS_DELAYS_KEPT;
  };

  private readonly onHeartbeat = (at: number): void => {
    this.lastHeartbeatAt = at;
  };

  /** The mean delay of the recent status updates, whole milliseconds (0 before any). */
  avgStatusUpdateDelayMs(): number {
    return this.delays.length === 0 ? 0 : Math.round(this.delays.reduce((a, b) => a + b, 0) / this.delays.length);
  }

  private readonly onDeploy = (e: DeployEngineEvent): void => {
    if (e.type === 'deploy.finished') this.deploys.inc({ kind: e.kind, result: e.deployResult.deployState });
  };

  constructor(private readonly scheduler: SchedulerPort, private readonly engine: DeployEngine) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'griddle_scheduler_' });
    this.offersReceived = new Counter({ name: 'griddle_offers_received_total', help: 'Resource offers received from Mesos', registers });
    this.offersDeclined = new Counter({ name: 'griddle_offers_declined_total', help: 'Offers not used before the agent offered again', registers });
    this.offersUsed = new Counter({ name: 'griddle_offers_used_total', help: 'Offers that launched at least one task', registers });
    this.launches = new Counter({ name: 'griddle_task_launches_total', help: 'Tasks launched', registers });
    this.timeToRunning = new Histogram({ name: 'griddle_task_launch_to_running_seconds', help: 'Launch to first TASK_RUNNING', buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120], registers });
    this.statusLag = new Histogram({ name: 'griddle_status_update_lag_seconds', help: 'From a status update\'s timestamp to the scheduler receiving it', labelNames: ['source'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers });
    this.deploys = new Counter({ name: 'griddle_deploys_total', help: 'Finished deploys and bounces by result', labelNames: ['kind', 'result'], registers });
    this.latency = new Histogram({ name: 'griddle_api_request_duration_seconds', help: 'REST API latency', labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5], registers });
    new Gauge({
      name: 'griddle_tasks', help: 'Known active tasks by Mesos state', labelNames: ['state'], registers,
      collect() { setByState(this, scheduler.tasks.values()); },
    });
    new Gauge({
      name: 'griddle_requests', help: 'Requests by state', labelNames: ['state'], registers,
      collect() { setByState(this, scheduler.requests.values()); },
    });
    new Gauge({ name: 'griddle_pending_deploys', help: 'Deploys in progress', registers, collect() { this.set(engine.pending().length); } });
    new Gauge({ name: 'griddle_leader', help: '1 when this scheduler is the leader', registers, collect() { this.set(scheduler.isLeader ? 1 : 0); } });
  }

  start(): void {
    this.scheduler.events.on('offers', this.onOffers);
    this.scheduler.events.on('task', this.onTask);
    this.scheduler.events.on('status', this.onStatus);
    this.scheduler.events.on('heartbeat', this.onHeartbeat);
    this.engine.on('event', this.onDeploy);
  }

  stop(): void {
    this.scheduler.events.off('offers', this.onOffers);
    this.scheduler.events.off('task', this.onTask);
    this.scheduler.events.off('status', this.onStatus);
    this.scheduler.events.off('heartbeat', this.onHeartbeat);
    this.engine.off('event', this.onDeploy);
  }

  /** Times every API call, labelled by its route pattern (never the raw path: ids would explode the label set). */
  timer() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const end = this.latency.startTimer();
      res.on('finish', () => {
        const route = (req.route as { path?: string } | undefined)?.path;
        end({ method: req.method, route: route ? `${req.baseUrl.replace(/^\/singularity/, '')}${route}` : 'unmatched', status: String(res.statusCode) });
      });
      next();
    };
  }

  async handler(_req: Request, res: Response): Promise<void> {
    res.set('Content-Type', this.registry.contentType).send(await this.registry.metrics());
  }
}
