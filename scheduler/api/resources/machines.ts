import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import * as z from 'zod';
import {
  MACHINE_STATES, type MachineState, type SingularityAgent, type SingularityExpiringMachineState, type SingularityMachineStateHistoryUpdate,
  type SingularityRack,
} from '../../../contract';
import type { MachineKind, MachineRecord } from '../../core';
import { type ApiContext, body } from '../api-context';
import { HttpError, badRequest, notFound, parseInput } from '../http-errors';
import { message } from '../params';
import type { ExpiringMachineStates } from '../expiring-machines';
import { DEFAULT_MAX_DECOMMISSIONING_AGENTS } from './configuration';

/** SingularityMachineChangeRequest; with `durationMillis` the change expires (expiring-machines.ts). */
const changeSchema = z.object({
  message,
  actionId: z.string().max(200).optional(),
  durationMillis: z.number().int().min(0).optional(),
  revertToState: z.enum(MACHINE_STATES as [MachineState, ...MachineState[]]).optional(),
  killTasksOnDecommissionTimeout: z.boolean().optional(),
});

const expiringOf = (machineId: string, input: z.output<typeof changeSchema>, revertToState: MachineState, now: number, user: string | undefined): SingularityExpiringMachineState => ({
  machineId, startMillis: now, actionId: input.actionId ?? randomUUID(), expiringAPIRequestObject: input, revertToState,
  killTasksOnDecommissionTimeout: input.killTasksOnDecommissionTimeout ?? false, ...(user ? { user } : {}),
});

const idOf = (req: Request, name: string): string => String((req.params as Record<string, string>)[name]);

const ACTIONS: Record<string, MachineState> = { freeze: 'FROZEN', decommission: 'STARTING_DECOMMISSION', activate: 'ACTIVE' };

/**
 * Singularity's AgentResource (`/agents`, and its deprecated `/slaves` spelling) and
 * RackResource (`/racks`): maintenance states of machines. Freeze: no new tasks. Decommission:
 * each task is replaced elsewhere, retired once its replacement is healthy, then the machine is
 * DECOMMISSIONED (the core's reconcile plan does this). Activate: back to normal.
 */
export function registerMachines(router: Router, ctx: ApiContext, expiring: ExpiringMachineStates): void {
  const { scheduler, writeGuard: w } = ctx;
  const book = scheduler.machines;

  /** Agents seen in offers or holding tasks that have no record yet are shown ACTIVE since first seen. */
  const unrecorded = (): MachineRecord[] => {
    const out = new Map<string, MachineRecord>();
    const add = (id: string, host: string, rackId: string, attributes: Record<string, string>, at: number): void => {
      if (book.agents.has(id) || out.has(id)) return;
      const current = { objectId: id, state: 'ACTIVE' as const, timestamp: at };
      out.set(id, { kind: 'agent', id, host, rackId, attributes, firstSeenAt: at, current, history: [current] });
    };
    for (const a of scheduler.agents.values()) add(a.agentId, a.hostname, a.attributes.rack ?? a.attributes.rackid ?? 'DEFAULT', a.attributes, a.lastOfferAt);
    for (const t of scheduler.tasks.values()) add(t.agentId, t.hostname, t.rackId ?? 'DEFAULT', {}, t.startedAt);
    return [...out.values()];
  };
  const all = (kind: MachineKind): MachineRecord[] => {
    const agents = [...book.agents.values(), ...unrecorded()];
    if (kind === 'agent') return agents;
    const racks = new Map(book.racks);
    for (const a of agents) {
      const rackId = a.rackId ?? 'DEFAULT';
      if (!racks.has(rackId)) {
        const current = { objectId: rackId, state: 'ACTIVE' as const, timestamp: a.firstSeenAt };
        racks.set(rackId, { kind: 'rack', id: rackId, firstSeenAt: a.firstSeenAt, current, history: [current] });
      }
    }
    return [...racks.values()];
  };
  const find = (kind: MachineKind, id: string): MachineRecord | undefined => all(kind).find((m) => m.id === id);
  const render = (m: MachineRecord): SingularityAgent | SingularityRack => (m.kind === 'agent'
    ? { id: m.id, slaveId: m.id, host: m.host ?? '', rackId: m.rackId ?? 'DEFAULT', attributes: m.attributes ?? {}, firstSeenAt: m.firstSeenAt, currentState: m.current }
    : { id: m.id, rackId: m.id, firstSeenAt: m.firstSeenAt, currentState: m.current });

  // Singularity's maxDecommissioningAgents (GET /configuration/singularity-limits): each agent
  // decommissioning moves all its tasks, so only a few at once keep enough capacity.
  const checkDecommissionLimit = (id: string): void => {
    const busy = [...book.agents.values()].filter((a) => a.id !== id && (a.current.state === 'STARTING_DECOMMISSION' || a.current.state === 'DECOMMISSIONING'));
    if (busy.length >= DEFAULT_MAX_DECOMMISSIONING_AGENTS) {
      throw badRequest(`${busy.length} agents are already decommissioning (${busy.map((a) => a.id).join(', ')}); at most ${DEFAULT_MAX_DECOMMISSIONING_AGENTS} may at once (maxDecommissioningAgents): wait for one to be DECOMMISSIONED`);
    }
  };

  const stateFilter = (req: Request): MachineState | undefined => {
    const s = req.query.state;
    if (s === undefined) return undefined;
    if (typeof s !== 'string' || !(MACHINE_STATES as readonly string[]).includes(s)) throw badRequest(`state: one of ${MACHINE_STATES.join(', ')}`);
    return s as MachineState;
  };

  const change = (kind: MachineKind, idParam: string, action: string) => (req: Request, res: Response): void => {
    const id = idOf(req, idParam);
    const input = parseInput(changeSchema, body(req));
    const seen = find(kind, id);
    if (!seen) throw notFound(`Couldn't find an active ${kind} with id ${id} (result: FAILURE_NOT_FOUND)`);
    // An agent known only from its offers gets its record now, so its change has a history.
    if (seen.kind === 'agent' && !book.agents.has(id)) book.observeAgent(id, seen.host ?? '', seen.rackId ?? 'DEFAULT', seen.attributes);
    if (seen.kind === 'rack' && !book.racks.has(id)) book.racks.set(id, seen);
    const state = ACTIONS[action];
    if (kind === 'agent' && state === 'STARTING_DECOMMISSION') checkDecommissionLimit(id);
    const user = typeof res.locals.user === 'string' ? res.locals.user : undefined;
    const before = book.book(kind).get(id)?.current.state ?? 'ACTIVE';
    const result = book.change(kind, id, state, { user, message: input.message });
    if (result === 'already' || result === 'illegal') {
      const code = result === 'already' ? 'FAILURE_ALREADY_AT_STATE' : 'FAILURE_ILLEGAL_TRANSITION';
      throw new HttpError(409, `${code} - ${kind} ${id} is in ${book.book(kind).get(id)?.current.state} state`);
    }
    // A change with a duration expires back (to revertToState, else where it was); one without ends any expiry.
    if (input.durationMillis !== undefined) expiring.save(kind, expiringOf(id, input, input.revertToState ?? before, ctx.now(), user));
    else expiring.drop(kind, id);
    scheduler.poke();
    res.status(200).end();
  };

  for (const [kind, base, item, param] of [
    ['agent', '/agents', 'agent', 'agentId'], ['agent', '/slaves', 'slave', 'slaveId'], ['rack', '/racks', 'rack', 'rackId'],
  ] as const) {
    router.get(base, (req, res) => {
      const state = stateFilter(req);
      res.json(all(kind).filter((m) => state === undefined || m.current.state === state).map(render));
    });
    router.get(`${base}/${item}/:${param}`, (req, res) => {
      const m = find(kind, idOf(req, param));
      res.json((m?.history ?? []) satisfies SingularityMachineStateHistoryUpdate[]);
    });
    if (kind === 'agent') {
      router.get(`${base}/${item}/:${param}/details`, (req, res) => {
        const m = find(kind, idOf(req, param));
        if (!m) throw notFound(`agent ${idOf(req, param)} is not known`);
        res.json(render(m));
      });
      // Only Singularity's Java client names this route; Griddle reads it as changing the expiry of
      // a decommission under way: a new duration (and revertToState) from now, or none.
      router.post(`${base}/${item}/:${param}/decommission/update`, w, (req, res) => {
        const id = idOf(req, param);
        const input = parseInput(changeSchema, body(req));
        const m = find(kind, id);
        if (!m) throw notFound(`agent ${id} is not known`);
        if (!['STARTING_DECOMMISSION', 'DECOMMISSIONING'].includes(m.current.state)) throw new HttpError(409, `agent ${id} is not decommissioning (it is ${m.current.state})`);
        const user = typeof res.locals.user === 'string' ? res.locals.user : undefined;
        const previous = expiring.get(kind, id);
        if (input.durationMillis === undefined) expiring.drop(kind, id);
        else expiring.save(kind, expiringOf(id, input, input.revertToState ?? previous?.revertToState ?? 'ACTIVE', ctx.now(), user));
        res.status(200).end();
      });
    }
    router.get(`${base}/expiring`, (_req, res) => {
      res.json(expiring.list(kind));
    });
    router.delete(`${base}/${item}/:${param}/expiring`, w, (req, res) => {
      expiring.drop(kind, idOf(req, param));
      res.status(200).end();
    });
    router.delete(`${base}/${item}/:${param}`, w, (req, res) => {
      const id = idOf(req, param);
      if (!book.remove(kind, id)) throw notFound(`Couldn't find dead ${kind} with id ${id}`);
      res.status(200).end();
    });
    for (const action of Object.keys(ACTIONS)) router.post(`${base}/${item}/:${param}/${action}`, w, change(kind, param, action));
  }
}
