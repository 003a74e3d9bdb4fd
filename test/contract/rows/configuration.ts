import * as z from 'zod';
import { obj } from '../../support/api-harness';
import type { ContractRow } from '../contract-row';

/** SingularityConfigurationResource, NotificationsResource and AuthResource's user. */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/configuration/singularity-limits',
    name: 'getSingularityLimits',
    status: 200,
    shape: 'SingularityLimits',
    check: (res) => expect(obj(res.json).maxDecommissioningAgents).toBe(2),
  },
  {
    endpoint: 'GET /api/notifications/allowlist',
    name: 'getNotificationAllowlist',
    status: 200,
    shape: z.array(z.string()),
    check: (res) => expect(res.json).toEqual([]),
    partial: 'always `[]`: Griddle sends no e-mail notifications',
  },
  {
    endpoint: 'GET /api/auth/user',
    name: 'without tokens configured: no user, auth off',
    status: 200,
    shape: 'SingularityUserHolder',
    check: (res) => expect(res.json).toEqual({ authenticated: false, authEnabled: false }),
  },
];
