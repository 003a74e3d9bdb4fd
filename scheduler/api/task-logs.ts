/**
 * Singularity's S3 log listings served from the tasks' sandboxes: every file at the root of a
 * task's sandbox (the container's `stdout` and `stderr`, shell command output), listed through
 * the agent's `/files/browse`, with URLs to Griddle's own `/sandbox/{taskId}/download`. Griddle
 * uploads nothing: a file is listed while its agent keeps the sandbox (Mesos's
 * `--gc_delay`), not for S3's retention. The pure parts (which tasks, which page, the entry) are
 * exported for the unit tests.
 */
import type { SingularityS3Log, SingularityS3LogMetadata, SingularitySandbox } from '../../contract';
import { isTerminalState } from '../../mesos-proto';
import type { TaskRecord } from '../model';

export interface LogQuery {
  /** Epoch ms: only tasks that ran at some point in [start, end]. */
  start?: number;
  end?: number;
  /** Metadata only: no `getUrl`/`downloadUrl` (Singularity's `list` / `listOnly`). */
  listOnly?: boolean;
  /** Leave out `startTime`/`endTime` (Singularity's `excludeMetadata`). */
  excludeMetadata?: boolean;
}

type SandboxFile = SingularitySandbox['files'][number];

/** Browses one task's sandbox root; rejects when the agent or the sandbox is gone. */
export type BrowseRoot = (task: TaskRecord) => Promise<readonly SandboxFile[]>;

/** Sandboxes browsed at once, so a request with many tasks does not open a connection per task. */
const CONCURRENCY = 8;

export const taskEnd = (t: TaskRecord): number | undefined => (isTerminalState(t.state) ? t.updatedAt : undefined);

/** The tasks whose run overlaps [start, end], newest first. */
export function tasksInWindow(tasks: Iterable<TaskRecord>, q: Pick<LogQuery, 'start' | 'end'>): TaskRecord[] {
  const out: TaskRecord[] = [];
  for (const t of tasks) {
    if (q.end !== undefined && t.startedAt > q.end) continue;
    const end = taskEnd(t);
    if (q.start !== undefined && end !== undefined && end < q.start) continue;
    out.push(t);
  }
  return out.sort((a, b) => b.startedAt - a.startedAt);
}

/** One sandbox file as Singularity's S3 log entry. `urlOf(download)` is the absolute URL of the file's download endpoint. */
export function logEntry(t: TaskRecord, f: SandboxFile, q: LogQuery, urlOf: (taskId: string, file: string, download: boolean) => string): SingularityS3Log | SingularityS3LogMetadata {
  const name = f.name;
  const meta: SingularityS3LogMetadata = { key: `${t.requestId}/${t.taskId}/${name}`, lastModified: f.mtime * 1000, size: f.size };
  if (!q.excludeMetadata) {
    meta.startTime = t.startedAt;
    const end = taskEnd(t);
    if (end !== undefined) meta.endTime = end;
  }
  if (q.listOnly) return meta;
  return { ...meta, getUrl: urlOf(t.taskId, name, false), downloadUrl: urlOf(t.taskId, name, true) };
}

const isFile = (f: SandboxFile): boolean => f.mode.startsWith('-') && !f.name.includes('/');

/**
 * The log entries of `tasks`, in their order. A task whose sandbox cannot be browsed (its agent
 * gone, the sandbox garbage-collected) has no entries, as a task whose logs were never uploaded
 * has none in Singularity.
 */
export async function listLogs(
  tasks: readonly TaskRecord[], browse: BrowseRoot, q: LogQuery, urlOf: (taskId: string, file: string, download: boolean) => string,
): Promise<(SingularityS3Log | SingularityS3LogMetadata)[]> {
  const perTask: (SingularityS3Log | SingularityS3LogMetadata)[][] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      const files = await browse(tasks[i]).catch(() => []);
      perTask[i] = files.filter(isFile).map((f) => logEntry(tasks[i], f, q, urlOf));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tasks.length) }, worker));
  return perTask.flat();
}
