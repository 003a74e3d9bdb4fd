/**
 * Whether the executor that labelled a container still runs, told from /proc alone: the sweep
 * must work on a real Mesos agent, which knows nothing about the containers an executor starts.
 * Every function takes the /proc root so that unit tests give them a fake one.
 */
import fs from 'node:fs';

/** `alive` and `unreadable` both keep a container: an executor we cannot see into may be alive. */
export type Liveness = 'alive' | 'gone' | 'unreadable';

const denied = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM';
};

interface StatFields {
  state: string;
  startTime: string;
}

/** Field 3 (state) and 22 (start time in clock ticks since boot) of /proc/<pid>/stat. */
export function parseStat(stat: string): StatFields | null {
  // Field 2, the command name, is in parentheses and may itself hold spaces and parentheses.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (rest.length < 20) return null;
  return { state: rest[0], startTime: rest[19] };
}

/** This process's start time, for the container's label; undefined where /proc is absent. */
export function ownStartTime(procRoot = '/proc'): string | undefined {
  try {
    return parseStat(fs.readFileSync(`${procRoot}/${process.pid}/stat`, 'latin1'))?.startTime;
  } catch {
    return undefined;
  }
}

/**
 * The process `pid` is the executor `executorId` that started at `startTime` (the label).
 * pid + start time names one process for the life of the host, and stat is world-readable, so
 * reused pids are told apart without reading another user's environment. Containers labelled
 * before start times were recorded fall back to /proc/<pid>/environ.
 */
export function executorLiveness(pid: number, executorId: string, startTime: string | undefined, procRoot = '/proc'): Liveness {
  if (!Number.isInteger(pid) || pid <= 0) return 'gone';
  if (startTime) {
    try {
      const stat = parseStat(fs.readFileSync(`${procRoot}/${pid}/stat`, 'latin1'));
      // A zombie is dead: it holds its pid and start time only until its parent reaps it.
      if (stat) return stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X' ? 'alive' : 'gone';
    } catch (err) {
      if (!denied(err)) return 'gone';
    }
  }
  let environ: string;
  try {
    environ = fs.readFileSync(`${procRoot}/${pid}/environ`, 'latin1');
  } catch (err) {
    // Another user's process: it exists, and we cannot tell whose it is.
    return denied(err) ? 'unreadable' : 'gone';
  }
  return environ.split('\0').includes(`MESOS_EXECUTOR_ID=${executorId}`) ? 'alive' : 'gone';
}

export interface RunningExecutors {
  ids: ReadonlySet<string>;
  /** Some executor-looking process hides its environment: its id is unknown. */
  unreadable: boolean;
}

const EXECUTOR_COMMAND = /griddle-executor|executor\/main\.js/;

/**
 * Executor ids of every process on the host. An executor restarted under the same id adopts
 * its predecessor's container, whose labels still name the dead predecessor.
 */
export function runningExecutors(procRoot = '/proc'): RunningExecutors {
  const ids = new Set<string>();
  let unreadable = false;
  let pids: string[];
  try {
    pids = fs.readdirSync(procRoot).filter((p) => /^\d+$/.test(p));
  } catch {
    return { ids, unreadable: true };
  }
  for (const pid of pids) {
    try {
      const environ = fs.readFileSync(`${procRoot}/${pid}/environ`, 'latin1').split('\0');
      const entry = environ.find((e) => e.startsWith('MESOS_EXECUTOR_ID='));
      // Only an executor also has its agent's endpoint; a task may carry its executor's id.
      if (entry && environ.some((e) => e.startsWith('MESOS_AGENT_ENDPOINT='))) ids.add(entry.slice('MESOS_EXECUTOR_ID='.length));
    } catch (err) {
      if (denied(err) && EXECUTOR_COMMAND.test(readCmdline(procRoot, pid))) unreadable = true;
    }
  }
  return { ids, unreadable };
}

function readCmdline(procRoot: string, pid: string): string {
  try {
    return fs.readFileSync(`${procRoot}/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
