import { parseResources, scalarOf, rangesOf, type Offer, type Resource, type TaskInfo } from '../../../mesos-proto';
import { validateAccept } from '../../../mesos-local/launch-validation';
import { deployRequestSchema } from '../../../scheduler/api';
import { HttpError, parseInput } from '../../../scheduler/api/http-errors';
import { demandFor, launchRecord } from '../../../scheduler/core/launch-builder';
import type { DeployRecord, RequestRecord, SingularityDeploy, TaskRecord } from '../../../scheduler/model';
import { matchOffers, type TaskDemand } from '../../../scheduler/placement';
import { webDeploy, webRequest } from '../../support/deploy-fixtures';

const ROLE = 'griddle';
function offer(resources: string): Offer {
  const withRole = parseResources(resources).map((r) => ({ ...r, role: ROLE, allocation_info: { role: ROLE } }));
  return { id: { value: 'o1' }, framework_id: { value: 'fw' }, agent_id: { value: 'agent-1' }, hostname: 'host1', resources: withRole };
}

function records(deploy: SingularityDeploy): { requests: Map<string, RequestRecord>; deploys: Map<string, DeployRecord>; tasks: Map<string, TaskRecord> } {
  return {
    requests: new Map([['prod-web', { request: webRequest(1), state: 'ACTIVE', activeDeployId: deploy.id, createdAt: 0, updatedAt: 0 }]]),
    deploys: new Map([[`prod-web/${deploy.id}`, { deploy, createdAt: 0 }]]),
    tasks: new Map(),
  };
}

function launch(deploy: SingularityDeploy, resources: string): { info?: TaskInfo; reason?: string; offer: Offer } {
  const state = records(deploy);
  const o = offer(resources);
  const demand = demandFor(state, 'prod-web', deploy.id, 1, 1) as TaskDemand;
  const result = matchOffers({ demands: [demand], offers: [o], loads: new Map(), knownAgents: 1 });
  if (result.assignments.length === 0) return { reason: result.unplaced.get(`prod-web/${deploy.id}`)?.reason, offer: o };
  const record = launchRecord(state, result.assignments[0], 1000, 'node executor.js');
  if (typeof record === 'string') throw new Error(record);
  return { info: record.taskInfo as TaskInfo, offer: o };
}

const sum = (name: string, ...lists: Resource[][]) => lists.reduce((acc, l) => acc + scalarOf(l, name), 0);

describe('executor resources', () => {
  it('the executor gets its own resources (default 0.1 cpus, 64 MB) from the same offer, role and allocation kept', () => {
    const { info, offer: o } = launch(webDeploy(), 'cpus:1;mem:256;disk:100;ports:[31000-31009]');
    const executor = info!.executor!.resources!;
    expect(scalarOf(executor, 'cpus')).toBeCloseTo(0.1);
    expect(scalarOf(executor, 'mem')).toBe(64);
    for (const r of [...executor, ...info!.resources!]) expect(r).toMatchObject({ role: ROLE, allocation_info: { role: ROLE } });
    // Task + executor fit the offer.
    expect(sum('cpus', info!.resources!, executor)).toBeLessThanOrEqual(scalarOf(o.resources, 'cpus'));
    expect(sum('mem', info!.resources!, executor)).toBeLessThanOrEqual(scalarOf(o.resources, 'mem'));
  });

  it('customExecutorResources with ports: disjoint from the task ports, and a Mesos-style master accepts the launch', () => {
    const deploy = webDeploy({ customExecutorResources: { cpus: 0.2, memoryMb: 96, numPorts: 1, diskMb: 10 } });
    const { info, offer: o } = launch(deploy, 'cpus:1;mem:256;disk:100;ports:[31000-31009]');
    const executor = info!.executor!.resources!;
    expect(scalarOf(executor, 'cpus')).toBeCloseTo(0.2);
    expect(scalarOf(executor, 'mem')).toBe(96);
    expect(scalarOf(executor, 'disk')).toBe(10);
    expect(rangesOf(executor, 'ports')).toEqual([{ begin: 31002, end: 31002 }]);
    expect(rangesOf(info!.resources!, 'ports')).toEqual([{ begin: 31000, end: 31001 }]);

    const verdict = validateAccept({
      frameworkId: 'fw', partitionAware: true, offerIds: ['o1'],
      operations: [{ type: 'LAUNCH', launch: { task_infos: [info!] } }],
      findOffer: () => ({ id: 'o1', frameworkId: 'fw', agentId: 'agent-1', resources: o.resources ?? [] }),
      taskIdInUse: () => false, existingExecutor: () => undefined,
    });
    expect(verdict.rejections).toEqual([]);
    expect(verdict.launches).toHaveLength(1);
    expect(sum('cpus', verdict.consumed)).toBeCloseTo(0.7);
  });

  it('an offer that fits the task but not task + executor is infeasible, and says so', () => {
    const deploy = webDeploy({ resources: { cpus: 1, memoryMb: 128, numPorts: 2 } });
    expect(launch(deploy, 'cpus:1;mem:512;ports:[31000-31009]').reason).toBe('no offer with 1.1 cpus (task + executor)');
    expect(launch(deploy, 'cpus:2;mem:160;ports:[31000-31009]').reason).toBe('no offer with 192 MB mem (task + executor)');
    expect(launch(deploy, 'cpus:1.1;mem:192;ports:[31000-31009]').info).toBeDefined();
  });

  it.each([
    [{ cpus: 0.001, memoryMb: 64 }, 'deploy.customExecutorResources.cpus'],
    [{ cpus: 0.1, memoryMb: 16 }, 'deploy.customExecutorResources.memoryMb'],
    [{ cpus: 0.1, memoryMb: 64, numPorts: -1 }, 'deploy.customExecutorResources.numPorts'],
    [{ cpus: 0.1 }, 'deploy.customExecutorResources.memoryMb'],
  ])('bad customExecutorResources %j → 400 naming %s', (customExecutorResources, field) => {
    const body = { deploy: { requestId: 'r', id: 'v1', containerInfo: { docker: { image: 'img:1' } }, customExecutorResources } };
    let error: unknown;
    try {
      parseInput(deployRequestSchema, body);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    expect((error as HttpError).message).toContain(field);
  });

  it('good customExecutorResources are kept on the deploy', () => {
    const body = { deploy: { requestId: 'r', id: 'v1', containerInfo: { docker: { image: 'img:1' } }, customExecutorResources: { cpus: 0.05, memoryMb: 48 } } };
    expect(parseInput(deployRequestSchema, body).deploy.customExecutorResources).toEqual({ cpus: 0.05, memoryMb: 48 });
  });
});
