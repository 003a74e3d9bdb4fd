/**
 * The headline figures of each benchmark's JSON, each with the baseline the benchmark measured
 * in the same run. A field a benchmark no longer prints gives no row rather than an error, so
 * benchmarks can grow without breaking the report. Pure.
 */

export interface Figure {
  bench: string;
  figure: string;
  value: number | null;
  unit: string;
  baseline?: string;
  baselineValue?: number | null;
  /** value ÷ baseline value. */
  ratio?: number | null;
  target?: string;
}

/** The number at a dotted path (keys may hold spaces and slashes), or null. */
export function num(value: unknown, path: string[]): number | null {
  let at: unknown = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return null;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'number' && Number.isFinite(at) ? at : null;
}

type Row = Omit<Figure, 'bench' | 'ratio'>;

function withRatio(bench: string, row: Row): Figure {
  const { value, baselineValue } = row;
  const ratio = value !== null && baselineValue !== undefined && baselineValue !== null && baselineValue !== 0
    ? Math.round((value / baselineValue) * 100) / 100 : undefined;
  return { bench, ...row, ...(ratio !== undefined ? { ratio } : {}) };
}

function discovery(o: unknown): Row[] {
  const endpoints = num(o, ['endpoints']);
  const encode = num(o, ['baseline', 'protobufEncodeChangeMs']);
  const burst = num(o, ['updateToWatchLatency', 'burst', 'updates']);
  const encodeBurst = encode !== null && burst !== null ? encode * burst : null;
  return [
    { figure: `gRPC Watch p99, one change at a time (${endpoints ?? '?'} endpoints)`, value: num(o, ['updateToWatchLatency', 'sequential', 'p99Ms']), unit: 'ms', baseline: 'protobufjs encode of one change', baselineValue: encode, target: '≤ 100 ms' },
    { figure: `gRPC Watch p99, burst of ${burst ?? '?'} changes (50 per read), one change per message`, value: num(o, ['updateToWatchLatency', 'burst', 'fromApplied', 'p99Ms']), unit: 'ms', baseline: 'protobufjs encode of the whole burst', baselineValue: encodeBurst },
    { figure: `gRPC Watch p99, burst of ${burst ?? '?'} changes (50 per read), batched (max_changes_per_message)`, value: num(o, ['updateToWatchLatency', 'batched', 'burst', 'fromRead', 'p99Ms']), unit: 'ms', baseline: 'protobufjs encode of the whole burst', baselineValue: encodeBurst, target: '≤ 100 ms' },
    { figure: 'gRPC Watch, burst: core apply time for all changes', value: num(o, ['updateToWatchLatency', 'burst', 'applyAllMs']), unit: 'ms', baseline: 'protobufjs encode of the whole burst', baselineValue: encodeBurst },
    { figure: 'Sidecar /api/watch document after one change, p50', value: num(o, ['sidecarWatchDocumentPerChange', 'p50Ms']), unit: 'ms', baseline: 'JSON.stringify of the whole catalog', baselineValue: num(o, ['sidecarWatchDocumentPerChange', 'baselineFullStringifyMs']) },
    { figure: `HAProxy config render (${num(o, ['haproxy', 'servers']) ?? '?'} servers)`, value: num(o, ['haproxy', 'renderMs']), unit: 'ms', baseline: 'joining the same lines', baselineValue: num(o, ['haproxy', 'baselineJoinSameLinesMs']) },
    { figure: 'HAProxy `haproxy -c` of that config', value: num(o, ['haproxy', 'validateMs']), unit: 'ms', baseline: '`haproxy -c` of one server', baselineValue: num(o, ['haproxy', 'baselineValidateMinimalMs']) },
  ];
}

function api(o: unknown): Row[] {
  const tasks = num(o, ['tasks']);
  const same = ['baselines', 'bare express, body the size of /api/tasks/active'];
  const rows: Row[] = [
    { figure: `GET /api/tasks/active p99, 10 connections (${tasks ?? '?'} tasks)`, value: num(o, ['GET /api/tasks/active', 'p99Ms']), unit: 'ms', baseline: 'bare express, same bytes', baselineValue: num(o, [...same, 'p99Ms']) },
    { figure: 'GET /api/tasks/active requests/s', value: num(o, ['GET /api/tasks/active', 'rps']), unit: '/s', baseline: 'bare express, same bytes', baselineValue: num(o, [...same, 'rps']) },
    { figure: 'GET /api/tasks/active gzip p99', value: num(o, ['GET /api/tasks/active (Accept-Encoding: gzip)', 'p99Ms']), unit: 'ms', baseline: 'bare express, same bytes gzipped', baselineValue: num(o, ['baselines', 'bare express, that body gzipped', 'p99Ms']) },
    { figure: 'GET /api/tasks/active, first GET after a task changed, p50', value: num(o, ['GET /api/tasks/active, first GET after a task changed', 'p50Ms']), unit: 'ms', baseline: 'one GET of the same bytes', baselineValue: num(o, ['GET /api/tasks/active, first GET after a task changed', 'baseline', 'one GET of the same bytes from bare express', 'p50Ms']) },
    { figure: 'GET /api/tasks/active, first GET after a task changed, p99', value: num(o, ['GET /api/tasks/active, first GET after a task changed', 'p99Ms']), unit: 'ms', baseline: 'one GET of the same bytes', baselineValue: num(o, ['GET /api/tasks/active, first GET after a task changed', 'baseline', 'one GET of the same bytes from bare express', 'p99Ms']) },
    { figure: 'GET /api/requests p99', value: num(o, ['GET /api/requests', 'p99Ms']), unit: 'ms', baseline: 'bare express {"ok":true}', baselineValue: num(o, ['baselines', 'bare express {"ok":true}', 'p99Ms']) },
  ];
  for (const key of Object.keys(typeof o === 'object' && o !== null ? o : {}).filter((k) => k.startsWith('GET /api/slim/'))) {
    rows.push({ figure: `${key} p99`, value: num(o, [key, 'p99Ms']), unit: 'ms', baseline: 'bare express {"ok":true}', baselineValue: num(o, ['baselines', 'bare express {"ok":true}', 'p99Ms']), target: '≤ 50 ms' });
  }
  return rows;
}

function launchLatency(o: unknown): Row[] {
  return [
    { figure: 'executor start → TASK_RUNNING, median', value: num(o, ['executor_start_to_running_ms', 'median']), unit: 'ms', baseline: '`docker run -d`', baselineValue: num(o, ['docker_run_d_ms', 'median']), target: '≤ 1.5×' },
    { figure: 'executor start → SUBSCRIBE, median', value: num(o, ['parts_median_ms', 'executor_start_to_subscribe']), unit: 'ms', baseline: '`node -e 0`', baselineValue: num(o, ['node_e_0_ms', 'median']) },
    { figure: 'executor RSS with its task running, max', value: num(o, ['executor_rss_mb', 'max']), unit: 'MB', target: '≤ 60 MB' },
  ];
}

function scheduling(o: unknown): Row[] {
  const instances = num(o, ['instances']);
  return [
    { figure: `0 → ${instances ?? '?'} instances RUNNING on ${num(o, ['agents']) ?? '?'} agents`, value: num(o, ['wallSeconds']), unit: 's', baseline: 'raw pipelined ZooKeeper writes of the same records', baselineValue: num(o, ['baseline', 'wallSeconds']), target: '≤ 2×' },
    { figure: 'scheduler peak RSS', value: num(o, ['schedulerPeakRssMb']), unit: 'MB', target: '≤ 1,536 MB at full scale' },
  ];
}

function failover(o: unknown): Row[] {
  return [
    { figure: 'leader SIGKILL → standby subscribed, p50', value: num(o, ['killToSubscribedMs', 'p50']), unit: 'ms', baseline: "ZooKeeper's own session expiry", baselineValue: num(o, ['baselineSessionExpiryMs', 'p50']) },
    { figure: 'leader SIGKILL → standby serving as leader, p50', value: num(o, ['killToServingAsLeaderMs', 'p50']), unit: 'ms', baseline: "ZooKeeper's own session expiry", baselineValue: num(o, ['baselineSessionExpiryMs', 'p50']), target: '≤ 10 s' },
  ];
}

function clusterScale(o: unknown): Row[] {
  const expiry = num(o, ['failover', 'baseline', 'ms']);
  return [
    { figure: `${num(o, ['instances']) ?? '?'} instances over the REST API → all RUNNING`, value: num(o, ['wallSeconds']), unit: 's', baseline: 'raw pipelined ZooKeeper creates of the same records', baselineValue: num(o, ['baseline', 'wallSeconds']), target: '≤ 2× the floor' },
    { figure: 'scheduler peak RSS', value: num(o, ['schedulerPeakRssMb']), unit: 'MB', target: '≤ 1,536 MB' },
    { figure: 'largest znode', value: num(o, ['stateTree', 'maxZnodeBytes']), unit: 'B', target: '< 1 MB' },
    { figure: 'most children of one znode', value: num(o, ['stateTree', 'maxChildren']), unit: '', target: '≤ 4,096' },
    { figure: 'leader SIGKILL → standby leading', value: num(o, ['failover', 'killToLeadingMs']), unit: 'ms', baseline: "ZooKeeper's own session expiry", baselineValue: expiry, target: '≤ 10 s' },
    { figure: 'leader SIGKILL → every task reconciled', value: num(o, ['failover', 'killToEveryTaskReconciledMs']), unit: 'ms', baseline: "ZooKeeper's own session expiry", baselineValue: expiry },
    { figure: 'tasks restarted or duplicated by the failover', value: num(o, ['failover', 'taskIdsNewAfterFailover']), unit: '', target: '0' },
  ];
}

function mesosLocal(o: unknown): Row[] {
  return [
    { figure: `offers per second (${num(o, ['agents']) ?? '?'} agents)`, value: num(o, ['offersPerSecond']), unit: '/s', baseline: 'protobufjs encode of the same offers', baselineValue: num(o, ['baselineEncodeOffersPerSecond']) },
    { figure: 'accept → TASK_RUNNING p99', value: num(o, ['acceptToRunningMs', 'p99']), unit: 'ms' },
  ];
}

function consoleBench(o: unknown): Row[] {
  return [{ figure: 'console overview first render, median', value: num(o, ['overviewFirstRenderMs', 'median']), unit: 'ms', baseline: 'blank page, same browser', baselineValue: num(o, ['baselineBlankPageMs', 'median']), target: '≤ 1,000 ms' }];
}

function soak(o: unknown): Row[] {
  return [
    { figure: 'convergence after a fault, p99', value: num(o, ['convergenceMs', 'p99']), unit: 'ms' },
    { figure: 'lost writes', value: num(o, ['lostWrites']), unit: '', target: '0' },
    { figure: 'duplicate tasks', value: num(o, ['duplicateTasks']), unit: '', target: '0' },
  ];
}

function standbyReads(o: unknown): Row[] {
  const records = num(o, ['records']) ?? '?';
  const floor = { baseline: 'pipelined getData of every record', baselineValue: num(o, ['baseline', 'ms']) };
  return [
    { figure: `standby full load of ${records} task records`, value: num(o, ['fullLoadMs']), unit: 'ms', ...floor },
    { figure: 'standby re-load, nothing changed (reads kept)', value: num(o, ['keptReads', 'unchangedReloadMs']), unit: 'ms', ...floor },
    { figure: 'standby re-load after 1% changed (reads kept)', value: num(o, ['keptReads', 'onePercentChanged', 'reloadMs']), unit: 'ms', ...floor },
  ];
}

const EXTRACTORS: Record<string, (o: unknown) => Row[]> = {
  discovery, api, 'launch-latency': launchLatency, scheduling, failover, 'cluster-scale': clusterScale, 'mesos-local': mesosLocal, console: consoleBench, soak,
  'standby-reads': standbyReads,
};

/** The figures of one benchmark's output; rows whose value it did not print are left out. */
export function figuresOf(bench: string, output: unknown): Figure[] {
  const rows = EXTRACTORS[bench]?.(output) ?? [];
  return rows.filter((r) => r.value !== null).map((r) => withRatio(bench, r));
}
