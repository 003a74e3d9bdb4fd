import * as z from 'zod';
import { deployIdSchema, requestIdSchema } from './ids';

/** Bodies and query strings of the request/task actions, with Singularity's field names. */

const message = z.string().max(10_000).optional();

export const scaleSchema = z.object({
  instances: z.number().int().min(0).max(100_000),
  message,
  skipHealthchecks: z.boolean().optional(),
});

export const pauseSchema = z.object({
  killTasks: z.boolean().optional(),
  message,
});

export const unpauseSchema = z.object({ message, skipHealthchecks: z.boolean().optional() });

export const bounceSchema = z.object({
  incremental: z.boolean().optional(),
  message,
});

export const rollbackSchema = z.object({
  deployId: deployIdSchema.optional(),
  message,
});

export const runSchema = z.object({
  commandLineArgs: z.array(z.string().max(10_000)).max(100).optional(),
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1-100 characters of A-Z, a-z, 0-9, "_" and "-"').optional(),
  message,
});

export const killTaskSchema = z.object({ message, override: z.boolean().optional() });

export const deployUpdateSchema = z.object({
  requestId: requestIdSchema,
  deployId: deployIdSchema,
  targetActiveInstances: z.number().int().min(1).max(100_000),
  message,
});

const intString = (min: number, max: number) =>
  z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

export const paginationSchema = z.object({
  count: intString(1, 1000).optional(),
  page: intString(1, 1_000_000).optional(),
});

export const taskHistoryQuerySchema = paginationSchema.extend({
  requestId: requestIdSchema.optional(),
  deployId: deployIdSchema.optional(),
});

export const sandboxQuerySchema = z.object({
  path: z.string().min(1).max(1000)
    .regex(/^[A-Za-z0-9_.\-/]+$/, 'must be a file name inside the sandbox such as "stdout" or "stderr"')
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be relative to the sandbox (no leading "/", no "..")'),
  offset: intString(0, 1e9).optional(),
  length: intString(0, 10_000_000).optional(),
});

export const eventsQuerySchema = z.object({
  requestId: requestIdSchema.optional(),
});

export const requestsQuerySchema = z.object({
  includeFullRequestData: z.enum(['true', 'false']).optional(),
  filterRelevantForUser: z.enum(['true', 'false']).optional(),
});
