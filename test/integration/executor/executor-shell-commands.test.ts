/**
 * Task shell commands in griddle-executor with real Docker: a framework message runs an argv in
 * the task's container, its output lands in the sandbox, and the updates come back as MESSAGE
 * calls (ACKED, STARTED, then FINISHED or FAILED; INVALID for a task it does not run). The
 * task's Vault secrets are redacted from the output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeShellMessage, encodeShellMessage, type ShellCommandProgress } from '../../../contract';
import { dockerTask } from '../../support/executor-tasks';
import { until } from '../../support/kit';
import { startVaultDevServer, type VaultDevServer } from '../../support/vault-dev-server';
import { executorHarness } from './executor-harness';

jest.setTimeout(120_000);

const h = executorHarness();
const SECRET = 'shell-cmd-s3cr3t-value';
let vault: VaultDevServer;
beforeAll(async () => {
  vault = await startVaultDevServer();
  vault.mountKv('secret', 2);
  vault.putSecret('secret/web/db', { password: SECRET });
});
afterAll(() => vault.close());

const progressOf = (messages: string[], name: string): ShellCommandProgress[] =>
  messages.map(decodeShellMessage).filter((m): m is ShellCommandProgress => m?.kind === 'griddle.shell-command.update' && m.name === name);

test('a MESSAGE runs the argv in the container; output in the sandbox; updates come back', async () => {
  const { agent, executor, taskId } = await h.runningTask('shell', (id) => dockerTask({ taskId: id, command: 'sleep 300' }));
  const run = (name: string, argv: string[], outputFilename: string, task = taskId) =>
    agent.message(encodeShellMessage({ kind: 'griddle.shell-command.run', taskId: task, name, timestamp: 42, argv, outputFilename }));

  run('echo', ['echo', 'hello from the container'], 'echo-42.log');
  run('echo', ['echo', 'hello from the container'], 'echo-42.log'); // a resent message runs once
  await until(() => progressOf(agent.messages, 'echo').some((m) => m.updateType === 'FINISHED'), () => `FINISHED; got ${JSON.stringify(agent.messages.map(decodeShellMessage))}`, 30_000);
  expect(progressOf(agent.messages, 'echo').map((m) => m.updateType)).toEqual(['ACKED', 'STARTED', 'FINISHED']);
  expect(progressOf(agent.messages, 'echo')[2]).toMatchObject({ taskId, timestamp: 42, outputFilename: 'echo-42.log' });
  expect(fs.readFileSync(path.join(executor.sandbox, 'echo-42.log'), 'utf8')).toBe('hello from the container\n');

  run('fails', ['sh', '-c', 'echo oops >&2; exit 3'], 'fails.log');
  await until(() => progressOf(agent.messages, 'fails').some((m) => m.updateType === 'FAILED'), 'FAILED', 30_000);
  expect(progressOf(agent.messages, 'fails').at(-1)).toMatchObject({ message: 'exited with 3' });
  expect(fs.readFileSync(path.join(executor.sandbox, 'fails.log'), 'utf8')).toBe('oops\n');

  run('other', ['echo'], 'other.log', 'some-other-task');
  await until(() => progressOf(agent.messages, 'other').length > 0, 'INVALID', 30_000);
  expect(progressOf(agent.messages, 'other')).toEqual([expect.objectContaining({ updateType: 'INVALID', message: 'task some-other-task is not running in this executor' })]);
});

test('a command printing the environment: the Vault secret the task got is redacted in the output file', async () => {
  const env = { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.createToken(['secret/data/web/*']) };
  const { agent, executor, taskId } = await h.runningTask('shell-secret', (id) => dockerTask({ taskId: id, command: 'sleep 300', env: { DB_PASSWORD: 'vault://secret/web/db?key=password' } }), { env });
  agent.message(encodeShellMessage({ kind: 'griddle.shell-command.run', taskId, name: 'env', timestamp: 43, argv: ['sh', '-c', 'env; echo "again:$DB_PASSWORD"'], outputFilename: 'env-43.log' }));
  await until(() => progressOf(agent.messages, 'env').some((m) => m.updateType === 'FINISHED'), 'FINISHED', 30_000);
  const output = fs.readFileSync(path.join(executor.sandbox, 'env-43.log'), 'utf8');
  expect(output).toContain('DB_PASSWORD=[redacted]');
  expect(output).toContain('again:[redacted]');
  expect(output).not.toContain(SECRET);
});
