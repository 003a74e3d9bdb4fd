import { arr, obj } from '../../support/api-harness';
import type { ContractContext, ContractRow } from '../contract-row';

/** A running task of c_web, its sandbox served by the fake agent. */
const withAgent = async (c: ContractContext): Promise<Record<string, string>> => {
  const taskId = await c.activeTaskId('c_web');
  await c.fakeAgent();
  return { taskId, requestId: 'c_web', deployId: 'v1' };
};

const isSandboxLog = (requestId: string) => (entry: unknown): void => {
  const e = obj(entry);
  const taskId = String(e.key).split('/')[1];
  expect(e).toMatchObject({ key: `${requestId}/${taskId}/stdout`, size: 6, lastModified: 1_700_000_000_000, startTime: expect.any(Number) });
  expect(e.getUrl).toMatch(new RegExp(`/api/sandbox/${taskId}/download\\?path=stdout&view=true$`));
  expect(e.downloadUrl).toMatch(new RegExp(`/api/sandbox/${taskId}/download\\?path=stdout$`));
};

/** S3LogResource, served from the tasks' sandboxes (Griddle has no S3): the files of each sandbox's root. */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/logs/task/{taskId}',
    name: 'getTaskLogs: the files of the task’s sandbox',
    params: withAgent,
    status: 200,
    shape: { list: 'SingularityS3Log' },
    check: (res, p) => {
      expect(arr(res.json)).toHaveLength(1);
      arr(res.json).forEach(isSandboxLog(p.requestId));
      expect(obj(arr(res.json)[0]).key).toBe(`c_web/${p.taskId}/stdout`);
    },
  },
  {
    endpoint: 'GET /api/logs/task/{taskId}',
    name: 'list only, no metadata',
    params: withAgent,
    query: { list: 'true', excludeMetadata: 'true' },
    status: 200,
    shape: { list: 'SingularityS3LogMetadata' },
    check: (res) => expect(arr(res.json)[0]).toEqual({ key: expect.stringMatching(/\/stdout$/), lastModified: 1_700_000_000_000, size: 6 }),
  },
  {
    endpoint: 'GET /api/logs/request/{requestId}',
    name: 'getRequestLogs: every task of the request, newest first',
    params: withAgent,
    query: { start: '0', end: String(Date.now() + 3_600_000) },
    status: 200,
    shape: { list: 'SingularityS3Log' },
    check: (res, p) => {
      expect(arr(res.json).length).toBeGreaterThanOrEqual(2);
      arr(res.json).forEach(isSandboxLog(p.requestId));
    },
  },
  {
    endpoint: 'GET /api/logs/request/{requestId}/deploy/{deployId}',
    name: 'getDeployLogs',
    params: withAgent,
    query: { maxPerPage: '1' },
    status: 200,
    shape: { list: 'SingularityS3Log' },
    check: (res, p) => {
      expect(arr(res.json)).toHaveLength(1);
      arr(res.json).forEach(isSandboxLog(p.requestId));
    },
  },
  {
    endpoint: 'POST /api/logs/search',
    name: 'getPaginatedLogs: a first page of one task, and its continuation token',
    params: withAgent,
    body: (p) => ({ requestId: p.requestId, deployId: p.deployId, maxPerPage: 1, excludeMetadata: false, listOnly: false, continuationTokens: {} }),
    status: 200,
    shape: 'SingularityS3SearchResult',
    check: (res) => {
      const r = obj(res.json);
      expect(arr(r.results)).toHaveLength(1);
      expect(r).toMatchObject({ lastPage: false, continuationTokens: { sandbox: { value: '1', lastPage: false } } });
    },
  },
  {
    endpoint: 'POST /api/logs/search',
    name: 'the next page from the token',
    params: withAgent,
    body: (p) => ({ requestId: p.requestId, maxPerPage: 1000, continuationTokens: { sandbox: { value: '1', lastPage: false } } }),
    status: 200,
    shape: 'SingularityS3SearchResult',
    check: (res) => expect(obj(res.json)).toMatchObject({ lastPage: true, continuationTokens: { sandbox: { lastPage: true } } }),
  },
  {
    endpoint: 'POST /api/logs/search',
    name: 'neither requestId nor taskId',
    body: { start: 0 },
    status: 400,
    shape: 'ApiErrorBody',
  },
];
