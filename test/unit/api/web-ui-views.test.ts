import { filterProperties, propertyList } from '../../../scheduler/api/property-filter';
import { requestUtilizations } from '../../../scheduler/api/request-utilization';
import type { TaskReservation } from '../../../scheduler/api/cluster-utilization';
import { relevantForUser } from '../../../scheduler/api/relevant-requests';
import type { RequestRecord } from '../../../scheduler/model';

const MB = 1024 * 1024;

describe('property filtering (?property=)', () => {
  const parent = {
    state: 'ACTIVE',
    request: { id: 'web', requestType: 'SERVICE', instances: 2, owners: ['a'] },
    requestDeployState: { activeDeploy: { requestId: 'web', deployId: 'v1', timestamp: 5 }, pendingDeploy: null },
    taskIds: { healthy: [] },
  };

  it('keeps only the members named, nested ones by their dotted path, item by item in a list', () => {
    expect(filterProperties([parent, parent], ['state', 'request.id', 'requestDeployState.activeDeploy.deployId'])).toEqual([
      { state: 'ACTIVE', request: { id: 'web' }, requestDeployState: { activeDeploy: { deployId: 'v1' } } },
      { state: 'ACTIVE', request: { id: 'web' }, requestDeployState: { activeDeploy: { deployId: 'v1' } } },
    ]);
  });

  it('keeps a named object whole, and drops what `!` names while keeping the rest', () => {
    expect(filterProperties(parent, ['request'])).toEqual({ request: parent.request });
    expect(filterProperties(parent, ['!taskIds', '!request.owners'])).toEqual({
      state: 'ACTIVE', request: { id: 'web', requestType: 'SERVICE', instances: 2 }, requestDeployState: parent.requestDeployState,
    });
  });

  it('skips members that are absent or not objects, and leaves scalars alone', () => {
    expect(filterProperties(parent, ['request.id.deeper', 'nothing'])).toEqual({ request: { id: 'web' } });
    expect(filterProperties([1, 'x', null], ['a'])).toEqual([1, 'x', null]);
  });

  it('reads repeated and comma-separated values, and none as no filter', () => {
    expect(propertyList(['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(propertyList('a')).toEqual(['a']);
    expect(propertyList(undefined)).toBeUndefined();
    expect(propertyList(['', ' , '])).toBeUndefined();
  });
});

describe('requestUtilizations (RequestUtilization per request)', () => {
  const task = (requestId: string, deployId: string, usage?: TaskReservation['usage']): TaskReservation => ({
    requestId, deployId, agentId: 'a1', cpus: 0.5, memoryMb: 128, diskMb: 10, ...(usage ? { usage } : {}),
  });

  it('sums the measured tasks of each request and keeps each figure’s extremes with their times', () => {
    const [web] = requestUtilizations([
      task('web', 'v1', { cpus: 0.1, memBytes: 10 * MB, at: 1000 }),
      task('web', 'v1', { cpus: 0.3, memBytes: 30 * MB, at: 2000 }),
      task('web', 'v2', { memBytes: 20 * MB, at: 3000 }),
      task('web', 'v2'),
    ]);
    expect(web).toMatchObject({
      requestId: 'web', deployId: 'v1', numTasks: 3, cpuUsed: 0.4, cpuReserved: 1.5, memBytesUsed: 60 * MB, memBytesReserved: 384 * MB,
      diskBytesReserved: 30 * MB, diskBytesUsed: 0, maxCpuUsed: 0.3, maxCpusTimestamp: 2000, minCpuUsed: 0.1, minCpusTimestamp: 1000,
      maxMemBytesUsed: 30 * MB, maxMemTimestamp: 2000, minMemBytesUsed: 10 * MB, minMemTimestamp: 1000,
    });
  });

  it('leaves out requests with no measured task and sorts by request id', () => {
    const out = requestUtilizations([task('zed', 'v1', { memBytes: MB }), task('none', 'v1'), task('api', 'v9', { memBytes: MB })]);
    expect(out.map((u) => [u.requestId, u.deployId, u.maxCpuUsed, u.minCpuUsed])).toEqual([['api', 'v9', 0, 0], ['zed', 'v1', 0, 0]]);
  });
});

describe('relevantForUser (filterRelevantForUser)', () => {
  const rec = (id: string, group?: string): RequestRecord => ({ request: { id, requestType: 'SERVICE', ...(group ? { group } : {}) }, state: 'ACTIVE', createdAt: 0, updatedAt: 0 });
  const all = [rec('a', 'edge'), rec('b'), rec('c', 'data')];
  const lastBy = (id: string): string | null => (id === 'b' ? 'ci' : null);

  it('keeps the caller’s groups’ requests and those it changed last', () => {
    expect(relevantForUser(all, { name: 'ci', groups: ['edge'] }, lastBy).map((r) => r.request.id)).toEqual(['a', 'b']);
    expect(relevantForUser(all, { name: 'other' }, lastBy)).toEqual([]);
  });

  it('filters nothing without a named caller', () => {
    expect(relevantForUser(all, undefined, lastBy)).toHaveLength(3);
  });
});
