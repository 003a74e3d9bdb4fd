/**
 * Task shell commands on the executor side: a framework message from the scheduler names an
 * allow-listed argv (checked there; the executor never builds one from user text) and runs it
 * with `docker exec` in the task's container, output to a file in the sandbox, reporting each
 * step back as a framework message. Singularity's executor does the same for its shell commands.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { Logger } from '../common';
import {
  decodeShellMessage, encodeShellMessage, type ShellCommandProgress, type ShellCommandRun,
} from '../contract/shell-command-messages';
import type { ShellCommandUpdateType } from '../contract/singularity-machines';
import { containerName } from './container-spec';
import { RedactingStream } from './secret-redaction';

export interface ShellCommandDeps {
  docker: () => Docker;
  /** The task this executor runs while its container runs, else null. */
  runningTaskId: () => string | null;
  /** Where output files go (MESOS_SANDBOX); the working directory when unset, as Mesos starts executors there. */
  sandbox: string | undefined;
  /** The secret values resolved for the running task (Vault): kept out of the output file. */
  secrets: () => readonly string[];
  /** Sends base64 data to the scheduler (executor MESSAGE call). */
  send: (data: string) => Promise<void>;
  log: Logger;
  /** A command still running after this is reported FAILED (it is left to end by itself). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
// No directories and no dot files: the name decides where in the sandbox the executor writes.
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

export class ShellCommandRunner {
  /** Runs already taken, by `name/timestamp`: a MESSAGE sent twice runs once. */
  private readonly seen = new Set<string>();

  constructor(private readonly deps: ShellCommandDeps) {}

  /** Handles one MESSAGE event's data; resolves once the run (if any) has reported its end. */
  async onMessage(data: string): Promise<void> {
    const message = decodeShellMessage(data);
    if (message?.kind !== 'griddle.shell-command.run') {
      this.deps.log.warn('framework message that is not a shell command: ignored');
      return;
    }
    const key = `${message.name}/${message.timestamp}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    await this.run(message);
  }

  private async run(run: ShellCommandRun): Promise<void> {
    const report = (updateType: ShellCommandUpdateType, message?: string, outputFilename?: string): Promise<void> => {
      const progress: ShellCommandProgress = {
        kind: 'griddle.shell-command.update', taskId: run.taskId, name: run.name, timestamp: run.timestamp, updateType,
        ...(message !== undefined ? { message } : {}),
        ...(outputFilename !== undefined ? { outputFilename } : {}),
      };
      return this.deps.send(encodeShellMessage(progress)).catch((err: Error) => {
        this.deps.log.warn({ name: run.name, updateType, cause: err.message }, 'shell command update not delivered');
      });
    };
    if (this.deps.runningTaskId() !== run.taskId) return report('INVALID', `task ${run.taskId} is not running in this executor`);
    if (!FILE_NAME.test(run.outputFilename) || run.outputFilename.includes('..')) return report('INVALID', `output file name '${run.outputFilename}' is not a plain file name`);
    await report('ACKED', undefined, run.outputFilename);
    const file = path.join(this.deps.sandbox ?? process.cwd(), run.outputFilename);
    this.deps.log.info({ name: run.name, argv: run.argv, file }, 'running shell command');
    try {
      await report('STARTED', undefined, run.outputFilename);
      const code = await execToFile(this.deps.docker(), containerName(run.taskId), run.argv, file, {
        timeoutMs: this.deps.timeoutMs ?? DEFAULT_TIMEOUT_MS, secrets: this.deps.secrets(),
      });
      if (code === 0) await report('FINISHED', 'exited with 0', run.outputFilename);
      else await report('FAILED', `exited with ${code}`, run.outputFilename);
    } catch (err) {
      await report('FAILED', (err as Error).message, run.outputFilename);
    }
  }
}

/**
 * `docker exec` of `argv` in the container, stdout and stderr appended to `file` with the task's
 * secret values redacted (a command printing the environment must not put a Vault secret where
 * the sandbox API serves it); resolves with the exit code.
 */
export async function execToFile(docker: Docker, container: string, argv: string[], file: string, o: { timeoutMs: number; secrets: readonly string[] }): Promise<number> {
  const { timeoutMs } = o;
  const exec = await docker.getContainer(container).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const sink = fs.createWriteStream(file, { flags: 'a' });
  // One redactor for both: stdout and stderr frames go to the same file in arrival order.
  const out = new RedactingStream(o.secrets);
  out.pipe(sink);
  let timer: NodeJS.Timeout | undefined;
  try {
    docker.modem.demuxStream(stream, out, out);
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', reject);
        sink.once('error', reject);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still running after ${Math.round(timeoutMs / 1000)} s; output so far is in ${path.basename(file)}`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    stream.destroy();
    // The redactor's held-back tail is flushed into the file before it is closed.
    await new Promise<void>((resolve) => {
      sink.once('close', resolve);
      out.end();
    });
  }
  // The stream can end a moment before Docker records the exit code.
  for (let wait = 0; ; wait += 50) {
    const info = await exec.inspect();
    if (!info.Running || wait >= 2000) return info.ExitCode ?? -1;
    await new Promise((r) => setTimeout(r, 50));
  }
}
