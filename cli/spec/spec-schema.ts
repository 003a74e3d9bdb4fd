import { z } from 'zod';
import { parsePortSpec, PortSyntaxError } from './port-spec';

/**
 * The Nmesos spec format, as one environment looks after `common` is merged into it. Field
 * names are Nmesos's (camelCase and snake_case mixed, as teams already write them). Griddle
 * additions are marked; everything Nmesos accepts is accepted here.
 */

/** Env values are strings in the end; YAML hands us `PORT: 8080` as a number. */
const envValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const stringMap = z.record(z.string(), envValue);

export const PLACEMENTS = [
  'SEPARATE', 'OPTIMISTIC', 'GREEDY', 'SEPARATE_BY_DEPLOY', 'SEPARATE_BY_REQUEST', 'SPREAD_ALL_AGENTS',
  // Nmesos and older Singularity spell the last one with "slaves".
  'SPREAD_ALL_SLAVES',
] as const;

/** One of Nmesos's port forms; the message says which forms exist. */
const portSchema = z.union([z.number().int(), z.string()]).superRefine((value, ctx) => {
  try {
    parsePortSpec(value);
  } catch (e) {
    if (!(e instanceof PortSyntaxError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message });
  }
});

const volumeSchema = z.string().refine((volume) => {
  const parts = volume.split(':');
  return parts.length >= 2 && parts.length <= 3 && Boolean(parts[0]) && Boolean(parts[1]) && (parts[2] === undefined || /^(ro|rw)$/i.test(parts[2]));
}, { error: (issue) => `'${String(issue.input)}' must be host:container or host:container:ro|rw` });

export const resourcesSchema = z.strictObject({
  cpus: z.number().positive(),
  memoryMb: z.number().int().positive(),
  instances: z.number().int().nonnegative().optional(),
  /** Griddle */
  diskMb: z.number().int().nonnegative().optional(),
});

export const containerSchema = z.strictObject({
  image: z.string().min(1),
  command: z.string().optional(),
  forcePullImage: z.boolean().optional(),
  network: z.enum(['BRIDGE', 'HOST', 'NONE']).optional(),
  ports: z.array(portSchema).optional(),
  labels: stringMap.optional(),
  env_vars: stringMap.optional(),
  volumes: z.array(volumeSchema).optional(),
  dockerParameters: stringMap.optional(),
  deploy_freeze: z.boolean().optional(),
});

export const schedulerSchema = z.strictObject({
  url: z.url().optional(),
  schedule: z.string().min(1).optional(),
  requestType: z.enum(['SERVICE', 'WORKER', 'SCHEDULED', 'ON_DEMAND', 'RUN_ONCE']).optional(),
  deployInstanceCountPerStep: z.number().int().positive().optional(),
  deployStepWaitTimeMs: z.number().int().nonnegative().optional(),
  deployHealthTimeoutSeconds: z.number().int().positive().optional(),
  autoAdvanceDeploySteps: z.boolean().optional(),
  healthcheckUri: z.string().optional(),
  healthcheckPortIndex: z.number().int().nonnegative().optional(),
  healthcheckMaxRetries: z.number().int().nonnegative().optional(),
  healthcheckTimeoutSeconds: z.number().int().positive().optional(),
  healthcheckMaxTotalTimeoutSeconds: z.number().int().positive().optional(),
  /** Griddle: HTTP (default when healthcheckUri is set), HTTPS, TCP or COMMAND. */
  healthcheckProtocol: z.enum(['HTTP', 'HTTPS', 'TCP', 'COMMAND']).optional(),
  /** Griddle: the shell command of a COMMAND check. */
  healthcheckCommand: z.string().optional(),
  /** Griddle */
  healthcheckIntervalSeconds: z.number().int().positive().optional(),
  /** Griddle */
  healthcheckStartupDelaySeconds: z.number().int().nonnegative().optional(),
  requiredRole: z.string().optional(),
  requiredAttributes: stringMap.optional(),
  allowedSlaveAttributes: stringMap.optional(),
  slavePlacement: z.enum(PLACEMENTS).optional(),
  /** Griddle: seconds a task stays DRAINING in discovery before it is killed. */
  drainSeconds: z.number().int().nonnegative().optional(),
  /** Griddle */
  numRetriesOnFailure: z.number().int().nonnegative().optional(),
  /** Griddle */
  owners: z.array(z.string()).optional(),
});

export const executorSchema = z.strictObject({
  customExecutorCmd: z.string().optional(),
  env_vars: stringMap.optional(),
});

const deployJob = z.strictObject({ service_name: z.string(), tag: z.union([z.string(), z.number()]).transform(String).optional() });

export const environmentSchema = z.strictObject({
  resources: resourcesSchema,
  container: containerSchema,
  /** `scheduler:` in the file is read as this block too. */
  singularity: schedulerSchema.optional(),
  executor: executorSchema.optional(),
  after_deploy: z.strictObject({ on_success: z.array(deployJob).optional(), on_failure: deployJob.optional() }).optional(),
});

export type EnvironmentSpec = z.output<typeof environmentSchema>;
export type ContainerSpec = EnvironmentSpec['container'];
export type SchedulerSpec = z.output<typeof schedulerSchema>;
