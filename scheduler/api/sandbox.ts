import type { SingularitySandbox } from '../../contract';
import type { Offer } from '../../mesos-proto';
import type { SchedulerPort } from '../deploys';
import { HttpError, notFound } from './http-errors';

interface AgentState {
  frameworks?: AgentFramework[];
  completed_frameworks?: AgentFramework[];
}
interface AgentFramework { executors?: AgentExecutor[]; completed_executors?: AgentExecutor[] }
type SandboxTask = { taskId: string; agentId: string; hostname: string };

/** A history read waits this long for the agent before answering without a directory. */
const DIRECTORY_TIMEOUT_MS = 1000;
const MAX_REMEMBERED = 10_000;

interface AgentExecutor { id?: string; directory?: string; tasks?: { id?: string }[]; completed_tasks?: { id?: string }[] }

/**
 * Reads task sandbox files through the agent's `/files/read`, as Singularity does. The agent's
 * URL comes from the offers it made (Offer.url); the sandbox directory from the agent's
 * `/state` (the executor that ran the task).
 */
export class SandboxReader {
  private readonly agentUrls = new Map<string, string>();
  /** Sandbox directories found so far, by task id (a directory never moves). */
  private readonly directories = new Map<string, string>();
  private readonly onOffers = (offers: Offer[]): void => {
    for (const o of offers) {
      const a = o.url?.address;
      if (a) this.agentUrls.set(o.agent_id.value, `${o.url?.scheme ?? 'http'}://${a.ip ?? a.hostname}:${a.port}`);
    }
  };

  constructor(private readonly scheduler: SchedulerPort, private readonly timeoutMs = 5000) {}

  start(): void {
    this.scheduler.events.on('offers', this.onOffers);
  }

  stop(): void {
    this.scheduler.events.off('offers', this.onOffers);
  }

  /** For agents known some other way (tests, a restart before any offer). */
  setAgentUrl(agentId: string, url: string): void {
    this.agentUrls.set(agentId, url);
  }

  private async getJson(url: string, timeoutMs = this.timeoutMs): Promise<unknown> {
    let res: globalThis.Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new HttpError(502, `agent unreachable: ${(err as Error).message}`);
    }
    if (res.status === 404) throw notFound(`the agent has no such file (${new URL(url).pathname})`);
    if (!res.ok) throw new HttpError(502, `agent answered ${res.status} for ${new URL(url).pathname}`);
    return res.json();
  }

  private async lookUp(task: SandboxTask, timeoutMs: number): Promise<{ base: string; directory: string }> {
    const base = this.agentUrls.get(task.agentId);
    if (!base) throw new HttpError(502, `no address known for agent ${task.agentId} (${task.hostname}); it has sent no offer since this scheduler started`);
    const known = this.directories.get(task.taskId);
    if (known) return { base, directory: known };
    const state = (await this.getJson(`${base}/state`, timeoutMs)) as AgentState;
    const directory = findDirectory(state, task.taskId);
    if (!directory) throw notFound(`the agent ${task.hostname} has no sandbox for task ${task.taskId} (it may have been garbage-collected)`);
    if (this.directories.size >= MAX_REMEMBERED) this.directories.clear();
    this.directories.set(task.taskId, directory);
    return { base, directory };
  }

  /** The task's sandbox directory for its history, or null when the agent cannot tell quickly. */
  async directoryOf(task: SandboxTask): Promise<string | null> {
    return this.lookUp(task, DIRECTORY_TIMEOUT_MS).then((found) => found.directory, () => null);
  }

  async read(task: SandboxTask, path: string, offset: number, length: number): Promise<{ data: string; offset: number; nextOffset: number }> {
    const { base, directory } = await this.lookUp(task, this.timeoutMs);
    const q = new URLSearchParams({ path: `${directory}/${path}`, offset: String(offset), length: String(length) });
    const chunk = (await this.getJson(`${base}/files/read?${q}`)) as { data?: string; offset?: number };
    const data = chunk.data ?? '';
    const at = chunk.offset ?? offset;
    return { data, offset: at, nextOffset: at + Buffer.byteLength(data) };
  }

  /** The whole file, streamed from the agent's `/files/download` (Mesos sends it as an attachment). */
  async download(task: SandboxTask, path: string): Promise<globalThis.Response> {
    const { base, directory } = await this.lookUp(task, this.timeoutMs);
    const url = `${base}/files/download?${new URLSearchParams({ path: `${directory}/${path}` })}`;
    let res: globalThis.Response;
    try {
      // A large file may take a while: minutes, not the few seconds a read gets.
      res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs * 60) });
    } catch (err) {
      throw new HttpError(502, `agent unreachable: ${(err as Error).message}`);
    }
    if (res.status === 404) throw notFound(`the agent has no file ${path} in the sandbox of task ${task.taskId}`);
    if (!res.ok || !res.body) throw new HttpError(502, `agent answered ${res.status} for /files/download`);
    return res;
  }

  /** Lists `path` (relative, '' for the root) of the task's sandbox through the agent's `/files/browse`. */
  async browse(task: SandboxTask, path: string): Promise<SingularitySandbox> {
    const { base, directory } = await this.lookUp(task, this.timeoutMs);
    const q = new URLSearchParams({ path: path ? `${directory}/${path}` : directory });
    const entries = await this.getJson(`${base}/files/browse?${q}`);
    if (!Array.isArray(entries)) throw new HttpError(502, 'the agent answered /files/browse with something other than a list');
    return toSandbox(entries as AgentFileInfo[], directory, path, task.hostname);
  }
}

/** An entry of the agent's `/files/browse` (Mesos's FileInfo JSON). */
export interface AgentFileInfo { path?: string; size?: number; mtime?: number; mode?: string }

/**
 * Singularity's sandbox listing from the agent's: entry names relative to the directory browsed
 * (the agent answers absolute paths), `currentDirectory` relative to the sandbox root.
 */
export function toSandbox(entries: readonly AgentFileInfo[], root: string, current: string, hostname: string): SingularitySandbox {
  const prefix = `${current ? `${root}/${current}` : root}/`;
  return {
    files: entries.map((e) => {
      const p = e.path ?? '';
      return { name: p.startsWith(prefix) ? p.slice(prefix.length) : p.slice(p.lastIndexOf('/') + 1), mtime: e.mtime ?? 0, size: e.size ?? 0, mode: e.mode ?? '' };
    }),
    fullPathToRoot: root,
    currentDirectory: current,
    agentHostname: hostname,
    slaveHostname: hostname,
  };
}

function findDirectory(state: AgentState, taskId: string): string | undefined {
  for (const fw of [...(state.frameworks ?? []), ...(state.completed_frameworks ?? [])]) {
    for (const ex of [...(fw.executors ?? []), ...(fw.completed_executors ?? [])]) {
      const tasks = [...(ex.tasks ?? []), ...(ex.completed_tasks ?? [])];
      if (ex.id === taskId || tasks.some((t) => t.id === taskId)) return ex.directory;
    }
  }
  return undefined;
}
