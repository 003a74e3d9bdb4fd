import * as z from 'zod';
import { parseShellCommands } from '../../../scheduler/api';
import { obj } from '../../support/api-harness';
import type { ContractContext, ContractRow } from '../contract-row';

/** TaskResource's shell commands (the harness has no executor: a run ends FAILED, not delivered). */

const taskIdObj = z.object({ id: z.string(), requestId: z.string() });
const request = z.object({ taskId: taskIdObj, timestamp: z.number(), shellCommand: z.object({ name: z.string() }) });
const update = z.object({
  shellRequestId: z.object({ taskId: taskIdObj, name: z.string(), timestamp: z.number() }),
  timestamp: z.number(),
  updateType: z.enum(['INVALID', 'ACKED', 'STARTED', 'FINISHED', 'FAILED']),
});

const allowEcho = (c: ContractContext): void => {
  c.h.router.shellCommands.useAllowList(parseShellCommands('echo: { command: [echo, hi], options: [-n] }', 'contract'));
};

/** A task with one `echo` run; its timestamp for the per-run row. */
const withRun = async (c: ContractContext): Promise<Record<string, string>> => {
  allowEcho(c);
  const taskId = await c.activeTaskId('c_shell');
  const res = await c.call('POST', `/api/tasks/task/${taskId}/command`, { name: 'echo' });
  return { taskId, commandName: 'echo', commandTimestamp: String(obj(res.json).timestamp) };
};

export const rows: ContractRow[] = [
  {
    endpoint: 'POST /api/tasks/task/{taskId}/command',
    params: async (c) => {
      allowEcho(c);
      return { taskId: await c.activeTaskId('c_shell') };
    },
    body: { name: 'echo', options: ['-n'], user: 'ann', logfileName: 'echo.out' },
    status: 200,
    shape: request,
    check: (res) => expect(obj(res.json)).toMatchObject({ user: 'ann', shellCommand: { name: 'echo', options: ['-n'], logfileName: 'echo.out' } }),
  },
  {
    endpoint: 'POST /api/tasks/task/{taskId}/command',
    name: 'a command off the allow-list is 400 naming it',
    params: async (c) => {
      allowEcho(c);
      return { taskId: await c.activeTaskId('c_shell') };
    },
    body: { name: 'rm' },
    status: 400,
    shape: z.object({ message: z.string() }),
    check: (res) => expect(obj(res.json).message).toContain("shell command 'rm' is not allowed (allowed: echo)"),
  },
  {
    endpoint: 'GET /api/tasks/task/{taskId}/command',
    params: withRun,
    status: 200,
    shape: z.array(z.object({ shellRequest: request, shellUpdates: z.array(update) })).min(1),
  },
  {
    endpoint: 'GET /api/tasks/task/{taskId}/command/{commandName}/{commandTimestamp}',
    params: withRun,
    status: 200,
    shape: z.array(update),
  },
];
