import type { Router } from 'express';
import { type Offer, isTerminalState, scalarOf } from '../../../mesos-proto';
import * as z from 'zod';
import { type ApiContext, idParam } from '../api-context';
import { type AgentOffer, type TaskReservation, type TaskUsage, clusterUtilization, reservationOf } from '../cluster-utilization';
import { notFound, parseInput } from '../http-errors';
import { isRequestId } from '../ids';
import { requestUtilizations } from '../request-utilization';

/** The latest offer of each agent, kept from the scheduler's 'offers' events, and what each live task reserves and uses. */
export class OfferLedger {
  readonly latest = new Map<string, AgentOffer>();

  constructor(private readonly ctx: ApiContext, private readonly usageOf: (taskId: string) => TaskUsage | undefined = () => undefined) {}

  start(): void {
    this.ctx.scheduler.events.on('offers', this.onOffers);
  }

  stop(): void {
    this.ctx.scheduler.events.off('offers', this.onOffers);
  }

  private readonly onOffers = (offers: Offer[]): void => {
    for (const o of offers) {
      this.latest.set(o.agent_id.value, { cpus: scalarOf(o.resources, 'cpus'), memoryMb: scalarOf(o.resources, 'mem'), diskMb: scalarOf(o.resources, 'disk') });
    }
  };

  /** What each live task reserves: its TaskInfo's resources when sent, else its deploy's. */
  reservations(): TaskReservation[] {
    const out: TaskReservation[] = [];
    for (const t of this.ctx.scheduler.tasks.values()) {
      if (isTerminalState(t.state)) continue;
      const usage = this.usageOf(t.taskId);
      out.push({
        requestId: t.requestId, deployId: t.deployId, agentId: t.agentId,
        ...reservationOf(t, this.ctx.deployOf(t.requestId, t.deployId)?.deploy.resources), ...(usage ? { usage } : {}),
      });
    }
    return out;
  }
}

/** `useWebCache` asks Singularity for its cached copy; Griddle computes each answer from memory. */
const usageQuerySchema = z.object({ useWebCache: z.enum(['true', 'false']).optional() });

/** Singularity's UsageResource: the cluster summary and per-request usage, computed on each call. */
export function registerUsage(router: Router, ctx: ApiContext, ledger: OfferLedger): void {
  router.get('/usage/cluster/utilization', (_req, res) => {
    res.json(clusterUtilization(ledger.reservations(), ledger.latest, ctx.now()));
  });
  router.get('/usage/requests', (req, res) => {
    parseInput(usageQuerySchema, req.query);
    res.json(requestUtilizations(ledger.reservations()));
  });
  router.get('/usage/requests/request/:requestId', (req, res) => {
    parseInput(usageQuerySchema, req.query);
    const requestId = idParam(req, 'requestId', isRequestId, 'request');
    if (!ctx.scheduler.requests.has(requestId)) throw notFound(`no request ${requestId}`);
    const found = requestUtilizations(ledger.reservations().filter((t) => t.requestId === requestId))[0];
    // As Singularity: nothing measured yet is a 404 (its web UI expects and hides it).
    if (!found) throw notFound(`request ${requestId} has no measured task yet (usage is polled every minute)`);
    res.json(found);
  });
}
