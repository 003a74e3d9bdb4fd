/** `/master/state` in Mesos's JSON shape (the fields operators and tools read). */
import { attributeText, resourcesToStateJson, subtractResources, type MasterInfo, type Resource } from '../mesos-proto';
import { frameworkRole } from './framework-info';
import type { Master } from './master';
import { MESOS_VERSION } from './master-info';
import type { MasterFramework, MasterTask } from './master-model';

type Json = Record<string, unknown>;

export function masterStateJson(master: Master, context: { flags: Record<string, string>; leader: MasterInfo }): Json {
  const agents = [...master.agents.values()];
  const slaves = agents.filter((a) => a.standing !== 'unreachable').map((agent) => {
    const used = master.usedOnAgent(agent);
    const offered = master.offeredOnAgent(agent);
    return {
      id: agent.id,
      pid: `slave(1)@${agent.hostname}:${agent.port}`,
      hostname: agent.hostname,
      port: agent.port,
      resources: resourcesToStateJson(agent.resources),
      used_resources: resourcesToStateJson(used),
      offered_resources: resourcesToStateJson(offered),
      reserved_resources: {},
      unreserved_resources: resourcesToStateJson(agent.resources),
      attributes: Object.fromEntries(agent.attributes.map((a) => [a.name, a.type === 'SCALAR' ? a.scalar?.value ?? 0 : attributeText(a)])),
      active: agent.standing === 'active',
      registered_time: agent.registeredTime / 1000,
      ...(agent.reregisteredTime !== undefined ? { reregistered_time: agent.reregisteredTime / 1000 } : {}),
      version: MESOS_VERSION,
      capabilities: ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'],
    };
  });
  return {
    version: MESOS_VERSION,
    git_tag: MESOS_VERSION,
    build_user: 'griddle',
    id: master.id,
    pid: `master@${master.ip}:${master.port}`,
    hostname: master.hostname,
    start_time: master.startTime / 1000,
    elected_time: (master.electedTime ?? master.startTime) / 1000,
    leader: context.leader.pid,
    leader_info: context.leader,
    activated_slaves: agents.filter((a) => a.standing === 'active').length,
    deactivated_slaves: agents.filter((a) => a.standing === 'disconnected').length,
    unreachable_slaves: agents.filter((a) => a.standing === 'unreachable').length,
    flags: context.flags,
    slaves,
    frameworks: [...master.frameworks.values()].map((f) => frameworkJson(master, f, true)),
    completed_frameworks: master.completedFrameworks.map((f) => frameworkJson(master, f, false)),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}

function frameworkJson(master: Master, framework: MasterFramework, live: boolean): Json {
  const tasks = [...framework.tasks.values()];
  let used: Resource[] = [];
  for (const t of tasks) if (!t.resourcesRecovered) used = [...used, ...(t.info.resources ?? [])];
  const offers = live ? master.offersOf(framework.id) : [];
  const offered = offers.flatMap((o) => o.resources ?? []);
  const executors: Json[] = [];
  if (live) {
    for (const agent of master.agents.values()) {
      for (const e of agent.executors.values()) {
        if (e.frameworkId !== framework.id) continue;
        executors.push({
          executor_id: e.info.executor_id.value, name: e.info.name ?? '', framework_id: framework.id, command: e.info.command ?? {},
          resources: resourcesToStateJson(e.info.resources ?? []), slave_id: agent.id,
        });
      }
    }
  }
  const info = framework.info;
  return {
    id: framework.id,
    name: info.name,
    pid: '',
    used_resources: resourcesToStateJson(sum(used)),
    offered_resources: resourcesToStateJson(sum(offered)),
    capabilities: (info.capabilities ?? []).map((c) => c.type),
    hostname: info.hostname ?? '',
    webui_url: info.webui_url ?? '',
    active: live && framework.connection !== null,
    connected: live && framework.connection !== null,
    recovered: framework.recovered,
    user: info.user,
    failover_timeout: info.failover_timeout ?? 0,
    checkpoint: info.checkpoint ?? false,
    role: frameworkRole(info),
    roles: info.roles ?? [frameworkRole(info)],
    principal: info.principal,
    registered_time: framework.registeredTime / 1000,
    unregistered_time: (framework.unregisteredTime ?? 0) / 1000,
    ...(framework.reregisteredTime !== undefined ? { reregistered_time: framework.reregisteredTime / 1000 } : {}),
    resources: resourcesToStateJson(sum(used)),
    tasks: tasks.map(taskJson),
    unreachable_tasks: [...framework.unreachableTasks.values()].map(taskJson),
    completed_tasks: framework.completedTasks.map(taskJson),
    offers: offers.map((o) => ({
      id: o.id.value, framework_id: o.framework_id.value, slave_id: o.agent_id.value, resources: resourcesToStateJson(o.resources ?? []),
    })),
    executors,
    completed_executors: [],
  };
}

function taskJson(task: MasterTask): Json {
  const info = task.info;
  return {
    id: info.task_id.value,
    name: info.name,
    framework_id: task.frameworkId,
    executor_id: task.executorId ?? '',
    slave_id: task.agentId,
    state: task.state,
    resources: resourcesToStateJson(info.resources ?? []),
    role: '*',
    statuses: task.statuses.map((s) => ({
      state: s.state,
      timestamp: s.timestamp,
      ...(s.healthy !== undefined ? { healthy: s.healthy } : {}),
      ...(s.container_status ? { container_status: s.container_status } : {}),
    })),
    ...(info.labels ? { labels: info.labels.labels ?? [] } : {}),
    ...(info.container ? { container: info.container } : {}),
    ...(info.health_check ? { health_check: info.health_check } : {}),
    ...(info.discovery ? { discovery: info.discovery } : {}),
  };
}

function sum(resources: Resource[]): Resource[] {
  // addResources merges by name; subtracting nothing normalizes duplicates the same way.
  return subtractResources(resources, []);
}
