import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import type Docker from 'dockerode';
import { createLogger } from '../../../common';
import { decodeShellMessage, encodeShellMessage, type ShellCommandProgress } from '../../../contract';
import { REDACTED } from '../../../executor/secret-redaction';
import { ShellCommandRunner, execToFile } from '../../../executor/shell-commands';

/**
 * Shell-command output is redacted of the task's secret values before it reaches the sandbox
 * file: a fake Docker whose exec stream plays the command's output in chunks, one secret split
 * across two of them.
 */

const SECRET = 's3cr3t-hunter2';

function fakeDocker(chunks: string[], exitCode = 0): Docker {
  const stream = new PassThrough();
  const exec = {
    start: async () => {
      // Played once the caller has attached its demuxer (the next turn).
      setImmediate(() => {
        for (const c of chunks) stream.write(c);
        stream.end();
      });
      return stream;
    },
    inspect: async () => ({ Running: false, ExitCode: exitCode }),
  };
  return {
    getContainer: () => ({ exec: async () => exec }),
    modem: { demuxStream: (s: PassThrough, out: Writable) => s.on('data', (c: Buffer) => out.write(c)) },
  } as unknown as Docker;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-shell-redact-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('execToFile redacts a secret even when it is split across output chunks', async () => {
  const file = path.join(dir, 'env.log');
  const code = await execToFile(fakeDocker(['PATH=/bin\nDB_PASSWORD=s3cr3t-', 'hunter2\nOTHER=', `${SECRET}!\n`]), 'c', ['env'], file, { timeoutMs: 5000, secrets: [SECRET, ''] });
  expect(code).toBe(0);
  expect(fs.readFileSync(file, 'utf8')).toBe(`PATH=/bin\nDB_PASSWORD=${REDACTED}\nOTHER=${REDACTED}!\n`);
});

test('without secrets the output is written as it came, a partial match included', async () => {
  const file = path.join(dir, 'plain.log');
  await execToFile(fakeDocker(['s3cr3t-', 'hunter']), 'c', ['env'], file, { timeoutMs: 5000, secrets: [] });
  expect(fs.readFileSync(file, 'utf8')).toBe('s3cr3t-hunter');
});

test('the runner uses the running task\'s secrets: the sandbox file holds none of them', async () => {
  const sent: string[] = [];
  const runner = new ShellCommandRunner({
    docker: () => fakeDocker([`TOKEN=${SECRET.slice(0, 5)}`, `${SECRET.slice(5)}\n`], 0),
    runningTaskId: () => 'task-1',
    sandbox: dir,
    secrets: () => [SECRET],
    send: async (data) => {
      sent.push(data);
    },
    log: createLogger('test', { destination: fs.createWriteStream('/dev/null') }),
  });
  await runner.onMessage(encodeShellMessage({ kind: 'griddle.shell-command.run', taskId: 'task-1', name: 'env', timestamp: 7, argv: ['env'], outputFilename: 'env-7.log' }));
  const updates = sent.map(decodeShellMessage).filter((m): m is ShellCommandProgress => m?.kind === 'griddle.shell-command.update');
  expect(updates.map((u) => u.updateType)).toEqual(['ACKED', 'STARTED', 'FINISHED']);
  expect(fs.readFileSync(path.join(dir, 'env-7.log'), 'utf8')).toBe(`TOKEN=${REDACTED}\n`);
});
