/** Request and deploy definitions shared by the tests of the TaskInfo the scheduler builds. */
import type { SingularityDeploy, SingularityRequest } from '../../scheduler/model';

export const webRequest = (instances = 2): SingularityRequest => ({ id: 'prod-web', requestType: 'SERVICE', instances });

/**
 * prod-web on griddle/demo-http:2 in BRIDGE mode: container ports 8080 and 8081 on the first two
 * offered ports, an HTTP health check on the first, a Docker parameter, a volume and executor env.
 */
export function webDeploy(overrides: Partial<SingularityDeploy> = {}): SingularityDeploy {
  return {
    requestId: 'prod-web', id: 'v1_abc',
    command: 'httpd -f', env: { PORT: '8080' },
    resources: { cpus: 0.5, memoryMb: 128, numPorts: 2 },
    metadata: { serviceName: 'web', environment: 'prod' },
    containerInfo: {
      type: 'DOCKER',
      docker: {
        image: 'griddle/demo-http:2', network: 'BRIDGE',
        portMappings: [
          { containerPortType: 'LITERAL', containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 },
          { containerPortType: 'LITERAL', containerPort: 8081, hostPortType: 'FROM_OFFER', hostPort: 1 },
        ],
        dockerParameters: [{ key: 'label', value: 'team=core' }],
      },
      volumes: [{ containerPath: '/data', hostPath: '/tmp/data', mode: 'RO' }],
    },
    healthcheck: { uri: '/health', portIndex: 0, intervalSeconds: 2, responseTimeoutSeconds: 1, maxRetries: 2, startupTimeoutSeconds: 30 },
    executorData: { env: { EXECUTOR_SIDECAR_MAX_FAILS: '3' } },
    ...overrides,
  };
}
