/**
 * mesos-local's process agent running the real griddle-executor (dist/executor/main.js, built
 * by `npm run build`) with a real Docker container, driven by the test scheduler with the
 * TaskInfo Griddle's scheduler builds: the agent↔executor contract end to end.
 */
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createLogger } from '../../../common';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { rangesOf, type Offer } from '../../../mesos-proto';
import { buildTaskInfo } from '../../../scheduler/core';
import type { SingularityDeploy, SingularityRequest } from '../../../contract';
import { built, until } from '../../support/kit';
import { frameworkInfo, rawRequest, TestScheduler } from '../../support/mesos-test-scheduler';

const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });
const EXECUTOR = built('executor/main.js');

describe('mesos-local with the real griddle-executor', () => {
  let local: MesosLocal;
  let scheduler: TestScheduler;
  let stopped = false;
  const taskId = `ml-real-${process.pid}-${Date.now()}`;
  const secondTaskId = `${taskId}-b`;

  beforeAll(async () => {
    // Other suites on this machine use the default [31000-32000]; a random range avoids their containers.
    const base = 40000 + Math.floor(Math.random() * 200) * 100;
    local = await startMesosLocal({ port: 0, agents: 1, allocationIntervalMs: 100, log: quiet, resources: `cpus:4;mem:8192;disk:20000;ports:[${base}-${base + 99}]` });
    scheduler = await TestScheduler.subscribe(local.masterUrl, { info: frameworkInfo({ capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }] }) });
    scheduler.autoAcknowledge = true;
  });

  afterAll(async () => {
    scheduler.close();
    if (!stopped) await local.stop();
    for (const id of [taskId, secondTaskId]) {
      try {
        execFileSync('docker', ['rm', '-f', `griddle-${id}`], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  });

  /** Launches griddle/demo-http:1 as `id` on the next offer; resolves with its host port once RUNNING. */
  async function launchDemo(id: string): Promise<number> {
    const offer: Offer = (await scheduler.takeOffers()).offers!.offers![0];
    const range = rangesOf(offer.resources, 'ports')[0];
    const port = range.begin + Math.floor(Math.random() * (range.end - range.begin + 1));
    const request: SingularityRequest = { id: 'ml-real', requestType: 'SERVICE', instances: 1 };
    const deploy: SingularityDeploy = {
      requestId: 'ml-real', id: 'd1',
      containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1', network: 'BRIDGE', portMappings: [{ containerPortType: 'LITERAL', containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
      resources: { cpus: 0.1, memoryMb: 64, numPorts: 1 },
    };
    const task = buildTaskInfo({
      taskId: id, agentId: offer.agent_id.value, request, deploy, ports: [port], executorCmd: `node ${EXECUTOR}`,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 64 } },
        { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: port, end: port }] } },
      ],
    });
    const res = await scheduler.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }] } });
    expect(res.status).toBe(202);
    const running = await scheduler.waitFor((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === id
      && ['TASK_RUNNING', 'TASK_FAILED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED'].includes(e.update!.status.state), 60_000, 'TASK_RUNNING');
    expect(`${running.update!.status.state} ${running.update!.status.message ?? ''}`).toMatch(/^TASK_RUNNING/);
    expect(running.update!.status).toMatchObject({ state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', agent_id: offer.agent_id });
    return port;
  }

  it('runs a Docker task to TASK_RUNNING and kills it to TASK_KILLED', async () => {
    expect(fs.existsSync(EXECUTOR)).toBe(true);
    const port = await launchDemo(taskId);
    const version = await until(async () => {
      const answer = await rawRequest(`http://127.0.0.1:${port}/version`, { method: 'GET' }).then((r) => r.body.trim(), () => '');
      return answer === '1' ? answer : undefined;
    }, 'the container to answer /version', 10_000, { intervalMs: 200 });
    expect(version).toBe('1');
    const since = scheduler.mark();
    await scheduler.call({ type: 'KILL', kill: { task_id: { value: taskId } } });
    const killed = await scheduler.waitFor((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === taskId && e.update!.status.state === 'TASK_KILLED', 60_000, 'TASK_KILLED', since);
    expect(killed.update!.status.source).toBe('SOURCE_EXECUTOR');
    // The executor exits after its terminal update is acknowledged; the agent reports it.
    await scheduler.waitFor((e) => e.type === 'FAILURE', 30_000, 'executor exit', since);
    expect(local.pids()).toEqual([]);
  });

  it('shuts its executors down when it stops, leaving no container behind', async () => {
    await launchDemo(secondTaskId);
    const containers = (): string => execFileSync('docker', ['ps', '-aq', '--filter', `label=griddle.task_id=${secondTaskId}`]).toString().trim();
    expect(containers()).not.toBe('');
    stopped = true;
    await local.stop();
    expect(local.pids()).toEqual([]);
    expect(containers()).toBe('');
  });
});
