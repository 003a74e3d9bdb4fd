import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { executorAlive } from '../../../executor/gc';

describe('executor liveness for --gc', () => {
  const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-proc-'));
  afterAll(() => fs.rmSync(proc, { recursive: true, force: true }));
  const fakeProcess = (pid: number, env: string[]) => {
    fs.mkdirSync(path.join(proc, String(pid)), { recursive: true });
    fs.writeFileSync(path.join(proc, String(pid), 'environ'), `${env.join('\0')}\0`);
  };

  it('is alive when the pid runs with that MESOS_EXECUTOR_ID', () => {
    fakeProcess(100, ['PATH=/bin', 'MESOS_EXECUTOR_ID=ex-1']);
    expect(executorAlive(100, 'ex-1', proc)).toBe(true);
  });

  it('is gone when the pid was reused by another process', () => {
    fakeProcess(101, ['MESOS_EXECUTOR_ID=ex-10']);
    expect(executorAlive(101, 'ex-1', proc)).toBe(false);
  });

  it('is gone when the pid does not exist or the label is missing', () => {
    expect(executorAlive(102, 'ex-1', proc)).toBe(false);
    expect(executorAlive(Number(undefined), 'ex-1', proc)).toBe(false);
  });
});
