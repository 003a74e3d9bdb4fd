/**
 * Runs an executor (or a command task) as a real process in its own process group, with its
 * sandbox as cwd and stdout/stderr going to files there, as Mesos's POSIX launcher does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandInfo } from '../mesos-proto';

export interface ProcessHandle {
  readonly pid: number | undefined;
  /** Signals the whole process group (the executor and anything it started). */
  signal(signal: NodeJS.Signals): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function launchProcess(command: CommandInfo, options: { sandbox: string; env: Record<string, string> }): ProcessHandle {
  fs.mkdirSync(options.sandbox, { recursive: true });
  const stdout = fs.openSync(path.join(options.sandbox, 'stdout'), 'a');
  const stderr = fs.openSync(path.join(options.sandbox, 'stderr'), 'a');
  let child: ChildProcess;
  try {
    const shell = command.shell !== false;
    const file = shell ? '/bin/sh' : command.value ?? '';
    // Mesos passes `arguments` as the full argv (argv[0] included) when shell is false.
    const args = shell ? ['-c', command.value ?? ''] : (command.arguments ?? []).slice(1);
    child = spawn(file, args, { cwd: options.sandbox, env: options.env, stdio: ['ignore', stdout, stderr], detached: true });
  } finally {
    fs.closeSync(stdout);
    fs.closeSync(stderr);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (err) => {
      fs.appendFileSync(path.join(options.sandbox, 'stderr'), `Failed to launch: ${err.message}\n`);
      resolve({ code: 127, signal: null });
    });
  });
  return {
    get pid() {
      return child.pid;
    },
    signal(signal: NodeJS.Signals) {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    },
    exited,
  };
}

/** The wait(2) status Mesos reports in FAILURE events: exit code << 8, or the signal number. */
export function waitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return signalNumber(signal);
  return (code ?? 0) << 8;
}

function signalNumber(signal: NodeJS.Signals): number {
  return os.constants.signals[signal] ?? 9;
}
