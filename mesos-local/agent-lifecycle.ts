/**
 * An agent's lifecycle as the faults see it: start (register, or re-register reporting its
 * tasks and recover its executors), stop (the process goes down, executors live on),
 * partition and heal (the network to the master), and destroy (nothing it started survives).
 */
import http from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { AgentState } from './agent-state';
import type { ExecutorProcesses } from './executor-processes';
import type { AgentLink, ReportedTask } from './master-model';

export class AgentLifecycle {
  private server: http.Server | null = null;

  constructor(
    private readonly state: AgentState,
    private readonly processes: ExecutorProcesses,
    private readonly link: AgentLink,
    private readonly requestHandler: http.RequestListener,
  ) {}

  /** Starts serving and registers (or re-registers, reporting its tasks) with the master. */
  async start(): Promise<void> {
    const { state } = this;
    if (state.running) return;
    const server = http.createServer(this.requestHandler);
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(state.port, state.options.bind ?? (isIP(state.hostname) ? state.hostname : '0.0.0.0'), () => resolve());
    });
    state.port = (server.address() as AddressInfo).port;
    this.server = server;
    const restarting = state.executors.size > 0 || this.processes.hasExitsWhileDown;
    state.running = true;
    // Registering re-sends every pending update (registerWithMaster).
    this.registerWithMaster();
    if (restarting) this.processes.recover();
  }

  /** The agent process goes down: executors keep running (checkpointed ones will resubscribe). */
  async stop(): Promise<void> {
    const { state } = this;
    if (!state.running) return;
    state.running = false;
    state.updates.pause();
    for (const executor of state.executors.values()) {
      state.timers.clearTimeout(executor.heartbeatTimer);
      executor.stream?.close();
      executor.stream = null;
    }
    await this.closeServer();
    state.master.agentDisconnected(state.id);
    state.log.info('agent stopped');
  }

  /**
   * The network between agent and master is cut: nothing passes either way (the master's
   * messages are dropped by the link guard, status updates wait), and the master marks the
   * agent unreachable once its pings have failed for the ping timeout.
   */
  partition(): void {
    if (this.state.partitioned) return;
    this.state.partitioned = true;
    this.state.updates.pause();
    this.state.master.agentUnresponsive(this.state.id);
  }

  /** The network is back: the agent re-registers, reporting its tasks (pending updates follow). */
  heal(): void {
    if (!this.state.partitioned) return;
    this.state.partitioned = false;
    if (this.state.running) this.registerWithMaster();
  }

  /**
   * Another master was elected (the agent's detector saw it in ZooKeeper): the agent
   * re-registers with it, reporting its tasks and their frameworks, as a Mesos agent does.
   */
  followMaster(master: AgentState['master']): void {
    if (this.state.master === master) return;
    this.state.master = master;
    this.state.log.info({ masterId: master.id }, 'new leading master detected');
    // As Mesos's agent (Slave::detected): nothing goes out until it is registered with the new
    // master, however long that takes (it may be down or cut off now); the updates stay queued.
    this.state.updates.pause();
    if (this.state.running && !this.state.partitioned) this.registerWithMaster();
  }

  /**
   * Everything ends and no process this agent started survives. Executors first get SHUTDOWN
   * and their grace period, as when a Mesos agent is drained, so they stop their containers
   * instead of leaving them running; SIGKILL is only for those that overstay.
   */
  async destroy(): Promise<void> {
    const { state, processes } = this;
    const exits: Promise<unknown>[] = [];
    for (const executor of state.executors.values()) {
      if (!executor.process) continue;
      exits.push(executor.process.exited);
      if (executor.stream) processes.shutdown(executor);
      else executor.process.signal('SIGKILL');
    }
    await Promise.all(exits);
    state.running = false;
    state.updates.stop();
    for (const executor of state.executors.values()) {
      processes.clearTimers(executor);
      executor.stream?.close();
    }
    state.executors.clear();
    await this.closeServer();
  }

  /**
   * Registers (or re-registers) with the leading master, then, as Mesos's agent does on
   * (re-)registration, resumes its status update streams: the head of every stream goes out
   * again at once, to this master, with the retry interval back at its minimum. Not only for
   * the frameworks the master has connected now: one that subscribed to a new master before the
   * agent came back would otherwise wait on a stopped stream.
   */
  private registerWithMaster(): void {
    const { state } = this;
    state.master.registerAgent({
      id: state.id, hostname: state.hostname, port: state.port, resources: state.resources, attributes: state.attributes, link: this.link, tasks: this.reportTasks(),
    });
    state.updates.resume();
  }

  private reportTasks(): ReportedTask[] {
    const out: ReportedTask[] = [];
    for (const task of this.state.tasks.values()) {
      const executor = this.state.executors.get(task.executorKey);
      out.push({
        frameworkId: task.frameworkId, task: task.info, state: task.state, statuses: [...task.statuses], executor: executor && !executor.commandTask ? executor.info : undefined,
        framework: this.state.frameworks.get(task.frameworkId),
      });
    }
    return out;
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
