/**
 * executor/module-stubs.ts keeps dependencies' heavy modules out of the executor by planting
 * replacements in require.cache (dockerode's BuildKit session and docker-modem's ssh transport,
 * node-vault's axios). That depends on those libraries' file layout: an upgrade that moves a
 * file silently loads the real module again. This runs the built executor through a Docker
 * launch with a Vault secret (the code paths that load dockerode and node-vault), records every
 * module Node compiles in it, and checks that none of the stubbed ones is among them and that
 * its resident memory stays under the 60 MB target.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { containerName } from '../../../executor/container-spec';
import { FakeExecutorAgent } from '../../support/fake-executor-agent';
import { spawnExecutor, type ExecutorProcess } from '../../support/executor-process';
import { dockerTask, removeContainers, uniqueId } from '../../support/executor-tasks';
import { freePort, REPO_ROOT } from '../../support/kit';
import { startVaultDevServer, type VaultDevServer } from '../../support/vault-dev-server';

const FRAMEWORK = 'griddle-test-fw';
const RSS_TARGET_MB = 60;
const PRELOAD = path.join(REPO_ROOT, 'test', 'support', 'record-loaded-modules.js');

/** Modules the stubs keep out, by where they live under node_modules. */
const KEPT_OUT: [string, RegExp][] = [
  ["docker-modem's ssh transport", /\/node_modules\/docker-modem\/lib\/ssh\.js$/],
  ['ssh2', /\/node_modules\/ssh2\//],
  ["dockerode's BuildKit session", /\/node_modules\/dockerode\/lib\/session\.js$/],
  ['@grpc/grpc-js', /\/node_modules\/@grpc\/grpc-js\//],
  ["node-vault's axios", /\/node_modules\/axios\//],
];

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

describe('griddle-executor module stubs', () => {
  let vault: VaultDevServer;
  let agent: FakeExecutorAgent;
  let executor: ExecutorProcess;
  let workDir: string;
  const taskId = uniqueId('stubs');

  beforeAll(async () => {
    vault = await startVaultDevServer();
    vault.mountKv('secret', 2);
    vault.putSecret('secret/web/db', { password: 'stub-test-secret' });
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-module-stubs-'));
  });

  afterAll(async () => {
    await executor?.stop();
    await agent?.stop();
    removeContainers([containerName(taskId)]);
    await vault.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('loads dockerode and node-vault without the stubbed modules, within 60 MB RSS', async () => {
    const loadedFile = path.join(workDir, 'loaded-modules.txt');
    const executorId = `${taskId}-executor`;
    agent = new FakeExecutorAgent({ frameworkId: FRAMEWORK, executorId });
    await agent.start();
    executor = spawnExecutor({
      endpoint: agent.endpoint, frameworkId: FRAMEWORK, executorId, agentId: agent.agentId,
      env: {
        VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.createToken(['secret/data/web/*']),
        NODE_OPTIONS: `--require ${PRELOAD}`, GRIDDLE_LOADED_MODULES_FILE: loadedFile,
      },
    });
    agent.launch(dockerTask({ taskId, ports: [[8080, await freePort()]], env: { DB_PASSWORD: 'vault://secret/web/db?key=password' } }));
    await agent.waitForState('TASK_RUNNING');
    const rss = rssMb(executor.child.pid as number);

    const loaded = fs.readFileSync(loadedFile, 'utf8').split('\n').filter(Boolean);
    // The paths that would load the stubbed modules did run: the recording is not empty of them.
    expect(loaded.some((f) => /\/node_modules\/dockerode\/lib\/docker\.js$/.test(f))).toBe(true);
    expect(loaded.some((f) => /\/node_modules\/docker-modem\/lib\/modem\.js$/.test(f))).toBe(true);
    expect(loaded.some((f) => /\/node_modules\/node-vault\//.test(f))).toBe(true);
    const leaked = KEPT_OUT.flatMap(([name, pattern]) => loaded.filter((f) => pattern.test(f)).map((f) => `${name}: ${f}`));
    expect(leaked).toEqual([]);
    expect(rss).toBeGreaterThan(0);
    expect(rss).toBeLessThan(RSS_TARGET_MB);

    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
  });
});
