/** The agent's HTTP routes: the executor API, the sandbox files, `/health` and `/state`. */
import type http from 'node:http';
import type { AgentState } from './agent-state';
import { agentStateJson } from './agent-state-json';
import type { ExecutorApi } from './executor-api';
import { serveFiles } from './files-api';
import { reply, replyError, replyJson } from './http-call';

export function agentRequestHandler(state: AgentState, executorApi: ExecutorApi): http.RequestListener {
  return (req, res) => {
    handle(state, executorApi, req, res).catch((err: unknown) => {
      state.log.error({ err }, 'agent request failed');
      replyError(res, err);
    });
  };
}

async function handle(state: AgentState, executorApi: ExecutorApi, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const p = url.pathname;
  if (p === '/api/v1/executor' || p === '/slave(1)/api/v1/executor') return executorApi.handle(req, res);
  if (p.startsWith('/files/')) {
    if (await serveFiles(state.workDir, url, res)) return;
  }
  if (p === '/health' || p === '/slave(1)/health') return reply(res, 200);
  if (p === '/state' || p === '/slave(1)/state' || p === '/state.json') return replyJson(res, agentStateJson(state));
  reply(res, 404);
}
