import type { Router } from 'express';
import * as z from 'zod';
import { deployRequestSchema, singularityDeployInput } from '../deploy-schema';
import { singularityRequestInput } from '../request-schema';
import { deployUpdateSchema } from './deploys';
import { bounceSchema, pauseSchema, rollbackSchema, runSchema, scaleSchema, unpauseSchema } from './requests';
import { killTaskSchema } from './tasks';
import { moreBodies, moreOps } from './openapi-more';
import { expiringCancel, operationsOps } from './openapi-operations';

/** The request bodies the API accepts, under the names Singularity's docs use. */
const bodies = {
  SingularityRequest: singularityRequestInput,
  SingularityDeploy: singularityDeployInput,
  SingularityDeployRequest: deployRequestSchema,
  SingularityScaleRequest: scaleSchema,
  SingularityPauseRequest: pauseSchema,
  SingularityUnpauseRequest: unpauseSchema,
  SingularityBounceRequest: bounceSchema,
  GriddleRollbackRequest: rollbackSchema,
  SingularityRunNowRequest: runSchema,
  SingularityKillTaskRequest: killTaskSchema,
  SingularityUpdatePendingDeployRequest: deployUpdateSchema,
  ...moreBodies,
} as const;
type BodyName = keyof typeof bodies;

interface Op { summary: string; body?: BodyName; params?: string[]; query?: string[] }

/** Singularity's request-list parameters (resources/requests.ts). */
const LIST_QUERY = ['property', 'filterRelevantForUser', 'includeFullRequestData', 'useWebCache'];

const ops: Record<string, Partial<Record<'get' | 'post' | 'put' | 'delete', Op>>> = {
  '/requests': { get: { summary: 'All requests (SingularityRequestParent[]); ?property= keeps the members named', query: LIST_QUERY }, post: { summary: 'Create or update a request', body: 'SingularityRequest' } },
  '/requests/active': { get: { summary: 'ACTIVE requests', query: LIST_QUERY } },
  '/requests/paused': { get: { summary: 'PAUSED requests', query: LIST_QUERY } },
  '/requests/request/{requestId}': { get: { summary: 'One request with activeDeploy, pendingDeploy and taskIds', params: ['requestId'] }, delete: { summary: 'Delete a request and kill its tasks (history is kept)', params: ['requestId'] } },
  '/requests/request/{requestId}/scale': { put: { summary: 'Set instances', body: 'SingularityScaleRequest', params: ['requestId'] }, delete: expiringCancel('scale') },
  '/requests/request/{requestId}/pause': { post: { summary: 'Pause (kills the tasks)', body: 'SingularityPauseRequest', params: ['requestId'] }, delete: expiringCancel('pause') },
  '/requests/request/{requestId}/unpause': { post: { summary: 'Unpause', body: 'SingularityUnpauseRequest', params: ['requestId'] } },
  '/requests/request/{requestId}/bounce': { post: { summary: 'Rolling restart under the deploy rules', body: 'SingularityBounceRequest', params: ['requestId'] }, delete: expiringCancel('bounce') },
  '/requests/request/{requestId}/rollback': { post: { summary: 'Redeploy an earlier deploy (default: the last SUCCEEDED before the active one)', body: 'GriddleRollbackRequest', params: ['requestId'] } },
  '/requests/request/{requestId}/run': { post: { summary: 'Run an ON_DEMAND, RUN_ONCE or SCHEDULED request now', body: 'SingularityRunNowRequest', params: ['requestId'] } },
  '/deploys': { post: { summary: 'Start a deploy (409 while another is pending)', body: 'SingularityDeployRequest' } },
  '/deploys/deploy/{deployId}/request/{requestId}': { delete: { summary: 'Cancel a pending deploy', params: ['deployId', 'requestId'] } },
  '/deploys/update': { post: { summary: 'Advance a pending deploy to targetActiveInstances', body: 'SingularityUpdatePendingDeployRequest' } },
  '/deploys/pending': { get: { summary: 'Pending deploys with their progress' } },
  '/history/request/{requestId}/deploys': { get: { summary: 'Deploy history, newest first', params: ['requestId'], query: ['count', 'page'] } },
  '/history/request/{requestId}/deploy/{deployId}': { get: { summary: 'One deploy with deployResult', params: ['requestId', 'deployId'] } },
  '/history/request/{requestId}/tasks': { get: { summary: 'Ended tasks, newest first, with the filters of /history/tasks', params: ['requestId'], query: ['count', 'page', 'deployId', 'runId', 'host', 'lastTaskStatus', 'startedBefore', 'startedAfter', 'updatedBefore', 'updatedAfter', 'orderDirection'] } },
  '/history/task/{taskId}': { get: { summary: 'One task, active or ended', params: ['taskId'] } },
  '/tasks/active': { get: { summary: 'Active tasks (SingularityTask[])' } },
  '/tasks/task/{taskId}': { get: { summary: 'One active task', params: ['taskId'] }, delete: { summary: 'Kill one task (replaced unless the request is paused)', body: 'SingularityKillTaskRequest', params: ['taskId'] } },
  '/sandbox/{taskId}/read': { get: { summary: "Read a sandbox file through the agent's /files/read", params: ['taskId'], query: ['path', 'offset', 'length', 'grep'] } },
  '/state': { get: { summary: 'Counts, under/over-provisioned requests, pending tasks with reasons, leader' } },
  '/events': { get: { summary: 'Server-sent events; Last-Event-ID resumes; ?requestId= filters', query: ['requestId'] } },
  '/openapi.json': { get: { summary: 'This document' } },
  ...moreOps,
  ...operationsOps,
};

/** OpenAPI 3.1 document of the API, with request bodies generated from the zod schemas that validate them. */
export function openApiDocument(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(bodies)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  const paths: Record<string, unknown> = {};
  for (const [p, methods] of Object.entries(ops)) {
    const item: Record<string, unknown> = {};
    for (const [method, op] of Object.entries(methods)) {
      item[method] = {
        summary: op.summary,
        parameters: [
          ...(op.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          ...(op.query ?? []).map((name) => ({ name, in: 'query', required: name === 'path', schema: { type: 'string' } })),
        ],
        requestBody: op.body ? { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body}` } } } } : undefined,
        responses: {
          200: { description: 'OK (Singularity JSON shapes)' },
          400: { description: 'Invalid input; the message names the field' },
          401: { description: 'Missing or unknown bearer token' },
          404: { description: 'Unknown id' },
          409: { description: 'Conflicts with the current state (e.g. a deploy is already pending)' },
        },
      };
    }
    paths[p] = item;
  }
  for (const s of Object.values(schemas)) delete (s as Record<string, unknown>).$schema;
  return {
    openapi: '3.1.0',
    info: { title: 'Griddle scheduler API (Singularity-compatible)', version: '1' },
    servers: [{ url: '/api' }, { url: '/singularity/api' }],
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}

/** `/openapi.json`: built once, from the same schemas that validate the bodies. */
export function registerOpenApi(router: Router): void {
  const doc = openApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
}
