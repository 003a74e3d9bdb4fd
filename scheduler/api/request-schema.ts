import * as z from 'zod';
import { Cron } from 'croner';
import type { SingularityRequest } from '../model';
import { requestIdSchema } from './ids';

export const REQUEST_TYPES = ['SERVICE', 'WORKER', 'SCHEDULED', 'ON_DEMAND', 'RUN_ONCE'] as const;
export const AGENT_PLACEMENTS = [
  'SEPARATE', 'OPTIMISTIC', 'GREEDY', 'SEPARATE_BY_DEPLOY', 'SEPARATE_BY_REQUEST', 'SPREAD_ALL_AGENTS',
] as const;

/** Request types whose tasks run forever and are kept at `instances`. */
export const LONG_RUNNING_TYPES: ReadonlySet<string> = new Set(['SERVICE', 'WORKER']);

/** An authorization group name (Singularity leaves them free-form; Griddle bounds them). */
export const groupName = z.string().min(1).max(200);
const attributeMap = z.record(z.string().min(1).max(200), z.string().max(1000));
/**
 * Singularity before 1.0 and Nmesos spell placements with "slaves" (`SPREAD_ALL_SLAVES`); any
 * `*_SLAVES` value is read as its `*_AGENTS` one, so older clients' requests are accepted.
 */
const placement = z.preprocess(
  (v) => (typeof v === 'string' && v.endsWith('_SLAVES') ? `${v.slice(0, -'_SLAVES'.length)}_AGENTS` : v),
  z.enum(AGENT_PLACEMENTS),
);

/** Returns why a cron expression is unusable, or undefined when croner accepts it. */
export function cronProblem(schedule: string): string | undefined {
  try {
    new Cron(schedule, { paused: true });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * SingularityRequest as clients send it: Singularity's current names plus the older `slave*`
 * aliases (Nmesos still sends `slavePlacement` and `requiredSlaveAttributes`) and
 * `quartzSchedule`. Unknown fields are ignored, as Singularity's Jackson mapper does.
 */
export const singularityRequestInput = z.object({
  id: requestIdSchema,
  requestType: z.enum(REQUEST_TYPES).optional(),
  instances: z.number().int().min(0).max(100_000).optional(),
  owners: z.array(z.string().max(200)).max(100).optional(),
  schedule: z.string().min(1).max(200).optional(),
  quartzSchedule: z.string().min(1).max(200).optional(),
  numRetriesOnFailure: z.number().int().min(0).max(1000).optional(),
  agentPlacement: placement.optional(),
  slavePlacement: placement.optional(),
  requiredAgentAttributes: attributeMap.optional(),
  requiredSlaveAttributes: attributeMap.optional(),
  allowedAgentAttributes: attributeMap.optional(),
  allowedSlaveAttributes: attributeMap.optional(),
  rackSensitive: z.boolean().optional(),
  loadBalanced: z.boolean().optional(),
  skipHealthchecks: z.boolean().optional(),
  maxTasksPerOffer: z.number().int().min(1).max(10_000).optional(),
  taskPriorityLevel: z.number().min(0).max(1).optional(),
  requiredRole: z.string().min(1).max(200).optional(),
  drainSeconds: z.number().int().min(0).max(3600).optional(),
  group: groupName.optional(),
  readWriteGroups: z.array(groupName).max(100).optional(),
  readOnlyGroups: z.array(groupName).max(100).optional(),
});

export type SingularityRequestInput = z.input<typeof singularityRequestInput>;

/** Drops keys whose value is undefined so stored JSON only holds what was given. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The request in the shape of `scheduler/model.ts`, with aliases folded into the current names. */
export const singularityRequestSchema = singularityRequestInput.transform((v, ctx): SingularityRequest => {
  const schedule = v.schedule ?? v.quartzSchedule;
  const requestType = v.requestType ?? (schedule ? 'SCHEDULED' : 'SERVICE');
  if (requestType === 'SCHEDULED' && !schedule) {
    ctx.issues.push({ code: 'custom', path: ['schedule'], input: v.schedule, message: 'is required for a SCHEDULED request (a cron expression such as "*/5 * * * *")' });
  }
  if (schedule && requestType !== 'SCHEDULED') {
    ctx.issues.push({ code: 'custom', path: ['schedule'], input: schedule, message: `is only valid for requestType SCHEDULED (this request is ${requestType})` });
  }
  if (schedule) {
    const problem = cronProblem(schedule);
    if (problem) ctx.issues.push({ code: 'custom', path: ['schedule'], input: schedule, message: `is not a valid cron expression: ${problem}` });
  }
  if (v.numRetriesOnFailure !== undefined && LONG_RUNNING_TYPES.has(requestType)) {
    ctx.issues.push({ code: 'custom', path: ['numRetriesOnFailure'], input: v.numRetriesOnFailure, message: `only applies to SCHEDULED, ON_DEMAND and RUN_ONCE requests (this request is ${requestType})` });
  }
  return compact({
    id: v.id,
    requestType,
    instances: v.instances,
    owners: v.owners,
    schedule,
    numRetriesOnFailure: v.numRetriesOnFailure,
    agentPlacement: v.agentPlacement ?? v.slavePlacement,
    requiredAgentAttributes: v.requiredAgentAttributes ?? v.requiredSlaveAttributes,
    allowedAgentAttributes: v.allowedAgentAttributes ?? v.allowedSlaveAttributes,
    rackSensitive: v.rackSensitive,
    loadBalanced: v.loadBalanced,
    skipHealthchecks: v.skipHealthchecks,
    maxTasksPerOffer: v.maxTasksPerOffer,
    taskPriorityLevel: v.taskPriorityLevel,
    requiredRole: v.requiredRole,
    drainSeconds: v.drainSeconds,
    group: v.group,
    readWriteGroups: v.readWriteGroups,
    readOnlyGroups: v.readOnlyGroups,
  });
});
