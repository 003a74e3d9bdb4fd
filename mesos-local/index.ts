export { startMesosLocal, DEFAULT_RESOURCES, type MesosLocal, type MesosLocalOptions } from './mesos-local';
export type { AgentDescription, ContainerizerKind } from './agent';
export { parseZkUrl } from './leader-election';
