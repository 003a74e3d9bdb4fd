import { requestGroupSchema, updateGroupsSchema } from '../request-groups';
import { searchSchema } from './logs';
import { exitCooldownSchema } from './request-views';

/** Bodies of the routes in request-views, groups, history-views, task-views, task-tracking, state-views, sandbox browse and download, logs, task statistics, usage, inactive, auth-user and configuration. */
export const moreBodies = {
  SingularityRequestGroup: requestGroupSchema,
  SingularityUpdateGroupsRequest: updateGroupsSchema,
  SingularityExitCooldownRequest: exitCooldownSchema,
  SingularityS3SearchRequest: searchSchema,
} as const;

type Op = { summary: string; body?: keyof typeof moreBodies; params?: string[]; query?: string[] };

const r = ['requestId'];
const search = ['requestId', 'deployId', 'runId', 'host', 'lastTaskStatus', 'startedBefore', 'startedAfter', 'updatedBefore', 'updatedAfter', 'orderDirection', 'count', 'page'];

export const moreOps: Record<string, Partial<Record<'get' | 'post' | 'put' | 'delete', Op>>> = {
  '/requests/ids': { get: { summary: 'All request ids (string[])', query: ['requestIdLike', 'state'] } },
  '/requests/ids/active': { get: { summary: 'ACTIVE request ids' } },
  '/requests/batch': { get: { summary: 'SingularityRequestBatch {requests, notFound} for ?id=a&id=b', query: ['id'] } },
  '/requests/cooldown': { get: { summary: 'Requests in SYSTEM_COOLDOWN', query: ['limit', 'requestType', 'property'] } },
  '/requests/finished': { get: { summary: 'FINISHED requests', query: ['limit', 'requestType', 'property'] } },
  '/requests/queued/pending': { get: { summary: 'SingularityPendingRequest[]: what the scheduler still has to launch, by request' } },
  '/requests/queued/cleanup': { get: { summary: 'SingularityRequestCleanup[]: deletes, pauses and bounces in progress' } },
  '/requests/crashloops': { get: { summary: 'Open crash loops by request id ({requestId: CrashLoopInfo[]})' } },
  '/requests/request/{requestId}/simple': { get: { summary: 'SingularityRequestWithState {request, state, timestamp}', params: r } },
  '/requests/request/{requestId}/crashloops': { get: { summary: "The request's open crash loops (CrashLoopInfo[])", params: r } },
  '/requests/request/{requestId}/run/{runId}': { get: { summary: "The active task of a run (SingularityTaskId)", params: [...r, 'runId'] } },
  '/requests/request/{requestId}/exit-cooldown': { post: { summary: 'Leave SYSTEM_COOLDOWN now (409 when not cooling down)', body: 'SingularityExitCooldownRequest', params: r } },
  '/requests/request/{requestId}/groups': { post: { summary: "Set the request's group, readWriteGroups and readOnlyGroups", body: 'SingularityUpdateGroupsRequest', params: r } },
  '/requests/request/{requestId}/groups/auth-check': { post: { summary: 'Check a groups update without making it (200 when allowed)', body: 'SingularityUpdateGroupsRequest', params: r } },
  '/groups': { get: { summary: 'Request groups (SingularityRequestGroup[])' }, post: { summary: 'Create or replace a request group', body: 'SingularityRequestGroup' } },
  '/groups/group/{requestGroupId}': { get: { summary: 'One request group', params: ['requestGroupId'] }, delete: { summary: 'Delete a request group', params: ['requestGroupId'] } },
  '/history/request/{requestId}/requests': { get: { summary: 'Every change to the request with user and message (SingularityRequestHistory[])', params: r, query: ['createdBefore', 'createdAfter', 'orderDirection', 'count', 'page'] } },
  '/history/request/{requestId}/tasks/active': { get: { summary: 'SingularityTaskIdHistory of the active tasks', params: r } },
  '/history/request/{requestId}/run/{runId}': { get: { summary: "The latest task of a run (SingularityTaskIdHistory)", params: [...r, 'runId'] } },
  '/history/tasks': { get: { summary: 'Search ended tasks (SingularityTaskIdHistory[])', query: search } },
  '/history/tasks/withmetadata': { get: { summary: 'Search ended tasks, paginated ({objects, dataCount, pageCount, page})', query: search } },
  '/tasks/scheduled': { get: { summary: 'Pending tasks (SingularityTaskRequest[])' } },
  '/tasks/scheduled/ids': { get: { summary: 'Pending task ids (SingularityPendingTaskId[])' } },
  '/tasks/scheduled/request/{requestId}': { get: { summary: "A request's pending tasks", params: r } },
  '/tasks/scheduled/task/{pendingTaskId}': { get: { summary: 'One pending task', params: ['pendingTaskId'] } },
  '/tasks/ids/request/{requestId}': { get: { summary: 'SingularityTaskIdsByStatus', params: r } },
  '/tasks/counts/request/{requestId}': { get: { summary: 'SingularityTaskCounts {requestId, active, pending, cleaning}', params: r } },
  '/tasks/active/slave/{agentId}': { get: { summary: 'Active tasks on an agent', params: ['agentId'] } },
  '/tasks/active/slave/{agentId}/ids': { get: { summary: 'Active task ids on an agent', params: ['agentId'] } },
  '/tasks/active/agent/{agentId}': { get: { summary: 'Active tasks on an agent', params: ['agentId'] } },
  '/tasks/active/agent/{agentId}/ids': { get: { summary: 'Active task ids on an agent', params: ['agentId'] } },
  '/tasks/active/ids': { get: { summary: 'Active task ids (SingularityTaskId[])' } },
  '/tasks/active/states': { get: { summary: 'Status updates of each active task ({taskId: SingularityTaskHistoryUpdate[]})' } },
  '/tasks/cleaning': { get: { summary: 'Tasks Griddle decided to kill (SingularityTaskCleanup[])' } },
  '/tasks/killed': { get: { summary: 'Tasks killed and not yet ended (SingularityKilledTaskIdRecord[])' } },
  '/track/task/{taskId}': { get: { summary: 'SingularityTaskState of a task, active or ended', params: ['taskId'] } },
  '/track/run/{requestId}/{runId}': { get: { summary: 'SingularityTaskState of a run: its task, or pending while queued', params: [...r, 'runId'] } },
  '/state/requests/under-provisioned': { get: { summary: 'Ids of requests with fewer instances than desired' } },
  '/state/requests/over-provisioned': { get: { summary: 'Ids of requests with more instances than desired' } },
  '/state/task-reconciliation': { get: { summary: 'SingularityTaskReconciliationStatistics (404 before the first reconciliation)' } },
  '/state/scheduled-tasks-info': { get: { summary: 'SingularityScheduledTasksInfo: late tasks, future tasks, max lag' } },
  '/sandbox/{taskId}/browse': { get: { summary: "SingularitySandbox: a directory of the task's sandbox ('' or no path: its root)", params: ['taskId'], query: ['path'] } },
  '/sandbox/{taskId}/download': { get: { summary: "Griddle's: the whole sandbox file through the agent's /files/download (view=true: as text/plain inline)", params: ['taskId'], query: ['path', 'view'] } },
  '/tasks/task/{taskId}/statistics': { get: { summary: "MesosTaskStatisticsObject of a running task's container, measured by its executor (504 when it does not answer)", params: ['taskId'] } },
  '/logs/task/{taskId}': { get: { summary: "SingularityS3Log[]: the files of the task's sandbox (no S3), URLs to /sandbox/{taskId}/download", params: ['taskId'], query: ['start', 'end', 'excludeMetadata', 'list'] } },
  '/logs/request/{requestId}': { get: { summary: "SingularityS3Log[] of the request's tasks' sandboxes, newest tasks first", params: r, query: ['start', 'end', 'excludeMetadata', 'list', 'maxPerPage'] } },
  '/logs/request/{requestId}/deploy/{deployId}': { get: { summary: "SingularityS3Log[] of one deploy's tasks' sandboxes", params: [...r, 'deployId'], query: ['start', 'end', 'excludeMetadata', 'list', 'maxPerPage'] } },
  '/logs/search': { post: { summary: 'SingularityS3SearchResult: sandbox files, a page of tasks at a time (continuation token `sandbox`)', body: 'SingularityS3SearchRequest' } },
  '/usage/cluster/utilization': { get: { summary: 'SingularityClusterUtilization: measured use against reservations, per request and for the cluster' } },
  '/inactive': {
    get: { summary: 'Hosts marked inactive (string[]): they get no new task' },
    post: { summary: 'Mark a host inactive (204)', query: ['host'] },
    delete: { summary: 'Take a host off the inactive list (204)', query: ['host'] },
  },
  '/auth/user': { get: { summary: 'SingularityUserHolder of the presented bearer token' } },
  '/usage/requests': { get: { summary: 'RequestUtilization[]: measured use against reservations of each request with a measured task', query: ['useWebCache'] } },
  '/usage/requests/request/{requestId}': { get: { summary: "The request's RequestUtilization (404 before any task is measured)", params: r, query: ['useWebCache'] } },
  '/shuffle/blacklist/{requestId}': { get: { summary: 'Whether the request is opted out of task shuffling: always false (Griddle never shuffles tasks)', params: r } },
  '/configuration/singularity-limits': { get: { summary: 'SingularityLimits: maxDecommissioningAgents, enforced on agent decommissions' } },
  '/notifications/allowlist': { get: { summary: 'E-mail notification allowlist: always [] (Griddle sends no e-mail)' } },
  '/slim/requests': { get: { summary: "Griddle's: one slim row per request (instances, deploys, pending reasons), paginated", query: ['offset', 'limit', 'q', 'state', 'type', 'underProvisioned'] } },
  '/slim/tasks': { get: { summary: "Griddle's: one slim row per active task, paginated", query: ['offset', 'limit', 'requestId', 'agentId'] } },
  '/slim/agents': { get: { summary: "Griddle's: agents with attributes, resources used/total and task counts" } },
  '/slim/overview': { get: { summary: "Griddle's: leader, agents, resources used/total, tasks by state, the newest event id" } },
  '/slim/session': { get: { summary: "Griddle's: the presented token's scope (open, read, deploy or none)" } },
};
