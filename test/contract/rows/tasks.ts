import * as z from 'zod';
import { formatTaskId, type SingularityTaskId } from '../../../contract';
import { arr, obj } from '../../support/api-harness';
import type { ContractContext, ContractRow } from '../contract-row';

/** A running task whose agent answers `/state` and `/files/…`. */
const throughAgent = async (c: ContractContext): Promise<Record<string, string>> => {
  await c.fakeAgent();
  return { taskId: await c.activeTaskId('c_web') };
};

/** TaskResource and SandboxResource. */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/tasks/active',
    params: async (c) => ({ r: await c.request('c_web') }),
    status: 200,
    shape: { list: 'SingularityTask' },
    check: (res) => {
      for (const t of arr(res.json)) expect(formatTaskId(t.taskId as SingularityTaskId)).toBe(obj(t.taskId).id);
    },
  },
  {
    endpoint: 'DELETE /api/tasks/task/{taskId}',
    name: 'kill with a SingularityKillTaskRequest, by the id rebuilt from its id object',
    params: async (c) => ({ taskId: await c.activeTaskId('c_killed') }),
    body: { message: 'stuck', override: false, actionId: 'k-1', waitForReplacementTask: false, runShellCommandBeforeKill: null },
    status: 200,
    shape: 'SingularityTaskCleanup',
    check: (res, p) => expect(obj(res.json)).toMatchObject({ cleanupType: 'USER_REQUESTED', taskId: { id: p.taskId } }),
  },
  {
    endpoint: 'GET /api/sandbox/{taskId}/read',
    name: 'readSandBoxFile (MesosFileChunkObject)',
    params: throughAgent,
    query: { path: 'stdout', grep: 'hello', offset: '0', length: '50000' },
    status: 200,
    shape: z.object({ data: z.string(), offset: z.number(), nextOffset: z.number() }),
    check: (res) => expect(res.json).toEqual({ data: 'hello\n', offset: 0, nextOffset: 6 }),
  },
  {
    endpoint: 'GET /api/sandbox/{taskId}/read',
    name: 'grep keeps only the matching lines; the offsets stay the chunk’s',
    params: throughAgent,
    query: { path: 'stdout', grep: '^bye$', offset: '0', length: '50000' },
    status: 200,
    shape: z.object({ data: z.string(), offset: z.number(), nextOffset: z.number() }),
    check: (res) => expect(res.json).toEqual({ data: '', offset: 0, nextOffset: 6 }),
  },
  {
    endpoint: 'GET /api/sandbox/{taskId}/read',
    name: 'a grep that is no regular expression',
    params: throughAgent,
    query: { path: 'stdout', grep: '(' },
    status: 400,
    shape: 'ApiErrorBody',
  },
  {
    endpoint: 'GET /api/sandbox/{taskId}/browse',
    name: 'browseTaskSandBox: the sandbox root',
    params: throughAgent,
    query: { path: '' },
    status: 200,
    shape: 'SingularitySandbox',
    check: (res, p) => expect(obj(res.json)).toMatchObject({
      files: [{ name: 'stdout', size: 6, mtime: 1_700_000_000, mode: '-rw-r--r--' }], fullPathToRoot: `/sandbox/${p.taskId}`, currentDirectory: '', agentHostname: '127.0.0.1',
    }),
  },
  {
    endpoint: 'GET /api/sandbox/{taskId}/browse',
    name: 'a directory inside it, given with a trailing slash',
    params: throughAgent,
    query: { path: 'logs/' },
    status: 200,
    shape: 'SingularitySandbox',
    check: (res) => expect(obj(res.json)).toMatchObject({ files: [{ name: 'stdout' }], currentDirectory: 'logs' }),
  },
];
