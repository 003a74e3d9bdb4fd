/**
 * The operations routes in the OpenAPI document (docs/operations.md): expiring actions,
 * priority, shell commands, webhooks and machine maintenance. Bodies are Singularity's and are
 * named in the summaries; each route's schema validates them.
 */
type Op = { summary: string; params?: string[]; query?: string[] };

const r = ['requestId'];
export const expiringCancel = (what: string): Op => ({ summary: `Cancel the expiring ${what}, keeping it as it is (404 when there is none)`, params: r });
const machine = (kind: 'agent' | 'rack', base: string, item: string, param: string): Record<string, Partial<Record<'get' | 'post' | 'delete', Op>>> => ({
  [base]: { get: { summary: `Singularity${kind === 'agent' ? 'Agent' : 'Rack'}[] with their maintenance state`, query: ['state'] } },
  [`${base}/${item}/{${param}}`]: {
    get: { summary: 'State history, newest first (SingularityMachineStateHistoryUpdate[])', params: [param] },
    delete: { summary: 'Forget the record', params: [param] },
  },
  [`${base}/${item}/{${param}}/freeze`]: { post: { summary: 'FROZEN: no new tasks (SingularityMachineChangeRequest)', params: [param] } },
  [`${base}/${item}/{${param}}/decommission`]: { post: { summary: 'Replace its tasks elsewhere, healthy first, then DECOMMISSIONED', params: [param] } },
  [`${base}/${item}/{${param}}/activate`]: { post: { summary: 'ACTIVE again', params: [param] } },
});

export const operationsOps: Record<string, Partial<Record<'get' | 'post' | 'put' | 'delete', Op>>> = {
  '/requests/request/{requestId}/skip-healthchecks': {
    put: { summary: 'Skip health checks (SingularitySkipHealthchecksRequest; with durationMillis they come back)', params: r },
    delete: expiringCancel('skip-healthchecks'),
  },
  '/requests/request/{requestId}/priority': {
    put: { summary: 'Set taskPriorityLevel (SingularityPriorityRequest; with durationMillis it reverts)', params: r },
    delete: expiringCancel('priority'),
  },
  '/priority/freeze': {
    get: { summary: 'SingularityPriorityFreezeParent (404 while none)' },
    post: { summary: 'Freeze requests below minimumPriorityLevel (SingularityPriorityFreeze)' },
    delete: { summary: 'Lift the freeze (204; 400 while none)' },
  },
  '/tasks/task/{taskId}/command': {
    get: { summary: 'SingularityTaskShellCommandHistory[] of the task', params: ['taskId'] },
    post: { summary: 'Run an allow-listed command in the task (SingularityShellCommand); 400 off the list', params: ['taskId'] },
  },
  '/tasks/task/{taskId}/command/{commandName}/{commandTimestamp}': { get: { summary: 'SingularityTaskShellCommandUpdate[] of one run', params: ['taskId', 'commandName', 'commandTimestamp'] } },
  '/webhooks': {
    get: { summary: 'SingularityWebhook[]' },
    post: { summary: 'Register a webhook ({uri, type}): "CREATED" or "EXISTED"' },
    delete: { summary: 'Remove a webhook and its queue: "DELETED" or "DIDNT_EXIST"', query: ['webhookId'] },
  },
  '/webhooks/summary': { get: { summary: 'SingularityWebhookSummary[]: queue size, failures, last error' } },
  '/webhooks/request': { get: { summary: 'Queued SingularityRequestHistory of a webhook', query: ['webhookId'] } },
  '/webhooks/deploy': { get: { summary: 'Queued SingularityDeployUpdate of a webhook', query: ['webhookId'] } },
  '/webhooks/task': { get: { summary: 'Queued SingularityTaskHistoryUpdate of a webhook', query: ['webhookId'] } },
  ...machine('agent', '/agents', 'agent', 'agentId'),
  ...machine('rack', '/racks', 'rack', 'rackId'),
};
