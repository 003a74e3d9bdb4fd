/**
 * Pulls from a private registry: Debian's docker-registry on loopback with htpasswd auth, an
 * image pushed to it with `docker login` + `docker push`, then pulled by griddle-executor with
 * the agent's Docker config, with a credential from Vault, and refused without either.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dockerTask, uniqueId } from '../../support/executor-tasks';
import { freePort, stopProcess, waitForPort } from '../../support/kit';
import { startVaultDevServer, type VaultDevServer } from '../../support/vault-dev-server';
import { executorHarness } from './executor-harness';

jest.setTimeout(180_000);

const USER = 'griddle';
const PASSWORD = `pw-${uniqueId('r')}`;
const harness = executorHarness();
let dir: string;
let registry: ChildProcess;
let image: string;
let vault: VaultDevServer;

const docker = (args: string[], env: NodeJS.ProcessEnv = process.env, input?: string) =>
  execFileSync('docker', args, { env, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
const removeLocalImage = () => {
  try {
    docker(['rmi', '-f', image]);
  } catch {
    // Not present.
  }
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-registry-'));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', USER, PASSWORD], { encoding: 'utf8' }));
  fs.writeFileSync(path.join(dir, 'config.yml'), [
    'version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`,
    'http:', `  addr: 127.0.0.1:${port}`, 'auth:', '  htpasswd:', '    realm: griddle-test', `    path: ${path.join(dir, 'htpasswd')}`, '',
  ].join('\n'));
  registry = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  await waitForPort(port, 30_000);
  image = `127.0.0.1:${port}/x:1`;
  const client = { ...process.env, DOCKER_CONFIG: path.join(dir, 'pusher') };
  docker(['login', `127.0.0.1:${port}`, '-u', USER, '--password-stdin'], client, PASSWORD);
  docker(['tag', 'griddle/busybox:latest', image]);
  docker(['push', image], client);
  vault = await startVaultDevServer();
  vault.mountKv('secret', 2);
  vault.putSecret('secret/web/registry', { auth: `${USER}:${PASSWORD}` });
});
beforeEach(removeLocalImage);
afterAll(async () => {
  removeLocalImage();
  await stopProcess(registry);
  await vault.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function launch(env: Record<string, string>) {
  const started = await harness.start(uniqueId('reg'), { env: { EXECUTOR_PULL_ATTEMPTS: '1', ...env } });
  started.agent.launch(dockerTask({ taskId: started.taskId, image, command: 'sleep 300' }));
  return started;
}

describe('private registries', () => {
  it("pulls with the agent's Docker config (DOCKER_CONFIG, auths written by docker login)", async () => {
    const { agent, taskId, executor } = await launch({ DOCKER_CONFIG: path.join(dir, 'pusher') });
    await agent.waitForState('TASK_RUNNING');
    expect(executor.output()).toContain('registry credential found');
    expect(executor.output()).not.toContain(PASSWORD);
    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
  });

  it('pulls with the credential EXECUTOR_REGISTRY_AUTH names in Vault, and the password leaks nowhere', async () => {
    fs.mkdirSync(path.join(dir, 'empty'), { recursive: true });
    const { agent, taskId, executor } = await launch({
      DOCKER_CONFIG: path.join(dir, 'empty'), VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.createToken(['secret/data/web/*']),
      EXECUTOR_REGISTRY_AUTH: 'vault://secret/web/registry?key=auth',
    });
    await agent.waitForState('TASK_RUNNING');
    expect(executor.output()).toMatch(/"from":"vault","msg":"registry credential found"/);
    for (const place of [executor.output(), JSON.stringify(agent.updates)]) expect(place).not.toContain(PASSWORD);
    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
  });

  it('fails the task without a credential, and refuses an EXECUTOR_REGISTRY_AUTH that is not a vault:// reference', async () => {
    fs.mkdirSync(path.join(dir, 'empty'), { recursive: true });
    const bare = await launch({ DOCKER_CONFIG: path.join(dir, 'empty') });
    expect((await bare.agent.waitForState('TASK_FAILED')).message).toMatch(/could not be pulled after 1 attempts: .*(auth|credentials)/i);
    const plain = await launch({ DOCKER_CONFIG: path.join(dir, 'empty'), EXECUTOR_REGISTRY_AUTH: `${USER}:${PASSWORD}` });
    const failed = await plain.agent.waitForState('TASK_FAILED');
    expect(failed.message).toMatch(/EXECUTOR_REGISTRY_AUTH must be a vault:\/\/ reference/);
    expect(failed.message).not.toContain(PASSWORD);
  });
});
