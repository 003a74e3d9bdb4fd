import { obj } from '../../support/api-harness';
import type { ContractRow } from '../contract-row';

/** DeployResource. */
export const rows: ContractRow[] = [
  {
    endpoint: 'POST /api/deploys',
    name: 'a SingularityDeployRequest with a dotted deploy id',
    params: async (c) => ({ requestId: await c.request('c_deployed', 1) }),
    body: (p) => ({
      deploy: {
        requestId: p.requestId, id: '2.0.1', resources: { cpus: 0.1, memoryMb: 32, numPorts: 1, diskMb: 0 },
        containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:2', network: 'BRIDGE', portMappings: [{ containerPortType: 'LITERAL', containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0, protocol: 'tcp' }], forcePullImage: false, privileged: false } },
        healthcheck: { uri: '/health', portIndex: 0, protocol: 'HTTP' },
      },
      unpauseOnSuccessfulDeploy: false,
      message: 'release 2.0.1',
      updatedRequest: null,
    }),
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(obj(res.json).pendingDeploy).id).toBe('2.0.1'),
  },
  {
    endpoint: 'POST /api/deploys/update',
    name: 'a SingularityUpdatePendingDeployRequest',
    params: async (c) => c.pendingDeploy('c_stepped'),
    body: (p) => ({ requestId: p.requestId, deployId: p.deployId, targetActiveInstances: 2 }),
    status: 200,
    shape: 'SingularityRequestParent',
  },
  {
    endpoint: 'DELETE /api/deploys/deploy/{deployId}/request/{requestId}',
    params: async (c) => c.pendingDeploy('c_canceled'),
    status: 200,
    shape: 'SingularityRequestParent',
  },
];
