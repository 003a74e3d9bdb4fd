import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { executorLiveness, ownStartTime, parseStat, runningExecutors } from '../../../executor/process-identity';

/** A /proc/<pid>/stat line whose command name holds a space and a parenthesis, as `comm` may. */
const statLine = (pid: number, state: string, startTime: string) =>
  `${pid} (node (x) y) ${state} 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 10 5 0 0 20 0 11 0 ${startTime} 1000000 5000 18446744073709551615`;

describe('executor liveness from /proc', () => {
  const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-proc-'));
  afterAll(() => fs.rmSync(proc, { recursive: true, force: true }));
  const fakeProcess = (pid: number, files: { stat?: string; env?: string[]; cmdline?: string }) => {
    const dir = path.join(proc, String(pid));
    fs.mkdirSync(dir, { recursive: true });
    if (files.stat !== undefined) fs.writeFileSync(path.join(dir, 'stat'), files.stat);
    if (files.env) fs.writeFileSync(path.join(dir, 'environ'), `${files.env.join('\0')}\0`);
    if (files.cmdline !== undefined) fs.writeFileSync(path.join(dir, 'cmdline'), files.cmdline);
  };

  it('reads state and start time past a command name with spaces and parentheses', () => {
    expect(parseStat(statLine(7, 'S', '123456'))).toEqual({ state: 'S', startTime: '123456' });
    expect(parseStat('7 (short) S 1')).toBeNull();
  });

  it('reads its own start time on Linux', () => {
    expect(ownStartTime()).toMatch(/^\d+$/);
    expect(ownStartTime(proc)).toBeUndefined();
  });

  it('is alive when the pid has the labelled start time, without needing its environment', () => {
    fakeProcess(200, { stat: statLine(200, 'S', '5000') });
    expect(executorLiveness(200, 'ex-1', '5000', proc)).toBe('alive');
  });

  it('is gone when the pid was reused, even by a process that carries the same executor id', () => {
    fakeProcess(201, { stat: statLine(201, 'S', '9999'), env: ['MESOS_EXECUTOR_ID=ex-1'] });
    expect(executorLiveness(201, 'ex-1', '5000', proc)).toBe('gone');
  });

  it('is gone when the executor is a zombie not yet reaped', () => {
    fakeProcess(202, { stat: statLine(202, 'Z', '5000') });
    expect(executorLiveness(202, 'ex-1', '5000', proc)).toBe('gone');
  });

  it('is gone when the pid does not exist or is not a pid', () => {
    expect(executorLiveness(203, 'ex-1', '5000', proc)).toBe('gone');
    expect(executorLiveness(203, 'ex-1', undefined, proc)).toBe('gone');
    expect(executorLiveness(Number(undefined), 'ex-1', undefined, proc)).toBe('gone');
  });

  it('falls back to the environment for containers labelled without a start time', () => {
    fakeProcess(204, { stat: statLine(204, 'S', '1'), env: ['PATH=/bin', 'MESOS_EXECUTOR_ID=ex-4'] });
    expect(executorLiveness(204, 'ex-4', undefined, proc)).toBe('alive');
    expect(executorLiveness(204, 'ex-40', undefined, proc)).toBe('gone');
  });

  it('finds executors running on the host, but not a task that carries an executor id', () => {
    const root = fs.mkdtempSync(path.join(proc, 'scan-'));
    const add = (pid: number, env: string[]) => {
      fs.mkdirSync(path.join(root, String(pid)));
      fs.writeFileSync(path.join(root, String(pid), 'environ'), `${env.join('\0')}\0`);
    };
    add(1, ['PATH=/bin']);
    add(2, ['MESOS_EXECUTOR_ID=ex-a', 'MESOS_AGENT_ENDPOINT=127.0.0.1:5051']);
    add(3, ['MESOS_EXECUTOR_ID=ex-task']);
    fs.mkdirSync(path.join(root, 'self'));
    expect(runningExecutors(root)).toEqual({ ids: new Set(['ex-a']), unreadable: false });
  });
});
