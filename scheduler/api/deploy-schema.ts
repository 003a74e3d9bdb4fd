import * as z from 'zod';
import type { ContainerInfoSpec, HealthcheckSpec, SingularityDeploy, SingularityRequest } from '../model';
import { deployIdSchema, requestIdSchema } from './ids';
import { compact, singularityRequestSchema } from './request-schema';
import { acceptanceChecksSchema, canaryDeploySettingsSchema, checkRollout } from './rollout-schema';

const stringMap = z.record(z.string().min(1).max(1000), z.string().max(100_000));
const port = z.number().int().min(0).max(65535);
const seconds = z.number().int().min(0).max(86_400);
const upper = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().transform((s) => s.toUpperCase()).pipe(z.enum(values));

const resources = z.object({
  cpus: z.number().gt(0).max(1024),
  memoryMb: z.number().gt(0).max(4_194_304),
  numPorts: z.number().int().min(0).max(100).optional(),
  diskMb: z.number().min(0).max(1e9).optional(),
});

/**
 * The executor's own resources. Mesos warns on every launch whose executor has less than
 * 0.01 cpus or 32 MB, so less is refused here.
 */
const executorResources = z.object({
  cpus: z.number().min(0.01).max(1024),
  memoryMb: z.number().min(32).max(4_194_304),
  numPorts: z.number().int().min(0).max(100).optional(),
  diskMb: z.number().min(0).max(1e9).optional(),
});

const portMapping = z.object({
  containerPortType: z.enum(['LITERAL', 'FROM_OFFER']).optional(),
  containerPort: port,
  hostPortType: z.enum(['LITERAL', 'FROM_OFFER']).optional(),
  hostPort: port,
  protocol: z.string().regex(/^(tcp|udp)(,(tcp|udp))?$/i, 'must be "tcp", "udp" or "tcp,udp"').optional(),
});

const dockerParameter = z.object({ key: z.string().min(1).max(200), value: z.string().max(100_000) });

const docker = z.object({
  image: z.string().min(1).max(1000),
  privileged: z.boolean().optional(),
  network: upper(['BRIDGE', 'HOST', 'NONE']).optional(),
  portMappings: z.array(portMapping).max(100).optional(),
  forcePullImage: z.boolean().optional(),
  dockerParameters: z.array(dockerParameter).max(1000).optional(),
  /** Singularity's older form: a map of docker run options. */
  parameters: z.record(z.string().min(1).max(200), z.string().max(100_000)).optional(),
});

const volume = z.object({
  containerPath: z.string().min(1).max(4096),
  hostPath: z.string().min(1).max(4096).optional(),
  mode: upper(['RO', 'RW']).optional(),
});

const containerInfo = z.object({
  type: z.enum(['DOCKER', 'MESOS']).optional(),
  volumes: z.array(volume).max(100).optional(),
  docker: docker.optional(),
});

const healthcheck = z.object({
  uri: z.string().min(1).max(2000).optional(),
  portIndex: z.number().int().min(0).max(99).optional(),
  portNumber: port.optional(),
  protocol: upper(['HTTP', 'HTTPS', 'TCP', 'COMMAND']).optional(),
  method: upper(['GET', 'POST', 'HEAD']).optional(),
  startupDelaySeconds: seconds.optional(),
  startupTimeoutSeconds: seconds.optional(),
  startupIntervalSeconds: seconds.optional(),
  intervalSeconds: seconds.optional(),
  responseTimeoutSeconds: seconds.optional(),
  maxRetries: z.number().int().min(0).max(1000).optional(),
  failureStatusCodes: z.array(z.number().int().min(100).max(599)).max(100).optional(),
  command: z.string().min(1).max(10_000).optional(),
});

/** A URI artifact: Singularity accepts a plain string or `{uri, ...}`. */
const uri = z.union([z.string().min(1).max(4000), z.object({ uri: z.string().min(1).max(4000) })]);

/**
 * SingularityDeploy as clients send it, including the flat health-check fields of older
 * Singularity versions that Nmesos still sends (`healthcheckUri`, `healthcheckPortIndex`, ...).
 */
export const singularityDeployInput = z.object({
  requestId: requestIdSchema,
  id: deployIdSchema,
  command: z.string().max(100_000).optional(),
  arguments: z.array(z.string().max(100_000)).max(1000).optional(),
  shell: z.boolean().optional(),
  user: z.string().min(1).max(200).optional(),
  env: stringMap.optional(),
  uris: z.array(uri).max(100).optional(),
  labels: stringMap.optional(),
  metadata: stringMap.optional(),
  version: z.string().max(200).optional(),
  resources: resources.optional(),
  containerInfo: containerInfo.optional(),
  customExecutorCmd: z.string().min(1).max(10_000).optional(),
  customExecutorResources: executorResources.optional(),
  executorData: z.looseObject({ env: stringMap.optional() }).optional(),
  healthcheck: healthcheck.optional(),
  healthcheckUri: z.string().min(1).max(2000).optional(),
  healthcheckPortIndex: z.number().int().min(0).max(99).optional(),
  healthcheckProtocol: upper(['HTTP', 'HTTPS', 'TCP', 'COMMAND']).optional(),
  healthcheckIntervalSeconds: seconds.optional(),
  healthcheckTimeoutSeconds: seconds.optional(),
  healthcheckMaxRetries: z.number().int().min(0).max(1000).optional(),
  healthcheckMaxTotalTimeoutSeconds: seconds.optional(),
  deployHealthTimeoutSeconds: seconds.optional(),
  considerHealthyAfterRunningForSeconds: seconds.optional(),
  skipHealthchecksOnDeploy: z.boolean().optional(),
  deployInstanceCountPerStep: z.number().int().min(1).max(100_000).optional(),
  deployStepWaitTimeMs: z.number().int().min(0).max(86_400_000).optional(),
  autoAdvanceDeploySteps: z.boolean().optional(),
  loadBalancerGroups: z.array(z.string().min(1).max(200)).max(100).optional(),
  loadBalancerPortIndex: z.number().int().min(0).max(99).optional(),
  drainSeconds: z.number().int().min(0).max(3600).optional(),
  canaryDeploySettings: canaryDeploySettingsSchema.optional(),
  acceptanceChecks: acceptanceChecksSchema.optional(),
});

export type SingularityDeployInput = z.input<typeof singularityDeployInput>;
type DeployInput = z.output<typeof singularityDeployInput>;

/** Singularity's default resources when a deploy names none. */
export const DEFAULT_RESOURCES = { cpus: 1, memoryMb: 64, numPorts: 0 } as const;

/** Older Singularity's flat health-check fields and the nested field each one means. */
const FLAT_HEALTHCHECK = {
  healthcheckUri: 'uri',
  healthcheckPortIndex: 'portIndex',
  healthcheckProtocol: 'protocol',
  healthcheckIntervalSeconds: 'intervalSeconds',
  healthcheckTimeoutSeconds: 'responseTimeoutSeconds',
  healthcheckMaxRetries: 'maxRetries',
  healthcheckMaxTotalTimeoutSeconds: 'startupTimeoutSeconds',
} as const;

function normalizeHealthcheck(v: DeployInput, ctx: z.RefinementCtx): HealthcheckSpec | undefined {
  // The flat total budget is the closest thing Griddle has to a startup timeout. A field given
  // both ways with different values is refused rather than silently picking one.
  for (const [flatName, nestedName] of Object.entries(FLAT_HEALTHCHECK)) {
    const flatValue = v[flatName as keyof typeof FLAT_HEALTHCHECK];
    const nestedValue = v.healthcheck?.[nestedName];
    if (flatValue !== undefined && nestedValue !== undefined && flatValue !== nestedValue) {
      ctx.issues.push({ code: 'custom', path: [flatName], input: flatValue, message: `is ${JSON.stringify(flatValue)} but healthcheck.${nestedName} is ${JSON.stringify(nestedValue)}; give one of them` });
    }
  }
  const flat = compact<HealthcheckSpec>({
    uri: v.healthcheckUri,
    portIndex: v.healthcheckPortIndex,
    protocol: v.healthcheckProtocol,
    intervalSeconds: v.healthcheckIntervalSeconds,
    responseTimeoutSeconds: v.healthcheckTimeoutSeconds,
    maxRetries: v.healthcheckMaxRetries,
    startupTimeoutSeconds: v.healthcheckMaxTotalTimeoutSeconds,
  });
  const merged = { ...flat, ...compact<HealthcheckSpec>(v.healthcheck ?? {}) };
  return Object.keys(merged).length ? merged : undefined;
}

function normalizeContainer(c: NonNullable<DeployInput['containerInfo']>): ContainerInfoSpec {
  const d = c.docker;
  const dockerParameters = d
    ? [...(d.dockerParameters ?? []), ...Object.entries(d.parameters ?? {}).map(([key, value]) => ({ key, value }))]
    : undefined;
  return compact<ContainerInfoSpec>({
    type: c.type ?? (d ? 'DOCKER' : 'MESOS'),
    volumes: c.volumes?.map((vol) => compact(vol)),
    docker: d && compact({
      image: d.image,
      privileged: d.privileged,
      network: d.network,
      portMappings: d.portMappings?.map((m) => compact(m)),
      forcePullImage: d.forcePullImage,
      dockerParameters: dockerParameters?.length ? dockerParameters : undefined,
    }),
  });
}

/** Cross-field rules Singularity's validator applies; each issue names the offending field. */
function checkDeploy(v: DeployInput, out: SingularityDeploy, ctx: z.RefinementCtx): void {
  const numPorts = out.resources?.numPorts ?? 0;
  if (v.containerInfo?.type === 'DOCKER' && !v.containerInfo.docker) {
    ctx.issues.push({ code: 'custom', path: ['containerInfo', 'docker'], input: undefined, message: 'is required when containerInfo.type is DOCKER (give at least docker.image)' });
  }
  if (!out.command && !out.containerInfo?.docker) {
    ctx.issues.push({ code: 'custom', path: ['command'], input: undefined, message: 'is required unless containerInfo.docker.image is given' });
  }
  out.containerInfo?.docker?.portMappings?.forEach((m, i) => {
    for (const side of ['host', 'container'] as const) {
      const type = side === 'host' ? m.hostPortType : m.containerPortType;
      const value = side === 'host' ? m.hostPort : m.containerPort;
      if ((type ?? 'LITERAL') === 'FROM_OFFER' && value >= numPorts) {
        ctx.issues.push({
          code: 'custom', path: ['containerInfo', 'docker', 'portMappings', i, `${side}Port`], input: value,
          message: `is a FROM_OFFER port index (${value}) but resources.numPorts is ${numPorts}; set numPorts to at least ${value + 1}`,
        });
      }
    }
  });
  const hc = out.healthcheck;
  if (hc) {
    const protocol = hc.protocol ?? 'HTTP';
    if (hc.portIndex !== undefined && hc.portIndex >= numPorts) {
      ctx.issues.push({ code: 'custom', path: ['healthcheck', 'portIndex'], input: hc.portIndex, message: `is ${hc.portIndex} but resources.numPorts is ${numPorts}; the task has no such port` });
    }
    if ((protocol === 'HTTP' || protocol === 'HTTPS') && !hc.uri) {
      ctx.issues.push({ code: 'custom', path: ['healthcheck', 'uri'], input: undefined, message: `is required for an ${protocol} health check (e.g. "/health")` });
    }
    if (protocol === 'COMMAND' && !hc.command) {
      ctx.issues.push({ code: 'custom', path: ['healthcheck', 'command'], input: undefined, message: 'is required for a COMMAND health check' });
    }
    if (protocol !== 'COMMAND' && hc.portIndex === undefined && hc.portNumber === undefined && numPorts === 0) {
      ctx.issues.push({ code: 'custom', path: ['healthcheck', 'portIndex'], input: undefined, message: 'or healthcheck.portNumber is required: the deploy has no ports (resources.numPorts is 0)' });
    }
  }
}

/** The deploy in the shape of `scheduler/model.ts`. */
export const singularityDeploySchema = singularityDeployInput.transform((v, ctx): SingularityDeploy => {
  const out = compact<SingularityDeploy>({
    requestId: v.requestId,
    id: v.id,
    command: v.command,
    arguments: v.arguments,
    shell: v.shell,
    user: v.user,
    env: v.env,
    uris: v.uris?.map((u) => (typeof u === 'string' ? u : u.uri)),
    labels: v.labels,
    metadata: v.metadata,
    version: v.version,
    resources: v.resources ? compact(v.resources) : { ...DEFAULT_RESOURCES },
    containerInfo: v.containerInfo && normalizeContainer(v.containerInfo),
    customExecutorCmd: v.customExecutorCmd,
    customExecutorResources: v.customExecutorResources && compact(v.customExecutorResources),
    executorData: v.executorData,
    healthcheck: normalizeHealthcheck(v, ctx),
    deployHealthTimeoutSeconds: v.deployHealthTimeoutSeconds,
    considerHealthyAfterRunningForSeconds: v.considerHealthyAfterRunningForSeconds,
    skipHealthchecksOnDeploy: v.skipHealthchecksOnDeploy,
    deployInstanceCountPerStep: v.deployInstanceCountPerStep,
    deployStepWaitTimeMs: v.deployStepWaitTimeMs,
    autoAdvanceDeploySteps: v.autoAdvanceDeploySteps,
    loadBalancerGroups: v.loadBalancerGroups,
    loadBalancerPortIndex: v.loadBalancerPortIndex,
    drainSeconds: v.drainSeconds,
    canaryDeploySettings: v.canaryDeploySettings && compact(v.canaryDeploySettings),
    acceptanceChecks: v.acceptanceChecks?.map((c) => compact(c)),
  });
  checkDeploy(v, out, ctx);
  checkRollout(out, ctx);
  return out;
});

export interface NormalizedDeployRequest {
  deploy: SingularityDeploy;
  unpauseOnSuccessfulDeploy: boolean;
  message?: string;
  updatedRequest?: SingularityRequest;
}

/** `POST /api/deploys` body (SingularityDeployRequest). */
export const deployRequestSchema = z.object({
  deploy: singularityDeploySchema,
  unpauseOnSuccessfulDeploy: z.boolean().optional(),
  message: z.string().max(10_000).optional(),
  updatedRequest: singularityRequestSchema.optional(),
}).transform((v, ctx): NormalizedDeployRequest => {
  if (v.updatedRequest && v.updatedRequest.id !== v.deploy.requestId) {
    ctx.issues.push({
      code: 'custom', path: ['updatedRequest', 'id'], input: v.updatedRequest.id,
      message: `is "${v.updatedRequest.id}" but deploy.requestId is "${v.deploy.requestId}"; they must match`,
    });
  }
  return compact({
    deploy: v.deploy,
    unpauseOnSuccessfulDeploy: v.unpauseOnSuccessfulDeploy ?? false,
    message: v.message,
    updatedRequest: v.updatedRequest,
  });
});
