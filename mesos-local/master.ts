/**
 * The master, wired from its parts: the framework and agent registries, the offer cycle,
 * the scheduler calls and the agents' reports, sharing one MasterState. No HTTP here: the
 * adapter (master-http.ts) decodes calls and hands over a FrameworkConnection per event
 * stream; agents talk to it through AgentLink.
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type Logger } from '../common';
import type { MasterInfo, Offer, Resource, SchedulerCall, TaskState, TaskStatus } from '../mesos-proto';
import { AgentRegistry } from './agent-registry';
import { executorExited, executorMessage, forwardStatusUpdate } from './agent-reports';
import { Allocator } from './allocator';
import { FrameworkRegistry } from './framework-registry';
import { masterInfo } from './master-info';
import type { AgentRegistration, FrameworkConnection, MasterAgent, MasterFramework } from './master-model';
import { MasterState } from './master-state';
import { OfferCycle } from './offer-cycle';
import { SchedulerCalls } from './scheduler-calls';

export type { AgentLink, FrameworkConnection } from './master-model';

export interface MasterOptions {
  hostname?: string;
  ip?: string;
  port: number;
  allocationIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** How long a disconnected agent has before it is marked unreachable (Mesos: 15 s × 5 pings). */
  agentPingTimeoutMs?: number;
  timers?: Clock;
  log: Logger;
}

export class Master {
  readonly hostname: string;
  readonly ip: string;
  readonly port: number;
  readonly startTime: number;
  electedTime: number | null = null;
  private readonly state: MasterState;
  private readonly offers: OfferCycle;
  private readonly frameworkRegistry: FrameworkRegistry;
  private readonly agentRegistry: AgentRegistry;
  private readonly calls: SchedulerCalls;

  constructor(options: MasterOptions) {
    this.hostname = options.hostname ?? '127.0.0.1';
    this.ip = options.ip ?? '127.0.0.1';
    this.port = options.port;
    const timers = options.timers ?? systemClock;
    this.state = new MasterState(timers, options.log);
    this.offers = new OfferCycle(this.state, options.allocationIntervalMs ?? 1000);
    this.frameworkRegistry = new FrameworkRegistry(this.state, this.offers, options.heartbeatIntervalMs ?? 15_000, () => this.masterInfo());
    this.agentRegistry = new AgentRegistry(this.state, this.offers, options.agentPingTimeoutMs ?? 75_000);
    this.calls = new SchedulerCalls(this.state, this.offers, this.frameworkRegistry, this.agentRegistry);
    this.startTime = timers.now();
    this.state.id = randomUUID();
    this.offers.start();
  }

  get id(): string {
    return this.state.id;
  }

  get frameworks(): ReadonlyMap<string, MasterFramework> {
    return this.state.frameworks;
  }

  get completedFrameworks(): readonly MasterFramework[] {
    return this.frameworkRegistry.completed;
  }

  get agents(): ReadonlyMap<string, MasterAgent> {
    return this.state.agents;
  }

  masterInfo(): MasterInfo {
    return masterInfo(this.id, this.hostname, this.ip, this.port);
  }

  // ---- scheduler side (master-http.ts) ----

  subscribe(subscribe: NonNullable<SchedulerCall['subscribe']>, connection: FrameworkConnection): void {
    this.frameworkRegistry.subscribe(subscribe, connection);
  }

  disconnected(frameworkId: string, connection: FrameworkConnection): void {
    this.frameworkRegistry.disconnected(frameworkId, connection);
  }

  handleCall(framework: MasterFramework, call: SchedulerCall): void {
    this.calls.handle(framework, call);
  }

  updateFramework(framework: MasterFramework, update: NonNullable<SchedulerCall['update_framework']>): string | null {
    return this.frameworkRegistry.update(framework, update);
  }

  getFramework(id: string): MasterFramework | undefined {
    return this.state.frameworks.get(id);
  }

  // ---- agent side (agent.ts) ----

  registerAgent(reg: AgentRegistration): void {
    this.agentRegistry.register(reg);
  }

  agentDisconnected(agentId: string): void {
    this.agentRegistry.disconnected(agentId);
  }

  /** The agent stopped answering (partition): unreachable after the ping timeout unless it re-registers. */
  agentUnresponsive(agentId: string): void {
    this.agentRegistry.unresponsive(agentId);
  }

  markAgentUnreachable(agentId: string): void {
    this.agentRegistry.markUnreachable(agentId);
  }

  /** `latestState`: the task's state on the agent now, which may be past the forwarded update's. */
  statusUpdate(agentId: string, frameworkId: string, status: TaskStatus, latestState?: TaskState): void {
    forwardStatusUpdate(this.state, agentId, frameworkId, status, latestState);
  }

  executorExited(agentId: string, frameworkId: string, executorId: string, waitStatus: number): void {
    executorExited(this.state, agentId, frameworkId, executorId, waitStatus);
  }

  executorMessage(agentId: string, frameworkId: string, executorId: string, data: string): void {
    executorMessage(this.state, agentId, frameworkId, executorId, data);
  }

  // ---- /master/state (state-json.ts) ----

  /** The subset of Mesos's `/metrics/snapshot` keys that mesos-local keeps. */
  metricsSnapshot(): Record<string, number> {
    return {
      'allocator/mesos/allocation_runs': this.offers.allocationRuns,
      'master/frameworks_active': [...this.state.frameworks.values()].filter((f) => f.connection).length,
      'master/slaves_active': [...this.state.agents.values()].filter((a) => a.standing === 'active').length,
    };
  }

  offersOf(frameworkId: string): Offer[] {
    return this.offers.offersOf(frameworkId);
  }

  usedOnAgent(agent: MasterAgent): Resource[] {
    return this.agentRegistry.usedOnAgent(agent);
  }

  offeredOnAgent(agent: MasterAgent): Resource[] {
    return this.offers.offeredOnAgent(agent);
  }

  // ---- lifecycle ----

  /**
   * Simulates a master failover: every stream is dropped and outstanding offers vanish; the
   * new master knows the tasks again from the agents, the frameworks only as "recovered"
   * until they re-subscribe with their ids.
   */
  failover(): void {
    this.frameworkRegistry.failover();
    this.offers.forgetAll();
    this.state.id = randomUUID();
    this.state.allocator = new Allocator();
    this.agentRegistry.addAgentsToAllocator();
    this.state.log.warn({ masterId: this.id }, 'master failed over');
  }

  stop(): void {
    this.offers.stop();
    this.frameworkRegistry.stop();
    this.agentRegistry.stop();
  }
}
