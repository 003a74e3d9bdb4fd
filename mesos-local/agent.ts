/**
 * A Mesos agent, wired from its parts: the master's link into it (agent-link.ts), its executor
 * processes, the v1 executor API and `/state` behind its HTTP routes, and its lifecycle, all
 * sharing one AgentState. Status updates are forwarded reliably (status-update-stream.ts).
 */
import { AgentLifecycle } from './agent-lifecycle';
import { AgentLinkHandler } from './agent-link';
import { agentRequestHandler } from './agent-http';
import { AgentState, type AgentOptions } from './agent-state';
import { ExecutorApi } from './executor-api';
import { ExecutorProcesses } from './executor-processes';
import type { Master } from './master';
import type { AgentLink } from './master-model';

export type { AgentOptions, ContainerizerKind } from './agent-state';

export interface AgentDescription {
  id: string;
  hostname: string;
  port: number;
  endpoint: string;
  url: string;
  workDir: string;
}

export class Agent {
  private readonly state: AgentState;
  private readonly processes: ExecutorProcesses;
  private readonly lifecycle: AgentLifecycle;

  constructor(options: AgentOptions) {
    this.state = new AgentState(options);
    this.processes = new ExecutorProcesses(this.state);
    const link = partitionGuard(this.state, new AgentLinkHandler(this.state, this.processes));
    const api = new ExecutorApi(this.state, this.processes);
    this.lifecycle = new AgentLifecycle(this.state, this.processes, link, agentRequestHandler(this.state, api));
  }

  describe(): AgentDescription {
    const { id, hostname, port, workDir } = this.state;
    return { id, hostname, port, endpoint: `${hostname}:${port}`, url: `http://${hostname}:${port}`, workDir };
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  partition(): void {
    this.lifecycle.partition();
  }

  heal(): void {
    this.lifecycle.heal();
  }

  followMaster(master: Master): void {
    this.lifecycle.followMaster(master);
  }

  destroy(): Promise<void> {
    return this.lifecycle.destroy();
  }

  /** SIGKILL to an executor's process (a fault for tests); returns false when unknown. */
  killExecutor(executorId: string): boolean {
    return this.processes.kill(executorId);
  }

  /** Pids of the processes this agent runs (for leak checks). */
  pids(): number[] {
    return this.processes.pids();
  }
}

/** While the agent is partitioned, what the master sends it is lost on the way, as on a cut network. */
function partitionGuard(state: AgentState, link: AgentLink): AgentLink {
  const open = (): boolean => !state.partitioned;
  return {
    runTask: (framework, task) => void (open() && link.runTask(framework, task)),
    killTask: (frameworkId, taskId, killPolicy) => void (open() && link.killTask(frameworkId, taskId, killPolicy)),
    shutdownExecutor: (frameworkId, executorId) => void (open() && link.shutdownExecutor(frameworkId, executorId)),
    shutdownFramework: (frameworkId) => void (open() && link.shutdownFramework(frameworkId)),
    acknowledge: (frameworkId, taskId, uuid) => void (open() && link.acknowledge(frameworkId, taskId, uuid)),
    frameworkMessage: (frameworkId, executorId, data) => void (open() && link.frameworkMessage(frameworkId, executorId, data)),
    frameworkSubscribed: (frameworkId) => void (open() && link.frameworkSubscribed(frameworkId)),
  };
}
