/**
 * The service every chaos test rolls: 4 instances of griddle/demo-http, one new instance per
 * deploy step, HTTP health checks on /health; versions alternate between image tags 1 and 2.
 */
import type { SingularityDeploy, SingularityRequest } from '../../../contract';

export const INSTANCES = 4;
export const STEP = 1;

export function serviceRequest(id: string): SingularityRequest {
  return { id, requestType: 'SERVICE', instances: INSTANCES };
}

export function serviceDeploy(requestId: string, deployId: string, tag: 1 | 2): SingularityDeploy {
  return {
    requestId, id: deployId,
    resources: { cpus: 0.05, memoryMb: 32, numPorts: 1 },
    containerInfo: {
      type: 'DOCKER',
      docker: { image: `griddle/demo-http:${tag}`, network: 'BRIDGE', portMappings: [{ containerPortType: 'LITERAL', containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] },
    },
    healthcheck: { uri: '/health', portIndex: 0, intervalSeconds: 1, responseTimeoutSeconds: 1, startupTimeoutSeconds: 30 },
    deployInstanceCountPerStep: STEP,
    deployHealthTimeoutSeconds: 120,
  };
}
