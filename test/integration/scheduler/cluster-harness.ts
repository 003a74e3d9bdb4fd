import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from '../../../common/logger';
import { startMesosLocal, type MesosLocal, type MesosLocalOptions } from '../../../mesos-local';
import type { ContentType } from '../../../mesos-proto';
import { deployKey, Scheduler } from '../../../scheduler/core';
import type { SingularityDeploy, SingularityRequest } from '../../../contract';
import type { DeployRecord, RequestRecord, TaskRecord } from '../../../scheduler/model';
import { MemoryStateStore, type StateStore } from '../../../scheduler/state';

/** Logs go nowhere unless GRIDDLE_TEST_LOGS is set (they are noisy at scale). */
export function quietLogger(name: string): Logger {
  if (process.env.GRIDDLE_TEST_LOGS) return createLogger(name);
  return createLogger(name, { destination: { write: () => true } as unknown as DestinationStream });
}

export function serviceRequest(id: string, instances: number, over: Partial<SingularityRequest> = {}): RequestRecord {
  return { request: { id, requestType: 'SERVICE', instances, ...over }, state: 'ACTIVE', activeDeployId: 'd1', createdAt: Date.now(), updatedAt: Date.now() };
}

export function serviceDeploy(requestId: string, over: Partial<SingularityDeploy> = {}): DeployRecord {
  return {
    deploy: {
      requestId, id: 'd1', resources: { cpus: 0.1, memoryMb: 32, numPorts: 1 },
      containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1', network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
      ...over,
    },
    createdAt: Date.now(),
  };
}

export function running(s: Scheduler, requestId: string): TaskRecord[] {
  return [...s.tasks.values()].filter((t) => t.requestId === requestId && t.state === 'TASK_RUNNING' && t.killRequestedAt === undefined);
}

export interface Cluster {
  local: MesosLocal;
  scheduler: Scheduler;
  /** Every task state Griddle saw, in order. */
  seen: { taskId: string; state: string }[];
  stop(): Promise<void>;
}

export async function startCluster(options: {
  mesos?: MesosLocalOptions; store?: StateStore; contentType?: ContentType; executorCmd?: string;
} = {}): Promise<Cluster> {
  const local = await startMesosLocal({
    port: 0, agents: 3, containerizer: 'simulated', allocationIntervalMs: 200, log: quietLogger('mesos-local'), ...options.mesos,
  });
  const scheduler = new Scheduler({
    store: options.store ?? new MemoryStateStore(), master: local.masterUrl, contentType: options.contentType,
    executorCmd: options.executorCmd, log: quietLogger('scheduler'),
  });
  const seen: { taskId: string; state: string }[] = [];
  scheduler.events.on('task', (t) => seen.push({ taskId: t.taskId, state: t.state }));
  await scheduler.becomeLeader();
  return {
    local, scheduler, seen,
    async stop() {
      await scheduler.close();
      await local.stop();
    },
  };
}

export function addService(s: Scheduler, id: string, instances: number, request: Partial<SingularityRequest> = {}, deploy: Partial<SingularityDeploy> = {}): void {
  s.putDeploy(serviceDeploy(id, deploy));
  s.putRequest(serviceRequest(id, instances, request));
}

export { deployKey };
