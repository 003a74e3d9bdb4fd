import type {
  AgentPlacement, ContainerInfoSpec, DockerPortMapping, HealthcheckSpec, RequestType, SingularityDeploy, SingularityRequest,
} from '../../contract';
import { parsePortSpec } from '../spec/port-spec';
import { specHash, type LoadedSpec } from '../spec/spec-loader';
import type { EnvironmentSpec } from '../spec/spec-schema';

/** Singularity ids may hold only [A-Za-z0-9_]; Nmesos turns everything else into `_`. */
export function normalizeId(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, '_');
}

export const MAX_DEPLOY_ID_LENGTH = 50;

export function requestIdFor(environment: string, service: string): string {
  return normalizeId(`${environment}-${service}`);
}

/**
 * `<tag>-<hash>` normalized; a long tag is cut so the hash (what tells two specs apart) and the
 * suffix always fit in Singularity's 50 characters.
 */
export function deployIdFor(tag: string, hash: string, suffix?: string): string {
  const tail = suffix === undefined ? `-${hash}` : `-${hash}-${suffix}`;
  const room = MAX_DEPLOY_ID_LENGTH - tail.length;
  return normalizeId(`${tag.slice(0, Math.max(1, room))}${tail}`);
}

/**
 * The suffix `--force` adds when the deploy id exists already: seconds since 2016-12-01, as
 * Nmesos does, so forced ids sort by time.
 */
export function forceSuffix(nowMs: number): string {
  return String(Math.floor((nowMs - Date.UTC(2016, 11, 1)) / 1000));
}

export interface Conversion {
  request: SingularityRequest;
  /** The deploy with id `<tag>-<hash>`; `withDeployId` makes the forced variant. */
  deploy: SingularityDeploy;
  specHash: string;
}

const PLACEMENT_ALIASES: Record<string, AgentPlacement> = { SPREAD_ALL_SLAVES: 'SPREAD_ALL_AGENTS' };

export function toRequest(requestId: string, spec: EnvironmentSpec): SingularityRequest {
  const s = spec.singularity ?? {};
  const requestType: RequestType = s.requestType ?? (s.schedule ? 'SCHEDULED' : 'SERVICE');
  const placement = s.slavePlacement ?? 'OPTIMISTIC';
  return dropEmpty({
    id: requestId,
    requestType,
    instances: requestType === 'SCHEDULED' || requestType === 'ON_DEMAND' || requestType === 'RUN_ONCE' ? undefined : (spec.resources.instances ?? 1),
    schedule: s.schedule,
    agentPlacement: PLACEMENT_ALIASES[placement] ?? (placement as AgentPlacement),
    requiredAgentAttributes: s.requiredAttributes,
    allowedAgentAttributes: s.allowedSlaveAttributes,
    requiredRole: s.requiredRole,
    numRetriesOnFailure: s.numRetriesOnFailure,
    owners: s.owners,
    drainSeconds: s.drainSeconds,
  });
}

export function toPortMappings(ports: (number | string)[]): DockerPortMapping[] {
  return ports.map((p, index) => {
    const port = parsePortSpec(p);
    return port.hostPort === undefined
      // FROM_OFFER: hostPort is the index into the ports the offer gives the task.
      ? { containerPortType: 'LITERAL', containerPort: port.containerPort, hostPortType: 'FROM_OFFER', hostPort: index, protocol: port.protocol }
      : { containerPortType: 'LITERAL', containerPort: port.containerPort, hostPortType: 'LITERAL', hostPort: port.hostPort, protocol: port.protocol };
  });
}

export function toContainerInfo(container: EnvironmentSpec['container'], tag: string): ContainerInfoSpec {
  const dockerParameters = [
    ...Object.entries(container.labels ?? {}).map(([k, v]) => ({ key: 'label', value: `${k}=${v}` })),
    ...Object.entries(container.dockerParameters ?? {}).map(([key, value]) => ({ key, value })),
  ];
  const volumes = (container.volumes ?? []).map((v) => {
    const [hostPath, containerPath, mode] = v.split(':');
    return { hostPath, containerPath, mode: mode?.toUpperCase() === 'RO' ? 'RO' as const : 'RW' as const };
  });
  const ports = container.ports ?? [];
  return dropEmpty({
    type: 'DOCKER',
    volumes: volumes.length ? volumes : undefined,
    docker: dropEmpty({
      image: `${container.image}:${tag}`,
      network: container.network ?? 'BRIDGE',
      portMappings: ports.length ? toPortMappings(ports) : undefined,
      forcePullImage: container.forcePullImage ?? false,
      dockerParameters: dockerParameters.length ? dockerParameters : undefined,
    }),
  });
}

export function toHealthcheck(spec: EnvironmentSpec): HealthcheckSpec | undefined {
  const s = spec.singularity ?? {};
  const protocol = s.healthcheckProtocol ?? (s.healthcheckUri !== undefined ? 'HTTP' : undefined);
  if (protocol === undefined) return undefined;
  return dropEmpty({
    protocol,
    uri: protocol === 'HTTP' || protocol === 'HTTPS' ? (s.healthcheckUri ?? '/') : undefined,
    command: s.healthcheckCommand,
    portIndex: protocol === 'COMMAND' ? undefined : (s.healthcheckPortIndex ?? 0),
    responseTimeoutSeconds: s.healthcheckTimeoutSeconds,
    maxRetries: s.healthcheckMaxRetries,
    // Singularity folded the old healthcheckMaxTotalTimeoutSeconds into the startup timeout.
    startupTimeoutSeconds: s.healthcheckMaxTotalTimeoutSeconds,
    intervalSeconds: s.healthcheckIntervalSeconds,
    startupDelaySeconds: s.healthcheckStartupDelaySeconds,
  });
}

export function toDeploy(requestId: string, deployId: string, tag: string, spec: EnvironmentSpec): SingularityDeploy {
  const s = spec.singularity ?? {};
  const executorEnv = spec.executor?.env_vars;
  return dropEmpty({
    requestId,
    id: deployId,
    command: spec.container.command,
    shell: spec.container.command !== undefined ? true : undefined,
    // vault:// values go through untouched: the executor resolves them on the agent.
    env: spec.container.env_vars && Object.keys(spec.container.env_vars).length ? spec.container.env_vars : undefined,
    resources: dropEmpty({ cpus: spec.resources.cpus, memoryMb: spec.resources.memoryMb, numPorts: (spec.container.ports ?? []).length, diskMb: spec.resources.diskMb }),
    containerInfo: toContainerInfo(spec.container, tag),
    customExecutorCmd: spec.executor?.customExecutorCmd,
    executorData: executorEnv && Object.keys(executorEnv).length ? { env: executorEnv } : undefined,
    healthcheck: toHealthcheck(spec),
    deployHealthTimeoutSeconds: s.deployHealthTimeoutSeconds,
    deployInstanceCountPerStep: s.deployInstanceCountPerStep,
    deployStepWaitTimeMs: s.deployStepWaitTimeMs,
    autoAdvanceDeploySteps: s.autoAdvanceDeploySteps,
    drainSeconds: s.drainSeconds,
  });
}

/**
 * The request and deploy a release of `tag` sends. The hash covers everything the environment
 * says except the scheduler URL, so the same spec and tag give the same deploy id anywhere.
 */
export function convert(loaded: Pick<LoadedSpec, 'service' | 'environment' | 'spec'>, tag: string): Conversion {
  const requestId = requestIdFor(loaded.environment, loaded.service);
  const { url: _url, ...scheduler } = loaded.spec.singularity ?? {};
  const hash = specHash({ ...loaded.spec, singularity: scheduler });
  const request = toRequest(requestId, loaded.spec);
  return { request, deploy: toDeploy(requestId, deployIdFor(tag, hash), tag, loaded.spec), specHash: hash };
}

/** Drops undefined fields so the JSON sent (and the dry-run diff) shows only what is set. */
function dropEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
